/* cp_script.c: a Lua state with limits (memory via lua_Alloc, instructions via a count hook) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "cr_prog.h"
#include "lcompile.h"
#include "cp_script.h"

#define MAXSTAGES 5     /* links of a chain (4) and one more */
#define MAXOUTS 9       /* value and up to 8 derivatives */
#define TRACE_BUDGET 2000000L  /* instructions to trace one piece: bounds the graph it builds */

/* a curve evaluated in C: output out[0] of prog[0], fed to prog[1] and so on */
typedef struct cp_stages {
  int n;
  const cr_prog *prog[MAXSTAGES];
  int out[MAXSTAGES], nouts[MAXSTAGES];
  long cost;            /* instructions per point, charged to the budget */
} cp_stages;

int luaopen_chainrule_core (lua_State *L);

struct cp_script {
  lua_State *L;
  int owned;            /* L was created here (and is closed here) */
  int trust;
  size_t used, limit;
  long budget, left;
  int model;            /* registry ref of the model, LUA_NOREF before the first good load */
  int curves;           /* registry ref: curves[p][c] functions, coverage at [p][0] */
  int compile;          /* compile pieces when they allow it */
  long saved;           /* budget left while a piece is traced */
  cp_stages st[CP_MAXPANELS][CP_MAXCURVES + 1];  /* [p][0]: coverage, [p][c + 1]: curve c */
  char paths[240];
  int prevmodel, prevcurves;  /* the model a load replaced, until commit or revert */
  cp_stages prevst[CP_MAXPANELS][CP_MAXCURVES + 1];
  char prevpaths[240];
  double width;         /* of the x view, for the cursor read-out (0: the script's) */
  char err[800];
};

static void getstr (lua_State *L, int idx, const char *k, char *buf, size_t n);
static double getnum (lua_State *L, int idx, const char *k, double d);

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

static void seterr (cp_script *S, const char *prefix) {
  const char *m = lua_tostring(S->L, -1);
  snprintf(S->err, sizeof S->err, "%s%s", prefix, m ? m : "(error object is not a string)");
  lua_pop(S->L, 1);
}

static int pcallk (cp_script *S, int nargs, int nres) {
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
static void readcompiled (cp_script *S) {
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
    getstr(L, -1, "name", name, sizeof name);
    getstr(L, -1, "reason", why, sizeof why);
    lua_getfield(L, -1, "compiled");
    if (lua_toboolean(L, -1))
      len += (size_t)snprintf(S->paths + len, sizeof S->paths - len, "%s%s: compiled (%d instructions)",
                              i > 1 ? "\n" : "", name, (int)getnum(L, -2, "size", 0));
    else
      len += (size_t)snprintf(S->paths + len, sizeof S->paths - len, "%s%s: duals (%s)",
                              i > 1 ? "\n" : "", name, why);
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  if (len >= sizeof S->paths) len = sizeof S->paths - 1;
}

/* model on top: builds curves[p][c] = fn, curves[p][0] = coverage, and takes the model */
static int adopt (cp_script *S) {
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
  readcompiled(S);
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
  if (pcallk(S, nargs, nres) != LUA_OK) {
    seterr(S, "");
    return -1;
  }
  return 0;
}

int cp_script_setmodel (cp_script *S) {
  return adopt(S);
}

/* budget(true) while a piece is traced: a small budget of its own; budget(false) restores */
static int l_tracebudget (lua_State *L) {
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
  lua_pushcfunction(L, l_tracebudget);
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
  if (pcallk(S, 3, 1) != LUA_OK) {
    seterr(S, "");
    lua_gc(L, LUA_GCCOLLECT, 0);
    return -1;
  }
  return adopt(S);
}

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
  lua_pushcfunction(L, l_tracebudget);
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
  if (pcallk(S, 4, 1) != LUA_OK) {
    seterr(S, "");
    lua_gc(L, LUA_GCCOLLECT, 0);
    return -1;
  }
  return adopt(S);
}

static void getstr (lua_State *L, int idx, const char *k, char *buf, size_t n);

