/* lcompile.c: chainrule.Compiled, a traced function flattened into a tape with its derivatives */
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "cr_prog.h"
#include "ltaylor.h"
#include "ldual.h"
#include "lexpr.h"
#include "lcompile.h"

#define CR_COMPILED_TNAME "chainrule.Compiled"

typedef struct Compiled {
  unsigned magic;  /* COMPILED_MAGIC: the metatable alone can be put on any userdata */
  cr_prog *T;
  int order;   /* derivatives computed besides the value */
  int fast;
} Compiled;

#define MAXORDER 8
#define COMPILED_MAGIC 0xC4A9C0DEu

/* ---- chainrule.Array: a flat block of doubles, so batches skip Lua tables ---- */

#define CR_ARRAY_TNAME "chainrule.Array"

typedef struct Array {
  size_t n;
  double v[1];
} Array;

static Array *newarray (lua_State *L, size_t n) {
  Array *a = (Array *)lua_newuserdatauv(L, sizeof(Array) + (n ? n - 1 : 0) * sizeof(double), 0);
  a->n = n;
  luaL_setmetatable(L, CR_ARRAY_TNAME);
  return a;
}

/* an Array, sized as its count says (a forged block with the metatable is refused) */
static Array *toarray (lua_State *L, int idx) {
  Array *a = (Array *)luaL_testudata(L, idx, CR_ARRAY_TNAME);
  size_t len = a ? lua_rawlen(L, idx) : 0;
  if (a == NULL || len < sizeof(Array)) return NULL;
  return (len == sizeof(Array) + (a->n ? a->n - 1 : 0) * sizeof(double)) ? a : NULL;
}

double *lcompile_array (lua_State *L, int idx, size_t *n) {
  Array *a = toarray(L, idx);
  if (a == NULL) return NULL;
  *n = a->n;
  return a->v;
}

double *lcompile_newarray (lua_State *L, size_t n) {
  return newarray(L, n)->v;
}

static Array *checkarray (lua_State *L, int idx) {
  Array *a = toarray(L, idx);
  if (a == NULL) ldual_typeerror(L, idx, CR_ARRAY_TNAME);
  return a;
}

/* core.array(n) makes n zeros; core.array{...} copies a table of numbers */
static int l_array (lua_State *L) {
  if (lua_type(L, 1) == LUA_TTABLE) {
    size_t n = (size_t)lua_rawlen(L, 1), i;
    Array *a = newarray(L, n);
    for (i = 0; i < n; i++) {
      int isnum;
      lua_rawgeti(L, 1, (lua_Integer)i + 1);
      a->v[i] = lua_tonumberx(L, -1, &isnum);
      if (!isnum || lua_type(L, -1) != LUA_TNUMBER)
        return luaL_error(L, "bad argument #1 to 'array' (number expected at index %d, got %s)",
                          (int)i + 1, luaL_typename(L, -1));
      lua_pop(L, 1);
    }
    return 1;
  }
  else {
    int isint;
    lua_Integer n = lua_tointegerx(L, 1, &isint);
    Array *a;
    if (lua_type(L, 1) != LUA_TNUMBER || !isint || n < 0 || n > 100000000)
      return luaL_error(L, "bad argument #1 to 'array' (size from 0 to 1e8 or table expected)");
    a = newarray(L, (size_t)n);
    memset(a->v, 0, (size_t)n * sizeof(double));
    return 1;
  }
}

static int arr_index (lua_State *L) {
  Array *a = checkarray(L, 1);
  int isint;
  lua_Integer i = lua_tointegerx(L, 2, &isint);
  if (isint) {
    if (i >= 1 && (size_t)i <= a->n) lua_pushnumber(L, a->v[i - 1]);
    else lua_pushnil(L);
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

static int arr_newindex (lua_State *L) {
  Array *a = checkarray(L, 1);
  int isint;
  lua_Integer i = lua_tointegerx(L, 2, &isint);
  if (!isint || i < 1 || (size_t)i > a->n)
    return luaL_error(L, "array index %s out of range 1..%d", luaL_tolstring(L, 2, NULL), (int)a->n);
  if (lua_type(L, 3) != LUA_TNUMBER)  /* as luaL_checknumber, but naming the assignment */
    return luaL_error(L, "bad value for array index %d (number expected, got %s)", (int)i,
                      ldual_typename(L, 3));
  a->v[i - 1] = lua_tonumber(L, 3);
  return 0;
}

static int arr_len (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)(checkarray(L, 1))->n);
  return 1;
}

