/* ltaylor.c: the chainrule.Taylor type: one variable's truncated series, for high orders */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldual.h"
#include "ltaylor.h"
#include "cr_taylor.h"

/* registry keys; their addresses are unique */
static const char TAYLORMT_KEY = 't';
static const char SCRATCH_KEY = 'x';

typedef struct Taylor {
  int n;          /* order: coefficients c[0..n] */
  cr_tag first;   /* the seed tags first .. first+n-1 its dual expansion lives on */
  double c[];     /* c[k] = f^(k) / k! */
} Taylor;

typedef struct Scratch { cr_tscratch *S; } Scratch;

/* upvalues of the functions registered here */
#define DUAL_MT LDUAL_MT
#define TAYLOR_MT lua_upvalueindex(3)
#define SCRATCH lua_upvalueindex(4)

static void pushupvalues (lua_State *L) {
  ldual_pushupvalues(L);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &TAYLORMT_KEY);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &SCRATCH_KEY);
}

static Taylor *totaylor (lua_State *L, int idx, int mtidx) {
  Taylor *t = NULL;
  if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
    /* the size check refuses foreign userdata given this metatable by the debug library */
    if (lua_rawequal(L, -1, mtidx) && lua_rawlen(L, idx) >= sizeof(Taylor)) {
      t = (Taylor *)lua_touserdata(L, idx);
      if (t->n < 1 || t->n > CR_TAYLOR_MAXORDER
          || lua_rawlen(L, idx) != sizeof(Taylor) + ((size_t)t->n + 1) * sizeof(double))
        t = NULL;
    }
    lua_pop(L, 1);
  }
  return t;
}

/* has the Taylor metatable without being a Taylor value (debug.setmetatable on foreign data) */
static int forged (lua_State *L, int idx) {
  int r = 0;
  if (lua_getmetatable(L, idx)) {
    r = lua_rawequal(L, -1, TAYLOR_MT) && totaylor(L, idx, TAYLOR_MT) == NULL;
    lua_pop(L, 1);
  }
  return r;
}

static Taylor *newtaylor (lua_State *L, int n, cr_tag first, int mtidx) {
  Taylor *t = (Taylor *)lua_newuserdatauv(L, sizeof(Taylor) + ((size_t)n + 1) * sizeof(double), 0);
  t->n = n;
  t->first = first;
  lua_pushvalue(L, mtidx);  /* an absolute or upvalue index */
  lua_setmetatable(L, -2);
  return t;
}

static cr_tscratch *getscratch (lua_State *L, int idx) {
  Scratch *s = (Scratch *)lua_touserdata(L, idx);
  if (s->S == NULL && (s->S = cr_tscratch_new()) == NULL) luaL_error(L, "not enough memory");
  return s->S;
}

/* a number operand: Lua's arithmetic coerces numeric strings, as the duals do */
static int tonum (lua_State *L, int idx, double *v) {
  int t = lua_type(L, idx);
  if (t == LUA_TNUMBER || (t == LUA_TSTRING && lua_isnumber(L, idx))) {
    *v = lua_tonumber(L, idx);
    return 1;
  }
  return 0;
}

static double fact (int k) { double f = 1; while (k > 1) f *= k--; return f; }

/* the dual a Taylor value stands for: coefficient |S|! c_|S| at every subset S of its seeds */
static void pushexpansion (lua_State *L, const Taylor *t) {
  cr_tag tags[CR_MAXTAGS];
  size_t S;
  Dual *d;
  int i;
  if (t->n > CR_MAXTAGS)
    luaL_error(L, "an order-%d derivative's value mixed with a dual, a Var or another derivative's: "
               "too many nested derivatives (at most %d tags in one value)", t->n, CR_MAXTAGS);
  for (i = 0; i < t->n; i++) tags[i] = t->first + i;
  d = ldual_new(L, t->n, tags);
  for (S = 0; S < ((size_t)1 << t->n); S++) {
    int bits = 0;
    size_t b;
    for (b = S; b; b &= b - 1) bits++;
    d->c[S] = fact(bits) * t->c[bits];
  }
}

