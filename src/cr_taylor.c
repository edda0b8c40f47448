/* cr_taylor.c: truncated Taylor arithmetic, recurrences checked against the op table's rules */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cr_taylor.h"

/* ---- scratch: LIFO blocks that never move ---- */

typedef struct TBlock {
  struct TBlock *next;
  size_t cap, used;
  double data[];
} TBlock;

struct cr_tscratch {
  TBlock *first, *cur;
};

typedef struct TMark { TBlock *b; size_t used; } TMark;

#define TBLOCK_MIN 4096

cr_tscratch *cr_tscratch_new (void) {
  return (cr_tscratch *)calloc(1, sizeof(cr_tscratch));
}

void cr_tscratch_free (cr_tscratch *S) {
  TBlock *b, *next;
  if (S == NULL) return;
  for (b = S->first; b != NULL; b = next) {
    next = b->next;
    free(b);
  }
  free(S);
}

static double *salloc (cr_tscratch *S, size_t n) {
  TBlock *b = S->cur, *prev, *nb;
  if (b != NULL && b->cap - b->used >= n) {
    double *p = b->data + b->used;
    b->used += n;
    return p;
  }
  prev = b;  /* blocks after the current one are free: take the first that fits */
  nb = (b != NULL) ? b->next : S->first;
  while (nb != NULL && nb->cap < n) { prev = nb; nb = nb->next; }
  if (nb == NULL) {
    size_t cap = (n > TBLOCK_MIN) ? n : TBLOCK_MIN;
    nb = (TBlock *)malloc(sizeof(TBlock) + cap * sizeof(double));
    if (nb == NULL) return NULL;
    nb->cap = cap;
    nb->next = NULL;
    if (prev != NULL) { nb->next = prev->next; prev->next = nb; }
    else { nb->next = S->first; S->first = nb; }
  }
  nb->used = n;
  S->cur = nb;
  return nb->data;
}

static TMark smark (cr_tscratch *S) {
  TMark m;
  m.b = S->cur;
  m.used = S->cur ? S->cur->used : 0;
  return m;
}

static void srelease (cr_tscratch *S, TMark m) {
  if (m.b == NULL) { S->cur = S->first; if (S->cur) S->cur->used = 0; }
  else { S->cur = m.b; S->cur->used = m.used; }
}

/* ---- helpers ---- */

static int isconst (int n, const double *a) {
  int k;
  for (k = 1; k <= n; k++)
    if (a[k] != 0) return 0;
  return 1;
}

/* (1/k) sum_{j=1..k} j p[j] g[k-j], the k-th coefficient of y' = g p'; zero factors drop */
static double integ (int k, const double *p, const double *g) {
  double s = 0.0;
  int j;
  for (j = 1; j <= k; j++)
    if (p[j] != 0 && g[k - j] != 0) s += j * p[j] * g[k - j];
  return s / k;
}

/* sum_{j=lo..k-lo} a[j] b[k-j] with zero factors dropped */
static double conv (int k, int lo, const double *a, const double *b) {
  double s = 0.0;
  int j;
  for (j = lo; j <= k - lo; j++)
    if (a[j] != 0 && b[k - j] != 0) s += a[j] * b[k - j];
  return s;
}

static void constant (int n, double v, double *out) {
  out[0] = v;
  if (n > 0) memset(out + 1, 0, (size_t)n * sizeof(double));
}

/* ---- the generic path: the op's own rule run over series ---- */

typedef struct Level { cr_tscratch *S; int n; } Level;

static int lv_konst (void *ud, double k, void *out) {
  Level *lv = (Level *)ud;
  double *p = salloc(lv->S, (size_t)lv->n + 1);
  if (p == NULL) return CR_TENOMEM;
  constant(lv->n, k, p);
  memcpy(out, &p, sizeof p);
  return 0;
}

static int lv_apply (void *ud, cr_opid op, const void *a, const void *b, void *out) {
  Level *lv = (Level *)ud;
  const double *pa, *pb = NULL;
  double *p = salloc(lv->S, (size_t)lv->n + 1);
  if (p == NULL) return CR_TENOMEM;
  memcpy(&pa, a, sizeof pa);
  if (b) memcpy(&pb, b, sizeof pb);
  memcpy(out, &p, sizeof p);
  return cr_taylor_apply(lv->S, op, lv->n, pa, pb, p);
}

