/* cp_axis.c: tick labels that stay short and distinct at any zoom: an offset and a power of ten */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cp_axis.h"
#include "cp_ticks.h"

/* the longest label a tick gets before the axis moves to an offset and a power of ten */
#define MAXPLAIN 8

static int utf8len (const char *s) {
  int n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
  return n;
}

/* 10^e written with superscript digits, "×10⁻⁶" */
static void power (int e, char *buf, size_t size) {
  static const char *sup[] = {"\xe2\x81\xb0", "\xc2\xb9", "\xc2\xb2", "\xc2\xb3", "\xe2\x81\xb4",
                              "\xe2\x81\xb5", "\xe2\x81\xb6", "\xe2\x81\xb7", "\xe2\x81\xb8", "\xe2\x81\xb9"};
  char digits[16];
  int i;
  snprintf(buf, size, "\xc3\x97" "10%s", e < 0 ? "\xe2\x81\xbb" : "");
  snprintf(digits, sizeof digits, "%d", e < 0 ? -e : e);
  for (i = 0; digits[i]; i++)
    if (strlen(buf) + 4 < size) strcat(buf, sup[digits[i] - '0']);
}

/* v with the decimals its step needs (never %g: that would drop the digits that tell ticks apart) */
static void plainlabel (const cp_axis *a, double v, char *buf, size_t size) {
  int dec = a->step >= 1 ? 0 : (int)ceil(-log10(a->step) - 1e-9);
  if (fabs(v) < a->step * 1e-6) v = 0;
  if (fabs(v) >= 1e15 || dec > 17) snprintf(buf, size, "%.17g", v);  /* long: scaled instead */
  else snprintf(buf, size, "%.*f", dec, v);
  if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) memmove(buf, buf + 1, strlen(buf));
}

static void format (cp_axis *a) {
  int e = (int)floor(log10(a->step) + 1e-9), i, longest = 0, sci = 0;
  double big = 0;
  char buf[64];
  a->offset = 0;
  a->exp = 0;
  a->scaled = 0;
  a->note[0] = 0;
  for (i = 0; i < a->n; i++) {
    plainlabel(a, a->t[i], buf, sizeof buf);
    if (utf8len(buf) > longest) longest = utf8len(buf);
    if (strchr(buf, 'e')) sci = 1;
    if (fabs(a->t[i]) > big) big = fabs(a->t[i]);
  }
  if (longest <= MAXPLAIN && !sci) return;
  a->scaled = 1;
  a->exp = e;
  if (big / a->step >= 1e4) {  /* the ticks differ only in late digits: take the common part out */
    double B = pow(10, e + 3);
    a->offset = floor(a->t[0] / B) * B;
    if (a->offset == 0) a->offset = 0;  /* no -0 */
  }
  if (a->offset != 0) {
    char off[40];
    snprintf(off, sizeof off, "%.15g", a->offset);
    if (e != 0) {
      char pw[24];
      power(e, pw, sizeof pw);
      snprintf(a->note, sizeof a->note, "offset %s, %s", off, pw);
    } else snprintf(a->note, sizeof a->note, "offset %s", off);
  } else power(e, a->note, sizeof a->note);
}

int cp_axis_make (cp_axis *a, double lo, double hi, int target, float room, float cw) {
  if (target < 2) target = 2;
  for (;;) {
    a->target = target;
    a->n = cp_ticks(lo, hi, target, a->t, CP_MAXTICKS, &a->step);
    if (a->n == 0) {
      a->note[0] = 0;
      a->scaled = 0;
      return 0;
    }
    format(a);
    /* labels a character apart at least: else fewer ticks */
    if (room <= 0 || target <= 2 || (cp_axis_chars(a) + 1.5f) * cw * a->n <= room) return a->n;
    target--;
  }
}

void cp_axis_label (const cp_axis *a, int i, char *buf, size_t size) {
  double v = a->t[i], k;
  if (!a->scaled) {
    plainlabel(a, v, buf, size);
    return;
  }
  k = (v - a->offset) / pow(10, a->exp);
  k = round(k);  /* whole multiples of the step's power of ten */
  if (k == 0) k = 0;
  snprintf(buf, size, "%.0f", k);
}

int cp_axis_chars (const cp_axis *a) {
  char buf[64];
  int i, w = 0;
  for (i = 0; i < a->n; i++) {
    cp_axis_label(a, i, buf, sizeof buf);
    if (utf8len(buf) > w) w = utf8len(buf);
  }
  return w;
}
