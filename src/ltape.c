/* ltape.c: the chainrule.Var type, recording onto C tapes, and the reverse sweeps */
#include <math.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "cr_tape.h"
#include "ldual.h"
#include "ltape.h"

#define VAR_TNAME  "chainrule.Var"
#define TAPE_TNAME "chainrule.Tape"
#define DEFAULT_LIMIT 10000000

/* A tape as Lua sees it; uservalue 1 is its store (generic values, leaves, inner tags) */
typedef struct Tape {
  cr_tape t;
  unsigned long long serial;  /* never reused, so a param's cache can't hit a new tape */
  int dead;                   /* memory released: its gradient call returned */
} Tape;

/*
** A Var is a node of a tape (tape != NULL, uservalue 1 keeps the tape alive)
** or a parameter (tape == NULL): a leaf with its own value and .grad that
** joins whichever tape uses it, once per tape.
*/
typedef struct Var {
  Tape *tape;
  int idx;                    /* node index; for a param, its node on tape 'serial' */
  unsigned long long serial;
  double value, grad;         /* params only */
} Var;

/* a node Var stops before the param-only fields: less for the collector per operation */
#define NODE_SIZE offsetof(Var, serial)

/* per-state settings; uservalue 1 is the current tape (or nil) */
typedef struct State {
  unsigned long long serial;
  size_t limit;
  int nograd;
  long live;                  /* tapes whose memory is not yet released */
  cr_tape spare;              /* the arrays of the last released tape, for the next one */
  int closing;                /* the state is being collected: keep nothing */
} State;

/* upvalues of every function here */
#define VARMT  lua_upvalueindex(1)
#define TAPEMT lua_upvalueindex(2)
#define STATE  lua_upvalueindex(3)

/* keys in a tape's store (slots of generic nodes are positive integers) */
#define K_LEAVES   (-1)   /* array of params joined to this tape */
#define K_LEAFNODE (-2)   /* their node indices */
#define K_INNER    (-3)   /* set of tags extracted on this tape */

static State *getstate (lua_State *L) {
  return (State *)lua_touserdata(L, STATE);
}

static Var *tovar (lua_State *L, int idx) {
  Var *v = NULL;
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
    if (lua_rawequal(L, -1, VARMT)) v = (Var *)lua_touserdata(L, idx);
    lua_pop(L, 1);
  }
  return v;
}

/* a value's type for messages, by its metatable's __name as luaL_typeerror does */
static Tape *totape (lua_State *L, int idx) {
  Tape *t = NULL;
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
    if (lua_rawequal(L, -1, TAPEMT)) t = (Tape *)lua_touserdata(L, idx);
    lua_pop(L, 1);
  }
  return t;
}

static int tapefail (lua_State *L, long e, const Tape *T) {
  if (e == -CR_TAPE_EFULL)
    return luaL_error(L, "tape size limit of %I nodes reached (raise it with cr.tapelimit)",
                      (LUAI_UACINT)T->t.limit);
  return luaL_error(L, "not enough memory");
}

static void checklive (lua_State *L, const Var *v) {
  if (v->tape != NULL && v->tape->dead)
    luaL_error(L, "this Var belongs to a gradient call that has returned");
}

/* pushes the store table of the tape at idx */
static void getstore (lua_State *L, int tidx) {
  lua_getiuservalue(L, tidx, 1);
}

/* ---- tapes ---- */

static Tape *newtape (lua_State *L) {
  State *S = getstate(L);
  Tape *T = (Tape *)lua_newuserdatauv(L, sizeof(Tape), 1);
  cr_tape_init(&T->t, S->limit);
  if (S->spare.cap > 0 && !S->closing) cr_tape_take(&T->t, &S->spare);
  T->serial = ++S->serial;
  T->dead = 0;
  S->live++;
  lua_pushvalue(L, TAPEMT);
  lua_setmetatable(L, -2);
  lua_newtable(L);
  lua_setiuservalue(L, -2, 1);
  return T;
}

static void releasetape (lua_State *L, Tape *T) {
  State *S = getstate(L);
  if (!T->dead) S->live--;
  if (!S->closing && T->t.cap > S->spare.cap) cr_tape_take(&S->spare, &T->t);  /* keep the larger */
  cr_tape_free(&T->t);
  T->dead = 1;
}

static int tape_gc (lua_State *L) {
  Tape *T = totape(L, 1);  /* a direct call with anything else does nothing */
  if (T != NULL) releasetape(L, T);
  return 0;
}

