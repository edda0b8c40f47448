/* ldual.c: the chainrule.Dual type, its operators and the op functions behind cr.math */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldual.h"

/* registry keys; their addresses are unique */
static const char DUALMT_KEY = 'd';
static const char STATE_KEY = 's';

typedef struct State {
  cr_arena *A;
  cr_tag next;
} State;

/* upvalues of every function here: 1 = Dual metatable, 2 = State */
#define MT_IDX LDUAL_MT

static State *getstate (lua_State *L) {
  State *S;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &STATE_KEY);
  S = (State *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  return S;
}

static cr_arena *getarena (lua_State *L) {
  State *S = getstate(L);
  if (S->A == NULL && (S->A = cr_arena_new()) == NULL)
    luaL_error(L, "not enough memory");
  cr_arena_reset(S->A);
  return S->A;
}

cr_tag ldual_newtagsx (lua_State *L, int n, int stateidx) {
  State *S = (State *)lua_touserdata(L, stateidx);
  cr_tag first = S->next;
  S->next += n;
  return first;
}

cr_tag ldual_newtags (lua_State *L, int n) {
  cr_tag first;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &STATE_KEY);
  first = ldual_newtagsx(L, n, -1);
  lua_pop(L, 1);
  return first;
}

cr_tag ldual_newtag (lua_State *L) {
  return ldual_newtags(L, 1);
}

void ldual_pushupvalues (lua_State *L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &DUALMT_KEY);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &STATE_KEY);
}

int ldual_getx (lua_State *L, int idx, int mtidx, Operand *o) {
  int t = lua_type(L, idx);
  if (t == LUA_TNUMBER) {
    number:
    o->m = 0;
    o->tags = NULL;
    o->scalar[0] = lua_tonumber(L, idx);
    o->scalar[1] = 0.0;
    o->c = o->scalar;
    return 1;
  }
  if (t == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
    int same = lua_rawequal(L, -1, mtidx);
    lua_pop(L, 1);
    if (same && ldual_sized(L, idx)) {
      Dual *d = (Dual *)lua_touserdata(L, idx);
      o->m = d->m;
      o->c = d->c;
      o->tags = dual_tags(d);
      return 1;
    }
  }
  else if (t == LUA_TSTRING && lua_isnumber(L, idx))  /* Lua coerces numeric strings */
    goto number;
  return 0;
}

/* the block at idx has exactly a dual's size for its tag count: a metatable alone can be
   put on any userdata with debug.setmetatable */
int ldual_sized (lua_State *L, int idx) {
  size_t len = lua_rawlen(L, idx);
  const Dual *d = (const Dual *)lua_touserdata(L, idx);
  return len >= sizeof(Dual) && d->m >= 0 && d->m <= CR_MAXTAGS
         && len == sizeof(Dual) + ((size_t)1 << d->m) * sizeof(double)
                   + (size_t)d->m * sizeof(cr_tag);
}

int ldual_get (lua_State *L, int idx, Operand *o) {
  int r;
  idx = lua_absindex(L, idx);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &DUALMT_KEY);
  r = ldual_getx(L, idx, lua_gettop(L), o);
  lua_pop(L, 1);
  return r;
}

Dual *ldual_newx (lua_State *L, int m, const cr_tag *tags, int mtidx) {
  size_t n = (size_t)1 << m;
  Dual *d = (Dual *)lua_newuserdatauv(L, sizeof(Dual) + n * sizeof(double)
                                         + (size_t)m * sizeof(cr_tag), 0);
  d->m = m;
  if (m > 0) memcpy(dual_tags(d), tags, (size_t)m * sizeof(cr_tag));
  lua_pushvalue(L, mtidx);
  lua_setmetatable(L, -2);
  return d;
}

Dual *ldual_new (lua_State *L, int m, const cr_tag *tags) {
  Dual *d;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &DUALMT_KEY);
  d = ldual_newx(L, m, tags, lua_gettop(L));
  lua_remove(L, -2);
  return d;
}

