/* test_cp_ticks_sample.c: nice ticks and adaptive sampling, with C evaluators (no Lua, no SDL) */
#include <stdlib.h>

#include "cp_check.h"
#include "cp_ticks.h"
#include "cp_axis.h"
#include "cp_sample.h"

static const double PI = 3.14159265358979323846;

static void ticks (void) {
  static const struct { double lo, hi; int target; double step; } cases[] = {
    {0, 1, 5, 0.2}, {-3, 3, 6, 1}, {0, 10, 4, 2}, {0, 100, 2, 50}, {-1e6, 1e6, 4, 5e5},
    {0.001, 0.0013, 3, 0.0001}, {2.8, 16.3, 8, 2}, {-0.05, 0.05, 5, 0.02}, {125, 2744, 6, 500},
    {-4000, 4000, 8, 1000}, {1e-9, 5e-9, 4, 1e-9}, {7.5, 7.6, 5, 0.02},
  };
  size_t i;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double t[64], step, m;
    int n = cp_ticks(cases[i].lo, cases[i].hi, cases[i].target, t, 64, &step), k;
    CLOSE(step, cases[i].step, 1e-12, "nice step");
    m = step / pow(10, floor(log10(step) + 1e-9));
    CHECK(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9,
          "step %g is 1, 2 or 5 times a power of ten", step);
    CHECK(n >= 2, "[%g, %g]: %d ticks", cases[i].lo, cases[i].hi, n);
    for (k = 0; k < n; k++) {
      CHECK(t[k] >= cases[i].lo - step * 1e-9 && t[k] <= cases[i].hi + step * 1e-9,
            "tick %g inside [%g, %g]", t[k], cases[i].lo, cases[i].hi);
      CHECK(fabs(t[k] / step - round(t[k] / step)) < 1e-9, "tick %g is a multiple of %g", t[k], step);
      if (k > 0) CLOSE(t[k] - t[k - 1], step, 1e-6, "even spacing");
    }
    CHECK(t[0] - step < cases[i].lo, "first tick %g is the first multiple", t[0]);
  }
  {
    double t[4], step;
    CHECK(cp_ticks(1, 1, 5, t, 4, &step) == 0, "an empty range has no ticks");
    CHECK(cp_ticks(0, NAN, 5, t, 4, &step) == 0, "a NaN range has no ticks");
    CHECK(cp_ticks(0, 1e6, 1000, t, 4, &step) == 4, "at most cap ticks");
  }
  {
    char b[64];
    cp_ticklabel(0.30000000000000004, 0.1, b, sizeof b);
    CHECK(strcmp(b, "0.3") == 0, "label 0.3: %s", b);
    cp_ticklabel(-1e-17, 1, b, sizeof b);
    CHECK(strcmp(b, "0") == 0, "label -0: %s", b);
    cp_ticklabel(-1e-17, 0.5, b, sizeof b);
    CHECK(strcmp(b, "0.0") == 0, "label -0.0: %s", b);
    cp_ticklabel(2.5, 0.5, b, sizeof b);
    CHECK(strcmp(b, "2.5") == 0, "label 2.5: %s", b);
    cp_ticklabel(1500, 500, b, sizeof b);
    CHECK(strcmp(b, "1500") == 0, "label 1500: %s", b);
    cp_ticklabel(0.0004, 0.0002, b, sizeof b);
    CHECK(strcmp(b, "0.0004") == 0, "label 0.0004: %s", b);
    cp_ticklabel(2e-9, 1e-9, b, sizeof b);
    CHECK(strcmp(b, "2e-09") == 0, "label 2e-09: %s", b);
    cp_fmtnum(157.6875, b, sizeof b);
    CHECK(strcmp(b, "157.7") == 0, "readout number: %s", b);
    cp_fmtnum(NAN, b, sizeof b);
    CHECK(strcmp(b, "undefined") == 0, "a NaN in words: %s", b);
    cp_fmtnum(-0.0, b, sizeof b);
    CHECK(strcmp(b, "0") == 0, "no -0: %s", b);
  }
}

/* evaluators */
static int ntan, nsin;
static int f_tan (void *ud, double t, double *y) { (void)ud; ntan++; *y = tan(t); return 0; }
static int f_sin (void *ud, double t, double *y) { (void)ud; nsin++; *y = sin(t); return 0; }
static int f_loggap (void *ud, double t, double *y) { (void)ud; *y = log(t * t - 1); return 0; }
static int f_invsq (void *ud, double t, double *y) { (void)ud; *y = 1 / (t * t); return 0; }
static int f_fail (void *ud, double t, double *y) { (void)ud; *y = t; return t > 0.5 ? 7 : 0; }
static int f_step (void *ud, double t, double *y) { (void)ud; *y = (t < 0.3) ? -1.0 : 1.0; return 0; }
static int f_steep (void *ud, double t, double *y) { (void)ud; *y = tanh(200 * t); return 0; }

