/* cr_esimp.c: the simplifying constructors, derivatives and rewriting of expressions */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_expr.h"
#include "cr_exprint.h"

/* ---- simplifying constructors ---- */

static int isconst (const cr_expr *E, int n, double k) {
  return E->n[n].kind == CR_E_CONST && E->n[n].k == k;
}

static int isop (const cr_expr *E, int n, int op) {
  return E->n[n].kind == CR_E_OP && E->n[n].op == op;
}

static int raw (cr_expr *E, int op, int a, int b) {
  if (a == CR_NONE || (cr_ops[op].arity == 2 && b == CR_NONE)) return CR_NONE;
  return cr_expr_intern(E, CR_E_OP, op, a, cr_ops[op].arity == 2 ? b : CR_NONE, 0.0);
}

static int isint (double e) { return e == floor(e) && fabs(e) < 1e15; }

/* "negative" constants print with a sign, so products carry them as coefficients */
static int isnegconst (const cr_expr *E, int n) {
  return E->n[n].kind == CR_E_CONST && E->n[n].k < 0;
}

typedef struct Fac { int base; double e; } Fac;

#define MAXFAC (2 * FAC_LIMIT + 2)

/* order of factors in a product: shallow before deep, then by shape, so printing is stable */
static int faccmp (const cr_expr *E, int x, int y) {
  int steps = 0;
  while (x != y && steps++ < 64) {
    const Node *p = &E->n[x], *q = &E->n[y];
    if (p->depth != q->depth) return p->depth < q->depth ? -1 : 1;
    if (p->kind != q->kind) return p->kind < q->kind ? -1 : 1;
    if (p->kind == CR_E_CONST) return p->k < q->k ? -1 : (p->k > q->k ? 1 : 0);
    if (p->kind == CR_E_VAR) return strcmp(E->names[p->a], E->names[q->a]);
    if (p->op != q->op) return p->op < q->op ? -1 : 1;
    if (p->a != q->a) { x = p->a; y = q->a; }
    else if (p->b != q->b && p->b != CR_NONE) { x = p->b; y = q->b; }
    else return 0;
  }
  return (x == y) ? 0 : (x < y ? -1 : 1);
}

static int addfac (Fac *f, int nf, int base, double e) {
  int i;
  for (i = 0; i < nf; i++) {
    /* merging is exact only for integer powers of one sign: x^2*x^-2 is not 1 at 0 */
    if (f[i].base == base && isint(f[i].e) && isint(e)
        && ((f[i].e > 0 && e > 0) || (f[i].e < 0 && e < 0))) {
      f[i].e += e;
      return nf;
    }
  }
  if (nf >= MAXFAC) return -1;
  f[nf].base = base;
  f[nf].e = e;
  return nf + 1;
}

/* a short, exact quotient folds; 1/3 stays a fraction so products print as .../3 */
static int shortquot (double a, double b) {
  char buf[40];
  double q = a / b;
  if (!isfinite(q) || q * b != a) return 0;
  cr_expr_fmtnum(buf, q);
  return strlen(buf) <= 8;
}

/*
** A product seen as (cn/cd) * base_1^e_1 * ...: walks mul, neg and div nodes,
** denominators with negated exponents.  Returns the factor count or -1.
*/
static int flatten (const cr_expr *E, int n, int inv0, double *cn, double *cd, Fac *f, int nf) {
  int stack[MAXFAC + 4], inv[MAXFAC + 4], sp = 0;
  stack[sp] = n; inv[sp++] = inv0;
  while (sp > 0 && nf >= 0) {
    int m = stack[--sp], v = inv[sp];
    const Node *x = &E->n[m];
    if (x->kind == CR_E_CONST) { if (v) *cd *= x->k; else *cn *= x->k; }
    else if (x->kind == CR_E_OP && (x->op == CR_OP_mul || x->op == CR_OP_div)
             && x->nfac <= FAC_LIMIT && sp + 2 <= MAXFAC) {
      stack[sp] = x->b; inv[sp++] = (x->op == CR_OP_div) ? !v : v;
      stack[sp] = x->a; inv[sp++] = v;
    }
    else if (x->kind == CR_E_OP && x->op == CR_OP_neg && sp + 1 <= MAXFAC) {
      *cn = -*cn;
      stack[sp] = x->a; inv[sp++] = v;
    }
    else if (x->kind == CR_E_OP && x->op == CR_OP_pow && E->n[x->b].kind == CR_E_CONST
             && isint(E->n[x->b].k))
      nf = addfac(f, nf, x->a, v ? -E->n[x->b].k : E->n[x->b].k);
    else nf = addfac(f, nf, m, v ? -1.0 : 1.0);
  }
  return (sp > 0) ? -1 : nf;
}