/* the block of a dual over one tag */
#define DUAL1_SIZE (sizeof(Dual) + 2 * sizeof(double) + sizeof(cr_tag))

/*
** The coefficients at idx (a number, or a dual over one tag: *tag set), or NULL.
** Size and tag count come first: a Var's block, as large, fails there without its
** metatable being fetched; one metatable compare then tells a dual from a forgery.
*/
static const double *fastarg (lua_State *L, int idx, int mtidx, double *num, const cr_tag **tag) {
  const Dual *d = (const Dual *)lua_touserdata(L, idx);  /* NULL for all but userdata */
  if (d != NULL) {  /* a light userdata has length 0 */
    if (lua_rawlen(L, idx) == DUAL1_SIZE && d->m == 1 && lua_getmetatable(L, idx)) {
      int same = lua_rawequal(L, -1, mtidx);
      lua_pop(L, 1);
      if (same) {
        *tag = dual_tags(d);
        return d->c;
      }
    }
    return NULL;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) {
    num[0] = lua_tonumber(L, idx);
    num[1] = 0.0;
    return num;
  }
  return NULL;
}

const Dual *ldual_todual1 (lua_State *L, int idx, int mtidx) {
  double num[2];
  const cr_tag *tag = NULL;
  if (lua_type(L, idx) != LUA_TUSERDATA || fastarg(L, idx, mtidx, num, &tag) == NULL || tag == NULL)
    return NULL;
  return (const Dual *)lua_touserdata(L, idx);
}

int ldual_fast (lua_State *L, cr_opid op, int two, int mtidx) {
  double na[2], nb[2];
  const cr_tag *ta = NULL, *tb = NULL;
  const double *ca, *cb = NULL;
  Dual *r;
  if ((ca = fastarg(L, 1, mtidx, na, &ta)) == NULL) return 0;
  if (two) {
    if ((cb = fastarg(L, 2, mtidx, nb, &tb)) == NULL) return 0;
    if (ta == NULL) ta = tb;
    else if (tb != NULL && *tb != *ta) return 0;  /* two tags: the multilinear path */
  }
  if (ta == NULL) return 0;  /* numbers alone: the caller's own path */
  /* the operands' blocks stay put: userdata never move, and they are on the stack */
  r = (Dual *)lua_newuserdatauv(L, DUAL1_SIZE, 0);
  r->m = 1;
  *dual_tags(r) = *ta;
  lua_pushvalue(L, mtidx);
  lua_setmetatable(L, -2);
  cr_dual1_apply(op, ca, cb, r->c);
  return 1;
}

static int sametags (const Operand *a, const Operand *b) {
  return a->m == b->m && memcmp(a->tags, b->tags, (size_t)a->m * sizeof(cr_tag)) == 0;
}

void ldual_compute (lua_State *L, cr_opid op, const Operand *a, const Operand *b) {
  int top;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &DUALMT_KEY);
  top = lua_gettop(L);
  ldual_computex(L, op, a, b, top);
  lua_remove(L, top);
}

