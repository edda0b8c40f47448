/* cp_glayout.c: layers by depth, barycenter ordering, stacked boxes */
#include <stdlib.h>
#include <string.h>

#include "cp_glayout.h"

void cp_glayout_free (cp_glayout *G) {
  free(G->layer);
  free(G->rank);
  free(G->x);
  free(G->y);
  memset(G, 0, sizeof *G);
}

/* the layer of edge ends: an edge from a to b, with layer[a] < layer[b] */
static int argof (const int *arg, int i, int k) { return arg[2 * i + k]; }

long cp_glayout_crossings (const cp_glayout *G, const int *arg) {
  long c = 0;
  int i, j, ki, kj;
  /* two edges (a -> b), (c -> d) between the same pair of adjacent layers cross when their
     ends are in opposite orders; edges spanning more layers are compared where they start */
  for (i = 0; i < G->n; i++)
    for (ki = 0; ki < 2; ki++) {
      int a = argof(arg, i, ki);
      if (a < 0) continue;
      for (j = i + 1; j < G->n; j++)
        for (kj = 0; kj < 2; kj++) {
          int b = argof(arg, j, kj);
          if (b < 0 || G->layer[a] != G->layer[b] || G->layer[i] != G->layer[j]) continue;
          if ((G->rank[a] - G->rank[b]) * (G->rank[i] - G->rank[j]) < 0) c++;
        }
    }
  return c;
}

typedef struct Sortkey { double key; int node; int old; } Sortkey;

static int bykey (const void *pa, const void *pb) {
  const Sortkey *a = (const Sortkey *)pa, *b = (const Sortkey *)pb;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  return a->old - b->old;  /* stable: ties keep their order */
}

/*
** One barycenter pass over every layer: down (by operands) or up (by consumers).  A node
** with no neighbour on that side keeps its rank as its key.
*/
static void sweep (cp_glayout *G, const int *arg, int down, int **members, const int *count,
                   Sortkey *keys, double *sum, int *deg) {
  int L, i, k;
  memset(sum, 0, (size_t)G->n * sizeof *sum);
  memset(deg, 0, (size_t)G->n * sizeof *deg);
  for (i = 0; i < G->n; i++)
    for (k = 0; k < 2; k++) {
      int a = argof(arg, i, k);
      if (a < 0) continue;
      if (down) { sum[i] += G->rank[a]; deg[i]++; }
      else { sum[a] += G->rank[i]; deg[a]++; }
    }
  for (L = 0; L < G->nlayers; L++) {
    int m = count[L];
    for (i = 0; i < m; i++) {
      int v = members[L][i];
      keys[i].node = v;
      keys[i].old = G->rank[v];
      keys[i].key = deg[v] ? sum[v] / deg[v] : G->rank[v];
    }
    qsort(keys, (size_t)m, sizeof *keys, bykey);
    for (i = 0; i < m; i++) {
      members[L][i] = keys[i].node;
      G->rank[keys[i].node] = i;
    }
  }
}

int cp_glayout_run (cp_glayout *G, int n, const int *arg, const float *w, const float *h,
                    float gapx, float gapy) {
  return cp_glayout_runlate(G, n, arg, w, h, gapx, gapy, NULL);
}