static cp_sampler sampler (cp_evalfn f, double t0, double t1, double y0, double y1) {
  cp_sampler s;
  memset(&s, 0, sizeof s);
  s.f = f;
  s.t0 = t0; s.t1 = t1; s.y0 = y0; s.y1 = y1;
  s.wpx = 800; s.hpx = 400;
  return s;
}

static void sampling (void) {
  cp_series tmp = {0}, out = {0}, again = {0};
  cp_sampler s = sampler(f_tan, -5, 5, -10, 10);
  int i, k, joined = 0, breaks = 0;
  double dev = 0;
  CHECK(cp_sample(&s, &tmp, &out) == 0, "tan samples");
  CHECK(tmp.n == 801, "one sample per pixel column: %d", tmp.n);
  CHECK(out.n > tmp.n, "refinement adds points: %d", out.n);
  /* no segment between two finite points may contain a pole (pi/2 + k pi) */
  for (i = 0; i + 1 < out.n; i++) {
    if (isnan(out.y[i])) { breaks++; continue; }
    if (isnan(out.y[i + 1])) continue;
    for (k = -2; k <= 1; k++) {
      double pole = PI / 2 + k * PI;
      if (out.t[i] < pole && out.t[i + 1] > pole) joined++;
    }
  }
  CHECK(joined == 0, "tan: %d segments join across a pole", joined);
  CHECK(breaks >= 4, "tan: the pen lifts at the 4 poles in [-5, 5] (%d breaks)", breaks);
  CHECK(cp_sample(&s, &tmp, &again) == 0 && again.n == out.n
        && memcmp(again.t, out.t, sizeof(double) * (size_t)out.n) == 0, "sampling is deterministic");

  /* chord test: every midpoint lies within half a pixel of the drawn segment */
  s = sampler(f_sin, -10, 10, -1.2, 1.2);
  nsin = 0;
  CHECK(cp_sample(&s, &tmp, &out) == 0, "sin samples");
  for (i = 0; i + 1 < out.n; i++) {
    double tm = 0.5 * (out.t[i] + out.t[i + 1]);
    double d = fabs(sin(tm) - 0.5 * (out.y[i] + out.y[i + 1])) * 400 / 2.4;
    if (d > dev) dev = d;
  }
  CHECK(dev <= 0.5 + 1e-9, "sin: largest midpoint deviation %.3f px", dev);
  CHECK(nsin < 4000, "sin: %d evaluations stay modest", nsin);

  /* log(x^2 - 1): a gap on [-1, 1], reached closely from both sides */
  s = sampler(f_loggap, -4, 4, -5, 3);
  CHECK(cp_sample(&s, &tmp, &out) == 0, "log gap samples");
  {
    double left = -10, right = 10;
    int inside = 0;
    for (i = 0; i < out.n; i++) {
      if (isnan(out.y[i])) continue;
      if (fabs(out.t[i]) <= 1) inside++;
      if (out.t[i] < 0 && out.t[i] > left) left = out.t[i];
      if (out.t[i] > 0 && out.t[i] < right) right = out.t[i];
    }
    CHECK(inside == 0, "no finite point inside the domain gap (%d)", inside);
    CHECK(left > -1.001 && right < 1.001, "the curve reaches the gap edges: %.6f %.6f", left, right);
  }

  /* 1/x^2: both sides go up; a segment across 0 must lie wholly above the view */
  s = sampler(f_invsq, -2, 2, 0, 10);
  CHECK(cp_sample(&s, &tmp, &out) == 0, "1/x^2 samples");
  for (i = 0, joined = 0; i + 1 < out.n; i++)
    if (!isnan(out.y[i]) && !isnan(out.y[i + 1]) && out.t[i] < 0 && out.t[i + 1] > 0
        && (out.y[i] < 10 || out.y[i + 1] < 10)) joined++;
  CHECK(joined == 0, "1/x^2: no visible join across the pole");

  /* a finite step (the derivative of |x|) is a jump too: never joined by a vertical line */
  s = sampler(f_step, -2, 2, -2, 2);
  CHECK(cp_sample(&s, &tmp, &out) == 0, "step samples");
  for (i = 0, joined = 0; i + 1 < out.n; i++)
    if (!isnan(out.y[i]) && !isnan(out.y[i + 1]) && out.y[i] != out.y[i + 1]) joined++;
  CHECK(joined == 0, "step: %d segments join -1 and 1", joined);
  /* a steep but continuous curve stays one line */
  s = sampler(f_steep, -2, 2, -2, 2);
  CHECK(cp_sample(&s, &tmp, &out) == 0, "tanh(200x) samples");
  for (i = 0, breaks = 0; i < out.n; i++) breaks += isnan(out.y[i]);
  CHECK(breaks == 0, "tanh(200x): %d breaks in a continuous curve", breaks);

  /* an evaluator error stops sampling and is passed on */
  s = sampler(f_fail, 0, 1, 0, 1);
  CHECK(cp_sample(&s, &tmp, &out) == 7, "the evaluator's error code comes back");

  /* robust y range: asymptotes do not blow it up, ordinary curves fit whole */
  {
    cp_series *one[1];
    double lo, hi;
    s = sampler(f_tan, -5, 5, -10, 10);
    cp_sample_uniform(&s, &tmp);
    one[0] = &tmp;
    CHECK(cp_range_robust(one, 1, &lo, &hi), "tan has a range");
    CHECK(lo < -1 && hi > 1 && lo > -40 && hi < 40, "tan range [%g, %g] is modest", lo, hi);
    s = sampler(f_sin, 0, 10, -1, 1);
    cp_sample_uniform(&s, &tmp);
    CHECK(cp_range_robust(one, 1, &lo, &hi), "sin has a range");
    CHECK(lo < -1 && hi > 1 && lo > -1.3 && hi < 1.3, "sin range [%g, %g] fits", lo, hi);
    cp_series_clear(&tmp);
    cp_series_push(&tmp, 0, NAN);
    cp_series_push(&tmp, 1, INFINITY);
    lo = 3; hi = 4;
    CHECK(!cp_range_robust(one, 1, &lo, &hi) && lo == 3 && hi == 4, "no finite value: no range");
  }
  cp_series_free(&tmp);
  cp_series_free(&out);
  cp_series_free(&again);
}

