/* test_cp_glayout.c: the graph view's layered layout: layers in order, no overlaps, fewer crossings */
#include <stdlib.h>

#include "cp_check.h"
#include "cp_glayout.h"

/* crossings of the plain order: ranks by index within each layer */
static long naive_crossings (const cp_glayout *G, const int *arg) {
  cp_glayout N = *G;
  int *cnt = (int *)calloc((size_t)G->nlayers, sizeof(int)), *rank = (int *)malloc((size_t)G->n * sizeof(int)), i;
  long c;
  for (i = 0; i < G->n; i++) rank[i] = cnt[G->layer[i]]++;
  N.rank = rank;
  c = cp_glayout_crossings(&N, arg);
  free(cnt);
  free(rank);
  return c;
}

static int overlap (const cp_glayout *G, const float *w, const float *h, int i, int j) {
  return G->x[i] < G->x[j] + w[j] && G->x[j] < G->x[i] + w[i] &&
         G->y[i] < G->y[j] + h[j] && G->y[j] < G->y[i] + h[i];
}

static void check_layout (const char *what, int n, const int *arg, const float *w, const float *h) {
  cp_glayout G;
  int i, j, k, bad = 0, disorder = 0;
  CHECK(cp_glayout_run(&G, n, arg, w, h, 40, 12) == 0, "%s: layout runs", what);
  for (i = 0; i < n; i++)
    for (j = i + 1; j < n; j++) bad += overlap(&G, w, h, i, j);
  CHECK(bad == 0, "%s: %d overlapping boxes", what, bad);
  for (i = 0; i < n; i++)
    for (k = 0; k < 2; k++) {
      int a = arg[2 * i + k];
      if (a >= 0 && !(G.layer[a] < G.layer[i] && G.x[a] + w[a] < G.x[i])) disorder++;
    }
  CHECK(disorder == 0, "%s: %d edges not left to right", what, disorder);
  for (i = 0; i < n; i++)
    CHECK(G.x[i] >= 0 && G.y[i] >= 0 && G.x[i] + w[i] <= G.width + 1e-3f && G.y[i] + h[i] <= G.height + 1e-3f,
          "%s: node %d inside the drawing", what, i);
  CHECK(cp_glayout_crossings(&G, arg) <= naive_crossings(&G, arg),
        "%s: %ld crossings, more than the plain order's %ld", what, cp_glayout_crossings(&G, arg),
        naive_crossings(&G, arg));
  cp_glayout_free(&G);
}

int main (int argc, char **argv) {
  static float w[200], h[200];
  int i;
  (void)argc; (void)argv;
  for (i = 0; i < 200; i++) { w[i] = 60 + (i * 37) % 50; h[i] = 30 + (i * 11) % 20; }
  {  /* the tiny net: x1 x2 w1..w4 v1 v2, two tanh units, a squared loss */
    static const int arg[] = {
      -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  /* 0-7 inputs */
      0, 2,  1, 3,  8, 9,  10, -1,   /* 8 x1 w1, 9 x2 w2, 10 +, 11 tanh */
      0, 4,  1, 5,  12, 13, 14, -1,  /* 12 x1 w3, 13 x2 w4, 14 +, 15 tanh */
      11, 6, 15, 7, 16, 17, 18, -1, 19, 19,  /* 16, 17 products, 18 +, 19 - t, 20 square */
    };
    cp_glayout G;
    check_layout("tiny net", 21, arg, w, h);
    cp_glayout_run(&G, 21, arg, w, h, 40, 12);
    CHECK(G.layer[20] == G.nlayers - 1, "the loss is in the last layer");
    CHECK(G.layer[0] == 0 && G.layer[7] == 0, "inputs in the first layer");
    CHECK(G.layer[11] == 3, "tanh at depth 3, got %d", G.layer[11]);
    cp_glayout_free(&G);
  }
  {  /* two crossing edges that the ordering must untangle */
    static const int arg[] = {-1, -1, -1, -1, 1, -1, 0, -1};
    cp_glayout G;
    cp_glayout_run(&G, 4, arg, w, h, 40, 12);
    CHECK(naive_crossings(&G, arg) == 1, "the plain order crosses");
    CHECK(cp_glayout_crossings(&G, arg) == 0, "barycenter ordering does not");
    CHECK(G.y[3] < G.y[2], "the consumer of the upper input is on top");
    cp_glayout_free(&G);
  }
  {  /* random graphs up to the size a view reads well (60) and the limit */
    int seed;
    for (seed = 1; seed <= 60; seed++) {
      int n = (seed % 3 == 0) ? 60 : 5 + seed, arg[400], k;
      char what[32];
      srand((unsigned)seed);
      for (i = 0; i < n; i++)
        for (k = 0; k < 2; k++)
          arg[2 * i + k] = (i < 4 || rand() % 4 == 0) ? -1 : rand() % i;
      snprintf(what, sizeof what, "random graph %d", seed);
      check_layout(what, n, arg, w, h);
    }
    {
      int big[2 * CP_GRAPH_MAXNODES];
      for (i = 0; i < CP_GRAPH_MAXNODES; i++) { big[2 * i] = i ? i - 1 : -1; big[2 * i + 1] = i > 1 ? i - 2 : -1; }
      check_layout("a chain at the limit", CP_GRAPH_MAXNODES, big, w, h);
    }
  }
  {
    static const int bad[] = {-1, -1, 2, -1, -1, -1};
    cp_glayout G;
    CHECK(cp_glayout_run(&G, 3, bad, w, h, 40, 12) == -1, "an operand after its node is refused");
    CHECK(cp_glayout_run(&G, 0, bad, w, h, 40, 12) == 0 && G.n == 0, "an empty graph lays out");
  }
  return report();
}
