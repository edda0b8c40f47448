/* lexpr.c: the chainrule.Expr type: symbols, operators, derivatives, printing, evaluation */
#include <string.h>
#include <stdlib.h>

#include "lua.h"
#include "lauxlib.h"

#include "lexpr.h"
#include "ldual.h"

/* registry keys; their addresses are unique */
static const char EXPRMT_KEY = 'e';
static const char POOL_KEY = 'p';
static const char APPLY_KEY = 'a';

typedef struct Pool {
  cr_expr *E;
  int level;     /* simplification applied as operators build nodes */
  int tracing;   /* inside cr.compile: branching on a value is an error */
} Pool;

typedef struct Expr { int node; } Expr;

#define POOL_IDX lua_upvalueindex(2)

#define MAXPRINT ((size_t)1 << 26)  /* 64 MiB of text: beyond that, printing is refused */

static Pool *getpool (lua_State *L) {
  Pool *P;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &POOL_KEY);
  P = (Pool *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  return P;
}

cr_expr *lexpr_pool (lua_State *L) {
  return getpool(L)->E;
}

static Expr *toexpr (lua_State *L, int idx) {
  Expr *e = NULL;
  if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &EXPRMT_KEY);
    if (lua_rawequal(L, -1, -2) && lua_rawlen(L, idx) == sizeof(Expr))  /* no forged block */
      e = (Expr *)lua_touserdata(L, idx);
    lua_pop(L, 2);
  }
  return (e && e->node != CR_NONE) ? e : NULL;  /* NONE: finalized by a direct __gc call */
}

int lexpr_node (lua_State *L, int idx) {
  Expr *e = toexpr(L, idx);
  if (e) return e->node;
  if (lua_type(L, idx) == LUA_TNUMBER) return cr_expr_const(lexpr_pool(L), lua_tonumber(L, idx));
  return CR_NONE;
}

void lexpr_push (lua_State *L, int n) {
  Expr *e;
  if (n == CR_NONE) luaL_error(L, "not enough memory");
  e = (Expr *)lua_newuserdatauv(L, sizeof(Expr), 0);
  e->node = n;
  cr_expr_hold(lexpr_pool(L), n);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &EXPRMT_KEY);
  lua_setmetatable(L, -2);
}

static Expr *checkexpr (lua_State *L, int idx) {
  Expr *e = toexpr(L, idx);
  if (e == NULL) ldual_typeerror(L, idx, CR_EXPR_TNAME);
  return e;
}