int ltaylor_expand (lua_State *L, int idx) {
  Taylor *t;
  idx = lua_absindex(L, idx);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &TAYLORMT_KEY);
  t = totaylor(L, idx, lua_gettop(L));
  lua_pop(L, 1);
  if (t == NULL) return 0;
  pushexpansion(L, t);
  lua_replace(L, idx);
  return 1;
}

/*
** op on the values at 1 (and 2): Taylors of one variable and numbers stay a
** Taylor; any other mix runs on the duals the Taylors stand for.
*/
static int tapply (lua_State *L, cr_opid op) {
  int two = (cr_ops[op].arity == 2), i, n = 0;
  Taylor *t[2] = {NULL, NULL}, *r;
  double v[2] = {0, 0};
  const double *in[2] = {NULL, NULL};
  cr_tag first = 0;
  int fast = 1;
  lua_settop(L, two ? 2 : 1);
  for (i = 0; i <= two; i++) {
    if ((t[i] = totaylor(L, i + 1, TAYLOR_MT)) != NULL) {
      if (n == 0) { n = t[i]->n; first = t[i]->first; }
      else if (t[i]->n != n || t[i]->first != first) fast = 0;
    }
    else if (!tonum(L, i + 1, &v[i])) fast = 0;
  }
  if (!fast) {
    for (i = 1; i <= two + 1; i++) {
      Operand o;
      if (forged(L, i) || (totaylor(L, i, TAYLOR_MT) == NULL && !ldual_getx(L, i, DUAL_MT, &o)
          && luaL_getmetafield(L, i, "__crapply") == LUA_TNIL))
        return luaL_error(L, "attempt to perform arithmetic on a %s value", ldual_typename(L, i));
      if (lua_gettop(L) > two + 1) lua_pop(L, 1);  /* the __crapply found */
    }
    for (i = 1; i <= two + 1; i++) ltaylor_expand(L, i);
    return ldual_opcall(L, op, DUAL_MT);
  }
  r = newtaylor(L, n, first, TAYLOR_MT);
  {
    double k[2][CR_TAYLOR_MAXORDER + 1];
    for (i = 0; i <= two; i++) {
      if (t[i]) in[i] = t[i]->c;
      else {  /* a number is a constant series */
        memset(k[i], 0, ((size_t)n + 1) * sizeof(double));
        k[i][0] = v[i];
        in[i] = k[i];
      }
    }
    if (cr_taylor_apply(getscratch(L, SCRATCH), op, n, in[0], two ? in[1] : NULL, r->c) != 0)
      luaL_error(L, "not enough memory");
  }
  return 1;
}

#define ARITH(name) \
  static int taylor_##name (lua_State *L) { return tapply(L, CR_OP_##name); }
ARITH(add) ARITH(sub) ARITH(mul) ARITH(div) ARITH(pow) ARITH(mod) ARITH(idiv) ARITH(neg)
#undef ARITH

/* __crapply(opid, a [, b]): cr.math functions and dual operators meeting a Taylor */
static int taylor_crapply (lua_State *L) {
  lua_Integer op = luaL_checkinteger(L, 1);
  luaL_argcheck(L, op >= 0 && op < CR_NOPS, 1, "unknown operation");
  lua_remove(L, 1);
  return tapply(L, (cr_opid)op);
}

static int realpart (lua_State *L, int idx, double *v) {
  Taylor *t = totaylor(L, idx, TAYLOR_MT);
  Operand o;
  if (t) { *v = t->c[0]; return 1; }
  if (lua_type(L, idx) == LUA_TSTRING) return 0;  /* Lua never orders numbers and strings */
  if (!ldual_getx(L, idx, DUAL_MT, &o)) return 0;
  *v = o.c[0];
  return 1;
}

