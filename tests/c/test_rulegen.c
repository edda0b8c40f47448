/* test_rulegen.c: the generated C of every rule gives the interpreter's bits, on any input */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_ops.h"
#include "cr_dual.h"

static int passed = 0, failed = 0;

#define CHECK(cond, ...) do { \
    if (cond) passed++; \
    else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
  } while (0)

static unsigned long long bits (double x) {
  unsigned long long u;
  memcpy(&u, &x, sizeof u);
  return u;
}

/*
** The same bits, where any NaN matches any NaN: which operand's payload and sign a NaN
** result carries is not fixed by IEEE 754 once the compiler commutes a * b, and the
** project's fuzzers compare NaNs the same way; every other value must match exactly.
*/
static int same (double x, double y) {
  return bits(x) == bits(y) || (isnan(x) && isnan(y));
}

static double frombits (unsigned long long u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* xorshift64*: the same inputs on every run */
static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static unsigned long long next (void) {
  rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
  return rng * 2685821657736338717ull;
}

/* edge values (NaNs with payloads and signs, infinities, signed zeros, subnormals) and random ones */
static double input (void) {
  static const double edge[] = {0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 3.0, 1e300, -1e300,
                                DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN, 4.9e-324, -4.9e-324,
                                2.2e-310, -2.2e-310, 1e-200, 710.0, -745.0, 1e16};
  unsigned long long r = next();
  switch (r % 8) {
    case 0: return edge[(r >> 8) % (sizeof edge / sizeof edge[0])];
    case 1: {  /* the specials, with sign and NaN payload bits from r */
      static const unsigned long long sp[] = {0x0000000000000000ull, 0x7FF0000000000000ull,
                                              0x7FF8000000000000ull, 0x7FF0000000000001ull,
                                              0x7FFC00000000BEEFull};
      return frombits(sp[(r >> 8) % 5] | ((r >> 40) & 1 ? 0x8000000000000000ull : 0));
    }
    case 2: return frombits(next());                         /* any bit pattern */
    case 3: return frombits(next() & 0x800FFFFFFFFFFFFFull);  /* subnormals */
    case 4: return (double)((long long)(r >> 32) % 9 - 4);    /* small integers */
    default: return ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 8.0;
  }
}

static void test_generated (void) {
  CHECK(cr_ops_generated(), "this build runs generated rules (make builds build/gen/cr_rules_gen.c)");
}

/* cr_op_partial (generated) against the stack code, at the op's own result and at any y */
static void test_partials (int rounds) {
  int op, i, k;
  for (op = 0; op < CR_NOPS; op++) {
    int bad = 0;
    for (k = 0; k < rounds; k++) {
      int two = (cr_ops[op].arity == 2);
      double a = input(), b = two ? input() : 0.0;
      double y = (k & 1) ? input() : cr_op_value((cr_opid)op, a, b);
      for (i = 0; i < cr_ops[op].arity; i++) {
        double g = cr_op_partial((cr_opid)op, i, a, b, y);
        double s = cr_op_partial_interp((cr_opid)op, i, a, b, y);
        if (!same(g, s) && bad++ < 3)
          printf("  %s partial %d at (%a, %a), y %a: generated %a, stack code %a\n",
                 cr_ops[op].name, i, a, b, y, g, s);
      }
    }
    CHECK(bad == 0, "%s: generated partials differ from the stack code in %d cases",
          cr_ops[op].name, bad);
  }
}

/* cr_op_eval: value and every subset of partials, against the value function and stack code */
static void test_eval (int rounds) {
  int op, k, want;
  for (op = 0; op < CR_NOPS; op++) {
    int bad = 0, two = (cr_ops[op].arity == 2);
    for (k = 0; k < rounds; k++) {
      double a = input(), b = two ? input() : 0.0;
      double v = cr_op_value((cr_opid)op, a, b);
      for (want = 0; want < 4; want++) {
        double y = 7, da = 7, db = 7;  /* partials not asked for stay untouched */
        double ea = (want & 1) ? cr_op_partial_interp((cr_opid)op, 0, a, b, v) : 7;
        double eb = (want & 2) ? (two ? cr_op_partial_interp((cr_opid)op, 1, a, b, v) : 7) : 7;
        cr_op_eval((cr_opid)op, a, b, two ? want : want & 1, &y, &da, &db);
        if ((!same(y, v) || !same(da, ea) || !same(db, eb)) && bad++ < 3)
          printf("  %s eval want %d at (%a, %a): %a %a %a, expected %a %a %a\n",
                 cr_ops[op].name, want, a, b, y, da, db, v, ea, eb);
      }
    }
    CHECK(bad == 0, "%s: cr_op_eval differs from value and stack code in %d cases",
          cr_ops[op].name, bad);
  }
}

int main (int argc, char **argv) {
  const char *err = NULL;
  int rounds = (argc > 1) ? atoi(argv[1]) : 20000;
  if (rounds < 100) rounds = 100;
  CHECK(cr_ops_init(&err) == 0, "rules compile: %s", err ? err : "");
  test_generated();
  test_partials(rounds);
  test_eval(rounds);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
