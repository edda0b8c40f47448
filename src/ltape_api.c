/* ltape_api.c: the methods of Vars and the tape functions of chainrule.core */
#include "ltape_int.h"

/* ---- methods and metamethods ---- */

/* loss:backward(): accumulates d loss / d p into p.grad for every param p used */
int lt_var_backward (lua_State *L) {
  Var *v = lt_tovar(L, 1);
  int generic, at = 0, n, k, st;
  lsweep_inner in;
  if (v == NULL) return ldual_typeerror(L, 1, VAR_TNAME);
  if (lua_gettop(L) > 1)  /* numbered as the method loss:backward(), however called */
    return luaL_error(L, "bad argument #1 to 'backward' (no arguments expected)");
  if (v->tape == NULL) {  /* a param on its own: d p / d p = 1 */
    v->grad += 1.0;
    return 0;
  }
  lt_checklive(L, v);
  generic = lt_sweep(L, v);
  if (generic) at = lua_gettop(L);
  lt_getstore(L, v->tape, 1);
  st = lua_gettop(L);
  lsweep_getinner(L, st, &in);
  if (lua_rawgeti(L, st, K_LEAVES) == LUA_TTABLE) {
    lua_rawgeti(L, st, K_LEAFNODE);
    n = (int)luaL_len(L, -2);
    for (k = 1; k <= n; k++) {
      Var *p;
      int node;
      lua_rawgeti(L, -2, k);
      p = (Var *)lua_touserdata(L, -1);
      lua_rawgeti(L, -2, k);
      node = (int)lua_tointeger(L, -1);
      lua_pop(L, 2);
      if (node > v->idx) continue;
      if (!generic) p->grad += v->tape->t.adj[node];
      else {
        Operand o;
        lsweep_pushadjoint(L, at, node, &in);
        ldual_get(L, -1, &o);
        p->grad += o.c[0];  /* .grad is a number: the real part */
        lua_pop(L, 1);
      }
    }
  }
  /* the next operation on params alone starts a fresh tape */
  lt_getcurrent(L);
  if (lt_handletape(lt_tohandle(L, -1)) == v->tape) {
    lua_pushnil(L);
    lt_setcurrent(L, -1);
  }
  return 0;
}

static Var *checkvar (lua_State *L, int idx) {
  Var *v = lt_tovar(L, idx);
  if (v == NULL) ldual_typeerror(L, idx, VAR_TNAME);
  return v;
}

int lt_var_index (lua_State *L) {
  Var *v = checkvar(L, 1);
  const char *k = lua_tostring(L, 2);
  if (k == NULL) lua_pushnil(L);
  else if (strcmp(k, "value") == 0) lt_pushvalue(L, v);
  else if (strcmp(k, "grad") == 0) {
    if (v->tape == NULL) lua_pushnumber(L, v->grad);
    else lua_pushnil(L);
  }
  else if (strcmp(k, "deriv") == 0) {  /* along the newest tag, staying on the tape */
    Operand o;
    lt_pushvalue(L, v);
    if (lua_type(L, -1) == LUA_TNUMBER || !ldual_get(L, -1, &o) || o.m == 0)
      lua_pushnumber(L, 0.0);
    else {
      cr_tag t = o.tags[o.m - 1];
      lua_pop(L, 1);
      lt_coefvar(L, 1, t, 1, 1);
    }
  }
  else if (strcmp(k, "backward") == 0) {
    lua_pushvalue(L, lua_upvalueindex(4));
  }
  else lua_pushnil(L);
  return 1;
}