static int usesy (const cr_rule *r) {
  int i;
  for (i = 0; i < r->n; i++)
    if (r->code[i].code == CR_R_Y) return 1;
  return 0;
}

/* the partial wrt argument i as a series of order m; *g points into scratch */
static int partial (cr_tscratch *S, cr_opid op, int i, int m, const double *a,
                    const double *b, const double *y, const double **g) {
  Level lv;
  cr_algebra alg;
  lv.S = S;
  lv.n = m;
  alg.size = sizeof(double *);
  alg.ud = &lv;
  alg.konst = lv_konst;
  alg.apply = lv_apply;
  return cr_rule_eval(&alg, op, i, &a, b ? (const void *)&b : NULL, &y, g);
}

/*
** y' = sum_i g_i p_i' with g_i the rule for the partial wrt argument i.  A rule
** that uses y itself is rerun at order k - 1 for each k (y is known that far).
*/
int cr_taylor_generic (cr_tscratch *S, cr_opid op, int n,
                       const double *a, const double *b, double *out) {
  const cr_op *o = &cr_ops[op];
  const double *p[2], *g[2];
  int act[2], i, k, e = 0, seq = 0;
  constant(n, o->f(a[0], b ? b[0] : 0.0), out);
  if (n == 0) return 0;
  p[0] = a; p[1] = b;
  for (i = 0; i < 2; i++) {
    act[i] = i < o->arity && cr_op_rule(op, i)->n > 0 && !isconst(n, p[i]);
    if (act[i] && usesy(cr_op_rule(op, i))) seq = 1;
  }
  if (!act[0] && !act[1]) return 0;  /* zero perturbation or zero partial: strong zero */
  {
    TMark mk = smark(S);
    /* a rule free of y runs once, at order n - 1; one that uses y reruns per order */
    for (i = 0; i < 2 && e == 0; i++)
      if (act[i] && !usesy(cr_op_rule(op, i))) e = partial(S, op, i, n - 1, a, b, out, &g[i]);
    for (k = 1; k <= n && e == 0; k++) {
      double s = 0.0;
      for (i = 0; i < 2 && e == 0; i++) {
        if (!act[i]) continue;
        if (seq && usesy(cr_op_rule(op, i))) {
          TMark mk2 = smark(S);
          e = partial(S, op, i, k - 1, a, b, out, &g[i]);
          if (e == 0) s += integ(k, p[i], g[i]);
          srelease(S, mk2);
        }
        else s += integ(k, p[i], g[i]);
      }
      out[k] = s;
    }
    srelease(S, mk);
    return e;
  }
}

/* ---- hand-derived recurrences (tests/c/test_taylor.c checks each against the rule) ---- */

/* sin and cos (or sinh and cosh, sign +1) of a together: s' = c a', c' = sign s a' */
static void trigpair (int n, const double *a, double *s, double *c, double sign, int hyp) {
  int k;
  s[0] = hyp ? sinh(a[0]) : sin(a[0]);
  c[0] = hyp ? cosh(a[0]) : cos(a[0]);
  for (k = 1; k <= n; k++) {
    s[k] = integ(k, a, c);
    c[k] = sign * integ(k, a, s);
  }
}

/* y' = (c0 + sg * y^2) a' (tan: 1 + y^2, tanh: 1 - y^2, sigmoid: y - y^2 with lin) */
static void riccati (int n, const double *a, double *y, double *g, double sg, int lin) {
  int k;
  for (k = 1; k <= n; k++) {
    int m = k - 1;
    double sq = conv(m, 0, y, y);
    if (lin) g[m] = (m == 0) ? y[0] * (1 - y[0]) : y[m] - sq;
    else g[m] = (m == 0) ? 1 + sg * (y[0] * y[0]) : sg * sq;
    y[k] = integ(k, a, g);
  }
}

