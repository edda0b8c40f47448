/* cp_ticks.c: Heckbert's nice numbers for axis ticks */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cp_ticks.h"

double cp_nicestep (double lo, double hi, int target) {
  double range = hi - lo, raw, mag, frac;
  if (!(range > 0) || !isfinite(range) || target < 1) return 0;
  raw = range / target;
  mag = pow(10, floor(log10(raw)));
  frac = raw / mag;
  if (frac < 1.5) return mag;
  if (frac < 3) return 2 * mag;
  if (frac < 7) return 5 * mag;
  return 10 * mag;
}

int cp_ticks (double lo, double hi, int target, double *out, int cap, double *step) {
  double s = cp_nicestep(lo, hi, target), k;
  int n = 0;
  if (step) *step = s;
  if (s == 0) return 0;
  /* integer multiples of s, so labels never accumulate rounding error */
  for (k = ceil(lo / s - 1e-9); k * s <= hi + s * 1e-9 && n < cap; k += 1)
    out[n++] = k * s;
  return n;
}

void cp_ticklabel (double v, double step, char *buf, size_t size) {
  int dec;
  if (fabs(v) < step * 1e-6) v = 0;
  if (step >= 1e6 || step < 1e-5 || fabs(v) >= 1e7) {
    snprintf(buf, size, "%g", v);
    return;
  }
  dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
  snprintf(buf, size, "%.*f", dec, v);
  if (strcmp(buf, "-0") == 0) strcpy(buf, "0");
}

void cp_fmtnum (double v, char *buf, size_t size) {
  if (v == 0) v = 0;  /* no -0 */
  if (isnan(v)) snprintf(buf, size, "undefined");  /* in words a student reads (a graph's log of a negative) */
  else if (isinf(v)) snprintf(buf, size, v > 0 ? "inf" : "-inf");
  else snprintf(buf, size, "%.4g", v);
}
