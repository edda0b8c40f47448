/* lmath.c: core.mathwrap, which gives cr.math math's own behaviour on plain values */
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldual.h"
#include "lmath.h"

/* upvalues of a wrapped function: 1 = math's C function, 2 = the chainrule version,
   3 = the Dual metatable, 4 = how many leading arguments matter (0: all), 5 = the
   function's name, 6 = its argument checks (see check) */

/* a dual, or another chainrule type (Var, Expr, Taylor value): it takes the chainrule version */
static int crvalue (lua_State *L, int i) {
  int r;
  if (!lua_getmetatable(L, i)) return 0;
  r = lua_rawequal(L, -1, lua_upvalueindex(3));
  lua_pop(L, 1);
  if (!r && luaL_getmetafield(L, i, "__crapply") != LUA_TNIL) {
    lua_pop(L, 1);
    r = 1;
  }
  return r;
}

/* luaL_argerror's text with the function's own name, whatever name the caller used */
static int argerror (lua_State *L, int i, const char *msg) {
  return luaL_error(L, "bad argument #%d to '%s' (%s)", i,
                    lua_tostring(L, lua_upvalueindex(5)), msg);
}

/* luaL_typeerror's text: "number expected, got no value" */
static int typeerror (lua_State *L, int i) {
  const char *got;
  if (luaL_getmetafield(L, i, "__name") == LUA_TSTRING) got = lua_tostring(L, -1);
  else if (lua_type(L, i) == LUA_TLIGHTUSERDATA) got = "light userdata";
  else got = luaL_typename(L, i);
  return argerror(L, i, lua_pushfstring(L, "number expected, got %s", got));
}

/*
** The argument checks of math's function, made before it runs so that a failing one names
** the function: one letter per argument, n a number (luaL_checknumber), o an optional one,
** i an integer (luaL_checkinteger); v alone is "at least one value" (max, min); a leading
** z is fmod's refusal of an integer zero divisor, then r checks the arguments last first
** (fmod checks both in one C call, whose argument order is the compiler's).
*/
static void check (lua_State *L, const char *sig) {
  int i, n, rev = 0;
  if (sig[0] == 'v') {
    if (lua_gettop(L) < 1) argerror(L, 1, "value expected");
    return;
  }
  if (sig[0] == 'z') {
    if (lua_isinteger(L, 1) && lua_isinteger(L, 2)) {
      if (lua_tointeger(L, 2) == 0) argerror(L, 2, "zero");
      return;
    }
    sig++;
  }
  if (sig[0] == 'r') { rev = 1; sig++; }
  for (n = 0; sig[n] != '\0'; n++) {
    char c;
    i = rev ? (int)strlen(sig) - n : n + 1;
    c = sig[i - 1];
    if (c == 'o' && lua_isnoneornil(L, i)) continue;
    if (c == 'i') {
      int isint;
      (void)lua_tointegerx(L, i, &isint);
      if (isint) continue;
      if (lua_isnumber(L, i)) argerror(L, i, "number has no integer representation");
      typeerror(L, i);
    }
    else if (!lua_isnumber(L, i)) typeerror(L, i);
  }
}

/*
** On plain values math's C function runs in this very call, after its own checks: results,
** the coercion of numeric strings and the messages' text are math's.
*/
static int wrapped (lua_State *L) {
  int i, n = lua_gettop(L), k = (int)lua_tointeger(L, lua_upvalueindex(4)) & 255;
  for (i = 1; i <= n && (k == 0 || i <= k); i++) {
    int t = lua_type(L, i);
    if ((t == LUA_TUSERDATA || t == LUA_TTABLE) && crvalue(L, i)) {
      lua_pushvalue(L, lua_upvalueindex(2));
      lua_insert(L, 1);
      lua_call(L, n, LUA_MULTRET);
      return lua_gettop(L);
    }
  }
  check(L, lua_tostring(L, lua_upvalueindex(6)));
  if (lua_tointeger(L, lua_upvalueindex(4)) >= 256) {  /* LuaJIT's: call it */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
  }
  return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/*
** mathwrap(name, mathf, crf, k, checks): a function that is mathf when none of the first
** k arguments (all when k is 0) is a chainrule value, and crf otherwise; arguments past the
** k-th are ones mathf ignores
*/
static int l_mathwrap (lua_State *L) {
  lua_CFunction f = lua_tocfunction(L, 2);
  lua_Integer k = luaL_checkinteger(L, 4);
  luaL_checkstring(L, 1);
  /* LuaJIT's math functions are built-ins (no lua_CFunction), have upvalues or are Lua: lua_call */
  int direct = f != NULL && lua_getupvalue(L, 2, 1) == NULL;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  luaL_checktype(L, 3, LUA_TFUNCTION);
  luaL_argcheck(L, k >= 0 && k <= 255, 4, "count out of range");
  luaL_checkstring(L, 5);
  lua_settop(L, 5);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  ldual_pushupvalues(L);
  lua_pop(L, 1);  /* the Dual metatable only */
  lua_pushinteger(L, direct ? k : k + 256);  /* 256: not directly callable */
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 5);
  lua_pushcclosure(L, wrapped, 6);
  return 1;
}

int lmath_open (lua_State *L) {
  lua_pushcfunction(L, l_mathwrap);
  lua_setfield(L, -2, "mathwrap");
  return 0;
}
