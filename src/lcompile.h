/* lcompile.h: the chainrule.Compiled userdata */
#ifndef lcompile_h
#define lcompile_h

#include "lua.h"

int lcompile_open (lua_State *L);

#endif