/* 4: labels short and distinct at any range, with an offset and a power of ten when needed */
static void axislabels (void) {
  static const struct { double lo, hi; const char *note, *first; } cases[] = {
    {4.193535, 4.193562, "", "4.193535"},               /* the narrow range: plain, 8 digits */
    {4.1935350, 4.1935352, "offset 4.19353, \xc3\x97" "10\xe2\x81\xbb\xe2\x81\xb8", NULL},  /* deep zoom */
    {-0.15262650, -0.15262590, "offset -0.1527, \xc3\x97" "10\xe2\x81\xbb\xe2\x81\xb7", NULL},
    {0, 3e-7, "\xc3\x97" "10\xe2\x81\xbb\xe2\x81\xb8", "0"},   /* tiny near 0: a power of ten alone */
    {0, 4e9, "\xc3\x97" "10\xe2\x81\xb8", "0"},                    /* huge: the same */
    {1234500.5, 1234500.6, "offset 1234500, \xc3\x97" "10\xe2\x81\xbb\xc2\xb2", NULL},
    {1234500, 1234600, "", "1234500"},
    {-3, 3, "", "-3"}, {-0.2, 0.2, "", "-0.20"}, {2.8, 16.3, "", "4"},
  };
  size_t i;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cp_axis a;
    char b[64], prev[64] = "";
    int n = cp_axis_make(&a, cases[i].lo, cases[i].hi, 6, 0, 0), k;
    CHECK(n >= 2, "[%.10g, %.10g]: %d ticks", cases[i].lo, cases[i].hi, n);
    CHECK(strcmp(a.note, cases[i].note) == 0, "[%.10g, %.10g]: note \"%s\", expected \"%s\"",
          cases[i].lo, cases[i].hi, a.note, cases[i].note);
    for (k = 0; k < n; k++) {
      double back;
      cp_axis_label(&a, k, b, sizeof b);
      CHECK(strlen(b) <= 8, "label %s is at most 8 characters", b);
      CHECK(strcmp(b, prev) != 0, "[%.10g, %.10g]: ticks %d and %d both read %s", cases[i].lo, cases[i].hi, k - 1, k, b);
      if (k == 0 && cases[i].first) CHECK(strcmp(b, cases[i].first) == 0, "first label %s, expected %s", b, cases[i].first);
      /* the label and the note give the tick back */
      back = a.scaled ? a.offset + atof(b) * pow(10, a.exp) : atof(b);
      CHECK(fabs(back - a.t[k]) <= a.step * 1e-6, "label %s (%s) reads %.12g, the tick is %.12g", b, a.note, back, a.t[k]);
      CHECK((a.t[k] < 0) == (back < 0), "the sign of %.12g survives", a.t[k]);
      memcpy(prev, b, sizeof prev);
    }
  }
  {
    cp_axis a;
    /* labels wider than their room: fewer ticks */
    int many = cp_axis_make(&a, 4.193535, 4.193562, 12, 0, 0), few = cp_axis_make(&a, 4.193535, 4.193562, 12, 300, 7.7f);
    CHECK(few < many && (cp_axis_chars(&a) + 1.5f) * 7.7f * few <= 300, "%d labels of %d characters fit 300 px (of %d)",
          few, cp_axis_chars(&a), many);
    CHECK(cp_axis_make(&a, 1, 1, 5, 0, 0) == 0 && a.note[0] == 0, "an empty range: no ticks, no note");
  }
}

int main (void) {
  ticks();
  axislabels();
  sampling();
  return report();
}
