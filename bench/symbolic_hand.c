/* symbolic_hand.c: hand-written C baselines for bench_symbolic.lua, and the tape run from C */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cr_expr.h"
#include "cr_prog.h"

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* the derivatives below are written by hand on purpose: this is the baseline */
static void cubic_hand (const double *xs, size_t n, double *v, double *d) {
  size_t i;
  for (i = 0; i < n; i++) {
    double x = xs[i], u = x * x + 5;
    v[i] = u * u * u;
    d[i] = 6 * x * u * u;
  }
}

static void mixed_hand (const double *xs, size_t n, double *v, double *d) {
  size_t i;
  for (i = 0; i < n; i++) {
    double x = xs[i];
    double s = sin(x), c = cos(x), e3 = exp(x / 3);
    double l = log(x * x + 1), w = x + 2;
    double p = x * x * x - 2 * x, em = exp(-x), q = 1 + em;
    double r = sqrt(x * x + 4), c2 = cos(2 * x), s2 = sin(2 * x);
    v[i] = s * e3 + l / w - p * p / q + r * c2 / 3;
    d[i] = c * e3 + s * e3 / 3 + (2 * x / (x * x + 1)) / w - l / (w * w)
         - (2 * p * (3 * x * x - 2) / q + p * p * em / (q * q)) + (x / r) * c2 / 3
         - r * 2 * s2 / 3;
  }
}

/* the same expressions built through the core, as tracing would build them */
static int op2 (cr_expr *E, cr_opid op, int a, int b) { return cr_expr_apply(E, op, a, b, CR_S_NONE); }
static int op1 (cr_expr *E, cr_opid op, int a) { return cr_expr_apply(E, op, a, CR_NONE, CR_S_NONE); }
static int k (cr_expr *E, double v) { return cr_expr_const(E, v); }

static int cubic_expr (cr_expr *E, int x) {
  return op2(E, CR_OP_pow, op2(E, CR_OP_add, op2(E, CR_OP_pow, x, k(E, 2)), k(E, 5)), k(E, 3));
}

static int mixed_expr (cr_expr *E, int x) {
  int t1 = op2(E, CR_OP_mul, op1(E, CR_OP_sin, x), op1(E, CR_OP_exp, op2(E, CR_OP_div, x, k(E, 3))));
  int t2 = op2(E, CR_OP_div, op1(E, CR_OP_log, op2(E, CR_OP_add, op2(E, CR_OP_pow, x, k(E, 2)), k(E, 1))),
               op2(E, CR_OP_add, x, k(E, 2)));
  int p = op2(E, CR_OP_sub, op2(E, CR_OP_pow, x, k(E, 3)), op2(E, CR_OP_mul, k(E, 2), x));
  int t3 = op2(E, CR_OP_div, op2(E, CR_OP_pow, p, k(E, 2)),
               op2(E, CR_OP_add, k(E, 1), op1(E, CR_OP_exp, op1(E, CR_OP_neg, x))));
  int t4 = op2(E, CR_OP_div,
               op2(E, CR_OP_mul, op1(E, CR_OP_sqrt, op2(E, CR_OP_add, op2(E, CR_OP_pow, x, k(E, 2)), k(E, 4))),
                   op1(E, CR_OP_cos, op2(E, CR_OP_mul, k(E, 2), x))), k(E, 3));
  return op2(E, CR_OP_add, op2(E, CR_OP_sub, op2(E, CR_OP_add, t1, t2), t3), t4);
}

static double best (void (*f) (const double *, size_t, double *, double *),
                    const double *xs, size_t n, double *v, double *d) {
  double b = 1e30;
  int r;
  for (r = 0; r < 3; r++) {
    double t = now();
    f(xs, n, v, d);
    t = now() - t;
    if (t < b) b = t;
  }
  return b;
}

static double tapetime (cr_prog *T, const double *xs, size_t n, double *v, double *d) {
  double *outs[2], b = 1e30;
  int r;
  outs[0] = v;
  outs[1] = d;
  for (r = 0; r < 3; r++) {
    double t = now();
    if (cr_prog_eval(T, xs, n, outs) != 0) return -1;
    t = now() - t;
    if (t < b) b = t;
  }
  return b;
}

int main (int argc, char **argv) {
  size_t n = (argc > 1) ? (size_t)atol(argv[1]) : 1000000, i;
  double *xs = malloc(n * sizeof(double)), *v = malloc(n * sizeof(double));
  double *d = malloc(n * sizeof(double)), check = 0;
  cr_expr *E = cr_expr_new();
  const char *err;
  int x, which;
  if (!xs || !v || !d || !E || cr_ops_init(&err) != 0) return 1;
  x = cr_expr_var(E, "x");
  for (i = 0; i < n; i++) xs[i] = 0.1 + 2.9 * (double)(i + 1) / (double)n;
  for (which = 0; which < 2; which++) {
    int y = which ? mixed_expr(E, x) : cubic_expr(E, x), outs[2];
    cr_prog *T;
    double th, tt;
    outs[0] = y;
    outs[1] = cr_expr_diff(E, y, x, CR_S_EXACT, 0);  /* as cr.compile's default fast mode */
    if (cr_prog_build(E, outs, 2, x, 1, &T, NULL) != CR_PROG_OK) return 1;
    th = best(which ? mixed_hand : cubic_hand, xs, n, v, d);
    check += v[n / 2] + d[n / 2];
    tt = tapetime(T, xs, n, v, d);
    check -= v[n / 2] + d[n / 2];
    printf("%s %.6f %.6f %lu\n", which ? "mixed" : "cubic", th, tt, (unsigned long)cr_prog_ninst(T));
    cr_prog_free(T);
  }
  printf("check %.3g\n", check);  /* hand and tape agree: near 0 */
  cr_expr_free(E);
  free(xs); free(v); free(d);
  return 0;
}