/* a^b for a whole b >= 0 by repeated squaring: exact where the products are */
static int ipow (cr_tscratch *S, int n, const double *a, unsigned long b, double *out) {
  TMark mk = smark(S);
  double *base = salloc(S, (size_t)n + 1), *t = salloc(S, (size_t)n + 1);
  int k, have = 0;
  if (base == NULL || t == NULL) { srelease(S, mk); return CR_TENOMEM; }
  memcpy(base, a, ((size_t)n + 1) * sizeof(double));
  constant(n, 1.0, out);
  while (b > 0) {
    if (b & 1) {
      if (!have) { memcpy(out, base, ((size_t)n + 1) * sizeof(double)); have = 1; }
      else {
        for (k = 0; k <= n; k++) t[k] = conv(k, 0, out, base);
        memcpy(out, t, ((size_t)n + 1) * sizeof(double));
      }
    }
    b >>= 1;
    if (b > 0) {
      for (k = 0; k <= n; k++) t[k] = conv(k, 0, base, base);
      memcpy(base, t, ((size_t)n + 1) * sizeof(double));
    }
  }
  srelease(S, mk);
  return 0;
}

#define IPOW_MAX 64  /* whole exponents up to here multiply; above, the recurrence */

static int tpow (cr_tscratch *S, int n, const double *a, const double *b, double *out) {
  double a0 = a[0], b0 = b[0];
  int k, e;
  if (!isconst(n, b)) {
    /* at a <= 0 the rule itself (log a is not real there; O(n^4), only there) */
    if (!(a0 > 0) || !isfinite(a0)) return cr_taylor_generic(S, CR_OP_pow, n, a, b, out);
    /* y = exp(b log a): y' = y (b log a)' ; the value itself from pow */
    TMark mk = smark(S);
    double *l = salloc(S, (size_t)n + 1), *w = salloc(S, (size_t)n + 1);
    if (l == NULL || w == NULL) { srelease(S, mk); return CR_TENOMEM; }
    if ((e = cr_taylor_apply(S, CR_OP_log, n, a, NULL, l)) != 0) { srelease(S, mk); return e; }
    for (k = 0; k <= n; k++) w[k] = conv(k, 0, b, l);
    out[0] = cr_op_value(CR_OP_pow, a0, b0);
    for (k = 1; k <= n; k++) out[k] = integ(k, w, out);
    srelease(S, mk);
    return 0;
  }
  if (b0 == 0 || isconst(n, a)) { constant(n, cr_op_value(CR_OP_pow, a0, b0), out); return 0; }
  if (b0 > 0 && b0 <= IPOW_MAX && b0 == floor(b0)) {
    if ((e = ipow(S, n, a, (unsigned long)b0, out)) != 0) return e;
    out[0] = cr_op_value(CR_OP_pow, a0, b0);
    return 0;
  }
  if (a0 == 0 || !isfinite(a0)) return cr_taylor_generic(S, CR_OP_pow, n, a, b, out);
  /* a y' = b y a': y_k = 1/(k a0) sum_j ((b + 1) j - k) a_j y_{k-j} */
  out[0] = cr_op_value(CR_OP_pow, a0, b0);
  for (k = 1; k <= n; k++) {
    double s = 0.0;
    int j;
    for (j = 1; j <= k; j++)
      if (a[j] != 0 && out[k - j] != 0) s += ((b0 + 1) * j - k) * a[j] * out[k - j];
    out[k] = s / (k * a0);
  }
  return 0;
}

int cr_taylor_special (cr_opid op) {
  switch (op) {
    case CR_OP_add: case CR_OP_sub: case CR_OP_neg: case CR_OP_mul: case CR_OP_mulz:
    case CR_OP_div: case CR_OP_pow: case CR_OP_exp: case CR_OP_expm1: case CR_OP_sqrt:
    case CR_OP_sin: case CR_OP_cos: case CR_OP_sinh: case CR_OP_cosh:
    case CR_OP_tan: case CR_OP_tanh: case CR_OP_sigmoid:
      return 1;
    default:
      return 0;
  }
}

