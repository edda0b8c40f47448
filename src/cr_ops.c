/* cr_ops.c: the table of elementary operations, their values and their derivative rules */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cr_ops.h"

/* value functions, two-argument form so one pointer type fits every entry */
static double v_add (double a, double b) { return a + b; }
static double v_sub (double a, double b) { return a - b; }
static double v_mul (double a, double b) { return a * b; }
static double v_div (double a, double b) { return a / b; }
/* small integer powers multiply, giving exactly what pow gives, only faster */
static double v_pow (double a, double b) {
  if (b == 2) return a * a;
  if (b == 1) return a;
  if (b == 0) return 1.0;
  if (b == -1) return 1.0 / a;
  return pow(a, b);
}
static double v_neg (double a, double b) { (void)b; return -a; }

/* Lua's float modulo: result takes the sign of the divisor */
static double v_mod (double a, double b) {
  double m = fmod(a, b);
  if ((m > 0) ? b < 0 : (m < 0 && b > 0)) m += b;
  return m;
}

static double v_idiv (double a, double b) { return floor(a / b); }
static double v_atan2 (double a, double b) { return atan2(a, b); }
static double v_atan (double a, double b) { (void)b; return atan2(a, 1.0); }  /* as math.atan does */
static double v_fmod (double a, double b) { return fmod(a, b); }
static double v_hypot (double a, double b) { return hypot(a, b); }

/* Lua's math.max picks the later argument only when strictly greater */
static double v_max (double a, double b) { return (a < b) ? b : a; }
static double v_min (double a, double b) { return (b < a) ? b : a; }

static double v_sign (double a, double b) {
  (void)b;
  return (a > 0) ? 1.0 : (a < 0) ? -1.0 : (a == 0) ? 0.0 : a;
}

/* the weight max(a, b)'s derivative puts on b: 1 when b is chosen, 1/2 at a tie (equal
   infinities too), 0 when a is chosen, unordered (NaN) included, as v_max keeps a then */
static double v_over (double a, double b) { return (a < b) ? 1.0 : (a == b) ? 0.5 : 0.0; }

/* 1 when a == b, else 0 (NaN equals nothing): counts the ties of an n-ary max or min */
static double v_same (double a, double b) { return (a == b) ? 1.0 : 0.0; }

/* 0 in value, with b's derivative where a == b (0 elsewhere): not a function of its own but
   the device by which n-ary max and min hand each tied argument's derivative on (math.lua) */
static double v_tie (double a, double b) { (void)a; (void)b; return 0.0; }

/* Heaviside step with H(0) = 1/2 */
static double v_step (double a, double b) {
  (void)b;
  return (a > 0) ? 1.0 : (a < 0) ? 0.0 : (a == 0) ? 0.5 : a;
}

static double v_sigmoid (double a, double b) {
  (void)b;
  if (a >= 0) return 1.0 / (1.0 + exp(-a));
  else { double e = exp(a); return e / (1.0 + e); }  /* no overflow for very negative a */
}

static double v_relu (double a, double b) { (void)b; return (a > 0) ? a : (a <= 0) ? 0.0 : a; }

static double v_softplus (double a, double b) {
  (void)b;
  return (a > 0) ? a + log1p(exp(-a)) : log1p(exp(a));  /* stable for large |a| */
}

/* u*log(v), defined as 0 when u == 0 so 0^y has derivative 0 in y */
static double v_xlogy (double a, double b) { return (a == 0) ? 0.0 : a * log(b); }

/* u*v with a strong zero on either side: 0 times anything (even inf) is 0, so x^0 has
   derivative 0 at 0, and chain-rule products built from it drop zero terms as duals do */
static double v_mulz (double a, double b) { return (a == 0 || b == 0) ? 0.0 : a * b; }