int lt_var_newindex (lua_State *L) {
  Var *v = checkvar(L, 1);
  const char *k = lua_tostring(L, 2);
  if (v->tape != NULL || k == NULL || (strcmp(k, "value") != 0 && strcmp(k, "grad") != 0))
    return luaL_error(L, "cannot set field '%s' of a %s (only a param's value and grad)",
                      k ? k : "?", v->tape ? "Var" : "param");
  if (k[0] == 'v') {
    double x;
    /* a number, or a Var whose value an update step means; a dual's derivative part has
       nowhere to go in a param (a number), so it is refused rather than dropped */
    if (lua_type(L, 3) == LUA_TNUMBER) x = lua_tonumber(L, 3);
    else if (lt_tovar(L, 3) == NULL || !lt_realpart(L, 3, &x))
      return luaL_error(L, "bad value for 'value' (number expected, got %s)",
                        ldual_typename(L, 3));
    v->x = x;
    v->serial = 0;  /* tapes that saw the old value keep it; the next one sees this */
  }
  else if (lua_type(L, 3) != LUA_TNUMBER)
    return luaL_error(L, "bad value for 'grad' (number expected, got %s)", ldual_typename(L, 3));
  else v->grad = lua_tonumber(L, 3);
  return 0;
}

int lt_var_tostring (lua_State *L) {
  Var *v = checkvar(L, 1);
  if (v->tape == NULL) {
    lua_pushfstring(L, "param(%f, grad=%f)", v->x, v->grad);
    return 1;
  }
  if (v->tape->serial != v->serial) { lua_pushliteral(L, "Var(released)"); return 1; }
  lt_pushvalue(L, v);
  lua_pushfstring(L, "Var(%s)", luaL_tolstring(L, -1, NULL));
  return 1;
}

/* ---- functions of chainrule.core ---- */

int lt_param (lua_State *L) {
  Var *v;
  double x = luaL_checknumber(L, 1);
  luaL_argcheck(L, lua_gettop(L) <= 1, 2, "no more than 1 argument expected");
  v = (Var *)lua_newuserdatauv(L, sizeof(Var), 0);
  v->magic = VAR_MAGIC;
  v->tape = NULL;
  v->idx = -1;
  v->serial = 0;
  v->plain = 1;
  v->x = x;
  v->grad = 0.0;
  lua_pushvalue(L, VARMT);
  lua_setmetatable(L, -2);
  return 1;
}

int lt_isvar (lua_State *L) {
  lua_pushboolean(L, lt_tovar(L, 1) != NULL);
  return 1;
}

int lt_zero_grad (lua_State *L) {
  lua_Integer i, n;
  luaL_checktype(L, 1, LUA_TTABLE);
  n = luaL_len(L, 1);
  for (i = 1; i <= n; i++) {
    Var *v;
    lua_rawgeti(L, 1, i);
    v = lt_tovar(L, -1);
    if (v == NULL || v->tape != NULL)
      return luaL_error(L, "bad argument #1 to 'zero_grad' (param expected at index %I, got %s)",
                        (LUAI_UACINT)i, v ? "a Var that is not a param" : ldual_typename(L, -1));
    v->grad = 0.0;
    lua_pop(L, 1);
  }
  return 0;
}

/* nograd(on): whether Var operations compute values only; returns the old setting */
int lt_nograd (lua_State *L) {
  State *S = lt_getstate(L);
  int old = S->nograd;
  S->nograd = lua_toboolean(L, 1);
  lua_pushboolean(L, old);
  return 1;
}

int lt_tapelimit (lua_State *L) {
  State *S = lt_getstate(L);
  lua_Integer old = (lua_Integer)S->limit;
  if (!lua_isnoneornil(L, 1)) {
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 1 && n <= 0x7fffffff, 1, "limit must be between 1 and 2^31-1");
    S->limit = (size_t)n;
  }
  lua_pushinteger(L, old);
  return 1;
}

/* tapestats(): how many tapes hold memory now, the current tape's size, the pool's size */
int lt_tapestats (lua_State *L) {
  State *S = lt_getstate(L);
  Tape *T;
  lua_pushinteger(L, S->live);
  lt_getcurrent(L);
  T = lt_handletape(lt_tohandle(L, -1));
  lua_pop(L, 1);
  lua_pushinteger(L, T ? (lua_Integer)T->t.n : 0);
  lua_pushinteger(L, S->ntapes);
  return 3;
}

