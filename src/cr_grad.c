/* cr_grad.c: gradient programs, the forward pass with its partials and the reverse sweep */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cr_gradi.h"

#define POWI_MAX 16

/* ---- building ---- */

typedef struct Builder {
  cr_grad *G;
  size_t capslot, capinst, capedge, limit, size;
  int fast, nomem;
  int kslot[64];           /* recent constant slots, so a rule's 1s and 2s are shared */
  int nk;
} Builder;

static int grow (void **p, size_t *cap, size_t need, size_t elem) {
  size_t nc;
  void *np;
  if (need <= *cap) return 1;
  nc = *cap ? *cap : 64;
  while (nc < need) nc *= 2;
  np = realloc(*p, nc * elem);
  if (np == NULL) return 0;
  *p = np;
  *cap = nc;
  return 1;
}

static int newslot (Builder *b) {
  cr_grad *G = b->G;
  size_t oc = b->capslot;
  if (!grow((void **)&G->kval, &oc, G->nslots + 1, sizeof(double))) { b->nomem = 1; return -1; }
  oc = b->capslot;
  if (!grow((void **)&G->isk, &oc, G->nslots + 1, 1)) { b->nomem = 1; return -1; }
  b->capslot = oc;
  G->isk[G->nslots] = 0;
  G->kval[G->nslots] = 0;
  b->size++;
  return (int)G->nslots++;
}

static int constslot (Builder *b, double k) {
  int i, s;
  for (i = 0; i < b->nk; i++)
    if (memcmp(&b->G->kval[b->kslot[i]], &k, sizeof k) == 0) return b->kslot[i];
  s = newslot(b);
  if (s < 0) return -1;
  b->G->isk[s] = 1;
  b->G->kval[s] = k;
  if (b->nk < 64) b->kslot[b->nk++] = s;
  else b->kslot[s % 64] = s;
  return s;
}

static GInst *newinst (Builder *b, int code, int dst, int a, int bb) {
  cr_grad *G = b->G;
  GInst *in;
  if (!grow((void **)&G->inst, &b->capinst, G->ninst + 1, sizeof(GInst))) { b->nomem = 1; return NULL; }
  in = &G->inst[G->ninst++];
  in->code = (short)code;
  in->dst = dst;
  in->a = a;
  in->b = cr_ops[code].arity == 1 ? a : bb;
  in->c = in->a;
  in->n = 0;
  b->size++;
  if (b->fast && code == CR_OP_pow && G->isk[in->b]) {
    double e = G->kval[in->b];
    if (e == floor(e) && fabs(e) <= POWI_MAX && e != 0) { in->code = CR_POWI; in->n = (short)e; }
  }
  return in;
}

typedef struct Opd { int slot; double k; } Opd;   /* slot < 0: the constant k */

static Opd leaf (const cr_grad *G, int s) {
  Opd o;
  o.slot = G->isk[s] ? -1 : s;
  o.k = G->isk[s] ? G->kval[s] : 0.0;
  return o;
}

/* the rule's stack code run on slots: constants fold, the rest become instructions */
static Opd partial (Builder *b, cr_opid op, int i, int sa, int sb, int sy) {
  const cr_rule *r = cr_op_rule(op, i);
  Opd st[CR_RSTACK_MAX], zero = {-1, 0.0};
  int sp = 0, pc;
  if (r->n == 0) return zero;
  for (pc = 0; pc < r->n && !b->nomem; pc++) {
    const cr_rinst *in = &r->code[pc];
    switch (in->code) {
      case CR_R_A: st[sp++] = leaf(b->G, sa); break;
      case CR_R_B: st[sp++] = leaf(b->G, sb); break;
      case CR_R_Y: st[sp++] = leaf(b->G, sy); break;
      case CR_R_CONST: st[sp].slot = -1; st[sp++].k = in->k; break;
      case CR_R_APPLY: {
        int two = cr_ops[in->op].arity == 2;
        Opd x = st[sp - 1 - two], y = two ? st[sp - 1] : zero;
        sp -= two;
        if (x.slot < 0 && y.slot < 0) st[sp - 1].k = cr_ops[in->op].f(x.k, y.k);
        else if (in->op == CR_OP_pow && y.slot < 0 && y.k == 1) st[sp - 1] = x;  /* the table's a^1 is a */
        else {
          int xs = x.slot >= 0 ? x.slot : constslot(b, x.k);
          int ys = !two ? xs : y.slot >= 0 ? y.slot : constslot(b, y.k);
          int d = newslot(b);
          if (xs < 0 || ys < 0 || d < 0 || newinst(b, in->op, d, xs, ys) == NULL) return zero;
          st[sp - 1].slot = d;
        }
        break;
      }
    }
  }
  return st[0];
}

