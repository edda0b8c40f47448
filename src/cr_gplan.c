/* cr_gplan.c: scheduling a gradient program's passes by kind, and the loops that run them */
#include <stdlib.h>
#include <string.h>

#include "cr_gplan.h"

#define MINSEG 4   /* shorter strided stretches run as indexed ops */

/* x^n for 1 <= n by binary powering, as the one-variable program does */
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

double cr_gplan_powin (double a, int n) {
  switch (n) {
    case 1: return a;
    case 2: return a * a;
    case 3: return a * a * a;
    case -1: return 1.0 / a;
    case -2: return 1.0 / (a * a);
    default: return n > 0 ? powi(a, n) : 1.0 / powi(a, -n);
  }
}

/* ---- scheduling ---- */

typedef struct Keyed { int k1, k2, op; } Keyed;

static int cmpkeyed (const void *x, const void *y) {
  const Keyed *a = (const Keyed *)x, *b = (const Keyed *)y;
  if (a->k1 != b->k1) return a->k1 < b->k1 ? -1 : 1;
  if (a->k2 != b->k2) return a->k2 < b->k2 ? -1 : 1;
  return (a->op > b->op) - (a->op < b->op);
}

int cr_gplan_order (size_t n, const int *kind, const int *first, const int *succ, int *indeg,
                    const int *key, int *order) {
  size_t *head = (size_t *)calloc(2 * CR_GK_N + 1, sizeof(size_t)), *tail, i, done = 0, wend = 0;
  int *queue = (int *)malloc((n + 1) * sizeof(int)), cur = -1, k;
  Keyed *w = (Keyed *)malloc((n + 1) * sizeof(Keyed));
  if (head == NULL || queue == NULL || w == NULL) { free(head); free(queue); free(w); return -1; }
  tail = head + CR_GK_N;
  /* one FIFO per kind, laid out by counts in one array: an op enters its queue once */
  for (i = 0; i < n; i++) tail[kind[i]]++;
  for (k = 0, i = 0; k < CR_GK_N; k++) { size_t c = tail[k]; head[k] = tail[k] = i; i += c; }
  for (i = 0; i < n; i++) if (indeg[i] == 0) queue[tail[kind[i]]++] = (int)i;
  while (done < n) {
    int op, j;
    if (cur < 0 || head[cur] == tail[cur]) {  /* the kind with most ready ops next */
      size_t best = 0;
      cur = -1;
      for (k = 0; k < CR_GK_N; k++)
        if (tail[k] - head[k] > best) { best = tail[k] - head[k]; cur = k; }
      if (cur < 0) break;  /* a cycle: cannot happen for a program in topological order */
      wend = head[cur];
    }
    if (head[cur] == wend) {
      /* a wave: the ops of this kind ready now depend on none of each other, so they may go in
         any order; sorted by their operands, families of alike ops come out strided */
      size_t h = head[cur], m = tail[cur] - h, t;
      for (t = 0; t < m; t++) {
        int o = queue[h + t];
        w[t].k1 = key[2 * o];
        w[t].k2 = key[2 * o + 1];
        w[t].op = o;
      }
      qsort(w, m, sizeof *w, cmpkeyed);
      for (t = 0; t < m; t++) queue[h + t] = w[t].op;
      wend = tail[cur];
    }
    op = queue[head[cur]++];
    order[done++] = op;
    for (j = first[op]; j < first[op + 1]; j++)
      if (--indeg[succ[j]] == 0) queue[tail[kind[succ[j]]]++] = succ[j];
  }
  free(head);
  free(queue);
  free(w);
  return done == n ? 0 : -1;
}

/* ---- steps ---- */

static int addstep (cr_gplan *P, size_t *cap, const cr_gstep *s) {
  if (P->nstep == *cap) {
    size_t nc = *cap ? 2 * *cap : 64;
    cr_gstep *ns = (cr_gstep *)realloc(P->step, nc * sizeof *ns);
    if (ns == NULL) return -1;
    P->step = ns;
    *cap = nc;
  }
  P->step[P->nstep++] = *s;
  return 0;
}