/* an operand: Expr or number; duals and the rest cannot meet a symbol */
static int operand (lua_State *L, int idx, const char *what) {
  int n;
  if (lua_type(L, idx) == LUA_TSTRING && lua_isnumber(L, idx)) {  /* Lua coerces numeric strings */
    lua_Number k = lua_tonumber(L, idx);
    return cr_expr_const(lexpr_pool(L), k);
  }
  n = lexpr_node(L, idx);
  if (n != CR_NONE) return n;
  if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) {
    if (strcmp(lua_tostring(L, -1), "chainrule.Dual") == 0)
      luaL_error(L, "%s: cannot mix a dual number with a symbolic expression", what);
    if (strncmp(lua_tostring(L, -1), "chainrule.", 10) == 0)  /* Var and other modes */
      luaL_error(L, "%s: cannot mix a %s with a symbolic expression", what, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return luaL_error(L, "attempt to perform arithmetic on a %s value", ldual_typename(L, idx));
}

static int build (lua_State *L, cr_opid op, int ia, int ib) {
  Pool *P = getpool(L);
  int a, b = CR_NONE;
  cr_expr_maybe_collect(P->E);  /* every held node is on the stack or elsewhere in Lua */
  a = operand(L, ia, cr_ops[op].name);
  if (cr_ops[op].arity == 2) b = operand(L, ib, cr_ops[op].name);
  lexpr_push(L, cr_expr_apply(P->E, op, a, b, P->level));
  return 1;
}

#define ARITH(name, unary) \
  static int expr_##name (lua_State *L) { return build(L, CR_OP_##name, 1, 2); }
ARITH(add, 0) ARITH(sub, 0) ARITH(mul, 0) ARITH(div, 0)
ARITH(pow, 0) ARITH(mod, 0) ARITH(idiv, 0) ARITH(neg, 1)
#undef ARITH

/* __crapply(opid, a [, b]): how cr.math and dual operators hand a symbol over */
static int expr_crapply (lua_State *L) {
  lua_Integer op = luaL_checkinteger(L, 1);
  luaL_argcheck(L, op >= 0 && op < CR_NOPS, 1, "unknown operation");
  return build(L, (cr_opid)op, 2, 3);
}

static int branch_error (lua_State *L, const char *verb, const char *noun) {
  if (getpool(L)->tracing)
    return luaL_error(L, "compile: the function branches on its input (%s of a traced value); "
                      "only branch-free functions compile, use cr.derivative per point", noun);
  return luaL_error(L, "attempt to %s a symbolic expression (it has no value until evaluated)",
                    verb);
}

static int expr_lt (lua_State *L) { return branch_error(L, "compare", "comparison"); }

/* hash-consing makes equal structure the same node, so == is structural */
static int expr_eq (lua_State *L) {
  Expr *a = toexpr(L, 1), *b = toexpr(L, 2);
  if (getpool(L)->tracing) return branch_error(L, "compare", "comparison");
  lua_pushboolean(L, a && b && a->node == b->node);
  return 1;
}

static int expr_gc (lua_State *L) {
  Expr *e = toexpr(L, 1);
  Pool *P = (Pool *)lua_touserdata(L, POOL_IDX);
  if (e == NULL) return 0;
  if (P->E != NULL && e->node != CR_NONE) cr_expr_release(P->E, e->node);
  e->node = CR_NONE;
  return 0;
}

static void pushtext (lua_State *L, int node, int latex) {
  int toolong;
  char *s = cr_expr_print(lexpr_pool(L), node, latex, MAXPRINT, &toolong);
  if (s == NULL) {
    if (toolong) luaL_error(L, "expression too large to print (more than %d bytes)", (int)MAXPRINT);
    luaL_error(L, "not enough memory");
  }
  lua_pushstring(L, s);
  free(s);
}

static int expr_tostring (lua_State *L) {
  Expr *e = toexpr(L, 1);
  if (e == NULL || e->node == CR_NONE) return ldual_typeerror(L, 1, CR_EXPR_TNAME);
  pushtext(L, e->node, 0);
  return 1;
}

static int expr_latex (lua_State *L) {
  pushtext(L, checkexpr(L, 1)->node, 1);
  return 1;
}

static int expr_concat (lua_State *L) {
  int i;
  for (i = 1; i <= 2; i++) {
    if (toexpr(L, i)) { pushtext(L, toexpr(L, i)->node, 0); lua_replace(L, i); }
    else if (!lua_isstring(L, i))
      return luaL_error(L, "attempt to concatenate a %s value", ldual_typename(L, i));
  }
  lua_concat(L, 2);
  return 1;
}

/* free variables as a list of name ids; the array is a userdata on the stack */
static int *freevars (lua_State *L, int node, int *nv) {
  cr_expr *E = lexpr_pool(L);
  int max = cr_expr_nvars(E) + 1;
  int *ids = (int *)lua_newuserdatauv(L, (size_t)max * sizeof(int), 0);
  *nv = cr_expr_freevars(E, node, ids, max);
  if (*nv < 0) luaL_error(L, "not enough memory");
  return ids;
}

static double evalwith (lua_State *L, int node, const double *vals) {
  double r;
  if (cr_expr_eval(lexpr_pool(L), node, vals, &r) != 0) luaL_error(L, "not enough memory");
  return r;
}

/* e:eval{x = 2, y = 3} */
static int expr_eval (lua_State *L) {
  Expr *e = checkexpr(L, 1);
  cr_expr *E = lexpr_pool(L);
  int nv, i, *ids;
  double *vals;
  if (lua_isnoneornil(L, 2)) lua_newtable(L);
  if (lua_type(L, 2) != LUA_TTABLE)  /* numbered as the method e:eval{...}, however called */
    return luaL_error(L, "bad argument #1 to 'eval' (table expected, got %s)", ldual_typename(L, 2));
  lua_settop(L, 2);
  ids = freevars(L, e->node, &nv);
  vals = (double *)lua_newuserdatauv(L, (size_t)(cr_expr_nvars(E) + 1) * sizeof(double), 0);
  for (i = 0; i < nv; i++) {
    const char *name = cr_expr_varname(E, ids[i]);
    int isnum;
    lua_getfield(L, 2, name);
    vals[ids[i]] = lua_tonumberx(L, -1, &isnum);
    if (!isnum || lua_type(L, -1) != LUA_TNUMBER) {
      if (lua_isnil(L, -1)) return luaL_error(L, "bad argument #1 to 'eval' (no value for variable '%s')", name);
      return luaL_error(L, "eval: variable '%s' must be a number, got %s", name, ldual_typename(L, -1));
    }
    lua_pop(L, 1);
  }
  lua_pushnumber(L, evalwith(L, e->node, vals));
  return 1;
}

/* one step of a generic evaluation: op (or -1 constant, -2 the variable) and argument places */
typedef struct Step { int op, pa, pb; double k; } Step;

/*
** e(v) for v of another chainrule type (a dual): each op runs through core.apply,
** node by node in topological order, so the other type does the arithmetic.
*/
static int evalgeneric (lua_State *L, int node, int arg) {
  cr_expr *E = lexpr_pool(L);
  int *ord;
  long cnt = cr_expr_topo(E, &node, 1, &ord), i;
  Step *st;
  int tab, fn;
  if (cnt < 0) return luaL_error(L, "not enough memory");
  st = (Step *)lua_newuserdatauv(L, (size_t)cnt * sizeof(Step), 0);
  for (i = 0; i < cnt; i++) {  /* copy out: the calls below may use the pool */
    int n = ord[i], kind = cr_expr_kind(E, n);
    st[i].op = (kind == CR_E_CONST) ? -1 : (kind == CR_E_VAR) ? -2 : cr_expr_op(E, n);
    st[i].k = (kind == CR_E_CONST) ? cr_expr_value(E, n) : 0.0;
    st[i].pa = (kind == CR_E_OP) ? cr_expr_pos_of(E, cr_expr_arg(E, n, 0)) : 0;
    st[i].pb = (kind == CR_E_OP && cr_expr_arg(E, n, 1) != CR_NONE)
               ? cr_expr_pos_of(E, cr_expr_arg(E, n, 1)) : -1;
  }
  free(ord);
  lua_createtable(L, (int)cnt, 0);
  tab = lua_gettop(L);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &APPLY_KEY);
  fn = lua_gettop(L);
  for (i = 0; i < cnt; i++) {
    if (st[i].op == -1) lua_pushnumber(L, st[i].k);
    else if (st[i].op == -2) lua_pushvalue(L, arg);
    else {
      lua_pushvalue(L, fn);
      lua_pushinteger(L, st[i].op);
      lua_rawgeti(L, tab, st[i].pa + 1);
      if (st[i].pb >= 0) lua_rawgeti(L, tab, st[i].pb + 1);
      lua_call(L, st[i].pb >= 0 ? 3 : 2, 1);
    }
    lua_rawseti(L, tab, i + 1);
  }
  lua_rawgeti(L, tab, cnt);
  return 1;
}

