/* cp_sformula.c: formula views in the script state: loading a formula, its split, writing it as a script */
#include "cp_script_int.h"

static int l_loadformula (lua_State *L) {
  /* plotscript.model(plotscript.fromformula(text, depth, chain), nil, {compile = , budget = }) */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "chainrule.plotscript");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "model");
  lua_getfield(L, -2, "fromformula");
  lua_pushvalue(L, 1);
  if (lua_tointeger(L, 2) > 0) lua_pushvalue(L, 2);
  else lua_pushnil(L);
  lua_pushvalue(L, 3);
  lua_call(L, 3, 1);
  lua_pushnil(L);
  lua_createtable(L, 0, 2);
  lua_pushboolean(L, lua_toboolean(L, 4));
  lua_setfield(L, -2, "compile");
  lua_pushcfunction(L, cps_tracebudget);
  lua_setfield(L, -2, "budget");
  lua_call(L, 3, 1);
  return 1;
}

int cp_script_loadformula (cp_script *S, const char *text, int depth, int chain) {
  lua_State *L = S->L;
  cp_script_budget(S);
  lua_pushcfunction(L, l_loadformula);
  lua_pushstring(L, text);
  lua_pushinteger(L, depth);
  lua_pushboolean(L, chain);
  lua_pushboolean(L, S->compile);
  if (cps_pcallk(S, 4, 1) != LUA_OK) {
    cps_seterr(S, "");
    lua_gc(L, LUA_GCCOLLECT, 0);
    return -1;
  }
  return cps_adopt(S);
}


int cp_script_formula (cp_script *S, char *text, size_t n, int *depth, int *nlinks, int *chain) {
  lua_State *L = S->L;
  int top = lua_gettop(L), ok = 0;
  if (S->model == LUA_NOREF) return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  lua_getfield(L, -1, "formula");
  if (lua_istable(L, -1)) {
    ok = 1;
    cps_getstr(L, -1, "text", text, n);
    *depth = (int)cps_getnum(L, -1, "depth", 0);
    *nlinks = (int)cps_getnum(L, -1, "nlinks", 0);
    lua_getfield(L, -1, "chain");
    *chain = lua_toboolean(L, -1);
  }
  lua_settop(L, top);
  return ok;
}

/* the text of a plot script that reopens the current formula view over x0..x1 (malloc'd), or NULL */
char *cp_script_formulascript (cp_script *S, double x0, double x1) {
  lua_State *L = S->L;
  int top = lua_gettop(L);
  char *r = NULL;
  if (S->model == LUA_NOREF) return NULL;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "chainrule.plotformula");
  if (cps_pcallk(S, 1, 1) != LUA_OK) { cps_seterr(S, ""); lua_settop(L, top); return NULL; }
  lua_getfield(L, -1, "script");
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  lua_getfield(L, -1, "formula");
  lua_remove(L, -2);
  if (lua_istable(L, -1)) {
    lua_pushnumber(L, x0);
    lua_pushnumber(L, x1);
    if (cps_pcallk(S, 3, 1) != LUA_OK) cps_seterr(S, "");
    else if (lua_isstring(L, -1)) {
      size_t n;
      const char *t = lua_tolstring(L, -1, &n);
      if ((r = malloc(n + 1)) != NULL) memcpy(r, t, n + 1);
    }
  }
  lua_settop(L, top);
  return r;
}
