/* cp_input.c: typing a slider's value or x0, r resetting the sliders, the mouse leaving the window */
#include "cp_input.h"

static int editkey (cp_app *A, SDL_Keycode k) {
  switch (k) {
  case SDLK_BACKSPACE: cp_app_backspace(A); break;
  case SDLK_RETURN: case SDLK_KP_ENTER: cp_app_enter(A); break;
  case SDLK_ESCAPE: cp_app_cancel(A); break;
  case SDLK_TAB: {  /* on to the next slider */
    int next = A->F.editing > 0 && A->F.editing < A->F.nsliders ? A->F.editing + 1 : 1;
    cp_app_cancel(A);
    if (A->F.nsliders > 0) cp_app_type(A, next);
    break;
  }
  default: break;  /* the keys' text comes as SDL_TEXTINPUT; no other key acts while typing */
  }
  return 1;
}

int cp_input_event (cp_app *A, const SDL_Event *ev, float scale) {
  switch (ev->type) {
  case SDL_TEXTINPUT:
    if (A->F.editing) {
      cp_app_typed(A, ev->text.text);
      return 1;
    }
    if (ev->text.text[0] == 'x' && ev->text.text[1] == 0 && A->F.npanels > 0) {  /* x, then a number: x0 */
      cp_app_type(A, -1);
      return 1;
    }
    return 0;
  case SDL_KEYDOWN:
    if (A->F.editing) return editkey(A, ev->key.keysym.sym);
    if (ev->key.keysym.sym == SDLK_TAB && A->F.nsliders > 0) {
      cp_app_type(A, 1);
      return 1;
    }
    if (ev->key.keysym.sym == SDLK_r) cp_app_resetparams(A);  /* and the view, as before */
    return 0;
  case SDL_MOUSEBUTTONDOWN: {
    int i;
    if (ev->button.button != SDL_BUTTON_LEFT) return 0;
    i = cp_app_valueat(A, ev->button.x * scale, ev->button.y * scale);
    if (i >= 0) {
      cp_app_type(A, i + 1);
      return 1;
    }
    if (A->F.editing) cp_app_cancel(A);  /* a click elsewhere gives the typing up */
    return 0;
  }
  case SDL_WINDOWEVENT:
    if (ev->window.event == SDL_WINDOWEVENT_LEAVE) A->F.hover = 0;
    return 0;
  default:
    return 0;
  }
}
