/* cp_gwin.c: keys and mouse of the graph view: stepping, selecting paths, zoom and pan */
#include <math.h>

#include "cp_gwin.h"
#include "cp_gapp.h"
#include "cp_gstate.h"

/* a press that moves less than this is a click, more a pan */
#define CLICK_SLOP 4.0f

static struct { int down, moved; float x0, y0, x, y; } drag;

static int key (cp_gstate *G, const SDL_KeyboardEvent *k) {
  switch (k->keysym.sym) {
  case SDLK_SPACE: case SDLK_RIGHT: cp_gstate_step(G, 1); return 1;
  case SDLK_LEFT: cp_gstate_step(G, -1); return 1;
  case SDLK_b: cp_gstate_all(G); return 1;
  case SDLK_0: case SDLK_KP_0:
    if (k->keysym.mod & KMOD_CTRL) return 0;  /* ctrl+0 is the text size */
    cp_gstate_reset(G);
    return 1;
  case SDLK_r: cp_gstate_resetview(G); return 1;
  default: return 0;
  }
}

static int handle (cp_app *A, const SDL_Event *ev, float scale) {
  cp_gstate *G = A->G;
  float x, y;
  if (!G) return 0;
  switch (ev->type) {
  case SDL_KEYDOWN:
    return key(G, &ev->key);
  case SDL_MOUSEWHEEL: {
    int mx, my;
    SDL_GetMouseState(&mx, &my);
    cp_gstate_zoom(G, mx * scale, my * scale,
                   pow(0.85, ev->wheel.preciseY != 0 ? ev->wheel.preciseY : ev->wheel.y));
    return 1;
  }
  case SDL_MOUSEBUTTONDOWN:
    x = ev->button.x * scale;
    y = ev->button.y * scale;
    if (ev->button.button != SDL_BUTTON_LEFT || cp_app_sliderat(A, x, y) >= 0) return 0;
    drag.down = 1;
    drag.moved = 0;
    drag.x0 = drag.x = x;
    drag.y0 = drag.y = y;
    return 1;
  case SDL_MOUSEMOTION:
    if (!drag.down) return 0;
    x = ev->motion.x * scale;
    y = ev->motion.y * scale;
    if (fabsf(x - drag.x0) > CLICK_SLOP * scale || fabsf(y - drag.y0) > CLICK_SLOP * scale) drag.moved = 1;
    if (drag.moved) cp_gstate_pan(G, x - drag.x, y - drag.y);
    drag.x = x;
    drag.y = y;
    return 1;
  case SDL_MOUSEBUTTONUP:
    if (ev->button.button != SDL_BUTTON_LEFT || !drag.down) return 0;
    drag.down = 0;
    if (!drag.moved) cp_gstate_select(G, cp_gstate_nodeat(G, ev->button.x * scale, ev->button.y * scale));
    return 1;
  default:
    return 0;
  }
}

int cp_gwin_event (cp_app *A, const SDL_Event *ev, float scale) {
  if (!handle(A, ev, scale)) return 0;
  cp_gapp_title(A);  /* the window is named before the frame is updated */
  return 1;
}
