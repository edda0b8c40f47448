/* ltape.c: the chainrule.Var type, recording onto C tapes, and the reverse sweeps */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "cr_tape.h"
#include "ldual.h"
#include "lsweep.h"
#include "ltaylor.h"
#include "ltape.h"

#define VAR_TNAME  "chainrule.Var"
#define TAPE_TNAME "chainrule.Tape"
#define DEFAULT_LIMIT 10000000

/*
** The data of one tape.  The state pools these and frees none before it
** closes, so a Var keeps a plain pointer to its tape and tells by the serial
** whether the tape is still the one it was made on.
*/
typedef struct Tape {
  cr_tape t;
  unsigned long long serial;  /* 0 while in the pool; a new one at each use */
  int held;                   /* object API: its Vars hold the handle, the collector ends it */
  size_t counted;             /* its array bytes in the state's heldbytes (object API) */
  struct Tape *nextfree;
} Tape;

/*
** A tape as Lua sees it: what a gradient call keeps, or what the object API's
** Vars hold.  An object API tape lives in its handle, so it goes with its last
** Var; a gradient call's tape comes from the pool.
*/
typedef struct Handle {
  unsigned magic;             /* HANDLE_MAGIC, set only here: tells a handle from a forgery */
  Tape *T;                    /* NULL once released */
  unsigned long long serial;
  Tape own;                   /* the tape itself, when held */
} Handle;

/*
** A Var is a node of a tape (tape != NULL) or a parameter (tape == NULL): a
** leaf with its own value and .grad that joins whichever tape uses it, once
** per tape.  Nodes of a gradient call's tape carry no user value, which keeps
** the one allocation an operation costs small; nodes of the object API hold
** their tape's handle in user value 1.
*/
typedef struct Var {
  unsigned short magic;       /* VAR_MAGIC, first in the block: no user data can stand there */
  unsigned short plain;       /* the value is a double (always, for a param) */
  int idx;                    /* node index; for a param, its node on tape 'serial' */
  Tape *tape;
  unsigned long long serial;  /* node: its tape's serial; param: the tape it last joined */
  double x;                   /* params only: the value (a node's is its tape's val[idx]) */
  double grad;                /* params only */
} Var;

/* a node Var stops before the param-only fields: 24 bytes, less for malloc and the collector */
#define NODE_SIZE offsetof(Var, x)

/* the value of a plain Var whose tape (if any) is live */
#define varx(v) ((v)->tape ? (v)->tape->t.val[(v)->idx] : (v)->x)

/*
** debug.setmetatable can give any userdata the Var or Tape metatable: a block counts
** only with the right size and magic number, which only the constructors here write.
*/
#define VAR_MAGIC    0xC4A9u
#define HANDLE_MAGIC 0xC4A9D0E1u

/*
** A training loop's old tapes reach the collector a few steps late: keeping the
** arrays of several lets each new tape start on memory already faulted in.
*/
#define NSPARE 4

/*
** Per-state settings.  User values: 1 the current tape's handle (weakly),
** 2 the pooled Tapes (their anchor), 3 each tape's store, keyed by its address.
*/
typedef struct State {
  unsigned long long serial;
  size_t limit;
  int nograd;
  long live;                  /* tapes in use */
  int ntapes;                 /* tapes in the pool, in use or free */
  Tape *free;
  cr_tape spare[NSPARE];      /* arrays of released tapes, for the next ones */
  int closing;                /* the state is being collected: keep nothing */
  size_t heldbytes;           /* array bytes of the object API tapes not yet released */
} State;

/* upvalues of every function here */
#define VARMT  lua_upvalueindex(1)
#define TAPEMT lua_upvalueindex(2)
#define STATE  lua_upvalueindex(3)

/* keys in a tape's store (slots of generic nodes are positive integers) */
#define K_LEAVES   (-1)   /* array of params joined to this tape */
#define K_LEAFNODE (-2)   /* their node indices */
#define K_INNER    LSWEEP_K_INNER

static State *getstate (lua_State *L) {
  return (State *)lua_touserdata(L, STATE);
}

