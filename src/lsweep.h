/* lsweep.h: the reverse sweep over a tape whose values or partials are duals */
#ifndef lsweep_h
#define lsweep_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */
#include "cr_tape.h"
#include "cr_dual.h"

/*
** Key in a tape's store: the tags extracted on that tape (inner derivatives), as a table
** tag -> true, or -> the first node whose value holds the tag once a sweep has looked.
*/
#define LSWEEP_K_INNER (-3)

/* The inner tags of one tape, as a stack index of that table (0: none were taken). */
typedef struct lsweep_inner {
  int tab;
} lsweep_inner;

/* Pushes the inner tags of the store table at sidx (nil when none) and points in at them. */
void lsweep_getinner (lua_State *L, int sidx, lsweep_inner *in);

/*
** Sweeps t back from node 'from' with the seed at iseed; generic nodes keep
** value and partials at slot, slot+1, slot+2 of the store at sidx.  Leaves a
** table of adjoints (index = node + 1) on the stack.
*/
void lsweep_run (lua_State *L, const cr_tape *t, int sidx, long from, int iseed);

/* Pushes adjoint i from the table at 'at' with inner tags dropped: a number when plain. */
void lsweep_pushadjoint (lua_State *L, int at, int i, const lsweep_inner *in);

#endif
