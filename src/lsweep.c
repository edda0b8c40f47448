/* lsweep.c: the reverse sweep when adjoints are duals, for derivatives taken around or inside a gradient */
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldual.h"
#include "lsweep.h"

/* the birth of inner tag t (the first node whose value holds it), or -1 when t is not inner */
static long innerbirth (lua_State *L, const lsweep_inner *in, cr_tag t) {
  long b = -1;
  if (in->tab == 0) return -1;
  if (lua_rawgeti(L, in->tab, (lua_Integer)t) != LUA_TNIL)
    b = lua_isinteger(L, -1) ? (long)lua_tointeger(L, -1) : 0;
  lua_pop(L, 1);
  return b;
}

static int isinner (lua_State *L, const lsweep_inner *in, cr_tag t) {
  return innerbirth(L, in, t) >= 0;
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
  for (i = 0; i < m; i++) if (isinner(L, in, tu[i])) inner |= 1u << i;
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

/*
** Replaces the dual on top by its part free of the inner tags in mask (bits of its tags):
** what an adjoint keeps of perturbations that were extracted.
*/
static void dropinner (lua_State *L, unsigned mask) {
  Operand o;
  cr_tag tags[CR_MAXTAGS];
  int k, rest = 0;
  Dual *d;
  ldual_get(L, -1, &o);
  for (k = 0; k < o.m; k++) if (!(mask & (1u << k))) tags[rest++] = o.tags[k];
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

/*
** Adds the contribution on top into adjoint slot i of the table at at.  An inner tag born
** after node i cannot reach i's value, so its part of the adjoint is dead there: dropping
** it keeps adjoints to the tags still open, and the count of inner derivatives free.
*/
static void accumulate (lua_State *L, int at, int i, const lsweep_inner *in) {
  Operand o;
  unsigned dead = 0;
  int k;
  ldual_get(L, -1, &o);
  for (k = 0; k < o.m; k++) {
    long b = innerbirth(L, in, o.tags[k]);
    if (b > i) dead |= 1u << k;
  }
  if (dead) dropinner(L, dead);
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
  in->tab = (lua_rawgeti(L, sidx, LSWEEP_K_INNER) == LUA_TTABLE) ? lua_gettop(L) : 0;
}

/* notes in the inner table the first node whose value or partials hold each inner tag */
static void findbirths (lua_State *L, const cr_tape *t, int sidx, long from, const lsweep_inner *in) {
  long i;
  int j, k, pending = 0;
  lua_pushnil(L);
  while (lua_next(L, in->tab)) {
    pending |= !lua_isinteger(L, -1);
    lua_pop(L, 1);
  }
  for (i = 0; i <= from && pending; i++) {
    if (t->node[i].kind == CR_NODE_PLAIN) continue;
    for (j = 0; j < 3; j++) {
      Operand o;
      lua_rawgeti(L, sidx, t->node[i].slot + j);
      if (lua_type(L, -1) != LUA_TNIL && ldual_get(L, -1, &o)) {
        for (k = 0; k < o.m; k++) {
          cr_tag tg = o.tags[k];
          if (lua_rawgeti(L, in->tab, (lua_Integer)tg) == LUA_TBOOLEAN) {
            lua_pushinteger(L, (lua_Integer)i);
            lua_rawseti(L, in->tab, (lua_Integer)tg);
          }
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
    }
  }
}

void lsweep_run (lua_State *L, const cr_tape *t, int sidx, long from, int iseed) {
  const cr_node *nd = t->node;
  int at;
  long i;
  lsweep_inner in;
  sidx = lua_absindex(L, sidx);
  iseed = lua_absindex(L, iseed);
  lsweep_getinner(L, sidx, &in);
  if (in.tab) findbirths(L, t, sidx, from, &in);
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
      accumulate(L, at, parent, &in);
    }
    lua_settop(L, at);
  }
  lua_remove(L, at - 1);  /* the inner tags: only the adjoints are left */
}

void lsweep_pushadjoint (lua_State *L, int at, int i, const lsweep_inner *in) {
  Operand o;
  unsigned mask = 0;
  int k;
  if (lua_rawgeti(L, at, i + 1) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushnumber(L, 0.0);
    return;
  }
  ldual_get(L, -1, &o);
  for (k = 0; k < o.m; k++) {
    if (isinner(L, in, o.tags[k])) mask |= 1u << k;
  }
  if (mask) dropinner(L, mask);
}