/* e(2) for one free variable; e(sym) substitutes; e(dual) evaluates over duals */
static int expr_call (lua_State *L) {
  Expr *e = checkexpr(L, 1);
  cr_expr *E = lexpr_pool(L);
  int nv, *ids;
  double *vals;
  if (lua_gettop(L) > 2)
    return luaL_error(L, "bad argument #2 to symbolic expression (no more than 1 argument expected)");
  lua_settop(L, 2);
  ids = freevars(L, e->node, &nv);
  if (nv > 1) {
    luaL_Buffer B;
    int i;
    luaL_buffinit(L, &B);
    for (i = 0; i < nv; i++) {
      if (i) luaL_addstring(&B, ", ");
      luaL_addstring(&B, cr_expr_varname(E, ids[i]));
    }
    luaL_pushresult(&B);
    return luaL_error(L, "expression has %d free variables (%s); use e:eval{...}", nv,
                      lua_tostring(L, -1));
  }
  if (toexpr(L, 2)) {  /* substitute an expression for the variable */
    int by = toexpr(L, 2)->node;
    if (nv == 0) { lua_settop(L, 1); return 1; }
    lexpr_push(L, cr_expr_subst(E, e->node, cr_expr_var(E, cr_expr_varname(E, ids[0])),
                                by, getpool(L)->level));
    return 1;
  }
  if (nv == 1 || !lua_isnoneornil(L, 2)) {
    if (lua_type(L, 2) != LUA_TNUMBER) {
      if (luaL_getmetafield(L, 2, "__name") == LUA_TSTRING
          && strcmp(lua_tostring(L, -1), "chainrule.Dual") == 0)
        return evalgeneric(L, e->node, 2);
      return luaL_error(L, "bad argument #1 to symbolic expression (number expected, got %s)",
                        ldual_typename(L, 2));
    }
  }
  vals = (double *)lua_newuserdatauv(L, (size_t)(cr_expr_nvars(E) + 1) * sizeof(double), 0);
  if (nv == 1) vals[ids[0]] = lua_tonumber(L, 2);
  lua_pushnumber(L, evalwith(L, e->node, vals));
  return 1;
}

