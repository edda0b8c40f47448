/* lsweep.c: the reverse sweep when adjoints are duals, for derivatives taken around or inside a gradient */
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldual.h"
#include "lsweep.h"

static int isinner (const lsweep_inner *in, cr_tag t) {
  int i;
  for (i = 0; i < in->n; i++) if (in->tag[i] == t) return 1;
  return 0;
}

/*
** Pushes the contribution p (.) g of an adjoint g through a partial p.  Along
** tags that stay perturbations of the inputs it is the dual product (forward
** over reverse); along tags extracted on this tape (an inner derivative) it is
** the transpose of multiplication, because there g holds one adjoint per
** coefficient.
*/
static void pushtmul (lua_State *L, int ip, int ig, const lsweep_inner *in) {
  Operand p, g;
  cr_tag tu[CR_MAXTAGS];
  double *ep, *eg, *buf;
  size_t P, G, N;
  unsigned inner = 0;
  int m, i;
  Dual *d;
  ip = lua_absindex(L, ip);
  ig = lua_absindex(L, ig);
  ldual_get(L, ip, &p);
  ldual_get(L, ig, &g);
  if (p.m == 0 && g.m == 0) {  /* strong zero, as in forward mode */
    lua_pushnumber(L, (p.c[0] == 0 || g.c[0] == 0) ? 0.0 : p.c[0] * g.c[0]);
    return;
  }
  m = cr_tags_union(p.tags, p.m, g.tags, g.m, tu);
  if (m < 0) luaL_error(L, "too many nested derivatives (at most %d tags in one value)",
                        CR_MAXTAGS);
  for (i = 0; i < m; i++) if (isinner(in, tu[i])) inner |= 1u << i;
  N = (size_t)1 << m;
  d = ldual_new(L, m, tu);
  buf = (double *)lua_newuserdatauv(L, 2 * N * sizeof(double), 0);
  ep = buf;
  eg = buf + N;
  ldual_get(L, ip, &p);
  ldual_get(L, ig, &g);
  cr_dual_embed(p.tags, p.m, p.c, tu, m, ep);
  cr_dual_embed(g.tags, g.m, g.c, tu, m, eg);
  memset(d->c, 0, N * sizeof(double));
  for (P = 0; P < N; P++) {
    if (ep[P] == 0) continue;
    for (G = 0; G < N; G++) {
      size_t both = P & G;
      if (eg[G] == 0) continue;
      if (both & ~(size_t)inner) continue;         /* eps^2 = 0 */
      if (P & ~G & (size_t)inner) continue;        /* transpose: p's eps needs g's */
      d->c[((P | G) & ~(size_t)inner) | (G & ~P & (size_t)inner)] += ep[P] * eg[G];
    }
  }
  lua_pop(L, 1);
}

/* adds the value on top into adjoint slot i of the table at at */
static void accumulate (lua_State *L, int at, int i) {
  if (lua_rawgeti(L, at, i + 1) == LUA_TNIL) lua_pop(L, 1);
  else {
    Operand a, b;
    ldual_get(L, -1, &a);
    ldual_get(L, -2, &b);
    ldual_compute(L, CR_OP_add, &a, &b);
    lua_replace(L, -3);
    lua_pop(L, 1);
  }
  lua_rawseti(L, at, i + 1);
}

void lsweep_getinner (lua_State *L, int sidx, lsweep_inner *in) {
  in->n = 0;
  if (lua_rawgeti(L, sidx, LSWEEP_K_INNER) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      if (in->n >= LSWEEP_MAXINNER)
        luaL_error(L, "too many derivatives taken inside one gradient (at most %d)", LSWEEP_MAXINNER);
      in->tag[in->n++] = (cr_tag)lua_tointeger(L, -1);
    }
  }
  lua_pop(L, 1);
}

void lsweep_run (lua_State *L, const cr_tape *t, int sidx, long from, int iseed) {
  const cr_node *nd = t->node;
  int at;
  long i;
  lsweep_inner in;
  sidx = lua_absindex(L, sidx);
  iseed = lua_absindex(L, iseed);
  lsweep_getinner(L, sidx, &in);
  lua_createtable(L, (int)(from + 1), 0);
  at = lua_gettop(L);
  lua_pushvalue(L, iseed);
  lua_rawseti(L, at, from + 1);
  for (i = from; i >= 0; i--) {
    int k, ig;
    if (lua_rawgeti(L, at, i + 1) == LUA_TNIL) { lua_pop(L, 1); continue; }
    ig = lua_gettop(L);
    for (k = 0; k < 2; k++) {
      int parent = k ? nd[i].b : nd[i].a;
      if (parent < 0) continue;
      if (nd[i].kind == CR_NODE_PLAIN) lua_pushnumber(L, k ? nd[i].db : nd[i].da);
      else lua_rawgeti(L, sidx, nd[i].slot + 1 + k);
      if (nd[i].kind == CR_NODE_COEF) {  /* g goes back to the coefficient it came from */
        Operand m, g;
        ldual_get(L, -1, &m);
        ldual_get(L, ig, &g);
        ldual_compute(L, CR_OP_mul, &m, &g);
      }
      else pushtmul(L, -1, ig, &in);
      lua_remove(L, -2);
      accumulate(L, at, parent);
    }
    lua_settop(L, at);
  }
}

void lsweep_pushadjoint (lua_State *L, int at, int i, const lsweep_inner *in) {
  Operand o;
  unsigned mask = 0;
  int k, rest = 0;
  cr_tag tags[CR_MAXTAGS];
  Dual *d;
  if (lua_rawgeti(L, at, i + 1) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushnumber(L, 0.0);
    return;
  }
  ldual_get(L, -1, &o);
  if (o.m == 0) return;
  for (k = 0; k < o.m; k++) {
    if (isinner(in, o.tags[k])) mask |= 1u << k;
    else tags[rest++] = o.tags[k];
  }
  if (mask == 0) return;
  if (rest == 0) {
    lua_pushnumber(L, o.c[0]);
    lua_remove(L, -2);
    return;
  }
  d = ldual_new(L, rest, tags);
  ldual_get(L, -2, &o);
  cr_dual_select(o.m, o.c, mask, 0, d->c);
  lua_remove(L, -2);
}
