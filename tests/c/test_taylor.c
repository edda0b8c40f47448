/* test_taylor.c: the Taylor core on its own: against the duals, the rules and closed forms */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cr_ops.h"
#include "cr_dual.h"
#include "cr_taylor.h"

static int passed = 0, failed = 0;

#define CHECK(cond, ...) do { \
    if (cond) passed++; \
    else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
  } while (0)

/* rounding grows with the order and the terms' sizes: compare relative to 'scale' */
static int close_to (double a, double b, double rel, double scale) {
  if (a == b) return 1;
  if (isnan(a) && isnan(b)) return 1;
  return fabs(a - b) <= rel * (fabs(b) > scale ? fabs(b) : scale);
}

static double fact (int k) { double f = 1; while (k > 1) f *= k--; return f; }

/* a series as the multilinear dual over m tags it stands for: c[S] = |S|! a_|S| */
static void expand (int m, const double *a, double *d) {
  size_t S;
  for (S = 0; S < ((size_t)1 << m); S++) {
    int bits = 0;
    size_t t;
    for (t = S; t; t &= t - 1) bits++;
    d[S] = fact(bits) * a[bits];
  }
}

/* inputs: a nonconstant series around each point, b either varying or a constant */
static const double pts[][2] = {
  {0.3, 0.7}, {1.3, 2.1}, {0.45, -1.7}, {2.5, 0.9}, {1.5, 3.0}, {0.0, 2.0}, {1.0, 1.0}, {-0.6, 0.0}
};
#define NPTS (int)(sizeof pts / sizeof pts[0])

static void series (double a0, int varying, int n, double *a) {
  int k;
  a[0] = a0;
  for (k = 1; k <= n; k++) a[k] = varying ? ((k == 1) ? 1.0 : 0.25 / k - 0.1 * (k % 2)) : 0.0;
}

/* every op, every point, orders 1..7: k! c_k equals the duals' full-set coefficient */
static void test_against_duals (cr_tscratch *S, cr_arena *A) {
  int op, p, m, bvar;
  for (op = 0; op < CR_NOPS; op++) {
    int two = cr_ops[op].arity == 2;
    for (p = 0; p < NPTS; p++) {
      for (bvar = 0; bvar <= two; bvar++) {
        for (m = 1; m <= 7; m++) {
          double a[8], b[8], t[8], da[128], db[128], dy[128];
          double a0 = pts[p][0] + (op == CR_OP_acosh ? 1.5 : 0);
          int k;
          series(a0, 1, m, a);
          series(pts[p][1], bvar, m, b);
          expand(m, a, da);
          expand(m, b, db);
          CHECK(cr_taylor_apply(S, (cr_opid)op, m, a, two ? b : NULL, t) == 0, "runs");
          cr_arena_reset(A);
          CHECK(cr_dual_apply(A, (cr_opid)op, m, da, two ? db : NULL, dy) == 0, "duals run");
          for (k = 0; k <= m; k++) {
            size_t set = ((size_t)1 << k) - 1;
            double want = dy[set], got = fact(k) * t[k];
            if (!isfinite(want) && !isfinite(got)) continue;  /* singular points: see README */
            CHECK(close_to(got, want, 1e-11, 1.0), "%s at (%g, %g%s) order %d of %d: taylor %.17g, duals %.17g",
                  cr_ops[op].name, a0, pts[p][1], bvar ? " varying" : "", k, m, got, want);
          }
        }
      }
    }
  }
}