static void addedge (Builder *b, int dst, int src, Opd p) {
  cr_grad *G = b->G;
  GEdge *e;
  int ps = p.slot;
  if (ps < 0 && p.k == 0) return;  /* a partial that is 0 everywhere adds nothing */
  if (ps < 0 && (ps = constslot(b, p.k)) < 0) return;
  if (!grow((void **)&G->edge, &b->capedge, G->nedge + 1, sizeof(GEdge))) { b->nomem = 1; return; }
  e = &G->edge[G->nedge++];
  e->dst = dst;
  e->src = src;
  e->p = ps;
  b->size++;
}

void cr_grad_free (cr_grad *G) {
  if (G == NULL) return;
  free(G->inst);
  free(G->edge);
  free(G->kval);
  free(G->isk);
  free(G->inslot);
  free(G->inadj);
  free(G->gcell);
  free(G->dslot);
  free(G->v);
  free(G->adj);
  free(G->bwork);
  free(G->hw);
  free(G->V);
  free(G->A);
  free(G->bop);
  free(G->bkind);
  cr_gplan_free(&G->pv);
  cr_gplan_free(&G->pp);
  cr_gplan_free(&G->ps);
  free(G);
}

size_t cr_grad_ninst (const cr_grad *G) { return G->ninst; }
size_t cr_grad_nedge (const cr_grad *G) { return G->nedge; }

static int cmpint (const void *x, const void *y) {
  int a = *(const int *)x, b = *(const int *)y;
  return (a > b) - (a < b);
}

/* nodes made in the order f ran (no reused id): that order is the tape's, so sums match it */
static int inorder (const cr_expr *E, const int *ord, long cnt) {
  long i;
  for (i = 0; i < cnt; i++) {
    int n = ord[i];
    if (cr_expr_kind(E, n) != CR_E_OP) continue;
    if (cr_expr_arg(E, n, 0) >= n || cr_expr_arg(E, n, 1) >= n) return 0;
  }
  return 1;
}