static int mk (cr_expr *E, int op, int a, int b, int level);

/* chain of the factors with exponents of one sign, as powers with |e| */
static int chain (cr_expr *E, const Fac *f, int nf, int sign, int start) {
  int i, r = start;
  for (i = 0; i < nf; i++) {
    int t;
    double e = f[i].e * sign;
    if (e <= 0) continue;
    t = (e == 1) ? f[i].base : raw(E, CR_OP_pow, f[i].base, cr_expr_const(E, e));
    r = (r == CR_NONE) ? t : raw(E, CR_OP_mul, r, t);
  }
  return r;
}

/* a*b (or a/b with div set) at the full level: coefficient first, factors sorted, powers merged */
static int product (cr_expr *E, int a, int b, int div) {
  Fac f[MAXFAC];
  double cn = 1.0, cd = 1.0, coef;
  int nf = flatten(E, a, 0, &cn, &cd, f, 0), i, j, num, den, neg = 0;
  if (nf >= 0 && b != CR_NONE) nf = flatten(E, b, div, &cn, &cd, f, nf);
  if (nf < 0) return raw(E, div ? CR_OP_div : CR_OP_mul, a, b);  /* too long to sort: as is */
  if (cn == 0 && cd != 0) return cr_expr_const(E, 0.0);  /* strong zero, as the duals' zero tangents */
  if (cd == 1 || shortquot(cn, cd)) { coef = cn / cd; cd = 1.0; }
  else coef = cn;
  for (i = 1; i < nf; i++) {  /* insertion sort: products are short */
    Fac t = f[i];
    for (j = i; j > 0 && faccmp(E, f[j - 1].base, t.base) > 0; j--) f[j] = f[j - 1];
    f[j] = t;
  }
  if (coef < 0) { neg = 1; coef = -coef; }
  num = chain(E, f, nf, 1, (coef != 1) ? cr_expr_const(E, coef) : CR_NONE);
  den = chain(E, f, nf, -1, (cd != 1) ? cr_expr_const(E, cd) : CR_NONE);
  if (num == CR_NONE) num = cr_expr_const(E, 1.0);
  if (den != CR_NONE) num = raw(E, CR_OP_div, num, den);
  if (neg) {  /* -2*x prints as a coefficient; -(x*y) as a negation */
    if (isconst(E, num, coef) && coef != 1) return cr_expr_const(E, -coef);
    if (E->n[num].kind == CR_E_OP && E->n[num].op == CR_OP_mul && isconst(E, E->n[num].a, coef)
        && coef != 1)
      return raw(E, CR_OP_mul, cr_expr_const(E, -coef), E->n[num].b);
    if (E->n[num].kind == CR_E_OP && E->n[num].op == CR_OP_div
        && E->n[E->n[num].a].kind == CR_E_CONST) {  /* -1/x^2 */
      int d = E->n[num].b;
      return raw(E, CR_OP_div, cr_expr_const(E, -E->n[E->n[num].a].k), d);
    }
    return raw(E, CR_OP_neg, num, CR_NONE);
  }
  return num;
}

/* n as c * rest with c a negative number, for a + (-c)*rest -> a - c*rest */
static int negcoef (cr_expr *E, int n, double *c, int *rest) {
  const Node *x = &E->n[n];
  if (x->kind == CR_E_OP && x->op == CR_OP_mul && isnegconst(E, x->a)) {
    *c = E->n[x->a].k;
    *rest = x->b;
    return 1;
  }
  return 0;
}

