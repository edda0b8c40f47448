/* test_expr.c: expression graphs and tapes in the C core, with no Lua */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_ops.h"
#include "cr_dual.h"
#include "cr_expr.h"
#include "cr_prog.h"

static int passed = 0, failed = 0;

#define CHECK(cond, ...) do { \
    if (cond) passed++; \
    else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
  } while (0)

static int K (cr_expr *E, double k) { return cr_expr_const(E, k); }
static int A (cr_expr *E, cr_opid op, int a, int b) { return cr_expr_apply(E, op, a, b, CR_S_FULL); }

static void checkprint (cr_expr *E, int n, const char *want) {
  char *s = cr_expr_print(E, n, 0, 1 << 20, NULL);
  CHECK(s != NULL && strcmp(s, want) == 0, "printed %s, want %s", s ? s : "(null)", want);
  free(s);
}

static void test_source_examples (cr_expr *E) {
  int x = cr_expr_var(E, "x");
  int g = A(E, CR_OP_add, A(E, CR_OP_pow, x, K(E, 2)), K(E, 5));
  int h = A(E, CR_OP_pow, g, K(E, 3));
  int e = A(E, CR_OP_exp, A(E, CR_OP_mul, K(E, 3), x), CR_NONE);
  double vals[1] = {2}, r;
  checkprint(E, h, "(x^2 + 5)^3");
  checkprint(E, cr_expr_diff(E, h, x, CR_S_FULL, 1), "6*x*(x^2 + 5)^2");
  checkprint(E, e, "exp(3*x)");
  checkprint(E, cr_expr_diff(E, e, x, CR_S_FULL, 1), "3*exp(3*x)");
  CHECK(cr_expr_eval(E, cr_expr_diff(E, h, x, CR_S_FULL, 1), vals, &r) == 0 && r == 972,
        "d/dx (x^2 + 5)^3 at 2 is 972, got %g", r);
  CHECK(A(E, CR_OP_add, A(E, CR_OP_pow, x, K(E, 2)), K(E, 5)) == g, "identical nodes are shared");
}

static void test_simplify_exact (cr_expr *E) {
  int x = cr_expr_var(E, "x");
  int one = K(E, 1);
  CHECK(cr_expr_apply(E, CR_OP_mul, x, one, CR_S_EXACT) == x, "x*1 is x");
  CHECK(cr_expr_apply(E, CR_OP_pow, x, one, CR_S_EXACT) == x, "x^1 is x");
  CHECK(cr_expr_apply(E, CR_OP_add, x, K(E, -0.0), CR_S_EXACT) == x, "x + -0 is x");
  CHECK(cr_expr_apply(E, CR_OP_sub, x, K(E, 0), CR_S_EXACT) == x, "x - 0 is x");
  CHECK(cr_expr_apply(E, CR_OP_add, x, K(E, 0), CR_S_FULL) == x, "x + 0 is x at the full level");
  {  /* found by fuzz_expr: rewrites that turned a zero's sign, which atan2 and 1/z then show */
    double vz[1] = {-0.0}, r1 = 1.0;
    int z = cr_expr_apply(E, CR_OP_add, x, K(E, 0), CR_S_EXACT);
    CHECK(z != x && cr_expr_eval(E, z, vz, &r1) == 0 && r1 == 0 && !signbit(r1),
          "x + 0 stays at the exact level: -0 + 0 is +0");
    z = cr_expr_apply(E, CR_OP_sub, K(E, 0), x, CR_S_EXACT);
    CHECK(cr_expr_eval(E, z, vz, &r1) == 0 && r1 == 0 && !signbit(r1), "0 - x at -0 is +0, not -x");
    z = cr_expr_apply(E, CR_OP_mulz, K(E, -0.0), x, CR_S_EXACT);
    CHECK(cr_expr_kind(E, z) == CR_E_CONST && !signbit(cr_expr_value(E, z)), "mulz(-0, x) is +0");
    z = cr_expr_apply(E, CR_OP_xlogy, K(E, -0.0), x, CR_S_EXACT);
    CHECK(cr_expr_kind(E, z) == CR_E_CONST && !signbit(cr_expr_value(E, z)), "xlogy(-0, x) is +0");
    z = cr_expr_apply(E, CR_OP_mulz, x, K(E, -2.0), CR_S_EXACT);
    CHECK(cr_expr_eval(E, z, vz, &r1) == 0 && r1 == 0 && !signbit(r1), "mulz(x, -2) at x = -0 is +0");
    z = cr_expr_apply(E, CR_OP_xlogy, x, K(E, 10.0), CR_S_EXACT);
    CHECK(cr_expr_eval(E, z, vz, &r1) == 0 && r1 == 0 && !signbit(r1), "xlogy(x, 10) at x = -0 is +0");
  }
  CHECK(cr_expr_apply(E, CR_OP_mul, x, K(E, 0), CR_S_EXACT) != K(E, 0),
        "x*0 stays at the exact level (x may be inf)");
  CHECK(cr_expr_apply(E, CR_OP_mul, x, one, CR_S_NONE) != x, "level 0 keeps x*1");
  checkprint(E, A(E, CR_OP_mul, x, x), "x^2");
  checkprint(E, A(E, CR_OP_mul, A(E, CR_OP_pow, x, K(E, -1)), x), "x/x");
  checkprint(E, A(E, CR_OP_neg, A(E, CR_OP_neg, x, 0), 0), "x");
}

