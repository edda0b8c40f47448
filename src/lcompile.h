/* lcompile.h: the chainrule.Compiled userdata */
#ifndef lcompile_h
#define lcompile_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */

int lcompile_open (lua_State *L);

struct cr_prog;
/* The program of the chainrule.Compiled at idx (value, then order derivatives), or NULL. */
const struct cr_prog *lcompile_prog (lua_State *L, int idx, int *order);

/* The doubles of the chainrule.Array at idx (their count in *n), or NULL when it is not one. */
double *lcompile_array (lua_State *L, int idx, size_t *n);
/* A new chainrule.Array of n doubles (not cleared) pushed on the stack. */
double *lcompile_newarray (lua_State *L, size_t n);

#endif