/*
** The current tape sits in a weak table (the state's uservalue): its Vars keep
** it alive, and once they are all unreachable the collector frees it.
*/
static void getcurrent (lua_State *L) {
  lua_getiuservalue(L, STATE, 1);
  lua_rawgeti(L, -1, 1);
  lua_remove(L, -2);
}

static void setcurrent (lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_getiuservalue(L, STATE, 1);
  lua_pushvalue(L, idx);
  lua_rawseti(L, -2, 1);
  lua_pop(L, 1);
}

/* pushes the current tape, making one if there is none */
static Tape *current (lua_State *L) {
  Tape *T;
  getcurrent(L);
  T = totape(L, -1);
  if (T != NULL && !T->dead) return T;
  lua_pop(L, 1);
  T = newtape(L);
  setcurrent(L, -1);
  return T;
}

/* ---- Vars ---- */

static Var *pushnode (lua_State *L, int tidx, Tape *T, long idx) {
  Var *v = (Var *)lua_newuserdatauv(L, NODE_SIZE, 1);
  v->tape = T;
  v->idx = (int)idx;
  lua_pushvalue(L, VARMT);
  lua_setmetatable(L, -2);
  lua_pushvalue(L, tidx);
  lua_setiuservalue(L, -2, 1);
  return v;
}

/* pushes the value of a Var (number, or dual for generic nodes) */
static void pushvalue (lua_State *L, int vidx, const Var *v) {
  const cr_node *nd;
  if (v->tape == NULL) { lua_pushnumber(L, v->value); return; }
  checklive(L, v);
  nd = &v->tape->t.node[v->idx];
  if (nd->kind == CR_NODE_PLAIN) { lua_pushnumber(L, v->tape->t.val[v->idx]); return; }
  lua_getiuservalue(L, vidx, 1);
  getstore(L, -1);
  lua_rawgeti(L, -1, nd->slot);
  lua_replace(L, -3);
  lua_pop(L, 1);
}

/* real part of a number, dual or Var operand, for comparisons */
static int realpart (lua_State *L, int idx, double *x) {
  Var *v = tovar(L, idx);
  Operand o;
  if (v != NULL) {
    if (v->tape == NULL) { *x = v->value; return 1; }
    checklive(L, v);
    *x = v->tape->t.val[v->idx];
    return 1;
  }
  if (lua_type(L, idx) == LUA_TSTRING || !ldual_get(L, idx, &o)) return 0;
  *x = o.c[0];
  return 1;
}

/* the node of a param on tape T (at stack index tidx), joining it on first use */
static int leafof (lua_State *L, int pidx, Var *p, int tidx, Tape *T) {
  long i;
  if (p->serial == T->serial) return p->idx;
  i = cr_tape_push(&T->t, -1, 0.0, -1, 0.0, p->value);
  if (i < 0) tapefail(L, i, T);
  getstore(L, tidx);
  if (lua_rawgeti(L, -1, K_LEAVES) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, K_LEAVES);
    lua_newtable(L);
    lua_rawseti(L, -3, K_LEAFNODE);
  }
  lua_pushvalue(L, pidx);
  lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
  lua_rawgeti(L, -2, K_LEAFNODE);
  lua_pushinteger(L, i);
  lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
  lua_pop(L, 3);
  p->serial = T->serial;
  p->idx = (int)i;
  return (int)i;
}

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

