/* ltape_rec.c: recording an operation on Vars onto the tape, comparisons, coefficients */
#include "ltape_int.h"

/* ---- the stack algebra: rules run over numbers and duals held in stack slots ---- */

static int alg_konst (void *ud, double k, void *out) {
  lua_State *L = (lua_State *)ud;
  lua_pushnumber(L, k);
  *(int *)out = lua_gettop(L);
  return 0;
}

static int alg_apply (void *ud, cr_opid op, const void *a, const void *b, void *out) {
  lua_State *L = (lua_State *)ud;
  Operand oa, ob;
  luaL_checkstack(L, 4, "rule too deep");
  if (!ldual_get(L, *(const int *)a, &oa)) return 1;
  if (b != NULL && !ldual_get(L, *(const int *)b, &ob)) return 1;
  ldual_compute(L, op, &oa, b ? &ob : NULL);
  *(int *)out = lua_gettop(L);
  return 0;
}

/* pushes the partial of op wrt argument i with operands at ia, ib and result at iy */
static void pushpartial (lua_State *L, cr_opid op, int i, int ia, int ib, int iy) {
  cr_algebra alg;
  int out, top = lua_gettop(L);
  alg.size = sizeof(int);
  alg.ud = L;
  alg.konst = alg_konst;
  alg.apply = alg_apply;
  luaL_checkstack(L, 2 * CR_RULE_MAX, "rule too long");
  if (cr_rule_eval(&alg, op, i, &ia, &ib, &iy, &out) != 0)
    luaL_error(L, "cannot evaluate the rule of '%s'", cr_ops[op].name);
  lua_pushvalue(L, out);
  lua_copy(L, -1, top + 1);
  lua_settop(L, top + 1);
}

/* values and partials that came out as plain numbers keep a node plain */
static int isplain (lua_State *L, int idx) {
  return lua_type(L, idx) == LUA_TNUMBER;
}

/* ---- recording an operation ---- */

typedef struct Arg {
  Var *v;       /* NULL for a constant */
  int node;     /* node index once on the tape */
  int plain;    /* value is a double, in x */
  double x;
} Arg;

/* records on T an operation with a dual operand: value and partials over the dual algebra */
static void recordgeneric (lua_State *L, cr_opid op, int two, Arg *a, Tape *T, int hidx,
                           unsigned long long serial) {
  int base = lua_gettop(L), iy, slot, generic = 0, i, n = two ? 2 : 1;
  Operand oa, ob, oy;
  double pd[2] = {0.0, 0.0};
  long r;
  for (i = 0; i < n; i++) {
    if (a[i].v != NULL) lt_pushvalue(L, a[i].v);
    else lua_pushvalue(L, i + 1);
  }
  if (!ldual_get(L, base + 1, &oa) || (two && !ldual_get(L, base + 2, &ob)))
    luaL_error(L, "attempt to perform arithmetic on a non-number value");
  ldual_compute(L, op, &oa, two ? &ob : NULL);
  iy = lua_gettop(L);
  generic |= !isplain(L, iy);
  for (i = 0; i < 2; i++) {
    if (i < n && a[i].node >= 0) {
      pushpartial(L, op, i, base + 1, two ? base + 2 : base + 1, iy);
      if (isplain(L, -1)) pd[i] = lua_tonumber(L, -1);
      else generic = 1;
    }
    else lua_pushnumber(L, 0.0);
  }
  lt_checkserial(L, T, serial);  /* the rule ran Lua code */
  ldual_get(L, iy, &oy);
  r = cr_tape_push(&T->t, a[0].node, pd[0], two ? a[1].node : -1, pd[1], oy.c[0]);
  if (r < 0) lt_tapefail(L, r, T);
  if (generic) {  /* keep value and partials in the store: slot, slot+1, slot+2 */
    slot = (int)(3 * T->t.ngeneric + 1);
    T->t.node[r].kind = CR_NODE_GENERIC;
    T->t.node[r].slot = slot;
    T->t.ngeneric++;
    lt_getstore(L, T, 1);
    lua_pushvalue(L, iy);
    lua_rawseti(L, -2, slot);
    lua_pushvalue(L, iy + 1);
    lua_rawseti(L, -2, slot + 1);
    lua_pushvalue(L, iy + 2);
    lua_rawseti(L, -2, slot + 2);
    lua_pop(L, 1);
  }
  lt_pushnode(L, T, r, hidx, serial);
}

