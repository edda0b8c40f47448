/* test_cp_gstate.c: the graph view's state: steps, paths, read-out text, shapes kept, the view */
#include <stdlib.h>

#include "cp_check.h"
#include "cp_gstate.h"

/* y = u*u + u with u = x*3, as cr.graph records it; x2 is an input L ignores */
static cp_gnode *ladder (double x) {
  cp_gnode *g = calloc(6, sizeof *g);
  double u = 3 * x;
  strcpy(g[0].label, "x"); g[0].isinput = 1; g[0].value = x;
  strcpy(g[1].label, "3"); g[1].value = 3;
  strcpy(g[2].label, "*"); g[2].value = u;
  g[2].nargs = 2; g[2].arg[0] = 0; g[2].arg[1] = 1; g[2].partial[0] = 3; g[2].partial[1] = x;
  strcpy(g[3].label, "*"); g[3].value = u * u;
  g[3].nargs = 2; g[3].arg[0] = 2; g[3].arg[1] = 2; g[3].partial[0] = u; g[3].partial[1] = u;
  strcpy(g[4].label, "+"); g[4].value = u * u + u;
  g[4].nargs = 2; g[4].arg[0] = 3; g[4].arg[1] = 2; g[4].partial[0] = 1; g[4].partial[1] = 1;
  strcpy(g[5].label, "x2"); g[5].isinput = 1; g[5].value = 9;
  return g;
}

