/*
** lcompat.h: the Lua 5.4 C API the bindings use, on Lua 5.1, 5.2, 5.3 and LuaJIT 2.1.
** The only place a Lua version is tested: each missing function is written here once, as a
** static inline lcompat_* function, and the 5.4 name is #defined to it (LuaJIT declares some
** 5.2 functions itself, so the shims never reuse the Lua names).  On 5.4 this is lua.h and
** lauxlib.h alone.
*/
#ifndef lcompat_h
#define lcompat_h

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#if LUA_VERSION_NUM < 504

#ifndef LUAI_UACINT
#define LUAI_UACINT long long  /* what %I in lua_pushfstring takes (5.3's luaconf.h) */
#endif

/* ---- 5.1 and LuaJIT only: the 5.2 API ---- */
#if LUA_VERSION_NUM < 502

#ifndef LUA_OK
#define LUA_OK 0
#endif

#define lua_rawlen(L, i) lua_objlen(L, (i))

static inline int lcompat_absindex (lua_State *L, int i) {
  return (i > 0 || i <= LUA_REGISTRYINDEX) ? i : lua_gettop(L) + i + 1;
}
#define lua_absindex lcompat_absindex

static inline void lcompat_copy (lua_State *L, int from, int to) {
  to = lua_absindex(L, to);
  lua_pushvalue(L, from);
  lua_replace(L, to);
}
#define lua_copy lcompat_copy

static inline lua_Number lcompat_tonumberx (lua_State *L, int i, int *isnum) {
  lua_Number n = lua_tonumber(L, i);
  if (isnum != NULL) *isnum = (n != 0 || lua_isnumber(L, i));
  return n;
}
#define lua_tonumberx lcompat_tonumberx

static inline void lcompat_setfuncs (lua_State *L, const luaL_Reg *l, int nup) {
  luaL_checkstack(L, nup, "too many upvalues");
  for (; l->name != NULL; l++) {
    int i;
    for (i = 0; i < nup; i++) lua_pushvalue(L, -nup);
    lua_pushcclosure(L, l->func, nup);
    lua_setfield(L, -(nup + 2), l->name);
  }
  lua_pop(L, nup);
}
#define luaL_setfuncs lcompat_setfuncs

#ifndef luaL_newlibtable
#define luaL_newlibtable(L, l) lua_createtable(L, 0, sizeof(l) / sizeof((l)[0]) - 1)
#endif
#ifndef luaL_newlib
#define luaL_newlib(L, l) (luaL_newlibtable(L, l), luaL_setfuncs(L, l, 0))
#endif

static inline void lcompat_setmetatable (lua_State *L, const char *tname) {
  luaL_getmetatable(L, tname);
  lua_setmetatable(L, -2);
}
#define luaL_setmetatable lcompat_setmetatable

static inline void *lcompat_testudata (lua_State *L, int i, const char *tname) {
  void *p = lua_touserdata(L, i);
  if (p == NULL || !lua_getmetatable(L, i)) return NULL;
  luaL_getmetatable(L, tname);
  if (!lua_rawequal(L, -1, -2)) p = NULL;
  lua_pop(L, 2);
  return p;
}
#define luaL_testudata lcompat_testudata


/* luaL_len as 5.2 has it: __len first (5.1 honours it on userdata only), then the raw length */
static inline lua_Integer lcompat_len (lua_State *L, int i) {
  lua_Integer n;
  if (!luaL_callmeta(L, i, "__len")) return (lua_Integer)lua_objlen(L, i);
  if (lua_type(L, -1) != LUA_TNUMBER) luaL_error(L, "object length is not an integer");
  n = (lua_Integer)lua_tonumber(L, -1);
  lua_pop(L, 1);
  return n;
}
#define luaL_len lcompat_len

#define luaL_checkversion(L) ((void)(L))