/* a chain of 2e5 ops: printing, differentiating, evaluating and taping stay iterative */
static void test_deep (cr_expr *E) {
  int x = cr_expr_var(E, "x"), e = x, d, i, outs[2];
  double vals[1] = {0.3}, v = 0.3, r, xs[3] = {0.3, 0.4, 0.5}, ov[3], od[3], *o[2];
  char *s;
  cr_prog *T;
  for (i = 0; i < 100000; i++) {
    e = cr_expr_apply(E, CR_OP_add, cr_expr_apply(E, CR_OP_sin, e, CR_NONE, CR_S_NONE),
                      K(E, 0.5), CR_S_NONE);
    v = sin(v) + 0.5;
  }
  cr_expr_hold(E, e);
  s = cr_expr_print(E, e, 0, (size_t)1 << 24, NULL);
  CHECK(s != NULL && strlen(s) == 100000 * strlen("sin() + 0.5") + 1, "deep chain prints");
  free(s);
  CHECK(cr_expr_eval(E, e, vals, &r) == 0 && r == v, "deep chain evaluates: %g vs %g", r, v);
  d = cr_expr_diff(E, e, x, CR_S_EXACT, 1);
  CHECK(d != CR_NONE, "deep chain differentiates");
  outs[0] = e;
  outs[1] = d;
  CHECK(cr_prog_build(E, outs, 2, x, 1, &T, NULL) == CR_PROG_OK, "deep chain tapes");
  o[0] = ov;
  o[1] = od;
  CHECK(cr_prog_eval(T, xs, 3, o) == 0 && ov[0] == v, "deep tape value %g vs %g", ov[0], v);
  CHECK(cr_expr_eval(E, d, vals, &r) == 0 && r == od[0], "deep tape derivative %g vs %g", od[0], r);
  cr_prog_free(T);
  cr_expr_release(E, e);
}

static void test_collect (cr_expr *E) {
  int x = cr_expr_var(E, "x"), i, keep;
  size_t base;
  cr_expr_hold(E, x);
  base = cr_expr_collect(E);
  keep = A(E, CR_OP_sin, x, CR_NONE);
  cr_expr_hold(E, keep);
  for (i = 0; i < 1000; i++) A(E, CR_OP_add, keep, K(E, i));
  CHECK(cr_expr_live(E) > base + 1000, "garbage nodes are live before a collection");
  CHECK(cr_expr_collect(E) == base + 1, "collection keeps held nodes and frees the rest");
  CHECK(A(E, CR_OP_sin, x, CR_NONE) == keep, "held nodes stay shared after a collection");
  cr_expr_release(E, keep);
  cr_expr_release(E, x);
  CHECK(cr_expr_collect(E) == 0, "nothing held, nothing live");
}

/* the tape in exact mode against the first-order duals, bit for bit */
static void test_tape_vs_duals (cr_expr *E) {
  int x = cr_expr_var(E, "x"), outs[2];
  int y = cr_expr_apply(E, CR_OP_div,
                        cr_expr_apply(E, CR_OP_log, cr_expr_apply(E, CR_OP_add, x, K(E, 2), 0), 0, 0),
                        cr_expr_apply(E, CR_OP_pow, x, K(E, 3), 0), 0);
  double xs[4] = {0.5, 1.5, 2.5, 3.5}, v[4], d[4], *o[2];
  cr_prog *T;
  int i;
  outs[0] = y;
  outs[1] = cr_expr_diff(E, y, x, CR_S_EXACT, 1);
  CHECK(cr_prog_build(E, outs, 2, x, 0, &T, NULL) == CR_PROG_OK, "tape builds");
  o[0] = v;
  o[1] = d;
  CHECK(cr_prog_eval(T, xs, 4, o) == 0, "tape runs");
  for (i = 0; i < 4; i++) {
    double dx[2] = {xs[i], 1}, two[2] = {2, 0}, three[2] = {3, 0}, s[2], l[2], p[2], r[2];
    cr_dual_apply(NULL, CR_OP_add, 1, dx, two, s);
    cr_dual_apply(NULL, CR_OP_log, 1, s, NULL, l);
    cr_dual_apply(NULL, CR_OP_pow, 1, dx, three, p);
    cr_dual_apply(NULL, CR_OP_div, 1, l, p, r);
    CHECK(v[i] == r[0] && d[i] == r[1], "tape at %g: %.17g %.17g vs duals %.17g %.17g",
          xs[i], v[i], d[i], r[0], r[1]);
  }
  cr_prog_free(T);
  {
    int bad = CR_NONE, yv = cr_expr_var(E, "y");
    outs[0] = cr_expr_apply(E, CR_OP_mul, x, yv, 0);
    CHECK(cr_prog_build(E, outs, 1, x, 1, &T, &bad) == CR_PROG_FREEVAR && bad == yv,
          "a free variable is reported");
  }
}

int main (void) {
  const char *err;
  cr_expr *E = cr_expr_new();
  if (E == NULL || cr_ops_init(&err) != 0) { printf("setup failed\n0 passed, 1 failed\n"); return 1; }
  test_source_examples(E);
  test_simplify_exact(E);
  test_tape_vs_duals(E);
  test_deep(E);
  test_collect(E);
  cr_expr_free(E);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
