/* ltape.c: the chainrule.Var type: its state, tapes and their lifetime, registration */
#include "ltape_int.h"

Handle *lt_tohandle (lua_State *L, int idx) {
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

static void dropcurrent (lua_State *L, const Tape *T);

int lt_tapefail (lua_State *L, long e, const Tape *T) {
  dropcurrent(L, T);  /* the object API's next operation starts a fresh tape */
  if (e == -CR_TAPE_EFULL)
    return luaL_error(L, "tape size limit of %I nodes reached (raise it with cr.tapelimit)",
                      (LUAI_UACINT)T->t.limit);
  return luaL_error(L, "not enough memory");
}

/* pushes the store table of T, making it when 'make' is set (else nil if none) */
void lt_getstore (lua_State *L, const Tape *T, int make) {
  lua_getiuservalue(L, STATE, 3);
  if (lua_rawgetp(L, -1, T) == LUA_TNIL && make) {
    unsigned long long serial = T->serial;
    if (serial == 0) luaL_error(L, ENDED);
    lua_pop(L, 1);
    lua_newtable(L);
    lt_checkserial(L, T, serial);  /* no store may outlive its tape into the next use of the record */
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, T);
  }
  lua_remove(L, -2);
}

/* ---- tapes ---- */

/* pushes the handle of a fresh tape: its own for the object API, else one from the pool */
Tape *lt_newtape (lua_State *L, int held) {
  State *S = lt_getstate(L);
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
void lt_releasetape (lua_State *L, Tape *T) {
  State *S = lt_getstate(L);
  if (T->serial == 0) return;
  S->live--;
  T->serial = 0;
  S->heldbytes -= T->counted;
  T->counted = 0;
  if (S->closing) { cr_tape_free(&T->t); return; }
  /* arrays far larger than this tape needed (a big tape's, reused) are not kept: kept, each
     small tape would own them in turn and every new one would pay a collection to get them back */
  if (T->t.cap <= 4 * T->t.n + 4096) {  /* into an empty spare, else in place of the smallest when larger */
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
  Handle *h = lt_tohandle(L, 1);  /* a direct call with anything else does nothing */
  Tape *T = lt_handletape(h);
  if (T != NULL) lt_releasetape(L, T);
  if (h != NULL) h->T = NULL;
  return 0;
}

/*
** The current tape's handle sits in a weak table (the state's user value 1):
** the object API's Vars keep it alive, and once they are all unreachable the
** collector frees it.
*/
void lt_getcurrent (lua_State *L) {
  lua_getiuservalue(L, STATE, 1);
  lua_rawgeti(L, -1, 1);
  lua_remove(L, -2);
}

void lt_setcurrent (lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_getiuservalue(L, STATE, 1);
  lua_pushvalue(L, idx);
  lua_rawseti(L, -2, 1);
  lua_pop(L, 1);
}

/* a full (or failed) object API tape stops being current; its Vars stay valid */
static void dropcurrent (lua_State *L, const Tape *T) {
  lt_getcurrent(L);
  if (T->held && lt_handletape(lt_tohandle(L, -1)) == T) {
    lua_pushnil(L);
    lt_setcurrent(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* bytes of a tape's arrays, which the collector cannot see */
static size_t tapebytes (const Tape *T) {
  return T->t.cap * (sizeof(cr_node) + sizeof(double)) + T->t.adjcap * sizeof(double);
}

/* keeps the state's sum of the object API tapes' array bytes up to date */
void lt_account (lua_State *L, Tape *T) {
  State *S = lt_getstate(L);
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
  State *S = lt_getstate(L);
  int i;
  for (i = 0; i < NSPARE; i++) if (S->spare[i].cap > 0) return;
  /* paced as a collector is: live tapes survive a collection, so the next waits for twice their bytes */
  if (S->heldbytes / 1024 > (size_t)lua_gc(L, LUA_GCCOUNT, 0) && S->heldbytes > S->reclaimat) {
    lua_gc(L, LUA_GCCOLLECT, 0);
    S->reclaimat = 2 * S->heldbytes;
  }
}

/* pushes the current tape's handle, making an object API tape if there is none */
Tape *lt_current (lua_State *L) {
  Tape *T;
  lt_getcurrent(L);
  T = lt_handletape(lt_tohandle(L, -1));
  if (T != NULL) return T;
  lua_pop(L, 1);
  reclaim(L);
  T = lt_newtape(L, 1);
  lt_setcurrent(L, -1);
  lt_account(L, T);
  return T;
}

/* ---- Vars ---- */

/* pushes the value of a Var (number, or dual for generic nodes) */
void lt_pushvalue (lua_State *L, const Var *v) {
  const cr_node *nd;
  if (v->tape == NULL) { lua_pushnumber(L, v->x); return; }
  lt_checklive(L, v);
  if (v->plain) { lua_pushnumber(L, varx(v)); return; }
  nd = &v->tape->t.node[v->idx];
  lt_getstore(L, v->tape, 1);
  lua_rawgeti(L, -1, nd->slot);
  lua_remove(L, -2);
}

/* real part of a number, dual or Var operand, for comparisons */
int lt_realpart (lua_State *L, int idx, double *x) {
  Var *v = lt_tovar(L, idx);
  Operand o;
  if (v != NULL) {
    lt_checklive(L, v);
    *x = varx(v);  /* a generic node's val is its real part */
    return 1;
  }
  if (lua_type(L, idx) == LUA_TSTRING || !ldual_get(L, idx, &o)) return 0;
  *x = o.c[0];
  return 1;
}

/* the node of a param on tape T, joining it on first use */
int lt_leafof (lua_State *L, int pidx, Var *p, Tape *T) {
  long i;
  if (p->serial == T->serial) return p->idx;
  i = cr_tape_push(&T->t, -1, 0.0, -1, 0.0, p->x);
  if (i < 0) lt_tapefail(L, i, T);
  lt_getstore(L, T, 1);
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
  S->reclaimat = 0;
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
  luaL_setfuncs(L, lt_varmeta, 3);
  pushup(L, varmt, tapemt, st);
  pushup(L, varmt, tapemt, st);
  lua_pushcclosure(L, lt_var_backward, 3);
  lua_pushcclosure(L, lt_var_index, 4);  /* upvalue 4: the backward method */
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  /* module functions go into the table below the metatables */
  lua_pushvalue(L, varmt - 1);
  pushup(L, varmt, tapemt, st);
  luaL_setfuncs(L, lt_funcs, 3);
  /* core.ops (made by ldual_open) hands Vars to record without a __crapply round trip */
  lua_getfield(L, -1, "ops");
  for (i = 0; i < CR_NOPS; i++) {
    pushup(L, varmt, tapemt, st);
    ldual_pushupvalues(L);
    lua_pop(L, 1);
    lua_pushinteger(L, i);
    lua_pushcclosure(L, lt_var_op, 5);
    lua_setfield(L, -2, cr_ops[i].name);
  }
  lua_pop(L, 1);
  lua_settop(L, varmt - 1);
  return 0;
}
