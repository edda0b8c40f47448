/* cp_app.h: chainplot's state: the view, sampling, the cursor and user actions (no SDL events) */
#ifndef cp_app_h
#define cp_app_h

#include "cp_model.h"
#include "cp_script.h"
#include "cp_formula.h"

typedef struct cp_app {
  cp_script *S;
  cp_frame F;
  char path[1024];
  double hx0, hx1;        /* the script's x view */
  double x0, x1;          /* the shared x view */
  double cx;              /* cursor x0 */
  int cursor;             /* show the cursor */
  int dirty;              /* views changed: sample again */
  int stalled;            /* the last frame hit the instruction budget */
  int w, h;               /* output size of the last update */
  long long mtime;        /* of the script file, to reload on change */
  char loaderr[800], evalerr[800];
  cp_series tmp, scratch[CP_MAXPANELS][CP_MAXCURVES];
  long long samples;      /* evaluations in the last sampling pass */
  int verbose;            /* print which path each piece takes, on every load */
  int trial;              /* a new script's first frame: on an error the last good plot returns */
  struct cp_saved *saved; /* that plot: frame and views as they were before the load */
  cp_series stage[CP_MAXPANELS][CP_MAXCURVES];  /* a frame's curves, committed all or none */
  char formula[1024];     /* the typed formula on screen, "" for a script (see cp_fview.h) */
  char ferr[800];         /* why the last formula was not taken */
  cp_field bar;           /* the formula bar (F.field points here while it is open) */
  struct cp_gstate *G;    /* a graph script's view (cp_gapp.c), else NULL */
  int pinned;             /* a click pinned the cursor: hovering no longer moves it */
  int snap;               /* hovering snaps the cursor to zeros and extrema (on by default) */
  double snapx;           /* where it snapped, and to what */
  char snapwhat[80];
} cp_app;

cp_app *cp_app_new (int trust, size_t memlimit, long budget);
/* An app over the caller's Lua state; give it a model with cp_app_adopt. */
cp_app *cp_app_wrap (lua_State *L);
/* Takes the model table on top of the caller's stack (popped); 0 or -1 with F.error set. */
int cp_app_adopt (cp_app *A);
void cp_app_free (cp_app *A);

/* Opens a script; on failure the last good plot (if any) stays, with the error shown. */
int cp_app_open (cp_app *A, const char *path);

/* Reloads when the file changed on disk; returns 1 when it did. */
int cp_app_poll (cp_app *A);

/* Next (+1) or previous (-1) .lua script in the same folder. */
int cp_app_step (cp_app *A, int dir);

/* Lays out for a w x h output, samples what changed and evaluates the cursor. */
void cp_app_update (cp_app *A, int w, int h);

void cp_app_reset (cp_app *A);
void cp_app_fity (cp_app *A);
void cp_app_setcursor (cp_app *A, double x);

/* Panel index at device pixel (x, y), or -1. */
int cp_app_panelat (cp_app *A, float x, float y);
/* Slider whose track is near (x, y), or -1; cp_app_slide moves it to x. */
int cp_app_sliderat (cp_app *A, float x, float y);
void cp_app_slide (cp_app *A, int i, float x);

/* Zoom by factor (<1 zooms in) about (x, y); axes: 1 horizontal, 2 vertical, 3 both. */
void cp_app_zoom (cp_app *A, float x, float y, double factor, int axes);
/* Pan panel p by a mouse motion of (dx, dy) device pixels. */
void cp_app_pan (cp_app *A, int p, float dx, float dy);
/* Zoom panel p to a pixel box. */
void cp_app_boxzoom (cp_app *A, int p, cp_rect box);
/* Moves the cursor to the mouse when it is over an x panel. */
void cp_app_hover (cp_app *A, float x, float y);

/* Typed values and parameters, pin and snap (cp_app_input.c). */
void cp_app_setparam (cp_app *A, int i, double v);
/* Every parameter back to the script's value (r). */
void cp_app_resetparams (cp_app *A);
/* Slider whose value box is at (x, y), or -1. */
int cp_app_valueat (cp_app *A, float x, float y);
/* Starts typing a value: 1 + i for slider i, -1 for x0. */
void cp_app_type (cp_app *A, int what);
/* Adds typed text (digits, sign, point, exponent; the rest is ignored). */
void cp_app_typed (cp_app *A, const char *text);
void cp_app_backspace (cp_app *A);
/* Applies the typed number: 0, or -1 when it is not one (said in the status, typing goes on). */
int cp_app_enter (cp_app *A);
void cp_app_cancel (cp_app *A);
/* A click at (x, y): over an x panel it pins the cursor there, or unpins a pinned one. */
void cp_app_click (cp_app *A, float x, float y);
/* The zero or extremum of h or h' nearest x within tol (x units): 1 and where and what, or 0. */
int cp_app_snapto (cp_app *A, double x, double tol, double *at, char *what, size_t n);

/*
** Renders the current state off-screen (software renderer on a surface) and saves a PNG.
** Returns 0 or -1 with a message in err.
*/
int cp_app_export (cp_app *A, const char *font, int w, int h, float scale, const char *png,
                   char *err, size_t errsz);

#endif