/* lo..hi of base + i * stride, i < len */
static int disjoint (int d0, int len, int x0, int sx) {
  long lo = x0, hi = x0 + (long)sx * (len - 1);
  if (lo > hi) { long t = lo; lo = hi; hi = t; }
  return hi < d0 || lo > (long)d0 + len - 1;
}

static int unary (int kind) {
  return kind == CR_GK_SQR || kind == CR_GK_POWI || (kind < CR_NOPS && cr_ops[kind].arity == 1);
}

/* op i of an indexed forward step takes the one before it as x: a chain of one sum or product */
static int chained (const cr_gop *o, int i, int kind) {
  return o[i].a == o[i - 1].d && (unary(kind) || o[i].b != o[i - 1].d)
         && (kind != CR_GK_MULADD || o[i].n != o[i - 1].d);
}

/*
** Indexed forward steps split where chains start and end: a chain keeps its running value in
** a register instead of storing it and loading it back for the next op (a sum of many terms is
** one such chain, and its store-to-load latency was most of the pass).
*/
static int splitchains (cr_gplan *P) {
  size_t cap = P->nstep * 2 + 4, k, nn = 0;
  cr_gstep *ns = (cr_gstep *)malloc(cap * sizeof *ns);
  if (ns == NULL) return -1;
  for (k = 0; k < P->nstep; k++) {
    cr_gstep s = P->step[k];
    const cr_gop *o = P->op + s.off;
    int i = 0, len = s.len;
    if (s.off < 0 || (s.kind >= CR_GK_ADD1 && s.kind <= CR_GK_SETP)) { ns[nn++] = s; continue; }
    while (i < len) {
      int j = i + 1;
      while (j < len && chained(o, j, s.kind)) j++;
      if (j - i < MINSEG) {  /* no chain here: up to where the next one starts */
        while (j < len && !(j + 1 < len && chained(o, j + 1, s.kind))) j++;
        s.chain = 0;
      }
      else s.chain = 1;
      if (nn == cap) {
        cr_gstep *t = (cr_gstep *)realloc(ns, 2 * cap * sizeof *ns);
        if (t == NULL) { free(ns); return -1; }
        ns = t;
        cap *= 2;
      }
      ns[nn] = s;
      ns[nn].off = s.off + i;
      ns[nn].len = j - i;
      nn++;
      i = j;
    }
  }
  free(P->step);
  P->step = ns;
  P->nstep = nn;
  return 0;
}

/* ops j-1 and j step by the same strides (n counts as an operand only for MULADD) */
static int same (const cr_gop *o, size_t j, int k, int sd, int sa, int sb, int sn) {
  return o[j].d - o[j - 1].d == sd && o[j].a - o[j - 1].a == sa && o[j].b - o[j - 1].b == sb
         && (k == CR_GK_MULADD ? o[j].n - o[j - 1].n == sn : o[j].n == o[j - 1].n);
}

