/* ltape.h: the chainrule.Var type and the reverse-mode functions of chainrule.core */
#ifndef ltape_h
#define ltape_h

#include "lua.h"

int ltape_open (lua_State *L);

#endif