/* e:vars() lists the free variables' names, in order of first use */
static int expr_vars (lua_State *L) {
  Expr *e = checkexpr(L, 1);
  int nv, i, *ids = freevars(L, e->node, &nv);
  lua_createtable(L, nv, 0);
  for (i = 0; i < nv; i++) {
    lua_pushstring(L, cr_expr_varname(lexpr_pool(L), ids[i]));
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* the variable to differentiate by: an Expr symbol, a name, or the only free one */
static int getvar (lua_State *L, int node, int idx, const char *fname) {
  cr_expr *E = lexpr_pool(L);
  Expr *v = toexpr(L, idx);
  if (v) {
    if (cr_expr_kind(E, v->node) != CR_E_VAR)
      luaL_error(L, "bad argument #%d to '%s' (symbol expected, got an expression)", idx, fname);
    return v->node;
  }
  if (lua_type(L, idx) == LUA_TSTRING) return cr_expr_var(E, lua_tostring(L, idx));
  if (lua_isnoneornil(L, idx)) {
    int nv, *ids = freevars(L, node, &nv), r;
    if (nv > 1)
      luaL_error(L, "bad argument #%d to '%s' (expression has %d free variables; say which)",
                 idx, fname, nv);
    r = (nv == 1) ? cr_expr_var(E, cr_expr_varname(E, ids[0])) : cr_expr_var(E, "x");
    lua_pop(L, 1);
    return r;
  }
  return luaL_error(L, "bad argument #%d to '%s' (symbol expected, got %s)", idx, fname,
                    ldual_typename(L, idx));
}

/* diff(e [, x [, n]]) */
#define DIFF_MAXNODES (1 << 23)  /* a pool this large after a step: the derivatives blew up */

/* one more derivative, replacing the previous one on top of the stack (one slot per call) */
static int nextdiff (lua_State *L, Pool *P, int node, int var) {
  int d = cr_expr_diff(P->E, node, var, P->level, 1);
  lexpr_push(L, d);  /* raises on CR_NONE (no memory) */
  lua_replace(L, -2);
  cr_expr_maybe_collect(P->E);  /* every node still needed is anchored on the stack */
  if (cr_expr_live(P->E) > DIFF_MAXNODES && cr_expr_collect(P->E) > DIFF_MAXNODES)
    luaL_error(L, "diff: the derivatives grew past %d expression nodes", DIFF_MAXNODES);
  return d;
}

static int expr_diff (lua_State *L) {
  Pool *P = getpool(L);
  Expr *e;
  int var, node, chk;
  lua_Integer n = 1, i, done, lam = 0, power = 1;
  cr_expr_maybe_collect(P->E);
  e = checkexpr(L, 1);
  var = getvar(L, e->node, 2, "diff");
  if (!lua_isnoneornil(L, 3)) {
    int isint;
    n = lua_tointegerx(L, 3, &isint);
    if (lua_type(L, 3) != LUA_TNUMBER || !isint || n < 0)
      return luaL_error(L, "bad argument #3 to 'diff' (order must be a non-negative integer, got %s)",
                        lua_type(L, 3) == LUA_TNUMBER ? lua_tostring(L, 3) : ldual_typename(L, 3));
  }
  if (lua_gettop(L) > 3)  /* numbered as cr.diff(e, x, n), the documented form */
    return luaL_error(L, "bad argument #4 to 'diff' (no more than 3 arguments expected)");
  /* derivatives of x^3 end in 0, 0, ... and those of sin cycle; hash-consing makes a repeat
     the same node, so Brent's cycle detection skips whole periods of any order */
  node = chk = e->node;
  lexpr_push(L, chk);   /* the checkpoint, anchored below the current step */
  lexpr_push(L, node);
  for (done = 0; done < n; ) {
    node = nextdiff(L, P, node, var);
    done++;
    lam++;
    if (node == chk) {
      lua_Integer rest = (n - done) % lam;
      for (i = 0; i < rest; i++) node = nextdiff(L, P, node, var);
      break;
    }
    if (lam == power) {
      chk = node;
      lua_pushvalue(L, -1);
      lua_replace(L, -3);
      power *= 2;
      lam = 0;
    }
  }
  return 1;
}

/* e:subst(x, by) */
static int expr_subst (lua_State *L) {
  Pool *P = getpool(L);
  Expr *e = checkexpr(L, 1);
  int var = getvar(L, e->node, 2, "subst");
  int by = operand(L, 3, "subst");
  lexpr_push(L, cr_expr_subst(P->E, e->node, var, by, P->level));
  return 1;
}

/* e:simplify([level = 2]) rebuilds e at a simplification level (0 none, 1 exact, 2 full) */
static int expr_simplify (lua_State *L) {
  Expr *e = checkexpr(L, 1);
  int isint = 1;
  lua_Integer lv = lua_isnoneornil(L, 2) ? CR_S_FULL : lua_tointegerx(L, 2, &isint);
  if (lua_type(L, 2) > LUA_TNIL && (lua_type(L, 2) != LUA_TNUMBER || !isint || lv < 0 || lv > 2))
    return luaL_error(L, "bad argument #1 to 'simplify' (level must be 0, 1 or 2)");
  lexpr_push(L, cr_expr_simplify(lexpr_pool(L), e->node, (int)lv));
  return 1;
}

/* e:kind() returns "const", "var" or the op's name, then the value, name or arguments */
static int expr_kind (lua_State *L) {
  Expr *e = checkexpr(L, 1);
  cr_expr *E = lexpr_pool(L);
  int n = e->node;
  switch (cr_expr_kind(E, n)) {
    case CR_E_CONST:
      lua_pushliteral(L, "const");
      lua_pushnumber(L, cr_expr_value(E, n));
      return 2;
    case CR_E_VAR:
      lua_pushliteral(L, "var");
      lua_pushstring(L, cr_expr_varname(E, cr_expr_varid(E, n)));
      return 2;
    default: {
      int op = cr_expr_op(E, n);
      lua_pushstring(L, cr_ops[op].name);
      lexpr_push(L, cr_expr_arg(E, n, 0));
      if (cr_ops[op].arity == 2) { lexpr_push(L, cr_expr_arg(E, n, 1)); return 3; }
      return 2;
    }
  }
}

static const luaL_Reg methods[] = {
  {"eval", expr_eval},
  {"latex", expr_latex},
  {"diff", expr_diff},
  {"vars", expr_vars},
  {"subst", expr_subst},
  {"simplify", expr_simplify},
  {"kind", expr_kind},
  {NULL, NULL}
};

/* .value of a closed expression is its value; anything else would be a branch */
static int expr_index (lua_State *L) {
  const char *k = lua_tostring(L, 2);
  if (k && strcmp(k, "value") == 0) {
    Expr *e = checkexpr(L, 1);
    int nv;
    if (getpool(L)->tracing) return branch_error(L, "take the value of", "conversion to a number");
    freevars(L, e->node, &nv);
    if (nv > 0) { lua_pushnil(L); return 1; }  /* no value until its variables have one */
    lua_pushnumber(L, evalwith(L, e->node, NULL));
    return 1;
  }
  if (k && strcmp(k, "deriv") == 0)
    return luaL_error(L, "deriv: a symbolic expression has no derivative value; use cr.diff(e, x)");
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(3));
  return 1;
}

static const luaL_Reg metameth[] = {
  {"__add", expr_add},
  {"__sub", expr_sub},
  {"__mul", expr_mul},
  {"__div", expr_div},
  {"__mod", expr_mod},
  {"__pow", expr_pow},
  {"__idiv", expr_idiv},
  {"__unm", expr_neg},
  {"__eq", expr_eq},
  {"__lt", expr_lt},
  {"__le", expr_lt},
  {"__call", expr_call},
  {"__concat", expr_concat},
  {"__tostring", expr_tostring},
  {"__gc", expr_gc},
  {"__crapply", expr_crapply},
  {"__crdiff", expr_diff},
  {NULL, NULL}
};

/* ---- functions of chainrule.core ---- */

/* Lua's reserved words: a symbol so named would not read back */
static int iskeyword (const char *s) {
  static const char *const kw[] = {"and", "break", "do", "else", "elseif", "end", "false", "for",
    "function", "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
    "true", "until", "while", NULL};
  int i;
  for (i = 0; kw[i]; i++) if (strcmp(s, kw[i]) == 0) return 1;
  return 0;
}

static int l_symbol (lua_State *L) {
  size_t len;
  const char *name = lua_tolstring(L, 1, &len), *p;
  if (lua_type(L, 1) != LUA_TSTRING)
    return luaL_error(L, "bad argument #1 to 'symbol' (string expected, got %s)", ldual_typename(L, 1));
  for (p = name; *p; p++)  /* printed forms must read back as Lua */
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'
          || (p != name && *p >= '0' && *p <= '9')))
      break;
  if (len == 0 || *p != '\0')
    return luaL_error(L, "bad argument #1 to 'symbol' (name must be a Lua identifier)");
  if (iskeyword(name))
    return luaL_error(L, "bad argument #1 to 'symbol' (name must be a Lua identifier, got the keyword '%s')", name);
  if (lua_gettop(L) > 1)
    return luaL_error(L, "bad argument #2 to 'symbol' (no more than 1 argument expected)");
  cr_expr_maybe_collect(lexpr_pool(L));
  lexpr_push(L, cr_expr_var(lexpr_pool(L), name));
  return 1;
}

