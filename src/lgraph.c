/* lgraph.c: a traced tape as plain Lua data (nodes, edges, partials, adjoints) for cr.graph */
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "cr_expr.h"
#include "ltape.h"

/* sets t.k = v for the string key k and the number v, in the table on top */
static void setnum (lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

/* pushes {a, b} (n of them) */
static void pushpair (lua_State *L, int n, double a, double b, int isint) {
  lua_createtable(L, n, 0);
  if (n > 0) { if (isint) lua_pushinteger(L, (lua_Integer)a); else lua_pushnumber(L, a); lua_rawseti(L, -2, 1); }
  if (n > 1) { if (isint) lua_pushinteger(L, (lua_Integer)b); else lua_pushnumber(L, b); lua_rawseti(L, -2, 2); }
}

/* appends a constant operand's node to the array at nodes; returns its index */
static int pushconst (lua_State *L, int nodes, int *count, double k, double adjoint) {
  char buf[40];
  lua_createtable(L, 0, 6);
  lua_pushliteral(L, "const");
  lua_setfield(L, -2, "op");
  setnum(L, "value", k);
  setnum(L, "adjoint", adjoint);
  pushpair(L, 0, 0, 0, 0);
  lua_setfield(L, -2, "args");
  pushpair(L, 0, 0, 0, 0);
  lua_setfield(L, -2, "partials");
  cr_expr_fmtnum(buf, k);
  lua_pushstring(L, buf);
  lua_setfield(L, -2, "label");
  lua_rawseti(L, nodes, ++*count);
  return *count;
}

/* a product that keeps the sweep's strong zero: nothing flows where either factor is 0 */
static double through (double partial, double g) {
  return (partial == 0 || g == 0) ? 0.0 : partial * g;
}

/*
** tape_graph(y, T, n [, labels]): after one sweep from y, the nodes y depends on and the n
** inputs, in tape order, each {op, value, adjoint, args, partials, label}; constant operands
** become "const" nodes just before their consumer.  Returns nodes, inputs, output.
*/
int lgraph_tape (lua_State *L) {
  int ynode, n = (int)luaL_checkinteger(L, 3), nodes, count = 0, *map;
  cr_tape *t = ltape_graphof(L, 1, 2, &ynode);
  long i;
  char *live;
  luaL_argcheck(L, n >= 0 && (size_t)n <= t->n, 3, "more inputs than the tape has");
  if (!t->traced) return luaL_argerror(L, 2, "a traced tape expected");
  if (t->ngeneric > 0)
    return luaL_error(L, "graph: f used duals or took a derivative; only functions of plain "
                         "numbers can be drawn");
  if (ynode >= 0 && cr_tape_backward(t, ynode, 1.0) != 0) return luaL_error(L, "not enough memory");
  map = (int *)lua_newuserdatauv(L, (t->n + 1) * sizeof(int), 0);
  live = (char *)lua_newuserdatauv(L, t->n + 1, 0);
  memset(live, 0, t->n + 1);
  for (i = 0; i < n; i++) live[i] = 1;
  if (ynode >= 0) live[ynode] = 1;
  for (i = ynode; i >= 0; i--) {  /* what y depends on, parents before children */
    if (!live[i]) continue;
    if (t->node[i].a >= 0) live[t->node[i].a] = 1;
    if (t->node[i].b >= 0) live[t->node[i].b] = 1;
  }
  lua_newtable(L);
  nodes = lua_gettop(L);
  for (i = 0; i < (long)t->n && (i < n || i <= ynode); i++) {
    const cr_node *nd = &t->node[i];
    const cr_trace *tr = &t->trace[i];
    double adj = (ynode >= 0 && i <= ynode) ? t->adj[i] : 0.0;
    int args[2], nargs = 0, k;
    double part[2];
    if (!live[i]) continue;
    if (tr->op >= 0) {
      const cr_op *op = &cr_ops[tr->op];
      for (k = 0; k < op->arity; k++) {
        int parent = k ? nd->b : nd->a;
        if (parent >= 0) {
          args[k] = map[parent];
          part[k] = k ? nd->db : nd->da;
        }
        else {  /* the partial the tape never needed, from the same table */
          double a = tr->ka, b = tr->kb;
          if (nd->a >= 0) a = t->val[nd->a];
          if (nd->b >= 0) b = t->val[nd->b];
          part[k] = cr_op_partial((cr_opid)tr->op, k, a, b, t->val[i]);
          args[k] = pushconst(L, nodes, &count, k ? tr->kb : tr->ka, through(part[k], adj));
        }
      }
      nargs = op->arity;
    }
    lua_createtable(L, 0, 6);
    if (tr->op >= 0) lua_pushstring(L, cr_ops[tr->op].name);
    else if (i < n) lua_pushliteral(L, "input");
    else lua_pushliteral(L, "param");
    lua_setfield(L, -2, "op");
    setnum(L, "value", t->val[i]);
    setnum(L, "adjoint", adj);
    pushpair(L, nargs, args[0], args[1], 1);
    lua_setfield(L, -2, "args");
    pushpair(L, nargs, part[0], part[1], 0);
    lua_setfield(L, -2, "partials");
    if (i < n && lua_istable(L, 4)) lua_rawgeti(L, 4, i + 1);
    else if (i < n) lua_pushfstring(L, "x%d", (int)i + 1);
    else if (tr->op >= 0) lua_pushstring(L, cr_ops[tr->op].infix ? cr_ops[tr->op].infix
                                                                 : cr_ops[tr->op].name);
    else lua_pushliteral(L, "param");
    lua_setfield(L, -2, "label");
    lua_rawseti(L, nodes, ++count);
    map[i] = count;
  }
  lua_createtable(L, n, 0);
  for (i = 0; i < n; i++) {
    lua_pushinteger(L, map[i]);
    lua_rawseti(L, -2, i + 1);
  }
  if (ynode >= 0) lua_pushinteger(L, map[ynode]);
  else lua_pushnil(L);
  return 3;
}