/*
** Records op on the operands at 1 and 2 (b absent for unary ops) and pushes the
** resulting Var; at least one operand is a Var.
*/
static int record (lua_State *L, cr_opid op, int two) {
  State *S = getstate(L);
  Arg a[2];
  Tape *T = NULL;
  int tidx = 0, i, n = two ? 2 : 1;
  long r;
  for (i = 0; i < n; i++) {
    Var *v = tovar(L, i + 1);
    a[i].v = v;
    a[i].node = -1;
    if (v != NULL) {
      checklive(L, v);
      if (v->tape != NULL) {
        if (T != NULL && T != v->tape)
          return luaL_error(L, "cannot mix Vars from two different tapes "
                               "(a gradient call or backward() ended the other one)");
        if (T == NULL) {
          T = v->tape;
          lua_getiuservalue(L, i + 1, 1);
          tidx = lua_gettop(L);
        }
      }
    }
    else if (lua_type(L, i + 1) != LUA_TNUMBER) {
      Operand o;
      if (lua_type(L, i + 1) == LUA_TSTRING || !ldual_get(L, i + 1, &o))
        return luaL_error(L, "attempt to perform arithmetic on a %s value", ldual_typename(L, i + 1));
    }
  }
  if (S->nograd) {  /* compute on the values alone */
    Operand oa, ob;
    for (i = 0; i < n; i++) {
      if (a[i].v != NULL) pushvalue(L, i + 1, a[i].v);
      else lua_pushvalue(L, i + 1);
    }
    ldual_get(L, -n, &oa);
    if (two) ldual_get(L, -1, &ob);
    ldual_compute(L, op, &oa, two ? &ob : NULL);
    return 1;
  }
  if (T == NULL) {
    T = current(L);
    tidx = lua_gettop(L);
  }
  for (i = 0; i < n; i++) {
    Var *v = a[i].v;
    if (v == NULL) {
      a[i].plain = (lua_type(L, i + 1) == LUA_TNUMBER);
      if (a[i].plain) a[i].x = lua_tonumber(L, i + 1);
    }
    else {
      a[i].node = (v->tape == NULL) ? leafof(L, i + 1, v, tidx, T) : v->idx;
      a[i].plain = (T->t.node[a[i].node].kind == CR_NODE_PLAIN);
      a[i].x = T->t.val[a[i].node];
    }
  }
  if (a[0].plain && (!two || a[1].plain)) {  /* the fast path: doubles only */
    r = cr_tape_record(&T->t, op, a[0].node, a[0].x, two ? a[1].node : -1,
                       two ? a[1].x : 0.0);
    if (r < 0) tapefail(L, r, T);
    pushnode(L, tidx, T, r);
    return 1;
  }
  {  /* a dual is involved: value and partials over the dual algebra */
    int base = lua_gettop(L), iy, slot, generic = 0;
    Operand oa, ob;
    double pd[2] = {0.0, 0.0};
    for (i = 0; i < n; i++) {
      if (a[i].v != NULL) pushvalue(L, i + 1, a[i].v);
      else lua_pushvalue(L, i + 1);
    }
    if (!ldual_get(L, base + 1, &oa) || (two && !ldual_get(L, base + 2, &ob)))
      return luaL_error(L, "attempt to perform arithmetic on a non-number value");
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
    {
      double re;
      Operand oy;
      ldual_get(L, iy, &oy);
      re = oy.c[0];
      r = cr_tape_push(&T->t, a[0].node, pd[0], two ? a[1].node : -1, pd[1], re);
    }
    if (r < 0) tapefail(L, r, T);
    if (generic) {  /* keep value and partials in the store: slot, slot+1, slot+2 */
      cr_node *nd = &T->t.node[r];
      getstore(L, tidx);
      slot = (int)(3 * T->t.ngeneric + 1);
      lua_pushvalue(L, iy);
      lua_rawseti(L, -2, slot);
      lua_pushvalue(L, iy + 1);
      lua_rawseti(L, -2, slot + 1);
      lua_pushvalue(L, iy + 2);
      lua_rawseti(L, -2, slot + 2);
      lua_pop(L, 1);
      nd->kind = CR_NODE_GENERIC;
      nd->slot = slot;
      T->t.ngeneric++;
    }
    pushnode(L, tidx, T, r);
    return 1;
  }
}

#define ARITH(name, two) \
  static int var_##name (lua_State *L) { return record(L, CR_OP_##name, two); }
ARITH(add, 1) ARITH(sub, 1) ARITH(mul, 1) ARITH(div, 1)
ARITH(pow, 1) ARITH(mod, 1) ARITH(idiv, 1) ARITH(neg, 0)
#undef ARITH

/* __crapply(opid, a [, b]): cr.math functions and dual operators meeting a Var */
static int var_crapply (lua_State *L) {
  lua_Integer op = luaL_checkinteger(L, 1);
  int two;
  luaL_argcheck(L, op >= 0 && op < CR_NOPS, 1, "unknown operation");
  two = (cr_ops[op].arity == 2);
  lua_remove(L, 1);
  lua_settop(L, two ? 2 : 1);
  return record(L, (cr_opid)op, two);
}

static int compare (lua_State *L, int how) {
  double a, b;
  if (!realpart(L, 1, &a) || !realpart(L, 2, &b)) {
    if (how == 0) { lua_pushboolean(L, 0); return 1; }
    return luaL_error(L, "attempt to compare %s with %s", ldual_typename(L, 1), ldual_typename(L, 2));
  }
  lua_pushboolean(L, how == 0 ? a == b : how == 1 ? a < b : a <= b);
  return 1;
}

