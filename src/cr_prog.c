/* cr_prog.c: expression graphs flattened into programs, run over blocks of points */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE   /* sincos: glibc computes both with the very code of sin and cos */
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cr_prog.h"

#define CR_POWI CR_NOPS          /* x^n by multiplications, n in the instruction */
#define CR_SINCOS (CR_NOPS + 1)  /* sin to dst and cos to slot n, of one argument */
#define CR_NOP (CR_NOPS + 2)     /* merged into an earlier instruction */
#define POWI_MAX 16

typedef struct Inst {
  int code, dst, a, b, n;
  int ka, kb;          /* operand a or b is the constant k: no array to stream */
  double k;
} Inst;

struct cr_prog {
  Inst *inst;
  size_t ninst, nslots;
  int input;           /* slot of the input, or -1 when no output uses it */
  double *kval;        /* value of each slot that is a constant (NaN-free flag below) */
  unsigned char *isk;  /* slot is a constant */
  int *outs;
  int nouts;
};

void cr_prog_free (cr_prog *T) {
  if (T == NULL) return;
  free(T->inst);
  free(T->kval);
  free(T->isk);
  free(T->outs);
  free(T);
}

size_t cr_prog_ninst (const cr_prog *T) { return T->ninst; }

/* sin and cos of one slot become one sincos call where the C library has it */
static void fusesincos (cr_prog *T) {
#if defined(__GLIBC__)
  size_t i;
  int *first = (int *)malloc(T->nslots * sizeof(int));  /* sin or cos seen on a slot */
  if (first == NULL) return;  /* fusing is optional */
  for (i = 0; i < T->nslots; i++) first[i] = -1;
  for (i = 0; i < T->ninst; i++) {
    Inst *c = &T->inst[i], *s;
    if (c->code != CR_OP_sin && c->code != CR_OP_cos) continue;
    if (first[c->a] < 0) { first[c->a] = (int)i; continue; }
    s = &T->inst[first[c->a]];
    if (s->code == (c->code == CR_OP_sin ? CR_OP_cos : CR_OP_sin)) {
      int sdst = (s->code == CR_OP_sin) ? s->dst : c->dst;
      int cdst = (s->code == CR_OP_sin) ? c->dst : s->dst;
      s->code = CR_SINCOS;  /* at the earlier place: both results exist before either is used */
      s->dst = sdst;
      s->n = cdst;
      c->code = CR_NOP;
    }
  }
  free(first);
#else
  (void)T;
#endif
}

int cr_prog_build (cr_expr *E, const int *outs, int nouts, int var, int fast,
                   cr_prog **out, int *bad) {
  int *ord = NULL, j;
  long i, cnt;
  cr_prog *T = (cr_prog *)calloc(1, sizeof(cr_prog));
  *out = NULL;
  if (T == NULL) return CR_PROG_ENOMEM;
  cnt = cr_expr_topo(E, outs, nouts, &ord);
  if (cnt < 0) goto nomem;
  /* slot s holds ord[s]: the topological position doubles as the slot number */
  T->nslots = (size_t)cnt;
  T->input = -1;
  T->inst = (Inst *)malloc((size_t)(cnt + 1) * sizeof(Inst));
  T->kval = (double *)calloc((size_t)cnt + 1, sizeof(double));
  T->isk = (unsigned char *)calloc((size_t)cnt + 1, 1);
  T->outs = (int *)malloc((size_t)(nouts + 1) * sizeof(int));
  if (!T->inst || !T->kval || !T->isk || !T->outs) goto nomem;
  for (i = 0; i < cnt; i++) {
    int n = ord[i];
    switch (cr_expr_kind(E, n)) {
      case CR_E_CONST:
        T->isk[i] = 1;
        T->kval[i] = cr_expr_value(E, n);
        break;
      case CR_E_VAR:
        if (n != var) {
          if (bad) *bad = n;
          free(ord);
          cr_prog_free(T);
          return CR_PROG_FREEVAR;
        }
        T->input = (int)i;
        break;
      default: {
        Inst *in = &T->inst[T->ninst++];
        int op = cr_expr_op(E, n), a = cr_expr_arg(E, n, 0), b = cr_expr_arg(E, n, 1);
        in->code = op;
        in->dst = (int)i;
        in->a = cr_expr_pos_of(E, a);
        in->b = (b != CR_NONE) ? cr_expr_pos_of(E, b) : in->a;
        in->n = 0;
        in->ka = in->kb = 0;
        in->k = 0;
        if (cr_ops[op].arity == 2 && op <= CR_OP_div) {  /* add, sub, mul, div */
          if (cr_expr_kind(E, a) == CR_E_CONST) { in->ka = 1; in->k = cr_expr_value(E, a); }
          else if (cr_expr_kind(E, b) == CR_E_CONST) { in->kb = 1; in->k = cr_expr_value(E, b); }
        }
        if (fast && op == CR_OP_pow && cr_expr_kind(E, b) == CR_E_CONST) {
          double e = cr_expr_value(E, b);
          if (e == floor(e) && fabs(e) <= POWI_MAX && e != 0) {
            in->code = CR_POWI;
            in->n = (int)e;
          }
        }
      }
    }
  }
  fusesincos(T);
  for (j = 0; j < nouts; j++) T->outs[j] = cr_expr_pos_of(E, outs[j]);
  T->nouts = nouts;
  free(ord);
  *out = T;
  return CR_PROG_OK;
nomem:
  free(ord);
  cr_prog_free(T);
  return CR_PROG_ENOMEM;
}

