/* cp_ticks.h: nice 1-2-5 tick positions and their labels */
#ifndef cp_ticks_h
#define cp_ticks_h

#include <stddef.h>

/* A step of 1, 2 or 5 times a power of ten giving about 'target' intervals over [lo, hi]. */
double cp_nicestep (double lo, double hi, int target);

/* Multiples of the nice step inside [lo, hi]; returns how many (at most cap), step in *step. */
int cp_ticks (double lo, double hi, int target, double *out, int cap, double *step);

/* Label for a tick: as many decimals as the step needs, -0 and rounding noise shown as 0. */
void cp_ticklabel (double v, double step, char *buf, size_t size);

/* A readout number: 4 significant digits, no trailing noise. */
void cp_fmtnum (double v, char *buf, size_t size);

#endif
