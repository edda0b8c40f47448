/* cp_sframe.c: from the model to the frame: titles and panels, evaluating curves, the cursor read-out, params */
#include "cp_script_int.h"

void cps_getstr (lua_State *L, int idx, const char *k, char *buf, size_t n) {
  if (!lua_istable(L, idx)) {
    buf[0] = 0;
    return;
  }
  lua_getfield(L, idx, k);
  snprintf(buf, n, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
  lua_pop(L, 1);
}

double cps_getnum (lua_State *L, int idx, const char *k, double d) {
  double v;
  int ok;
  if (!lua_istable(L, idx)) return d;  /* never an unprotected error on a malformed model */
  lua_getfield(L, idx, k);
  v = lua_tonumberx(L, -1, &ok);
  lua_pop(L, 1);
  return ok ? v : d;
}

void cp_script_describe (cp_script *S, cp_frame *F, double *x0, double *x1) {
  lua_State *L = S->L;
  int p, c, np, i, top = lua_gettop(L);
  if (S->model == LUA_NOREF) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  cps_getstr(L, -1, "title", F->title, sizeof F->title);
  lua_getfield(L, -1, "x");
  lua_geti(L, -1, 1);
  lua_geti(L, -2, 2);
  *x0 = lua_tonumber(L, -2);
  *x1 = lua_tonumber(L, -1);
  lua_pop(L, 3);
  lua_getfield(L, -1, "panels");
  np = (int)luaL_len(L, -1);
  F->npanels = np;
  for (p = 0; p < np; p++) {
    cp_panel *P = &F->panels[p];
    lua_geti(L, -1, p + 1);
    cps_getstr(L, -1, "title", P->title, sizeof P->title);
    cps_getstr(L, -1, "axis", P->axis, sizeof P->axis);
    P->isx = strcmp(P->axis, "x") == 0;
    lua_getfield(L, -1, "shade");
    P->shade = !lua_isnil(L, -1);
    lua_getfield(L, -2, "axis2");
    P->axis2 = lua_toboolean(L, -1);
    lua_pop(L, 2);
    lua_getfield(L, -1, "curves");
    P->ncurves = (int)luaL_len(L, -1);
    if (P->ncurves > CP_MAXCURVES) P->ncurves = CP_MAXCURVES;
    for (c = 0; c < P->ncurves; c++) {
      cp_curve *C = &P->curves[c];
      lua_geti(L, -1, c + 1);
      cps_getstr(L, -1, "label", C->label, sizeof C->label);
      lua_getfield(L, -1, "light");
      C->light = lua_toboolean(L, -1);
      lua_getfield(L, -2, "color");
      for (i = 0; i < 3; i++) {
        lua_geti(L, -1, i + 1);
        (&C->color.r)[i] = (unsigned char)lua_tointeger(L, -1);
        lua_pop(L, 1);
      }
      C->color.a = 255;
      lua_pop(L, 3);
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  lua_getfield(L, -1, "params");
  F->nsliders = (int)luaL_len(L, -1);
  if (F->nsliders > CP_MAXPARAMS) F->nsliders = CP_MAXPARAMS;
  for (i = 0; i < F->nsliders; i++) {
    cp_slider *sl = &F->sliders[i];
    lua_geti(L, -1, i + 1);
    cps_getstr(L, -1, "name", sl->name, sizeof sl->name);
    sl->value = cps_getnum(L, -1, "value", 0);
    sl->min = cps_getnum(L, -1, "min", 0);
    sl->max = cps_getnum(L, -1, "max", 1);
    sl->step = cps_getnum(L, -1, "step", 0);
    sl->initial = cps_getnum(L, -1, "initial", sl->value);
    lua_pop(L, 1);
  }
  lua_settop(L, top);
}

/* a compiled curve: each stage one point through its program, no Lua call */
static int evalstages (cp_script *S, const cp_stages *T, double t, double *y) {
  double res[MAXOUTS], *outs[MAXOUTS];
  int i, j;
  if (S->owned && (S->left -= T->cost) < 0) {  /* C time counts against the frame's budget too */
    S->left = S->budget;
    snprintf(S->err, sizeof S->err, "script ran too long (over %d million instructions in one "
             "frame; an infinite loop?)", (int)(S->budget / 1000000));
    *y = NAN;
    return 1;
  }
  for (i = 0; i < T->n; i++) {
    for (j = 0; j < T->nouts[i]; j++) outs[j] = &res[j];
    if (cr_prog_eval(T->prog[i], &t, 1, outs) != 0) {
      snprintf(S->err, sizeof S->err, "not enough memory");
      *y = NAN;
      return 1;
    }
    /* a derivative where its function is undefined is not drawn */
    t = (T->out[i] == 0 || isfinite(res[0])) ? res[T->out[i]] : NAN;
  }
  *y = t;
  return 0;
}

int cp_script_eval (void *ud, double t, double *y) {
  cp_curveref *r = ud;
  cp_script *S = r->S;
  lua_State *L = S->L;
  if (r->panel >= 0 && r->panel < CP_MAXPANELS && r->curve >= -1 && r->curve < CP_MAXCURVES
      && S->st[r->panel][r->curve + 1].n > 0)
    return evalstages(S, &S->st[r->panel][r->curve + 1], t, y);
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->curves);
  lua_geti(L, -1, r->panel + 1);
  lua_geti(L, -1, r->curve + 1);
  lua_remove(L, -2);
  lua_remove(L, -2);
  lua_pushnumber(L, t);
  if (cps_pcallk(S, 1, 1) != LUA_OK) {
    cps_seterr(S, "");
    *y = NAN;
    return 1;
  }
  *y = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
  lua_pop(L, 1);
  return 0;
}

static int l_cursor (lua_State *L) {
  lua_getfield(L, 1, "cursor");
  lua_pushvalue(L, 2);
  if (lua_tonumber(L, 3) > 0) lua_pushvalue(L, 3);
  else lua_pushnil(L);
  lua_call(L, 2, 3);
  return 3;
}

void cp_script_setview (cp_script *S, double x0, double x1) {
  S->width = x1 - x0;
}

int cp_script_cursor (cp_script *S, cp_frame *F, double x0, double *vals, int nvals) {
  lua_State *L = S->L;
  int p, c, n = 0, top = lua_gettop(L);
  if (S->model == LUA_NOREF) return -1;
  lua_pushcfunction(L, l_cursor);
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  lua_pushnumber(L, x0);
  lua_pushnumber(L, S->width);
  if (cps_pcallk(S, 3, 3) != LUA_OK) {
    cps_seterr(S, "");
    for (p = 0; p < F->npanels; p++) F->panels[p].cursor = 0;
    F->readout[0] = 0;  /* never a stale read-out */
    return -1;
  }
  if (!lua_istable(L, -3)) {
    lua_settop(L, top);
    snprintf(S->err, sizeof S->err, "the model's cursor returned no table of marks");
    return -1;
  }
  for (p = 0; p < F->npanels; p++) {
    cp_panel *P = &F->panels[p];
    lua_geti(L, -3, p + 1);
    P->cursor = lua_istable(L, -1);
    P->ct = cps_getnum(L, -1, "t", NAN);
    if (P->cursor) lua_getfield(L, -1, "marks");
    else lua_pushnil(L);
    for (c = 0; c < P->ncurves; c++) {
      cp_mark *m = &P->marks[c];
      if (lua_istable(L, -1)) lua_geti(L, -1, c + 1);
      else lua_pushnil(L);
      m->y = cps_getnum(L, -1, "y", NAN);
      m->slope = cps_getnum(L, -1, "slope", NAN);
      m->has_slope = !isnan(m->slope);
      m->yl = cps_getnum(L, -1, "yl", NAN);
      m->yr = cps_getnum(L, -1, "yr", NAN);
      if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "undefined");
        m->undefined = lua_toboolean(L, -1);
        lua_pop(L, 1);
      } else m->undefined = 0;
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
  }
  snprintf(F->readout, sizeof F->readout, "%s", lua_isstring(L, -2) ? lua_tostring(L, -2) : "");
  if (vals && lua_istable(L, -1)) {
    /* x, u[1..n], d[1..n], h, dh (or x, f, f', f'', f''') */
    int i;
    lua_getfield(L, -1, "u");
    if (lua_istable(L, -1)) {
      int k, nl;
      lua_getfield(L, -2, "d");
      nl = (int)luaL_len(L, -1);
      if (n < nvals) vals[n++] = x0;
      for (k = 1; k <= nl; k++) {
        lua_geti(L, -2, k);
        if (n < nvals) vals[n++] = lua_tonumber(L, -1);
        lua_pop(L, 1);
      }
      for (k = 1; k <= nl; k++) {
        lua_geti(L, -1, k);
        if (n < nvals) vals[n++] = lua_tonumber(L, -1);
        lua_pop(L, 1);
      }
      lua_pop(L, 2);
      if (n < nvals) vals[n++] = cps_getnum(L, -1, "h", NAN);
      if (n < nvals) vals[n++] = cps_getnum(L, -1, "dh", NAN);
    } else {
      static const char *const k[] = {"x", "f", "df", "d2f", "d3f"};
      lua_pop(L, 1);
      for (i = 0; i < 5 && n < nvals; i++) vals[n++] = cps_getnum(L, -1, k[i], NAN);
    }
  }
  lua_settop(L, top);
  return n;
}

int cp_script_setparam (cp_script *S, cp_frame *F, int i, double v) {
  lua_State *L = S->L;
  int top = lua_gettop(L);
  if (S->model == LUA_NOREF || i < 0 || i >= F->nsliders) return -1;
  lua_rawgeti(L, LUA_REGISTRYINDEX, S->model);
  lua_getfield(L, -1, "setparam");
  lua_pushinteger(L, i + 1);
  lua_pushnumber(L, v);
  if (cps_pcallk(S, 2, 0) != LUA_OK) {
    cps_seterr(S, "");
    cps_readcompiled(S);  /* never keep pointers to programs the model may have dropped */
    lua_settop(L, top);
    return -1;
  }
  cps_readcompiled(S);  /* the pieces were compiled again with the new value */
  lua_getfield(L, -1, "params");
  lua_geti(L, -1, i + 1);
  F->sliders[i].value = cps_getnum(L, -1, "value", v);
  lua_settop(L, top);
  return 0;
}
