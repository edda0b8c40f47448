/* cp_gapp.c: the graph view's part of the app: cr.graph's data into C, the frame filled */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "cp_gapp.h"
#include "cp_gstate.h"
#include "cp_gview.h"

static const char *keys[][2] = {
  {"space, \xe2\x86\x92", "one step of the backward pass"},
  {"\xe2\x86\x90", "one step back"},
  {"b", "the whole backward pass"},
  {"0", "back to step 0"},
  {"click an input", "its paths to L, summed (again: off)"},
  {"slider", "drag to move an input: values and adjoints follow"},
  {"wheel, drag", "zoom at the mouse, pan"},
  {"r", "reset the view"},
  {"s", "save a PNG screenshot (the path is printed)"},
  {"n, p", "next, previous script in the folder"},
  {"+, -", "larger, smaller text (ctrl+0: as it was)"},
  {"h, ?", "this help (Esc closes it)"},
  {"q, Esc", "quit"},
  {"", "The script is reloaded when its file changes."},
  {NULL, NULL}
};

static int fetch (cp_app *A);

static int isgraphmodel (cp_script *S) {
  lua_State *L = cp_script_lua(S);
  int r;
  if (!cp_script_pushmodel(S)) {
    lua_pop(L, 1);
    return 0;
  }
  lua_getfield(L, -1, "graph");
  r = lua_isfunction(L, -1);
  lua_pop(L, 2);
  return r;
}

void cp_gapp_free (cp_app *A) {
  cp_gstate_free(A->G);
  A->G = NULL;
  A->F.body = NULL;
  A->F.bodyud = NULL;
  A->F.helplines = NULL;
}

/* the model's own title: the frame's may carry a step from before a reload */
static void basetitle (cp_app *A) {
  lua_State *L = cp_script_lua(A->S);
  cp_script_pushmodel(A->S);
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "title");
    snprintf(A->G->base, sizeof A->G->base, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "chainplot");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

int cp_gapp_active (cp_app *A) {
  if (!A->G) return 0;
  if (isgraphmodel(A->S)) return 1;
  cp_gapp_free(A);  /* the model was replaced some other way (a formula, a Lua model) */
  return 0;
}

void cp_gapp_sync (cp_app *A, int keep) {
  if (!isgraphmodel(A->S)) {
    cp_gapp_free(A);
    return;
  }
  if (A->G && !keep) cp_gapp_free(A);
  if (!A->G && !(A->G = cp_gstate_new())) return;
  basetitle(A);
  A->F.body = cp_gview_draw;
  A->F.bodyud = A->G;
  A->F.helplines = keys;
  A->F.paths[0] = 0;  /* no pieces to compile */
  if (A->G->n == 0 && fetch(A) != 0) A->evalerr[0] = 0;  /* said by the update, which fetches again */
  cp_gapp_title(A);    /* the window is named before the next update: with its step */
  A->dirty = 1;
}

int cp_gapp_setsteps (cp_app *A, int n) {
  cp_gstate *G = A->G;
  if (!G) return -1;
  if (G->n > 0) {  /* the graph is there: step it now */
    G->steps = n < 0 ? G->n : n;
    cp_gstate_step(G, 0);
  } else G->pending = n < 0 ? -2 : n;  /* when it comes */
  return 0;
}

/* integer field k of the table on top, or d */
static int intfield (lua_State *L, const char *k, int d) {
  int ok, v;
  lua_getfield(L, -1, k);
  v = (int)lua_tointegerx(L, -1, &ok);
  lua_pop(L, 1);
  return ok ? v : d;
}

/* node table on top into nd[i]; 0, or -1 on a malformed node */
static int readnode (lua_State *L, cp_gnode *nd, int i) {
  const char *s;
  int k, n;
  lua_getfield(L, -1, "op");
  nd->isinput = (s = lua_tostring(L, -1)) != NULL && strcmp(s, "input") == 0;
  lua_getfield(L, -2, "label");
  snprintf(nd->label, sizeof nd->label, "%s", (s = lua_tostring(L, -1)) ? s : "?");
  lua_getfield(L, -3, "value");
  nd->value = lua_tonumber(L, -1);
  lua_pop(L, 3);
  lua_getfield(L, -1, "args");
  lua_getfield(L, -2, "partials");
  n = lua_istable(L, -2) ? (int)lua_rawlen(L, -2) : 0;
  if (n > 2 || !lua_istable(L, -1)) {
    lua_pop(L, 2);
    return n > 2 ? -1 : 0;
  }
  nd->nargs = n;
  for (k = 0; k < n; k++) {
    lua_rawgeti(L, -2, k + 1);
    nd->arg[k] = (int)lua_tointeger(L, -1) - 1;
    lua_rawgeti(L, -2, k + 1);
    nd->partial[k] = lua_tonumber(L, -1);
    lua_pop(L, 2);
    if (nd->arg[k] < 0 || nd->arg[k] >= i) {
      lua_pop(L, 2);
      return -1;  /* operands come before their node: anything else is not cr.graph's data */
    }
  }
  lua_pop(L, 2);
  return 0;
}

