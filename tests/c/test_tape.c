/* test_tape.c: the reverse-mode tape on its own, with no Lua */
#include <math.h>
#include <stdio.h>

#include "cr_ops.h"
#include "cr_tape.h"

static int passed = 0, failed = 0;

#define CHECK(cond, ...) do { \
    if (cond) passed++; \
    else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
  } while (0)

static int close_to (double a, double b, double rel) {
  return a == b || fabs(a - b) <= rel * fabs(b);
}

/* records op on nodes (or constants when the index is -1) */
static long rec (cr_tape *T, cr_opid op, long a, double ca, long b, double cb) {
  double va = (a >= 0) ? T->val[a] : ca, vb = (b >= 0) ? T->val[b] : cb;
  return cr_tape_record(T, op, (int)a, va, (int)b, vb);
}

/* Rosenbrock (1 - x)^2 + 100 (y - x^2)^2 against its analytic gradient */
static void test_rosenbrock (void) {
  static const double pts[][2] = {{-1.2, 1.0}, {1.0, 1.0}, {0.3, -0.7}, {2.0, 3.5}};
  int k;
  for (k = 0; k < 4; k++) {
    cr_tape T;
    double x = pts[k][0], y = pts[k][1];
    long ix, iy, t1, t2, t3, t4, t5, f;
    cr_tape_init(&T, 1000);
    ix = cr_tape_push(&T, -1, 0, -1, 0, x);
    iy = cr_tape_push(&T, -1, 0, -1, 0, y);
    t1 = rec(&T, CR_OP_sub, -1, 1.0, ix, 0);
    t2 = rec(&T, CR_OP_pow, t1, 0, -1, 2.0);
    t3 = rec(&T, CR_OP_pow, ix, 0, -1, 2.0);
    t4 = rec(&T, CR_OP_sub, iy, 0, t3, 0);
    t5 = rec(&T, CR_OP_mul, -1, 100.0, rec(&T, CR_OP_pow, t4, 0, -1, 2.0), 0);
    f = rec(&T, CR_OP_add, t2, 0, t5, 0);
    CHECK(close_to(T.val[f], (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), 1e-15),
          "value at %g, %g", x, y);
    CHECK(cr_tape_backward(&T, f, 1.0) == 0, "sweep runs");
    CHECK(close_to(T.adj[ix], -2 * (1 - x) - 400 * x * (y - x * x), 1e-14),
          "d/dx at %g, %g: %g", x, y, T.adj[ix]);
    CHECK(close_to(T.adj[iy], 200 * (y - x * x), 1e-14), "d/dy at %g, %g", x, y);
    cr_tape_free(&T);
  }
}

/* a sweep from an inner node sees only what that node depends on */
static void test_partial_sweep (void) {
  cr_tape T;
  long a, b, p, s;
  cr_tape_init(&T, 100);
  a = cr_tape_push(&T, -1, 0, -1, 0, 3.0);
  b = cr_tape_push(&T, -1, 0, -1, 0, 5.0);
  p = rec(&T, CR_OP_mul, a, 0, a, 0);      /* a^2 through a repeated operand */
  s = rec(&T, CR_OP_sin, b, 0, -1, 0);
  (void)s;
  CHECK(cr_tape_backward(&T, p, 1.0) == 0, "sweep from p");
  CHECK(T.adj[a] == 6.0, "d(a*a)/da = 2a = 6, got %g", T.adj[a]);
  CHECK(T.adj[b] == 0.0, "b does not reach p");
  CHECK(cr_tape_backward(&T, p, 2.0) == 0 && T.adj[a] == 12.0, "the seed scales the sweep");
  cr_tape_free(&T);
}

/* the size limit is an error code, never a crash, and the tape stays usable */
static void test_limit (void) {
  cr_tape T;
  long i, r = 0;
  cr_tape_init(&T, 300);
  for (i = 0; i < 300; i++) r = cr_tape_push(&T, -1, 0, -1, 0, (double)i);
  CHECK(r == 299, "300 nodes fit a limit of 300");
  CHECK(cr_tape_push(&T, -1, 0, -1, 0, 1.0) == -CR_TAPE_EFULL, "the 301st is refused");
  CHECK(T.n == 300 && T.val[299] == 299.0, "the tape is unchanged");
  cr_tape_free(&T);
  CHECK(T.n == 0 && T.node == NULL, "free empties the tape");
  cr_tape_free(&T);  /* twice is harmless */
  CHECK(1, "double free is harmless");
}

/* a long chain: cost and memory are linear, the loop is iterative */
static void test_long_chain (void) {
  cr_tape T;
  long x, y, i;
  cr_tape_init(&T, 2000000);
  x = cr_tape_push(&T, -1, 0, -1, 0, 1.0);
  y = x;
  for (i = 0; i < 1000000; i++) y = rec(&T, CR_OP_mul, y, 0, -1, 1.0000001);
  CHECK(cr_tape_backward(&T, y, 1.0) == 0, "sweep over 1e6 nodes");
  CHECK(close_to(T.adj[x], pow(1.0000001, 1e6), 1e-9), "d/dx of x * c^n is c^n: %.17g", T.adj[x]);
  cr_tape_free(&T);
}

/* a new tape takes a finished one's arrays: same capacity, empty, its own limit */
static void test_take (void) {
  cr_tape a, b;
  long i;
  cr_tape_init(&a, 5000);
  for (i = 0; i < 1000; i++) cr_tape_push(&a, -1, 0, -1, 0, 1.0);
  cr_tape_init(&b, 10);
  cr_tape_take(&b, &a);
  CHECK(a.node == NULL && a.cap == 0 && a.n == 0, "the source is emptied");
  CHECK(b.n == 0 && b.cap >= 1000 && b.limit == 10, "the destination is empty, keeps its limit");
  for (i = 0; i < 10; i++) cr_tape_push(&b, -1, 0, -1, 0, 2.0);
  CHECK(cr_tape_push(&b, -1, 0, -1, 0, 2.0) == -CR_TAPE_EFULL, "the limit holds below the capacity");
  cr_tape_free(&a);
  cr_tape_free(&b);
}

int main (void) {
  const char *err;
  if (cr_ops_init(&err) != 0) { printf("rules: %s\n", err); return 1; }
  test_rosenbrock();
  test_partial_sweep();
  test_limit();
  test_long_chain();
  test_take();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