static int var_eq (lua_State *L) { return compare(L, 0); }
static int var_lt (lua_State *L) { return compare(L, 1); }
static int var_le (lua_State *L) { return compare(L, 2); }

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
static int coefvar (lua_State *L, int vidx, cr_tag first, int n, int k) {
  Var *v = tovar(L, vidx);
  cr_tag found[CR_MAXTAGS], setv[CR_MAXTAGS];
  int nfound, nset = 0, i, base, tidx, slot;
  long r;
  Tape *T;
  cr_node *nd;
  vidx = lua_absindex(L, vidx);
  checklive(L, v);
  pushvalue(L, vidx, v);
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
  lua_getiuservalue(L, vidx, 1);
  tidx = lua_gettop(L);
  {
    Operand oc;
    ldual_get(L, base + 1, &oc);
    r = cr_tape_push(&T->t, v->idx, 0.0, -1, 0.0, oc.c[0]);
  }
  if (r < 0) tapefail(L, r, T);
  for (i = 0; i < nfound; i++) if (found[i] < first + k) setv[nset++] = found[i];
  nd = &T->t.node[r];
  nd->kind = CR_NODE_COEF;
  nd->slot = slot = (int)(3 * T->t.ngeneric + 1);  /* nd is not used past Lua calls */
  T->t.ngeneric++;
  getstore(L, tidx);
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
  pushnode(L, tidx, T, r);
  return 1;
}

static int var_crcoef (lua_State *L) {
  cr_tag first = (cr_tag)luaL_checkinteger(L, 2);
  int n = (int)luaL_checkinteger(L, 3), k = (int)luaL_checkinteger(L, 4);
  if (tovar(L, 1) == NULL) return luaL_typeerror(L, 1, VAR_TNAME);
  luaL_argcheck(L, n >= 1 && n <= CR_MAXTAGS && k >= 0 && k <= n, 3, "bad tag range");
  return coefvar(L, 1, first, n, k);
}

/* ---- the generic sweep: adjoints are numbers or duals ---- */

#define MAXINNER 1024  /* derivatives taken inside one gradient; past it, a clear error */

typedef struct Inner {
  int n;
  cr_tag tag[MAXINNER];
} Inner;

static int isinner (const Inner *in, cr_tag t) {
  int i;
  for (i = 0; i < in->n; i++) if (in->tag[i] == t) return 1;
  return 0;
}

/*
** Pushes the contribution p (.) g of an adjoint g through a partial p.  Along
** tags that stay perturbations of the inputs it is the dual product (forward
** over reverse); along tags extracted on this tape (an inner derivative) it is
** the transpose of multiplication, because there g holds one adjoint per
** coefficient.
*/
static void pushtmul (lua_State *L, int ip, int ig, const Inner *in) {
  Operand p, g;
  cr_tag tu[CR_MAXTAGS];
  double *ep, *eg, *buf;
  size_t P, G, N;
  unsigned inner = 0;
  int m, i;
  Dual *d;
  ip = lua_absindex(L, ip);
  ig = lua_absindex(L, ig);
  ldual_get(L, ip, &p);
  ldual_get(L, ig, &g);
  if (p.m == 0 && g.m == 0) {  /* strong zero, as in forward mode */
    lua_pushnumber(L, (p.c[0] == 0 || g.c[0] == 0) ? 0.0 : p.c[0] * g.c[0]);
    return;
  }
  m = cr_tags_union(p.tags, p.m, g.tags, g.m, tu);
  if (m < 0) luaL_error(L, "too many nested derivatives (at most %d tags in one value)",
                        CR_MAXTAGS);
  for (i = 0; i < m; i++) if (isinner(in, tu[i])) inner |= 1u << i;
  N = (size_t)1 << m;
  d = ldual_new(L, m, tu);
  buf = (double *)lua_newuserdatauv(L, 2 * N * sizeof(double), 0);
  ep = buf;
  eg = buf + N;
  ldual_get(L, ip, &p);
  ldual_get(L, ig, &g);
  cr_dual_embed(p.tags, p.m, p.c, tu, m, ep);
  cr_dual_embed(g.tags, g.m, g.c, tu, m, eg);
  memset(d->c, 0, N * sizeof(double));
  for (P = 0; P < N; P++) {
    if (ep[P] == 0) continue;
    for (G = 0; G < N; G++) {
      size_t both = P & G;
      if (eg[G] == 0) continue;
      if (both & ~(size_t)inner) continue;         /* eps^2 = 0 */
      if (P & ~G & (size_t)inner) continue;        /* transpose: p's eps needs g's */
      d->c[((P | G) & ~(size_t)inner) | (G & ~P & (size_t)inner)] += ep[P] * eg[G];
    }
  }
  lua_pop(L, 1);
}

/* adds the value on top into adjoint slot i of the table at at */
static void accumulate (lua_State *L, int at, int i) {
  if (lua_rawgeti(L, at, i + 1) == LUA_TNIL) lua_pop(L, 1);
  else {
    Operand a, b;
    ldual_get(L, -1, &a);
    ldual_get(L, -2, &b);
    ldual_compute(L, CR_OP_add, &a, &b);
    lua_replace(L, -3);
    lua_pop(L, 1);
  }
  lua_rawseti(L, at, i + 1);
}

