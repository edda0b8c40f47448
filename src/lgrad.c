/* lgrad.c: chainrule.Gradient, a traced function of many inputs compiled with its reverse sweep */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "cr_grad.h"
#include "ldual.h"
#include "lexpr.h"
#include "lcompile.h"
#include "lgrad.h"

#define CR_GRADIENT_TNAME "chainrule.Gradient"
#define INPUTS_MAX (1 << 24)
#define CHUNK 64   /* array entries read per stack pop */

typedef struct Gradient {
  cr_grad *G;
  int n, ndata;   /* inputs; data per row, or -1 for the one-array form */
  int fast;
  size_t size;
  double *x, *grad;   /* reused per call: a fresh buffer per call costs page faults */
  double *cols;       /* the rows' columns, grown to the largest batch seen */
  size_t capcols;
} Gradient;

/* the Gradient at idx, or NULL: the metatable alone can be put on any userdata, so check the size */
static Gradient *togradient (lua_State *L, int idx) {
  Gradient *g = (Gradient *)luaL_testudata(L, idx, CR_GRADIENT_TNAME);
  return (g && lua_rawlen(L, idx) == sizeof(Gradient)) ? g : NULL;
}

static Gradient *anygrad (lua_State *L) {
  Gradient *g = togradient(L, 1);
  if (g == NULL) ldual_typeerror(L, 1, CR_GRADIENT_TNAME);
  return g;
}

static Gradient *checkgrad (lua_State *L) {
  Gradient *g = anygrad(L);
  if (g->G == NULL) luaL_error(L, "compiled gradient already closed");
  return g;
}

/*
** core.gradsyms(k, prefix): a new array of the symbols prefix[1] .. prefix[k] (no user symbol has
** that name).  The symbols are kept in the upvalue, so a later compile does not look their names
** up again (the pool finds a name by a linear search).
*/
static int l_gradsyms (lua_State *L) {
  lua_Integer k = luaL_checkinteger(L, 1), i, have;
  const char *prefix = luaL_checkstring(L, 2);
  cr_expr *E = lexpr_pool(L);
  luaL_argcheck(L, k >= 0 && k <= INPUTS_MAX, 1, "count out of range");
  lua_settop(L, 2);
  if (lua_getfield(L, lua_upvalueindex(1), prefix) != LUA_TTABLE) {  /* index 3: the cache */
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, lua_upvalueindex(1), prefix);
  }
  have = (lua_Integer)lua_rawlen(L, 3);
  for (i = have + 1; i <= k; i++) {
    char name[48];
    snprintf(name, sizeof name, "%.16s[%d]", prefix, (int)i);
    lexpr_push(L, cr_expr_var(E, name));
    lua_rawseti(L, 3, i);
  }
  lua_createtable(L, (int)k, 0);
  for (i = 1; i <= k; i++) {
    lua_rawgeti(L, 3, i);
    lua_rawseti(L, -2, i);
  }
  return 1;
}

/* nodes of the k symbols in the table at idx, in a userdata left on the stack */
static int *symnodes (lua_State *L, int idx, int k) {
  int *nodes = (int *)lua_newuserdatauv(L, (size_t)(k + 1) * sizeof(int), 0), i;
  for (i = 0; i < k; i++) {
    lua_rawgeti(L, idx, i + 1);
    nodes[i] = lexpr_node(L, lua_gettop(L));
    lua_pop(L, 1);
  }
  return nodes;
}

