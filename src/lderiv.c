/* lderiv.c: derivative and derivatives, seeding fresh tags so nested calls never mix */
#include <math.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldual.h"
#include "lderiv.h"
#include "ltaylor.h"
#include "cr_taylor.h"

static int argerr (lua_State *L, int arg, const char *fname, const char *msg) {
  return luaL_error(L, "bad argument #%d to '%s' (%s)", arg, fname, msg);
}

static void checkcallable (lua_State *L, int arg, const char *fname) {
  if (lua_type(L, arg) == LUA_TFUNCTION) return;
  if (luaL_getmetafield(L, arg, "__call") != LUA_TNIL) { lua_pop(L, 1); return; }
  argerr(L, arg, fname, lua_pushfstring(L, "function expected, got %s",
         lua_type(L, arg) == LUA_TNONE ? "no value" : ldual_typename(L, arg)));
}

static int checkorder (lua_State *L, int arg, const char *fname, int def) {
  lua_Integer n;
  int isint;
  if (lua_isnoneornil(L, arg) && def >= 0) return def;
  n = lua_tointegerx(L, arg, &isint);
  if (lua_type(L, arg) != LUA_TNUMBER || !isint || n < 0) {
    if (lua_type(L, arg) == LUA_TNUMBER)
      argerr(L, arg, fname, lua_pushfstring(L,
             "order must be a non-negative integer, got %s", lua_tostring(L, arg)));
    else
      argerr(L, arg, fname, lua_pushfstring(L,
             "order must be a non-negative integer, got %s", ldual_typename(L, arg)));
  }
  if (n > CR_TAYLOR_MAXORDER)
    argerr(L, arg, fname, lua_pushfstring(L, "order must be at most %d, got %I",
           CR_TAYLOR_MAXORDER, (LUAI_UACINT)n));
  return (int)n;
}

static void checkresult (lua_State *L, const char *fname);

/*
** Calls f(x + eps_1 + ... + eps_n) with n fresh tags and leaves the result at
** the top.  Returns the first new tag; n tags from it on are the seeds.
*/
static cr_tag seedcall (lua_State *L, const char *fname, int n) {
  Operand x;
  cr_tag tags[CR_MAXTAGS], first;
  Dual *d;
  int i;
  if (lua_type(L, 2) != LUA_TSTRING && !ldual_getx(L, 2, LDUAL_MT, &x)
      && n > 0 && luaL_getmetafield(L, 2, "__crapply") != LUA_TNIL) {
    /* a Var point (a derivative inside a gradient): its own type adds the seeds */
    if (n > CR_MAXTAGS)
      luaL_error(L, "%s: too many nested derivatives (at most %d tags in one value)",
                 fname, CR_MAXTAGS);
    first = ldual_newtagsx(L, n, LDUAL_STATE);
    for (i = 0; i < n; i++) tags[i] = first + i;
    lua_pushinteger(L, CR_OP_add);
    lua_pushvalue(L, 2);
    d = ldual_newx(L, n, tags, LDUAL_MT);  /* the seeds: -0 + eps_1 + ... + eps_n */
    memset(d->c, 0, ((size_t)1 << n) * sizeof(double));
    d->c[0] = -0.0;  /* x + -0 is x, even when x is -0 */
    for (i = 0; i < n; i++) d->c[(size_t)1 << i] = 1.0;
    lua_call(L, 3, 1);  /* hook(add, x, seeds) */
    lua_pushvalue(L, 1);
    lua_insert(L, -2);
    goto call;
  }
  if (!ldual_getx(L, 2, LDUAL_MT, &x) || lua_type(L, 2) == LUA_TSTRING)
    argerr(L, 2, fname, lua_pushfstring(L, "number expected, got %s",
           lua_type(L, 2) == LUA_TNONE ? "no value" : ldual_typename(L, 2)));
  if (x.m + n > CR_MAXTAGS)
    luaL_error(L, "%s: too many nested derivatives (at most %d tags in one value)",
               fname, CR_MAXTAGS);
  first = ldual_newtagsx(L, n, LDUAL_STATE);
  lua_pushvalue(L, 1);
  if (n == 0) lua_pushvalue(L, 2);
  else {
    if (x.m > 0) memcpy(tags, x.tags, (size_t)x.m * sizeof(cr_tag));
    for (i = 0; i < n; i++) tags[x.m + i] = first + i;
    d = ldual_newx(L, x.m + n, tags, LDUAL_MT);
    memset(d->c, 0, ((size_t)1 << d->m) * sizeof(double));
    memcpy(d->c, x.c, ((size_t)1 << x.m) * sizeof(double));
    for (i = 0; i < n; i++) d->c[(size_t)1 << (x.m + i)] += 1.0;
  }
  call:
  lua_call(L, 1, 1);
  checkresult(L, fname);
  return first;
}

/* the value f returned (at the top) is a number, dual or Var; a Taylor value becomes its dual */
static void checkresult (lua_State *L, const char *fname) {
  Operand x;
  ltaylor_expand(L, -1);  /* an outer derivative's Taylor value: the dual it stands for */
  if (!ldual_getx(L, -1, LDUAL_MT, &x) || lua_type(L, -1) == LUA_TSTRING) {
    if (luaL_getmetafield(L, -1, "__crcoef") != LUA_TNIL) {  /* a Var: it takes its own part */
      lua_pop(L, 1);
      return;
    }
    if (lua_type(L, -1) == LUA_TNIL)
      luaL_error(L, "%s: function returned nil, expected a number or dual", fname);
    luaL_error(L, "%s: function returned a %s, expected a number or dual",
               fname, ldual_typename(L, -1));
  }
}