#define UNARY(name, cfn) static double v_##name (double a, double b) { (void)b; return cfn(a); }
UNARY(sin, sin)   UNARY(cos, cos)   UNARY(tan, tan)
UNARY(asin, asin) UNARY(acos, acos)
UNARY(exp, exp)   UNARY(log, log)   UNARY(log2, log2) UNARY(log10, log10)
UNARY(sqrt, sqrt) UNARY(cbrt, cbrt) UNARY(abs, fabs)
UNARY(floor, floor) UNARY(ceil, ceil) UNARY(trunc, trunc)
UNARY(sinh, sinh) UNARY(cosh, cosh) UNARY(tanh, tanh)
UNARY(asinh, asinh) UNARY(acosh, acosh) UNARY(atanh, atanh)
UNARY(log1p, log1p) UNARY(expm1, expm1) UNARY(erf, erf)
#undef UNARY

/*
** The table.  Each rule is the partial derivative wrt one argument, written in
** terms of the arguments a and b, the result y, numbers and the ops themselves.
** Every mode of differentiation runs these rules; there is no other copy.
** Rules avoid squaring their arguments where that would overflow (hypot, and
** sqrt(a - 1)*sqrt(a + 1) for acosh), so huge inputs keep finite derivatives.
*/
const cr_op cr_ops[CR_NOPS] = {
  [CR_OP_add]   = {"add",   2, v_add,   {"1", "1"}, 1, "+"},
  [CR_OP_sub]   = {"sub",   2, v_sub,   {"1", "-1"}, 1, "-"},
  [CR_OP_mul]   = {"mul",   2, v_mul,   {"b", "a"}, 2, "*"},
  [CR_OP_div]   = {"div",   2, v_div,   {"1/b", "-y/b"}, 2, "/"},
  [CR_OP_pow]   = {"pow",   2, v_pow,   {"mulz(b, a^(b - 1))", "xlogy(y, a)"}, 4, "^"},
  [CR_OP_mod]   = {"mod",   2, v_mod,   {"1", "-idiv(a, b)"}, 2, "%"},
  [CR_OP_idiv]  = {"idiv",  2, v_idiv,  {"0", "0"}, 2, "//"},
  [CR_OP_neg]   = {"neg",   1, v_neg,   {"-1", NULL}, 3, "-"},
  [CR_OP_sin]   = {"sin",   1, v_sin,   {"cos(a)", NULL}, 0, NULL},
  [CR_OP_cos]   = {"cos",   1, v_cos,   {"-sin(a)", NULL}, 0, NULL},
  [CR_OP_tan]   = {"tan",   1, v_tan,   {"1 + y^2", NULL}, 0, NULL},
  [CR_OP_asin]  = {"asin",  1, v_asin,  {"1/sqrt(1 - a^2)", NULL}, 0, NULL},
  [CR_OP_acos]  = {"acos",  1, v_acos,  {"-1/sqrt(1 - a^2)", NULL}, 0, NULL},
  [CR_OP_atan]  = {"atan",  1, v_atan,  {"1/(1 + a^2)", NULL}, 0, NULL},
  [CR_OP_atan2] = {"atan2", 2, v_atan2, {"b/hypot(a, b)/hypot(a, b)", "-a/hypot(a, b)/hypot(a, b)"}, 0, NULL},
  [CR_OP_exp]   = {"exp",   1, v_exp,   {"y", NULL}, 0, NULL},
  [CR_OP_log]   = {"log",   1, v_log,   {"1/a", NULL}, 0, NULL},
  [CR_OP_log2]  = {"log2",  1, v_log2,  {"1/(0.69314718055994530942*a)", NULL}, 0, NULL},
  [CR_OP_log10] = {"log10", 1, v_log10, {"1/(2.30258509299404568402*a)", NULL}, 0, NULL},
  [CR_OP_sqrt]  = {"sqrt",  1, v_sqrt,  {"0.5/y", NULL}, 0, NULL},
  [CR_OP_cbrt]  = {"cbrt",  1, v_cbrt,  {"1/(3*y^2)", NULL}, 0, NULL},
  [CR_OP_abs]   = {"abs",   1, v_abs,   {"sign(a)", NULL}, 0, NULL},
  [CR_OP_sign]  = {"sign",  1, v_sign,  {"0", NULL}, 0, NULL},
  [CR_OP_step]  = {"step",  1, v_step,  {"0", NULL}, 0, NULL},
  [CR_OP_floor] = {"floor", 1, v_floor, {"0", NULL}, 0, NULL},
  [CR_OP_ceil]  = {"ceil",  1, v_ceil,  {"0", NULL}, 0, NULL},
  [CR_OP_trunc] = {"trunc", 1, v_trunc, {"0", NULL}, 0, NULL},
  [CR_OP_fmod]  = {"fmod",  2, v_fmod,  {"1", "-trunc(a/b)"}, 0, NULL},
  [CR_OP_max]   = {"max",   2, v_max,   {"1 - over(a, b)", "over(a, b)"}, 0, NULL},
  [CR_OP_min]   = {"min",   2, v_min,   {"1 - over(b, a)", "over(b, a)"}, 0, NULL},
  [CR_OP_hypot] = {"hypot", 2, v_hypot, {"a/y", "b/y"}, 0, NULL},
  [CR_OP_sinh]  = {"sinh",  1, v_sinh,  {"cosh(a)", NULL}, 0, NULL},
  [CR_OP_cosh]  = {"cosh",  1, v_cosh,  {"sinh(a)", NULL}, 0, NULL},
  [CR_OP_tanh]  = {"tanh",  1, v_tanh,  {"1 - y^2", NULL}, 0, NULL},
  [CR_OP_asinh] = {"asinh", 1, v_asinh, {"1/hypot(a, 1)", NULL}, 0, NULL},
  [CR_OP_acosh] = {"acosh", 1, v_acosh, {"1/(sqrt(a - 1)*sqrt(a + 1))", NULL}, 0, NULL},
  [CR_OP_atanh] = {"atanh", 1, v_atanh, {"1/(1 - a^2)", NULL}, 0, NULL},
  [CR_OP_log1p] = {"log1p", 1, v_log1p, {"1/(1 + a)", NULL}, 0, NULL},
  [CR_OP_expm1] = {"expm1", 1, v_expm1, {"y + 1", NULL}, 0, NULL},
  [CR_OP_erf]   = {"erf",   1, v_erf,   {"1.12837916709551257390*exp(-a^2)", NULL}, 0, NULL},
  [CR_OP_sigmoid]  = {"sigmoid",  1, v_sigmoid,  {"y*(1 - y)", NULL}, 0, NULL},
  [CR_OP_relu]     = {"relu",     1, v_relu,     {"sign(y)", NULL}, 0, NULL},
  [CR_OP_softplus] = {"softplus", 1, v_softplus, {"sigmoid(a)", NULL}, 0, NULL},
  [CR_OP_xlogy] = {"xlogy", 2, v_xlogy, {"log(b)", "a/b"}, 0, NULL},
  [CR_OP_mulz]  = {"mulz",  2, v_mulz,  {"b", "a"}, 0, NULL},
  [CR_OP_over]  = {"over",  2, v_over,  {"0", "0"}, 0, NULL},
  [CR_OP_same]  = {"same",  2, v_same,  {"0", "0"}, 0, NULL},
  [CR_OP_tie]   = {"tie",   2, v_tie,   {"0", "same(a, b)"}, 0, NULL},
};