static int mk (cr_expr *E, int op, int a, int b, int level) {
  /* copies, not pointers: making a node may move the pool */
  Node xa, xb;
  int two = (cr_ops[op].arity == 2);
  if (a == CR_NONE || (two && b == CR_NONE)) return CR_NONE;
  if (!two) b = CR_NONE;
  if (level == CR_S_NONE) return raw(E, op, a, b);
  xa = E->n[a];
  if (two) xb = E->n[b];
  else memset(&xb, 0, sizeof xb);
  if (xa.kind == CR_E_CONST && (!two || xb.kind == CR_E_CONST)
      && !(op == CR_OP_div && level >= CR_S_FULL && !shortquot(xa.k, xb.k)))
    return cr_expr_const(E, cr_op_value((cr_opid)op, xa.k, two ? xb.k : 0.0));
  switch (op) {
    case CR_OP_add:  /* x + -0 is x; x + 0 is not, at x = -0 */
      if (isconst(E, b, 0) && (level >= CR_S_FULL || E->deriv || signbit(xb.k))) return a;
      if (isconst(E, a, 0) && (level >= CR_S_FULL || E->deriv || signbit(xa.k))) return b;
      if (level < CR_S_FULL) break;
      if (xa.kind == CR_E_CONST) return mk(E, CR_OP_add, b, a, level);  /* constants last */
      if (isop(E, b, CR_OP_neg)) return mk(E, CR_OP_sub, a, xb.a, level);
      if (isop(E, a, CR_OP_neg)) return mk(E, CR_OP_sub, b, xa.a, level);
      if (isnegconst(E, b)) return mk(E, CR_OP_sub, a, cr_expr_const(E, -xb.k), level);
      if (a == b) return mk(E, CR_OP_mul, cr_expr_const(E, 2.0), a, level);
      if (xb.kind == CR_E_CONST && (isop(E, a, CR_OP_add) || isop(E, a, CR_OP_sub))
          && E->n[xa.b].kind == CR_E_CONST) {  /* (t +- c1) + c2 */
        double c1 = E->n[xa.b].k;
        int k = cr_expr_const(E, (xa.op == CR_OP_add ? c1 : -c1) + xb.k);
        return mk(E, CR_OP_add, xa.a, k, level);
      }
      {
        double c;
        int rest;
        if (negcoef(E, b, &c, &rest)) {
          int t = mk(E, CR_OP_mul, cr_expr_const(E, -c), rest, level);
          return mk(E, CR_OP_sub, a, t, level);
        }
      }
      break;
    case CR_OP_sub:  /* x - 0 is x; -0 - x is -x; x - -0 and 0 - x are not, at x = -0 */
      if (isconst(E, b, 0) && (level >= CR_S_FULL || E->deriv || !signbit(xb.k))) return a;
      if (isconst(E, a, 0) && (level >= CR_S_FULL || E->deriv || signbit(xa.k)))
        return mk(E, CR_OP_neg, b, CR_NONE, level);
      if (level < CR_S_FULL) break;
      if (isop(E, b, CR_OP_neg)) return mk(E, CR_OP_add, a, xb.a, level);
      if (isnegconst(E, b)) return mk(E, CR_OP_add, a, cr_expr_const(E, -xb.k), level);
      if (xb.kind == CR_E_CONST && (isop(E, a, CR_OP_add) || isop(E, a, CR_OP_sub))
          && E->n[xa.b].kind == CR_E_CONST) {  /* (t +- c1) - c2 */
        double c1 = E->n[xa.b].k;
        int k = cr_expr_const(E, (xa.op == CR_OP_add ? c1 : -c1) - xb.k);
        return mk(E, CR_OP_add, xa.a, k, level);
      }
      {
        double c;
        int rest;
        if (negcoef(E, b, &c, &rest)) {
          int t = mk(E, CR_OP_mul, cr_expr_const(E, -c), rest, level);
          return mk(E, CR_OP_add, a, t, level);
        }
      }
      break;
    case CR_OP_mul:
      if (level >= CR_S_FULL) return product(E, a, b, 0);
      if (isconst(E, b, 1)) return a;
      if (isconst(E, a, 1)) return b;
      if (isconst(E, b, -1)) return mk(E, CR_OP_neg, a, CR_NONE, level);
      if (isconst(E, a, -1)) return mk(E, CR_OP_neg, b, CR_NONE, level);
      break;
    case CR_OP_mulz:  /* a*b with 0*anything = 0 on either side */
      if (level >= CR_S_FULL) return product(E, a, b, 0);  /* products keep strong zeros */
      /* +0 whatever the zero's sign, as mulz computes it */
      if ((xa.kind == CR_E_CONST && xa.k == 0) || (xb.kind == CR_E_CONST && xb.k == 0))
        return cr_expr_const(E, 0.0);
      /* a finite nonzero constant meets the zero case only at a zero operand, where
         the product's zero may have the other sign: a derivative does not mind */
      if (E->deriv && ((xa.kind == CR_E_CONST && isfinite(xa.k)) || (xb.kind == CR_E_CONST && isfinite(xb.k))))
        return mk(E, CR_OP_mul, a, b, level);
      /* times c with |c| >= 1 nothing underflows, and + 0 turns a -0 product into mulz's +0 */
      if ((xa.kind == CR_E_CONST && isfinite(xa.k) && fabs(xa.k) >= 1)
          || (xb.kind == CR_E_CONST && isfinite(xb.k) && fabs(xb.k) >= 1))
        return mk(E, CR_OP_add, mk(E, CR_OP_mul, a, b, level), cr_expr_const(E, 0.0), level);
      break;
    case CR_OP_xlogy:  /* a*log(b), but 0 when a is 0: rewrite only where that cannot happen */
      if (xa.kind == CR_E_CONST && xa.k == 0) return cr_expr_const(E, 0.0);  /* +0, even for a = -0 */
      if (xa.kind == CR_E_CONST && isfinite(xa.k)) {  /* a != 0: a*log(b) */
        int l = mk(E, CR_OP_log, b, CR_NONE, level);
        return mk(E, CR_OP_mul, a, l, level);
      }
      if (xb.kind == CR_E_CONST && xb.k > 0 && isfinite(xb.k) && E->deriv) {
        int l = mk(E, CR_OP_log, b, CR_NONE, level);
        return mk(E, CR_OP_mul, a, l, level);
      }
      if (xb.kind == CR_E_CONST && xb.k > 0 && isfinite(xb.k) && fabs(log(xb.k)) >= 1) {
        /* log(b) a constant that cannot underflow a product: + 0 makes a = -0 give +0 */
        int l = mk(E, CR_OP_log, b, CR_NONE, level);
        return mk(E, CR_OP_add, mk(E, CR_OP_mul, a, l, level), cr_expr_const(E, 0.0), level);
      }
      break;
    case CR_OP_div:
      if (isconst(E, b, 1)) return a;
      if (isconst(E, b, -1)) return mk(E, CR_OP_neg, a, CR_NONE, level);
      if (level >= CR_S_FULL) return product(E, a, b, 1);
      break;
    case CR_OP_pow:
      if (isconst(E, b, 1)) return a;
      if (isconst(E, b, 0) || isconst(E, a, 1)) return cr_expr_const(E, 1.0);  /* pow(x, 0) = pow(1, y) = 1 */
      if (level >= CR_S_FULL && xb.kind == CR_E_CONST && isint(xb.k) && xb.k > 0
          && isop(E, a, CR_OP_pow) && E->n[xa.b].kind == CR_E_CONST
          && isint(E->n[xa.b].k) && E->n[xa.b].k > 0) {
        int k = cr_expr_const(E, E->n[xa.b].k * xb.k);
        return mk(E, CR_OP_pow, xa.a, k, level);
      }
      break;
    case CR_OP_neg:
      if (isop(E, a, CR_OP_neg)) return xa.a;
      if (level < CR_S_FULL) break;
      if (isop(E, a, CR_OP_mul)) return product(E, cr_expr_const(E, -1.0), a, 0);
      if (isop(E, a, CR_OP_sub)) return mk(E, CR_OP_sub, xa.b, xa.a, level);
      break;
    default:
      break;
  }
  return raw(E, op, a, b);
}