int cr_grad_build (cr_expr *E, int root, const int *ins, int nin, const int *dat, int ndat,
                   int fast, size_t limit, cr_grad **out, int *bad, size_t *size) {
  Builder b;
  cr_grad *G = (cr_grad *)calloc(1, sizeof(cr_grad));
  int *ord = NULL, *aidx = NULL, *pos = NULL, *adjslot = NULL, j, e = CR_GRAD_ENOMEM, maxid = 0;
  long cnt, i;
  size_t k;
  *out = NULL;
  if (size) *size = 0;
  if (G == NULL) return CR_GRAD_ENOMEM;
  memset(&b, 0, sizeof b);
  b.G = G;
  b.fast = fast;
  b.limit = limit;
  G->nin = nin;
  G->ndat = ndat;
  G->inslot = (int *)malloc((size_t)(nin + 1) * sizeof(int));
  G->inadj = (int *)malloc((size_t)(nin + 1) * sizeof(int));
  G->dslot = (int *)malloc((size_t)(ndat + 1) * sizeof(int));
  if (!G->inslot || !G->inadj || !G->dslot) goto fail;
  cnt = cr_expr_topo(E, &root, 1, &ord);
  if (cnt < 0) goto fail;
  if (inorder(E, ord, cnt)) qsort(ord, (size_t)cnt, sizeof(int), cmpint);
  for (i = 0; i < cnt; i++) if (ord[i] > maxid) maxid = ord[i];
  pos = (int *)malloc(((size_t)maxid + 1) * sizeof(int));
  if (pos == NULL) goto fail;
  for (i = 0; i < cnt; i++) pos[ord[i]] = (int)i;
  if ((size_t)cnt > limit) { b.size = (size_t)cnt; e = CR_GRAD_TOOBIG; goto fail; }
  /* slot s < cnt holds node ord[s]; partials and rule constants come after */
  for (i = 0; i < cnt; i++)
    if (newslot(&b) < 0) goto fail;
  aidx = (int *)malloc((size_t)cnt * sizeof(int) + 1);
  if (aidx == NULL) goto fail;
  for (j = 0; j < nin; j++) {
    int p = (ins[j] >= 0 && ins[j] <= maxid) ? pos[ins[j]] : -1;
    G->inslot[j] = (p >= 0 && p < cnt && ord[p] == ins[j]) ? p : -1;
  }
  for (j = 0; j < ndat; j++) {
    int p = (dat[j] >= 0 && dat[j] <= maxid) ? pos[dat[j]] : -1;
    G->dslot[j] = (p >= 0 && p < cnt && ord[p] == dat[j]) ? p : -1;
  }
  for (i = 0; i < cnt; i++) aidx[i] = -2;  /* -2 unknown variable, -1 constant in w */
  for (j = 0; j < nin; j++) if (G->inslot[j] >= 0) aidx[G->inslot[j]] = 0;
  for (j = 0; j < ndat; j++) if (G->dslot[j] >= 0) aidx[G->dslot[j]] = -1;
  /* value instructions, and which slots depend on the inputs */
  for (i = 0; i < cnt; i++) {
    int n = ord[i];
    switch (cr_expr_kind(E, n)) {
      case CR_E_CONST:
        G->isk[i] = 1;
        G->kval[i] = cr_expr_value(E, n);
        aidx[i] = -1;
        break;
      case CR_E_VAR:
        if (aidx[i] == -2) {
          if (bad) *bad = n;
          e = CR_GRAD_FREEVAR;
          goto fail;
        }
        break;
      default: {
        int op = cr_expr_op(E, n), a = pos[cr_expr_arg(E, n, 0)];
        int bb = cr_ops[op].arity == 2 ? pos[cr_expr_arg(E, n, 1)] : a;
        if (newinst(&b, op, (int)i, a, bb) == NULL) goto fail;
        aidx[i] = (aidx[a] >= 0 || aidx[bb] >= 0) ? 0 : -1;
      }
    }
  }
  G->nval = G->ninst;
  G->nadj = 0;
  for (i = 0; i < cnt; i++) if (aidx[i] >= 0) aidx[i] = (int)G->nadj++;
  b.size += G->nadj;
  /* partials and edges, last instruction first: the edges come out in sweep order */
  for (k = G->nval; k-- > 0;) {
    int dst = G->inst[k].dst, op = G->inst[k].code, a, bb, two;
    if (aidx[dst] < 0) continue;
    op = cr_expr_op(E, ord[dst]);  /* the op itself, not its fast form */
    a = G->inst[k].a;
    bb = G->inst[k].b;
    two = cr_ops[op].arity == 2;
    if (aidx[a] >= 0) addedge(&b, aidx[dst], aidx[a], partial(&b, (cr_opid)op, 0, a, bb, dst));
    if (two && aidx[bb] >= 0)
      addedge(&b, aidx[dst], aidx[bb], partial(&b, (cr_opid)op, 1, a, bb, dst));
    if (b.nomem) goto fail;
    if (b.size > limit) { e = CR_GRAD_TOOBIG; goto fail; }
  }
  if (b.size > limit) { e = CR_GRAD_TOOBIG; goto fail; }
  for (j = 0; j < nin; j++) G->inadj[j] = G->inslot[j] >= 0 ? aidx[G->inslot[j]] : -1;
  G->root = pos[root];
  G->rootadj = aidx[G->root];
  adjslot = (int *)malloc(2 * (G->nadj + 1) * sizeof(int));
  if (adjslot == NULL) goto fail;
  for (i = 0; i < cnt; i++) if (aidx[i] >= 0) adjslot[aidx[i]] = (int)i;
  if (cr_grad_plan(G, adjslot, adjslot + G->nadj + 1) != 0) goto fail;
  G->gcell = (int *)malloc((size_t)(nin + 1) * sizeof(int));
  if (G->gcell == NULL) goto fail;
  for (j = 0; j < nin; j++) G->gcell[j] = G->inadj[j] >= 0 ? adjslot[G->nadj + 1 + G->inadj[j]] : -1;
  G->v = (double *)malloc((G->nslots + 1) * sizeof(double));
  G->adj = (double *)calloc(G->nslots + 1, sizeof(double));  /* cells no edge writes stay 0 */
  if (G->v == NULL || G->adj == NULL) goto fail;
  for (k = 0; k < G->nslots; k++) G->v[k] = G->isk[k] ? G->kval[k] : 0.0;
  if (G->rootadj >= 0) G->adj[G->root] = 1.0;
  if (size) *size = b.size;
  free(ord);
  free(aidx);
  free(pos);
  free(adjslot);
  *out = G;
  return CR_GRAD_OK;
fail:
  if (size) *size = b.size;
  free(ord);
  free(aidx);
  free(pos);
  free(adjslot);
  cr_grad_free(G);
  return (b.nomem || e == CR_GRAD_ENOMEM) ? CR_GRAD_ENOMEM : e;
}