static cr_rule rules[CR_NOPS][2];
static int initialized = 0;

int cr_op_find (const char *name) {
  int i;
  for (i = 0; i < CR_NOPS; i++)
    if (strcmp(cr_ops[i].name, name) == 0) return i;
  return -1;
}

/* ---- a tiny recursive-descent compiler from rule text to stack code ---- */

typedef struct Parser {
  const char *s;
  cr_rule *r;
  const char *err;
} Parser;

static void skipspace (Parser *p) {
  while (*p->s == ' ') p->s++;
}

static void emit (Parser *p, cr_rcode code, int op, double k) {
  if (p->r->n >= CR_RULE_MAX) { p->err = "rule too long"; return; }
  p->r->code[p->r->n].code = code;
  p->r->code[p->r->n].op = (cr_opid)op;
  p->r->code[p->r->n].k = k;
  p->r->n++;
}

static void p_expr (Parser *p);
static void p_unary (Parser *p);

static void p_atom (Parser *p) {
  skipspace(p);
  if (*p->s == '(') {
    p->s++;
    p_expr(p);
    skipspace(p);
    if (*p->s != ')') p->err = "')' expected";
    else p->s++;
  }
  else if ((*p->s >= '0' && *p->s <= '9') || *p->s == '.') {
    char *end;
    double k = strtod(p->s, &end);
    p->s = end;
    emit(p, CR_R_CONST, 0, k);
  }
  else {
    char name[16];
    int n = 0, op, nargs = 1;
    while (((*p->s >= 'a' && *p->s <= 'z') || (*p->s >= '0' && *p->s <= '9'))
           && n < 15)
      name[n++] = *p->s++;
    name[n] = '\0';
    skipspace(p);
    if (n == 1 && *p->s != '(') {
      if (name[0] == 'a') emit(p, CR_R_A, 0, 0);
      else if (name[0] == 'b') emit(p, CR_R_B, 0, 0);
      else if (name[0] == 'y') emit(p, CR_R_Y, 0, 0);
      else p->err = "unknown variable";
      return;
    }
    op = cr_op_find(name);
    if (op < 0 || *p->s != '(') { p->err = "unknown function"; return; }
    p->s++;
    p_expr(p);
    skipspace(p);
    if (*p->s == ',') { p->s++; p_expr(p); nargs = 2; skipspace(p); }
    if (*p->s != ')') { p->err = "')' expected"; return; }
    p->s++;
    if (nargs != cr_ops[op].arity) { p->err = "wrong number of arguments"; return; }
    emit(p, CR_R_APPLY, op, 0);
  }
}

