/* lcore.c: luaopen_chainrule_core, which gathers every binding's functions */
#include "lua.h"
#include "lauxlib.h"

#include "ldual.h"
#include "lderiv.h"
#include "lexpr.h"
#include "lcompile.h"
#include "ltape.h"

#if defined(__GNUC__)
#define CR_EXPORT __attribute__((visibility("default")))
#else
#define CR_EXPORT
#endif

CR_EXPORT int luaopen_chainrule_core (lua_State *L) {
  luaL_checkversion(L);
  lua_newtable(L);
  ldual_open(L);
  lderiv_open(L);
  lexpr_open(L);
  lcompile_open(L);
  ltape_open(L);
  return 1;
}
