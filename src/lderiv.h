/* lderiv.h: derivative and derivatives of Lua functions by forward mode */
#ifndef lderiv_h
#define lderiv_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */

int lderiv_open (lua_State *L);

#endif