/* computes op on the values alone, as no_grad asks */
static void computeonly (lua_State *L, cr_opid op, int two, const Arg *a) {
  Operand oa, ob;
  int i, n = two ? 2 : 1;
  for (i = 0; i < n; i++) {
    if (a[i].v != NULL) lt_pushvalue(L, a[i].v);
    else lua_pushvalue(L, i + 1);
  }
  ldual_get(L, -n, &oa);
  if (two) ldual_get(L, -1, &ob);
  ldual_compute(L, op, &oa, two ? &ob : NULL);
}

/*
** Records op on operands a (at stack slots 1 and 2; b absent for unary ops)
** and pushes the resulting Var.  Numbers and plain nodes take the fast path:
** two doubles in, one node out, one allocation.
*/
static int recordargs (lua_State *L, cr_opid op, int two, Arg *a) {
  Tape *T = NULL;
  unsigned long long serial;
  int hidx = 0, i, n = two ? 2 : 1, plain = a[0].plain && (!two || a[1].plain);
  long r;
  for (i = 0; i < n; i++) {
    Var *v = a[i].v;
    if (v == NULL || v->tape == NULL) continue;
    lt_checklive(L, v);
    if (T == NULL) {
      T = v->tape;
      if (T->held) {
        lua_getiuservalue(L, i + 1, 1);
        hidx = lua_gettop(L);
      }
    }
    else if (T != v->tape)
      return luaL_error(L, "cannot mix Vars from two different tapes "
                           "(a gradient call or backward() ended the other one)");
  }
  if (lt_getstate(L)->nograd) {
    computeonly(L, op, two, a);
    return 1;
  }
  if (T == NULL) {
    T = lt_current(L);
    hidx = lua_gettop(L);
  }
  serial = T->serial;
  for (i = 0; i < n; i++) {
    Var *v = a[i].v;
    if (v == NULL) continue;
    a[i].node = (v->tape == NULL) ? lt_leafof(L, i + 1, v, T) : v->idx;
    if (!v->plain) a[i].plain = plain = 0;
  }
  lt_checkserial(L, T, serial);  /* joining a param allocates */
  for (i = 0; i < n; i++)  /* read once T is known live: a node's value is on it */
    if (a[i].v != NULL && a[i].plain) a[i].x = T->t.val[a[i].node];
  if (!plain) {
    recordgeneric(L, op, two, a, T, hidx, serial);
    return 1;
  }
  r = cr_tape_record(&T->t, op, a[0].node, a[0].x, two ? a[1].node : -1, two ? a[1].x : 0.0);
  if (r < 0) lt_tapefail(L, r, T);
  if (T->held && T->t.cap * sizeof(cr_node) > T->counted) lt_account(L, T);
  lt_pushnode(L, T, r, hidx, serial);
  return 1;
}

/* an operand that is the Var v, or the number x when v is NULL */
static void setarg (Arg *arg, Var *v, double x) {
  arg->v = v;
  arg->node = -1;
  arg->plain = 1;
  arg->x = x;
}

/* reads operand k (a number, Var or dual) into arg; raises for anything else */
static void getarg (lua_State *L, int k, Arg *arg) {
  setarg(arg, NULL, 0.0);
  if ((arg->v = lt_tovar(L, k)) != NULL) return;
  if (lua_type(L, k) == LUA_TNUMBER) arg->x = lua_tonumber(L, k);
  else {
    Operand o;
    ltaylor_expand(L, k);  /* a Taylor value meets a Var as the dual it stands for */
    if (lua_type(L, k) == LUA_TSTRING || !ldual_get(L, k, &o))
      luaL_error(L, "attempt to perform arithmetic on a %s value", ldual_typename(L, k));
    arg->plain = 0;
  }
}