int main (void) {
  cp_gstate *G = cp_gstate_new();
  char buf[1200];
  cp_rect area = {0, 30, 1000, 600};
  int i, j;
  CHECK(G != NULL, "a state");
  CHECK(cp_gstate_set(G, ladder(2), 6, 4) == 0, "a graph is taken");
  CHECK(G->total == 5 && G->steps == 0 && G->current == -1, "5 steps, none done: %d %d", G->total, G->steps);
  cp_gstate_readout(G, buf, sizeof buf);
  CONTAINS(buf, "Step 0 of 5.  space, \xe2\x86\x92: one step", "step 0 says how to start");
  cp_gstate_step(G, -1);
  CHECK(G->steps == 0, "no step before the first");
  cp_gstate_step(G, 1);
  cp_gstate_readout(G, buf, sizeof buf);
  CONTAINS(buf, "Step 1 of 5:  \xe2\x88\x82L/\xe2\x88\x82L = 1 (the seed)", "the seed");
  cp_gstate_status(G, buf, sizeof buf);
  CHECK(strcmp(buf, "backward step 1 of 5") == 0, "status: %s", buf);
  cp_gstate_step(G, 1);
  cp_gstate_step(G, 1);
  cp_gstate_readout(G, buf, sizeof buf);
  /* u = 6 has three consumers' terms: dL/du = 1*1 + 1*6 + 1*6 = 13 */
  CONTAINS(buf, "Step 3 of 5:  \xe2\x88\x82L/\xe2\x88\x82v3 = \xe2\x88\x82L/\xe2\x88\x82L \xc2\xb7 "
           "\xe2\x88\x82L/\xe2\x88\x82v3 + ", "a sum over consumers, with the product dot");
  CONTAINS(buf, "= 1 \xc2\xb7 1 + 1 \xc2\xb7 6 + 1 \xc2\xb7 6 = 13", "its numbers");
  CHECK(G->current == 2 && G->known[2] && !G->known[0], "node v3 is the one just done");
  cp_gstate_all(G);
  CHECK(G->steps == 5 && G->adj[0] == 39 && G->full[0] == 39, "the whole pass: dL/dx = 39");
  cp_gstate_step(G, 1);
  CHECK(G->steps == 5, "no step past the last");
  cp_gstate_step(G, -1);
  CHECK(G->steps == 4 && !G->known[0] && G->adj[0] == 0, "back one step: x not reached");
  cp_gstate_select(G, 0);
  CHECK(G->npaths == 3 && G->pathsum == G->full[0], "three paths from x sum to the gradient entry");
  CHECK(G->onpath[0] && G->onpath[2] && G->onpath[3] && G->onpath[4] && !G->onpath[1] && !G->onpath[5],
        "the paths run through x, v3, v4, L only");
  cp_gstate_readout(G, buf, sizeof buf);
  CONTAINS(buf, "\n\xe2\x88\x82L/\xe2\x88\x82x = sum over its 3 paths to L of the products of edge partials = ",
           "the path read-out");
  CONTAINS(buf, "3 \xc2\xb7 6 \xc2\xb7 1", "a path's product written out");
  CONTAINS(buf, "= 39  (the gradient entry: 39)", "the sum and the gradient entry");
  cp_gstate_status(G, buf, sizeof buf);
  CONTAINS(buf, "paths from x to L", "the status names the selection");
  /* a slider moved: same shape, new numbers; the step and the selection stay */
  CHECK(cp_gstate_set(G, ladder(1), 6, 4) == 0, "the same graph again");
  CHECK(G->steps == 4 && G->sel == 0 && G->full[0] == 21, "kept: step %d sel %d, dL/dx = 6*1*3+3 = %g",
        G->steps, G->sel, G->full[0]);
  cp_gstate_select(G, 0);
  CHECK(G->sel == -1 && G->npaths == 0, "clicking the same input again clears it");
  cp_gstate_select(G, 5);
  cp_gstate_readout(G, buf, sizeof buf);
  CONTAINS(buf, "x2 does not reach L: no path, \xe2\x88\x82L/\xe2\x88\x82x2 = 0", "an unused input");
  {  /* the view: boxes apart, a click finds its box, zoom keeps the point under the mouse */
    cp_rect a, b;
    float mx, my;
    int v;
    cp_gstate_place(G, area, 1);
    for (i = 0; i < G->n; i++)
      for (j = i + 1; j < G->n; j++) {
        a = cp_gstate_box(G, i);
        b = cp_gstate_box(G, j);
        CHECK(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y,
              "boxes %d and %d do not overlap", i, j);
      }
    for (i = 0; i < G->n; i++) {
      a = cp_gstate_box(G, i);
      CHECK(a.x >= area.x && a.y >= area.y && a.x + a.w <= area.x + area.w && a.y + a.h <= area.y + area.h,
            "box %d inside the area", i);
      CHECK(cp_gstate_nodeat(G, a.x + a.w / 2, a.y + a.h / 2) == i, "a click in box %d finds it", i);
    }
    CHECK(cp_gstate_nodeat(G, area.x + 1, area.y + 1) == -1, "a click off the boxes finds none");
    a = cp_gstate_box(G, 3);
    mx = a.x + a.w * 0.25f;
    my = a.y + a.h * 0.75f;
    cp_gstate_zoom(G, mx, my, 0.5);
    b = cp_gstate_box(G, 3);
    CLOSE(b.w, 2 * a.w, 1e-5, "zoomed in twice");
    CLOSE(b.x + b.w * 0.25f, mx, 1e-5, "the point under the mouse stays (x)");
    CLOSE(b.y + b.h * 0.75f, my, 1e-5, "the point under the mouse stays (y)");
    cp_gstate_pan(G, 30, -10);
    a = cp_gstate_box(G, 3);
    CLOSE(a.x, b.x + 30, 1e-5, "a pan moves the boxes");
    v = cp_gstate_nodeat(G, a.x + 2, a.y + 2);
    CHECK(v == 3, "clicks follow the view: %d", v);
    cp_gstate_resetview(G);
    b = cp_gstate_box(G, 3);
    CHECK(b.w == CP_GBOX_W && b.y == cp_gstate_box(G, 3).y, "reset: the fitted view");
  }
  {  /* another shape starts over; too many nodes is said, not drawn */
    cp_gnode *g = calloc(2, sizeof *g);
    strcpy(g[0].label, "a"); g[0].isinput = 1; g[0].value = 1;
    strcpy(g[1].label, "sin"); g[1].nargs = 1; g[1].arg[0] = 0; g[1].partial[0] = 0.5;
    CHECK(cp_gstate_set(G, g, 2, 1) == 0 && G->sel == -1 && G->total == 2, "a new shape");
    CHECK(cp_gstate_set(G, NULL, CP_GRAPH_MAXNODES + 1, 0) == -1 && G->n == 0, "too many nodes");
    CONTAINS(G->msg, "The graph has 201 nodes: the graph view draws at most 200", "the message");
    cp_gstate_readout(G, buf, sizeof buf);
    CONTAINS(buf, "cr.dot(f, x)", "the read-out says what to do instead");
  }
  cp_gstate_pretty("dL/du = dL/dy * dy/du = 0.43 * 0.25 = 0.1075 (L does not depend)", buf, sizeof buf);
  CHECK(strcmp(buf, "\xe2\x88\x82L/\xe2\x88\x82u = \xe2\x88\x82L/\xe2\x88\x82y \xc2\xb7 \xe2\x88\x82y/\xe2\x88\x82u"
               " = 0.43 \xc2\xb7 0.25 = 0.1075 (L does not depend)") == 0, "pretty: %s", buf);
  {  /* leaves go just before their first consumer: sin(sin(a)) * 2 puts 2 in layer 1, not 0 */
    cp_gstate *H = cp_gstate_new();
    cp_gnode *g = calloc(5, sizeof *g);
    strcpy(g[0].label, "a"); g[0].isinput = 1;
    strcpy(g[1].label, "sin"); g[1].nargs = 1; g[1].arg[0] = 0;
    strcpy(g[2].label, "sin"); g[2].nargs = 1; g[2].arg[0] = 1;
    strcpy(g[3].label, "2");
    strcpy(g[4].label, "*"); g[4].nargs = 2; g[4].arg[0] = 2; g[4].arg[1] = 3;
    cp_gstate_set(H, g, 5, 4);
    CHECK(H->lay.layer[0] == 0 && H->lay.layer[4] == 3 && H->lay.layer[3] == 2,
          "layers a 0, L 3, the constant 2: %d %d %d", H->lay.layer[0], H->lay.layer[4], H->lay.layer[3]);
    cp_gstate_free(H);
  }
  cp_gstate_pretty("2*-1.5*0.3*-2e-05", buf, sizeof buf);
  CHECK(strcmp(buf, "2 \xc2\xb7 (-1.5) \xc2\xb7 0.3 \xc2\xb7 (-2e-05)") == 0, "negative factors: %s", buf);
  {  /* --step before the graph arrives */
    cp_gstate *H = cp_gstate_new();
    H->pending = -2;
    cp_gstate_set(H, ladder(2), 6, 4);
    CHECK(H->steps == 5 && H->known[0], "--step all: the whole pass at once");
    cp_gstate_free(H);
  }
  cp_gstate_free(G);
  return report();
}