/* ---- one point ---- */

int cr_grad_eval (cr_grad *G, const double *x, double *grad, double *val) {
  double *v = G->v, *adj = G->adj;
  int j;
  for (j = 0; j < G->nin; j++) if (G->inslot[j] >= 0) v[G->inslot[j]] = x[j];
  cr_gplan_run(&G->pv, v, v);
  *val = v[G->root];
  if (grad == NULL) return 0;
  cr_gplan_run(&G->pp, v, v);
  if (G->rootadj >= 0) cr_gplan_run(&G->ps, adj, v);
  for (j = 0; j < G->nin; j++) grad[j] = G->gcell[j] >= 0 ? adj[G->gcell[j]] : 0.0;
  return 0;
}

/* ---- blocks of rows ---- */

#define BLOCK_MAX 128
#define SCRATCH ((size_t)1 << 17)   /* doubles of block storage: 1 MiB */

#define LOOP(expr) for (p = 0; p < m; p++) r[p] = (expr)

CR_GPLAN_CLONES static void runblock (const GInst *in, double *restrict r, const double *restrict a,
                                      const double *restrict c,
                      const double *restrict b, size_t m) {
  size_t p;
  switch (in->code) {
    case CR_OP_add: LOOP(a[p] + b[p]); break;
    case CR_OP_sub: LOOP(a[p] - b[p]); break;
    case CR_OP_mul: LOOP(a[p] * b[p]); break;
    case CR_OP_div: LOOP(a[p] / b[p]); break;
    case CR_OP_neg: LOOP(-a[p]); break;
    case CR_OP_sin: LOOP(sin(a[p])); break;
    case CR_OP_cos: LOOP(cos(a[p])); break;
    case CR_OP_exp: LOOP(exp(a[p])); break;
    case CR_OP_log: LOOP(log(a[p])); break;
    case CR_OP_sqrt: LOOP(sqrt(a[p])); break;
    case CR_MULADD: LOOP(a[p] + b[p] * c[p]); break;
    case CR_POWI:
      if (in->n == 2) LOOP(a[p] * a[p]);
      else LOOP(cr_gplan_powin(a[p], in->n));
      break;
    default: {
      double (*f) (double, double) = cr_ops[in->code].f;
      if (cr_ops[in->code].arity == 1) LOOP(f(a[p], 0.0));
      else LOOP(f(a[p], b[p]));
    }
  }
}

