/* cr_print.c: expressions as Lua text with the fewest parentheses, or as LaTeX, printed iteratively */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_expr.h"
#include "cr_exprint.h"

void cr_expr_fmtnum (char *buf, double k) {
  int p;
  if (k == 0 && signbit(k)) { strcpy(buf, "-0.0"); return; }  /* "-0" would read back as +0 */
  /* any decimal of 15 digits reads back from a normal double; a subnormal may need fewer */
  for (p = (k != 0 && fabs(k) < DBL_MIN) ? 1 : 15; p <= 17; p++) {
    snprintf(buf, 32, "%.*g", p, k);
    if (strtod(buf, NULL) == k) return;
  }
}

typedef struct Buf { char *s; size_t n, cap, max; int err; } Buf;

static void put (Buf *B, const char *s) {
  size_t l = strlen(s);
  if (B->err) return;
  if (B->n + l + 1 > B->max) { B->err = 2; return; }
  if (B->n + l + 1 > B->cap) {
    size_t nc = B->cap * 2;
    char *ns;
    while (nc < B->n + l + 1) nc *= 2;
    if ((ns = (char *)realloc(B->s, nc)) == NULL) { B->err = 1; return; }
    B->s = ns;
    B->cap = nc;
  }
  memcpy(B->s + B->n, s, l);
  B->n += l;
}

/* binding strength: 1 sums, 2 products, 3 unary minus, 4 powers, 5 atoms and calls */
static int prec (const cr_expr *E, int n, int latex) {
  const Node *x = &E->n[n];
  if (x->kind == CR_E_CONST)
    return (x->k < 0 || (x->k == 0 && signbit(x->k))) && isfinite(x->k) ? 3 : 5;
  if (x->kind == CR_E_VAR) return 5;
  if (latex && (x->op == CR_OP_div || x->op == CR_OP_idiv)) return 5;  /* \frac groups itself */
  return cr_ops[x->op].prec > 0 ? cr_ops[x->op].prec : 5;
}

typedef struct Item { const char *lit; int node, paren; } Item;

typedef struct Work { Item *it; size_t n, cap; int err; } Work;

static void push (Work *W, const char *lit, int node, int paren) {
  if (W->err) return;
  if (W->n == W->cap) {
    size_t nc = W->cap ? 2 * W->cap : 64;
    Item *ni = (Item *)realloc(W->it, nc * sizeof(Item));
    if (ni == NULL) { W->err = 1; return; }
    W->it = ni;
    W->cap = nc;
  }
  W->it[W->n].lit = lit;
  W->it[W->n].node = node;
  W->it[W->n].paren = paren;
  W->n++;
}

static const char *latexname (int op) {
  switch (op) {
    case CR_OP_sin: return "\\sin"; case CR_OP_cos: return "\\cos";
    case CR_OP_tan: return "\\tan"; case CR_OP_asin: return "\\arcsin";
    case CR_OP_acos: return "\\arccos"; case CR_OP_atan: return "\\arctan";
    case CR_OP_sinh: return "\\sinh"; case CR_OP_cosh: return "\\cosh";
    case CR_OP_tanh: return "\\tanh"; case CR_OP_exp: return "\\exp";
    case CR_OP_log: return "\\ln"; case CR_OP_log2: return "\\log_{2}";
    case CR_OP_log10: return "\\log_{10}";
    default: return NULL;
  }
}

static const char *const opnames_tex[CR_NOPS] = {
#define CR_TEXNAME(n) "\\operatorname{" #n "}",
  CR_OPLIST(CR_TEXNAME)
#undef CR_TEXNAME
};