static int compare (lua_State *L, const char *event) {
  double a, b;
  int i;
  lua_settop(L, 2);
  if (realpart(L, 1, &a) && realpart(L, 2, &b)) {
    if (event[3] == 'q') lua_pushboolean(L, a == b);
    else if (event[3] == 't') lua_pushboolean(L, a < b);
    else lua_pushboolean(L, a <= b);
    return 1;
  }
  for (i = 1; i <= 2; i++) {  /* another chainrule type (a Var) decides, on the duals */
    if (totaylor(L, i, TAYLOR_MT) == NULL && !forged(L, i)
        && luaL_getmetafield(L, i, "__crapply") != LUA_TNIL) {
      lua_pop(L, 1);
      if (luaL_getmetafield(L, i, event) != LUA_TNIL) {
        ltaylor_expand(L, 1);
        ltaylor_expand(L, 2);
        lua_pushvalue(L, 1);
        lua_pushvalue(L, 2);
        lua_call(L, 2, 1);
        return 1;
      }
    }
  }
  if (event[3] == 'q') { lua_pushboolean(L, 0); return 1; }
  return luaL_error(L, "attempt to compare %s with %s", ldual_typename(L, 1), ldual_typename(L, 2));
}

static int taylor_eq (lua_State *L) { return compare(L, "__eq"); }
static int taylor_lt (lua_State *L) { return compare(L, "__lt"); }
static int taylor_le (lua_State *L) { return compare(L, "__le"); }

/*
** value and deriv along the newest seed, as for duals: the series of f and of f'
** one order lower (a number at order 1).
*/
static int taylor_index (lua_State *L) {
  Taylor *t = totaylor(L, 1, TAYLOR_MT);
  const char *k = lua_tostring(L, 2);
  int deriv, j;
  if (t == NULL || k == NULL) { lua_pushnil(L); return 1; }
  if (strcmp(k, "value") == 0) deriv = 0;
  else if (strcmp(k, "deriv") == 0) deriv = 1;
  else { lua_pushnil(L); return 1; }
  if (t->n == 1) lua_pushnumber(L, deriv ? t->c[1] : t->c[0]);
  else {
    Taylor *r = newtaylor(L, t->n - 1, t->first, TAYLOR_MT);
    for (j = 0; j < t->n; j++) r->c[j] = deriv ? (j + 1) * t->c[j + 1] : t->c[j];
  }
  return 1;
}

static const char *const sup[] = {"⁰","¹","²","³","⁴","⁵","⁶","⁷","⁸","⁹"};

static void addsup (luaL_Buffer *B, int i) {
  if (i >= 10) addsup(B, i / 10);
  luaL_addstring(B, sup[i % 10]);
}

/* c0 + c1 t + c2 t² + ... + O(tⁿ⁺¹), t the perturbation of the point */
static int taylor_tostring (lua_State *L) {
  Taylor *t = totaylor(L, 1, TAYLOR_MT);
  luaL_Buffer B;
  char buf[64];
  int k;
  if (t == NULL) return ldual_typeerror(L, 1, CR_TAYLOR_TNAME);  /* only a direct call gets here */
  luaL_buffinit(L, &B);
  snprintf(buf, sizeof buf, "%.14g", t->c[0]);
  luaL_addstring(&B, buf);
  for (k = 1; k <= t->n; k++) {
    double c = t->c[k];
    if (c == 0) continue;
    luaL_addstring(&B, (c < 0) ? " - " : " + ");
    snprintf(buf, sizeof buf, "%.14g", fabs(c));
    luaL_addstring(&B, buf);
    luaL_addstring(&B, "t");
    if (k > 1) addsup(&B, k);
  }
  luaL_addstring(&B, " + O(t");
  addsup(&B, t->n + 1);
  luaL_addstring(&B, ")");
  luaL_pushresult(&B);
  return 1;
}