/* the sweep's kinds over a block of rows: the one-point plan's ops, row by row */
CR_GPLAN_CLONES static void sweeprows (int kind, double *restrict t, const double *restrict g,
                       const double *restrict pv, size_t m) {
  size_t p;
  switch (kind) {
    case CR_GK_SET1: for (p = 0; p < m; p++) t[p] = 0.0 + g[p]; break;
    case CR_GK_SETM1: for (p = 0; p < m; p++) t[p] = 0.0 - g[p]; break;
    case CR_GK_ADD1: for (p = 0; p < m; p++) t[p] += g[p]; break;
    case CR_GK_SUB1: for (p = 0; p < m; p++) t[p] -= g[p]; break;
    /* & rather than &&, and the product made either way: the loops become vector blends */
    case CR_GK_SETP:
      for (p = 0; p < m; p++) {
        double c = pv[p] * g[p];
        t[p] = ((g[p] != 0) & (pv[p] != 0)) ? 0.0 + c : 0.0;
      }
      break;
    default:  /* CR_GK_ADDP */
      for (p = 0; p < m; p++) {
        double c = pv[p] * g[p];
        t[p] += ((g[p] != 0) & (pv[p] != 0)) ? c : 0.0;
      }
  }
}

/* the sweep plan's ops one by one, and a row for each adjoint cell they touch */
static int batchsweep (cr_grad *G, unsigned char *used) {
  const cr_gplan *P = &G->ps;
  size_t k, n = 0;
  int i;
  for (k = 0; k < P->nstep; k++) n += (size_t)P->step[k].len;
  G->bop = (cr_gop *)malloc((n + 1) * sizeof(cr_gop));
  G->bkind = (int *)malloc((n + 1) * sizeof(int));
  if (G->bop == NULL || G->bkind == NULL) return CR_GRAD_ENOMEM;
  for (n = 0, k = 0; k < P->nstep; k++) {
    const cr_gstep *st = &P->step[k];
    for (i = 0; i < st->len; i++, n++) {
      if (st->off >= 0) G->bop[n] = P->op[st->off + i];
      else {
        G->bop[n].d = st->d0 + i * st->sd;
        G->bop[n].a = st->a0 + i * st->sa;
        G->bop[n].b = st->b0 + i * st->sb;
        G->bop[n].n = 0;
      }
      G->bkind[n] = st->kind;
      used[G->bop[n].d] = used[G->bop[n].a] = 1;
    }
  }
  G->nbop = n;
  return 0;
}

static int blockspace (cr_grad *G) {
  size_t B, s, nrow = 0, r;
  unsigned char *used;
  int j;
  if (G->bwork != NULL) return 0;
  used = (unsigned char *)calloc(G->nslots + 1, 1);
  if (used == NULL || batchsweep(G, used) != 0) { free(used); return CR_GRAD_ENOMEM; }
  used[G->root] = 1;
  for (j = 0; j < G->nin; j++) if (G->gcell[j] >= 0) used[G->gcell[j]] = 1;
  for (s = 0; s < G->nslots; s++) nrow += used[s];
  B = SCRATCH / (G->nslots + nrow + 1);
  if (B > BLOCK_MAX) B = BLOCK_MAX;
  if (B < 1) B = 1;
  G->bwork = (double *)calloc((G->nslots + nrow) * B + 1, sizeof(double));
  G->V = (double **)malloc((G->nslots + 1) * sizeof(double *));
  G->A = (double **)calloc(G->nslots + 1, sizeof(double *));
  if (!G->bwork || !G->V || !G->A) {
    free(G->bwork);
    free(G->V); free(G->A); free(used);  /* hw is the hvp's, freed with G */
    G->bwork = NULL; G->V = G->A = NULL;
    return CR_GRAD_ENOMEM;
  }
  G->B = B;
  for (s = 0, r = 0; s < G->nslots; s++) {
    size_t p;
    G->V[s] = G->bwork + s * B;
    if (G->isk[s]) for (p = 0; p < B; p++) G->V[s][p] = G->kval[s];
    if (used[s]) G->A[s] = G->bwork + (G->nslots + r++) * B;  /* rows no op writes stay 0 */
  }
  if (G->rootadj >= 0) for (s = 0; s < B; s++) G->A[G->root][s] = 1.0;
  free(used);
  return 0;
}

