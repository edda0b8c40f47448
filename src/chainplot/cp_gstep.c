/* cp_gstep.c: stepping the backward pass, the chain-rule readout and the path sums */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_gstep.h"
#include "cp_ticks.h"

#define MAXPATHS 1000000L  /* counting paths stops here: their number grows exponentially */

/* the sweep's product: a zero adjoint or partial carries nothing, even against inf */
static double through (double p, double g) { return (p == 0 || g == 0) ? 0.0 : p * g; }

/* whether the output depends on each node, so only those take part in the pass */
static void reach (const cp_gnode *nd, int output, char *live) {
  int i, k;
  live[output] = 1;
  for (i = output; i >= 0; i--)
    if (live[i])
      for (k = 0; k < nd[i].nargs; k++) live[nd[i].arg[k]] = 1;
}

int cp_gstep_count (const cp_gnode *nd, int n, int output) {
  char *live;
  int i, c = 0;
  if (output < 0 || output >= n || (live = (char *)calloc((size_t)n, 1)) == NULL) return 0;
  reach(nd, output, live);
  for (i = 0; i < n; i++) c += live[i];
  free(live);
  return c;
}

int cp_gstep_run (const cp_gnode *nd, int n, int output, int steps, double *adj, char *known) {
  char *live;
  int i, k, done = 0, last = -1;
  memset(known, 0, (size_t)n);
  for (i = 0; i < n; i++) adj[i] = 0.0;
  if (output < 0 || output >= n || steps <= 0) return -1;
  if ((live = (char *)calloc((size_t)n, 1)) == NULL) return -1;
  reach(nd, output, live);
  /* node i is finished when the sweep reaches it: all its consumers lie above it */
  for (i = output; i >= 0 && done < steps; i--) {
    if (!live[i]) continue;
    if (i == output) adj[i] = 1.0;
    known[i] = 1;
    last = i;
    done++;
    for (k = 0; k < nd[i].nargs; k++) {
      int a = nd[i].arg[k];
      double c = through(nd[i].partial[k], adj[i]);
      if (c != 0) adj[a] += c;
    }
  }
  /* what flowed into unfinished nodes is a partial sum: show them as not reached */
  for (i = 0; i < n; i++) if (!known[i]) adj[i] = 0.0;
  free(live);
  return last;
}

static void name (const cp_gnode *nd, int output, int v, char *buf, size_t size) {
  if (v == output) snprintf(buf, size, "L");
  else if (nd[v].isinput) snprintf(buf, size, "%s", nd[v].label);
  else snprintf(buf, size, "v%d", v + 1);
}

void cp_gstep_readout (const cp_gnode *nd, int n, int output, int v, const double *adj,
                       char *buf, size_t size) {
  char terms[512] = "", nums[512] = "", nv[40], nc[40], a[24], p[24], r[24], *live;
  int c, k, nterms = 0;
  size_t tl = 0, nl = 0;
  name(nd, output, v, nv, sizeof nv);
  if (v == output) { snprintf(buf, size, "dL/dL = 1 (the seed)"); return; }
  if ((live = (char *)calloc((size_t)n, 1)) == NULL) { snprintf(buf, size, "no memory"); return; }
  reach(nd, output, live);
  for (c = n - 1; c > v; c--)  /* consumers in the order the sweep adds them */
    for (k = 0; k < nd[c].nargs; k++) {
      if (nd[c].arg[k] != v || !live[c]) continue;
      name(nd, output, c, nc, sizeof nc);
      cp_fmtnum(adj[c], a, sizeof a);
      cp_fmtnum(nd[c].partial[k], p, sizeof p);
      if (tl < sizeof terms)
        tl += (size_t)snprintf(terms + tl, sizeof terms - tl, "%sdL/d%s * d%s/d%s",
                               nterms ? " + " : "", nc, nc, nv);
      if (nl < sizeof nums)
        nl += (size_t)snprintf(nums + nl, sizeof nums - nl, "%s%s * %s", nterms ? " + " : "", a, p);
      nterms++;
    }
  free(live);
  cp_fmtnum(adj[v], r, sizeof r);
  if (nterms == 0) snprintf(buf, size, "dL/d%s = 0 (L does not depend on it)", nv);
  else snprintf(buf, size, "dL/d%s = %s = %s = %s", nv, terms, nums, r);
}

typedef struct Walk {
  const cp_gnode *nd;
  int n, output;
  long count, visits;
  double sum;
  char *buf;
  size_t size, len;
  int shown;
} Walk;

/* every path from v up to the output, through consumers; prod is the partials so far */
static void walk (Walk *W, int v, double prod, char *trail, size_t tlen) {
  int c, k;
  if (W->count >= MAXPATHS || ++W->visits > 8 * MAXPATHS) return;
  if (v == W->output) {
    W->count++;
    W->sum += prod;
    if (W->shown < 6 && W->len < W->size) {
      W->len += (size_t)snprintf(W->buf + W->len, W->size - W->len, "%s%s", W->shown ? " + " : "",
                                 tlen ? trail : "1");
      W->shown++;
    }
    return;
  }
  for (c = v + 1; c <= W->output; c++)
    for (k = 0; k < W->nd[c].nargs; k++) {
      char p[24];
      size_t l = tlen;
      if (W->nd[c].arg[k] != v) continue;
      cp_fmtnum(W->nd[c].partial[k], p, sizeof p);
      l += (size_t)snprintf(trail + tlen, 400 - tlen, "%s%s", tlen ? "*" : "", p);
      if (l >= 400) l = 399;
      walk(W, c, prod * W->nd[c].partial[k], trail, l);
      trail[tlen] = '\0';
    }
}

long cp_gstep_paths (const cp_gnode *nd, int n, int output, int v, double *sum,
                     char *buf, size_t size) {
  Walk W;
  char trail[400] = "";
  W.nd = nd; W.n = n; W.output = output; W.count = 0; W.visits = 0; W.sum = 0.0;
  W.buf = buf; W.size = size; W.len = 0; W.shown = 0;
  if (size) buf[0] = '\0';
  if (v >= 0 && v < n && output >= 0 && output < n) walk(&W, v, 1.0, trail, 0);
  if (W.count > W.shown && W.len < size)
    snprintf(buf + W.len, size - W.len, " + ... (%ld paths)", W.count);
  *sum = W.sum;
  return W.count;
}
