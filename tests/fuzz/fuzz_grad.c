/* fuzz_grad.c: libFuzzer harness for compiled gradients, checked bit for bit against the tape */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_ops.h"
#include "cr_tape.h"
#include "cr_expr.h"
#include "cr_grad.h"

#define MAXIN 4       /* inputs; the last one is also tried as a data column */
#define MAXNODE 300
#define NROWS 5

static const double consts[] = {
  0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, -2.5, 1e-300, 1e300, 3.141592653589793,
  1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 7.0, -0.75
};
#define NCONST (sizeof(consts) / sizeof(consts[0]))

static long ncompared;

static int same (double a, double b) {
  return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

static void fail (const char *what, int i, double got, double want) {
  fprintf(stderr, "fuzz_grad: %s [%d]: %.17g, expected %.17g\n", what, i, got, want);
  abort();
}

typedef struct Step { cr_opid op; int ia, ib; double ca, cb; } Step;

/* the recorded program on a fresh tape at inputs x: value and gradient by the tape's sweep */
static void tape_run (const Step *st, int nst, int nin, const double *x, double *val, double *grad) {
  cr_tape T;
  int i;
  long root;
  cr_tape_init(&T, MAXNODE + MAXIN + 1);
  for (i = 0; i < nin; i++) cr_tape_push(&T, -1, 0.0, -1, 0.0, x[i]);
  for (i = 0; i < nst; i++) {
    const Step *p = &st[i];
    double a = p->ia >= 0 ? T.val[p->ia] : p->ca, b = p->ib >= 0 ? T.val[p->ib] : p->cb;
    if (cr_tape_record(&T, p->op, p->ia, a, p->ib, b) < 0) abort();
  }
  root = (long)T.n - 1;
  *val = T.val[root];
  if (cr_tape_backward(&T, root, 1.0) != 0) abort();
  for (i = 0; i < nin; i++) grad[i] = T.adj[i];
  cr_tape_free(&T);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  static Step st[MAXNODE];
  static int node[MAXNODE + MAXIN];
  double x[MAXIN], gt[MAXIN], gc[MAXIN], vt, vc;
  cr_expr *E;
  cr_grad *G = NULL;
  int nin, i, nst = 0, bad, e, ins[MAXIN], mode;
  size_t pos, sz;
  if (size < 3) return 0;
  {
    const char *err;
    if (cr_ops_init(&err) != 0) abort();
  }
  E = cr_expr_new();
  if (E == NULL) abort();
  cr_expr_append(E, 1);
  nin = 1 + data[0] % MAXIN;
  for (i = 0; i < nin; i++) {
    char name[16];
    snprintf(name, sizeof name, "x%d", i);
    x[i] = consts[(data[1] + 7 * i) % NCONST] + ((data[2] >> (2 * i)) & 3) * 0.375;
    node[i] = ins[i] = cr_expr_var(E, name);
    cr_expr_hold(E, node[i]);
  }
  /* 3-byte steps as in fuzz_tape: op, operand a, operand b; operands >= 200 are constants */
  for (pos = 3; pos + 3 <= size && nst < MAXNODE; pos += 3) {
    Step *p = &st[nst];
    int n = nin + nst, a, b;
    p->op = (cr_opid)(data[pos] % CR_NOPS);
    p->ia = (data[pos + 1] < 200) ? (int)(data[pos + 1] % n) : -1;
    p->ib = (data[pos + 2] < 200) ? (int)(data[pos + 2] % n) : -1;
    p->ca = consts[data[pos + 1] % NCONST];
    p->cb = consts[data[pos + 2] % NCONST];
    if (cr_ops[p->op].arity == 1) { p->ib = -1; p->cb = 0.0; }
    a = p->ia >= 0 ? node[p->ia] : cr_expr_const(E, p->ca);
    b = cr_ops[p->op].arity == 1 ? CR_NONE : p->ib >= 0 ? node[p->ib] : cr_expr_const(E, p->cb);
    node[n] = cr_expr_apply(E, p->op, a, b, CR_S_NONE);
    if (node[n] == CR_NONE) abort();
    cr_expr_hold(E, node[n]);
    nst++;
  }
  if (nst == 0) { cr_expr_free(E); return 0; }
  /* exact mode: the same value and gradient as the tape, bit for bit */
  e = cr_grad_build(E, node[nin + nst - 1], ins, nin, NULL, 0, 0, 1u << 20, &G, &bad, &sz);
  if (e != CR_GRAD_OK) fail("build", e, 0, 0);
  if (cr_grad_eval(G, x, gc, &vc) != 0) abort();
  tape_run(st, nst, nin, x, &vt, gt);
  if (!same(vc, vt)) fail("value", -1, vc, vt);
  for (i = 0; i < nin; i++) if (!same(gc[i], gt[i])) fail("gradient", i, gc[i], gt[i]);
  if (cr_grad_eval(G, x, NULL, &vc) != 0 || !same(vc, vt)) fail("value alone", -1, vc, vt);
  {  /* H v runs the tape's sweep on duals: its gradient and value are the tape's too */
    double dir[MAXIN], hv[MAXIN], gh[MAXIN], vh;
    for (i = 0; i < nin; i++) dir[i] = 0.5 - 0.25 * i;
    if (cr_grad_hvp(G, x, dir, NULL, 0, hv, gh, &vh) != 0) abort();
    if (!same(vh, vt)) fail("hvp value", -1, vh, vt);
    for (i = 0; i < nin; i++) if (!same(gh[i], gt[i])) fail("hvp gradient", i, gh[i], gt[i]);
  }
  ncompared++;
  cr_grad_free(G);
  /* the last input as data over NROWS rows: sums equal the tape's, summed in row order */
  for (mode = 0; mode < 2 && nin > 1; mode++) {
    double cols[NROWS], sg[MAXIN], sv = 0.0, bg[MAXIN], bv;
    int r;
    e = cr_grad_build(E, node[nin + nst - 1], ins, nin - 1, &ins[nin - 1], 1, mode, 1u << 20,
                      &G, &bad, &sz);
    if (e != CR_GRAD_OK) fail("build with data", e, 0, 0);
    for (i = 0; i < nin; i++) sg[i] = 0.0;
    for (r = 0; r < NROWS; r++) {
      double xr[MAXIN];
      memcpy(xr, x, sizeof x);
      cols[r] = xr[nin - 1] = x[nin - 1] + 0.25 * r;
      tape_run(st, nst, nin, xr, &vt, gt);
      sv += vt;
      for (i = 0; i < nin - 1; i++) sg[i] += gt[i];
    }
    if (cr_grad_batch(G, x, cols, NROWS, bg, &bv) != 0) abort();
    if (mode == 0) {  /* exact */
      if (!same(bv, sv) && !(bv == 0 && sv == 0)) fail("batch value", -1, bv, sv);
      for (i = 0; i < nin - 1; i++)
        if (!same(bg[i], sg[i]) && !(bg[i] == 0 && sg[i] == 0)) fail("batch gradient", i, bg[i], sg[i]);
    }
    cr_grad_free(G);
  }
  /* a limit below the program's size is refused cleanly */
  if (cr_grad_build(E, node[nin + nst - 1], ins, nin, NULL, 0, 1, 1, &G, &bad, &sz) != CR_GRAD_TOOBIG
      && sz > 1)
    fail("limit", (int)sz, 0, 0);
  if (G != NULL && sz > 1) fail("a refused build returned a program", 0, 0, 0);
  cr_grad_free(G);
  cr_expr_free(E);
  return 0;
}

#ifdef CR_FUZZ_STANDALONE
/* without libFuzzer: random programs from a seed, so the sanitizer build runs them in make test */
int main (int argc, char **argv) {
  unsigned long seed = (argc > 1) ? strtoul(argv[1], NULL, 10) : 1;
  long runs = (argc > 2) ? strtol(argv[2], NULL, 10) : 20000, r;
  static uint8_t buf[3 + 3 * 120];
  srand((unsigned)seed);
  for (r = 0; r < runs; r++) {
    size_t len = 3 + 3 * (size_t)(rand() % 120), i;
    for (i = 0; i < len; i++) buf[i] = (uint8_t)(rand() & 0xff);
    LLVMFuzzerTestOneInput(buf, len);
  }
  printf("fuzz_grad: %ld random programs from seed %lu, %ld gradients equal to the tape's\n",
         runs, seed, ncompared);
  printf("1 passed, 0 failed\n");  /* one test: the whole run; a failure aborts */
  return 0;
}
#endif
