/* ltape.h: the chainrule.Var type and the reverse-mode functions of chainrule.core */
#ifndef ltape_h
#define ltape_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */

#include "cr_tape.h"

int ltape_open (lua_State *L);

/*
** For functions registered by ltape_open: the tape of the handle at tidx and the node of
** the Var at yidx on it (-1 when yidx is no Var of that tape).  Raises for a released tape.
*/
cr_tape *ltape_graphof (lua_State *L, int yidx, int tidx, int *ynode);

/* tape_graph(y, T, n [, labels]): the graph behind cr.graph (lgraph.c) */
int lgraph_tape (lua_State *L);

#endif