/* power binds tighter than unary minus and is right associative, as in Lua */
static void p_power (Parser *p) {
  p_atom(p);
  skipspace(p);
  if (*p->s == '^') {
    p->s++;
    p_unary(p);
    emit(p, CR_R_APPLY, CR_OP_pow, 0);
  }
}

static void p_unary (Parser *p) {
  skipspace(p);
  if (*p->s == '-') {
    cr_rule *r = p->r;
    p->s++;
    p_unary(p);
    if (r->n > 0 && r->code[r->n - 1].code == CR_R_CONST)
      r->code[r->n - 1].k = -r->code[r->n - 1].k;  /* fold a negative number */
    else emit(p, CR_R_APPLY, CR_OP_neg, 0);
  }
  else p_power(p);
}

static void p_term (Parser *p) {
  p_unary(p);
  for (;;) {
    skipspace(p);
    if (*p->s == '*') { p->s++; p_unary(p); emit(p, CR_R_APPLY, CR_OP_mul, 0); }
    else if (*p->s == '/') { p->s++; p_unary(p); emit(p, CR_R_APPLY, CR_OP_div, 0); }
    else break;
  }
}

static void p_expr (Parser *p) {
  p_term(p);
  for (;;) {
    skipspace(p);
    if (*p->s == '+') { p->s++; p_term(p); emit(p, CR_R_APPLY, CR_OP_add, 0); }
    else if (*p->s == '-') { p->s++; p_term(p); emit(p, CR_R_APPLY, CR_OP_sub, 0); }
    else break;
  }
}

/* stack depth the compiled code needs; rejects code that would underflow */
static int maxdepth (const cr_rule *r) {
  int i, d = 0, m = 0;
  for (i = 0; i < r->n; i++) {
    if (r->code[i].code == CR_R_APPLY) d -= cr_ops[r->code[i].op].arity - 1;
    else d++;
    if (d < 1) return -1;
    if (d > m) m = d;
  }
  return (d == 1) ? m : -1;
}

int cr_ops_init (const char **err) {
  int op, i;
  if (initialized) return 0;
  for (op = 0; op < CR_NOPS; op++) {
    for (i = 0; i < cr_ops[op].arity; i++) {
      Parser p;
      p.s = cr_ops[op].rule[i];
      p.r = &rules[op][i];
      p.err = NULL;
      p.r->n = 0;
      if (p.s == NULL) p.err = "missing rule";
      else {
        p_expr(&p);
        skipspace(&p);
        if (p.err == NULL && *p.s != '\0') p.err = "unexpected character";
        if (p.err == NULL && maxdepth(p.r) > CR_RSTACK_MAX) p.err = "rule too deep";
        if (p.err == NULL && maxdepth(p.r) < 0) p.err = "malformed rule";
      }
      if (p.err != NULL) {
        if (err) *err = p.err;
        return -1;
      }
      /* a rule that is the number 0 is stored as no code: the partial vanishes */
      if (p.r->n == 1 && p.r->code[0].code == CR_R_CONST && p.r->code[0].k == 0)
        p.r->n = 0;
    }
  }
  initialized = 1;
  return 0;
}

