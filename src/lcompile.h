/* lcompile.h: the chainrule.Compiled userdata */
#ifndef lcompile_h
#define lcompile_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */

int lcompile_open (lua_State *L);

struct cr_prog;
/* The program of the chainrule.Compiled at idx (value, then order derivatives), or NULL. */
const struct cr_prog *lcompile_prog (lua_State *L, int idx, int *order);

#endif