static Tape *checktape (lua_State *L, int idx) {
  Handle *h = lt_tohandle(L, idx);
  Tape *T = lt_handletape(h);
  if (h == NULL) ldual_typeerror(L, idx, TAPE_TNAME);
  if (T == NULL) luaL_argerror(L, idx, "tape already released");
  return T;
}

/* tape_new([traced]): a tape for one gradient call; a traced one keeps what each node applied */
int lt_tape_new (lua_State *L) {
  Tape *T = lt_newtape(L, 0);
  if (lua_toboolean(L, 1)) cr_tape_trace(&T->t);  /* cr.graph: keep each node's op */
  return 1;
}

cr_tape *ltape_graphof (lua_State *L, int yidx, int tidx, int *ynode) {
  Tape *T = checktape(L, tidx);
  Var *y = lt_tovar(L, yidx);
  if (y != NULL) lt_checklive(L, y);
  *ynode = (y != NULL && y->tape == T) ? y->idx : -1;
  return &T->t;
}

/* tape_swap(T or nil): makes T the current tape, returns the previous one (a released T counts as none) */
int lt_tape_swap (lua_State *L) {
  if (!lua_isnil(L, 1) && lt_tohandle(L, 1) == NULL) return ldual_typeerror(L, 1, TAPE_TNAME);
  lt_getcurrent(L);
  lt_setcurrent(L, 1);
  return 1;
}

/* tape_release(T): frees the tape's memory; its Vars become unusable */
int lt_tape_release (lua_State *L) {
  Handle *h = lt_tohandle(L, 1);
  Tape *T = lt_handletape(h);
  if (h == NULL) return ldual_typeerror(L, 1, TAPE_TNAME);
  if (T != NULL) lt_releasetape(L, T);
  h->T = NULL;
  return 0;
}