/* records op on the operands at 1 and 2; at least one of them is a Var */
int lt_record (lua_State *L, cr_opid op, int two) {
  Arg a[2];
  getarg(L, 1, &a[0]);
  if (two) getarg(L, 2, &a[1]);
  return recordargs(L, op, two, a);
}

#define ARITH(name, two) \
  static int var_##name (lua_State *L) { return lt_record(L, CR_OP_##name, two); }
ARITH(add, 1) ARITH(sub, 1) ARITH(mul, 1) ARITH(div, 1)
ARITH(pow, 1) ARITH(mod, 1) ARITH(idiv, 1) ARITH(neg, 0)
#undef ARITH

/* __crapply(opid, a [, b]): cr.math functions and dual operators meeting a Var */
int lt_var_crapply (lua_State *L) {
  lua_Integer op = luaL_checkinteger(L, 1);
  int two;
  luaL_argcheck(L, op >= 0 && op < CR_NOPS, 1, "unknown operation");
  two = (cr_ops[op].arity == 2);
  lua_remove(L, 1);
  lua_settop(L, two ? 2 : 1);
  return lt_record(L, (cr_opid)op, two);
}

/*
** core.ops[name], behind cr.math: a Var with numbers or Vars records straight
** away; everything else goes to the dual algebra (Dual metatable: upvalue 4).
*/
int lt_var_op (lua_State *L) {
  cr_opid op = (cr_opid)lua_tointeger(L, lua_upvalueindex(5));
  int two = (cr_ops[op].arity == 2);
  Var *v1 = lt_tovar(L, 1), *v2 = two ? lt_tovar(L, 2) : NULL;  /* a block size tells a dual at once */
  if (v1 || v2) {
    if ((v1 || lua_type(L, 1) == LUA_TNUMBER) && (v2 || !two || lua_type(L, 2) == LUA_TNUMBER)) {
      Arg a[2];
      lua_settop(L, two ? 2 : 1);  /* extra arguments are ignored, as math's functions ignore them */
      setarg(&a[0], v1, v1 ? 0.0 : lua_tonumber(L, 1));
      setarg(&a[1], v2, (v2 || !two) ? 0.0 : lua_tonumber(L, 2));
      return recordargs(L, op, two, a);
    }
  }
  return ldual_opcall(L, op, lua_upvalueindex(4));  /* numbers first, then the duals' fast path */
}

static int compare (lua_State *L, int how) {
  double a, b;
  if (!lt_realpart(L, 1, &a) || !lt_realpart(L, 2, &b)) {
    if (how == 0) { lua_pushboolean(L, 0); return 1; }
    return luaL_error(L, "attempt to compare %s with %s", ldual_typename(L, 1), ldual_typename(L, 2));
  }
  lua_pushboolean(L, how == 0 ? a == b : how == 1 ? a < b : a <= b);
  return 1;
}

int lt_var_eq (lua_State *L) { return compare(L, 0); }
int lt_var_lt (lua_State *L) { return compare(L, 1); }
int lt_var_le (lua_State *L) { return compare(L, 2); }

/* ---- coefficients: taking a derivative's part of a Var records a node too ---- */

/* pushes the dual eps_t1 * ... for the tags in set (a monomial), or 1 */
static void pushmonomial (lua_State *L, const cr_tag *tags, int m) {
  Dual *d;
  if (m == 0) { lua_pushnumber(L, 1.0); return; }
  d = ldual_new(L, m, tags);
  memset(d->c, 0, ((size_t)1 << m) * sizeof(double));
  d->c[((size_t)1 << m) - 1] = 1.0;
}

