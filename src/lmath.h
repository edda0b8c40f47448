/* lmath.h: cr.math's functions that math has too, running math's own code on plain values */
#ifndef lmath_h
#define lmath_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */

int lmath_open (lua_State *L);

#endif