static int l_constant (lua_State *L) {
  lexpr_push(L, cr_expr_const(lexpr_pool(L), luaL_checknumber(L, 1)));
  return 1;
}

static int l_isexpr (lua_State *L) {
  lua_pushboolean(L, toexpr(L, 1) != NULL);
  return 1;
}

/* expr_mode([level [, tracing]]) sets how operators simplify; returns the old settings */
static int l_mode (lua_State *L) {
  Pool *P = getpool(L);
  int nargs = lua_gettop(L);
  lua_pushinteger(L, P->level);
  lua_pushboolean(L, P->tracing);
  if (!lua_isnoneornil(L, 1)) {
    lua_Integer lv = luaL_checkinteger(L, 1);
    luaL_argcheck(L, lv >= 0 && lv <= 2, 1, "level must be 0, 1 or 2");
    P->level = (int)lv;
  }
  if (nargs >= 2 && !lua_isnil(L, 2)) P->tracing = lua_toboolean(L, 2);
  return 2;
}

/* expr_stats([collect]) returns the live node count, collecting first when asked */
static int l_stats (lua_State *L) {
  cr_expr *E = lexpr_pool(L);
  if (lua_toboolean(L, 1)) cr_expr_collect(E);
  lua_pushinteger(L, (lua_Integer)cr_expr_live(E));
  return 1;
}

