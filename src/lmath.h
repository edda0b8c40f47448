/* lmath.h: cr.math's functions that math has too, running math's own code on plain values */
#ifndef lmath_h
#define lmath_h

#include "lua.h"

int lmath_open (lua_State *L);

#endif
