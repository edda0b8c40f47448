/* cr_expr.c: the node pool and the graph algorithms (all iterative); the constructors are in cr_esimp.c */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_expr.h"
#include "cr_exprint.h"

/* ---- the pool ---- */

cr_expr *cr_expr_new (void) {
  cr_expr *E = (cr_expr *)calloc(1, sizeof(cr_expr));
  if (E == NULL) return NULL;
  E->freelist = CR_NONE;
  E->nbucket = 256;
  E->bucket = (int *)malloc(E->nbucket * sizeof(int));
  if (E->bucket == NULL) { free(E); return NULL; }
  memset(E->bucket, 0xff, E->nbucket * sizeof(int));  /* all CR_NONE */
  return E;
}

void cr_expr_free (cr_expr *E) {
  int i;
  if (E == NULL) return;
  for (i = 0; i < E->nnames; i++) free(E->names[i]);
  free(E->names);
  free(E->nameix);
  free(E->n);
  free(E->stamp);
  free(E->pos);
  free(E->bucket);
  free(E);
}

static unsigned hashnode (int kind, int op, int a, int b, double k) {
  unsigned long long bits = 0, h;
  if (kind == CR_E_CONST) memcpy(&bits, &k, sizeof bits);
  h = bits ^ ((unsigned long long)(unsigned)kind << 56) ^ ((unsigned long long)(unsigned)op << 48);
  h ^= (unsigned long long)(unsigned)a * 0x9E3779B97F4A7C15ull;
  h ^= (unsigned long long)(unsigned)b * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return (unsigned)h;
}

static int samekey (const Node *x, int kind, int op, int a, int b, double k) {
  if (x->kind != kind || x->a != a || x->b != b) return 0;
  if (kind == CR_E_OP) return x->op == op;
  if (kind == CR_E_CONST) return memcmp(&x->k, &k, sizeof k) == 0;  /* -0 and NaNs by bits */
  return 1;
}

static void rehash (cr_expr *E, size_t nb) {
  int *nbk = (int *)malloc(nb * sizeof(int));
  size_t i;
  if (nbk == NULL) return;  /* keep the old table: chains just get longer */
  memset(nbk, 0xff, nb * sizeof(int));
  for (i = 0; i < E->top; i++) {
    Node *x = &E->n[i];
    if (x->live) {
      unsigned h = hashnode(x->kind, x->op, x->a, x->b, x->k) & (unsigned)(nb - 1);
      x->hnext = nbk[h];
      nbk[h] = (int)i;
    }
  }
  free(E->bucket);
  E->bucket = nbk;
  E->nbucket = nb;
}

static int grow (cr_expr *E) {
  size_t nc = E->cap ? E->cap * 2 : 1024;
  Node *nn;
  unsigned *ns;
  int *np;
  if (nc > 0x3fffffff) return -1;
  nn = (Node *)realloc(E->n, nc * sizeof(Node));
  if (nn == NULL) return -1;
  E->n = nn;
  ns = (unsigned *)realloc(E->stamp, nc * sizeof(unsigned));
  if (ns == NULL) return -1;
  memset(ns + E->cap, 0, (nc - E->cap) * sizeof(unsigned));
  E->stamp = ns;
  np = (int *)realloc(E->pos, nc * sizeof(int));
  if (np == NULL) return -1;
  E->pos = np;
  E->cap = nc;
  return 0;
}

/* find the node with this key, or make it */
int cr_expr_intern (cr_expr *E, int kind, int op, int a, int b, double k) {
  unsigned h = hashnode(kind, op, a, b, k);
  int i = E->bucket[h & (E->nbucket - 1)];
  Node *x;
  while (i != CR_NONE && !(E->append && kind == CR_E_OP)) {  /* a trace keeps every op */
    if (samekey(&E->n[i], kind, op, a, b, k)) return i;
    i = E->n[i].hnext;
  }
  if (E->freelist != CR_NONE && !E->append) {
    i = E->freelist;
    E->freelist = E->n[i].hnext;
  }
  else {
    if (E->top == E->cap && grow(E) != 0) return CR_NONE;
    i = (int)E->top++;
  }
  x = &E->n[i];
  x->kind = (unsigned char)kind;
  x->op = (unsigned char)op;
  x->a = a;
  x->b = b;
  x->k = (kind == CR_E_CONST) ? k : 0.0;
  x->ext = 0;
  x->live = 1;
  x->nfac = 1;
  x->depth = 0;
  if (kind == CR_E_OP) {
    unsigned da = E->n[a].depth, db = (b != CR_NONE) ? E->n[b].depth : 0;
    x->depth = 1 + (da > db ? da : db);
    if (op == CR_OP_mul) {
      unsigned f = (unsigned)E->n[a].nfac + E->n[b].nfac;
      x->nfac = (unsigned char)(f > 255 ? 255 : f);
    }
  }
  h &= (unsigned)(E->nbucket - 1);
  x->hnext = E->bucket[h];
  E->bucket[h] = i;
  E->nlive++;
  if (E->nlive > E->nbucket) rehash(E, E->nbucket * 2);
  return i;
}