/* reads the tape's inner tags from its store (at sidx) */
static void getinner (lua_State *L, int sidx, Inner *in) {
  in->n = 0;
  if (lua_rawgeti(L, sidx, K_INNER) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      if (in->n >= MAXINNER)
        luaL_error(L, "too many derivatives taken inside one gradient (at most %d)", MAXINNER);
      in->tag[in->n++] = (cr_tag)lua_tointeger(L, -1);
    }
  }
  lua_pop(L, 1);
}

/* leaves a table of adjoints (index = node + 1) on the stack */
static void sweepgeneric (lua_State *L, Tape *T, int tidx, long from, int iseed) {
  const cr_node *nd = T->t.node;
  int at, sidx;
  long i;
  Inner in;
  getstore(L, tidx);
  sidx = lua_gettop(L);
  getinner(L, sidx, &in);
  lua_createtable(L, (int)(from + 1), 0);
  at = lua_gettop(L);
  lua_pushvalue(L, iseed);
  lua_rawseti(L, at, from + 1);
  for (i = from; i >= 0; i--) {
    int k, ig;
    if (lua_rawgeti(L, at, i + 1) == LUA_TNIL) { lua_pop(L, 1); continue; }
    ig = lua_gettop(L);
    for (k = 0; k < 2; k++) {
      int parent = k ? nd[i].b : nd[i].a;
      if (parent < 0) continue;
      if (nd[i].kind == CR_NODE_PLAIN) lua_pushnumber(L, k ? nd[i].db : nd[i].da);
      else lua_rawgeti(L, sidx, nd[i].slot + 1 + k);
      if (nd[i].kind == CR_NODE_COEF) {  /* g goes back to the coefficient it came from */
        Operand m, g;
        ldual_get(L, -1, &m);
        ldual_get(L, ig, &g);
        ldual_compute(L, CR_OP_mul, &m, &g);
      }
      else pushtmul(L, -1, ig, &in);
      lua_remove(L, -2);
      accumulate(L, at, parent);
    }
    lua_settop(L, at);
  }
  lua_remove(L, sidx);
}

/* pushes adjoint i from the table at 'at', inner tags dropped; a number when plain */
static void pushadjoint (lua_State *L, int at, int i, const Inner *in) {
  Operand o;
  unsigned mask = 0;
  int k, rest = 0;
  cr_tag tags[CR_MAXTAGS];
  Dual *d;
  if (lua_rawgeti(L, at, i + 1) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushnumber(L, 0.0);
    return;
  }
  ldual_get(L, -1, &o);
  if (o.m == 0) return;
  for (k = 0; k < o.m; k++) {
    if (isinner(in, o.tags[k])) mask |= 1u << k;
    else tags[rest++] = o.tags[k];
  }
  if (mask == 0) return;
  if (rest == 0) {
    lua_pushnumber(L, o.c[0]);
    lua_remove(L, -2);
    return;
  }
  d = ldual_new(L, rest, tags);
  ldual_get(L, -2, &o);
  cr_dual_select(o.m, o.c, mask, 0, d->c);
  lua_remove(L, -2);
}

/*
** Runs the sweep from the node of the Var at vidx (seed 1) and leaves either
** nothing (plain: T->t.adj holds the adjoints) or the adjoint table on the
** stack; returns 1 in the second case.
*/
static int sweep (lua_State *L, int vidx, Var *v, int *tidx) {
  Tape *T = v->tape;
  lua_getiuservalue(L, vidx, 1);
  *tidx = lua_gettop(L);
  if (T->t.ngeneric == 0) {
    if (cr_tape_backward(&T->t, v->idx, 1.0) != 0) luaL_error(L, "not enough memory");
    return 0;
  }
  lua_pushnumber(L, 1.0);
  sweepgeneric(L, T, *tidx, v->idx, lua_gettop(L));
  lua_remove(L, -2);
  return 1;
}

/* ---- methods and metamethods ---- */

