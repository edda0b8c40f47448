/* cr_tape.c: growing the Wengert list and the reverse sweep over it */
#include <stdlib.h>
#include <string.h>

#include "cr_tape.h"

void cr_tape_init (cr_tape *T, size_t limit) {
  memset(T, 0, sizeof *T);
  T->limit = limit;
}

void cr_tape_free (cr_tape *T) {
  free(T->node);
  free(T->val);
  free(T->adj);
  free(T->trace);
  T->node = NULL;
  T->val = T->adj = NULL;
  T->trace = NULL;
  T->n = T->cap = T->adjcap = T->ngeneric = T->tracecap = 0;
  T->traced = 0;
}

void cr_tape_take (cr_tape *dst, cr_tape *src) {
  size_t limit = dst->limit;
  cr_tape_free(dst);
  *dst = *src;
  dst->limit = limit;
  dst->n = 0;
  dst->ngeneric = 0;
  dst->traced = 0;  /* the trace array's memory moves along, unused until asked for */
  src->node = NULL;
  src->val = src->adj = NULL;
  src->trace = NULL;
  src->n = src->cap = src->adjcap = src->ngeneric = src->tracecap = 0;
  src->traced = 0;
}

void cr_tape_trace (cr_tape *T) {
  T->traced = 1;
}

static int grow (cr_tape *T) {
  size_t cap = T->cap ? T->cap * 2 : 256;
  cr_node *nn;
  double *nv;
  if (cap > T->limit) cap = T->limit;
  if (cap <= T->n) return CR_TAPE_EFULL;
  nn = (cr_node *)realloc(T->node, cap * sizeof *nn);
  if (nn == NULL) return CR_TAPE_ENOMEM;
  T->node = nn;
  nv = (double *)realloc(T->val, cap * sizeof *nv);
  if (nv == NULL) return CR_TAPE_ENOMEM;
  T->val = nv;
  T->cap = cap;
  return 0;
}

long cr_tape_push (cr_tape *T, int a, double da, int b, double db, double v) {
  cr_node *nd;
  if (T->n >= T->limit) return -CR_TAPE_EFULL;
  if (T->n == T->cap) {
    int e = grow(T);
    if (e) return -e;
  }
  nd = &T->node[T->n];
  nd->a = a; nd->b = b;
  nd->da = da; nd->db = db;
  nd->kind = CR_NODE_PLAIN;
  nd->slot = 0;
  T->val[T->n] = v;
  if (T->traced) {
    if (T->tracecap < T->cap) {
      cr_trace *nt = (cr_trace *)realloc(T->trace, T->cap * sizeof *nt);
      if (nt == NULL) return -CR_TAPE_ENOMEM;
      T->trace = nt;
      T->tracecap = T->cap;
    }
    T->trace[T->n].op = -1;
    T->trace[T->n].ka = T->trace[T->n].kb = 0.0;
  }
  return (long)T->n++;
}

long cr_tape_record (cr_tape *T, cr_opid op, int ia, double a, int ib, double b) {
  double y, da = 0.0, db = 0.0;
  long r;
  cr_op_eval(op, a, b, (ia >= 0) | ((ib >= 0) << 1), &y, &da, &db);
  r = cr_tape_push(T, ia, da, ib, db, y);
  if (r >= 0 && T->traced) {
    T->trace[r].op = (int)op;
    T->trace[r].ka = a;
    T->trace[r].kb = b;
  }
  return r;
}

int cr_tape_backward (cr_tape *T, long from, double seed) {
  double *adj;
  const cr_node *nd = T->node;
  long i;
  if (from < 0 || (size_t)from >= T->n) return 0;
  if (T->adjcap < T->n) {
    double *na = (double *)realloc(T->adj, T->cap * sizeof *na);
    if (na == NULL) return CR_TAPE_ENOMEM;
    T->adj = na;
    T->adjcap = T->cap;
  }
  adj = T->adj;
  memset(adj, 0, (size_t)(from + 1) * sizeof *adj);
  adj[from] = seed;
  for (i = from; i >= 0; i--) {  /* the one reverse loop: parents come before children */
    double g = adj[i];
    if (g == 0) continue;  /* strong zero, as in forward mode: 0 * inf adds nothing */
    if (nd[i].a >= 0 && nd[i].da != 0) adj[nd[i].a] += nd[i].da * g;
    if (nd[i].b >= 0 && nd[i].db != 0) adj[nd[i].b] += nd[i].db * g;
  }
  return 0;
}
