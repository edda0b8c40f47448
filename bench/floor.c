/*
** floor.c: the floor of operator overloading in Lua 5.4, for the benchmarks only.
** A dual is a userdata of two doubles and a tape node a userdata of an index and a
** value; each operation is one metamethod call, one metatable compare per operand
** and one allocation, with the derivative written by hand.  No tags, no checks
** beyond the type, no rule table: what chainrule's per-operation cost is measured against.
*/
#include <math.h>
#include <stdlib.h>

#include "lcompat.h"  /* the same shims as the module: the floor builds for every Lua */

/* ---- forward mode: (value, derivative) pairs ---- */

typedef struct D { double v, d; } D;

#define DMT lua_upvalueindex(1)

/* the operand at idx: a number (derivative 0) or a D */
static D get (lua_State *L, int idx) {
  D r;
  if (lua_type(L, idx) == LUA_TNUMBER) { r.v = lua_tonumber(L, idx); r.d = 0.0; return r; }
  if (lua_getmetatable(L, idx)) {
    int ok = lua_rawequal(L, -1, DMT);
    lua_pop(L, 1);
    if (ok) return *(const D *)lua_touserdata(L, idx);
  }
  luaL_error(L, "floor: number or dual expected");
  return r;
}

static int push (lua_State *L, double v, double d) {
  D *r = (D *)lua_newuserdatauv(L, sizeof(D), 0);
  r->v = v;
  r->d = d;
  lua_pushvalue(L, DMT);
  lua_setmetatable(L, -2);
  return 1;
}

static int d_add (lua_State *L) { D a = get(L, 1), b = get(L, 2); return push(L, a.v + b.v, a.d + b.d); }
static int d_sub (lua_State *L) { D a = get(L, 1), b = get(L, 2); return push(L, a.v - b.v, a.d - b.d); }
static int d_mul (lua_State *L) {
  D a = get(L, 1), b = get(L, 2);
  return push(L, a.v * b.v, a.d * b.v + a.v * b.d);
}
static int d_div (lua_State *L) {
  D a = get(L, 1), b = get(L, 2);
  double v = a.v / b.v;
  return push(L, v, (a.d - v * b.d) / b.v);
}
static int d_pow (lua_State *L) {  /* constant exponents, as the benchmark's functions need */
  D a = get(L, 1), b = get(L, 2);
  return push(L, pow(a.v, b.v), b.v * pow(a.v, b.v - 1) * a.d);
}
static int d_unm (lua_State *L) { D a = get(L, 1); return push(L, -a.v, -a.d); }
static int d_sin (lua_State *L) { D a = get(L, 1); return push(L, sin(a.v), cos(a.v) * a.d); }
static int d_cos (lua_State *L) { D a = get(L, 1); return push(L, cos(a.v), -sin(a.v) * a.d); }
static int d_exp (lua_State *L) { D a = get(L, 1); double e = exp(a.v); return push(L, e, e * a.d); }
static int d_log (lua_State *L) { D a = get(L, 1); return push(L, log(a.v), a.d / a.v); }
static int d_sqrt (lua_State *L) {
  D a = get(L, 1);
  double s = sqrt(a.v);
  return push(L, s, a.d / (2 * s));
}

static int d_new (lua_State *L) { return push(L, luaL_checknumber(L, 1), luaL_optnumber(L, 2, 1.0)); }
static int d_value (lua_State *L) { lua_pushnumber(L, get(L, 1).v); return 1; }
static int d_deriv (lua_State *L) { lua_pushnumber(L, get(L, 1).d); return 1; }

/* derivative(f, x): f' (x) and f(x), as cr.derivative returns them */
static int d_derivative (lua_State *L) {
  D r;
  lua_settop(L, 2);
  lua_pushvalue(L, 1);
  push(L, luaL_checknumber(L, 2), 1.0);
  lua_call(L, 1, 1);
  r = get(L, 3);
  lua_pushnumber(L, r.d);
  lua_pushnumber(L, r.v);
  return 2;
}

/* ---- reverse mode: one global Wengert list, nodes as (index, value) userdata ---- */

typedef struct Node { int a, b; double da, db; } Node;
typedef struct V { int idx; double v; } V;

static Node *nodes;
static double *adj;
static size_t n, cap;

#define VMT lua_upvalueindex(1)

static int record (int a, double da, int b, double db) {
  if (n == cap) {
    cap = cap ? 2 * cap : 4096;
    nodes = (Node *)realloc(nodes, cap * sizeof *nodes);
    adj = (double *)realloc(adj, cap * sizeof *adj);
    if (nodes == NULL || adj == NULL) abort();
  }
  nodes[n].a = a; nodes[n].da = da;
  nodes[n].b = b; nodes[n].db = db;
  return (int)n++;
}

