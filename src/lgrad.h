/* lgrad.h: the chainrule.Gradient userdata, compiled gradients of many inputs */
#ifndef lgrad_h
#define lgrad_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */

int lgrad_open (lua_State *L);

#endif