static Var *tovar (lua_State *L, int idx) {
  Var *v;
  size_t len;
  if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_absindex(L, idx);
  v = (Var *)lua_touserdata(L, idx);  /* NULL for all but userdata; light ones have length 0 */
  if (v == NULL || ((len = lua_rawlen(L, idx)) != NODE_SIZE && len != sizeof(Var))
      || v->magic != VAR_MAGIC || !lua_getmetatable(L, idx))
    return NULL;
  if (!lua_rawequal(L, -1, VARMT)) v = NULL;
  lua_pop(L, 1);
  return v;
}

static Handle *tohandle (lua_State *L, int idx) {
  Handle *h = NULL;
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
    if (lua_rawequal(L, -1, TAPEMT)) {
      h = (Handle *)lua_touserdata(L, idx);
      if (lua_rawlen(L, idx) != sizeof(Handle) || h->magic != HANDLE_MAGIC) h = NULL;
    }
    lua_pop(L, 1);
  }
  return h;
}

/* the tape of a handle, or NULL once it has been released */
static Tape *handletape (const Handle *h) {
  return (h != NULL && h->T != NULL && h->T->serial == h->serial) ? h->T : NULL;
}

static void dropcurrent (lua_State *L, const Tape *T);

static int tapefail (lua_State *L, long e, const Tape *T) {
  dropcurrent(L, T);  /* the object API's next operation starts a fresh tape */
  if (e == -CR_TAPE_EFULL)
    return luaL_error(L, "tape size limit of %I nodes reached (raise it with cr.tapelimit)",
                      (LUAI_UACINT)T->t.limit);
  return luaL_error(L, "not enough memory");
}

#define ENDED "this Var belongs to a gradient call that has returned"

/*
** Raises when T ended since an operation read its serial: any allocation can
** run finalizers, and a gradient call abandoned in a suspended coroutine ends
** its tape when the collector frees its handle.
*/
static void checkserial (lua_State *L, const Tape *T, unsigned long long serial) {
  if (T->serial != serial) luaL_error(L, ENDED);
}

static void checklive (lua_State *L, const Var *v) {
  if (v->tape != NULL) checkserial(L, v->tape, v->serial);
}

/* pushes the store table of T, making it when 'make' is set (else nil if none) */
static void getstore (lua_State *L, const Tape *T, int make) {
  lua_getiuservalue(L, STATE, 3);
  if (lua_rawgetp(L, -1, T) == LUA_TNIL && make) {
    unsigned long long serial = T->serial;
    if (serial == 0) luaL_error(L, ENDED);
    lua_pop(L, 1);
    lua_newtable(L);
    checkserial(L, T, serial);  /* no store may outlive its tape into the next use of the record */
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, T);
  }
  lua_remove(L, -2);
}

/* ---- tapes ---- */

/* pushes the handle of a fresh tape: its own for the object API, else one from the pool */
static Tape *newtape (lua_State *L, int held) {
  State *S = getstate(L);
  Tape *T;
  /* the handle first: allocating may run finalizers, which return tapes to the pool */
  Handle *h = (Handle *)lua_newuserdatauv(L, sizeof(Handle), 0);
  h->magic = HANDLE_MAGIC;
  h->T = NULL;
  h->serial = 0;
  lua_pushvalue(L, TAPEMT);
  lua_setmetatable(L, -2);
  if (held) {
    T = &h->own;
    cr_tape_init(&T->t, S->limit);
  }
  else if (S->free != NULL) {
    T = S->free;
    S->free = T->nextfree;
  }
  else {  /* a new record, anchored in the pool for as long as the module is open */
    T = (Tape *)lua_newuserdatauv(L, sizeof(Tape), 0);
    cr_tape_init(&T->t, S->limit);
    lua_getiuservalue(L, STATE, 2);
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, ++S->ntapes);
    lua_pop(L, 2);
  }
  T->nextfree = NULL;
  T->counted = 0;
  T->t.limit = S->limit;
  if (!S->closing) {  /* the largest spare */
    int i, k = 0;
    for (i = 1; i < NSPARE; i++) if (S->spare[i].cap > S->spare[k].cap) k = i;
    if (S->spare[k].cap > 0) cr_tape_take(&T->t, &S->spare[k]);
  }
  T->serial = ++S->serial;
  T->held = held;
  S->live++;
  h->T = T;
  h->serial = T->serial;
  return T;
}

