/* fuzz_tape.c: libFuzzer harness for the reverse-mode tape, checked against forward-mode duals */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_ops.h"
#include "cr_dual.h"
#include "cr_tape.h"

#define MAXIN 4       /* input leaves */
#define MAXNODE 512   /* nodes one input may record */
#define CMPNODE 48    /* sweeps from nodes below this are compared with the duals */

static const double consts[] = {
  0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, -2.5, 1e-300, 1e300, 3.141592653589793,
  1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 7.0, -0.75
};
#define NCONST (sizeof(consts) / sizeof(consts[0]))

static long ncompared;  /* derivatives checked against the duals, for the report */

/* what was recorded, so the duals can run the same program */
typedef struct Step { cr_opid op; int ia, ib; double ca, cb; } Step;

static int same (double a, double b) {
  return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

static void fail (const char *what, long node, double got, double want) {
  fprintf(stderr, "fuzz_tape: %s at node %ld: %.17g, expected %.17g\n", what, node, got, want);
  abort();
}

/* a partial the comparison can trust: 0, or a size whose products of CMPNODE stay normal */
static int tame (double g) {
  return g == 0 || (fabs(g) >= 1e-6 && fabs(g) <= 1e6);
}

/*
** Forward mode over one tag seeded on leaf j, through node 'from': the
** derivative of node 'from' wrt leaf j, and in *scale the same sum over
** paths taken in absolute values, which bounds the rounding of either order.
*/
static double forward (cr_arena *A, const cr_tape *T, const Step *st, int nin, int j,
                       long from, double *scale) {
  static double d[MAXNODE][2], s[MAXNODE];
  long i;
  for (i = 0; i <= from; i++) {
    double a[2], b[2];
    const Step *p = &st[i];
    if (i < nin) {
      d[i][0] = T->val[i];
      d[i][1] = (i == j) ? 1.0 : 0.0;
      s[i] = d[i][1];
      continue;
    }
    a[0] = (p->ia >= 0) ? d[p->ia][0] : p->ca;
    a[1] = (p->ia >= 0) ? d[p->ia][1] : 0.0;
    b[0] = (p->ib >= 0) ? d[p->ib][0] : p->cb;
    b[1] = (p->ib >= 0) ? d[p->ib][1] : 0.0;
    cr_arena_reset(A);
    if (cr_dual_apply(A, p->op, 1, a, cr_ops[p->op].arity == 2 ? b : NULL, d[i]) != 0) abort();
    if (!same(d[i][0], T->val[i])) fail("tape value differs from the dual's", i, T->val[i], d[i][0]);
    s[i] = 0.0;
    /* not dropped where the perturbation cancelled to 0: the other order rounds there */
    if (p->ia >= 0) s[i] += fabs(T->node[i].da) * s[p->ia];
    if (p->ib >= 0) s[i] += fabs(T->node[i].db) * s[p->ib];
  }
  *scale = s[from];
  return d[from][1];
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  static cr_arena *A = NULL;
  static const size_t limits[] = {3, 8, 40, MAXNODE};
  static Step st[MAXNODE];
  static double adj1[MAXNODE];
  cr_tape T, U;
  size_t k, pos;
  int nin, i, full = 0;
  if (A == NULL) {
    const char *err;
    if (cr_ops_init(&err) != 0) abort();
    A = cr_arena_new();
  }
  if (size < 3) return 0;
  nin = 1 + data[0] % MAXIN;
  cr_tape_init(&T, limits[(data[0] / MAXIN) % 4]);
  /* the leaves: constants from the table, nudged so most are ordinary numbers */
  for (i = 0; i < nin; i++) {
    double v = consts[(data[1] + 7 * i) % NCONST] + ((data[2] >> (2 * i)) & 3) * 0.375;
    long r = cr_tape_push(&T, -1, 0.0, -1, 0.0, v);
    if (r == -CR_TAPE_EFULL) { full = 1; nin = i; break; }
    if (r != i) abort();
    st[i].op = CR_OP_add;
    st[i].ia = st[i].ib = -1;
  }
  /* 3-byte steps: op, operand a, operand b; operands >= 200 are constants */
  for (pos = 3; !full && pos + 3 <= size; pos += 3) {
    cr_opid op = (cr_opid)(data[pos] % CR_NOPS);
    int ia = (data[pos + 1] < 200) ? (int)(data[pos + 1] % T.n) : -1;
    int ib = (data[pos + 2] < 200) ? (int)(data[pos + 2] % T.n) : -1;
    double ca = (ia >= 0) ? T.val[ia] : consts[data[pos + 1] % NCONST];
    double cb = (ib >= 0) ? T.val[ib] : consts[data[pos + 2] % NCONST];
    size_t n0 = T.n;
    long r;
    if (cr_ops[op].arity == 1) { ib = -1; cb = 0.0; }
    r = cr_tape_record(&T, op, ia, ca, ib, cb);
    if (r == -CR_TAPE_EFULL) {  /* the cap: a clean refusal, nothing half-recorded */
      if (T.n != n0 || T.n != T.limit) fail("EFULL with a tape not at its limit", (long)T.n, (double)T.n, (double)T.limit);
      if (cr_tape_push(&T, -1, 0.0, -1, 0.0, 1.0) != -CR_TAPE_EFULL) fail("push past the cap", (long)T.n, 0, 0);
      full = 1;
      break;
    }
    if (r != (long)n0 || T.n != n0 + 1) fail("record returned", r, (double)r, (double)n0);
    if (T.node[r].a != ia || T.node[r].b != ib) fail("parents", r, T.node[r].a, ia);
    if (!same(T.val[r], cr_op_value(op, ca, cb))) fail("value", r, T.val[r], cr_op_value(op, ca, cb));
    st[r].op = op;
    st[r].ia = ia;
    st[r].ib = ib;
    st[r].ca = ca;
    st[r].cb = cb;
    if (T.n == MAXNODE) break;
  }
  if (T.n > T.limit) fail("tape over its limit", (long)T.n, (double)T.n, (double)T.limit);
  /* sweeps from a few nodes: the last one and two picked by the input's first bytes */
  for (k = 0; k < 3 && T.n > 0; k++) {
    long from = (k == 0) ? (long)T.n - 1 : (long)((data[k] * 31u + size) % T.n);
    long q;
    int tamed = (from < CMPNODE);
    if (cr_tape_backward(&T, from, 1.0) != 0) abort();
    for (q = 0; q <= from; q++) {
      adj1[q] = T.adj[q];
      if (!tame(T.node[q].da) || !tame(T.node[q].db) || !isfinite(T.val[q])) tamed = 0;
    }
    /* a seed of -1 negates every adjoint exactly: products and sums are sign-symmetric */
    if (cr_tape_backward(&T, from, -1.0) != 0) abort();
    for (q = 0; q <= from; q++)
      if (!(isnan(adj1[q]) && isnan(T.adj[q])) && !(T.adj[q] == -adj1[q]))
        fail("adjoint for seed -1", q, T.adj[q], -adj1[q]);
    if (!tamed) continue;
    /* every leaf's adjoint is the forward derivative of node 'from' wrt that leaf */
    for (i = 0; i < nin && i <= from; i++) {
      double scale, fw = forward(A, &T, st, nin, i, from, &scale);
      if (!isfinite(scale) || !isfinite(fw) || !isfinite(adj1[i])) continue;
      if (fabs(fw - adj1[i]) > 1e-9 * scale) {
        long q2;
        for (q2 = 0; q2 <= from; q2++)
          fprintf(stderr, "%ld: %s %d %d  val %.17g da %.17g db %.17g adj %.17g\n", q2, q2 < nin ? "leaf" : cr_ops[st[q2].op].name,
                  T.node[q2].a, T.node[q2].b, T.val[q2], T.node[q2].da, T.node[q2].db, adj1[q2]);
        fprintf(stderr, "scale %g\n", scale);
      }
      if (fabs(fw - adj1[i]) > 1e-9 * scale) fail("adjoint differs from the dual derivative", i, adj1[i], fw);
      ncompared++;
    }
  }
  /* a sweep from a node not on the tape does nothing */
  if (cr_tape_backward(&T, (long)T.n, 1.0) != 0 || cr_tape_backward(&T, -1, 1.0) != 0) abort();
  /* a new tape takes the old one's memory, emptied, at its own limit */
  cr_tape_init(&U, 5);
  cr_tape_take(&U, &T);
  if (U.n != 0 || U.limit != 5 || T.node != NULL || T.n != 0) fail("take", 0, (double)U.n, 0);
  for (k = 0; k < 6; k++) {
    long r = cr_tape_push(&U, k ? (int)k - 1 : -1, 2.0, -1, 0.0, 1.0);
    if (k < 5 ? r != (long)k : r != -CR_TAPE_EFULL) fail("push after take", (long)k, (double)r, (double)k);
  }
  if (cr_tape_backward(&U, 4, 1.0) != 0 || U.adj[0] != 16.0) fail("sweep after take", 0, U.adj[0], 16.0);
  cr_tape_free(&U);
  cr_tape_free(&T);
  return 0;
}

#ifdef CR_FUZZ_STANDALONE
/* without libFuzzer: random programs from a seed, so the sanitizer build runs them in make test */
int main (int argc, char **argv) {
  unsigned long seed = (argc > 1) ? strtoul(argv[1], NULL, 10) : 1;
  long runs = (argc > 2) ? strtol(argv[2], NULL, 10) : 100000, r;
  static uint8_t buf[3 + 3 * 200];
  srand((unsigned)seed);
  for (r = 0; r < runs; r++) {
    /* mostly short programs, whose sweeps are compared; some long ones for the cap */
    size_t len = 3 + 3 * (size_t)((rand() % 8) ? rand() % 40 : rand() % 200), i;
    for (i = 0; i < len; i++) buf[i] = (uint8_t)(rand() & 0xff);
    LLVMFuzzerTestOneInput(buf, len);
  }
  printf("fuzz_tape: %ld random programs from seed %lu, %ld adjoints equal to dual derivatives\n",
         runs, seed, ncompared);
  printf("1 passed, 0 failed\n");  /* one test: the whole run; a failure aborts */
  return 0;
}
#endif