/* loss:backward(): accumulates d loss / d p into p.grad for every param p used */
static int var_backward (lua_State *L) {
  Var *v = tovar(L, 1);
  int tidx, generic, at = 0, n, k;
  Inner in;
  if (v == NULL) return luaL_typeerror(L, 1, VAR_TNAME);
  luaL_argcheck(L, lua_gettop(L) <= 1, 2, "no more than 1 argument expected");
  if (v->tape == NULL) {  /* a param on its own: d p / d p = 1 */
    v->grad += 1.0;
    return 0;
  }
  checklive(L, v);
  generic = sweep(L, 1, v, &tidx);
  if (generic) at = lua_gettop(L);
  getstore(L, tidx);
  getinner(L, lua_gettop(L), &in);
  if (lua_rawgeti(L, -1, K_LEAVES) == LUA_TTABLE) {
    lua_rawgeti(L, -2, K_LEAFNODE);
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
        pushadjoint(L, at, node, &in);
        ldual_get(L, -1, &o);
        p->grad += o.c[0];  /* .grad is a number: the real part */
        lua_pop(L, 1);
      }
    }
  }
  /* the next operation on params alone starts a fresh tape */
  getcurrent(L);
  if (lua_rawequal(L, -1, tidx)) {
    lua_pushnil(L);
    setcurrent(L, -1);
  }
  return 0;
}

static Var *checkvar (lua_State *L, int idx) {
  Var *v = tovar(L, idx);
  if (v == NULL) luaL_typeerror(L, idx, VAR_TNAME);
  return v;
}

static int var_index (lua_State *L) {
  Var *v = checkvar(L, 1);
  const char *k = lua_tostring(L, 2);
  if (k == NULL) lua_pushnil(L);
  else if (strcmp(k, "value") == 0) pushvalue(L, 1, v);
  else if (strcmp(k, "grad") == 0) {
    if (v->tape == NULL) lua_pushnumber(L, v->grad);
    else lua_pushnil(L);
  }
  else if (strcmp(k, "deriv") == 0) {  /* along the newest tag, staying on the tape */
    Operand o;
    pushvalue(L, 1, v);
    if (lua_type(L, -1) == LUA_TNUMBER || !ldual_get(L, -1, &o) || o.m == 0)
      lua_pushnumber(L, 0.0);
    else {
      cr_tag t = o.tags[o.m - 1];
      lua_pop(L, 1);
      coefvar(L, 1, t, 1, 1);
    }
  }
  else if (strcmp(k, "backward") == 0) {
    lua_pushvalue(L, lua_upvalueindex(4));
  }
  else lua_pushnil(L);
  return 1;
}

static int var_newindex (lua_State *L) {
  Var *v = checkvar(L, 1);
  const char *k = lua_tostring(L, 2);
  if (v->tape != NULL || k == NULL || (strcmp(k, "value") != 0 && strcmp(k, "grad") != 0))
    return luaL_error(L, "cannot set field '%s' of a %s (only a param's value and grad)",
                      k ? k : "?", v->tape ? "Var" : "param");
  if (k[0] == 'v') {
    double x;
    if (!realpart(L, 3, &x) || lua_type(L, 3) != LUA_TNUMBER) {
      /* a Var or dual on the right: take its value, as an update step means */
      if (!realpart(L, 3, &x))
        return luaL_error(L, "bad value for 'value' (number expected, got %s)",
                          ldual_typename(L, 3));
    }
    v->value = x;
    v->serial = 0;  /* tapes that saw the old value keep it; the next one sees this */
  }
  else v->grad = luaL_checknumber(L, 3);
  return 0;
}

static int var_tostring (lua_State *L) {
  Var *v = checkvar(L, 1);
  if (v->tape == NULL) {
    lua_pushfstring(L, "param(%f, grad=%f)", v->value, v->grad);
    return 1;
  }
  if (v->tape->dead) { lua_pushliteral(L, "Var(released)"); return 1; }
  pushvalue(L, 1, v);
  lua_pushfstring(L, "Var(%s)", luaL_tolstring(L, -1, NULL));
  return 1;
}

/* ---- functions of chainrule.core ---- */

static int l_param (lua_State *L) {
  Var *v;
  double x = luaL_checknumber(L, 1);
  luaL_argcheck(L, lua_gettop(L) <= 1, 2, "no more than 1 argument expected");
  v = (Var *)lua_newuserdatauv(L, sizeof(Var), 1);
  v->tape = NULL;
  v->idx = -1;
  v->serial = 0;
  v->value = x;
  v->grad = 0.0;
  lua_pushvalue(L, VARMT);
  lua_setmetatable(L, -2);
  return 1;
}

static int l_isvar (lua_State *L) {
  lua_pushboolean(L, tovar(L, 1) != NULL);
  return 1;
}

