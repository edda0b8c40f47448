/* cp_script.c: a Lua state with limits (memory via lua_Alloc, instructions via a count hook) */
#include "cp_script_int.h"

static void *limited_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  cp_script *S = ud;
  if (ptr == NULL) osize = 0;
  if (nsize == 0) {
    free(ptr);
    S->used -= osize;
    return NULL;
  }
  if (S->limit && nsize > osize && S->used + (nsize - osize) > S->limit) return NULL;
  ptr = realloc(ptr, nsize);
  if (ptr) S->used = S->used - osize + nsize;
  return ptr;
}

/* the hook finds its script through the state's extra space (copied into every thread) */
static void counthook (lua_State *L, lua_Debug *ar) {
  cp_script *S = *(cp_script **)lua_getextraspace(L);
  if (S && (S->left -= 1000) < 0) {
    S->left = S->budget;  /* so the error handler itself can run */
    /* where the script was running (level 1 would be its caller) */
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
      lua_pushfstring(L, "%s:%d: ", ar->short_src, ar->currentline);
    else lua_pushliteral(L, "");
    lua_pushfstring(L, "script ran too long (over %d million instructions in one frame; "
                    "an infinite loop?)", (int)(S->budget / 1000000));
    lua_concat(L, 2);
    lua_error(L);
  }
}

static int traceback (lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) msg = luaL_tolstring(L, 1, NULL);
  lua_pushstring(L, msg);
  return 1;
}

void cps_seterr (cp_script *S, const char *prefix) {
  const char *m = lua_tostring(S->L, -1);
  snprintf(S->err, sizeof S->err, "%s%s", prefix, m ? m : "(error object is not a string)");
  lua_pop(S->L, 1);
}

int cps_pcallk (cp_script *S, int nargs, int nres) {
  int base = lua_gettop(S->L) - nargs, st;
  lua_pushcfunction(S->L, traceback);
  lua_insert(S->L, base);
  st = lua_pcall(S->L, nargs, nres, base);
  lua_remove(S->L, base);
  if (st == LUA_ERRMEM) {
    lua_pop(S->L, 1);
    lua_pushstring(S->L, "script ran out of memory (the sandbox limit)");
  }
  return st;
}

static void addpath (lua_State *L, const char *dir) {
  /* package.path = dir/?.lua;dir/?/init.lua;<old> */
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "path");
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s", dir, dir, lua_tostring(L, -1));
  lua_setfield(L, -3, "path");
  lua_pop(L, 2);
}

static int panic (lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "chainplot: unprotected Lua error: %s\n", msg ? msg : "?");
  return 0;  /* Lua aborts */
}

cp_script *cp_script_new (int trust, size_t memlimit, long budget) {
  cp_script *S = calloc(1, sizeof *S);
  lua_State *L;
  const char *env;
  if (!S) return NULL;
  S->trust = trust;
  S->limit = 0;
  S->budget = S->left = budget > 0 ? budget : 50000000L;
  S->model = S->curves = S->prevmodel = S->prevcurves = LUA_NOREF;
  S->compile = 1;
  L = S->L = lua_newstate(limited_alloc, S);
  if (!L) {
    free(S);
    return NULL;
  }
  lua_atpanic(L, panic);
  luaL_openlibs(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_chainrule_core);
  lua_setfield(L, -2, "chainrule.core");
  lua_pop(L, 1);
  /* installed modules first, then the source tree, then $CHAINPLOT_LUA (searched first) */
  addpath(L, CP_LUADIR);
  addpath(L, CP_SRCDIR "/lua");
  if ((env = getenv("CHAINPLOT_LUA")) != NULL && *env) addpath(L, env);
  if (!trust) {
    lua_getglobal(L, "package");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");  /* no C modules from scripts */
    lua_pop(L, 1);
  }
  S->limit = memlimit;
  S->owned = 1;
  *(cp_script **)lua_getextraspace(L) = S;
  lua_sethook(L, counthook, LUA_MASKCOUNT, 1000);
  return S;
}

cp_script *cp_script_wrap (lua_State *L) {
  cp_script *S = calloc(1, sizeof *S);
  if (!S) return NULL;
  S->L = L;
  S->trust = 1;
  S->budget = S->left = 1;
  S->model = S->curves = S->prevmodel = S->prevcurves = LUA_NOREF;
  S->compile = 1;
  return S;
}