static int arr_totable (lua_State *L) {
  Array *a = checkarray(L, 1);
  size_t i;
  lua_createtable(L, (int)a->n, 0);
  for (i = 0; i < a->n; i++) {
    lua_pushnumber(L, a->v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int arr_tostring (lua_State *L) {
  lua_pushfstring(L, CR_ARRAY_TNAME " of %d", (int)(checkarray(L, 1))->n);
  return 1;
}

static Compiled *tocomp (lua_State *L, int idx) {
  Compiled *C = (Compiled *)luaL_testudata(L, idx, CR_COMPILED_TNAME);
  if (C && (lua_rawlen(L, idx) != sizeof(Compiled) || C->magic != COMPILED_MAGIC)) C = NULL;
  return C;
}

static Compiled *checkcomp (lua_State *L, int idx) {
  Compiled *C = tocomp(L, idx);
  if (C == NULL) ldual_typeerror(L, idx, CR_COMPILED_TNAME);
  return C;
}

/* core.prog(y, x, order, fast): y an Expr or number of the symbol x */
static int l_tape (lua_State *L) {
  cr_expr *E = lexpr_pool(L);
  int y = lexpr_node(L, 1), x = lexpr_node(L, 2), outs[MAXORDER + 1], i, e, bad = CR_NONE;
  lua_Integer order = luaL_optinteger(L, 3, 1);
  int fast = lua_isnoneornil(L, 4) ? 1 : lua_toboolean(L, 4);
  Compiled *C;
  luaL_argcheck(L, y != CR_NONE, 1, "expression expected");
  luaL_argcheck(L, x != CR_NONE && cr_expr_kind(E, x) == CR_E_VAR, 2, "symbol expected");
  luaL_argcheck(L, order >= 0 && order <= MAXORDER, 3, "order must be an integer from 0 to 8");
  lua_settop(L, 2);
  lexpr_push(L, y);  /* index 3: keeps the traced graph alive while derivatives are built */
  outs[0] = y;
  for (i = 1; i <= order; i++) {
    /* exact identities only; exact mode also keeps the duals' strong zero, fast mode
       multiplies by IEEE rules so the loops stay branch-free */
    outs[i] = cr_expr_diff(E, outs[i - 1], x, CR_S_EXACT, !fast);
    lexpr_push(L, outs[i]);
  }
  C = (Compiled *)lua_newuserdatauv(L, sizeof(Compiled), 1);
  C->magic = COMPILED_MAGIC;
  C->T = NULL;
  C->order = (int)order;
  C->fast = fast;
  luaL_setmetatable(L, CR_COMPILED_TNAME);
  e = cr_prog_build(E, outs, (int)order + 1, x, fast, &C->T, &bad);
  if (e == CR_PROG_FREEVAR)
    return luaL_error(L, "compile: the function depends on the free symbol '%s'",
                      cr_expr_varname(E, cr_expr_varid(E, bad)));
  if (e != CR_PROG_OK) return luaL_error(L, "not enough memory");
  lua_pushvalue(L, 3);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

const cr_prog *lcompile_prog (lua_State *L, int idx, int *order) {
  Compiled *C = tocomp(L, idx);
  if (C == NULL || C->T == NULL) return NULL;
  if (order) *order = C->order;
  return C->T;
}

static int comp_gc (lua_State *L) {
  Compiled *C = tocomp(L, 1);  /* a direct call with anything else does nothing */
  if (C == NULL) return 0;
  cr_prog_free(C->T);
  C->T = NULL;
  return 0;
}

/* runs the tape over n points; the results land in one userdata block on the stack */
static double *runtape (lua_State *L, Compiled *C, const double *xs, size_t n) {
  int k = C->order + 1, j;
  double *outs[MAXORDER + 1];
  double *res = (double *)lua_newuserdatauv(L, (n ? n : 1) * (size_t)k * sizeof(double), 0);
  if (C->T == NULL) luaL_error(L, "compiled function already closed");
  for (j = 0; j < k; j++) outs[j] = res + (size_t)j * n;
  if (cr_prog_eval(C->T, xs, n, outs) != 0) luaL_error(L, "not enough memory");
  return res;
}

static void pushtables (lua_State *L, const double *res, size_t n, int k) {
  int j;
  size_t i;
  luaL_checkstack(L, k + 2, "too many results");
  for (j = 0; j < k; j++) {
    const double *r = res + (size_t)j * n;
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
      lua_pushnumber(L, r[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
  }
}

/* F:eval(x) returns value, f'(x), ...; F:eval{x1, ...} returns an array of each */
static int comp_eval (lua_State *L) {
  Compiled *C = checkcomp(L, 1);
  int k = C->order + 1, j;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    double x = lua_tonumber(L, 2);
    const double *res = runtape(L, C, &x, 1);
    luaL_checkstack(L, k, "too many results");
    for (j = 0; j < k; j++) lua_pushnumber(L, res[j]);
    return k;
  }
  if (toarray(L, 2)) {  /* arrays in, arrays out: no Lua table on the way */
    Array *xa = toarray(L, 2), *out[MAXORDER + 1];
    double *po[MAXORDER + 1];
    int given = lua_gettop(L) > 2;
    luaL_checkstack(L, k + 2, "too many results");
    for (j = 0; j < k; j++) {
      if (given) {  /* F:eval(xs, vals, ders, ...) fills arrays the caller keeps */
        int jj, dup = 0;
        out[j] = toarray(L, 3 + j);
        for (jj = 0; jj < j; jj++) if (out[jj] == out[j]) dup = 1;
        if (out[j] == NULL || out[j]->n != xa->n || out[j] == xa || dup)
          return luaL_error(L, "bad argument #%d to 'eval' (array of %d numbers expected, "
                            "distinct from the others)", 2 + j, (int)xa->n);
        lua_pushvalue(L, 3 + j);
      }
      else out[j] = newarray(L, xa->n);
      po[j] = out[j]->v;
    }
    if (C->T == NULL) return luaL_error(L, "compiled function already closed");
    if (cr_prog_eval(C->T, xa->v, xa->n, po) != 0) return luaL_error(L, "not enough memory");
    return k;
  }
  if (lua_type(L, 2) == LUA_TTABLE) {
    size_t n = (size_t)lua_rawlen(L, 2), i;
    double *xs = (double *)lua_newuserdatauv(L, (n ? n : 1) * sizeof(double), 0);
    const double *res;
    for (i = 0; i < n; i++) {
      int isnum;
      lua_rawgeti(L, 2, (lua_Integer)i + 1);
      xs[i] = lua_tonumberx(L, -1, &isnum);
      if (!isnum || lua_type(L, -1) != LUA_TNUMBER)
        return luaL_error(L, "bad argument #1 to 'eval' (number expected at index %d, got %s)",
                          (int)i + 1, luaL_typename(L, -1));
      lua_pop(L, 1);
    }
    res = runtape(L, C, xs, n);
    pushtables(L, res, n, k);
    return k;
  }
  return luaL_error(L, "bad argument #1 to 'eval' (number, table or array expected, got %s)",
                    luaL_typename(L, 2));
}

/* F:sample(a, b, n): n points evenly from a to b, then the value and derivative arrays */
static int comp_sample (lua_State *L) {
  Compiled *C = checkcomp(L, 1);
  double a, b;
  lua_Integer n, i;
  int k = C->order + 1, j, isint;
  Array *xs, *out;
  double *po[MAXORDER + 1];
  for (j = 2; j <= 3; j++)  /* named and numbered as the method F:sample(a, b, n), however called */
    if (lua_type(L, j) != LUA_TNUMBER)
      return luaL_error(L, "bad argument #%d to 'sample' (number expected, got %s)", j - 1,
                        ldual_typename(L, j));
  a = lua_tonumber(L, 2);
  b = lua_tonumber(L, 3);
  n = lua_tointegerx(L, 4, &isint);
  if (lua_type(L, 4) != LUA_TNUMBER || !isint || n < 1 || n > 100000000)
    return luaL_error(L, "bad argument #3 to 'sample' (count must be from 1 to 1e8)");
  luaL_checkstack(L, k + 2, "too many results");
  xs = newarray(L, (size_t)n);
  for (i = 0; i < n; i++) xs->v[i] = (n == 1) ? a : a + (b - a) * ((double)i / (double)(n - 1));
  for (j = 0; j < k; j++) { out = newarray(L, (size_t)n); po[j] = out->v; }
  if (C->T == NULL) return luaL_error(L, "compiled function already closed");
  if (cr_prog_eval(C->T, xs->v, (size_t)n, po) != 0) return luaL_error(L, "not enough memory");
  return k + 1;
}

/* out = x * y over m tags, both without a real part: the subset convolution */
static void nilmul (int m, const double *x, const double *y, double *out) {
  size_t n = (size_t)1 << m, S, T;
  for (S = 0; S < n; S++) {
    double acc = 0.0;
    for (T = (S - 1) & S; T != 0; T = (T - 1) & S) acc += x[T] * y[S & ~T];
    out[S] = acc;
  }
}

/*
** F(x) is the value, so a compiled function stands in for the original.  On a
** dual a = a0 + h over m tags (h^(m+1) = 0), F(a) = sum_k f^(k)(a0) h^k / k!:
** the taped derivatives up to order m give it exactly, so cr.derivative(F, x) works.
*/
static int comp_call (lua_State *L) {
  Compiled *C = checkcomp(L, 1);
  Operand o;
  const double *d;
  double *pw, *tmp, fact = 1.0;
  size_t n, j;
  int k, res;
  Dual *r;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    double x = lua_tonumber(L, 2);
    lua_pushnumber(L, runtape(L, C, &x, 1)[0]);
    return 1;
  }
  ltaylor_expand(L, 2);  /* a Taylor value as the dual it stands for */
  if (lua_type(L, 2) == LUA_TSTRING || !ldual_get(L, 2, &o))
    return luaL_error(L, "bad argument #1 to compiled function (number or dual expected, got %s)",
                      luaL_typename(L, 2));
  if (o.m > C->order)
    return luaL_error(L, "compiled function: a dual over %d tags needs derivatives to order %d; "
                      "compile with {order = %d}", o.m, o.m, o.m);
  d = runtape(L, C, &o.c[0], 1);
  r = ldual_new(L, o.m, o.tags);
  res = lua_gettop(L);
  ldual_get(L, 2, &o);  /* re-read: the coefficients live in the argument's userdata */
  n = (size_t)1 << o.m;
  pw = (double *)lua_newuserdatauv(L, 2 * n * sizeof(double), 0);
  tmp = pw + n;
  memcpy(pw, o.c, n * sizeof(double));
  pw[0] = 0.0;
  memset(r->c, 0, n * sizeof(double));
  r->c[0] = d[0];
  for (k = 1; k <= o.m; k++) {  /* pw = h^k */
    fact *= k;
    for (j = 1; j < n; j++) r->c[j] += d[k] / fact * pw[j];
    if (k < o.m) {
      nilmul(o.m, pw, o.c, tmp);
      memcpy(pw, tmp, n * sizeof(double));
    }
  }
  lua_settop(L, res);
  return 1;
}

static int comp_size (lua_State *L) {
  Compiled *C = checkcomp(L, 1);
  lua_pushinteger(L, C->T ? (lua_Integer)cr_prog_ninst(C->T) : 0);
  return 1;
}

static int comp_index (lua_State *L) {
  Compiled *C = checkcomp(L, 1);
  const char *k = lua_tostring(L, 2);
  if (k && strcmp(k, "expr") == 0) { lua_getiuservalue(L, 1, 1); return 1; }
  if (k && strcmp(k, "order") == 0) { lua_pushinteger(L, C->order); return 1; }
  if (k && strcmp(k, "fast") == 0) { lua_pushboolean(L, C->fast); return 1; }
  if (k && strcmp(k, "compiled") == 0) { lua_pushboolean(L, 1); return 1; }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

static int comp_tostring (lua_State *L) {
  checkcomp(L, 1);
  lua_getiuservalue(L, 1, 1);
  lua_pushfstring(L, CR_COMPILED_TNAME ": %s", luaL_tolstring(L, -1, NULL));
  return 1;
}

static const luaL_Reg methods[] = {
  {"eval", comp_eval},
  {"sample", comp_sample},
  {"size", comp_size},
  {NULL, NULL}
};

static const luaL_Reg metameth[] = {
  {"__call", comp_call},
  {"__gc", comp_gc},
  {"__close", comp_gc},
  {"__tostring", comp_tostring},
  {NULL, NULL}
};

static const luaL_Reg arrmeta[] = {
  {"__newindex", arr_newindex},
  {"__len", arr_len},
  {"__tostring", arr_tostring},
  {NULL, NULL}
};

static const luaL_Reg arrmethods[] = {
  {"totable", arr_totable},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"prog", l_tape},
  {"array", l_array},
  {NULL, NULL}
};

int lcompile_open (lua_State *L) {
  luaL_newmetatable(L, CR_COMPILED_TNAME);
  luaL_setfuncs(L, metameth, 0);
  luaL_newlib(L, methods);
  lua_pushcclosure(L, comp_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_newmetatable(L, CR_ARRAY_TNAME);
  luaL_setfuncs(L, arrmeta, 0);
  luaL_newlib(L, arrmethods);
  lua_pushcclosure(L, arr_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
  return 0;
}