static int special (cr_tscratch *S, cr_opid op, int n,
                    const double *a, const double *b, double *out) {
  int k;
  switch (op) {
    case CR_OP_add: case CR_OP_sub: {
      double sg = (op == CR_OP_add) ? 1.0 : -1.0;
      out[0] = cr_op_value(op, a[0], b[0]);
      for (k = 1; k <= n; k++) out[k] = a[k] + sg * b[k];
      return 0;
    }
    case CR_OP_neg:
      for (k = 0; k <= n; k++) out[k] = -a[k];
      return 0;
    case CR_OP_mul: case CR_OP_mulz:
      out[0] = cr_op_value(op, a[0], b[0]);
      for (k = 1; k <= n; k++) out[k] = conv(k, 0, a, b);
      return 0;
    case CR_OP_div:
      out[0] = a[0] / b[0];
      for (k = 1; k <= n; k++) {  /* b y = a: y_k = (a_k - sum_{j>=1} b_j y_{k-j}) / b0 */
        double s = a[k];
        int j;
        for (j = 1; j <= k; j++)
          if (b[j] != 0 && out[k - j] != 0) s -= b[j] * out[k - j];
        out[k] = (s == 0 && a[k] == 0 && isconst(k, b)) ? 0.0 : s / b[0];
      }
      return 0;
    case CR_OP_pow:
      return tpow(S, n, a, b, out);
    case CR_OP_exp: case CR_OP_expm1: {  /* y' = y a', or (y + 1) a' */
      out[0] = cr_op_value(op, a[0], 0.0);
      if (op == CR_OP_exp) {
        for (k = 1; k <= n; k++) out[k] = integ(k, a, out);
        return 0;
      }
      {
        TMark mk = smark(S);
        double *g = salloc(S, (size_t)n + 1);
        if (g == NULL) return CR_TENOMEM;
        g[0] = out[0] + 1;
        for (k = 1; k <= n; k++) { out[k] = integ(k, a, g); g[k] = out[k]; }
        srelease(S, mk);
        return 0;
      }
    }
    case CR_OP_sqrt:
      if (!(a[0] > 0) || !isfinite(a[0])) return cr_taylor_generic(S, op, n, a, b, out);
      out[0] = sqrt(a[0]);
      for (k = 1; k <= n; k++)  /* y^2 = a */
        out[k] = (a[k] - conv(k, 1, out, out)) / (2 * out[0]);
      return 0;
    case CR_OP_sin: case CR_OP_cos: case CR_OP_sinh: case CR_OP_cosh: {
      TMark mk = smark(S);
      double *other = salloc(S, (size_t)n + 1);
      int hyp = (op == CR_OP_sinh || op == CR_OP_cosh);
      if (other == NULL) return CR_TENOMEM;
      if (op == CR_OP_sin || op == CR_OP_sinh) trigpair(n, a, out, other, hyp ? 1 : -1, hyp);
      else trigpair(n, a, other, out, hyp ? 1 : -1, hyp);
      srelease(S, mk);
      return 0;
    }
    case CR_OP_tan: case CR_OP_tanh: case CR_OP_sigmoid: {
      TMark mk = smark(S);
      double *g = salloc(S, (size_t)n);
      if (g == NULL) return CR_TENOMEM;
      out[0] = cr_op_value(op, a[0], 0.0);
      riccati(n, a, out, g, (op == CR_OP_tan) ? 1.0 : -1.0, op == CR_OP_sigmoid);
      srelease(S, mk);
      return 0;
    }
    default:
      return cr_taylor_generic(S, op, n, a, b, out);
  }
}

/*
** The first-order coefficient is the duals' own sum of partial times perturbation,
** in their order and with their strong zeros, so derivatives(f, x, n)[2] is
** derivative(f, x) bit for bit, NaN and inf included.
*/
int cr_taylor_apply (cr_tscratch *S, cr_opid op, int n,
                     const double *a, const double *b, double *out) {
  int e;
  if (n == 0 || !cr_taylor_special(op)) e = cr_taylor_generic(S, op, n, a, b, out);
  else e = special(S, op, n, a, b, out);
  if (e == 0 && n >= 1) {
    double d = 0.0, a0 = a[0], b0 = b ? b[0] : 0.0;
    if (a[1] != 0) {
      double g = cr_op_partial(op, 0, a0, b0, out[0]);
      if (g != 0) d += g * a[1];
    }
    if (b && b[1] != 0) {
      double g = cr_op_partial(op, 1, a0, b0, out[0]);
      if (g != 0) d += g * b[1];
    }
    out[1] = d;
  }
  return e;
}