/* lua_arith as 5.2 has it (no integer division, no bitwise operators there) */
#define LUA_OPADD 0
#define LUA_OPSUB 1
#define LUA_OPMUL 2
#define LUA_OPDIV 3
#define LUA_OPMOD 4
#define LUA_OPPOW 5
#define LUA_OPUNM 6
static inline void lcompat_arith (lua_State *L, int op) {
  static const char *const event[] = {"__add", "__sub", "__mul", "__div", "__mod", "__pow", "__unm"};
  int bad;
  if (op == LUA_OPUNM) lua_pushvalue(L, -1);  /* the second operand metamethods get */
  if (lua_type(L, -2) == LUA_TNUMBER && lua_type(L, -1) == LUA_TNUMBER) {
    lua_Number a = lua_tonumber(L, -2), b = lua_tonumber(L, -1), r;
    switch (op) {
      case LUA_OPADD: r = a + b; break;
      case LUA_OPSUB: r = a - b; break;
      case LUA_OPMUL: r = a * b; break;
      case LUA_OPDIV: r = a / b; break;
      case LUA_OPMOD: r = a - floor(a / b) * b; break;
      case LUA_OPPOW: r = pow(a, b); break;
      default: r = -a; break;
    }
    lua_pop(L, 2);
    lua_pushnumber(L, r);
    return;
  }
  for (bad = -2; bad <= -1; bad++) {
    if (luaL_getmetafield(L, bad, event[op])) {
      lua_insert(L, -3);
      lua_call(L, 2, 1);
      return;
    }
  }
  bad = lua_isnumber(L, -2) ? -1 : -2;
  luaL_error(L, "attempt to perform arithmetic on a %s value", luaL_typename(L, bad));
}
#define lua_arith lcompat_arith

/* 5.1's uservalue is its environment, a table */
#define lcompat_getuv(L, i) lua_getfenv(L, (i))
#define lcompat_setuv(L, i) lua_setfenv(L, (i))

#else  /* 5.2 and 5.3 */

#define lcompat_getuv(L, i) lua_getuservalue(L, (i))
#define lcompat_setuv(L, i) lua_setuservalue(L, (i))

#endif  /* LUA_VERSION_NUM < 502 */

/* ---- 5.1, 5.2: the 5.3 API ---- */
#if LUA_VERSION_NUM < 503

/* a C function called by pcall or a tail call has no name there: find it in package.loaded */
static inline int lcompat_pushfuncname (lua_State *L, lua_Debug *ar) {
  int top = lua_gettop(L);
  lua_getinfo(L, "f", ar);
  lua_getfield(L, LUA_REGISTRYINDEX, "_LOADED");
  if (lua_istable(L, -1)) {
    lua_pushnil(L);
    while (lua_next(L, top + 2)) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, top + 1)) {
            lua_pushvalue(L, -2);  /* the field's name: the name the API documents */
            lua_replace(L, top + 1);
            lua_settop(L, top + 1);
            return 1;
          }
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
    }
  }
  lua_settop(L, top);
  return 0;
}
static inline int lcompat_argerror (lua_State *L, int arg, const char *extramsg) {
  lua_Debug ar;
  if (!lua_getstack(L, 0, &ar)) return luaL_error(L, "bad argument #%d (%s)", arg, extramsg);
  lua_getinfo(L, "n", &ar);
  if (ar.namewhat != NULL && strcmp(ar.namewhat, "method") == 0 && --arg == 0)
    return luaL_error(L, "calling '%s' on bad self (%s)", ar.name, extramsg);
  if (ar.name == NULL) ar.name = lcompat_pushfuncname(L, &ar) ? lua_tostring(L, -1) : "?";
  return luaL_error(L, "bad argument #%d to '%s' (%s)", arg, ar.name, extramsg);
}
#define luaL_argerror lcompat_argerror

/* lua_Integer is ptrdiff_t there; 5.2's lua_Unsigned is only 32 bits */
typedef size_t lcompat_Unsigned;
#define lua_Unsigned lcompat_Unsigned

#define lua_numbertointeger(n, p) \
  ((n) >= (lua_Number)PTRDIFF_MIN && (n) < -(lua_Number)PTRDIFF_MIN && (*(p) = (lua_Integer)(n), 1))

/* with no integer subtype, an integer is a number with an integral value that fits */
static inline lua_Integer lcompat_tointegerx (lua_State *L, int i, int *isint) {
  lua_Integer v = 0;
  int ok = 0;
  if (lua_isnumber(L, i)) {
    lua_Number n = lua_tonumber(L, i);
    ok = n == floor(n) && lua_numbertointeger(n, &v);
  }
  if (isint != NULL) *isint = ok;
  return ok ? v : 0;
}
#define lua_tointegerx lcompat_tointegerx