void cp_script_free (cp_script *S) {
  if (!S) return;
  if (S->owned) lua_close(S->L);
  else {
    luaL_unref(S->L, LUA_REGISTRYINDEX, S->model);
    luaL_unref(S->L, LUA_REGISTRYINDEX, S->curves);
    cp_script_commit(S);
  }
  free(S);
}

lua_State *cp_script_lua (cp_script *S) {
  return S->L;
}

const char *cp_script_error (const cp_script *S) {
  return S->err;
}

int cp_script_loaded (const cp_script *S) {
  return S->model != LUA_NOREF;
}

void cp_script_budget (cp_script *S) {
  S->left = S->budget;
}

void cp_script_setcompile (cp_script *S, int on) {
  S->compile = on;
}

const char *cp_script_paths (const cp_script *S) {
  return S->paths;
}

/* stages list on top (or nil): fills T, T->n = 0 when the curve stays on Lua closures */
static void readstages (lua_State *L, cp_stages *T) {
  int i, n = lua_istable(L, -1) ? (int)luaL_len(L, -1) : 0;
  T->n = 0;
  T->cost = 0;
  if (n < 1 || n > MAXSTAGES) return;
  for (i = 0; i < n; i++) {
    int order = 0, j;
    lua_geti(L, -1, i + 1);
    if (!lua_istable(L, -1)) { lua_pop(L, 1); return; }
    lua_geti(L, -1, 1);
    T->prog[i] = lcompile_prog(L, -1, &order);
    lua_geti(L, -2, 2);
    j = (int)lua_tointeger(L, -1);
    lua_pop(L, 3);
    if (T->prog[i] == NULL || j < 0 || j > order || order + 1 > MAXOUTS) return;
    T->out[i] = j;
    T->nouts[i] = order + 1;
    T->cost += (long)cr_prog_ninst(T->prog[i]) + 1;
  }
  T->n = n;
}

