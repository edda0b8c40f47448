/* fuzz_taylor.c: libFuzzer harness for the Taylor core: random programs, values against doubles and duals */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_ops.h"
#include "cr_dual.h"
#include "cr_taylor.h"

#define NREG 6
#define MAXN 40  /* Taylor order; the duals ride along at order <= MAXM */
#define MAXM 4

/* values that find the edges: zeros of both signs, infinities, NaN, huge and tiny */
static const double consts[] = {
  0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, -2.5, 1e-300, 1e300, 3.141592653589793,
  1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 7.0, -0.75
};
#define NCONST (sizeof(consts) / sizeof(consts[0]))

static int same (double a, double b) {
  return a == b || (isnan(a) && isnan(b));
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  static cr_tscratch *S = NULL;
  static cr_arena *A = NULL;
  static double t[NREG][MAXN + 1], d[NREG][1 << MAXM], v[NREG], tt[MAXN + 1], dt[1 << MAXM];
  double x;
  int n, m, r, k;
  size_t i;
  if (S == NULL) {
    const char *err;
    if (cr_ops_init(&err) != 0) abort();
    S = cr_tscratch_new();
    A = cr_arena_new();
  }
  if (size < 2) return 0;
  x = consts[data[0] % NCONST] + (data[0] / NCONST) * 0.125;
  n = 1 + data[1] % MAXN;
  m = 1 + data[1] % MAXM;
  for (r = 0; r < NREG; r++) {
    memset(t[r], 0, sizeof t[r]);
    memset(d[r], 0, sizeof d[r]);
    v[r] = t[r][0] = d[r][0] = (r == 0) ? x : consts[(r * 5) % NCONST];
  }
  t[0][1] = 1.0;
  for (k = 0; k < m; k++) d[0][(size_t)1 << k] = 1.0;
  for (i = 2; i + 3 <= size; i += 3) {
    cr_opid op = (cr_opid)(data[i] % CR_NOPS);
    int dst = data[i + 1] % NREG, a = (data[i + 1] / NREG) % NREG, b = data[i + 2] % NREG;
    int two = cr_ops[op].arity == 2;
    if (data[i + 2] >= 240) {  /* load a constant instead */
      memset(t[dst], 0, sizeof t[dst]);
      memset(d[dst], 0, sizeof d[dst]);
      v[dst] = t[dst][0] = d[dst][0] = consts[data[i + 2] % NCONST];
      continue;
    }
    if (cr_taylor_apply(S, op, n, t[a], two ? t[b] : NULL, tt) != 0) abort();
    cr_arena_reset(A);
    if (cr_dual_apply(A, op, m, d[a], two ? d[b] : NULL, dt) != 0) abort();
    v[dst] = cr_op_value(op, v[a], two ? v[b] : 0.0);
    memcpy(t[dst], tt, sizeof tt);
    memcpy(d[dst], dt, sizeof dt);
    /* the value is the op on doubles, bit for bit, whatever rides along */
    if (!same(t[dst][0], v[dst]) || !same(d[dst][0], v[dst])) {
      fprintf(stderr, "%s: value %.17g (taylor) %.17g (duals) %.17g (doubles)\n",
              cr_ops[op].name, t[dst][0], d[dst][0], v[dst]);
      abort();
    }
  }
  return 0;
}

#ifdef CR_FUZZ_STANDALONE
/* without libFuzzer: random programs from a seed, so the sanitizer build runs them in make test */
int main (int argc, char **argv) {
  unsigned long seed = (argc > 1) ? strtoul(argv[1], NULL, 10) : 1;
  long runs = (argc > 2) ? strtol(argv[2], NULL, 10) : 5000, k;
  uint8_t buf[64];
  srand((unsigned)seed);
  for (k = 0; k < runs; k++) {
    size_t len = 2 + (size_t)(rand() % 60), i;
    for (i = 0; i < len; i++) buf[i] = (uint8_t)(rand() & 0xff);
    LLVMFuzzerTestOneInput(buf, len);
  }
  printf("fuzz_taylor: %ld random programs from seed %lu\n", runs, seed);
  printf("1 passed, 0 failed\n");  /* one test: the whole run; a failure aborts */
  return 0;
}
#endif
