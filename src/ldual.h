/* ldual.h: the chainrule.Dual userdata, shared by the other Lua bindings */
#ifndef ldual_h
#define ldual_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */
#include "cr_dual.h"

#define CR_DUAL_TNAME "chainrule.Dual"

typedef struct Dual {
  int m;          /* number of tags */
  double c[];     /* 2^m coefficients, then m tags (cr_tag) */
} Dual;

#define dual_tags(d) ((cr_tag *)((d)->c + ((size_t)1 << (d)->m)))

/* A number or dual seen as coefficients over tags; scalar backs plain numbers. */
typedef struct Operand {
  int m;
  const cr_tag *tags;
  const double *c;
  double scalar[2];
} Operand;

/*
** Functions registered by ldual_open and lderiv_open share two upvalues: the
** Dual metatable and the module state.  The *x variants take the metatable's
** stack index (an upvalue index on hot paths); the others look it up.
*/
#define LDUAL_MT lua_upvalueindex(1)
#define LDUAL_STATE lua_upvalueindex(2)

/* The userdata at idx (with the Dual metatable) has a dual's size: 1, or 0 for a forgery. */
int ldual_sized (lua_State *L, int idx);

/* Reads stack slot idx as a number or dual; returns 0 for anything else. */
int ldual_get (lua_State *L, int idx, Operand *o);
int ldual_getx (lua_State *L, int idx, int mtidx, Operand *o);

/* Pushes a new dual over tags (m of them) with uninitialized coefficients. */
Dual *ldual_new (lua_State *L, int m, const cr_tag *tags);
Dual *ldual_newx (lua_State *L, int m, const cr_tag *tags, int mtidx);

/* Pushes op(a, b) (b NULL for unary ops) as a number or a dual. */
void ldual_compute (lua_State *L, cr_opid op, const Operand *a, const Operand *b);
void ldual_computex (lua_State *L, cr_opid op, const Operand *a, const Operand *b, int mtidx);

/*
** The common first-order case: operands 1 and 2 (only 1 when !two) are numbers
** or duals over one same tag, at least one a dual.  Then pushes op of them and
** returns 1; else returns 0 having pushed nothing (the general path decides).
*/
int ldual_fast (lua_State *L, cr_opid op, int two, int mtidx);

/* The dual over one tag at idx, or NULL for anything else. */
const Dual *ldual_todual1 (lua_State *L, int idx, int mtidx);

/* A fresh tag, never handed out before in this Lua state; newtags reserves n. */
cr_tag ldual_newtag (lua_State *L);
cr_tag ldual_newtags (lua_State *L, int n);
cr_tag ldual_newtagsx (lua_State *L, int n, int stateidx);  /* state at stateidx */

/* Pushes the two shared upvalues, for registering functions elsewhere. */
void ldual_pushupvalues (lua_State *L);

/*
** Pushes the coefficient of the number or dual at idx in which seed tags
** first .. first+k-1 are set and first+k .. first+n-1 are not, as a number or a
** dual over its other tags; found (may be NULL) gets the seed tags present.
*/
void ldual_pushcoef (lua_State *L, int idx, cr_tag first, int n, int k,
                     cr_tag *found, int *nfound);

/*
** What core.ops[name] does: numbers give exactly the C library's value, duals
** the op applied by the table, other chainrule types take it through __crapply.
** The Dual metatable is at mtidx.
*/
int ldual_opcall (lua_State *L, cr_opid op, int mtidx);

/* A value's type for messages: its metatable's __name, else its Lua type. */
const char *ldual_typename (lua_State *L, int idx);

/* luaL_typeerror that tells a forged block (tname's metatable, wrong size) from a real one. */
int ldual_typeerror (lua_State *L, int arg, const char *tname);

int ldual_open (lua_State *L);

#endif
