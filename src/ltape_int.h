/* ltape_int.h: what the files of the Var type share (ltape.c, ltape_rec.c, ltape_api.c); private */
#ifndef ltape_int_h
#define ltape_int_h

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
  size_t reclaimat;           /* heldbytes that warrant the next collection before a new tape */
} State;

/* upvalues of every function here */
#define VARMT  lua_upvalueindex(1)
#define TAPEMT lua_upvalueindex(2)
#define STATE  lua_upvalueindex(3)

/* keys in a tape's store (slots of generic nodes are positive integers) */
#define K_LEAVES   (-1)   /* array of params joined to this tape */
#define K_LEAFNODE (-2)   /* their node indices */
#define K_INNER    LSWEEP_K_INNER


/* ---- shared between the files; lt_ names are private to the Var type ---- */

/* on every operation's path: inline here rather than a call into ltape.c */
#define ENDED "this Var belongs to a gradient call that has returned"

static inline State *lt_getstate (lua_State *L) {
  return (State *)lua_touserdata(L, STATE);
}

static inline Var *lt_tovar (lua_State *L, int idx) {
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

/* the tape of a handle, or NULL once it has been released */
static inline Tape *lt_handletape (const Handle *h) {
  return (h != NULL && h->T != NULL && h->T->serial == h->serial) ? h->T : NULL;
}

/*
** Raises when T ended since an operation read its serial: any allocation can
** run finalizers, and a gradient call abandoned in a suspended coroutine ends
** its tape when the collector frees its handle.
*/
static inline void lt_checkserial (lua_State *L, const Tape *T, unsigned long long serial) {
  if (T->serial != serial) luaL_error(L, ENDED);
}

static inline void lt_checklive (lua_State *L, const Var *v) {
  if (v->tape != NULL) lt_checkserial(L, v->tape, v->serial);
}

/*
** Pushes a Var for node idx of T, which had the given serial when the
** operation began; hidx is T's handle on the stack when T is held.
*/
static inline void lt_pushnode (lua_State *L, Tape *T, long idx, int hidx, unsigned long long serial) {
  int plain, held = T->held;
  Var *v;
  lt_checkserial(L, T, serial);
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


Handle *lt_tohandle (lua_State *L, int idx);
int lt_tapefail (lua_State *L, long e, const Tape *T);
void lt_getstore (lua_State *L, const Tape *T, int make);
Tape *lt_newtape (lua_State *L, int held);
void lt_releasetape (lua_State *L, Tape *T);
void lt_getcurrent (lua_State *L);
void lt_setcurrent (lua_State *L, int idx);
void lt_account (lua_State *L, Tape *T);
Tape *lt_current (lua_State *L);
void lt_pushvalue (lua_State *L, const Var *v);
int lt_realpart (lua_State *L, int idx, double *x);
int lt_leafof (lua_State *L, int pidx, Var *p, Tape *T);
int lt_record (lua_State *L, cr_opid op, int two);
int lt_var_crapply (lua_State *L);
int lt_var_op (lua_State *L);
int lt_var_eq (lua_State *L);
int lt_var_lt (lua_State *L);
int lt_var_le (lua_State *L);
int lt_coefvar (lua_State *L, int vidx, cr_tag first, int n, int k);
int lt_var_crcoef (lua_State *L);
int lt_sweep (lua_State *L, const Var *v);
int lt_var_backward (lua_State *L);
int lt_var_index (lua_State *L);
int lt_var_newindex (lua_State *L);
int lt_var_tostring (lua_State *L);
int lt_param (lua_State *L);
int lt_isvar (lua_State *L);
int lt_zero_grad (lua_State *L);
int lt_nograd (lua_State *L);
int lt_tapelimit (lua_State *L);
int lt_tapestats (lua_State *L);
int lt_tape_new (lua_State *L);
int lt_tape_swap (lua_State *L);
int lt_tape_release (lua_State *L);
int lt_tape_vars (lua_State *L);
int lt_tape_grad (lua_State *L);
int lt_newtag (lua_State *L);
int lt_seed (lua_State *L);
int lt_coef (lua_State *L);
extern const luaL_Reg lt_varmeta[], lt_funcs[];

#endif
