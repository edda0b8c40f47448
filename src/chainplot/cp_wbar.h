/* cp_wbar.h: the window's keys for formulas: e opens the formula bar, [ ] move the split, w writes */
#ifndef cp_wbar_h
#define cp_wbar_h

#include "SDL.h"
#include "cp_app.h"

typedef struct cp_wbar {
  int skip;               /* the text event of the key that opened the bar is not typed into it */
  const char *shotdir;    /* where w writes */
} cp_wbar;

/* Handles ev when it belongs to the formula bar or its keys; 1 when consumed. */
int cp_wbar_event (cp_wbar *W, cp_app *A, const SDL_Event *ev);

#endif