void ldual_computex (lua_State *L, cr_opid op, const Operand *a, const Operand *b, int mtidx) {
  int m = (b && b->m > a->m) ? b->m : a->m;
  if (m == 0) {
    lua_pushnumber(L, cr_op_value(op, a->c[0], b ? b->c[0] : 0.0));
    return;
  }
  if (m == 1 && (a->m == 0 || !b || b->m == 0 || sametags(a, b))) {
    /* one tag on each side: the common first-order case, no scratch memory */
    const Operand *t = (a->m == 1) ? a : b;
    Dual *r = ldual_newx(L, 1, t->tags, mtidx);
    cr_dual_apply(NULL, op, 1, a->c, b ? b->c : NULL, r->c);
  }
  else {
    cr_tag tu[CR_MAXTAGS];
    const double *ea = a->c, *eb = b ? b->c : NULL;
    cr_arena *A;
    Dual *r;
    int e;
    m = b ? cr_tags_union(a->tags, a->m, b->tags, b->m, tu) : a->m;
    if (m < 0)
      luaL_error(L, "too many nested derivatives (at most %d tags in one value)", CR_MAXTAGS);
    if (!b) memcpy(tu, a->tags, (size_t)m * sizeof(cr_tag));
    /* the result first: allocating may run finalizers that use the arena themselves */
    r = ldual_newx(L, m, tu, mtidx);
    A = getarena(L);
    if (b) {  /* bring both operands over the union of their tags */
      if (a->m != m) {
        double *t = cr_arena_alloc(A, (size_t)1 << m);
        if (t == NULL) luaL_error(L, "not enough memory");
        cr_dual_embed(a->tags, a->m, a->c, tu, m, t);
        ea = t;
      }
      if (b->m != m) {
        double *t = cr_arena_alloc(A, (size_t)1 << m);
        if (t == NULL) luaL_error(L, "not enough memory");
        cr_dual_embed(b->tags, b->m, b->c, tu, m, t);
        eb = t;
      }
    }
    e = cr_dual_apply(A, op, m, ea, eb, r->c);
    if (e != 0) luaL_error(L, "not enough memory");
  }
}

void ldual_pushcoef (lua_State *L, int idx, cr_tag first, int n, int k,
                     cr_tag *found, int *nfound) {
  Operand r;
  cr_tag rest[CR_MAXTAGS];
  unsigned mask = 0, set = 0;
  int i, nrest = 0, present = 0;
  Dual *d;
  ldual_get(L, idx, &r);
  if (nfound) *nfound = 0;
  for (i = 0; i < r.m; i++) {
    if (r.tags[i] >= first && r.tags[i] < first + n) {
      mask |= 1u << i;
      if (found) found[(*nfound)++] = r.tags[i];
      if (r.tags[i] < first + k) { set |= 1u << i; present++; }
    }
    else rest[nrest++] = r.tags[i];
  }
  /* a seed the value never met makes the coefficient zero */
  if (nrest == 0) {
    double v = 0.0;
    if (present == k) cr_dual_select(r.m, r.c, mask, set, &v);
    lua_pushnumber(L, v);
    return;
  }
  d = ldual_new(L, nrest, rest);  /* r.c stays valid: userdata never move */
  if (present == k) cr_dual_select(r.m, r.c, mask, set, d->c);
  else memset(d->c, 0, ((size_t)1 << nrest) * sizeof(double));
}

/* luaL_typeerror, except that a block that has tname's metatable but is not one says so */
int ldual_typeerror (lua_State *L, int arg, const char *tname) {
  lua_Debug ar;
  const char *got = ldual_typename(L, arg);
  if (strcmp(got, tname) == 0) got = lua_pushfstring(L, "forged %s", tname);
  /* an operator or index has no argument list to point into ("bad argument #1 to 'index'") */
  if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.namewhat
      && strcmp(ar.namewhat, "metamethod") == 0)
    return luaL_error(L, "%s expected, got %s", tname, got);
  return luaL_argerror(L, arg, lua_pushfstring(L, "%s expected, got %s", tname, got));
}

/* a value's type for messages, by its metatable's __name as luaL_typeerror does */
const char *ldual_typename (lua_State *L, int idx) {
  const char *n = luaL_typename(L, idx);  /* "no value" for a missing argument */
  if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) {
    n = lua_tostring(L, -1);
    lua_pop(L, 1);  /* the string stays alive in the metatable */
  }
  return n;
}

/* another chainrule type (Var, Expr) handles mixes with it through __crapply */
static int defer (lua_State *L, cr_opid op, int n) {
  int i;
  for (i = 1; i <= n; i++) {
    if (luaL_getmetafield(L, i, "__crapply") != LUA_TNIL) {
      lua_pushinteger(L, op);
      lua_pushvalue(L, 1);
      if (n == 2) lua_pushvalue(L, 2);
      lua_call(L, n + 1, 1);
      return 1;
    }
  }
  return 0;
}