static inline int lcompat_isinteger (lua_State *L, int i) {
  int ok;
  if (lua_type(L, i) != LUA_TNUMBER) return 0;
  (void)lua_tointegerx(L, i, &ok);
  return ok;
}
#define lua_isinteger lcompat_isinteger

static inline void lcompat_pushtypename (lua_State *L, int i);
static inline int lcompat_typeerror (lua_State *L, int arg, const char *tname);

/* a float argument with no integer value is an error, as 5.3 says it, not truncated */
static inline lua_Integer lcompat_checkinteger (lua_State *L, int arg) {
  int ok;
  lua_Integer v = lua_tointegerx(L, arg, &ok);
  if (!ok) {
    if (lua_isnumber(L, arg)) luaL_argerror(L, arg, "number has no integer representation");
    else lcompat_typeerror(L, arg, "number");
  }
  return v;
}
#define luaL_checkinteger lcompat_checkinteger
#define luaL_optinteger(L, arg, d) \
  (lua_isnoneornil(L, (arg)) ? (lua_Integer)(d) : luaL_checkinteger(L, (arg)))

/* the getters return the type of the value they push */
static inline int lcompat_getfield (lua_State *L, int i, const char *k) {
  lua_getfield(L, i, k);
  return lua_type(L, -1);
}
static inline int lcompat_rawget (lua_State *L, int i) {
  lua_rawget(L, i);
  return lua_type(L, -1);
}
static inline int lcompat_rawgeti (lua_State *L, int i, lua_Integer n) {
  lua_rawgeti(L, i, (int)n);
  return lua_type(L, -1);
}
static inline int lcompat_gettable (lua_State *L, int i) {
  lua_gettable(L, i);
  return lua_type(L, -1);
}
static inline int lcompat_getmetafield (lua_State *L, int i, const char *e) {
  return luaL_getmetafield(L, i, e) ? lua_type(L, -1) : LUA_TNIL;
}
#define lua_getfield lcompat_getfield
#define lua_rawget lcompat_rawget
#define lua_rawgeti lcompat_rawgeti
#define lua_gettable lcompat_gettable
#define luaL_getmetafield lcompat_getmetafield

/* light userdata keys (5.2 has these, returning nothing) */
static inline int lcompat_rawgetp (lua_State *L, int i, const void *p) {
  i = lua_absindex(L, i);
  lua_pushlightuserdata(L, (void *)(uintptr_t)p);  /* the key's address only: never written */
  lua_rawget(L, i);
  return lua_type(L, -1);
}
#define lua_rawgetp lcompat_rawgetp

static inline void lcompat_rawsetp (lua_State *L, int i, const void *p) {
  i = lua_absindex(L, i);
  lua_pushlightuserdata(L, (void *)(uintptr_t)p);
  lua_insert(L, -2);
  lua_rawset(L, i);
}
#define lua_rawsetp lcompat_rawsetp

/* metatables carry __name, which error messages and tostring use */
static inline int lcompat_newmetatable (lua_State *L, const char *tname) {
  if (!luaL_newmetatable(L, tname)) return 0;
  lua_pushstring(L, tname);
  lua_setfield(L, -2, "__name");
  return 1;
}
#define luaL_newmetatable lcompat_newmetatable

