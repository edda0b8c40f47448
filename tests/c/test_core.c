/* test_core.c: the C core on its own, with no Lua: rules, duals, tags */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cr_ops.h"
#include "cr_dual.h"

static int passed = 0, failed = 0;

#define CHECK(cond, ...) do { \
    if (cond) passed++; \
    else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
  } while (0)

static int close_to (double a, double b, double rel) {
  if (a == b) return 1;
  if (isnan(a) && isnan(b)) return 1;
  return fabs(a - b) <= rel * fabs(b);
}

static void test_rules_compile (void) {
  const char *err = NULL;
  int op;
  CHECK(cr_ops_init(&err) == 0, "rules compile: %s", err ? err : "");
  for (op = 0; op < CR_NOPS; op++) {
    CHECK(cr_ops[op].name != NULL && cr_ops[op].f != NULL, "op %d has a name and value", op);
    CHECK(cr_op_find(cr_ops[op].name) == op, "op %s is found by name", cr_ops[op].name);
  }
  CHECK(cr_op_find("nosuch") == -1, "unknown names are not found");
}

/* every rule against a central difference of the op's own value function */
static void test_rules_vs_differences (void) {
  static const double pts[][2] = {{0.3, 0.7}, {1.3, 2.1}, {0.45, -1.7}, {2.5, 0.9}};
  int op, i, k;
  for (op = 0; op < CR_NOPS; op++) {
    for (k = 0; k < 4; k++) {
      double a = pts[k][0], b = pts[k][1];
      if (op == CR_OP_acosh) a += 1.5;  /* its domain starts at 1 */
      for (i = 0; i < cr_ops[op].arity; i++) {
        double h = 1e-6, y = cr_op_value(op, a, b);
        double ap = a + (i == 0 ? h : 0), bp = b + (i == 1 ? h : 0);
        double am = a - (i == 0 ? h : 0), bm = b - (i == 1 ? h : 0);
        double fd = (cr_op_value(op, ap, bp) - cr_op_value(op, am, bm)) / (2 * h);
        double d = cr_op_partial(op, i, a, b, y);
        if (isnan(y)) continue;  /* outside the domain at this point */
        /* steps (floor, idiv, step, sign) have zero derivative away from their jumps */
        CHECK(fabs(d - fd) <= 1e-6 * (1 + fabs(fd)),
              "%s partial %d at (%g, %g): rule %.10g, difference %.10g",
              cr_ops[op].name, i, a, b, d, fd);
      }
    }
  }
}

static void test_dual_first_order (void) {
  /* (x^2 + 5)^3 at x = 2 by hand with the algebra: 729 + 972 eps */
  double x[2] = {2, 1}, two[2] = {2, 0}, five[2] = {5, 0}, three[2] = {3, 0};
  double t[2], u[2], y[2];
  cr_dual_apply(NULL, CR_OP_pow, 1, x, two, t);
  cr_dual_apply(NULL, CR_OP_add, 1, t, five, u);
  cr_dual_apply(NULL, CR_OP_pow, 1, u, three, y);
  CHECK(y[0] == 729 && y[1] == 972, "(x^2+5)^3 at 2: %g + %g eps", y[0], y[1]);
}

static void test_dual_higher_order (void) {
  /* exp(x) with x = 0.5 + e1 + e2 + e3: every coefficient is exp(0.5) */
  cr_arena *A = cr_arena_new();
  double x[8] = {0.5, 1, 1, 0, 1, 0, 0, 0}, y[8];
  int j, e;
  e = cr_dual_apply(A, CR_OP_exp, 3, x, NULL, y);
  CHECK(e == 0, "exp over 3 tags succeeds");
  for (j = 0; j < 8; j++)
    CHECK(close_to(y[j], exp(0.5), 1e-15), "exp coefficient %d: %.17g", j, y[j]);
  /* sin: coefficients with k bits set are sin^(k)(x) */
  e = cr_dual_apply(A, CR_OP_sin, 3, x, NULL, y);
  CHECK(close_to(y[0], sin(0.5), 1e-15) && close_to(y[3], -sin(0.5), 1e-15)
        && close_to(y[7], -cos(0.5), 1e-15) && close_to(y[1], cos(0.5), 1e-15),
        "sin derivatives by order: %g %g %g %g", y[0], y[1], y[3], y[7]);
  /* x^3 at 0: 0, 0, 0, 6 */
  {
    double z[8] = {0, 1, 1, 0, 1, 0, 0, 0}, three[8] = {3, 0, 0, 0, 0, 0, 0, 0};
    e = cr_dual_apply(A, CR_OP_pow, 3, z, three, y);
    CHECK(y[0] == 0 && y[1] == 0 && y[3] == 0 && y[7] == 6,
          "x^3 at 0 by order: %g %g %g %g", y[0], y[1], y[3], y[7]);
  }
  cr_arena_free(A);
}