/* order 1 of every op is the table's rule itself */
static void test_first_order_is_the_rule (cr_tscratch *S) {
  int op, p;
  for (op = 0; op < CR_NOPS; op++) {
    for (p = 0; p < NPTS; p++) {
      double a0 = pts[p][0] + (op == CR_OP_acosh ? 1.5 : 0), b0 = pts[p][1];
      double a[2] = {a0, 0.75}, b[2] = {b0, -1.25}, t[2], y = cr_op_value((cr_opid)op, a0, b0);
      double want = 0.0;
      int two = cr_ops[op].arity == 2;
      double ga = cr_op_partial((cr_opid)op, 0, a0, b0, y);
      if (ga != 0) want += ga * 0.75;
      if (two) {
        double gb = cr_op_partial((cr_opid)op, 1, a0, b0, y);
        if (gb != 0) want += gb * -1.25;
      }
      cr_taylor_apply(S, (cr_opid)op, 1, a, two ? b : NULL, t);
      if (!isfinite(want) && !isfinite(t[1])) continue;  /* singular points: see README */
      CHECK((t[0] == y || (isnan(t[0]) && isnan(y))) && close_to(t[1], want, 1e-14, 0),
            "%s at (%g, %g): value %.17g (%.17g), order 1 %.17g, rule %.17g",
            cr_ops[op].name, a0, b0, t[0], y, t[1], want);
    }
  }
}

/* each hand-derived recurrence against the rule run over series, to order 24 */
static void test_recurrences_vs_rules (cr_tscratch *S) {
  int op, p, n = 24, bvar;
  for (op = 0; op < CR_NOPS; op++) {
    int two = cr_ops[op].arity == 2;
    if (!cr_taylor_special((cr_opid)op)) continue;
    for (p = 0; p < NPTS; p++) {
      for (bvar = 0; bvar <= two; bvar++) {
        double a[25], b[25], s[25], g[25];
        int k;
        series(pts[p][0], 1, n, a);
        series(pts[p][1], bvar, n, b);
        cr_taylor_apply(S, (cr_opid)op, n, a, two ? b : NULL, s);
        cr_taylor_generic(S, (cr_opid)op, n, a, two ? b : NULL, g);
        for (k = 0; k <= n; k++) {
          if (!isfinite(s[k]) && !isfinite(g[k])) continue;
          CHECK(close_to(s[k], g[k], 1e-10, 1e-3), "%s at (%g, %g%s) coefficient %d: recurrence %.17g, rule %.17g",
                cr_ops[op].name, pts[p][0], pts[p][1], bvar ? " varying" : "", k, s[k], g[k]);
        }
      }
    }
  }
}

/* closed forms at order 150: exp(x)/k!, sin's cycle, and x^3 exact past its degree */
static void test_high_orders (cr_tscratch *S) {
  static double x[151], y[151], three[151];
  int n = 150, k;
  series(0.5, 1, n, x);
  for (k = 2; k <= n; k++) x[k] = 0;
  cr_taylor_apply(S, CR_OP_exp, n, x, NULL, y);
  for (k = 0; k <= n; k++)
    CHECK(close_to(fact(k) * y[k], exp(0.5), 1e-12, 0), "exp order %d: %.17g", k, fact(k) * y[k]);
  cr_taylor_apply(S, CR_OP_sin, n, x, NULL, y);
  for (k = 0; k <= n; k++) {
    double cyc[4] = {sin(0.5), cos(0.5), -sin(0.5), -cos(0.5)};
    CHECK(close_to(fact(k) * y[k], cyc[k % 4], 1e-12, 0), "sin order %d: %.17g", k, fact(k) * y[k]);
  }
  series(0.0, 0, n, three);
  three[0] = 3;
  x[0] = 0;
  cr_taylor_apply(S, CR_OP_pow, n, x, three, y);
  for (k = 0; k <= n; k++)
    CHECK(y[k] == (k == 3 ? 1.0 : 0.0), "x^3 at 0 coefficient %d: %.17g", k, y[k]);
}

int main (void) {
  const char *err = NULL;
  cr_tscratch *S = cr_tscratch_new();
  cr_arena *A = cr_arena_new();
  CHECK(cr_ops_init(&err) == 0, "rules compile");
  test_against_duals(S, A);
  test_first_order_is_the_rule(S);
  test_recurrences_vs_rules(S);
  test_high_orders(S);
  cr_tscratch_free(S);
  cr_arena_free(A);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