/* pushes the pieces of one op node, last piece first */
static void pushop (const cr_expr *E, Work *W, int n, int latex) {
  const Node *x = &E->n[n];
  int op = x->op, p = cr_ops[op].prec;
  if (op == CR_OP_neg) {
    push(W, NULL, x->a, prec(E, x->a, latex) <= 3);
    push(W, "-", 0, 0);
    return;
  }
  if (latex) {
    const char *nm = latexname(op);
    switch (op) {
      case CR_OP_div:
        push(W, "}", 0, 0); push(W, NULL, x->b, 0); push(W, "}{", 0, 0);
        push(W, NULL, x->a, 0); push(W, "\\frac{", 0, 0);
        return;
      case CR_OP_idiv:
        push(W, "}\\right\\rfloor", 0, 0); push(W, NULL, x->b, 0); push(W, "}{", 0, 0);
        push(W, NULL, x->a, 0); push(W, "\\left\\lfloor\\frac{", 0, 0);
        return;
      case CR_OP_pow:
        push(W, "}", 0, 0); push(W, NULL, x->b, 0); push(W, "^{", 0, 0);
        push(W, NULL, x->a, prec(E, x->a, 0) <= 4);
        return;
      case CR_OP_sqrt:
        push(W, "}", 0, 0); push(W, NULL, x->a, 0); push(W, "\\sqrt{", 0, 0);
        return;
      case CR_OP_cbrt:
        push(W, "}", 0, 0); push(W, NULL, x->a, 0); push(W, "\\sqrt[3]{", 0, 0);
        return;
      case CR_OP_abs:
        push(W, "\\right|", 0, 0); push(W, NULL, x->a, 0); push(W, "\\left|", 0, 0);
        return;
      case CR_OP_floor:
        push(W, "\\right\\rfloor", 0, 0); push(W, NULL, x->a, 0); push(W, "\\left\\lfloor ", 0, 0);
        return;
      case CR_OP_ceil:
        push(W, "\\right\\rceil", 0, 0); push(W, NULL, x->a, 0); push(W, "\\left\\lceil ", 0, 0);
        return;
      default:
        break;
    }
    if (p == 0) {
      push(W, "\\right)", 0, 0);
      if (cr_ops[op].arity == 2) { push(W, NULL, x->b, 0); push(W, ", ", 0, 0); }
      push(W, NULL, x->a, 0);
      push(W, "\\left(", 0, 0);
      push(W, nm ? nm : opnames_tex[op], 0, 0);
      return;
    }
  }
  if (p == 0) {  /* a function call: arguments need no parentheses */
    push(W, ")", 0, 0);
    if (cr_ops[op].arity == 2) { push(W, NULL, x->b, 0); push(W, ", ", 0, 0); }
    push(W, NULL, x->a, 0);
    push(W, "(", 0, 0);
    push(W, cr_ops[op].name, 0, 0);
    return;
  }
  {
    int pa = prec(E, x->a, latex), pb = prec(E, x->b, latex), parena, parenb;
    const char *sym = cr_ops[op].infix;
    if (op == CR_OP_pow) {  /* right associative, binds tighter than unary minus */
      parena = prec(E, x->a, 0) <= 4;
      parenb = pb < 4;
    }
    else {
      parena = pa < p;
      parenb = pb <= p || pb == 3;  /* a - (b + c), a*(-b) */
    }
    if (latex && op == CR_OP_mul) sym = " \\cdot ";
    else if (latex && op == CR_OP_mod) sym = " \\bmod ";
    else if (op == CR_OP_add) sym = " + ";
    else if (op == CR_OP_sub) sym = " - ";
    else if (op == CR_OP_mod) sym = " % ";
    else if (op == CR_OP_idiv) sym = " // ";
    push(W, NULL, x->b, parenb);
    push(W, sym, 0, 0);
    push(W, NULL, x->a, parena);
  }
}

char *cr_expr_print (cr_expr *E, int root, int latex, size_t maxlen, int *toolong) {
  Buf B;
  Work W;
  B.cap = 64; B.n = 0; B.max = maxlen; B.err = 0;
  B.s = (char *)malloc(B.cap);
  W.it = NULL; W.n = W.cap = 0; W.err = 0;
  if (toolong) *toolong = 0;
  if (B.s == NULL) return NULL;
  push(&W, NULL, root, 0);
  while (W.n > 0 && !W.err && !B.err) {
    Item it = W.it[--W.n];
    const Node *x;
    if (it.lit) { put(&B, it.lit); continue; }
    if (it.paren) {
      push(&W, latex ? "\\right)" : ")", 0, 0);
      push(&W, NULL, it.node, 0);
      push(&W, latex ? "\\left(" : "(", 0, 0);
      continue;
    }
    x = &E->n[it.node];
    if (x->kind == CR_E_CONST) {
      char nb[40];
      if (isnan(x->k)) put(&B, latex ? "\\mathrm{NaN}" : "(0/0)");
      else if (isinf(x->k)) put(&B, x->k > 0 ? (latex ? "\\infty" : "(1/0)")
                                             : (latex ? "\\left(-\\infty\\right)" : "(-1/0)"));
      else {
        cr_expr_fmtnum(nb, x->k);
        if (latex && strchr(nb, 'e')) {  /* 1e+20 -> 1 \cdot 10^{20} */
          char *e = strchr(nb, 'e');
          char out[64];
          *e = '\0';
          snprintf(out, sizeof out, "%s \\cdot 10^{%d}", nb, atoi(e + 1));
          put(&B, out);
        }
        else put(&B, nb);
      }
    }
    else if (x->kind == CR_E_VAR) put(&B, E->names[x->a]);
    else pushop(E, &W, it.node, latex);
  }
  free(W.it);
  if (W.err || B.err) {
    if (toolong && B.err == 2) *toolong = 1;
    free(B.s);
    return NULL;
  }
  B.s[B.n] = '\0';
  return B.s;
}