/*
** grad[j] += the block's adjoints of input j, in row order; eight inputs at a time, so eight sums
** are under way together instead of one chain of dependent adds.
*/
static void sumrows (const cr_grad *G, double *grad, size_t m) {
  const double *t[8];
  double s[8];
  int idx[8], j = 0, q, k;
  size_t p;
  while (j < G->nin) {
    for (k = 0; k < 8 && j < G->nin; j++)
      if (G->gcell[j] >= 0) { idx[k] = j; t[k] = G->A[G->gcell[j]]; s[k] = grad[j]; k++; }
    if (k == 8) {  /* named accumulators: an array of them would go through memory */
      double s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4], s5 = s[5], s6 = s[6], s7 = s[7];
      for (p = 0; p < m; p++) {
        s0 += t[0][p]; s1 += t[1][p]; s2 += t[2][p]; s3 += t[3][p];
        s4 += t[4][p]; s5 += t[5][p]; s6 += t[6][p]; s7 += t[7][p];
      }
      s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3; s[4] = s4; s[5] = s5; s[6] = s6; s[7] = s7;
    }
    else
      for (q = 0; q < k; q++)
        for (p = 0; p < m; p++) s[q] += t[q][p];
    for (q = 0; q < k; q++) grad[idx[q]] = s[q];
  }
}

int cr_grad_batch (cr_grad *G, const double *w, const double *cols, size_t nrows,
                   double *grad, double *val) {
  size_t B, off, i, p;
  double **V, **A, sum = 0.0;
  int j;
  if (blockspace(G) != 0) return CR_GRAD_ENOMEM;
  B = G->B; V = G->V; A = G->A;
  for (j = 0; j < G->nin; j++) {
    if (G->inslot[j] >= 0) for (p = 0; p < B; p++) V[G->inslot[j]][p] = w[j];
    if (grad) grad[j] = 0.0;
  }
  for (off = 0; off < nrows; off += B) {
    size_t m = (nrows - off < B) ? nrows - off : B, n = grad ? G->ninst : G->nval;
    const double *r;
    for (j = 0; j < G->ndat; j++)  /* read only: a data slot is never written */
      if (G->dslot[j] >= 0) V[G->dslot[j]] = (double *)(cols + (size_t)j * nrows + off);
    for (i = 0; i < n; i++) {
      const GInst *in = &G->inst[i];
      runblock(in, V[in->dst], V[in->a], V[in->c], V[in->b], m);
    }
    r = V[G->root];
    for (p = 0; p < m; p++) sum += r[p];
    if (grad == NULL || G->rootadj < 0) continue;
    for (i = 0; i < G->nbop; i++) {
      const cr_gop *o = &G->bop[i];
      sweeprows(G->bkind[i], A[o->d], A[o->a], V[o->b], m);
    }
    sumrows(G, grad, m);
  }
  *val = sum;
  return 0;
}

/* ---- H v: forward over reverse on the program, a tangent beside every value and adjoint ---- */