/* lua_pushfstring with 5.3's %I (a LUAI_UACINT); the other directives are 5.1's */
static inline const char *lcompat_pushvfstring (lua_State *L, const char *fmt, va_list ap) {
  luaL_Buffer b;
  char num[64];
  const char *s;
  luaL_buffinit(L, &b);
  for (; *fmt != '\0'; fmt++) {
    if (*fmt != '%') { luaL_addchar(&b, *fmt); continue; }
    num[0] = '\0';
    switch (*++fmt) {
      case 's': s = va_arg(ap, const char *); luaL_addstring(&b, s ? s : "(null)"); break;
      case 'd': snprintf(num, sizeof num, "%d", va_arg(ap, int)); break;
      case 'I': snprintf(num, sizeof num, "%lld", (long long)va_arg(ap, LUAI_UACINT)); break;
      case 'f': snprintf(num, sizeof num, "%.14g", va_arg(ap, double)); break;
      case 'p': snprintf(num, sizeof num, "%p", va_arg(ap, void *)); break;
      case 'c': luaL_addchar(&b, (char)va_arg(ap, int)); break;
      case '%': luaL_addchar(&b, '%'); break;
      default: luaL_addchar(&b, '%'); if (*fmt == '\0') fmt--; else luaL_addchar(&b, *fmt); break;
    }
    luaL_addstring(&b, num);
  }
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}
static inline const char *lcompat_pushfstring (lua_State *L, const char *fmt, ...) {
  const char *s;
  va_list ap;
  va_start(ap, fmt);
  s = lcompat_pushvfstring(L, fmt, ap);
  va_end(ap);
  return s;
}
static inline int lcompat_error (lua_State *L, const char *fmt, ...) {
  va_list ap;
  luaL_where(L, 1);
  va_start(ap, fmt);
  lcompat_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, 2);
  return lua_error(L);
}
#define lua_pushvfstring lcompat_pushvfstring
#define lua_pushfstring lcompat_pushfstring
#define luaL_error lcompat_error

/* luaL_tolstring as 5.4 writes it: __tostring, else the value, else "__name: address" */
static inline const char *lcompat_tolstring (lua_State *L, int i, size_t *len) {
  i = lua_absindex(L, i);
  if (luaL_callmeta(L, i, "__tostring")) {
    if (!lua_isstring(L, -1)) luaL_error(L, "'__tostring' must return a string");
  }
  else switch (lua_type(L, i)) {
    case LUA_TNUMBER: case LUA_TSTRING: lua_pushvalue(L, i); break;
    case LUA_TBOOLEAN: lua_pushstring(L, lua_toboolean(L, i) ? "true" : "false"); break;
    case LUA_TNIL: lua_pushliteral(L, "nil"); break;
    default:
      lcompat_pushtypename(L, i);
      lua_pushfstring(L, "%s: %p", lua_tostring(L, -1), lua_topointer(L, i));
      lua_remove(L, -2);
      break;
  }
  return lua_tolstring(L, -1, len);
}
#define luaL_tolstring lcompat_tolstring

#endif  /* LUA_VERSION_NUM < 503 */

/* ---- 5.1, 5.2, 5.3: the 5.4 API ---- */

/* pushes the __name of i's metatable, or its type name, as luaL_typeerror says it */
static inline void lcompat_pushtypename (lua_State *L, int i) {
  int tt = luaL_getmetafield(L, i, "__name");
  if (tt == LUA_TSTRING) return;
  if (tt != LUA_TNIL) lua_pop(L, 1);
  lua_pushstring(L, lua_type(L, i) == LUA_TLIGHTUSERDATA ? "light userdata" : luaL_typename(L, i));
}

static inline int lcompat_typeerror (lua_State *L, int arg, const char *tname) {
  lcompat_pushtypename(L, arg);
  return luaL_argerror(L, arg,
                       lua_pushfstring(L, "%s expected, got %s", tname, lua_tostring(L, -1)));
}
#define luaL_typeerror lcompat_typeerror

/* several user values live in a table, the one user value (5.1: environment) older Luas have */
static inline void *lcompat_newuserdatauv (lua_State *L, size_t size, int nuv) {
  void *p = lua_newuserdata(L, size);
  if (nuv > 0) {
    lua_createtable(L, nuv, 0);
    lcompat_setuv(L, -2);
  }
  return p;
}
#define lua_newuserdatauv lcompat_newuserdatauv

static inline int lcompat_getiuservalue (lua_State *L, int i, int n) {
  lcompat_getuv(L, i);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_pushnil(L);
    return LUA_TNONE;
  }
  lua_rawgeti(L, -1, n);
  lua_remove(L, -2);
  return lua_type(L, -1);
}
#define lua_getiuservalue lcompat_getiuservalue

static inline int lcompat_setiuservalue (lua_State *L, int i, int n) {
  i = lua_absindex(L, i);
  lcompat_getuv(L, i);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 2);
    return 0;
  }
  lua_insert(L, -2);
  lua_rawseti(L, -2, n);
  lua_pop(L, 1);
  return 1;
}
#define lua_setiuservalue lcompat_setiuservalue

#endif  /* LUA_VERSION_NUM < 504 */

#endif