int cp_script_formula (cp_script *S, char *text, size_t n, int *depth, int *nlinks, int *chain) {
  lua_State *L = S->L;
  int top = lua_gettop(L), ok = 0;
  if (S->model == LUA_NOREF) return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  lua_getfield(L, -1, "formula");
  if (lua_istable(L, -1)) {
    ok = 1;
    getstr(L, -1, "text", text, n);
    *depth = (int)getnum(L, -1, "depth", 0);
    *nlinks = (int)getnum(L, -1, "nlinks", 0);
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
  if (pcallk(S, 1, 1) != LUA_OK) { seterr(S, ""); lua_settop(L, top); return NULL; }
  lua_getfield(L, -1, "script");
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  lua_getfield(L, -1, "formula");
  lua_remove(L, -2);
  if (lua_istable(L, -1)) {
    lua_pushnumber(L, x0);
    lua_pushnumber(L, x1);
    if (pcallk(S, 3, 1) != LUA_OK) seterr(S, "");
    else if (lua_isstring(L, -1)) {
      size_t n;
      const char *t = lua_tolstring(L, -1, &n);
      if ((r = malloc(n + 1)) != NULL) memcpy(r, t, n + 1);
    }
  }
  lua_settop(L, top);
  return r;
}

static void getstr (lua_State *L, int idx, const char *k, char *buf, size_t n) {
  if (!lua_istable(L, idx)) {
    buf[0] = 0;
    return;
  }
  lua_getfield(L, idx, k);
  snprintf(buf, n, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
  lua_pop(L, 1);
}

static double getnum (lua_State *L, int idx, const char *k, double d) {
  double v;
  int ok;
  if (!lua_istable(L, idx)) return d;  /* never an unprotected error on a malformed model */
  lua_getfield(L, idx, k);
  v = lua_tonumberx(L, -1, &ok);
  lua_pop(L, 1);
  return ok ? v : d;
}

void cp_script_describe (cp_script *S, cp_frame *F, double *x0, double *x1) {
  lua_State *L = S->L;
  int p, c, np, i, top = lua_gettop(L);
  if (S->model == LUA_NOREF) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  getstr(L, -1, "title", F->title, sizeof F->title);
  lua_getfield(L, -1, "x");
  lua_geti(L, -1, 1);
  lua_geti(L, -2, 2);
  *x0 = lua_tonumber(L, -2);
  *x1 = lua_tonumber(L, -1);
  lua_pop(L, 3);
  lua_getfield(L, -1, "panels");
  np = (int)luaL_len(L, -1);
  F->npanels = np;
  for (p = 0; p < np; p++) {
    cp_panel *P = &F->panels[p];
    lua_geti(L, -1, p + 1);
    getstr(L, -1, "title", P->title, sizeof P->title);
    getstr(L, -1, "axis", P->axis, sizeof P->axis);
    P->isx = strcmp(P->axis, "x") == 0;
    lua_getfield(L, -1, "shade");
    P->shade = !lua_isnil(L, -1);
    lua_getfield(L, -2, "axis2");
    P->axis2 = lua_toboolean(L, -1);
    lua_pop(L, 2);
    lua_getfield(L, -1, "curves");
    P->ncurves = (int)luaL_len(L, -1);
    if (P->ncurves > CP_MAXCURVES) P->ncurves = CP_MAXCURVES;
    for (c = 0; c < P->ncurves; c++) {
      cp_curve *C = &P->curves[c];
      lua_geti(L, -1, c + 1);
      getstr(L, -1, "label", C->label, sizeof C->label);
      lua_getfield(L, -1, "light");
      C->light = lua_toboolean(L, -1);
      lua_getfield(L, -2, "color");
      for (i = 0; i < 3; i++) {
        lua_geti(L, -1, i + 1);
        (&C->color.r)[i] = (unsigned char)lua_tointeger(L, -1);
        lua_pop(L, 1);
      }
      C->color.a = 255;
      lua_pop(L, 3);
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  lua_getfield(L, -1, "params");
  F->nsliders = (int)luaL_len(L, -1);
  if (F->nsliders > CP_MAXPARAMS) F->nsliders = CP_MAXPARAMS;
  for (i = 0; i < F->nsliders; i++) {
    cp_slider *sl = &F->sliders[i];
    lua_geti(L, -1, i + 1);
    getstr(L, -1, "name", sl->name, sizeof sl->name);
    sl->value = getnum(L, -1, "value", 0);
    sl->min = getnum(L, -1, "min", 0);
    sl->max = getnum(L, -1, "max", 1);
    sl->step = getnum(L, -1, "step", 0);
    sl->initial = getnum(L, -1, "initial", sl->value);
    lua_pop(L, 1);
  }
  lua_settop(L, top);
}

/* a compiled curve: each stage one point through its program, no Lua call */
static int evalstages (cp_script *S, const cp_stages *T, double t, double *y) {
  double res[MAXOUTS], *outs[MAXOUTS];
  int i, j;
  if (S->owned && (S->left -= T->cost) < 0) {  /* C time counts against the frame's budget too */
    S->left = S->budget;
    snprintf(S->err, sizeof S->err, "script ran too long (over %d million instructions in one "
             "frame; an infinite loop?)", (int)(S->budget / 1000000));
    *y = NAN;
    return 1;
  }
  for (i = 0; i < T->n; i++) {
    for (j = 0; j < T->nouts[i]; j++) outs[j] = &res[j];
    if (cr_prog_eval(T->prog[i], &t, 1, outs) != 0) {
      snprintf(S->err, sizeof S->err, "not enough memory");
      *y = NAN;
      return 1;
    }
    /* a derivative where its function is undefined is not drawn */
    t = (T->out[i] == 0 || isfinite(res[0])) ? res[T->out[i]] : NAN;
  }
  *y = t;
  return 0;
}

int cp_script_eval (void *ud, double t, double *y) {
  cp_curveref *r = ud;
  cp_script *S = r->S;
  lua_State *L = S->L;
  if (r->panel >= 0 && r->panel < CP_MAXPANELS && r->curve >= -1 && r->curve < CP_MAXCURVES
      && S->st[r->panel][r->curve + 1].n > 0)
    return evalstages(S, &S->st[r->panel][r->curve + 1], t, y);
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->curves);
  lua_geti(L, -1, r->panel + 1);
  lua_geti(L, -1, r->curve + 1);
  lua_remove(L, -2);
  lua_remove(L, -2);
  lua_pushnumber(L, t);
  if (pcallk(S, 1, 1) != LUA_OK) {
    seterr(S, "");
    *y = NAN;
    return 1;
  }
  *y = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
  lua_pop(L, 1);
  return 0;
}

static int l_cursor (lua_State *L) {
  lua_getfield(L, 1, "cursor");
  lua_pushvalue(L, 2);
  if (lua_tonumber(L, 3) > 0) lua_pushvalue(L, 3);
  else lua_pushnil(L);
  lua_call(L, 2, 3);
  return 3;
}

void cp_script_setview (cp_script *S, double x0, double x1) {
  S->width = x1 - x0;
}

int cp_script_cursor (cp_script *S, cp_frame *F, double x0, double *vals, int nvals) {
  lua_State *L = S->L;
  int p, c, n = 0, top = lua_gettop(L);
  if (S->model == LUA_NOREF) return -1;
  lua_pushcfunction(L, l_cursor);
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  lua_pushnumber(L, x0);
  lua_pushnumber(L, S->width);
  if (pcallk(S, 3, 3) != LUA_OK) {
    seterr(S, "");
    for (p = 0; p < F->npanels; p++) F->panels[p].cursor = 0;
    F->readout[0] = 0;  /* never a stale read-out */
    return -1;
  }
  if (!lua_istable(L, -3)) {
    lua_settop(L, top);
    snprintf(S->err, sizeof S->err, "the model's cursor returned no table of marks");
    return -1;
  }
  for (p = 0; p < F->npanels; p++) {
    cp_panel *P = &F->panels[p];
    lua_geti(L, -3, p + 1);
    P->cursor = lua_istable(L, -1);
    P->ct = getnum(L, -1, "t", NAN);
    if (P->cursor) lua_getfield(L, -1, "marks");
    else lua_pushnil(L);
    for (c = 0; c < P->ncurves; c++) {
      cp_mark *m = &P->marks[c];
      if (lua_istable(L, -1)) lua_geti(L, -1, c + 1);
      else lua_pushnil(L);
      m->y = getnum(L, -1, "y", NAN);
      m->slope = getnum(L, -1, "slope", NAN);
      m->has_slope = !isnan(m->slope);
      m->yl = getnum(L, -1, "yl", NAN);
      m->yr = getnum(L, -1, "yr", NAN);
      if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "undefined");
        m->undefined = lua_toboolean(L, -1);
        lua_pop(L, 1);
      } else m->undefined = 0;
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
  }
  snprintf(F->readout, sizeof F->readout, "%s", lua_isstring(L, -2) ? lua_tostring(L, -2) : "");
  if (vals && lua_istable(L, -1)) {
    /* x, u[1..n], d[1..n], h, dh (or x, f, f', f'', f''') */
    int i;
    lua_getfield(L, -1, "u");
    if (lua_istable(L, -1)) {
      int k, nl;
      lua_getfield(L, -2, "d");
      nl = (int)luaL_len(L, -1);
      if (n < nvals) vals[n++] = x0;
      for (k = 1; k <= nl; k++) {
        lua_geti(L, -2, k);
        if (n < nvals) vals[n++] = lua_tonumber(L, -1);
        lua_pop(L, 1);
      }
      for (k = 1; k <= nl; k++) {
        lua_geti(L, -1, k);
        if (n < nvals) vals[n++] = lua_tonumber(L, -1);
        lua_pop(L, 1);
      }
      lua_pop(L, 2);
      if (n < nvals) vals[n++] = getnum(L, -1, "h", NAN);
      if (n < nvals) vals[n++] = getnum(L, -1, "dh", NAN);
    } else {
      static const char *const k[] = {"x", "f", "df", "d2f", "d3f"};
      lua_pop(L, 1);
      for (i = 0; i < 5 && n < nvals; i++) vals[n++] = getnum(L, -1, k[i], NAN);
    }
  }
  lua_settop(L, top);
  return n;
}

int cp_script_setparam (cp_script *S, cp_frame *F, int i, double v) {
  lua_State *L = S->L;
  int top = lua_gettop(L);
  if (S->model == LUA_NOREF || i < 0 || i >= F->nsliders) return -1;
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  lua_getfield(L, -1, "setparam");
  lua_pushinteger(L, i + 1);
  lua_pushnumber(L, v);
  if (pcallk(S, 2, 0) != LUA_OK) {
    seterr(S, "");
    readcompiled(S);  /* never keep pointers to programs the model may have dropped */
    lua_settop(L, top);
    return -1;
  }
  readcompiled(S);  /* the pieces were compiled again with the new value */
  lua_getfield(L, -1, "params");
  lua_geti(L, -1, i + 1);
  F->sliders[i].value = getnum(L, -1, "value", v);
  lua_settop(L, top);
  return 0;
}
