/* fuzz_dual.c: libFuzzer harness for the C core's dual algebra, with cross-checks between orders */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_ops.h"
#include "cr_dual.h"

#define NREG 6
#define MAXM 4

/* values that find the edges: zeros of both signs, infinities, NaN, huge and tiny */
static const double consts[] = {
  0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, -2.5, 1e-300, 1e300, 3.141592653589793,
  1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 7.0, -0.75
};
#define NCONST (sizeof(consts) / sizeof(consts[0]))

static int same (double a, double b) {
  return (a == b && signbit(a) == signbit(b)) || (isnan(a) && isnan(b)) || a == b;
}

/*
** Runs the program in 'data' over m tags all seeded on x; returns the register
** file's first register in out (2^m coefficients).  Programs are 3-byte steps.
*/
static void run (cr_arena *A, int m, double x, const uint8_t *data, size_t size, double *out) {
  static double reg[NREG][1 << MAXM], tmp[1 << MAXM];
  size_t n = (size_t)1 << m, i;
  int r, j;
  for (r = 0; r < NREG; r++) {
    memset(reg[r], 0, sizeof reg[r]);
    reg[r][0] = (r == 0) ? x : consts[(r * 5) % NCONST];
  }
  for (j = 0; j < m; j++) reg[0][(size_t)1 << j] = 1.0;
  for (i = 0; i + 3 <= size; i += 3) {
    cr_opid op = (cr_opid)(data[i] % CR_NOPS);
    int dst = data[i + 1] % NREG, a = (data[i + 1] / NREG) % NREG, b = data[i + 2] % NREG;
    if (data[i + 2] >= 240) {  /* load a constant instead */
      memset(reg[dst], 0, sizeof reg[dst]);
      reg[dst][0] = consts[data[i + 2] % NCONST];
      continue;
    }
    cr_arena_reset(A);
    if (cr_dual_apply(A, op, m, reg[a], cr_ops[op].arity == 2 ? reg[b] : NULL, tmp) != 0)
      abort();  /* out of scratch memory on a tiny program is a bug */
    memcpy(reg[dst], tmp, n * sizeof(double));
  }
  memcpy(out, reg[0], n * sizeof(double));
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  static cr_arena *A = NULL;
  double r0[1], r1[2], rm[1 << MAXM], x;
  int m;
  if (A == NULL) {
    const char *err;
    if (cr_ops_init(&err) != 0) abort();
    A = cr_arena_new();
  }
  if (size < 2) return 0;
  x = consts[data[0] % NCONST] + (data[0] / NCONST) * 0.125;
  m = 2 + data[1] % (MAXM - 1);
  run(A, 0, x, data + 2, size - 2, r0);
  run(A, 1, x, data + 2, size - 2, r1);
  run(A, m, x, data + 2, size - 2, rm);
  /* the value never depends on how many tags ride along */
  if (!same(r0[0], r1[0]) || !same(r0[0], rm[0])) {
    fprintf(stderr, "value differs: %.17g %.17g %.17g\n", r0[0], r1[0], rm[0]);
    abort();
  }
  /* the first tag's coefficient is the first derivative, whatever the order */
  if (!same(r1[1], rm[1])) {
    fprintf(stderr, "first derivative differs: %.17g (1 tag) vs %.17g (%d tags)\n",
            r1[1], rm[1], m);
    abort();
  }
  /* every tag is seeded alike, so every single-tag coefficient is that same derivative */
  {
    int j;
    for (j = 1; j < m; j++) {
      if (!same(rm[1], rm[(size_t)1 << j])) {
        fprintf(stderr, "tag %d's first derivative %.17g differs from tag 1's %.17g\n",
                j + 1, rm[(size_t)1 << j], rm[1]);
        abort();
      }
    }
  }
  return 0;
}

#ifdef CR_FUZZ_STANDALONE
/* without libFuzzer: random programs from a seed, so the sanitizer build runs them in make test */
int main (int argc, char **argv) {
  unsigned long seed = (argc > 1) ? strtoul(argv[1], NULL, 10) : 1;
  long runs = (argc > 2) ? strtol(argv[2], NULL, 10) : 20000, k;
  uint8_t buf[64];
  srand((unsigned)seed);
  for (k = 0; k < runs; k++) {
    size_t len = 2 + (size_t)(rand() % 60), i;
    for (i = 0; i < len; i++) buf[i] = (uint8_t)(rand() & 0xff);
    LLVMFuzzerTestOneInput(buf, len);
  }
  printf("fuzz_dual: %ld random programs from seed %lu\n", runs, seed);
  printf("1 passed, 0 failed\n");  /* one test: the whole run; a failure aborts */
  return 0;
}
#endif