/* __crcoef(var, first, n, k): the coefficient a derivative call takes from a Var result */
int lt_coefvar (lua_State *L, int vidx, cr_tag first, int n, int k) {
  Var *v = lt_tovar(L, vidx);
  cr_tag found[CR_MAXTAGS], setv[CR_MAXTAGS];
  int nfound, nset = 0, i, base, hidx = 0, slot;
  long r;
  Tape *T;
  cr_node *nd;
  vidx = lua_absindex(L, vidx);
  lt_checklive(L, v);
  lt_pushvalue(L, v);
  base = lua_gettop(L);
  if (lua_type(L, base) == LUA_TNUMBER) {  /* the Var never met these tags */
    if (k == 0) lua_pushvalue(L, vidx);
    else lua_pushnumber(L, 0.0);
    return 1;
  }
  ldual_pushcoef(L, base, first, n, k, found, &nfound);
  if (nfound == 0) {  /* a dual over other tags only */
    if (k == 0) lua_pushvalue(L, vidx);
    else lua_pushnumber(L, 0.0);
    return 1;
  }
  if (v->tape == NULL) return 1;  /* params hold numbers; unreachable */
  T = v->tape;
  if (T->held) {
    lua_getiuservalue(L, vidx, 1);
    hidx = lua_gettop(L);
  }
  lt_checklive(L, v);  /* again: a finalizer may have ended the tape while coefficients were made */
  {
    Operand oc;
    ldual_get(L, base + 1, &oc);
    r = cr_tape_push(&T->t, v->idx, 0.0, -1, 0.0, oc.c[0]);
  }
  if (r < 0) lt_tapefail(L, r, T);
  for (i = 0; i < nfound; i++) if (found[i] < first + k) setv[nset++] = found[i];
  nd = &T->t.node[r];
  nd->kind = CR_NODE_COEF;
  nd->slot = slot = (int)(3 * T->t.ngeneric + 1);  /* nd is not used past Lua calls */
  T->t.ngeneric++;
  lt_getstore(L, T, 1);
  lua_pushvalue(L, base + 1);
  lua_rawseti(L, -2, slot);
  pushmonomial(L, setv, nset);
  lua_rawseti(L, -2, slot + 1);
  if (lua_rawgeti(L, -1, K_INNER) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, K_INNER);
  }
  for (i = 0; i < nfound; i++) {
    lua_pushboolean(L, 1);
    lua_rawseti(L, -2, found[i]);
  }
  lua_pop(L, 2);
  lt_pushnode(L, T, r, hidx, v->serial);
  return 1;
}

int lt_var_crcoef (lua_State *L) {
  cr_tag first = (cr_tag)luaL_checkinteger(L, 2);
  int n = (int)luaL_checkinteger(L, 3), k = (int)luaL_checkinteger(L, 4);
  if (lt_tovar(L, 1) == NULL) return ldual_typeerror(L, 1, VAR_TNAME);
  luaL_argcheck(L, n >= 1 && n <= CR_MAXTAGS && k >= 0 && k <= n, 3, "bad tag range");
  return lt_coefvar(L, 1, first, n, k);
}

/*
** Runs the sweep from v's node (seed 1) and leaves either nothing (plain:
** the tape's adj array holds the adjoints) or the adjoint table on the stack;
** returns 1 in the second case.
*/
int lt_sweep (lua_State *L, const Var *v) {
  Tape *T = v->tape;
  if (T->t.ngeneric == 0) {
    if (cr_tape_backward(&T->t, v->idx, 1.0) != 0) luaL_error(L, "not enough memory");
    return 0;
  }
  lt_getstore(L, T, 1);
  lua_pushnumber(L, 1.0);
  lsweep_run(L, &T->t, -2, v->idx, -1);
  lua_replace(L, -3);
  lua_pop(L, 1);
  return 1;
}

/* the Var metatable's operators (their upvalues: see ltape_open) */
const luaL_Reg lt_varmeta[] = {
  {"__add", var_add},
  {"__sub", var_sub},
  {"__mul", var_mul},
  {"__div", var_div},
  {"__mod", var_mod},
  {"__pow", var_pow},
  {"__idiv", var_idiv},
  {"__unm", var_neg},
  {"__eq", lt_var_eq},
  {"__lt", lt_var_lt},
  {"__le", lt_var_le},
  {"__newindex", lt_var_newindex},
  {"__tostring", lt_var_tostring},
  {"__crapply", lt_var_crapply},
  {"__crcoef", lt_var_crcoef},
  {NULL, NULL}
};
