/* lgrad.h: the chainrule.Gradient userdata, compiled gradients of many inputs */
#ifndef lgrad_h
#define lgrad_h

#include "lua.h"

int lgrad_open (lua_State *L);

#endif