int cr_expr_apply (cr_expr *E, cr_opid op, int a, int b, int level) {
  if ((int)op < 0 || op >= CR_NOPS) return CR_NONE;
  return mk(E, op, a, b, level);
}

/* ---- derivatives and rewriting, in topological order ---- */

typedef struct NodeAlg { cr_expr *E; int level; } NodeAlg;

static int na_konst (void *ud, double k, void *out) {
  int n = cr_expr_const(((NodeAlg *)ud)->E, k);
  memcpy(out, &n, sizeof n);
  return n == CR_NONE;
}

static int na_apply (void *ud, cr_opid op, const void *a, const void *b, void *out) {
  NodeAlg *na = (NodeAlg *)ud;
  int x, y = CR_NONE, n;
  memcpy(&x, a, sizeof x);
  if (b) memcpy(&y, b, sizeof y);
  n = mk(na->E, op, x, y, na->level);
  memcpy(out, &n, sizeof n);
  return n == CR_NONE;
}

int cr_expr_diff (cr_expr *E, int root, int var, int level, int strong) {
  int *ord, *d, zero, one, res;
  long i, cnt;
  NodeAlg na;
  cr_algebra alg;
  if (root == CR_NONE || var == CR_NONE) return CR_NONE;
  zero = cr_expr_const(E, 0.0);
  one = cr_expr_const(E, 1.0);
  if (zero == CR_NONE || one == CR_NONE) return CR_NONE;
  cnt = cr_expr_topo(E, &root, 1, &ord);
  if (cnt < 0) return CR_NONE;
  d = (int *)malloc((size_t)cnt * sizeof(int));
  if (d == NULL) { free(ord); return CR_NONE; }
  na.E = E;
  na.level = level;
  alg.size = sizeof(int);
  alg.ud = &na;
  alg.konst = na_konst;
  alg.apply = na_apply;
  /* a derivative's value is only ever a factor or a summand further on, never a
     divisor: the sign of its zeros matters to nothing, so products stay short */
  E->deriv = 1;
  for (i = 0; i < cnt; i++) {
    int n = ord[i];
    const Node *x = &E->n[n];
    if (x->kind == CR_E_CONST) d[i] = zero;
    else if (x->kind == CR_E_VAR) d[i] = (n == var) ? one : zero;
    else {
      int j, sum = CR_NONE, args[2];
      cr_opid op = (cr_opid)x->op;
      args[0] = x->a;
      args[1] = x->b;
      for (j = 0; j < cr_ops[op].arity; j++) {
        int da = d[E->pos[args[j]]], p, term;
        if (da == zero) continue;  /* no perturbation: a strong zero, as in the duals */
        if (cr_rule_eval(&alg, op, j, &args[0], &args[1], &n, &p) != 0) { sum = CR_NONE; goto fail; }
        /* below full simplification (compiling), a zero met at run time drops the
           term as the duals do; full simplification prints it as a product */
        term = mk(E, (strong && level < CR_S_FULL) ? CR_OP_mulz : CR_OP_mul, p, da, level);
        sum = (sum == CR_NONE) ? term : mk(E, CR_OP_add, sum, term, level);
        if (sum == CR_NONE) goto fail;
      }
      d[i] = (sum == CR_NONE) ? zero : sum;
      /* the rules may have made nodes, but never moved the ones in ord */
    }
  }
  res = d[cnt - 1];
  E->deriv = 0;
  free(d);
  free(ord);
  return res;
fail:
  E->deriv = 0;
  free(d);
  free(ord);
  return CR_NONE;
}

int cr_expr_subst (cr_expr *E, int root, int var, int by, int level) {
  int *ord, *m, res;
  long i, cnt;
  if (root == CR_NONE) return CR_NONE;
  cnt = cr_expr_topo(E, &root, 1, &ord);
  if (cnt < 0) return CR_NONE;
  m = (int *)malloc((size_t)cnt * sizeof(int));
  if (m == NULL) { free(ord); return CR_NONE; }
  for (i = 0; i < cnt; i++) {
    int n = ord[i];
    const Node *x = &E->n[n];
    if (x->kind != CR_E_OP) m[i] = (n == var && by != CR_NONE) ? by : n;
    else {
      int a = m[E->pos[x->a]], b = (x->b != CR_NONE) ? m[E->pos[x->b]] : CR_NONE;
      m[i] = mk(E, x->op, a, b, level);
      if (m[i] == CR_NONE) { free(m); free(ord); return CR_NONE; }
    }
  }
  res = m[cnt - 1];
  free(m);
  free(ord);
  return res;
}

int cr_expr_simplify (cr_expr *E, int root, int level) {
  return cr_expr_subst(E, root, CR_NONE, CR_NONE, level);
}