static int arith (lua_State *L, cr_opid op, int unary) {
  Operand a, b;
  int oka, okb;
  if (ldual_fast(L, op, !unary, MT_IDX)) return 1;
  oka = ldual_getx(L, 1, MT_IDX, &a);
  okb = unary || ldual_getx(L, 2, MT_IDX, &b);
  if (oka && okb) {
    ldual_computex(L, op, &a, unary ? NULL : &b, MT_IDX);
    return 1;
  }
  if (defer(L, op, unary ? 1 : 2)) return 1;
  return luaL_error(L, "attempt to perform arithmetic on a %s value",
                    ldual_typename(L, oka ? 2 : 1));
}

#define ARITH(name, unary) \
  static int dual_##name (lua_State *L) { return arith(L, CR_OP_##name, unary); }
ARITH(add, 0) ARITH(sub, 0) ARITH(mul, 0) ARITH(div, 0)
ARITH(pow, 0) ARITH(mod, 0) ARITH(idiv, 0) ARITH(neg, 1)
#undef ARITH

/* real part of a number or dual, for comparisons */
static int realpart (lua_State *L, int idx, double *v) {
  Operand o;
  if (lua_type(L, idx) == LUA_TSTRING) return 0;  /* Lua never orders numbers and strings */
  if (!ldual_getx(L, idx, MT_IDX, &o)) return 0;
  *v = o.c[0];
  return 1;
}

static int compare (lua_State *L, const char *event) {
  double a, b;
  if (realpart(L, 1, &a) && realpart(L, 2, &b)) {
    if (event[3] == 'q') lua_pushboolean(L, a == b);
    else if (event[3] == 't') lua_pushboolean(L, a < b);
    else lua_pushboolean(L, a <= b);
    return 1;
  }
  {  /* let another chainrule type decide, else raise Lua's own error */
    int i;
    for (i = 1; i <= 2; i++) {
      if (luaL_getmetafield(L, i, "__crapply") != LUA_TNIL) {
        lua_pop(L, 1);
        if (luaL_getmetafield(L, i, event) != LUA_TNIL) {
          lua_pushvalue(L, 1);
          lua_pushvalue(L, 2);
          lua_call(L, 2, 1);
          return 1;
        }
      }
    }
  }
  if (event[3] == 'q') { lua_pushboolean(L, 0); return 1; }
  return luaL_error(L, "attempt to compare %s with %s", ldual_typename(L, 1), ldual_typename(L, 2));
}

static int dual_eq (lua_State *L) { return compare(L, "__eq"); }
static int dual_lt (lua_State *L) { return compare(L, "__lt"); }
static int dual_le (lua_State *L) { return compare(L, "__le"); }

static void pushcoefs (lua_State *L, const Dual *d, unsigned mask, unsigned set) {
  if (d->m == 1) lua_pushnumber(L, d->c[set ? 1 : 0]);
  else {
    Dual *r = ldual_new(L, d->m - 1, dual_tags(d));
    cr_dual_select(d->m, d->c, mask, set, r->c);
  }
}

/* value and deriv are taken along the newest tag, the innermost derivative */
static void pushpart (lua_State *L, int idx, int deriv) {
  Operand o;
  if (!ldual_getx(L, idx, MT_IDX, &o) || lua_type(L, idx) == LUA_TSTRING) {
    luaL_typeerror(L, idx, "number or dual");
  }
  if (o.m == 0) lua_pushnumber(L, deriv ? 0.0 : o.c[0]);
  else {
    const Dual *d = (const Dual *)lua_touserdata(L, idx);
    unsigned mask = 1u << (d->m - 1);
    pushcoefs(L, d, mask, deriv ? mask : 0);
  }
}

static int dual_index (lua_State *L) {
  const char *k = lua_tostring(L, 2);
  if (k && strcmp(k, "value") == 0) pushpart(L, 1, 0);
  else if (k && strcmp(k, "deriv") == 0) pushpart(L, 1, 1);
  else lua_pushnil(L);
  return 1;
}

