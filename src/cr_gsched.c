/* cr_gsched.c: a gradient program scheduled by kind, fused and renumbered for the one-point runs */
#include <stdlib.h>
#include <string.h>

#include "cr_gradi.h"

/* ---- the one-point plans: ops scheduled by kind, slots renumbered so runs are strided ---- */

static int fwdkind (const GInst *in) {
  if (in->code == CR_POWI) return in->n == 2 ? CR_GK_SQR : CR_GK_POWI;
  if (in->code == CR_MULADD) return CR_GK_MULADD;
  return in->code;
}

/* Kahn's order by kind over m dependency pairs (from[k] runs before to[k]) of n ops */
static int orderpairs (size_t n, const int *kind, const int *from, const int *to, size_t m,
                       const int *key, int *order) {
  int *first = (int *)calloc(n + 2, sizeof(int)), *succ = (int *)malloc((m + 1) * sizeof(int));
  int *indeg = (int *)calloc(n + 1, sizeof(int)), *cur = (int *)malloc((n + 1) * sizeof(int)), e = -1;
  size_t k, i;
  if (first && succ && indeg && cur) {
    for (k = 0; k < m; k++) { first[from[k] + 1]++; indeg[to[k]]++; }
    for (i = 1; i <= n; i++) first[i] += first[i - 1];
    for (i = 0; i < n; i++) cur[i] = first[i];
    for (k = 0; k < m; k++) succ[cur[from[k]]++] = to[k];
    e = cr_gplan_order(n, kind, first, succ, indeg, key, order);
  }
  free(first); free(succ); free(indeg); free(cur);
  return e;
}

/* a schedule of inst[lo..hi) over their slot dependencies: order gets indices from lo */
static int schedinst (const cr_grad *G, size_t lo, size_t hi, int *order) {
  size_t n = hi - lo, i, m = 0;
  int *prod = (int *)malloc((G->nslots + 1) * sizeof(int)), *kind = (int *)malloc((n + 1) * sizeof(int));
  int *from = (int *)calloc(3 * n + 1, sizeof(int)), *to = (int *)calloc(3 * n + 1, sizeof(int)), e = -1;
  int *key = (int *)malloc((2 * n + 1) * sizeof(int));
  if (prod && kind && from && to && key) {
    for (i = 0; i < G->nslots; i++) prod[i] = -1;
    for (i = 0; i < n; i++) { key[2 * i] = G->inst[lo + i].a; key[2 * i + 1] = G->inst[lo + i].b; }
    for (i = 0; i < n; i++) { prod[G->inst[lo + i].dst] = (int)i; kind[i] = fwdkind(&G->inst[lo + i]); }
    for (i = 0; i < n; i++) {
      const GInst *in = &G->inst[lo + i];
      int pa = prod[in->a], pb = in->b != in->a ? prod[in->b] : -1;
      int pc = in->c != in->a && in->c != in->b ? prod[in->c] : -1;
      if (pa >= 0) { from[m] = pa; to[m++] = (int)i; }
      if (pb >= 0) { from[m] = pb; to[m++] = (int)i; }
      if (pc >= 0) { from[m] = pc; to[m++] = (int)i; }
    }
    e = orderpairs(n, kind, from, to, m, key, order);
  }
  free(prod); free(kind); free(from); free(to); free(key);
  return e;
}

/* new slot numbers: inputs, data, constants, then results in the order they are computed */
static int renumber (cr_grad *G, const int *ov, const int *op, int *adjslot) {
  size_t s, i, ns = G->nslots;
  int *nid = (int *)malloc((ns + 1) * sizeof(int)), next = 0, j;
  double *nk = (double *)malloc((ns + 1) * sizeof(double));
  unsigned char *nisk = (unsigned char *)malloc(ns + 1);
  GInst *ni = (GInst *)malloc((G->ninst + 1) * sizeof(GInst));
  if (!nid || !nk || !nisk || !ni) { free(nid); free(nk); free(nisk); free(ni); return -1; }
  for (s = 0; s < ns; s++) nid[s] = -1;
#define ASSIGN(x) do { if (nid[x] < 0) nid[x] = next++; } while (0)
  for (j = 0; j < G->nin; j++) if (G->inslot[j] >= 0) ASSIGN(G->inslot[j]);
  for (j = 0; j < G->ndat; j++) if (G->dslot[j] >= 0) ASSIGN(G->dslot[j]);
  for (s = 0; s < ns; s++) if (G->isk[s]) ASSIGN(s);
  for (i = 0; i < G->nval; i++) ASSIGN(G->inst[ov[i]].dst);
  for (i = G->nval; i < G->ninst; i++) ASSIGN(G->inst[G->nval + op[i - G->nval]].dst);
  for (s = 0; s < ns; s++) ASSIGN(s);
#undef ASSIGN
  for (s = 0; s < ns; s++) { nk[nid[s]] = G->kval[s]; nisk[nid[s]] = G->isk[s]; }
  for (i = 0; i < G->ninst; i++) {
    GInst in = G->inst[i < G->nval ? (size_t)ov[i] : G->nval + (size_t)op[i - G->nval]];
    in.dst = nid[in.dst];
    in.a = nid[in.a];
    in.b = nid[in.b];
    in.c = nid[in.c];
    ni[i] = in;
  }
  for (i = 0; i < G->nedge; i++) G->edge[i].p = nid[G->edge[i].p];
  for (j = 0; j < G->nin; j++) if (G->inslot[j] >= 0) G->inslot[j] = nid[G->inslot[j]];
  for (j = 0; j < G->ndat; j++) if (G->dslot[j] >= 0) G->dslot[j] = nid[G->dslot[j]];
  for (i = 0; i < G->nadj; i++) adjslot[i] = nid[adjslot[i]];
  G->root = nid[G->root];
  free(G->inst); free(G->kval); free(G->isk); free(nid);
  G->inst = ni; G->kval = nk; G->isk = nisk;
  return 0;
}