cr_tag ltaylor_call (lua_State *L, const char *fname, int n) {
  cr_tag first = ldual_newtags(L, n);
  Taylor *t;
  int mt;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &TAYLORMT_KEY);
  mt = lua_gettop(L);
  lua_pushvalue(L, 1);
  t = newtaylor(L, n, first, mt);
  memset(t->c, 0, ((size_t)n + 1) * sizeof(double));
  t->c[0] = lua_tonumber(L, 2);
  t->c[1] = 1.0;
  lua_remove(L, mt);
  lua_call(L, 1, 1);
  {
    Operand o;
    int top = lua_gettop(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &TAYLORMT_KEY);
    t = totaylor(L, top, top + 1);
    lua_pop(L, 1);
    if (t != NULL) return first;
    if (lua_type(L, top) != LUA_TSTRING && ldual_get(L, top, &o)) return first;
    if (luaL_getmetafield(L, top, "__crcoef") != LUA_TNIL) { lua_pop(L, 1); return first; }
    if (lua_type(L, top) == LUA_TNIL)
      luaL_error(L, "%s: function returned nil, expected a number or dual", fname);
    luaL_error(L, "%s: function returned a %s, expected a number or dual",
               fname, ldual_typename(L, top));
  }
  return first;
}

void ltaylor_pushcoef (lua_State *L, int res, cr_tag first, int n, int k) {
  Taylor *t;
  Operand o;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &TAYLORMT_KEY);
  t = totaylor(L, res, lua_gettop(L));
  lua_pop(L, 1);
  if (t != NULL) {
    if (t->first == first) lua_pushnumber(L, (k <= t->n) ? fact(k) * t->c[k] : 0.0);
    else if (k == 0) lua_pushvalue(L, res);  /* another derivative's value: a constant here */
    else lua_pushnumber(L, 0.0);
  }
  else if (lua_type(L, res) != LUA_TSTRING && ldual_get(L, res, &o))
    ldual_pushcoef(L, res, first, n, k, NULL, NULL);  /* mixed with duals: the old path's part */
  else {  /* a Var: it takes its own part */
    luaL_getmetafield(L, res, "__crcoef");
    lua_pushvalue(L, res);
    lua_pushinteger(L, (lua_Integer)first);
    lua_pushinteger(L, n);
    lua_pushinteger(L, k);
    lua_call(L, 4, 1);
  }
}

static int l_istaylor (lua_State *L) {
  lua_pushboolean(L, totaylor(L, 1, TAYLOR_MT) != NULL);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"istaylor", l_istaylor},
  {NULL, NULL}
};

static int scratch_gc (lua_State *L) {
  Scratch *s = (Scratch *)lua_touserdata(L, 1);
  cr_tscratch_free(s->S);
  s->S = NULL;
  return 0;
}

static const luaL_Reg metameth[] = {
  {"__add", taylor_add},
  {"__sub", taylor_sub},
  {"__mul", taylor_mul},
  {"__div", taylor_div},
  {"__mod", taylor_mod},
  {"__pow", taylor_pow},
  {"__idiv", taylor_idiv},
  {"__unm", taylor_neg},
  {"__eq", taylor_eq},
  {"__lt", taylor_lt},
  {"__le", taylor_le},
  {"__index", taylor_index},
  {"__tostring", taylor_tostring},
  {"__crapply", taylor_crapply},
  {NULL, NULL}
};

int ltaylor_open (lua_State *L) {
  Scratch *s = (Scratch *)lua_newuserdatauv(L, sizeof(Scratch), 0);
  s->S = NULL;
  lua_newtable(L);
  lua_pushcfunction(L, scratch_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &SCRATCH_KEY);
  luaL_newmetatable(L, CR_TAYLOR_TNAME);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &TAYLORMT_KEY);
  pushupvalues(L);
  luaL_setfuncs(L, metameth, 4);
  lua_pop(L, 1);
  pushupvalues(L);  /* module functions go into the table on top of the stack */
  luaL_setfuncs(L, funcs, 4);
  return 0;
}