int cr_gplan_build (cr_gplan *P, const int *kind, const cr_gop *ops, size_t n, int alias) {
  size_t i = 0, cap = 0;
  memset(P, 0, sizeof *P);
  P->op = (cr_gop *)malloc((n + 1) * sizeof(cr_gop));
  if (P->op == NULL) return -1;
  while (i < n) {
    int k = kind[i], three = k == CR_GK_MULADD;
    size_t j = i + 1;
    cr_gstep s;
    memset(&s, 0, sizeof s);
    s.kind = k;
    s.n = ops[i].n;
    if (i + 1 < n && kind[i + 1] == k) {
      int sd = ops[i + 1].d - ops[i].d, sa = ops[i + 1].a - ops[i].a, sb = ops[i + 1].b - ops[i].b;
      int sn = ops[i + 1].n - ops[i].n;
      while (j < n && kind[j] == k && same(ops, j, k, sd, sa, sb, sn)) j++;
      if (j - i >= MINSEG && sd != 0) {
        s.len = (int)(j - i);
        s.off = -1;
        s.d0 = ops[i].d; s.sd = sd;
        s.a0 = ops[i].a; s.sa = sa;
        s.b0 = ops[i].b; s.sb = sb;
        s.sn = three ? sn : 0;
        if (sd == -1) {  /* the same stretch run upwards, when its ops are independent */
          int last = s.len - 1;
          if (disjoint(s.d0 - last, s.len, s.a0, sa) && (!alias || disjoint(s.d0 - last, s.len, s.b0, sb))
              && (!three || disjoint(s.d0 - last, s.len, s.n, s.sn))) {
            s.d0 -= last; s.sd = 1;
            s.a0 += last * sa; s.sa = -sa;
            s.b0 += last * sb; s.sb = -sb;
            if (three) { s.n += last * s.sn; s.sn = -s.sn; }
          }
        }
        s.free = s.sd == 1 && disjoint(s.d0, s.len, s.a0, s.sa)
                 && (!alias || disjoint(s.d0, s.len, s.b0, s.sb))
                 && (!three || disjoint(s.d0, s.len, s.n, s.sn));
        if (addstep(P, &cap, &s) != 0) return -1;
        i = j;
        continue;
      }
    }
    /* an indexed step: ops of this kind until a strided stretch would start */
    s.off = (int)P->nop;
    s.len = 0;
    j = i;
    while (j < n && kind[j] == k && (three || ops[j].n == s.n)) {
      if (j + MINSEG <= n && s.len > 0) {  /* does a strided stretch start at j? */
        int sd = ops[j + 1].d - ops[j].d, sa = ops[j + 1].a - ops[j].a, sb = ops[j + 1].b - ops[j].b;
        int sn = ops[j + 1].n - ops[j].n;
        size_t t = j + 1;
        while (t < n && t < j + MINSEG && kind[t] == k && same(ops, t, k, sd, sa, sb, sn)) t++;
        if (t == j + MINSEG && sd != 0) break;
      }
      P->op[P->nop++] = ops[j++];
      s.len++;
    }
    if (addstep(P, &cap, &s) != 0) return -1;
    i = j;
  }
  return alias ? splitchains(P) : 0;
}

void cr_gplan_free (cr_gplan *P) {
  free(P->step);
  free(P->op);
  memset(P, 0, sizeof *P);
}

/* ---- running ---- */

/*
** One loop per kind and form: indexed ops, then a strided stretch whose writes do not meet its
** reads (restrict, stride-1 loads: the compiler vectorises), then any other strided stretch.
** T is the target's old value, for the sweep's sums.
*/
#define KERNEL(F) do { \
    int i_, len_ = st->len; \
    if (st->chain) { \
      const cr_gop *o_ = P->op + st->off; \
      double x = D[o_->a], T = 0.0; \
      (void)T; \
      for (i_ = 0; i_ < len_; i_++, o_++) { \
        double y = S[o_->b]; \
        (void)y; \
        x = (F); \
        D[o_->d] = x; \
      } \
    } \
    else if (st->off >= 0) { \
      const cr_gop *o_ = P->op + st->off; \
      for (i_ = 0; i_ < len_; i_++, o_++) { \
        double x = D[o_->a], y = S[o_->b], T = D[o_->d]; \
        (void)x; (void)y; (void)T; \
        D[o_->d] = (F); \
      } \
    } \
    else if (st->free) { \
      double *restrict r_ = D + st->d0; \
      const double *restrict xa_ = D + st->a0, *restrict yb_ = S + st->b0; \
      int sa_ = st->sa, sb_ = st->sb; \
      if (sa_ == 1 && sb_ == 1) \
        for (i_ = 0; i_ < len_; i_++) { double x = xa_[i_], y = yb_[i_], T = r_[i_]; \
          (void)x; (void)y; (void)T; r_[i_] = (F); } \
      else if (sa_ == 1 && sb_ == 0) { \
        double y = *yb_; (void)y; \
        for (i_ = 0; i_ < len_; i_++) { double x = xa_[i_], T = r_[i_]; \
          (void)x; (void)T; r_[i_] = (F); } \
      } \
      else if (sa_ == 0 && sb_ == 1) { \
        double x = *xa_; (void)x; \
        for (i_ = 0; i_ < len_; i_++) { double y = yb_[i_], T = r_[i_]; \
          (void)y; (void)T; r_[i_] = (F); } \
      } \
      else \
        for (i_ = 0; i_ < len_; i_++) { double x = xa_[(long)i_ * sa_], y = yb_[(long)i_ * sb_], \
          T = r_[i_]; (void)x; (void)y; (void)T; r_[i_] = (F); } \
    } \
    else { \
      long d_ = st->d0, a_ = st->a0, b_ = st->b0; \
      for (i_ = 0; i_ < len_; i_++, d_ += st->sd, a_ += st->sa, b_ += st->sb) { \
        double x = D[a_], y = S[b_], T = D[d_]; \
        (void)x; (void)y; (void)T; \
        D[d_] = (F); \
      } \
    } \
  } while (0)