/*
** The sweep's plan.  An adjoint whose one contribution is a partial of 1 equals the adjoint it
** comes from (an adjoint is never -0, so 0 + g is g): it is not stored but read from there.
** cell[] gets, per adjoint, the slot its value is read from.
*/
static int plansweep (cr_grad *G, const int *adjslot, int *cell) {
  size_t n = G->nedge, i, m = 0, nk = 0;
  int *lastw = (int *)malloc((G->nadj + 1) * sizeof(int)), *cnt = (int *)calloc(G->nadj + 1, sizeof(int));
  int *kind = (int *)malloc((n + 1) * sizeof(int)), *key = (int *)malloc((2 * n + 1) * sizeof(int));
  int *from = (int *)calloc(2 * n + 1, sizeof(int)), *to = (int *)calloc(2 * n + 1, sizeof(int));
  int *order = (int *)malloc((n + 1) * sizeof(int)), *okind = (int *)malloc((n + 1) * sizeof(int)), e = -1;
  cr_gop *ops = (cr_gop *)malloc((n + 1) * sizeof(cr_gop)), *kept = (cr_gop *)malloc((n + 1) * sizeof(cr_gop));
  if (lastw && cnt && kind && key && from && to && order && okind && ops && kept) {
    for (i = 0; i < G->nadj; i++) { lastw[i] = -1; cell[i] = adjslot[i]; }
    for (i = 0; i < n; i++) cnt[G->edge[i].src]++;
    for (i = 0; i < n; i++) {
      const GEdge *ed = &G->edge[i];
      int p = ed->p, one = G->isk[p] && G->kval[p] == 1.0, mone = G->isk[p] && G->kval[p] == -1.0;
      int fst = lastw[ed->src] < 0;
      if (one && cnt[ed->src] == 1) {  /* a copy: read the source's cell, after what it waits for */
        cell[ed->src] = cell[ed->dst];
        lastw[ed->src] = lastw[ed->dst];
        continue;
      }
      /* after the last contribution to its adjoint, and after the one before it to its target */
      if (lastw[ed->dst] >= 0) { from[m] = lastw[ed->dst]; to[m++] = (int)nk; }
      if (!fst) { from[m] = lastw[ed->src]; to[m++] = (int)nk; }
      lastw[ed->src] = (int)nk;
      kind[nk] = one ? (fst ? CR_GK_SET1 : CR_GK_ADD1) : mone ? (fst ? CR_GK_SETM1 : CR_GK_SUB1)
                 : (fst ? CR_GK_SETP : CR_GK_ADDP);
      kept[nk].d = adjslot[ed->src];
      kept[nk].a = cell[ed->dst];
      kept[nk].b = p;
      kept[nk].n = 0;
      key[2 * nk] = kept[nk].d;
      key[2 * nk + 1] = kept[nk].a;
      nk++;
    }
    if (orderpairs(nk, kind, from, to, m, key, order) == 0) {
      for (i = 0; i < nk; i++) {
        ops[i] = kept[order[i]];
        okind[i] = kind[order[i]];
      }
      e = cr_gplan_build(&G->ps, okind, ops, nk, 0);
    }
  }
  free(lastw); free(cnt); free(kind); free(key); free(from); free(to); free(order); free(okind);
  free(ops); free(kept);
  return e;
}

/*
** A product read once, by a sum, is fused into it: x + y*z rounds twice as the two ops did, and
** the product's slot is neither written nor read (its partials are y and z, its adjoint the sum's).
*/
/* an add made x + y*1: its z is a slot holding 1 (found, or added) */
static void ones (cr_grad *G, GInst *in) {
  in->code = CR_MULADD;
  in->c = G->one;
}

