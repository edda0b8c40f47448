/* lexpr.h: the chainrule.Expr userdata, shared with the compiled-function binding */
#ifndef lexpr_h
#define lexpr_h

#include "lcompat.h"  /* lua.h, lauxlib.h and the 5.4 API on older Luas */
#include "cr_expr.h"

#define CR_EXPR_TNAME "chainrule.Expr"

/* The pool behind every Expr of this Lua state. */
cr_expr *lexpr_pool (lua_State *L);

/* Node of the Expr at idx, a number made a constant, or CR_NONE for anything else. */
int lexpr_node (lua_State *L, int idx);

/* Pushes an Expr holding node n (raises on CR_NONE: out of memory). */
void lexpr_push (lua_State *L, int n);

int lexpr_open (lua_State *L);

#endif