/* model.graph() into the state; 0, or -1 with the message in A->evalerr */
static int fetch (cp_app *A) {
  lua_State *L = cp_script_lua(A->S);
  int top = lua_gettop(L), n, i, out;
  cp_gnode *nd;
  cp_script_pushmodel(A->S);
  lua_getfield(L, -1, "graph");
  if (cp_script_call(A->S, 0, 1) != 0) {
    snprintf(A->evalerr, sizeof A->evalerr, "%s", cp_script_error(A->S));
    lua_settop(L, top);
    return -1;
  }
  if (!lua_istable(L, -1)) {
    snprintf(A->evalerr, sizeof A->evalerr, "the model's graph() returned no table");
    lua_settop(L, top);
    return -1;
  }
  out = intfield(L, "output", 0) - 1;
  lua_getfield(L, -1, "nodes");
  n = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
  if (n > CP_GRAPH_MAXNODES) {  /* said in the view, not as a script error */
    lua_settop(L, top);
    cp_gstate_set(A->G, NULL, n, out);  /* holds no nodes: the view says the limit, no error */
    return 0;
  }
  if ((nd = calloc((size_t)(n > 0 ? n : 1), sizeof *nd)) == NULL) {
    snprintf(A->evalerr, sizeof A->evalerr, "not enough memory for the graph");
    lua_settop(L, top);
    return -1;
  }
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, -1, i + 1);
    if (!lua_istable(L, -1) || readnode(L, &nd[i], i) != 0) {
      snprintf(A->evalerr, sizeof A->evalerr, "the model's graph has a malformed node %d", i + 1);
      free(nd);
      lua_settop(L, top);
      return -1;
    }
    lua_pop(L, 1);
  }
  lua_settop(L, top);
  if (cp_gstate_set(A->G, nd, n, out) != 0 && !A->G->msg[0]) {
    snprintf(A->evalerr, sizeof A->evalerr, "not enough memory for the graph");
    return -1;
  }
  return 0;
}

void cp_gapp_title (cp_app *A) {
  char status[120];
  if (!A->G) return;
  cp_gstate_status(A->G, status, sizeof status);
  if (status[0]) snprintf(A->F.title, sizeof A->F.title, "%.100s \xc2\xb7 %.90s", A->G->base, status);
  else snprintf(A->F.title, sizeof A->F.title, "%s", A->G->base);
}

/* many inputs with ranges: sliders in two rows, so each track stays long enough to drag */
static void sliderrows (cp_frame *F, int w) {
  float s = F->scale > 0 ? F->scale : 1, gap = 8 * s, sw, row = 30 * s;
  int i, n = F->nsliders, per = (n + 1) / 2;
  if (n < 4 || F->sliders[0].track.w >= 140 * s) return;
  F->footer.y -= row;
  F->footer.h += row;
  sw = ((float)w - 2 * gap) / per;
  for (i = 0; i < n; i++) {
    cp_rect *t = &F->sliders[i].track;
    t->x = gap + (i % per) * sw + 90 * s;
    t->y = F->footer.y + 14 * s + (i / per) * row;
    t->w = sw - 170 * s;
    if (t->w < 20) t->w = 20;
  }
}

int cp_gapp_update (cp_app *A, int w, int h) {
  cp_gstate *G = A->G;
  cp_frame *F = &A->F;
  cp_rect area;
  int e = 0;
  cp_layout(F, w, h);
  if (A->dirty) {
    A->evalerr[0] = 0;
    e = fetch(A) != 0;
    A->dirty = 0;
  }
  cp_gapp_title(A);
  cp_gstate_readout(G, F->readout, sizeof F->readout);
  cp_layout(F, w, h);  /* the footer grows to the read-out's lines */
  sliderrows(F, w);
  area.x = 0;
  area.y = F->header.h;
  area.w = (float)w;
  area.h = F->footer.y - F->header.h;
  cp_gstate_place(G, area, F->scale);
  if (G->fresh && G->msg[0]) {  /* said once on stderr too, as errors are */
    fprintf(stderr, "chainplot: %s\n", G->msg);
    G->fresh = 0;
  }
  if (A->verbose && G->fresh && G->n > 0) {  /* where things are, for scripts driving the window */
    int i;
    char name[40];
    for (i = 0; i < G->n; i++) {
      cp_rect b = cp_gstate_box(G, i);
      cp_gstate_name(G, i, name, sizeof name);
      fprintf(stderr, "chainplot: graph box %s %.0f %.0f %.0f %.0f\n", name, b.x, b.y, b.w, b.h);
    }
    for (i = 0; i < F->nsliders; i++)
      fprintf(stderr, "chainplot: slider %s %.0f %.0f %.0f\n", F->sliders[i].name,
              F->sliders[i].track.x, F->sliders[i].track.y + F->sliders[i].track.h / 2,
              F->sliders[i].track.w);
    G->fresh = 0;
  }
  return e;
}