const cr_rule *cr_op_rule (cr_opid op, int i) {
  return &rules[op][i];
}

double cr_op_partial_interp (cr_opid op, int i, double a, double b, double y) {
  const cr_rule *r = &rules[op][i];
  double st[CR_RSTACK_MAX];
  int sp = 0, pc;
  if (r->n == 0) return 0.0;
  for (pc = 0; pc < r->n; pc++) {
    const cr_rinst *in = &r->code[pc];
    switch (in->code) {
      case CR_R_A: st[sp++] = a; break;
      case CR_R_B: st[sp++] = b; break;
      case CR_R_Y: st[sp++] = y; break;
      case CR_R_CONST: st[sp++] = in->k; break;
      case CR_R_APPLY:
        if (cr_ops[in->op].arity == 2) {
          sp--;
          st[sp - 1] = cr_ops[in->op].f(st[sp - 1], st[sp]);
        }
        else st[sp - 1] = cr_ops[in->op].f(st[sp - 1], 0.0);
        break;
    }
  }
  return st[0];
}

/*
** The hot path: straight-line C that make generates from this table's compiled
** rules (tools/rulegen.c); a build without it (luarocks) runs the stack code.
*/
#ifdef CR_RULES_GEN
#include "cr_rules_gen.c"

int cr_ops_generated (void) { return 1; }

double cr_op_partial (cr_opid op, int i, double a, double b, double y) {
  return gen_partial(op, i, a, b, y);
}

void cr_op_eval (cr_opid op, double a, double b, int want, double *y, double *da, double *db) {
  gen_eval(op, a, b, want, y, da, db);
}
#else
int cr_ops_generated (void) { return 0; }

double cr_op_partial (cr_opid op, int i, double a, double b, double y) {
  return cr_op_partial_interp(op, i, a, b, y);
}

void cr_op_eval (cr_opid op, double a, double b, int want, double *y, double *da, double *db) {
  double r = cr_ops[op].f(a, cr_ops[op].arity == 2 ? b : 0.0);
  *y = r;
  if (want & 1) *da = cr_op_partial_interp(op, 0, a, b, r);
  if (want & 2) *db = cr_op_partial_interp(op, 1, a, b, r);
}
#endif

#define SLOT_MAX 32  /* bytes an algebra element may take in a rule's stack */

int cr_rule_eval (const cr_algebra *alg, cr_opid op, int i,
                  const void *a, const void *b, const void *y, void *out) {
  const cr_rule *r = &rules[op][i];
  unsigned char st[CR_RSTACK_MAX][SLOT_MAX];
  int sp = 0, pc, e = 0;
  if (alg->size > SLOT_MAX) return -1;
  if (r->n == 0) return alg->konst(alg->ud, 0.0, out);
  for (pc = 0; pc < r->n && e == 0; pc++) {
    const cr_rinst *in = &r->code[pc];
    switch (in->code) {
      case CR_R_A: case CR_R_B: case CR_R_Y: {
        const void *src = (in->code == CR_R_A) ? a : (in->code == CR_R_B) ? b : y;
        memcpy(st[sp++], src, alg->size);  /* slots are handles: a copy is a reference */
        break;
      }
      case CR_R_CONST:
        e = alg->konst(alg->ud, in->k, st[sp++]);
        break;
      case CR_R_APPLY: {
        unsigned char res[SLOT_MAX];
        int two = (cr_ops[in->op].arity == 2);
        e = alg->apply(alg->ud, in->op, st[sp - 1 - two], two ? st[sp - 1] : NULL, res);
        sp -= two;
        memcpy(st[sp - 1], res, alg->size);
        break;
      }
    }
  }
  if (e == 0) memcpy(out, st[0], alg->size);
  return e;
}