/* core.gradprog(y, xs, ds|nil, fast, limit): y an Expr or number of the symbols xs (and ds) */
static int l_gradprog (lua_State *L) {
  cr_expr *E = lexpr_pool(L);
  int y = lexpr_node(L, 1), nin, ndat, *ins, *dat, e, bad = CR_NONE;
  int fast = lua_toboolean(L, 4);
  lua_Number limit = luaL_checknumber(L, 5);
  Gradient *g;
  size_t size = 0;
  luaL_argcheck(L, y != CR_NONE, 1, "expression expected");
  luaL_checktype(L, 2, LUA_TTABLE);
  nin = (int)lua_rawlen(L, 2);
  ndat = lua_istable(L, 3) ? (int)lua_rawlen(L, 3) : -1;
  lua_settop(L, 5);
  ins = symnodes(L, 2, nin);
  dat = ndat >= 0 ? symnodes(L, 3, ndat) : NULL;
  g = (Gradient *)lua_newuserdatauv(L, sizeof(Gradient), 1);
  g->G = NULL;
  g->n = nin;
  g->ndata = ndat;
  g->fast = fast;
  g->size = 0;
  g->x = g->grad = g->cols = NULL;
  g->capcols = 0;
  luaL_setmetatable(L, CR_GRADIENT_TNAME);
  g->x = (double *)malloc((size_t)(nin + 1) * sizeof(double));
  g->grad = (double *)malloc((size_t)(nin + 1) * sizeof(double));
  if (g->x == NULL || g->grad == NULL) return luaL_error(L, "not enough memory");
  e = cr_grad_build(E, y, ins, nin, dat, ndat > 0 ? ndat : 0, fast, (size_t)limit, &g->G, &bad,
                    &size);
  /* the caller's mistakes come back as nil and a message, raised at the caller's level */
  if (e == CR_GRAD_FREEVAR) {
    lua_pushnil(L);
    lua_pushfstring(L, "compile: the function depends on the free symbol '%s'",
                    cr_expr_varname(E, cr_expr_varid(E, bad)));
    return 2;
  }
  if (e == CR_GRAD_TOOBIG) {
    lua_pushnil(L);
    lua_pushfstring(L, "compile: the gradient program needs more than %d slots, instructions "
                    "and edges (the limit; set opts.limit to raise it)", (int)limit);
    return 2;
  }
  if (e != CR_GRAD_OK) return luaL_error(L, "not enough memory");
  g->size = size;
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);  /* G.expr: the traced output */
  return 1;
}

static int grad_gc (lua_State *L) {
  Gradient *g = togradient(L, 1);  /* a forged block is not ours to free */
  if (g == NULL) return 0;
  cr_grad_free(g->G);
  free(g->x);
  free(g->grad);
  free(g->cols);
  g->G = NULL;
  g->x = g->grad = g->cols = NULL;
  g->capcols = 0;
  return 0;
}

static int argfail (lua_State *L, int arg, const char *fname, const char *msg) {
  return luaL_error(L, "bad argument #%d to '%s' (%s)", arg, fname, msg);
}

/* the array at idx of exactly n numbers into x[]; errors as cr.gradient words them */
static void readarray (lua_State *L, int idx, int top, int n, double *x, const char *fname) {
  int i, len;
  size_t alen;
  const double *a = idx <= top ? lcompile_array(L, idx, &alen) : NULL;
  if (a != NULL) {  /* a chainrule.Array: its doubles as they are */
    if (alen != (size_t)n) {
      lua_pushfstring(L, "array of %d numbers expected, got %d", n, (int)alen);
      argfail(L, idx, fname, lua_tostring(L, -1));
    }
    memcpy(x, a, (size_t)n * sizeof(double));
    return;
  }
  if (idx > top || lua_type(L, idx) != LUA_TTABLE || lua_getmetatable(L, idx)) {
    lua_pushfstring(L, "array of %d numbers expected, got %s", n,
                    idx > top ? "no value" : ldual_typename(L, idx));
    argfail(L, idx, fname, lua_tostring(L, -1));
  }
  len = (int)lua_rawlen(L, idx);
  if (len != n) {
    lua_pushfstring(L, "array of %d numbers expected, got %d", n, len);
    argfail(L, idx, fname, lua_tostring(L, -1));
  }
  luaL_checkstack(L, CHUNK, "too many inputs");
  for (i = 0; i < n; i += CHUNK) {  /* one pop per chunk, not per entry */
    int j, m = n - i < CHUNK ? n - i : CHUNK;
    for (j = 0; j < m; j++) {
      if (lua_rawgeti(L, idx, i + j + 1) != LUA_TNUMBER) {
        lua_pushfstring(L, "array of numbers expected, got %s at index %d", ldual_typename(L, -1),
                        i + j + 1);
        argfail(L, idx, fname, lua_tostring(L, -1));
      }
      x[i + j] = lua_tonumberx(L, -1, NULL);
    }
    lua_pop(L, m);
  }
}