/* the tangent of one instruction from the op table's partials (0 * anything adds nothing) */
static double tangent (const GInst *in, const double *v, const double *tv) {
  if (in->code == CR_MULADD) {  /* the product, then the sum, each by its own partials */
    double y = v[in->b], z = v[in->c], m = y * z, tm = 0.0, t = 0.0;
    if (tv[in->b] != 0) tm += cr_op_partial(CR_OP_mul, 0, y, z, m) * tv[in->b];
    if (tv[in->c] != 0) tm += cr_op_partial(CR_OP_mul, 1, y, z, m) * tv[in->c];
    if (tv[in->a] != 0) t += cr_op_partial(CR_OP_add, 0, v[in->a], m, v[in->dst]) * tv[in->a];
    if (tm != 0) t += cr_op_partial(CR_OP_add, 1, v[in->a], m, v[in->dst]) * tm;
    return t;
  }
  {
  int op = in->code == CR_POWI ? CR_OP_pow : in->code, two = cr_ops[op].arity == 2;
  double a = v[in->a], b = two ? v[in->b] : 0.0, y = v[in->dst], t = 0.0;
  if (tv[in->a] != 0) t += cr_op_partial((cr_opid)op, 0, a, b, y) * tv[in->a];
  if (two && tv[in->b] != 0) t += cr_op_partial((cr_opid)op, 1, a, b, y) * tv[in->b];
  return t;
  }
}

/* one point: H v, the gradient and the value into hv, grad, *val, or added to them (rows) */
static void hvp1 (cr_grad *G, const double *dir, double *hv, double *grad, double *val, int add) {
  double *v = G->v, *tv = G->hw, *adj = tv + G->nslots, *tadj = adj + G->nadj;
  size_t i;
  int j;
  cr_gplan_run(&G->pv, v, v);
  cr_gplan_run(&G->pp, v, v);
  *val = add ? *val + v[G->root] : v[G->root];
  memset(tv, 0, (G->nslots + 2 * G->nadj) * sizeof(double));
  for (j = 0; j < G->nin; j++) if (G->inslot[j] >= 0) tv[G->inslot[j]] = dir[j];
  for (i = 0; i < G->ninst; i++) tv[G->inst[i].dst] = tangent(&G->inst[i], v, tv);
  if (G->rootadj < 0) return;
  adj[G->rootadj] = 1.0;
  for (i = 0; i < G->nedge; i++) {  /* the tape's sweep on duals: adjoint and its tangent */
    const GEdge *e = &G->edge[i];
    double g = adj[e->dst], tg = tadj[e->dst], p = v[e->p], tp = tv[e->p], t = 0.0;
    if (g == 0 && tg == 0) continue;
    if (g != 0 && p != 0) adj[e->src] += p * g;
    if (g != 0 && tp != 0) t += tp * g;
    if (tg != 0 && p != 0) t += p * tg;
    tadj[e->src] += t;
  }
  for (j = 0; j < G->nin; j++) {
    if (G->inadj[j] < 0) continue;
    hv[j] = add ? hv[j] + tadj[G->inadj[j]] : tadj[G->inadj[j]];
    grad[j] = add ? grad[j] + adj[G->inadj[j]] : adj[G->inadj[j]];
  }
}

int cr_grad_hvp (cr_grad *G, const double *x, const double *dir, const double *cols,
                 size_t nrows, double *hv, double *grad, double *val) {
  size_t r;
  int j;
  if (G->hw == NULL) {
    G->hw = (double *)malloc((G->nslots + 2 * G->nadj + 1) * sizeof(double));
    if (G->hw == NULL) return CR_GRAD_ENOMEM;
  }
  *val = 0.0;
  for (j = 0; j < G->nin; j++) {
    hv[j] = grad[j] = 0.0;
    if (G->inslot[j] >= 0) G->v[G->inslot[j]] = x[j];
  }
  if (cols == NULL) { hvp1(G, dir, hv, grad, val, 0); return 0; }
  for (r = 0; r < nrows; r++) {  /* rows one by one, summed in order */
    for (j = 0; j < G->ndat; j++) if (G->dslot[j] >= 0) G->v[G->dslot[j]] = cols[(size_t)j * nrows + r];
    hvp1(G, dir, hv, grad, val, 1);
  }
  return 0;
}