/* x^n for 1 <= n <= POWI_MAX by binary powering */
static double powi (double x, int n) {
  double r = 1.0;
  int first = 1;
  while (n > 0) {
    if (n & 1) { r = first ? x : r * x; first = 0; }
    n >>= 1;
    if (n) x *= x;
  }
  return r;
}

#define LOOP(expr) for (p = 0; p < m; p++) r[p] = (expr)
#define BIN(o) \
  if (in->ka) LOOP(k o b[p]); else if (in->kb) LOOP(a[p] o k); else LOOP(a[p] o b[p]); break

static void run (const Inst *in, double *restrict r, const double *restrict a,
                 const double *restrict b, double *restrict r2, size_t m) {
  size_t p;
  double k = in->k;
  switch (in->code) {
    case CR_NOP: break;
#if defined(__GLIBC__)
    case CR_SINCOS: for (p = 0; p < m; p++) sincos(a[p], &r[p], &r2[p]); break;
#endif
    case CR_OP_add: BIN(+);
    case CR_OP_sub: BIN(-);
    case CR_OP_mul: BIN(*);
    case CR_OP_div: BIN(/);
    case CR_OP_neg: LOOP(-a[p]); break;
    case CR_OP_sin: LOOP(sin(a[p])); break;
    case CR_OP_cos: LOOP(cos(a[p])); break;
    case CR_OP_exp: LOOP(exp(a[p])); break;
    case CR_OP_log: LOOP(log(a[p])); break;
    case CR_OP_sqrt: LOOP(sqrt(a[p])); break;
    case CR_POWI: {
      int n = in->n;
      if (n == 1) LOOP(a[p]);  /* 1, 2 and -1 are exactly what the table's pow gives */
      else if (n == 2) LOOP(a[p] * a[p]);
      else if (n == 3) LOOP(a[p] * a[p] * a[p]);
      else if (n == -1) LOOP(1.0 / a[p]);
      else if (n == -2) LOOP(1.0 / (a[p] * a[p]));
      else if (n > 0) LOOP(powi(a[p], n));
      else LOOP(1.0 / powi(a[p], -n));
      break;
    }
    default: {  /* everything else through the op table's value function */
      double (*f) (double, double) = cr_ops[in->code].f;
      if (cr_ops[in->code].arity == 2) LOOP(f(a[p], b[p]));
      else LOOP(f(a[p], 0.0));
    }
  }
}

#define BLOCK_MAX 128
#define SCRATCH ((size_t)1 << 14)   /* doubles of block storage: 128 KiB, near the L2 */

int cr_prog_eval (const cr_prog *T, const double *xs, size_t n, double *const *outs) {
  size_t B, s, off, i;
  double *buf, **P;
  unsigned char *direct;
  int j;
  if (T->nslots == 0) return 0;
  B = SCRATCH / T->nslots;
  if (B > BLOCK_MAX) B = BLOCK_MAX;
  if (B < 1) B = 1;
  if (n < B) B = n ? n : 1;
  buf = (double *)malloc(T->nslots * B * sizeof(double));
  P = (double **)malloc(T->nslots * sizeof(double *));
  if (buf == NULL || P == NULL) { free(buf); free(P); return CR_PROG_ENOMEM; }
  for (s = 0; s < T->nslots; s++) {
    P[s] = buf + s * B;
    if (T->isk[s]) for (i = 0; i < B; i++) P[s][i] = T->kval[s];
  }
  /* a computed output is written in place; constants, the input and repeats are copied */
  direct = (unsigned char *)calloc((size_t)T->nouts + 1, 1);
  if (direct == NULL) { free(buf); free(P); return CR_PROG_ENOMEM; }
  for (j = 0; j < T->nouts; j++) {
    int s2 = T->outs[j], jj, seen = 0;
    for (jj = 0; jj < j; jj++) if (T->outs[jj] == s2 && direct[jj]) seen = 1;
    direct[j] = !seen && !T->isk[s2] && s2 != T->input;
  }
  for (off = 0; off < n; off += B) {
    size_t m = (n - off < B) ? n - off : B;
    if (T->input >= 0) P[T->input] = (double *)(xs + off);  /* read only: never a dst */
    for (j = 0; j < T->nouts; j++) if (direct[j]) P[T->outs[j]] = outs[j] + off;
    for (i = 0; i < T->ninst; i++) {
      const Inst *in = &T->inst[i];
      run(in, P[in->dst], P[in->a], P[in->b], in->code == CR_SINCOS ? P[in->n] : NULL, m);
    }
    for (j = 0; j < T->nouts; j++)
      if (!direct[j]) memcpy(outs[j] + off, P[T->outs[j]], m * sizeof(double));
  }
  free(direct);
  free(buf);
  free(P);
  return 0;
}