/* the rows at idx, checked once, as columns in g's buffer */
static double *readrows (lua_State *L, Gradient *g, int idx, int top, size_t *nrows,
                         const char *fname) {
  int m = g->ndata;
  size_t n, r;
  double *cols;
  int j;
  if (idx > top || lua_type(L, idx) != LUA_TTABLE || lua_getmetatable(L, idx)) {
    lua_pushfstring(L, "array of rows expected, got %s",
                    idx > top ? "no value" : ldual_typename(L, idx));
    argfail(L, idx, fname, lua_tostring(L, -1));
  }
  n = (size_t)lua_rawlen(L, idx);
  if (n * (size_t)m + 1 > g->capcols) {
    double *nc = (double *)realloc(g->cols, (n * (size_t)m + 1) * sizeof(double));
    if (nc == NULL) luaL_error(L, "not enough memory");
    g->cols = nc;
    g->capcols = n * (size_t)m + 1;
  }
  cols = g->cols;
  for (r = 0; r < n; r++) {
    int len;
    if (lua_rawgeti(L, idx, (lua_Integer)r + 1) != LUA_TTABLE || lua_getmetatable(L, -1)) {
      lua_pushfstring(L, "row %d: array of %d numbers expected, got %s", (int)r + 1, m,
                      ldual_typename(L, -1 - lua_istable(L, -1)));
      argfail(L, idx, fname, lua_tostring(L, -1));
    }
    len = (int)lua_rawlen(L, -1);
    if (len != m) {
      lua_pushfstring(L, "row %d: array of %d numbers expected, got %d", (int)r + 1, m, len);
      argfail(L, idx, fname, lua_tostring(L, -1));
    }
    for (j = 0; j < m; j++) {
      if (lua_rawgeti(L, -1, j + 1) != LUA_TNUMBER) {
        lua_pushfstring(L, "row %d: number expected at index %d, got %s", (int)r + 1, j + 1,
                        ldual_typename(L, -1));
        argfail(L, idx, fname, lua_tostring(L, -1));
      }
      cols[(size_t)j * n + r] = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  *nrows = n;
  return cols;
}

/* inputs (and rows) from the stack, then the sums; grad NULL for the value alone; nargs
   counts self and an optional out table */
static double evaluate (lua_State *L, Gradient *g, int top, int nargs, double *grad,
                        const char *fname) {
  int e;
  double *x = g->x, val;
  if (top > nargs) {
    lua_pushfstring(L, "no more than %d arguments expected", nargs);
    argfail(L, nargs + 1, fname, lua_tostring(L, -1));
  }
  readarray(L, 2, top, g->n, x, fname);
  if (g->ndata >= 0) {
    size_t nrows;
    const double *cols = readrows(L, g, 3, top, &nrows, fname);
    e = cr_grad_batch(g->G, x, cols, nrows, grad, &val);
  }
  else e = cr_grad_eval(g->G, x, grad, &val);
  if (e != 0) luaL_error(L, "not enough memory");
  return val;
}

/* G:gradient(x [, out]) or G:gradient(w, rows [, out]): the gradient array (out when given,
   written in place), then the value (summed over rows) */
static int grad_gradient (lua_State *L) {
  Gradient *g = checkgrad(L);
  double *grad = g->grad, val;
  int i, res, top = lua_gettop(L), outarg = g->ndata >= 0 ? 4 : 3;
  size_t alen;
  double *out = top >= outarg ? lcompile_array(L, outarg, &alen) : NULL;
  if (out != NULL && alen != (size_t)g->n) {
    lua_pushfstring(L, "array of %d numbers expected for the result, got %d", g->n, (int)alen);
    argfail(L, outarg, "gradient", lua_tostring(L, -1));
  }
  if (out == NULL && top >= outarg && !lua_isnil(L, outarg) && lua_type(L, outarg) != LUA_TTABLE) {
    lua_pushfstring(L, "table or array expected for the result, got %s", ldual_typename(L, outarg));
    argfail(L, outarg, "gradient", lua_tostring(L, -1));
  }
  val = evaluate(L, g, top, outarg, grad, "gradient");
  if (out == NULL && (top < outarg || lua_isnil(L, outarg)) && lcompile_array(L, 2, &alen)) {
    out = lcompile_newarray(L, (size_t)g->n);  /* an Array in gives an Array out */
    res = lua_gettop(L);
  }
  else if (out != NULL || lua_istable(L, outarg)) res = outarg;
  else {
    lua_createtable(L, g->n, 0);
    res = lua_gettop(L);
  }
  if (out != NULL) {
    memcpy(out, grad, (size_t)g->n * sizeof(double));
    lua_pushvalue(L, res);
    lua_pushnumber(L, val);
    return 2;
  }
  for (i = 0; i < g->n; i++) {
    lua_pushnumber(L, grad[i]);
    lua_rawseti(L, res, i + 1);
  }
  lua_pushvalue(L, res);
  lua_pushnumber(L, val);
  return 2;
}

/* G:value(x) or G:value(w, rows): f alone, without the partials and the sweep */
static int grad_value (lua_State *L) {
  Gradient *g = checkgrad(L);
  int top = lua_gettop(L);
  lua_pushnumber(L, evaluate(L, g, top, g->ndata >= 0 ? 3 : 2, NULL, "value"));
  return 1;
}

static int grad_call (lua_State *L) {
  Gradient *g = checkgrad(L);
  int top = lua_gettop(L);
  lua_pushnumber(L, evaluate(L, g, top, g->ndata >= 0 ? 3 : 2, NULL, "value"));
  return 1;
}

static void pusharray (lua_State *L, const double *v, int n) {
  int i;
  lua_createtable(L, n, 0);
  for (i = 0; i < n; i++) {
    lua_pushnumber(L, v[i]);
    lua_rawseti(L, -2, i + 1);
  }
}

/* G:hvp(x, v) or G:hvp(w, rows, v): H v, the gradient and the value (summed over the rows) */
static int grad_hvp (lua_State *L) {
  Gradient *g = checkgrad(L);
  int top = lua_gettop(L), nargs = g->ndata >= 0 ? 4 : 3, e;
  size_t nrows = 0;
  const double *cols = NULL;
  double *dir, *hv, val;
  if (top > nargs) {
    lua_pushfstring(L, "no more than %d arguments expected", nargs);
    argfail(L, nargs + 1, "hvp", lua_tostring(L, -1));
  }
  dir = (double *)lua_newuserdatauv(L, 2 * ((size_t)g->n + 1) * sizeof(double), 0);
  hv = dir + g->n + 1;
  readarray(L, 2, top, g->n, g->x, "hvp");
  if (g->ndata >= 0) cols = readrows(L, g, 3, top, &nrows, "hvp");
  readarray(L, nargs, top, g->n, dir, "hvp");
  e = cr_grad_hvp(g->G, g->x, dir, cols, nrows, hv, g->grad, &val);
  if (e != 0) return luaL_error(L, "not enough memory");
  pusharray(L, hv, g->n);
  pusharray(L, g->grad, g->n);
  lua_pushnumber(L, val);
  return 3;
}

/* G:size(): instructions (values and partials), edges of the sweep, and the counted total */
static int grad_size (lua_State *L) {
  Gradient *g = checkgrad(L);
  lua_pushinteger(L, (lua_Integer)cr_grad_ninst(g->G));
  lua_pushinteger(L, (lua_Integer)cr_grad_nedge(g->G));
  lua_pushinteger(L, (lua_Integer)g->size);
  return 3;
}

static int grad_index (lua_State *L) {
  Gradient *g = anygrad(L);
  const char *k = lua_tostring(L, 2);
  if (k && strcmp(k, "expr") == 0) { lua_getiuservalue(L, 1, 1); return 1; }
  if (k && strcmp(k, "n") == 0) { lua_pushinteger(L, g->n); return 1; }
  if (k && strcmp(k, "data") == 0) {
    if (g->ndata >= 0) lua_pushinteger(L, g->ndata); else lua_pushnil(L);
    return 1;
  }
  if (k && strcmp(k, "fast") == 0) { lua_pushboolean(L, g->fast); return 1; }
  if (k && strcmp(k, "compiled") == 0) { lua_pushboolean(L, 1); return 1; }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

static int grad_tostring (lua_State *L) {
  Gradient *g = anygrad(L);
  if (g->ndata >= 0)
    lua_pushfstring(L, CR_GRADIENT_TNAME " of %d inputs and %d data per row", g->n, g->ndata);
  else lua_pushfstring(L, CR_GRADIENT_TNAME " of %d inputs", g->n);
  return 1;
}

/* core.gradtrace(on): node ids follow creation order while on (see cr_expr_append) */
static int l_gradtrace (lua_State *L) {
  lua_pushboolean(L, cr_expr_append(lexpr_pool(L), lua_toboolean(L, 1)));
  return 1;
}

static int l_isgradprog (lua_State *L) {
  lua_pushboolean(L, togradient(L, 1) != NULL);
  return 1;
}

static const luaL_Reg methods[] = {
  {"gradient", grad_gradient},
  {"value", grad_value},
  {"hvp", grad_hvp},
  {"size", grad_size},
  {NULL, NULL}
};

static const luaL_Reg metameth[] = {
  {"__call", grad_call},
  {"__gc", grad_gc},
  {"__close", grad_gc},
  {"__tostring", grad_tostring},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"gradprog", l_gradprog},
  {"isgradprog", l_isgradprog},
  {"gradtrace", l_gradtrace},
  {NULL, NULL}
};

int lgrad_open (lua_State *L) {
  luaL_newmetatable(L, CR_GRADIENT_TNAME);
  luaL_setfuncs(L, metameth, 0);
  luaL_newlib(L, methods);
  lua_pushcclosure(L, grad_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
  lua_newtable(L);
  lua_pushcclosure(L, l_gradsyms, 1);
  lua_setfield(L, -2, "gradsyms");
  return 0;
}
