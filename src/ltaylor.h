/* ltaylor.h: the chainrule.Taylor userdata, the value cr.derivative seeds for orders n >= 2 */
#ifndef ltaylor_h
#define ltaylor_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */
#include "cr_dual.h"

#define CR_TAYLOR_TNAME "chainrule.Taylor"

/*
** If the value at idx is a Taylor value, replaces it by the dual it stands for
** (over its n seed tags; at most CR_MAXTAGS) and returns 1; else returns 0.
*/
int ltaylor_expand (lua_State *L, int idx);

/*
** derivative / derivatives at a plain number x (stack slot 2) of order n >= 2:
** calls f (slot 1) on x + t truncated at t^n and leaves the result on top.
** Returns the first of the n seed tags the result's dual parts may carry.
*/
cr_tag ltaylor_call (lua_State *L, const char *fname, int n);

/* Pushes the k-th derivative (k = 0: the value) from the result at res. */
void ltaylor_pushcoef (lua_State *L, int res, cr_tag first, int n, int k);

int ltaylor_open (lua_State *L);

#endif
