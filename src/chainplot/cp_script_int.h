/* cp_script_int.h: the script state shared by cp_script.c, cp_sformula.c and cp_sframe.c; private */
#ifndef cp_script_int_h
#define cp_script_int_h
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "cr_prog.h"
#include "lcompile.h"
#include "cp_script.h"

#define MAXSTAGES 5     /* links of a chain (4) and one more */
#define MAXOUTS 9       /* value and up to 8 derivatives */
#define TRACE_BUDGET 2000000L  /* instructions to trace one piece: bounds the graph it builds */

/* a curve evaluated in C: output out[0] of prog[0], fed to prog[1] and so on */
typedef struct cp_stages {
  int n;
  const cr_prog *prog[MAXSTAGES];
  int out[MAXSTAGES], nouts[MAXSTAGES];
  long cost;            /* instructions per point, charged to the budget */
} cp_stages;

int luaopen_chainrule_core (lua_State *L);

struct cp_script {
  lua_State *L;
  int owned;            /* L was created here (and is closed here) */
  int trust;
  size_t used, limit;
  long budget, left;
  int model;            /* registry ref of the model, LUA_NOREF before the first good load */
  int curves;           /* registry ref: curves[p][c] functions, coverage at [p][0] */
  int compile;          /* compile pieces when they allow it */
  long saved;           /* budget left while a piece is traced */
  cp_stages st[CP_MAXPANELS][CP_MAXCURVES + 1];  /* [p][0]: coverage, [p][c + 1]: curve c */
  char paths[240];
  int prevmodel, prevcurves;  /* the model a load replaced, until commit or revert */
  cp_stages prevst[CP_MAXPANELS][CP_MAXCURVES + 1];
  char prevpaths[240];
  double width;         /* of the x view, for the cursor read-out (0: the script's) */
  char err[800];
};

/* ---- between the files; cps_ names are private to the script state ---- */
void cps_seterr (cp_script *S, const char *prefix);
int cps_pcallk (cp_script *S, int nargs, int nres);
void cps_readcompiled (cp_script *S);
int cps_adopt (cp_script *S);
void cps_getstr (lua_State *L, int idx, const char *k, char *buf, size_t n);
double cps_getnum (lua_State *L, int idx, const char *k, double d);
int cps_tracebudget (lua_State *L);

#endif