static int l_zero_grad (lua_State *L) {
  lua_Integer i, n;
  luaL_checktype(L, 1, LUA_TTABLE);
  n = luaL_len(L, 1);
  for (i = 1; i <= n; i++) {
    Var *v;
    lua_rawgeti(L, 1, i);
    v = tovar(L, -1);
    if (v == NULL || v->tape != NULL)
      return luaL_error(L, "bad argument #1 to 'zero_grad' (param expected at index %I, got %s)",
                        (LUAI_UACINT)i, v ? "a Var that is not a param" : ldual_typename(L, -1));
    v->grad = 0.0;
    lua_pop(L, 1);
  }
  return 0;
}

static int finishnograd (lua_State *L, int status, lua_KContext ctx) {
  (void)ctx;
  getstate(L)->nograd--;
  if (status != LUA_OK && status != LUA_YIELD) return lua_error(L);
  return lua_gettop(L);
}

/* no_grad(fn, ...): runs fn(...) with Var operations computing values only */
static int l_no_grad (lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  getstate(L)->nograd++;
  return finishnograd(L, lua_pcallk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, 0, finishnograd), 0);
}

static int l_tapelimit (lua_State *L) {
  State *S = getstate(L);
  lua_Integer old = (lua_Integer)S->limit;
  if (!lua_isnoneornil(L, 1)) {
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 1 && n <= 0x7fffffff, 1, "limit must be between 1 and 2^31-1");
    S->limit = (size_t)n;
  }
  lua_pushinteger(L, old);
  return 1;
}

/* tapestats(): how many tapes hold memory now, and the current tape's size */
static int l_tapestats (lua_State *L) {
  Tape *T;
  lua_pushinteger(L, getstate(L)->live);
  getcurrent(L);
  T = totape(L, -1);
  lua_pop(L, 1);
  lua_pushinteger(L, (T && !T->dead) ? (lua_Integer)T->t.n : 0);
  return 2;
}

/* tape_new(): a tape for one gradient call */
static int l_tape_new (lua_State *L) {
  newtape(L);
  return 1;
}

/* tape_swap(T or nil): makes T the current tape, returns the previous one */
static int l_tape_swap (lua_State *L) {
  if (!lua_isnil(L, 1) && totape(L, 1) == NULL) return luaL_typeerror(L, 1, TAPE_TNAME);
  getcurrent(L);
  setcurrent(L, 1);
  return 1;
}

/* tape_release(T): frees the tape's memory; its Vars become unusable */
static int l_tape_release (lua_State *L) {
  Tape *T = totape(L, 1);
  if (T == NULL) return luaL_typeerror(L, 1, TAPE_TNAME);
  releasetape(L, T);
  lua_newtable(L);
  lua_setiuservalue(L, 1, 1);
  return 0;
}

/* tape_var(T, x): an input of a gradient call, x a number or dual */
static int l_tape_var (lua_State *L) {
  Tape *T = totape(L, 1);
  Operand o;
  long r;
  if (T == NULL) return luaL_typeerror(L, 1, TAPE_TNAME);
  if (lua_type(L, 2) == LUA_TSTRING || !ldual_get(L, 2, &o)) return 0;
  r = cr_tape_push(&T->t, -1, 0.0, -1, 0.0, o.c[0]);
  if (r < 0) tapefail(L, r, T);
  if (o.m > 0) {
    cr_node *nd = &T->t.node[r];
    getstore(L, 1);
    nd->kind = CR_NODE_GENERIC;
    nd->slot = (int)(3 * T->t.ngeneric + 1);
    T->t.ngeneric++;
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, nd->slot);
    lua_pop(L, 1);
  }
  pushnode(L, 1, T, r);
  return 1;
}

/*
** tape_grad(y, inputs): the adjoints of the input Vars after one sweep from y,
** as a new array (numbers, or duals when outer derivatives are running).
*/
static int l_tape_grad (lua_State *L) {
  Var *y = tovar(L, 1);
  int tidx, generic, at = 0;
  lua_Integer i, n;
  Inner in;
  if (y == NULL) return luaL_typeerror(L, 1, VAR_TNAME);
  luaL_checktype(L, 2, LUA_TTABLE);
  if (y->tape == NULL) {  /* a param on its own depends on no input */
    n = luaL_len(L, 2);
    lua_createtable(L, (int)n, 0);
    for (i = 1; i <= n; i++) {
      lua_pushnumber(L, 0.0);
      lua_rawseti(L, -2, i);
    }
    return 1;
  }
  checklive(L, y);
  generic = sweep(L, 1, y, &tidx);
  if (generic) at = lua_gettop(L);
  getstore(L, tidx);
  getinner(L, lua_gettop(L), &in);
  lua_pop(L, 1);
  n = luaL_len(L, 2);
  lua_createtable(L, (int)n, 0);
  for (i = 1; i <= n; i++) {
    Var *x;
    lua_rawgeti(L, 2, i);
    x = tovar(L, -1);
    lua_pop(L, 1);
    if (x == NULL || x->tape != y->tape || x->idx > y->idx) lua_pushnumber(L, 0.0);
    else if (!generic) lua_pushnumber(L, y->tape->t.adj[x->idx]);
    else pushadjoint(L, at, x->idx, &in);
    lua_rawseti(L, -2, i);
  }
  return 1;
}

