/* cp_axis.h: one tick format for every axis: plain labels, or an offset and a power of ten */
#ifndef cp_axis_h
#define cp_axis_h

#include <stddef.h>

#define CP_MAXTICKS 64

typedef struct cp_axis {
  int n, target;            /* the target that gave these ticks: the same again gives the same */
  double t[CP_MAXTICKS];    /* tick positions, multiples of step */
  double step;
  double offset;            /* a tick v is labelled (v - offset) / 10^exp ... */
  int exp, scaled;          /* ... when scaled; else plainly, with the step's decimals */
  char note[96];            /* what the labels leave out: "offset 4.193, ×10⁻⁶", "×10⁹", or "" */
} cp_axis;

/* Ticks for [lo, hi] at about target intervals, fewer if their labels would be wider than
   room pixels apart at cw pixels a character (room <= 0: no limit); returns the tick count. */
int cp_axis_make (cp_axis *a, double lo, double hi, int target, float room, float cw);

/* Label of tick i: at most 8 characters, never two ticks alike. */
void cp_axis_label (const cp_axis *a, int i, char *buf, size_t size);

/* Characters (UTF-8) of the widest label. */
int cp_axis_chars (const cp_axis *a);

#endif