int cr_expr_const (cr_expr *E, double k) {
  return cr_expr_intern(E, CR_E_CONST, 0, CR_NONE, CR_NONE, k);
}

static unsigned hashname (const char *s) {
  unsigned h = 2166136261u;  /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* the name index at twice the names' capacity, so probes stay short */
static int regrow (cr_expr *E, int cap) {
  int *ix = (int *)calloc((size_t)cap, sizeof(int)), i;
  if (ix == NULL) return 0;
  for (i = 0; i < E->nnames; i++) {
    unsigned h = hashname(E->names[i]) & (unsigned)(cap - 1);
    while (ix[h] != 0) h = (h + 1) & (unsigned)(cap - 1);
    ix[h] = i + 1;
  }
  free(E->nameix);
  E->nameix = ix;
  E->capnameix = cap;
  return 1;
}

int cr_expr_var (cr_expr *E, const char *name) {
  int id = -1;
  unsigned h = 0;
  if (E->nameix != NULL) {  /* a hash over the names: the first lookup of 10^5 symbols was quadratic */
    h = hashname(name) & (unsigned)(E->capnameix - 1);
    for (; E->nameix[h] != 0; h = (h + 1) & (unsigned)(E->capnameix - 1))
      if (strcmp(E->names[E->nameix[h] - 1], name) == 0) { id = E->nameix[h] - 1; break; }
  }
  if (id < 0) {
    char *s;
    if (E->nnames == E->capnames) {
      int nc = E->capnames ? E->capnames * 2 : 8;
      char **nn = (char **)realloc(E->names, (size_t)nc * sizeof(char *));
      if (nn == NULL) return CR_NONE;
      E->names = nn;
      E->capnames = nc;
    }
    if (2 * (E->nnames + 1) > E->capnameix && !regrow(E, E->capnameix ? 2 * E->capnameix : 16))
      return CR_NONE;
    s = (char *)malloc(strlen(name) + 1);
    if (s == NULL) return CR_NONE;
    strcpy(s, name);
    id = E->nnames;
    E->names[E->nnames++] = s;
    h = hashname(name) & (unsigned)(E->capnameix - 1);
    while (E->nameix[h] != 0) h = (h + 1) & (unsigned)(E->capnameix - 1);
    E->nameix[h] = id + 1;
  }
  return cr_expr_intern(E, CR_E_VAR, 0, id, CR_NONE, 0.0);
}

int cr_expr_append (cr_expr *E, int on) {
  int old = E->append;
  E->append = on;
  return old;
}

int cr_expr_kind (const cr_expr *E, int n) { return E->n[n].kind; }
double cr_expr_value (const cr_expr *E, int n) { return E->n[n].k; }
int cr_expr_varid (const cr_expr *E, int n) { return E->n[n].a; }
const char *cr_expr_varname (const cr_expr *E, int id) { return E->names[id]; }
int cr_expr_op (const cr_expr *E, int n) { return E->n[n].op; }
int cr_expr_arg (const cr_expr *E, int n, int i) { return i == 0 ? E->n[n].a : E->n[n].b; }
int cr_expr_nvars (const cr_expr *E) { return E->nnames; }
size_t cr_expr_live (const cr_expr *E) { return E->nlive; }

void cr_expr_hold (cr_expr *E, int n) { E->n[n].ext++; }
void cr_expr_release (cr_expr *E, int n) { if (E->n[n].ext > 0) E->n[n].ext--; }

static unsigned newepoch (cr_expr *E) {
  if (++E->epoch == 0) {  /* wrapped: forget every old mark */
    memset(E->stamp, 0, E->cap * sizeof(unsigned));
    E->epoch = 1;
  }
  return E->epoch;
}

/* give memory back after a collection left the pool mostly empty */
static void shrink (cr_expr *E, size_t nc) {
  Node *nn = (Node *)realloc(E->n, nc * sizeof(Node));
  unsigned *ns;
  int *np;
  if (nn == NULL) return;  /* keeping the larger block is fine */
  E->n = nn;
  ns = (unsigned *)realloc(E->stamp, nc * sizeof(unsigned));
  if (ns != NULL) E->stamp = ns;
  np = (int *)realloc(E->pos, nc * sizeof(int));
  if (np != NULL) E->pos = np;
  if (ns != NULL && np != NULL) E->cap = nc;
}

size_t cr_expr_collect (cr_expr *E) {
  unsigned ep = newepoch(E);
  int *stack;
  size_t i, sp = 0;
  stack = (int *)malloc((E->top + 1) * sizeof(int));
  if (stack == NULL) return E->nlive;  /* collecting is optional */
  for (i = 0; i < E->top; i++) {
    if (E->n[i].live && E->n[i].ext > 0 && E->stamp[i] != ep) {
      E->stamp[i] = ep;
      stack[sp++] = (int)i;
      while (sp > 0) {  /* each node is pushed once: the stack never exceeds top */
        Node *x = &E->n[stack[--sp]];
        if (x->kind != CR_E_OP) continue;
        if (E->stamp[x->a] != ep) { E->stamp[x->a] = ep; stack[sp++] = x->a; }
        if (x->b != CR_NONE && E->stamp[x->b] != ep) { E->stamp[x->b] = ep; stack[sp++] = x->b; }
      }
    }
  }
  free(stack);
  E->freelist = CR_NONE;
  E->nlive = 0;
  while (E->top > 0 && !(E->n[E->top - 1].live && E->stamp[E->top - 1] == ep))
    E->top--;  /* dead nodes at the end are dropped, not listed as free */
  for (i = E->top; i-- > 0; ) {
    Node *x = &E->n[i];
    if (x->live && E->stamp[i] == ep) E->nlive++;
    else {
      x->live = 0;
      x->hnext = E->freelist;
      E->freelist = (int)i;
    }
  }
  if (E->cap > 4096 && E->top < E->cap / 4) shrink(E, E->top * 2 > 4096 ? E->top * 2 : 4096);
  rehash(E, E->nbucket);
  E->lastlive = E->nlive;
  return E->nlive;
}

void cr_expr_maybe_collect (cr_expr *E) {
  if (E->nlive > 2 * E->lastlive + 4096) cr_expr_collect(E);
}

/* ---- topological order ---- */

typedef struct Frame { int n, st; } Frame;

long cr_expr_topo (cr_expr *E, const int *roots, int nroots, int **order) {
  unsigned ep = newepoch(E);
  size_t sp = 0, cap = 64, cnt = 0, ocap = 64;
  Frame *st = (Frame *)malloc(cap * sizeof(Frame));
  int *out = (int *)malloc(ocap * sizeof(int));
  int r;
  if (st == NULL || out == NULL) goto nomem;
  for (r = 0; r < nroots; r++) {
    if (roots[r] == CR_NONE) continue;
    st[sp].n = roots[r]; st[sp].st = 0; sp++;
    while (sp > 0) {
      Frame *f = &st[sp - 1];
      int n = f->n;
      if (f->st == 0) {
        const Node *x = &E->n[n];
        if (E->stamp[n] == ep) { sp--; continue; }
        E->stamp[n] = ep;
        f->st = 1;
        if (x->kind == CR_E_OP) {
          if (sp + 2 > cap) {
            Frame *ns = (Frame *)realloc(st, 2 * cap * sizeof(Frame));
            if (ns == NULL) goto nomem;
            st = ns;
            cap *= 2;
          }
          if (x->b != CR_NONE && E->stamp[x->b] != ep) { st[sp].n = x->b; st[sp].st = 0; sp++; }
          if (E->stamp[x->a] != ep) { st[sp].n = x->a; st[sp].st = 0; sp++; }
        }
      }
      else {
        sp--;
        if (cnt == ocap) {
          int *no = (int *)realloc(out, 2 * ocap * sizeof(int));
          if (no == NULL) goto nomem;
          out = no;
          ocap *= 2;
        }
        E->pos[n] = (int)cnt;
        out[cnt++] = n;
      }
    }
  }
  free(st);
  *order = out;
  return (long)cnt;
nomem:
  free(st);
  free(out);
  *order = NULL;
  return -1;
}

int cr_expr_pos_of (const cr_expr *E, int n) { return E->pos[n]; }

int cr_expr_freevars (cr_expr *E, int root, int *ids, int max) {
  int *ord, nv = 0;
  long i, cnt = cr_expr_topo(E, &root, 1, &ord);
  if (cnt < 0) return -1;
  for (i = 0; i < cnt; i++) {
    const Node *x = &E->n[ord[i]];
    if (x->kind == CR_E_VAR) {
      int j, seen = 0;
      for (j = 0; j < nv && j < max; j++) if (ids[j] == x->a) seen = 1;
      if (!seen) { if (nv < max) ids[nv] = x->a; nv++; }
    }
  }
  free(ord);
  return nv;
}

int cr_expr_eval (cr_expr *E, int root, const double *vals, double *out) {
  int *ord;
  double *v;
  long i, cnt = cr_expr_topo(E, &root, 1, &ord);
  if (cnt < 0) return -1;
  v = (double *)malloc((size_t)cnt * sizeof(double));
  if (v == NULL) { free(ord); return -1; }
  for (i = 0; i < cnt; i++) {
    const Node *x = &E->n[ord[i]];
    switch (x->kind) {
      case CR_E_CONST: v[i] = x->k; break;
      case CR_E_VAR: v[i] = vals[x->a]; break;
      default:
        v[i] = cr_op_value((cr_opid)x->op, v[E->pos[x->a]],
                           x->b != CR_NONE ? v[E->pos[x->b]] : 0.0);
    }
  }
  *out = v[cnt - 1];
  free(v);
  free(ord);
  return 0;
}
