/* cp_gwin.h: SDL events of the graph view become cp_gstate actions */
#ifndef cp_gwin_h
#define cp_gwin_h

#include "SDL.h"
#include "cp_app.h"

/* Handles ev when the graph view wants it (returns 1: redraw); 0 leaves it to the window. */
int cp_gwin_event (cp_app *A, const SDL_Event *ev, float scale);

#endif
