/* cp_input.h: SDL events for typed values (sliders, x0), parameter reset and the mouse leaving */
#ifndef cp_input_h
#define cp_input_h

#include "SDL.h"
#include "cp_app.h"

/* Handles ev when it is about typing a value; 1 when it was used up (the window redraws). */
int cp_input_event (cp_app *A, const SDL_Event *ev, float scale);

#endif
