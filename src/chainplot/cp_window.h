/* cp_window.h: runs chainplot's interactive window over a cp_app */
#ifndef cp_window_h
#define cp_window_h

#include "cp_app.h"

typedef struct cp_winopts {
  const char *font;      /* NULL: DejaVu Sans */
  const char *shotdir;   /* where s saves (NULL: current directory) */
  int w, h;              /* window size (0: 1280x800) */
  float scale;           /* text and line size (0: 1), times the screen's pixel density */
} cp_winopts;

/*
** Shows the window after the first frame and runs until q, Esc or close: returns 0, or -1
** when no window could be opened (SDL_GetError says why). SDL video must be initialised.
*/
int cp_window_run (cp_app *A, const cp_winopts *o);

#endif