static int fuse (cr_grad *G) {
  int *refs = (int *)calloc(G->nslots + 1, sizeof(int)), *prod = (int *)malloc((G->nslots + 1) * sizeof(int));
  unsigned char *dead = (unsigned char *)calloc(G->ninst + 1, 1);
  size_t i, k, nval = 0;
  if (!refs || !prod || !dead) { free(refs); free(prod); free(dead); return -1; }
  G->one = -1;
  if (G->nslots > 0) {  /* a slot for the constant 1, at the end, for sums that join a chain */
    double *nk = (double *)realloc(G->kval, (G->nslots + 1) * sizeof(double));
    unsigned char *ni;
    if (nk == NULL) { free(refs); free(prod); free(dead); return -1; }
    G->kval = nk;
    ni = (unsigned char *)realloc(G->isk, G->nslots + 1);
    if (ni == NULL) { free(refs); free(prod); free(dead); return -1; }
    G->isk = ni;
    for (i = 0; i < G->nslots && G->one < 0; i++)
      if (G->isk[i] && G->kval[i] == 1.0) G->one = (int)i;
    if (G->one < 0) {
      G->one = (int)G->nslots++;
      G->kval[G->one] = 1.0;
      G->isk[G->one] = 1;
    }
  }
  for (i = 0; i < G->nslots; i++) prod[i] = -1;
  for (i = 0; i < G->ninst; i++) {
    const GInst *in = &G->inst[i];
    refs[in->a]++;
    if (in->b != in->a) refs[in->b]++;
    if (i < G->nval) prod[in->dst] = (int)i;
  }
  for (i = 0; i < G->nedge; i++) refs[G->edge[i].p]++;
  refs[G->root]++;
  for (i = 0; i < G->nval; i++) {
    GInst *in = &G->inst[i];
    int side;
    if (in->code != CR_OP_add) continue;
    for (side = 1; side >= 0; side--) {
      int m = side ? in->b : in->a, pm = prod[m];
      if (pm < 0 || G->inst[pm].code != CR_OP_mul || refs[m] != 1 || in->a == in->b) continue;
      in->a = side ? in->a : in->b;  /* x + m, or m + x as x + m: a sum's order does not matter */
      in->b = G->inst[pm].a;
      in->c = G->inst[pm].b;
      in->code = CR_MULADD;
      dead[pm] = 1;
      break;
    }
  }
  /* a sum next to a fused one in a chain joins it as x + y*1 (exactly x + y), so the chain is
     of one kind and runs in one loop */
  for (i = 0; i < G->nval; i++) {
    GInst *in = &G->inst[i];
    int pa = prod[in->a];
    if (G->one < 0) break;
    if (in->code == CR_MULADD && pa >= 0 && G->inst[pa].code == CR_OP_add) ones(G, &G->inst[pa]);
    if (in->code == CR_OP_add && pa >= 0 && G->inst[pa].code == CR_MULADD) ones(G, in);
  }
  for (i = 0, k = 0; i < G->ninst; i++) {
    if (dead[i]) continue;
    if (i < G->nval) nval++;
    G->inst[k++] = G->inst[i];
  }
  G->ninst = k;
  G->nval = nval;
  free(refs); free(prod); free(dead);
  return 0;
}

int cr_grad_plan (cr_grad *G, int *adjslot, int *cell) {
  int *ov = (int *)malloc((G->nval + 1) * sizeof(int));
  int *op = (int *)malloc((G->ninst - G->nval + 1) * sizeof(int)), *kind = NULL, e = -1;
  cr_gop *ops = NULL;
  size_t i;
  if (!ov || !op || fuse(G) != 0) goto done;
  /* values first: the partials are then ordered by the values' new numbers, family by family */
  for (i = 0; i < G->ninst - G->nval; i++) op[i] = (int)i;
  if (schedinst(G, 0, G->nval, ov) != 0 || renumber(G, ov, op, adjslot) != 0) goto done;
  for (i = 0; i < G->nval; i++) ov[i] = (int)i;
  if (schedinst(G, G->nval, G->ninst, op) != 0 || renumber(G, ov, op, adjslot) != 0) goto done;
  kind = (int *)malloc((G->ninst + 1) * sizeof(int));
  ops = (cr_gop *)malloc((G->ninst + 1) * sizeof(cr_gop));
  if (!kind || !ops) goto done;
  for (i = 0; i < G->ninst; i++) {
    const GInst *in = &G->inst[i];
    kind[i] = fwdkind(in);
    ops[i].d = in->dst;
    ops[i].a = in->a;
    ops[i].b = in->b;
    ops[i].n = kind[i] == CR_GK_POWI ? in->n : kind[i] == CR_GK_MULADD ? in->c : 0;
  }
  if (cr_gplan_build(&G->pv, kind, ops, G->nval, 1) != 0
      || cr_gplan_build(&G->pp, kind + G->nval, ops + G->nval, G->ninst - G->nval, 1) != 0
      || plansweep(G, adjslot, cell) != 0)
    goto done;
  e = 0;
done:
  free(ov); free(op); free(kind); free(ops);
  return e;
}

