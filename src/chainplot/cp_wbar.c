/* cp_wbar.c: the window's keys for formulas: e opens the formula bar, [ ] move the split, w writes */
#include <stdio.h>
#include <string.h>

#include "cp_wbar.h"
#include "cp_fview.h"

static void openbar (cp_wbar *W, cp_app *A, int skip) {
  char cur[CP_FIELDMAX];
  cp_app_formulatext(A, cur, sizeof cur);
  cp_field_open(&A->bar, cur);
  A->F.field = &A->bar;
  W->skip = skip;
  SDL_StartTextInput();
}

static void closebar (cp_app *A) {
  cp_field_close(&A->bar);
  A->F.field = NULL;
}

static void apply (cp_app *A) {
  cp_field *f = &A->bar;
  if (cp_app_formula(A, f->text, 0, 0) == 0) {
    cp_field_remember(f);
    closebar(A);
    snprintf(A->F.status, sizeof A->F.status, "[ ]: move the split   w: keep as a script");
    A->F.statuserr = 0;
  } else snprintf(f->err, sizeof f->err, "%s", A->ferr);  /* the last good plot stays */
}

static int editkey (cp_field *f, SDL_Keycode k, int ctrl) {
  switch (k) {
  case SDLK_LEFT: return cp_field_key(f, CP_FK_LEFT);
  case SDLK_RIGHT: return cp_field_key(f, CP_FK_RIGHT);
  case SDLK_HOME: return cp_field_key(f, CP_FK_HOME);
  case SDLK_END: return cp_field_key(f, CP_FK_END);
  case SDLK_BACKSPACE: return cp_field_key(f, CP_FK_BACKSPACE);
  case SDLK_DELETE: return cp_field_key(f, CP_FK_DELETE);
  case SDLK_UP: return cp_field_key(f, CP_FK_UP);
  case SDLK_DOWN: return cp_field_key(f, CP_FK_DOWN);
  case SDLK_a: return ctrl ? cp_field_key(f, CP_FK_SELECTALL) : 0;
  case SDLK_e: return ctrl ? cp_field_key(f, CP_FK_END) : 0;  /* the shell's habits */
  case SDLK_v:
    if (ctrl && SDL_HasClipboardText()) {
      char *t = SDL_GetClipboardText();
      if (t) {
        cp_field_insert(f, t);
        SDL_free(t);
      }
      return 1;
    }
    return 0;
  default: return 0;
  }
}

int cp_wbar_event (cp_wbar *W, cp_app *A, const SDL_Event *ev) {
  cp_field *f = &A->bar;
  /* a key's own modifiers: by the time a queued key is read, ctrl may be up again */
  SDL_Keymod mod = ev->type == SDL_KEYDOWN ? (SDL_Keymod)ev->key.keysym.mod : SDL_GetModState();
  if (!f->open) {
    if (ev->type == SDL_KEYDOWN && !(mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI))) {
      char path[1400];
      switch (ev->key.keysym.sym) {
      case SDLK_e: openbar(W, A, 1); return 1;
      case SDLK_LEFTBRACKET: cp_app_split(A, 1); return 1;
      case SDLK_RIGHTBRACKET: cp_app_split(A, -1); return 1;
      case SDLK_w:
        if (cp_app_writeformula(A, W->shotdir, path, sizeof path) == 0) {
          printf("%s\n", path);
          fflush(stdout);
        }
        return 1;
      default: return 0;
      }
    }
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
      int ww = 0, ow = 0, oh;
      float s;
      SDL_GetWindowSize(SDL_GetWindowFromID(ev->button.windowID), &ww, &oh);
      SDL_GetRendererOutputSize(SDL_GetRenderer(SDL_GetWindowFromID(ev->button.windowID)), &ow, &oh);
      s = ww > 0 ? (float)ow / ww : 1;
      /* a click on the title (left half of the header) edits the formula */
      if (ev->button.y * s < A->F.header.h && ev->button.x * s < A->F.header.w / 2) {
        openbar(W, A, 0);
        return 1;
      }
    }
    return 0;
  }
  switch (ev->type) {
  case SDL_TEXTINPUT:
    if (W->skip) {
      W->skip = 0;
      if (strcmp(ev->text.text, "e") == 0) return 1;
    }
    if (!(mod & (KMOD_CTRL | KMOD_GUI))) cp_field_insert(f, ev->text.text);
    f->err[0] = 0;
    return 1;
  case SDL_KEYDOWN:
    if (ev->key.keysym.sym == SDLK_s && (mod & KMOD_CTRL)) return 0;  /* a screenshot, bar and all */
    if (ev->key.keysym.sym != SDLK_e) W->skip = 0;
    switch (ev->key.keysym.sym) {
    case SDLK_RETURN: case SDLK_KP_ENTER: apply(A); break;
    case SDLK_ESCAPE: closebar(A); break;
    default:
      if (editkey(f, ev->key.keysym.sym, (mod & KMOD_CTRL) != 0)) f->err[0] = 0;  /* being fixed */
    }
    return 1;  /* every key is the bar's while it is open: q types a q */
  default:
    return 0;
  }
}
