/* cr_dual.c: tagged multilinear dual numbers, derived entirely from the op table */
#include <stdlib.h>
#include <string.h>

#include "cr_dual.h"

/* ---- arena: LIFO scratch memory in blocks that never move ---- */

typedef struct Block {
  struct Block *next;
  size_t cap, used;
  double data[];
} Block;

struct cr_arena {
  Block *first, *cur;
};

typedef struct Mark { Block *b; size_t used; } Mark;

#define BLOCK_MIN 8192

cr_arena *cr_arena_new (void) {
  cr_arena *A = (cr_arena *)calloc(1, sizeof(cr_arena));
  return A;
}

void cr_arena_free (cr_arena *A) {
  Block *b, *next;
  if (A == NULL) return;
  for (b = A->first; b != NULL; b = next) {
    next = b->next;
    free(b);
  }
  free(A);
}

void cr_arena_reset (cr_arena *A) {
  A->cur = A->first;
  if (A->cur) A->cur->used = 0;
}

double *cr_arena_alloc (cr_arena *A, size_t n) {
  Block *b = A->cur, *prev, *nb;
  if (b != NULL && b->cap - b->used >= n) {
    double *p = b->data + b->used;
    b->used += n;
    return p;
  }
  /* the current block is full: blocks after it are free; take the first that fits */
  prev = b;
  nb = (b != NULL) ? b->next : A->first;
  while (nb != NULL && nb->cap < n) {
    prev = nb;
    nb = nb->next;
  }
  if (nb == NULL) {
    size_t cap = (n > BLOCK_MIN) ? n : BLOCK_MIN;
    nb = (Block *)malloc(sizeof(Block) + cap * sizeof(double));
    if (nb == NULL) return NULL;
    nb->cap = cap;
    nb->next = NULL;
    if (prev != NULL) prev->next = nb;
    else A->first = nb;
  }
  nb->used = n;
  A->cur = nb;
  return nb->data;
}

static Mark mark (cr_arena *A) {
  Mark mk;
  mk.b = A->cur;
  mk.used = A->cur ? A->cur->used : 0;
  return mk;
}

static void release (cr_arena *A, Mark mk) {
  A->cur = mk.b ? mk.b : A->first;
  if (A->cur) A->cur->used = mk.b ? mk.used : 0;
}

/* ---- the algebra a rule runs on at one level of the recursion ---- */

typedef struct Level {
  cr_arena *A;
  int m;
} Level;

static int lv_konst (void *ud, double k, void *out) {
  Level *lv = (Level *)ud;
  size_t n = (size_t)1 << lv->m;
  double *p = cr_arena_alloc(lv->A, n);
  if (p == NULL) return CR_ENOMEM;
  memset(p, 0, n * sizeof(double));
  p[0] = k;
  memcpy(out, &p, sizeof p);
  return 0;
}

static int lv_apply (void *ud, cr_opid op, const void *a, const void *b, void *out) {
  Level *lv = (Level *)ud;
  const double *pa, *pb = NULL;
  double *p = cr_arena_alloc(lv->A, (size_t)1 << lv->m);
  if (p == NULL) return CR_ENOMEM;
  memcpy(&pa, a, sizeof pa);
  if (b) memcpy(&pb, b, sizeof pb);
  memcpy(out, &p, sizeof p);
  return cr_dual_apply(lv->A, op, lv->m, pa, pb, p);
}

static int allzero (const double *c, size_t n) {
  size_t j;
  for (j = 0; j < n; j++)
    if (c[j] != 0) return 0;
  return 1;
}

/*
** out += a * b over m tags: the subset convolution out[S] += sum a[T] b[S \ T].
** A zero factor contributes nothing, even against inf, in every scalar product,
** so one tag and many tags follow the same strong-zero rule.
*/
static void muladd (int m, const double *a, const double *b, double *out) {
  size_t n = (size_t)1 << m, S, T;
  if (allzero(a, n) || allzero(b, n)) return;
  for (S = 0; S < n; S++) {
    double acc = 0.0;
    T = S;
    for (;;) {  /* every subset T of S, from S down to the empty set */
      double x = a[T], y = b[S & ~T];
      if (x != 0 && y != 0) acc += x * y;
      if (T == 0) break;
      T = (T - 1) & S;
    }
    out[S] += acc;
  }
}

/*
** f(p + q eps) = f(p) + sum_i (df/dx_i)(p) * q_i eps, split on the highest tag.
** The partials come from the op's rule run over the algebra one tag smaller.
** A term whose partial or perturbation is exactly zero is dropped ("strong zero"),
** so x^0 has derivative 0 at 0 instead of 0 * inf = NaN.
*/
int cr_dual_apply (cr_arena *A, cr_opid op, int m,
                   const double *a, const double *b, double *out) {
  const cr_op *o = &cr_ops[op];
  size_t h;
  int i, e;
  if (m == 0) {
    out[0] = o->f(a[0], b ? b[0] : 0.0);
    return 0;
  }
  if (m == 1) {
    cr_dual1_apply(op, a, b, out);
    return 0;
  }
  h = (size_t)1 << (m - 1);
  if ((e = cr_dual_apply(A, op, m - 1, a, b, out)) != 0) return e;
  memset(out + h, 0, h * sizeof(double));
  for (i = 0; i < o->arity; i++) {
    const double *q = (i == 0 ? a : b) + h;
    const double *g;
    Level lv;
    cr_algebra alg;
    Mark mk;
    if (cr_op_rule(op, i)->n == 0 || allzero(q, h)) continue;  /* zero perturbation: strong zero */
    lv.A = A;
    lv.m = m - 1;
    alg.size = sizeof(double *);
    alg.ud = &lv;
    alg.konst = lv_konst;
    alg.apply = lv_apply;
    mk = mark(A);
    e = cr_rule_eval(&alg, op, i, &a, b ? (const void *)&b : NULL, &out, &g);
    if (e == 0) muladd(m - 1, g, q, out + h);
    release(A, mk);
    if (e != 0) return e;
  }
  return 0;
}

int cr_tags_union (const cr_tag *ta, int ma, const cr_tag *tb, int mb, cr_tag *out) {
  int i = 0, j = 0, n = 0;
  while (i < ma || j < mb) {
    cr_tag t;
    if (j >= mb || (i < ma && ta[i] < tb[j])) t = ta[i++];
    else if (i >= ma || tb[j] < ta[i]) t = tb[j++];
    else { t = ta[i++]; j++; }
    if (n >= CR_MAXTAGS) return -1;
    out[n++] = t;
  }
  return n;
}

void cr_dual_embed (const cr_tag *ts, int ms, const double *c,
                    const cr_tag *tu, int mu, double *out) {
  unsigned pos[CR_MAXTAGS];
  size_t j, n = (size_t)1 << ms;
  int i, k = 0;
  for (i = 0; i < ms; i++) {  /* where each source tag sits in the union */
    while (tu[k] != ts[i]) k++;
    pos[i] = (unsigned)k;
  }
  memset(out, 0, ((size_t)1 << mu) * sizeof(double));
  for (j = 0; j < n; j++) {
    size_t t = 0;
    for (i = 0; i < ms; i++)
      if (j & ((size_t)1 << i)) t |= (size_t)1 << pos[i];
    out[t] = c[j];
  }
}

void cr_dual_select (int m, const double *c, unsigned mask, unsigned set, double *out) {
  size_t j, n = (size_t)1 << m, k = 0;
  for (j = 0; j < n; j++)
    if ((j & mask) == set) out[k++] = c[j];
}