static void addnum (luaL_Buffer *B, double x) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.14g", x);
  luaL_addstring(B, buf);
}

static void addsub (luaL_Buffer *B, int i) {
  static const char *const digits[] = {"₀","₁","₂","₃","₄","₅","₆","₇","₈","₉"};
  if (i >= 10) addsub(B, i / 10);
  luaL_addstring(B, digits[i % 10]);
}

static int dual_tostring (lua_State *L) {
  const Dual *d;
  Operand o;
  if (lua_type(L, 1) != LUA_TUSERDATA || !ldual_getx(L, 1, MT_IDX, &o))
    return ldual_typeerror(L, 1, CR_DUAL_TNAME);  /* only a direct call gets here */
  d = (const Dual *)lua_touserdata(L, 1);
  size_t j, n = (size_t)1 << d->m;
  luaL_Buffer B;
  luaL_buffinit(L, &B);
  addnum(&B, d->c[0]);
  for (j = 1; j < n; j++) {
    double c = d->c[j];
    int i;
    if (c == 0 && d->m > 1) continue;  /* nested duals list only the terms present */
    luaL_addstring(&B, (c < 0 || (c == 0 && signbit(c))) ? " - " : " + ");
    addnum(&B, fabs(c));
    for (i = 0; i < d->m; i++) {
      if (j & ((size_t)1 << i)) {
        luaL_addstring(&B, "ε");
        if (d->m > 1) addsub(&B, i + 1);
      }
    }
  }
  luaL_pushresult(&B);
  return 1;
}

/* ---- functions of chainrule.core ---- */

/* the function's own name in the message, whatever name the caller used */
static double checknum (lua_State *L, int arg, const char *fname) {
  if (lua_type(L, arg) != LUA_TNUMBER)
    luaL_error(L, "bad argument #%d to '%s' (number expected, got %s)", arg, fname,
               ldual_typename(L, arg));
  return lua_tonumber(L, arg);
}

static int l_dual (lua_State *L) {
  double v = checknum(L, 1, "dual");
  double dv = lua_isnoneornil(L, 2) ? 1.0 : checknum(L, 2, "dual");
  cr_tag t;
  Dual *d;
  if (lua_gettop(L) > 2)
    return luaL_error(L, "bad argument #3 to 'dual' (no more than 2 arguments expected)");
  t = ldual_newtagsx(L, 1, LDUAL_STATE);
  d = ldual_new(L, 1, &t);
  d->c[0] = v;
  d->c[1] = dv;
  return 1;
}

static int l_value (lua_State *L) { pushpart(L, 1, 0); return 1; }
static int l_deriv (lua_State *L) { pushpart(L, 1, 1); return 1; }

static int l_isdual (lua_State *L) {
  int r = 0;
  if (lua_type(L, 1) == LUA_TUSERDATA && lua_getmetatable(L, 1)) {
    r = lua_rawequal(L, -1, MT_IDX) && ldual_sized(L, 1);
    lua_pop(L, 1);
  }
  lua_pushboolean(L, r);
  return 1;
}

/*
** core.apply(opid, a [, b]) and the per-op functions behind cr.math: numbers give
** exactly the C library's value, duals the op applied by the table.
*/
static int applyop (lua_State *L, cr_opid op, const char *fname, int mtidx) {
  Operand a, b;
  int two = (cr_ops[op].arity == 2);
  int oka, okb, top = lua_gettop(L), bad;
  lua_settop(L, 1 + two);  /* extra arguments are ignored, as math's functions ignore them */
  oka = ldual_getx(L, 1, mtidx, &a);
  okb = !two || ldual_getx(L, 2, mtidx, &b);
  if (oka && okb) {
    ldual_computex(L, op, &a, two ? &b : NULL, mtidx);
    return 1;
  }
  if (defer(L, op, two ? 2 : 1)) return 1;
  bad = oka ? 2 : 1;
  return luaL_error(L, "bad argument #%d to '%s' (number expected, got %s)", bad, fname,
                    bad > top ? "no value" : ldual_typename(L, bad));
}