/* newtag(): a fresh perturbation tag; seed(x, tag, d): x + d eps_tag */
static int l_newtag (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ldual_newtag(L));
  return 1;
}

static int l_seed (lua_State *L) {
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
static int l_coef (lua_State *L) {
  cr_tag t = (cr_tag)luaL_checkinteger(L, 2), found[CR_MAXTAGS];
  int nf, k = (int)luaL_optinteger(L, 3, 1);
  Operand o;
  luaL_argcheck(L, k == 0 || k == 1, 3, "0 or 1 expected");
  if (tovar(L, 1) != NULL) return coefvar(L, 1, t, 1, k);
  if (lua_type(L, 1) == LUA_TSTRING || !ldual_get(L, 1, &o))
    return luaL_typeerror(L, 1, "number or dual");
  ldual_pushcoef(L, 1, t, 1, k, found, &nf);
  if (nf == 0 && k == 0) lua_pushvalue(L, 1);  /* never met the tag: unchanged */
  return 1;
}

static const luaL_Reg metameth[] = {
  {"__add", var_add},
  {"__sub", var_sub},
  {"__mul", var_mul},
  {"__div", var_div},
  {"__mod", var_mod},
  {"__pow", var_pow},
  {"__idiv", var_idiv},
  {"__unm", var_neg},
  {"__eq", var_eq},
  {"__lt", var_lt},
  {"__le", var_le},
  {"__newindex", var_newindex},
  {"__tostring", var_tostring},
  {"__crapply", var_crapply},
  {"__crcoef", var_crcoef},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"param", l_param},
  {"isvar", l_isvar},
  {"zero_grad", l_zero_grad},
  {"no_grad", l_no_grad},
  {"tapelimit", l_tapelimit},
  {"tapestats", l_tapestats},
  {"tape_new", l_tape_new},
  {"tape_swap", l_tape_swap},
  {"tape_release", l_tape_release},
  {"tape_var", l_tape_var},
  {"tape_grad", l_tape_grad},
  {"newtag", l_newtag},
  {"seed", l_seed},
  {"coef", l_coef},
  {NULL, NULL}
};

static int state_gc (lua_State *L) {
  State *S = (State *)lua_touserdata(L, 1);
  S->closing = 1;
  cr_tape_free(&S->spare);
  return 0;
}

/* pushes the three upvalues every function here expects */
static void pushup (lua_State *L, int varmt, int tapemt, int st) {
  lua_pushvalue(L, varmt);
  lua_pushvalue(L, tapemt);
  lua_pushvalue(L, st);
}

int ltape_open (lua_State *L) {
  int varmt, tapemt, st;
  State *S;
  luaL_newmetatable(L, VAR_TNAME);
  varmt = lua_gettop(L);
  luaL_newmetatable(L, TAPE_TNAME);
  tapemt = lua_gettop(L);
  S = (State *)lua_newuserdatauv(L, sizeof(State), 1);
  S->serial = 0;
  S->limit = DEFAULT_LIMIT;
  S->nograd = 0;
  S->live = 0;
  S->closing = 0;
  cr_tape_init(&S->spare, DEFAULT_LIMIT);
  st = lua_gettop(L);
  lua_newtable(L);
  lua_pushcfunction(L, state_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, st);
  lua_newtable(L);  /* holds the current tape weakly */
  lua_newtable(L);
  lua_pushliteral(L, "v");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setiuservalue(L, st, 1);
  pushup(L, varmt, tapemt, st);
  lua_pushcclosure(L, tape_gc, 3);
  lua_setfield(L, tapemt, "__gc");
  lua_pushvalue(L, varmt);
  pushup(L, varmt, tapemt, st);
  luaL_setfuncs(L, metameth, 3);
  pushup(L, varmt, tapemt, st);
  pushup(L, varmt, tapemt, st);
  lua_pushcclosure(L, var_backward, 3);
  lua_pushcclosure(L, var_index, 4);  /* upvalue 4: the backward method */
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  /* module functions go into the table below the metatables */
  lua_pushvalue(L, varmt - 1);
  pushup(L, varmt, tapemt, st);
  luaL_setfuncs(L, funcs, 3);
  lua_settop(L, varmt - 1);
  return 0;
}