/* orders n >= 2 at a plain number run on one Taylor series; a dual or Var point keeps the duals */
static int taylorpath (lua_State *L, int n) {
  return n >= 2 && lua_type(L, 2) == LUA_TNUMBER;
}

/*
** Pushes the coefficient of the result (at res) in which the first k seed tags
** are set and the other seeds are not, as a number or a dual over the other tags.
*/
static void pushcoef (lua_State *L, int res, cr_tag first, int n, int k) {
  Operand r;
  if (!ldual_getx(L, res, LDUAL_MT, &r)) {  /* a Var (checked by seedcall): its own hook */
    luaL_getmetafield(L, res, "__crcoef");
    lua_pushvalue(L, res);
    lua_pushinteger(L, (lua_Integer)first);
    lua_pushinteger(L, n);
    lua_pushinteger(L, k);
    lua_call(L, 4, 1);
    return;
  }
  if (n == 1 && r.m == 1 && r.tags[0] == first) {  /* the plain first-order case */
    lua_pushnumber(L, r.c[k]);
    return;
  }
  ldual_pushcoef(L, res, first, n, k, NULL, NULL);
}

/*
** derivative(f, x) at a number: one tag, seeded x + eps; a result over that tag alone
** is read straight off, anything else takes the general path below.
*/
static int firstorder (lua_State *L) {
  cr_tag t = ldual_newtagsx(L, 1, LDUAL_STATE);
  const Dual *r;
  Dual *d;
  double x = lua_tonumber(L, 2);
  lua_settop(L, 3);
  lua_pushvalue(L, 1);
  d = ldual_newx(L, 1, &t, LDUAL_MT);
  d->c[0] = x;
  d->c[1] = 1.0;
  lua_call(L, 1, 1);
  if ((r = ldual_todual1(L, 4, LDUAL_MT)) != NULL && dual_tags(r)[0] == t) {
    lua_pushnumber(L, r->c[1]);
    lua_pushnumber(L, r->c[0]);
    return 2;
  }
  checkresult(L, "derivative");
  pushcoef(L, 4, t, 1, 1);
  pushcoef(L, 4, t, 1, 0);
  return 2;
}

static int derivative (lua_State *L, int taylor) {
  int n, res;
  cr_tag first;
  if (lua_gettop(L) == 2 && lua_type(L, 1) == LUA_TFUNCTION && lua_type(L, 2) == LUA_TNUMBER)
    return firstorder(L);
  checkcallable(L, 1, "derivative");
  n = checkorder(L, 3, "derivative", 1);
  if (lua_gettop(L) > 3) argerr(L, 4, "derivative", "no more than 3 arguments expected");
  lua_settop(L, 3);
  if (taylor && taylorpath(L, n)) {
    first = ltaylor_call(L, "derivative", n);
    res = lua_gettop(L);
    ltaylor_pushcoef(L, res, first, n, n);
    ltaylor_pushcoef(L, res, first, n, 0);
    return 2;
  }
  first = seedcall(L, "derivative", n);
  res = lua_gettop(L);
  if (n == 0) { lua_pushvalue(L, res); lua_pushvalue(L, res); return 2; }
  pushcoef(L, res, first, n, n);
  pushcoef(L, res, first, n, 0);
  return 2;
}

static int l_derivative (lua_State *L) { return derivative(L, 1); }

/* the duals at every order: the viewer's curves match compiled tapes bit for bit on them */
static int l_derivative_duals (lua_State *L) { return derivative(L, 0); }

static int l_derivatives (lua_State *L) {
  int n, res, k;
  cr_tag first;
  checkcallable(L, 1, "derivatives");
  n = checkorder(L, 3, "derivatives", -1);
  if (lua_gettop(L) > 3) argerr(L, 4, "derivatives", "no more than 3 arguments expected");
  lua_settop(L, 3);
  if (taylorpath(L, n)) {
    first = ltaylor_call(L, "derivatives", n);
    res = lua_gettop(L);
    lua_createtable(L, n + 1, 0);
    for (k = 0; k <= n; k++) {
      ltaylor_pushcoef(L, res, first, n, k);
      lua_rawseti(L, -2, k + 1);
    }
    return 1;
  }
  first = seedcall(L, "derivatives", n);
  res = lua_gettop(L);
  lua_createtable(L, n + 1, 0);
  for (k = 0; k <= n; k++) {
    if (n == 0) lua_pushvalue(L, res);
    else pushcoef(L, res, first, n, k);
    lua_rawseti(L, -2, k + 1);
  }
  return 1;
}

static const luaL_Reg funcs[] = {
  {"derivative", l_derivative},
  {"derivatives", l_derivatives},
  {"derivative_duals", l_derivative_duals},
  {NULL, NULL}
};

int lderiv_open (lua_State *L) {
  ldual_pushupvalues(L);
  luaL_setfuncs(L, funcs, 2);
  return 0;
}