/* math.floor, math.ceil and math.abs keep integers integers; so do we on numbers */
static int intresult (lua_State *L, cr_opid op) {
  if (lua_isinteger(L, 1)) {
    lua_Integer n = lua_tointeger(L, 1);
    if (op == CR_OP_abs && n < 0) n = (lua_Integer)(0u - (lua_Unsigned)n);
    lua_pushinteger(L, n);
  }
  else {
    double f = cr_op_value(op, lua_tonumber(L, 1), 0.0);
    lua_Integer n;
    if (op != CR_OP_abs && lua_numbertointeger(f, &n)) lua_pushinteger(L, n);
    else lua_pushnumber(L, f);
  }
  return 1;
}

int ldual_opcall (lua_State *L, cr_opid op, int mtidx) {
  if (lua_gettop(L) >= cr_ops[op].arity && lua_type(L, 1) == LUA_TNUMBER
      && (cr_ops[op].arity == 1 || lua_type(L, 2) == LUA_TNUMBER)) {
    if (op == CR_OP_floor || op == CR_OP_ceil || op == CR_OP_abs) return intresult(L, op);
    lua_pushnumber(L, cr_op_value(op, lua_tonumber(L, 1),
                                  cr_ops[op].arity == 2 ? lua_tonumber(L, 2) : 0.0));
    return 1;
  }
  if (ldual_fast(L, op, cr_ops[op].arity == 2, mtidx)) return 1;
  return applyop(L, op, cr_ops[op].name, mtidx);
}

static int l_op (lua_State *L) {
  return ldual_opcall(L, (cr_opid)lua_tointeger(L, lua_upvalueindex(3)), MT_IDX);
}

static int l_apply (lua_State *L) {
  lua_Integer op = luaL_checkinteger(L, 1);
  luaL_argcheck(L, op >= 0 && op < CR_NOPS, 1, "unknown operation");
  lua_remove(L, 1);
  return applyop(L, (cr_opid)op, cr_ops[op].name, MT_IDX);
}

/* cr.math's message; a missing argument counts as nil, as the Lua functions there say */
static int mathargerror (lua_State *L, int arg, const char *fname) {
  return luaL_error(L, "bad argument #%d to '%s' (number expected, got %s)", arg, fname,
                    lua_isnone(L, arg) ? "nil" : ldual_typename(L, arg));
}

/* what cr.math takes: a number, a dual, or another chainrule value (it has __crapply) */
static int mathnum (lua_State *L, int idx, int mtidx) {
  Operand o;
  int t = lua_type(L, idx);
  if (t == LUA_TNUMBER) return 1;
  if (t == LUA_TSTRING) return 0;
  if (ldual_getx(L, idx, mtidx, &o)) return 1;
  if (luaL_getmetafield(L, idx, "__crapply") != LUA_TNIL) { lua_pop(L, 1); return 1; }
  return 0;
}

/* calls core.ops[name] (upvalue 3; a Var's own op once ltape is open) on the value at idx */
static void callop (lua_State *L, const char *name, int idx) {
  lua_getfield(L, lua_upvalueindex(3), name);
  lua_pushvalue(L, idx);
  lua_call(L, 1, 1);
}

