/* cp_gstate.h: the graph view's state and actions: stepping, paths, zoom and pan (no SDL, no Lua) */
#ifndef cp_gstate_h
#define cp_gstate_h

#include <stddef.h>

#include "cp_glayout.h"
#include "cp_gstep.h"
#include "cp_model.h"

#define CP_GRAPH_READABLE 60   /* up to here every box keeps its text at the fitted size */

/* a box's size and the gaps between them, in layout units (device pixels at scale 1) */
#define CP_GBOX_W 140.0f
#define CP_GBOX_H 62.0f
#define CP_GGAP_X 72.0f

typedef struct cp_gstate {
  cp_gnode *nd;
  int n, output;
  cp_glayout lay;
  int steps, total;        /* backward steps done, and a whole pass */
  int pending;             /* steps asked for before the graph came (--step): -1 none, -2 all */
  int current;             /* the node the last step finished, or -1 */
  double *adj, *full;      /* adjoints known after 'steps', and after the whole pass */
  char *known;
  int sel;                 /* node whose paths to L are shown, or -1 */
  char *onpath;            /* node lies on a path from sel to L */
  long npaths;
  double pathsum;
  char pathtext[400];
  double zoom, panx, pany; /* the user's view over the fitted one */
  cp_rect area;            /* where the graph is drawn, device pixels */
  float scale, k, ox, oy;  /* device = layout * k + (ox, oy) */
  char base[200];          /* the script's title */
  char msg[300];           /* why there is no graph to draw (too large) */
  int fresh;               /* a new layout, not yet reported (--verbose prints its boxes) */
} cp_gstate;

cp_gstate *cp_gstate_new (void);
void cp_gstate_free (cp_gstate *G);

/*
** Takes the nodes (malloc'd, owned from here). A graph of the same shape as before (inputs moved
** by a slider) keeps its steps, selection and view; another starts over. 0, or -1 (no memory
** or too many nodes, said in msg).
*/
int cp_gstate_set (cp_gstate *G, cp_gnode *nd, int n, int output);

/* Actions: one step forward (+1) or back (-1), the whole pass, back to step 0. */
void cp_gstate_step (cp_gstate *G, int dir);
void cp_gstate_all (cp_gstate *G);
void cp_gstate_reset (cp_gstate *G);
/* Shows the paths from node v to L (-1 clears); clicking the shown node again clears it. */
void cp_gstate_select (cp_gstate *G, int v);

/* Fits the drawing into area (device pixels), then applies zoom and pan. */
void cp_gstate_place (cp_gstate *G, cp_rect area, float scale);
void cp_gstate_zoom (cp_gstate *G, float x, float y, double factor);
void cp_gstate_pan (cp_gstate *G, float dx, float dy);
void cp_gstate_resetview (cp_gstate *G);
/* The node whose box holds device pixel (x, y), or -1. */
int cp_gstate_nodeat (const cp_gstate *G, float x, float y);
/* Box of node i in device pixels. */
cp_rect cp_gstate_box (const cp_gstate *G, int i);

/* The node's name as the read-out says it: L, an input's name, v1, v2 ... */
void cp_gstate_name (const cp_gstate *G, int v, char *buf, size_t size);
/* The read-out (several lines) and a short status for the title, in UTF-8 (∂, ·). */
void cp_gstate_readout (const cp_gstate *G, char *buf, size_t size);
void cp_gstate_status (const cp_gstate *G, char *buf, size_t size);

/* Rewrites the ASCII rule "dL/du = dL/dy * dy/du" as "∂L/∂u = ∂L/∂y · ∂y/∂u". */
void cp_gstate_pretty (const char *in, char *out, size_t size);

#endif
