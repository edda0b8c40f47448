/* lplotview.c: chainrule.plotview, chainplot's window and PNG export inside a Lua program */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "SDL.h"
#include "SDL_image.h"

#include "cp_app.h"
#include "cp_gapp.h"
#include "cp_window.h"

#if defined(__GNUC__)
#define CP_EXPORT __attribute__((visibility("default")))
#else
#define CP_EXPORT
#endif

typedef struct Opts {
  const char *font, *output, *shotdir;
  int w, h, nocursor, hasx0;
  int step;               /* a graph script's backward steps: -1 all, -2 not given */
  double x0, scale;
} Opts;

/* reads the options table at idx (may be nil) */
static void getopts (lua_State *L, int idx, Opts *o, const char *fname) {
  memset(o, 0, sizeof *o);
  o->scale = 1;
  o->step = -2;
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  if (lua_getfield(L, idx, "font") != LUA_TNIL) o->font = luaL_checkstring(L, -1);
  if (lua_getfield(L, idx, "output") != LUA_TNIL) o->output = luaL_checkstring(L, -1);
  if (lua_getfield(L, idx, "shotdir") != LUA_TNIL) o->shotdir = luaL_checkstring(L, -1);
  /* the three strings (or nils) stay on the stack: alive while the viewer runs,
     whatever the plot's own callbacks do to the options table meanwhile */
  if (lua_getfield(L, idx, "width") != LUA_TNIL) o->w = (int)luaL_checkinteger(L, -1);
  if (lua_getfield(L, idx, "height") != LUA_TNIL) o->h = (int)luaL_checkinteger(L, -1);
  lua_pop(L, 2);
  if (o->w && (o->w < 64 || o->w > 16384 || o->h < 64 || o->h > 16384))
    luaL_error(L, "bad argument #2 to '%s' (size must be 64 to 16384 pixels each way, got %dx%d)",
               fname, o->w, o->h);
  switch (lua_getfield(L, idx, "x0")) {
  case LUA_TNIL: break;
  case LUA_TBOOLEAN: o->nocursor = !lua_toboolean(L, -1); break;
  default:
    o->x0 = luaL_checknumber(L, -1);
    o->hasx0 = isfinite(o->x0);
  }
  if (lua_getfield(L, idx, "scale") != LUA_TNIL) o->scale = luaL_checknumber(L, -1);
  lua_pop(L, 2);
  if (lua_getfield(L, idx, "step") != LUA_TNIL) {
    int isint;
    lua_Integer n = lua_tointegerx(L, -1, &isint);
    if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "all") == 0) o->step = -1;
    else if (isint && n >= 0 && n <= 1000000) o->step = (int)n;
    else luaL_error(L, "bad argument #2 to '%s' (option 'step' must be a count of backward steps or \"all\")", fname);
  }
  lua_pop(L, 1);
  if (!(o->scale >= 0.25 && o->scale <= 8))
    luaL_error(L, "bad argument #2 to '%s' (scale must be 0.25 to 8)", fname);
}

/* model at 1, options at 2: an app over this state, or an error */
static cp_app *makeapp (lua_State *L, Opts *o, const char *fname) {
  cp_app *A;
  int ok;
  luaL_checktype(L, 1, LUA_TTABLE);
  ok = lua_getfield(L, 1, "panels") == LUA_TTABLE && lua_getfield(L, 1, "cursor") == LUA_TFUNCTION;
  lua_settop(L, 2);
  luaL_argcheck(L, ok, 1, "a model from chainrule.plotscript.model expected");
  getopts(L, 2, o, fname);
  if (!(A = cp_app_wrap(L))) luaL_error(L, "%s: out of memory", fname);
  lua_pushvalue(L, 1);
  if (cp_app_adopt(A) != 0) {
    lua_pushfstring(L, "%s: %s", fname, A->F.error);
    cp_app_free(A);
    lua_error(L);
  }
  if (o->hasx0) cp_app_setcursor(A, o->x0);
  A->cursor = !o->nocursor;
  if (o->step != -2 && cp_gapp_setsteps(A, o->step) != 0) {
    cp_app_free(A);
    luaL_error(L, "bad argument #2 to '%s' (option 'step' is for graph scripts)", fname);
  }
  return A;
}

/* render(model, {output = path, width =, height =, ...}) -> path | nil, message */
static int l_render (lua_State *L) {
  Opts o;
  char err[900];
  cp_app *A = makeapp(L, &o, "render");
  int rc = cp_app_export(A, o.font, o.w ? o.w : 1600, o.h ? o.h : 1000, (float)o.scale,
                         o.output ? o.output : "chainplot.png", err, sizeof err);
  if (rc == 0 && A->F.error[0]) {
    snprintf(err, sizeof err, "%s", A->F.error);
    rc = -1;
  }
  cp_app_free(A);
  if (rc != 0) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  lua_pushstring(L, o.output ? o.output : "chainplot.png");
  return 1;
}

/* show(model, options) -> true | nil, message (no display) */
static int l_show (lua_State *L) {
  Opts o;
  cp_winopts wo;
  cp_app *A = makeapp(L, &o, "show");
  const char *disp = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
  int rc;
  if ((!disp || !*disp) && (!wl || !*wl) && !getenv("SDL_VIDEODRIVER")) {
    cp_app_free(A);
    luaL_pushfail(L);
    lua_pushliteral(L, "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)");
    return 2;
  }
  if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
    cp_app_free(A);
    luaL_pushfail(L);
    lua_pushfstring(L, "no display (%s)", SDL_GetError());
    return 2;
  }
  memset(&wo, 0, sizeof wo);
  wo.font = o.font;
  wo.shotdir = o.shotdir;
  wo.w = o.w;
  wo.h = o.h;
  wo.scale = (float)o.scale;
  rc = cp_window_run(A, &wo);
  cp_app_free(A);
  SDL_QuitSubSystem(SDL_INIT_VIDEO);
  if (rc != 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "no display (%s)", SDL_GetError());
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"render", l_render},
  {"show",   l_show},
  {NULL, NULL}
};

CP_EXPORT int luaopen_chainrule_plotview (lua_State *L) {
  luaL_checkversion(L);
  luaL_newlib(L, funcs);
  return 1;
}
