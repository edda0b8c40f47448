/* lderiv.h: derivative and derivatives of Lua functions by forward mode */
#ifndef lderiv_h
#define lderiv_h

#include "lua.h"

int lderiv_open (lua_State *L);

#endif