/* MULADD: x + y*z, z a third operand (S[n]); the forms of KERNEL */
CR_GPLAN_CLONES static void muladd (const cr_gstep *st, const cr_gop *op, double *D, const double *S) {
  int i, len = st->len;
  if (st->chain) {
    const cr_gop *o = op + st->off;
    double x = D[o->a];
    for (i = 0; i < len; i++, o++) {
      x = x + S[o->b] * S[o->n];
      D[o->d] = x;
    }
  }
  else if (st->off >= 0) {
    const cr_gop *o = op + st->off;
    for (i = 0; i < len; i++, o++) D[o->d] = D[o->a] + S[o->b] * S[o->n];
  }
  else if (st->free) {
    double *restrict r = D + st->d0;
    const double *restrict xa = D + st->a0, *restrict yb = S + st->b0, *restrict zn = S + st->n;
    if (st->sa == 1 && st->sb == 1 && st->sn == 1)
      for (i = 0; i < len; i++) r[i] = xa[i] + yb[i] * zn[i];
    else if (st->sa == 1 && st->sb == 0 && st->sn == 1) {
      double y = *yb;
      for (i = 0; i < len; i++) r[i] = xa[i] + y * zn[i];
    }
    else
      for (i = 0; i < len; i++)
        r[i] = xa[(long)i * st->sa] + yb[(long)i * st->sb] * zn[(long)i * st->sn];
  }
  else {
    long d = st->d0, a = st->a0, b = st->b0, z = st->n;
    for (i = 0; i < len; i++, d += st->sd, a += st->sa, b += st->sb, z += st->sn)
      D[d] = D[a] + S[b] * S[z];
  }
}

CR_GPLAN_CLONES static void runplan (const cr_gplan *P, double *D, const double *S) {
  const cr_gstep *st = P->step, *end = P->step + P->nstep;
  for (; st < end; st++) {
    switch (st->kind) {
      case CR_OP_add: KERNEL(x + y); break;
      case CR_OP_sub: KERNEL(x - y); break;
      case CR_OP_mul: KERNEL(x * y); break;
      case CR_OP_div: KERNEL(x / y); break;
      case CR_OP_neg: KERNEL(-x); break;
      case CR_OP_mulz: KERNEL((x == 0 || y == 0) ? 0.0 : x * y); break;  /* as the table's mulz */
      case CR_GK_SQR: KERNEL(x * x); break;
      case CR_GK_MULADD: muladd(st, P->op, D, S); break;
      case CR_GK_POWI: { int n = st->n; KERNEL(cr_gplan_powin(x, n)); break; }
      /* the sweep: an adjoint is never -0, so t + 0 is t and 0.0 + c turns a -0 into +0 as the
         tape's memset zero plus c does */
      case CR_GK_ADD1: KERNEL(T + x); break;
      case CR_GK_SUB1: KERNEL(T - x); break;
      case CR_GK_ADDP: KERNEL(T + (((x != 0) & (y != 0)) ? y * x : 0.0)); break;
      case CR_GK_SET1: KERNEL(0.0 + x); break;
      case CR_GK_SETM1: KERNEL(0.0 - x); break;
      case CR_GK_SETP: KERNEL(((x != 0) & (y != 0)) ? 0.0 + y * x : 0.0); break;
      default: {
        double (*f) (double, double) = cr_ops[st->kind].f;
        if (cr_ops[st->kind].arity == 1) KERNEL(f(x, 0.0));
        else KERNEL(f(x, y));
      }
    }
  }
}

/* the clones stay static: a caller in another file then needs no clone attribute to find them */
void cr_gplan_run (const cr_gplan *P, double *D, const double *S) {
  runplan(P, D, S);
}