/*
** cr.math.log(x [, base]): math.log on numbers, bit for bit; log(x, 2) and
** log(x, 10) use log2 and log10 as math.log does, other bases log(x)/log(base).
*/
static int l_mathlog (lua_State *L) {
  int tb = lua_type(L, 2), i;
  if (lua_type(L, 1) == LUA_TNUMBER && (tb == LUA_TNIL || tb == LUA_TNONE || tb == LUA_TNUMBER)) {
    double x = lua_tonumber(L, 1), r;
    if (tb != LUA_TNUMBER) r = log(x);
    else {
      double base = lua_tonumber(L, 2);
      if (base == 2.0) r = log2(x);
      else if (base == 10.0) r = log10(x);
      else r = log(x) / log(base);
    }
    lua_pushnumber(L, r);
    return 1;
  }
  for (i = 1; i <= 2; i++)  /* a numeric string beside a chainrule value counts as its number, as in math */
    if (lua_type(L, i) == LUA_TSTRING && lua_isnumber(L, i)) {
      lua_pushnumber(L, lua_tonumber(L, i));
      lua_replace(L, i);
    }
  tb = lua_type(L, 2);
  if (tb == LUA_TNIL || tb == LUA_TNONE) {
    if (ldual_fast(L, CR_OP_log, 0, MT_IDX)) return 1;  /* first-order duals first */
    if (!mathnum(L, 1, MT_IDX)) return mathargerror(L, 1, "log");
    lua_settop(L, 1);
    callop(L, "log", 1);
    return 1;
  }
  if (!mathnum(L, 1, MT_IDX)) return mathargerror(L, 1, "log");
  if (!mathnum(L, 2, MT_IDX)) return mathargerror(L, 2, "log");
  lua_settop(L, 2);
  if (tb == LUA_TNUMBER && lua_tonumber(L, 2) == 2.0) callop(L, "log2", 1);
  else if (tb == LUA_TNUMBER && lua_tonumber(L, 2) == 10.0) callop(L, "log10", 1);
  else {
    callop(L, "log", 1);
    callop(L, "log", 2);
    lua_arith(L, LUA_OPDIV);
  }
  return 1;
}

static int state_gc (lua_State *L) {
  State *S = (State *)lua_touserdata(L, 1);
  cr_arena_free(S->A);
  S->A = NULL;
  return 0;
}

static const luaL_Reg metameth[] = {
  {"__add", dual_add},
  {"__sub", dual_sub},
  {"__mul", dual_mul},
  {"__div", dual_div},
  {"__mod", dual_mod},
  {"__pow", dual_pow},
  {"__idiv", dual_idiv},
  {"__unm", dual_neg},
  {"__eq", dual_eq},
  {"__lt", dual_lt},
  {"__le", dual_le},
  {"__index", dual_index},
  {"__tostring", dual_tostring},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"dual", l_dual},
  {"value", l_value},
  {"deriv", l_deriv},
  {"isdual", l_isdual},
  {"apply", l_apply},
  {NULL, NULL}
};

int ldual_open (lua_State *L) {
  const char *err;
  int i;
  if (cr_ops_init(&err) != 0) return luaL_error(L, "chainrule: bad rule table: %s", err);
  /* the state: scratch arena and tag counter, freed with the Lua state */
  {
    State *S = (State *)lua_newuserdatauv(L, sizeof(State), 0);
    S->A = NULL;
    S->next = 1;
    lua_newtable(L);
    lua_pushcfunction(L, state_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &STATE_KEY);
  }
  luaL_newmetatable(L, CR_DUAL_TNAME);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &DUALMT_KEY);
  ldual_pushupvalues(L);
  luaL_setfuncs(L, metameth, 2);
  lua_pop(L, 1);
  /* module functions go into the table on top of the stack */
  ldual_pushupvalues(L);
  luaL_setfuncs(L, funcs, 2);
  lua_newtable(L);  /* core.ops: name -> function, core.opid: name -> id */
  lua_newtable(L);
  for (i = 0; i < CR_NOPS; i++) {
    ldual_pushupvalues(L);
    lua_pushinteger(L, i);
    lua_pushcclosure(L, l_op, 3);
    lua_setfield(L, -3, cr_ops[i].name);
    lua_pushinteger(L, i);
    lua_setfield(L, -2, cr_ops[i].name);
  }
  lua_setfield(L, -3, "opid");
  ldual_pushupvalues(L);  /* cr.math.log in C: upvalue 3 is core.ops */
  lua_pushvalue(L, -3);
  lua_pushcclosure(L, l_mathlog, 3);
  lua_setfield(L, -3, "mathlog");
  lua_setfield(L, -2, "ops");
  return 0;
}