/* the model on top: which curves are compiled, and a line saying which path each piece takes */
void cps_readcompiled (cp_script *S) {
  lua_State *L = S->L;
  int p, c, np, n, i;
  size_t len = 0;
  memset(S->st, 0, sizeof S->st);
  S->paths[0] = 0;
  lua_getfield(L, -1, "panels");
  np = lua_istable(L, -1) ? (int)luaL_len(L, -1) : 0;
  for (p = 0; p < np && p < CP_MAXPANELS; p++) {
    lua_geti(L, -1, p + 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "shadestages");
      readstages(L, &S->st[p][0]);
      lua_pop(L, 1);
      lua_getfield(L, -1, "curves");
      n = lua_istable(L, -1) ? (int)luaL_len(L, -1) : 0;
      for (c = 0; c < n && c < CP_MAXCURVES; c++) {
        lua_geti(L, -1, c + 1);
        if (lua_istable(L, -1)) {
          lua_getfield(L, -1, "stages");
          readstages(L, &S->st[p][c + 1]);
          lua_pop(L, 1);
        }
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  /* "inner: compiled (7 instructions)\nouter: duals (...: the function branches ...)" */
  lua_getfield(L, -1, "pieces");
  n = lua_istable(L, -1) ? (int)luaL_len(L, -1) : 0;
  for (i = 1; i <= n && len < sizeof S->paths - 1; i++) {
    char name[32], why[120];
    lua_geti(L, -1, i);
    cps_getstr(L, -1, "name", name, sizeof name);
    cps_getstr(L, -1, "reason", why, sizeof why);
    lua_getfield(L, -1, "compiled");
    if (lua_toboolean(L, -1))
      len += (size_t)snprintf(S->paths + len, sizeof S->paths - len, "%s%s: compiled (%d instructions)",
                              i > 1 ? "\n" : "", name, (int)cps_getnum(L, -2, "size", 0));
    else
      len += (size_t)snprintf(S->paths + len, sizeof S->paths - len, "%s%s: duals (%s)",
                              i > 1 ? "\n" : "", name, why);
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  if (len >= sizeof S->paths) len = sizeof S->paths - 1;
}

/* model on top: builds curves[p][c] = fn, curves[p][0] = coverage, and takes the model */
int cps_adopt (cp_script *S) {
  lua_State *L = S->L;
  int p, c, np, isgraph;
  lua_newtable(L);
  lua_getfield(L, -2, "panels");
  np = (int)luaL_len(L, -1);
  lua_getfield(L, -3, "graph");  /* a graph model has no panels: the graph view draws it */
  isgraph = lua_isfunction(L, -1);
  lua_pop(L, 1);
  if ((np < 1 && !isgraph) || np > CP_MAXPANELS) {
    lua_pop(L, 3);
    snprintf(S->err, sizeof S->err, "model has %d panels (1 to %d allowed)", np, CP_MAXPANELS);
    return -1;
  }
  for (p = 1; p <= np; p++) {
    int nc;
    lua_newtable(L);
    lua_geti(L, -2, p);
    lua_getfield(L, -1, "shade");
    lua_seti(L, -3, 0);
    lua_getfield(L, -1, "curves");
    nc = (int)luaL_len(L, -1);
    for (c = 1; c <= nc && c <= CP_MAXCURVES; c++) {
      lua_geti(L, -1, c);
      lua_getfield(L, -1, "fn");
      lua_seti(L, -5, c);
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
    lua_seti(L, -3, p);
  }
  lua_pop(L, 1);
  cp_script_commit(S);  /* keep the model being replaced, for cp_script_revert */
  S->prevcurves = S->curves;
  S->prevmodel = S->model;
  memcpy(S->prevst, S->st, sizeof S->st);
  memcpy(S->prevpaths, S->paths, sizeof S->paths);
  S->curves = luaL_ref(L, LUA_REGISTRYINDEX);
  cps_readcompiled(S);
  S->model = luaL_ref(L, LUA_REGISTRYINDEX);
  S->err[0] = 0;
  return 0;
}

void cp_script_commit (cp_script *S) {
  luaL_unref(S->L, LUA_REGISTRYINDEX, S->prevmodel);
  luaL_unref(S->L, LUA_REGISTRYINDEX, S->prevcurves);
  S->prevmodel = S->prevcurves = LUA_NOREF;
}

int cp_script_revert (cp_script *S) {
  if (S->prevmodel == LUA_NOREF) return -1;
  luaL_unref(S->L, LUA_REGISTRYINDEX, S->model);
  luaL_unref(S->L, LUA_REGISTRYINDEX, S->curves);
  S->model = S->prevmodel;
  S->curves = S->prevcurves;
  memcpy(S->st, S->prevst, sizeof S->st);
  memcpy(S->paths, S->prevpaths, sizeof S->paths);
  S->prevmodel = S->prevcurves = LUA_NOREF;
  return 0;
}

int cp_script_pushmodel (cp_script *S) {
  if (S->model == LUA_NOREF) {
    lua_pushnil(S->L);
    return 0;
  }
  lua_rawgeti(S->L, LUA_REGISTRYINDEX, S->model);
  return 1;
}

int cp_script_call (cp_script *S, int nargs, int nres) {
  if (cps_pcallk(S, nargs, nres) != LUA_OK) {
    cps_seterr(S, "");
    return -1;
  }
  return 0;
}

int cp_script_setmodel (cp_script *S) {
  return cps_adopt(S);
}

/* budget(true) while a piece is traced: a small budget of its own; budget(false) restores */
int cps_tracebudget (lua_State *L) {
  cp_script *S = *(cp_script **)lua_getextraspace(L);
  if (lua_toboolean(L, 1)) {
    S->saved = S->left;
    S->left = TRACE_BUDGET < S->budget ? TRACE_BUDGET : S->budget;
  }
  else S->left = S->saved;
  return 0;
}

static int l_loadmodel (lua_State *L) {
  /* plotscript.model(plotscript.load(path, trust), path, {compile = , budget = }) */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "chainrule.plotscript");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "model");
  lua_getfield(L, -2, "load");
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_call(L, 2, 1);
  lua_pushvalue(L, 1);
  lua_createtable(L, 0, 2);
  lua_pushboolean(L, lua_toboolean(L, 3));
  lua_setfield(L, -2, "compile");
  lua_pushcfunction(L, cps_tracebudget);
  lua_setfield(L, -2, "budget");
  lua_call(L, 3, 1);
  return 1;
}

int cp_script_load (cp_script *S, const char *path) {
  lua_State *L = S->L;
  cp_script_budget(S);
  lua_pushcfunction(L, l_loadmodel);
  lua_pushstring(L, path);
  lua_pushboolean(L, S->trust);
  lua_pushboolean(L, S->compile);
  if (cps_pcallk(S, 3, 1) != LUA_OK) {
    cps_seterr(S, "");
    lua_gc(L, LUA_GCCOLLECT, 0);
    return -1;
  }
  return cps_adopt(S);
}