static void test_conventions (void) {
  double z[2] = {0, 1}, zero[2] = {0, 0}, r[2];
  double m2[2] = {-2, 1}, two[2] = {2, 0};
  cr_dual_apply(NULL, CR_OP_abs, 1, z, NULL, r);
  CHECK(r[1] == 0, "abs'(0) = 0, got %g", r[1]);
  cr_dual_apply(NULL, CR_OP_relu, 1, z, NULL, r);
  CHECK(r[1] == 0, "relu'(0) = 0, got %g", r[1]);
  cr_dual_apply(NULL, CR_OP_sqrt, 1, z, NULL, r);
  CHECK(isinf(r[1]) && r[1] > 0, "sqrt'(0) = inf, got %g", r[1]);
  cr_dual_apply(NULL, CR_OP_pow, 1, z, zero, r);
  CHECK(r[0] == 1 && r[1] == 0, "x^0 at 0: %g + %g eps", r[0], r[1]);
  cr_dual_apply(NULL, CR_OP_pow, 1, m2, two, r);
  CHECK(r[0] == 4 && r[1] == -4, "x^2 at -2: %g + %g eps", r[0], r[1]);
  {
    double base[2] = {0, 0}, y[2] = {2, 1};
    cr_dual_apply(NULL, CR_OP_pow, 1, base, y, r);
    CHECK(r[0] == 0 && r[1] == 0, "d/dy 0^y at y = 2: %g", r[1]);
  }
  {
    double a[2] = {1.5, 1};
    cr_dual_apply(NULL, CR_OP_max, 1, a, a, r);
    CHECK(r[0] == 1.5 && r[1] == 1, "max(x, x)' = 1, got %g", r[1]);
    double nan2[2] = {NAN, 0}, one[2] = {1, 1}, inf[2] = {INFINITY, 1};
    cr_dual_apply(NULL, CR_OP_max, 1, one, nan2, r);
    CHECK(r[0] == 1 && r[1] == 1, "max(x, NaN) keeps x and its derivative: %g + %g eps", r[0], r[1]);
    cr_dual_apply(NULL, CR_OP_min, 1, nan2, one, r);
    CHECK(isnan(r[0]) && r[1] == 0, "min(NaN, x) keeps NaN and its derivative 0: %g", r[1]);
    cr_dual_apply(NULL, CR_OP_max, 1, inf, inf, r);
    CHECK(isinf(r[0]) && r[1] == 1, "max(x, x) at inf: derivative %g", r[1]);
    cr_dual_apply(NULL, CR_OP_tie, 1, inf, inf, r);
    CHECK(r[0] == 0 && r[1] == 1, "tie(x, x) at inf: 0 carrying the derivative, %g + %g eps", r[0], r[1]);
    cr_dual_apply(NULL, CR_OP_floor, 1, a, NULL, r);
    CHECK(r[0] == 1 && r[1] == 0, "floor'(1.5) = 0, got %g", r[1]);
  }
}

static void test_tags (void) {
  cr_tag a[] = {1, 4}, b[] = {2, 4, 9}, u[CR_MAXTAGS];
  cr_tag many[CR_MAXTAGS + 1];
  double ca[4] = {1, 2, 3, 4}, out[16], sel[4];
  int n, i;
  n = cr_tags_union(a, 2, b, 3, u);
  CHECK(n == 4 && u[0] == 1 && u[1] == 2 && u[2] == 4 && u[3] == 9, "union of tags");
  cr_dual_embed(a, 2, ca, u, 4, out);
  /* tag 1 -> bit 0, tag 4 -> bit 2 */
  CHECK(out[0] == 1 && out[1] == 2 && out[4] == 3 && out[5] == 4 && out[2] == 0,
        "embed places coefficients at the union's bits");
  cr_dual_select(2, ca, 2, 2, sel);
  CHECK(sel[0] == 3 && sel[1] == 4, "select the coefficients with bit 1 set");
  for (i = 0; i <= CR_MAXTAGS; i++) many[i] = i;
  CHECK(cr_tags_union(many, CR_MAXTAGS, many + 1, CR_MAXTAGS, u) == -1,
        "a union over the tag limit is refused");
}

int main (void) {
  test_rules_compile();
  test_rules_vs_differences();
  test_dual_first_order();
  test_dual_higher_order();
  test_conventions();
  test_tags();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
