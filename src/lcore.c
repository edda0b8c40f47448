/* lcore.c: luaopen_chainrule_core, which gathers every binding's functions */
#include "lua.h"
#include "lauxlib.h"

#include "ldual.h"
#include "lderiv.h"
#include "ltaylor.h"
#include "lexpr.h"
#include "lcompile.h"
#include "ltape.h"
#include "lgrad.h"
#include "lmath.h"

#if defined(__GNUC__)
#define CR_EXPORT __attribute__((visibility("default")))
#else
#define CR_EXPORT
#endif

static const char CORE_KEY = 'c';  /* registry key: its address is unique */

/*
** Opening the core twice in one Lua state (a test runner that clears
** package.loaded, or the viewer's preload) returns the first table: a second
** set of metatables, tag counter and expression pool would leave the values
** made before bound to state that is no longer the module's.
*/
CR_EXPORT int luaopen_chainrule_core (lua_State *L) {
  luaL_checkversion(L);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &CORE_KEY) == LUA_TTABLE) return 1;
  lua_pop(L, 1);
  lua_newtable(L);
  ldual_open(L);
  lderiv_open(L);
  ltaylor_open(L);
  lexpr_open(L);
  lcompile_open(L);
  ltape_open(L);
  lgrad_open(L);
  lmath_open(L);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &CORE_KEY);
  return 1;
}