/* frees T's memory (a pooled T goes back to the pool); its Vars become unusable */
static void releasetape (lua_State *L, Tape *T) {
  State *S = getstate(L);
  if (T->serial == 0) return;
  S->live--;
  T->serial = 0;
  S->heldbytes -= T->counted;
  T->counted = 0;
  if (S->closing) { cr_tape_free(&T->t); return; }
  {  /* into an empty spare, else in place of the smallest when larger */
    int i, k = 0;
    for (i = 1; i < NSPARE; i++) if (S->spare[i].cap < S->spare[k].cap) k = i;
    if (T->t.cap > S->spare[k].cap) cr_tape_take(&S->spare[k], &T->t);
  }
  cr_tape_free(&T->t);
  lua_getiuservalue(L, STATE, 3);
  lua_pushnil(L);
  lua_rawsetp(L, -2, T);
  lua_pop(L, 1);
  if (!T->held) {
    T->nextfree = S->free;
    S->free = T;
  }
}

static int tape_gc (lua_State *L) {
  Handle *h = tohandle(L, 1);  /* a direct call with anything else does nothing */
  Tape *T = handletape(h);
  if (T != NULL) releasetape(L, T);
  if (h != NULL) h->T = NULL;
  return 0;
}

/*
** The current tape's handle sits in a weak table (the state's user value 1):
** the object API's Vars keep it alive, and once they are all unreachable the
** collector frees it.
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

/* a full (or failed) object API tape stops being current; its Vars stay valid */
static void dropcurrent (lua_State *L, const Tape *T) {
  getcurrent(L);
  if (T->held && handletape(tohandle(L, -1)) == T) {
    lua_pushnil(L);
    setcurrent(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* bytes of a tape's arrays, which the collector cannot see */
static size_t tapebytes (const Tape *T) {
  return T->t.cap * (sizeof(cr_node) + sizeof(double)) + T->t.adjcap * sizeof(double);
}

/* keeps the state's sum of the object API tapes' array bytes up to date */
static void account (lua_State *L, Tape *T) {
  State *S = getstate(L);
  size_t b = tapebytes(T);
  S->heldbytes += b - T->counted;
  T->counted = b;
}

/*
** Before a training loop's next tape: when the old tapes' arrays outweigh the Lua
** heap and no spare is left, collect, as the collector would if it saw them (the
** standalone lua runs it in generational mode, where an old tape's handle waits for
** a major collection).  Their finalizers leave their arrays as spares for the new tape.
*/
static void reclaim (lua_State *L) {
  State *S = getstate(L);
  int i;
  for (i = 0; i < NSPARE; i++) if (S->spare[i].cap > 0) return;
  if (S->heldbytes / 1024 > (size_t)lua_gc(L, LUA_GCCOUNT, 0)) lua_gc(L, LUA_GCCOLLECT, 0);
}

/* pushes the current tape's handle, making an object API tape if there is none */
static Tape *current (lua_State *L) {
  Tape *T;
  getcurrent(L);
  T = handletape(tohandle(L, -1));
  if (T != NULL) return T;
  lua_pop(L, 1);
  reclaim(L);
  T = newtape(L, 1);
  setcurrent(L, -1);
  account(L, T);
  return T;
}

/* ---- Vars ---- */

/*
** Pushes a Var for node idx of T, which had the given serial when the
** operation began; hidx is T's handle on the stack when T is held.
*/
static void pushnode (lua_State *L, Tape *T, long idx, int hidx, unsigned long long serial) {
  int plain, held = T->held;
  Var *v;
  checkserial(L, T, serial);
  plain = (T->t.node[idx].kind == CR_NODE_PLAIN);  /* read first: allocating may end T */
  v = (Var *)lua_newuserdatauv(L, NODE_SIZE, held);
  v->magic = VAR_MAGIC;
  v->tape = T;
  v->serial = serial;
  v->idx = (int)idx;
  v->plain = (unsigned short)plain;
  lua_pushvalue(L, VARMT);
  lua_setmetatable(L, -2);
  if (held) {
    lua_pushvalue(L, hidx);
    lua_setiuservalue(L, -2, 1);
  }
}

/* pushes the value of a Var (number, or dual for generic nodes) */
static void pushvalue (lua_State *L, const Var *v) {
  const cr_node *nd;
  if (v->tape == NULL) { lua_pushnumber(L, v->x); return; }
  checklive(L, v);
  if (v->plain) { lua_pushnumber(L, varx(v)); return; }
  nd = &v->tape->t.node[v->idx];
  getstore(L, v->tape, 1);
  lua_rawgeti(L, -1, nd->slot);
  lua_remove(L, -2);
}

/* real part of a number, dual or Var operand, for comparisons */
static int realpart (lua_State *L, int idx, double *x) {
  Var *v = tovar(L, idx);
  Operand o;
  if (v != NULL) {
    checklive(L, v);
    *x = varx(v);  /* a generic node's val is its real part */
    return 1;
  }
  if (lua_type(L, idx) == LUA_TSTRING || !ldual_get(L, idx, &o)) return 0;
  *x = o.c[0];
  return 1;
}

/* the node of a param on tape T, joining it on first use */
static int leafof (lua_State *L, int pidx, Var *p, Tape *T) {
  long i;
  if (p->serial == T->serial) return p->idx;
  i = cr_tape_push(&T->t, -1, 0.0, -1, 0.0, p->x);
  if (i < 0) tapefail(L, i, T);
  getstore(L, T, 1);
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

/* records on T an operation with a dual operand: value and partials over the dual algebra */
static void recordgeneric (lua_State *L, cr_opid op, int two, Arg *a, Tape *T, int hidx,
                           unsigned long long serial) {
  int base = lua_gettop(L), iy, slot, generic = 0, i, n = two ? 2 : 1;
  Operand oa, ob, oy;
  double pd[2] = {0.0, 0.0};
  long r;
  for (i = 0; i < n; i++) {
    if (a[i].v != NULL) pushvalue(L, a[i].v);
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
  checkserial(L, T, serial);  /* the rule ran Lua code */
  ldual_get(L, iy, &oy);
  r = cr_tape_push(&T->t, a[0].node, pd[0], two ? a[1].node : -1, pd[1], oy.c[0]);
  if (r < 0) tapefail(L, r, T);
  if (generic) {  /* keep value and partials in the store: slot, slot+1, slot+2 */
    slot = (int)(3 * T->t.ngeneric + 1);
    T->t.node[r].kind = CR_NODE_GENERIC;
    T->t.node[r].slot = slot;
    T->t.ngeneric++;
    getstore(L, T, 1);
    lua_pushvalue(L, iy);
    lua_rawseti(L, -2, slot);
    lua_pushvalue(L, iy + 1);
    lua_rawseti(L, -2, slot + 1);
    lua_pushvalue(L, iy + 2);
    lua_rawseti(L, -2, slot + 2);
    lua_pop(L, 1);
  }
  pushnode(L, T, r, hidx, serial);
}

/* computes op on the values alone, as no_grad asks */
static void computeonly (lua_State *L, cr_opid op, int two, const Arg *a) {
  Operand oa, ob;
  int i, n = two ? 2 : 1;
  for (i = 0; i < n; i++) {
    if (a[i].v != NULL) pushvalue(L, a[i].v);
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
    checklive(L, v);
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
  if (getstate(L)->nograd) {
    computeonly(L, op, two, a);
    return 1;
  }
  if (T == NULL) {
    T = current(L);
    hidx = lua_gettop(L);
  }
  serial = T->serial;
  for (i = 0; i < n; i++) {
    Var *v = a[i].v;
    if (v == NULL) continue;
    a[i].node = (v->tape == NULL) ? leafof(L, i + 1, v, T) : v->idx;
    if (!v->plain) a[i].plain = plain = 0;
  }
  checkserial(L, T, serial);  /* joining a param allocates */
  for (i = 0; i < n; i++)  /* read once T is known live: a node's value is on it */
    if (a[i].v != NULL && a[i].plain) a[i].x = T->t.val[a[i].node];
  if (!plain) {
    recordgeneric(L, op, two, a, T, hidx, serial);
    return 1;
  }
  r = cr_tape_record(&T->t, op, a[0].node, a[0].x, two ? a[1].node : -1, two ? a[1].x : 0.0);
  if (r < 0) tapefail(L, r, T);
  if (T->held && T->t.cap * sizeof(cr_node) > T->counted) account(L, T);
  pushnode(L, T, r, hidx, serial);
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
  if ((arg->v = tovar(L, k)) != NULL) return;
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
static int record (lua_State *L, cr_opid op, int two) {
  Arg a[2];
  getarg(L, 1, &a[0]);
  if (two) getarg(L, 2, &a[1]);
  return recordargs(L, op, two, a);
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

/*
** core.ops[name], behind cr.math: a Var with numbers or Vars records straight
** away; everything else goes to the dual algebra (Dual metatable: upvalue 4).
*/
static int var_op (lua_State *L) {
  cr_opid op = (cr_opid)lua_tointeger(L, lua_upvalueindex(5));
  int two = (cr_ops[op].arity == 2);
  Var *v1 = tovar(L, 1), *v2 = two ? tovar(L, 2) : NULL;  /* a block size tells a dual at once */
  if (v1 || v2) {
    if ((v1 || lua_type(L, 1) == LUA_TNUMBER) && (v2 || !two || lua_type(L, 2) == LUA_TNUMBER)) {
      Arg a[2];
      lua_settop(L, two ? 2 : 1);  /* extra arguments are ignored, as math's functions ignore them */
      setarg(&a[0], v1, v1 ? 0.0 : lua_tonumber(L, 1));
      setarg(&a[1], v2, (v2 || !two) ? 0.0 : lua_tonumber(L, 2));
      return recordargs(L, op, two, a);
    }
  }
  else if (ldual_fast(L, op, two, lua_upvalueindex(4))) return 1;  /* first-order duals */
  return ldual_opcall(L, op, lua_upvalueindex(4));
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
  int nfound, nset = 0, i, base, hidx = 0, slot;
  long r;
  Tape *T;
  cr_node *nd;
  vidx = lua_absindex(L, vidx);
  checklive(L, v);
  pushvalue(L, v);
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
  checklive(L, v);  /* again: a finalizer may have ended the tape while coefficients were made */
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
  getstore(L, T, 1);
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
  pushnode(L, T, r, hidx, v->serial);
  return 1;
}

static int var_crcoef (lua_State *L) {
  cr_tag first = (cr_tag)luaL_checkinteger(L, 2);
  int n = (int)luaL_checkinteger(L, 3), k = (int)luaL_checkinteger(L, 4);
  if (tovar(L, 1) == NULL) return ldual_typeerror(L, 1, VAR_TNAME);
  luaL_argcheck(L, n >= 1 && n <= CR_MAXTAGS && k >= 0 && k <= n, 3, "bad tag range");
  return coefvar(L, 1, first, n, k);
}

/*
** Runs the sweep from v's node (seed 1) and leaves either nothing (plain:
** the tape's adj array holds the adjoints) or the adjoint table on the stack;
** returns 1 in the second case.
*/
static int sweep (lua_State *L, const Var *v) {
  Tape *T = v->tape;
  if (T->t.ngeneric == 0) {
    if (cr_tape_backward(&T->t, v->idx, 1.0) != 0) luaL_error(L, "not enough memory");
    return 0;
  }
  getstore(L, T, 1);
  lua_pushnumber(L, 1.0);
  lsweep_run(L, &T->t, -2, v->idx, -1);
  lua_replace(L, -3);
  lua_pop(L, 1);
  return 1;
}

/* ---- methods and metamethods ---- */

/* loss:backward(): accumulates d loss / d p into p.grad for every param p used */
static int var_backward (lua_State *L) {
  Var *v = tovar(L, 1);
  int generic, at = 0, n, k, st;
  lsweep_inner in;
  if (v == NULL) return ldual_typeerror(L, 1, VAR_TNAME);
  if (lua_gettop(L) > 1)  /* numbered as the method loss:backward(), however called */
    return luaL_error(L, "bad argument #1 to 'backward' (no arguments expected)");
  if (v->tape == NULL) {  /* a param on its own: d p / d p = 1 */
    v->grad += 1.0;
    return 0;
  }
  checklive(L, v);
  generic = sweep(L, v);
  if (generic) at = lua_gettop(L);
  getstore(L, v->tape, 1);
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
  getcurrent(L);
  if (handletape(tohandle(L, -1)) == v->tape) {
    lua_pushnil(L);
    setcurrent(L, -1);
  }
  return 0;
}

static Var *checkvar (lua_State *L, int idx) {
  Var *v = tovar(L, idx);
  if (v == NULL) ldual_typeerror(L, idx, VAR_TNAME);
  return v;
}

static int var_index (lua_State *L) {
  Var *v = checkvar(L, 1);
  const char *k = lua_tostring(L, 2);
  if (k == NULL) lua_pushnil(L);
  else if (strcmp(k, "value") == 0) pushvalue(L, v);
  else if (strcmp(k, "grad") == 0) {
    if (v->tape == NULL) lua_pushnumber(L, v->grad);
    else lua_pushnil(L);
  }
  else if (strcmp(k, "deriv") == 0) {  /* along the newest tag, staying on the tape */
    Operand o;
    pushvalue(L, v);
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
    /* a number, or a Var whose value an update step means; a dual's derivative part has
       nowhere to go in a param (a number), so it is refused rather than dropped */
    if (lua_type(L, 3) == LUA_TNUMBER) x = lua_tonumber(L, 3);
    else if (tovar(L, 3) == NULL || !realpart(L, 3, &x))
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

static int var_tostring (lua_State *L) {
  Var *v = checkvar(L, 1);
  if (v->tape == NULL) {
    lua_pushfstring(L, "param(%f, grad=%f)", v->x, v->grad);
    return 1;
  }
  if (v->tape->serial != v->serial) { lua_pushliteral(L, "Var(released)"); return 1; }
  pushvalue(L, v);
  lua_pushfstring(L, "Var(%s)", luaL_tolstring(L, -1, NULL));
  return 1;
}

/* ---- functions of chainrule.core ---- */

static int l_param (lua_State *L) {
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

/* nograd(on): whether Var operations compute values only; returns the old setting */
static int l_nograd (lua_State *L) {
  State *S = getstate(L);
  int old = S->nograd;
  S->nograd = lua_toboolean(L, 1);
  lua_pushboolean(L, old);
  return 1;
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

/* tapestats(): how many tapes hold memory now, the current tape's size, the pool's size */
static int l_tapestats (lua_State *L) {
  State *S = getstate(L);
  Tape *T;
  lua_pushinteger(L, S->live);
  getcurrent(L);
  T = handletape(tohandle(L, -1));
  lua_pop(L, 1);
  lua_pushinteger(L, T ? (lua_Integer)T->t.n : 0);
  lua_pushinteger(L, S->ntapes);
  return 3;
}

static Tape *checktape (lua_State *L, int idx) {
  Handle *h = tohandle(L, idx);
  Tape *T = handletape(h);
  if (h == NULL) ldual_typeerror(L, idx, TAPE_TNAME);
  if (T == NULL) luaL_argerror(L, idx, "tape already released");
  return T;
}

/* tape_new([traced]): a tape for one gradient call; a traced one keeps what each node applied */
static int l_tape_new (lua_State *L) {
  Tape *T = newtape(L, 0);
  if (lua_toboolean(L, 1)) cr_tape_trace(&T->t);  /* cr.graph: keep each node's op */
  return 1;
}

cr_tape *ltape_graphof (lua_State *L, int yidx, int tidx, int *ynode) {
  Tape *T = checktape(L, tidx);
  Var *y = tovar(L, yidx);
  if (y != NULL) checklive(L, y);
  *ynode = (y != NULL && y->tape == T) ? y->idx : -1;
  return &T->t;
}

/* tape_swap(T or nil): makes T the current tape, returns the previous one (a released T counts as none) */
static int l_tape_swap (lua_State *L) {
  if (!lua_isnil(L, 1) && tohandle(L, 1) == NULL) return ldual_typeerror(L, 1, TAPE_TNAME);
  getcurrent(L);
  setcurrent(L, 1);
  return 1;
}

/* tape_release(T): frees the tape's memory; its Vars become unusable */
static int l_tape_release (lua_State *L) {
  Handle *h = tohandle(L, 1);
  Tape *T = handletape(h);
  if (h == NULL) return ldual_typeerror(L, 1, TAPE_TNAME);
  if (T != NULL) releasetape(L, T);
  h->T = NULL;
  return 0;
}

/*
** tape_vars(T, xs): the inputs of a gradient call, numbers or duals, as an
** array of Vars; they are nodes 0 .. #xs-1 of the new tape T.
*/
static int l_tape_vars (lua_State *L) {
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
    if (r < 0) tapefail(L, r, T);
    if (o.m > 0) {  /* a dual input: its value lives in the store */
      int slot = (int)(3 * T->t.ngeneric + 1);
      T->t.node[r].kind = CR_NODE_GENERIC;
      T->t.node[r].slot = slot;
      T->t.ngeneric++;
      getstore(L, T, 1);
      lua_pushvalue(L, -2);
      lua_rawseti(L, -2, slot);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    pushnode(L, T, r, 0, T->serial);
    lua_rawseti(L, -2, i);
  }
  return 1;
}

/*
** tape_grad(y, T, n): the adjoints of T's first n nodes (the inputs) after
** one sweep from y, as a new array (numbers, or duals when outer derivatives
** are running); zeros when y is a param or a Var of another tape.
*/
static int l_tape_grad (lua_State *L) {
  Var *y = tovar(L, 1);
  Tape *T = checktape(L, 2);
  lua_Integer i, n = luaL_checkinteger(L, 3);
  int generic, at = 0;
  lsweep_inner in;
  if (y == NULL) return ldual_typeerror(L, 1, VAR_TNAME);
  luaL_argcheck(L, n >= 0 && (size_t)n <= T->t.n, 3, "more inputs than the tape has");
  checklive(L, y);
  if (y->tape != T) {  /* depends on no input */
    lua_createtable(L, (int)n, 0);
    for (i = 1; i <= n; i++) {
      lua_pushnumber(L, 0.0);
      lua_rawseti(L, -2, i);
    }
    return 1;
  }
  generic = sweep(L, y);
  if (generic) {
    at = lua_gettop(L);
    getstore(L, T, 1);
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
  {"nograd", l_nograd},
  {"tapelimit", l_tapelimit},
  {"tapestats", l_tapestats},
  {"tape_new", l_tape_new},
  {"tape_graph", lgraph_tape},
  {"tape_swap", l_tape_swap},
  {"tape_release", l_tape_release},
  {"tape_vars", l_tape_vars},
  {"tape_grad", l_tape_grad},
  {"newtag", l_newtag},
  {"seed", l_seed},
  {"coef", l_coef},
  {NULL, NULL}
};

static int state_gc (lua_State *L) {
  State *S = (State *)lua_touserdata(L, 1);
  int i;
  S->closing = 1;
  for (i = 0; i < NSPARE; i++) cr_tape_free(&S->spare[i]);
  lua_getiuservalue(L, 1, 2);
  for (i = 1; i <= S->ntapes; i++) {  /* whatever a handle's finalizer did not free */
    if (lua_rawgeti(L, -1, i) == LUA_TUSERDATA) cr_tape_free(&((Tape *)lua_touserdata(L, -1))->t);
    lua_pop(L, 1);
  }
  return 0;
}

/* pushes the three upvalues every function here expects */
static void pushup (lua_State *L, int varmt, int tapemt, int st) {
  lua_pushvalue(L, varmt);
  lua_pushvalue(L, tapemt);
  lua_pushvalue(L, st);
}

int ltape_open (lua_State *L) {
  int varmt, tapemt, st, i;
  State *S;
  luaL_newmetatable(L, VAR_TNAME);
  varmt = lua_gettop(L);
  luaL_newmetatable(L, TAPE_TNAME);
  tapemt = lua_gettop(L);
  S = (State *)lua_newuserdatauv(L, sizeof(State), 3);
  S->serial = 0;
  S->limit = DEFAULT_LIMIT;
  S->nograd = 0;
  S->live = 0;
  S->ntapes = 0;
  S->free = NULL;
  S->closing = 0;
  S->heldbytes = 0;
  for (i = 0; i < NSPARE; i++) cr_tape_init(&S->spare[i], DEFAULT_LIMIT);
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
  lua_newtable(L);  /* the pooled Tapes, so a Var's plain pointer stays valid */
  lua_setiuservalue(L, st, 2);
  lua_newtable(L);  /* the tapes' stores */
  lua_setiuservalue(L, st, 3);
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
  /* core.ops (made by ldual_open) hands Vars to record without a __crapply round trip */
  lua_getfield(L, -1, "ops");
  for (i = 0; i < CR_NOPS; i++) {
    pushup(L, varmt, tapemt, st);
    ldual_pushupvalues(L);
    lua_pop(L, 1);
    lua_pushinteger(L, i);
    lua_pushcclosure(L, var_op, 5);
    lua_setfield(L, -2, cr_ops[i].name);
  }
  lua_pop(L, 1);
  lua_settop(L, varmt - 1);
  return 0;
}