/* the operand at idx: a number (no node) or a V */
static V vget (lua_State *L, int idx) {
  V r;
  if (lua_type(L, idx) == LUA_TNUMBER) { r.idx = -1; r.v = lua_tonumber(L, idx); return r; }
  if (lua_getmetatable(L, idx)) {
    int ok = lua_rawequal(L, -1, VMT);
    lua_pop(L, 1);
    if (ok) return *(const V *)lua_touserdata(L, idx);
  }
  luaL_error(L, "floor: number or var expected");
  return r;
}

static int vpush (lua_State *L, double v, int a, double da, int b, double db) {
  V *r = (V *)lua_newuserdatauv(L, sizeof(V), 0);
  r->idx = record(a, da, b, db);
  r->v = v;
  lua_pushvalue(L, VMT);
  lua_setmetatable(L, -2);
  return 1;
}

static int v_add (lua_State *L) { V a = vget(L, 1), b = vget(L, 2); return vpush(L, a.v + b.v, a.idx, 1, b.idx, 1); }
static int v_sub (lua_State *L) { V a = vget(L, 1), b = vget(L, 2); return vpush(L, a.v - b.v, a.idx, 1, b.idx, -1); }
static int v_mul (lua_State *L) { V a = vget(L, 1), b = vget(L, 2); return vpush(L, a.v * b.v, a.idx, b.v, b.idx, a.v); }
static int v_sin (lua_State *L) { V a = vget(L, 1); return vpush(L, sin(a.v), a.idx, cos(a.v), -1, 0); }

/* gradient(f, xs): f's gradient at the array xs, one sweep over the list */
static int v_gradient (lua_State *L) {
  lua_Integer i, k = (lua_Integer)luaL_len(L, 2);
  V y;
  long j;
  n = 0;
  lua_pushvalue(L, 1);
  lua_createtable(L, (int)k, 0);
  for (i = 1; i <= k; i++) {
    lua_rawgeti(L, 2, i);
    vpush(L, lua_tonumber(L, -1), -1, 0, -1, 0);
    lua_rawseti(L, -3, i);
    lua_pop(L, 1);
  }
  lua_call(L, 1, 1);
  y = vget(L, -1);
  for (j = 0; j < (long)n; j++) adj[j] = 0.0;
  if (y.idx >= 0) adj[y.idx] = 1.0;
  for (j = y.idx; j >= 0; j--) {
    double g = adj[j];
    if (nodes[j].a >= 0) adj[nodes[j].a] += nodes[j].da * g;
    if (nodes[j].b >= 0) adj[nodes[j].b] += nodes[j].db * g;
  }
  lua_createtable(L, (int)k, 0);
  for (i = 1; i <= k; i++) {
    lua_pushnumber(L, adj[i - 1]);
    lua_rawseti(L, -2, i);
  }
  return 1;
}

static const luaL_Reg dmeta[] = {
  {"__add", d_add}, {"__sub", d_sub}, {"__mul", d_mul}, {"__div", d_div},
  {"__pow", d_pow}, {"__unm", d_unm}, {NULL, NULL}
};

static const luaL_Reg dfuncs[] = {
  {"dual", d_new}, {"value", d_value}, {"deriv", d_deriv}, {"derivative", d_derivative},
  {"sin", d_sin}, {"cos", d_cos}, {"exp", d_exp}, {"log", d_log}, {"sqrt", d_sqrt},
  {NULL, NULL}
};

static const luaL_Reg vmeta[] = {
  {"__add", v_add}, {"__sub", v_sub}, {"__mul", v_mul}, {NULL, NULL}
};

static const luaL_Reg vfuncs[] = {
  {"vsin", v_sin}, {"gradient", v_gradient}, {NULL, NULL}
};

/* require "floor": the dual functions and the tape's, each with its metatable as upvalue */
int luaopen_floor (lua_State *L) {
  lua_newtable(L);
  lua_newtable(L);                 /* the dual metatable */
  lua_pushvalue(L, -1);
  luaL_setfuncs(L, dmeta, 1);
  luaL_setfuncs(L, dfuncs, 1);     /* pops the metatable */
  lua_newtable(L);                 /* the tape node metatable */
  lua_pushvalue(L, -1);
  luaL_setfuncs(L, vmeta, 1);
  luaL_setfuncs(L, vfuncs, 1);
  return 1;
}