static const luaL_Reg funcs[] = {
  {"symbol", l_symbol},
  {"expr_const", l_constant},
  {"isexpr", l_isexpr},
  {"expr_mode", l_mode},
  {"expr_stats", l_stats},
  {"expr_diff", expr_diff},
  {NULL, NULL}
};

static int pool_gc (lua_State *L) {
  Pool *P = (Pool *)lua_touserdata(L, 1);
  cr_expr_free(P->E);
  P->E = NULL;
  return 0;
}

int lexpr_open (lua_State *L) {
  Pool *P = (Pool *)lua_newuserdatauv(L, sizeof(Pool), 0);
  P->E = NULL;
  P->level = CR_S_FULL;
  P->tracing = 0;
  lua_newtable(L);
  lua_pushcfunction(L, pool_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  if ((P->E = cr_expr_new()) == NULL) return luaL_error(L, "not enough memory");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &POOL_KEY);
  luaL_newmetatable(L, CR_EXPR_TNAME);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &EXPRMT_KEY);
  lua_pushvalue(L, -1);                           /* upvalue 1: the metatable */
  lua_rawgetp(L, LUA_REGISTRYINDEX, &POOL_KEY);   /* upvalue 2: the pool */
  luaL_newlib(L, methods);                        /* upvalue 3: the methods */
  lua_pushvalue(L, -3);
  lua_pushvalue(L, -3);
  lua_pushvalue(L, -3);
  lua_pushcclosure(L, expr_index, 3);
  lua_setfield(L, -5, "__index");
  luaL_setfuncs(L, metameth, 3);
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
  lua_getfield(L, -1, "apply");  /* the duals' core.apply, registered before us */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &APPLY_KEY);
  return 0;
}