int cp_glayout_runlate (cp_glayout *G, int n, const int *arg, const float *w, const float *h,
                        float gapx, float gapy, const char *late) {
  int i, k, L, iter, *count = NULL, **members = NULL, *best = NULL, *deg = NULL;
  double *sum = NULL;
  float *colw = NULL, *colh = NULL;
  Sortkey *keys = NULL;
  long bestc;
  memset(G, 0, sizeof *G);
  G->n = n;
  if (n <= 0) return 0;
  for (i = 0; i < n; i++)
    for (k = 0; k < 2; k++)
      if (argof(arg, i, k) >= i || argof(arg, i, k) < -1) return -1;
  G->layer = (int *)calloc((size_t)n, sizeof(int));
  G->rank = (int *)calloc((size_t)n, sizeof(int));
  G->x = (float *)calloc((size_t)n, sizeof(float));
  G->y = (float *)calloc((size_t)n, sizeof(float));
  best = (int *)calloc((size_t)n, sizeof(int));
  deg = (int *)calloc((size_t)n, sizeof(int));
  sum = (double *)calloc((size_t)n, sizeof(double));
  keys = (Sortkey *)calloc((size_t)n, sizeof(Sortkey));
  if (!G->layer || !G->rank || !G->x || !G->y || !best || !deg || !sum || !keys) goto fail;
  for (i = 0; i < n; i++) {  /* operands come first, so one pass finds every depth */
    int d = 0;
    for (k = 0; k < 2; k++) {
      int a = argof(arg, i, k);
      if (a >= 0 && G->layer[a] + 1 > d) d = G->layer[a] + 1;
    }
    G->layer[i] = d;
    if (d + 1 > G->nlayers) G->nlayers = d + 1;
  }
  if (late)  /* a constant sits just before its first consumer, not far off in layer 0 */
    for (i = n - 1; i >= 0; i--) {
      int c, m = G->nlayers;
      if (!late[i] || argof(arg, i, 0) >= 0 || argof(arg, i, 1) >= 0) continue;
      for (c = i + 1; c < n; c++)
        for (k = 0; k < 2; k++)
          if (argof(arg, c, k) == i && G->layer[c] < m) m = G->layer[c];
      if (m < G->nlayers && m - 1 > G->layer[i]) G->layer[i] = m - 1;
    }
  count = (int *)calloc((size_t)G->nlayers, sizeof(int));
  members = (int **)calloc((size_t)G->nlayers, sizeof(int *));
  colw = (float *)calloc((size_t)G->nlayers, sizeof(float));
  colh = (float *)calloc((size_t)G->nlayers, sizeof(float));
  if (!count || !members || !colw || !colh) goto fail;
  for (i = 0; i < n; i++) G->rank[i] = count[G->layer[i]]++;
  for (L = 0; L < G->nlayers; L++)
    if ((members[L] = (int *)malloc((size_t)count[L] * sizeof(int))) == NULL) goto fail;
  for (i = 0; i < n; i++) members[G->layer[i]][G->rank[i]] = i;
  /* alternate down and up passes, keeping the order with the fewest crossings seen */
  bestc = cp_glayout_crossings(G, arg);
  memcpy(best, G->rank, (size_t)n * sizeof(int));
  for (iter = 0; iter < 12 && bestc > 0; iter++) {
    long c;
    sweep(G, arg, (iter % 2) == 0, members, count, keys, sum, deg);
    c = cp_glayout_crossings(G, arg);
    if (c < bestc) { bestc = c; memcpy(best, G->rank, (size_t)n * sizeof(int)); }
  }
  memcpy(G->rank, best, (size_t)n * sizeof(int));
  /* coordinates: one column per layer as wide as its widest box, boxes stacked and centred */
  for (i = 0; i < n; i++) {
    L = G->layer[i];
    if (w[i] > colw[L]) colw[L] = w[i];
    colh[L] += h[i] + (colh[L] > 0 ? gapy : 0);
  }
  for (L = 0; L < G->nlayers; L++) if (colh[L] > G->height) G->height = colh[L];
  {
    float cx = 0;
    for (L = 0; L < G->nlayers; L++) {
      float cy = (G->height - colh[L]) / 2;
      int r;
      for (r = 0; r < count[L]; r++) {
        int v = -1;
        for (i = 0; i < n; i++) if (G->layer[i] == L && G->rank[i] == r) { v = i; break; }
        if (v < 0) continue;
        G->x[v] = cx + (colw[L] - w[v]) / 2;
        G->y[v] = cy;
        cy += h[v] + gapy;
      }
      cx += colw[L] + (L + 1 < G->nlayers ? gapx : 0);
    }
    G->width = cx;
  }
  for (L = 0; L < G->nlayers; L++) free(members[L]);
  free(members); free(count); free(colw); free(colh);
  free(best); free(deg); free(sum); free(keys);
  return 0;
fail:
  if (members) for (L = 0; L < G->nlayers; L++) free(members[L]);
  free(members); free(count); free(colw); free(colh);
  free(best); free(deg); free(sum); free(keys);
  cp_glayout_free(G);
  return -1;
}
