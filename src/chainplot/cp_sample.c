/* cp_sample.c: adaptive sampling (chord test in pixels, NaN lifts the pen, poles never joined) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cp_sample.h"

void cp_series_clear (cp_series *s) {
  s->n = 0;
}

int cp_series_push (cp_series *s, double t, double y) {
  if (s->n == s->cap) {
    int cap = s->cap ? 2 * s->cap : 1024;
    double *nt = realloc(s->t, (size_t)cap * sizeof *nt), *ny;
    if (!nt) return -1;
    s->t = nt;
    ny = realloc(s->y, (size_t)cap * sizeof *ny);
    if (!ny) return -1;
    s->y = ny;
    s->cap = cap;
  }
  s->t[s->n] = t;
  s->y[s->n] = y;
  s->n++;
  return 0;
}

void cp_series_free (cp_series *s) {
  free(s->t);
  free(s->y);
  s->t = s->y = NULL;
  s->n = s->cap = 0;
}

static int eval (const cp_sampler *S, double t, double *y) {
  int e = S->f(S->ud, t, y);
  if (!isfinite(*y)) *y = NAN;  /* inf lifts the pen like NaN */
  return e;
}

int cp_sample_uniform (const cp_sampler *S, cp_series *out) {
  int i, n = S->wpx < 2 ? 2 : S->wpx, e;
  cp_series_clear(out);
  for (i = 0; i <= n; i++) {
    double t = i == n ? S->t1 : S->t0 + (S->t1 - S->t0) * i / n, y;
    if ((e = eval(S, t, &y)) != 0) return e;
    if (cp_series_push(out, t, y)) return -1;
  }
  return 0;
}

typedef struct Ctx {
  const cp_sampler *S;
  cp_series *out;
  double ky;        /* pixels per unit of y */
  double hpx;
  int maxdepth, err;
} Ctx;

/* above the top (1), below the bottom (-1) or inside (0), with a margin of one panel */
static int side (const Ctx *C, double y) {
  double p = (y - C->S->y0) * C->ky;
  if (p > 2 * C->hpx) return 1;
  if (p < -C->hpx) return -1;
  return 0;
}

/* appends the inside of (ta, tb] ending with the point (tb, yb) */
static void refine (Ctx *C, double ta, double ya, double tb, double yb, int depth) {
  double tm, ym;
  int fa = !isnan(ya), fb = !isnan(yb);
  if (C->err) return;
  if (depth >= C->maxdepth || C->out->n >= C->S->maxpoints || (!fa && !fb)) goto emit;
  if (fa && fb && side(C, ya) != 0 && side(C, ya) == side(C, yb)) goto emit;  /* off-screen */
  tm = 0.5 * (ta + tb);
  if (tm <= ta || tm >= tb) goto emit;
  if ((C->err = eval(C->S, tm, &ym)) != 0) return;
  if (fa && fb && !isnan(ym)) {
    double dev = fabs(ym - 0.5 * (ya + yb)) * C->ky;
    if (dev <= 0.5) goto emit;
    /* a pole: at the depth cap the midpoint is still far outside the chord */
  }
  refine(C, ta, ya, tm, ym, depth + 1);
  refine(C, tm, ym, tb, yb, depth + 1);
  return;
 emit:
  if (fa && fb && depth >= C->maxdepth && fabs(ya - yb) * C->ky > 2) {
    /* unresolved jump at the finest scale: a pole or a step, never join it */
    double ym2;
    tm = 0.5 * (ta + tb);
    if ((C->err = eval(C->S, tm, &ym2)) != 0) return;
    /* a step keeps almost all of its rise on one side of the midpoint; a steep
       continuous curve splits it */
    int step = fmax(fabs(ym2 - ya), fabs(yb - ym2)) > 0.9 * fabs(yb - ya);
    if (isnan(ym2) || ym2 > fmax(ya, yb) || ym2 < fmin(ya, yb) || step
        || fabs(ya - yb) * C->ky > C->hpx) {
      if (cp_series_push(C->out, tm, NAN)) C->err = -1;
    }
  }
  if (cp_series_push(C->out, tb, yb)) C->err = -1;
}

int cp_sample_refine (const cp_sampler *S, const cp_series *in, cp_series *out) {
  Ctx C;
  cp_sampler s = *S;
  int i;
  double dy = S->y1 - S->y0;
  if (s.maxdepth <= 0) s.maxdepth = 10;
  if (s.maxpoints <= 0) s.maxpoints = 50000;
  C.S = &s;
  C.out = out;
  C.hpx = S->hpx > 1 ? S->hpx : 1;
  C.ky = dy > 0 && isfinite(dy) ? C.hpx / dy : 0;
  C.maxdepth = s.maxdepth;
  C.err = 0;
  cp_series_clear(out);
  if (in->n == 0) return 0;
  if (cp_series_push(out, in->t[0], in->y[0])) return -1;
  for (i = 1; i < in->n && !C.err; i++)
    refine(&C, in->t[i - 1], in->y[i - 1], in->t[i], in->y[i], 0);
  return C.err;
}

int cp_sample (const cp_sampler *S, cp_series *tmp, cp_series *out) {
  int e = cp_sample_uniform(S, tmp);
  return e ? e : cp_sample_refine(S, tmp, out);
}

static int cmpd (const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* the robust range of one series; 0 when it has no finite value */
static int range1 (const cp_series *s, double *lo, double *hi) {
  int j, n = 0;
  double *v, q1, q3, iqr;
  if (s->n == 0 || !(v = malloc((size_t)s->n * sizeof *v))) return 0;
  for (j = 0; j < s->n; j++)
    if (isfinite(s->y[j])) v[n++] = s->y[j];
  if (n == 0) {
    free(v);
    return 0;
  }
  qsort(v, (size_t)n, sizeof *v, cmpd);
  q1 = v[(int)floor(0.25 * (n - 1))];
  q3 = v[(int)ceil(0.75 * (n - 1))];
  iqr = q3 - q1;
  /* the middle half decides; values further out than 6 interquartile ranges are poles */
  *lo = fmax(v[0], q1 - 6 * iqr);
  *hi = fmin(v[n - 1], q3 + 6 * iqr);
  free(v);
  return 1;
}

int cp_range_robust (cp_series *const *s, int ns, double *lo, double *hi) {
  int i, any = 0;
  double qlo = 0, qhi = 0, a, b, span;
  for (i = 0; i < ns; i++)  /* each curve on its own: a flat factor must not squeeze h' */
    if (range1(s[i], &a, &b)) {
      qlo = any ? fmin(qlo, a) : a;
      qhi = any ? fmax(qhi, b) : b;
      any = 1;
    }
  if (!any) return 0;
  span = qhi - qlo;
  if (span <= 1e-12 * fmax(fabs(qlo), fabs(qhi)) || span == 0) {
    double m = fabs(qlo) > 0 ? 0.1 * fabs(qlo) : 1;
    qlo -= m;
    qhi += m;
    span = qhi - qlo;
  }
  *lo = qlo - 0.08 * span;
  *hi = qhi + 0.08 * span;
  return 1;
}