/*
** tape_vars(T, xs): the inputs of a gradient call, numbers or duals, as an
** array of Vars; they are nodes 0 .. #xs-1 of the new tape T.
*/
int lt_tape_vars (lua_State *L) {
  Tape *T = checktape(L, 1);
  lua_Integer i, n;
  luaL_argcheck(L, T->t.n == 0 && !T->held, 1, "a new tape of a gradient call expected");
  luaL_checktype(L, 2, LUA_TTABLE);
  n = luaL_len(L, 2);
  lua_createtable(L, (int)(n < INT_MAX ? n : INT_MAX), 0);
  for (i = 1; i <= n; i++) {
    Operand o;
    long r;
    lua_rawgeti(L, 2, i);
    if (lua_type(L, -1) == LUA_TSTRING || !ldual_get(L, -1, &o))
      return luaL_error(L, "bad argument #2 to 'tape_vars' (number or dual expected at index %I)",
                        (LUAI_UACINT)i);
    r = cr_tape_push(&T->t, -1, 0.0, -1, 0.0, o.c[0]);
    if (r < 0) lt_tapefail(L, r, T);
    if (o.m > 0) {  /* a dual input: its value lives in the store */
      int slot = (int)(3 * T->t.ngeneric + 1);
      T->t.node[r].kind = CR_NODE_GENERIC;
      T->t.node[r].slot = slot;
      T->t.ngeneric++;
      lt_getstore(L, T, 1);
      lua_pushvalue(L, -2);
      lua_rawseti(L, -2, slot);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lt_pushnode(L, T, r, 0, T->serial);
    lua_rawseti(L, -2, i);
  }
  return 1;
}

/*
** tape_grad(y, T, n): the adjoints of T's first n nodes (the inputs) after
** one sweep from y, as a new array (numbers, or duals when outer derivatives
** are running); zeros when y is a param or a Var of another tape.
*/
int lt_tape_grad (lua_State *L) {
  Var *y = lt_tovar(L, 1);
  Tape *T = checktape(L, 2);
  lua_Integer i, n = luaL_checkinteger(L, 3);
  int generic, at = 0;
  lsweep_inner in;
  if (y == NULL) return ldual_typeerror(L, 1, VAR_TNAME);
  luaL_argcheck(L, n >= 0 && (size_t)n <= T->t.n, 3, "more inputs than the tape has");
  lt_checklive(L, y);
  if (y->tape != T) {  /* depends on no input */
    lua_createtable(L, (int)n, 0);
    for (i = 1; i <= n; i++) {
      lua_pushnumber(L, 0.0);
      lua_rawseti(L, -2, i);
    }
    return 1;
  }
  generic = lt_sweep(L, y);
  if (generic) {
    at = lua_gettop(L);
    lt_getstore(L, T, 1);
    lsweep_getinner(L, lua_gettop(L), &in);
  }
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    if (i > y->idx) lua_pushnumber(L, 0.0);  /* the sweep never reached it */
    else if (!generic) lua_pushnumber(L, T->t.adj[i]);
    else lsweep_pushadjoint(L, at, (int)i, &in);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* newtag(): a fresh perturbation tag; seed(x, tag, d): x + d eps_tag */
int lt_newtag (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ldual_newtag(L));
  return 1;
}

int lt_seed (lua_State *L) {
  Operand o;
  cr_tag t = (cr_tag)luaL_checkinteger(L, 2), tags[CR_MAXTAGS];
  double dv = luaL_optnumber(L, 3, 1.0);
  Dual *d;
  size_t N;
  if (lua_type(L, 1) == LUA_TSTRING || !ldual_get(L, 1, &o))
    return luaL_typeerror(L, 1, "number or dual");
  if (o.m >= CR_MAXTAGS)
    return luaL_error(L, "too many nested derivatives (at most %d tags in one value)",
                      CR_MAXTAGS);
  if (o.m > 0 && o.tags[o.m - 1] >= t) return luaL_argerror(L, 2, "tag is not the newest");
  if (o.m > 0) memcpy(tags, o.tags, (size_t)o.m * sizeof(cr_tag));
  tags[o.m] = t;
  d = ldual_new(L, o.m + 1, tags);
  ldual_get(L, 1, &o);
  N = (size_t)1 << o.m;
  memcpy(d->c, o.c, N * sizeof(double));
  memset(d->c + N, 0, N * sizeof(double));
  d->c[N] = dv;
  return 1;
}

/* coef(v, tag [, k = 1]): the coefficient of eps_tag (k = 1) or the rest (k = 0) */
int lt_coef (lua_State *L) {
  cr_tag t = (cr_tag)luaL_checkinteger(L, 2), found[CR_MAXTAGS];
  int nf, k = (int)luaL_optinteger(L, 3, 1);
  Operand o;
  luaL_argcheck(L, k == 0 || k == 1, 3, "0 or 1 expected");
  if (lt_tovar(L, 1) != NULL) return lt_coefvar(L, 1, t, 1, k);
  if (lua_type(L, 1) == LUA_TSTRING || !ldual_get(L, 1, &o))
    return luaL_typeerror(L, 1, "number or dual");
  ldual_pushcoef(L, 1, t, 1, k, found, &nf);
  if (nf == 0 && k == 0) lua_pushvalue(L, 1);  /* never met the tag: unchanged */
  return 1;
}

/* the tape functions of chainrule.core (their upvalues: see ltape_open) */
const luaL_Reg lt_funcs[] = {
  {"param", lt_param},
  {"isvar", lt_isvar},
  {"zero_grad", lt_zero_grad},
  {"nograd", lt_nograd},
  {"tapelimit", lt_tapelimit},
  {"tapestats", lt_tapestats},
  {"tape_new", lt_tape_new},
  {"tape_graph", lgraph_tape},
  {"tape_swap", lt_tape_swap},
  {"tape_release", lt_tape_release},
  {"tape_vars", lt_tape_vars},
  {"tape_grad", lt_tape_grad},
  {"newtag", lt_newtag},
  {"seed", lt_seed},
  {"coef", lt_coef},
  {NULL, NULL}
};
