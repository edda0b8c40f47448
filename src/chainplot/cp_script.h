/* cp_script.h: the Lua side of chainplot: sandboxed plot scripts, their model and evaluators */
#ifndef cp_script_h
#define cp_script_h

#include <stddef.h>
#include "lua.h"
#include "cp_model.h"

typedef struct cp_script cp_script;

/*
** A fresh Lua state with the chainrule core preloaded, a memory limit (bytes) and an
** instruction budget per frame. trust lifts the sandbox. NULL when Lua cannot start.
*/
cp_script *cp_script_new (int trust, size_t memlimit, long budget);
/* Uses the caller's state L (a Lua program using chainrule.plot): no limits, not closed on free. */
cp_script *cp_script_wrap (lua_State *L);
void cp_script_free (cp_script *S);
lua_State *cp_script_lua (cp_script *S);

/*
** Loads the script at path. On success the new model replaces the old one and 0 is returned;
** on failure the old model stays and the message (with file:line) is in cp_script_error.
*/
int cp_script_load (cp_script *S, const char *path);

/*
** Opens a typed formula (chainrule.plotformula): its split at depth (0: the default, 1), or
** every link when chain is set. As cp_script_load: on failure the old model stays.
*/
int cp_script_loadformula (cp_script *S, const char *text, int depth, int chain);
/* The model is a formula view: its text, split depth, number of links and chain flag (1), or 0. */
int cp_script_formula (cp_script *S, char *text, size_t n, int *depth, int *nlinks, int *chain);
/* A plot script reopening the formula view over x0..x1 (malloc'd: the caller frees), or NULL. */
char *cp_script_formulascript (cp_script *S, double x0, double x1);

/*
** After a load the model it replaced is kept until cp_script_commit; cp_script_revert puts it
** back (a new script that fails on its first frame leaves the last good plot whole). -1: none.
*/
int cp_script_revert (cp_script *S);
void cp_script_commit (cp_script *S);

/* Uses the model table on top of the stack (popped), e.g. built by chainrule.plot. */
int cp_script_setmodel (cp_script *S);

const char *cp_script_error (const cp_script *S);

/* Pushes the model table (nil before the first good load); returns whether there is one. */
int cp_script_pushmodel (cp_script *S);
/* A protected call with the script's limits (as lua_pcall); 0, or -1 with cp_script_error set. */
int cp_script_call (cp_script *S, int nargs, int nres);

/*
** Pieces are compiled (cr.compile, exact mode) by default and their curves evaluated in C;
** a piece that branches on its input stays on per-point duals. Off: every piece on duals.
** Takes effect at the next load.
*/
void cp_script_setcompile (cp_script *S, int on);
/* Which path each piece takes, one line each: "inner: compiled (7 instructions)\nouter: duals (...)". */
const char *cp_script_paths (const cp_script *S);
int cp_script_loaded (const cp_script *S);

/* Starts a new instruction budget (call once per frame). */
void cp_script_budget (cp_script *S);

/* Fills titles, panels, curve labels and colours, sliders; the x view of the script in x0, x1. */
void cp_script_describe (cp_script *S, cp_frame *F, double *x0, double *x1);

/* An evaluator (see cp_sample.h) for curve c of panel p; ud points to a cp_curveref. */
typedef struct cp_curveref {
  cp_script *S;
  int panel, curve;   /* curve -1: the panel's coverage function u(x) */
} cp_curveref;
int cp_script_eval (void *ud, double t, double *y);

/* Panel p has a covered-range function (an outer panel). */

/* Cursor marks for every panel and the read-out at x0; vals (may be NULL) gets
   x, u1.., du1/dx.., h, h' as numbers for tests: returns how many, or -1 on error. */
int cp_script_cursor (cp_script *S, cp_frame *F, double x0, double *vals, int nvals);

/* The x view the cursor is read in: its digits and the one-sided steps follow the zoom. */
void cp_script_setview (cp_script *S, double x0, double x1);

/* Sets parameter i (0-based) and mirrors it in the frame's slider. */
int cp_script_setparam (cp_script *S, cp_frame *F, int i, double v);

#endif
