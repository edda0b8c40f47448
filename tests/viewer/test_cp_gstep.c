/* test_cp_gstep.c: stepping a backward pass by hand agrees with the chain rule, and paths sum up */
#include <math.h>

#include "cp_check.h"
#include "cp_gstep.h"

/* the neuron loss (sigmoid(w*x + b) - t)^2 at w = 0.5, x = 2, b = 0, t = 1, as cr.graph lays it */
static int neuron (cp_gnode *nd) {
  double z = 0.5 * 2 + 0, s = 1 / (1 + exp(-z)), d = s - 1;
  memset(nd, 0, 9 * sizeof *nd);
  strcpy(nd[0].label, "w"); nd[0].isinput = 1; nd[0].value = 0.5;
  strcpy(nd[1].label, "x"); nd[1].isinput = 1; nd[1].value = 2;
  strcpy(nd[2].label, "b"); nd[2].isinput = 1; nd[2].value = 0;
  strcpy(nd[3].label, "*"); nd[3].value = 1;
  nd[3].nargs = 2; nd[3].arg[0] = 0; nd[3].arg[1] = 1; nd[3].partial[0] = 2; nd[3].partial[1] = 0.5;
  strcpy(nd[4].label, "+"); nd[4].value = z;
  nd[4].nargs = 2; nd[4].arg[0] = 3; nd[4].arg[1] = 2; nd[4].partial[0] = 1; nd[4].partial[1] = 1;
  strcpy(nd[5].label, "sigmoid"); nd[5].value = s;
  nd[5].nargs = 1; nd[5].arg[0] = 4; nd[5].partial[0] = s * (1 - s);
  strcpy(nd[6].label, "1"); nd[6].value = 1;
  strcpy(nd[7].label, "-"); nd[7].value = d;
  nd[7].nargs = 2; nd[7].arg[0] = 5; nd[7].arg[1] = 6; nd[7].partial[0] = 1; nd[7].partial[1] = -1;
  strcpy(nd[8].label, "^"); nd[8].value = d * d;
  nd[8].nargs = 1; nd[8].arg[0] = 7; nd[8].partial[0] = 2 * d;
  return 9;
}

int main (void) {
  cp_gnode nd[16];
  double adj[64], z = 1, s = 1 / (1 + exp(-z)), d = s - 1, sum;
  char known[64], buf[600];
  int n = neuron(nd), last, steps, i;
  steps = cp_gstep_count(nd, n, 8);
  CHECK(steps == 9, "every node of the neuron takes part: %d", steps);
  last = cp_gstep_run(nd, n, 8, 0, adj, known);
  CHECK(last == -1 && !known[8], "step 0: nothing done");
  last = cp_gstep_run(nd, n, 8, 1, adj, known);
  CHECK(last == 8 && adj[8] == 1 && !known[7], "step 1 seeds the output");
  cp_gstep_readout(nd, n, 8, 8, adj, buf, sizeof buf);
  CONTAINS(buf, "dL/dL = 1", "seed readout");
  last = cp_gstep_run(nd, n, 8, 3, adj, known);
  CHECK(last == 6 && known[7] && adj[7] == 2 * d, "step 3 finishes the constant 1");
  CHECK(!known[5] && adj[5] == 0, "an unfinished node shows no partial sum");
  last = cp_gstep_run(nd, n, 8, 4, adj, known);
  CHECK(last == 5, "step 4 finishes sigmoid");
  CLOSE(adj[5], 2 * d, 1e-15, "dL/ds = 2 (s - 1)");
  cp_gstep_readout(nd, n, 8, 5, adj, buf, sizeof buf);
  CONTAINS(buf, "dL/dv6 = dL/dv8 * dv8/dv6 = ", "sigmoid's rule");
  last = cp_gstep_run(nd, n, 8, steps, adj, known);
  CHECK(last == 0, "the last step finishes the first input");
  CLOSE(adj[0], 2 * d * s * (1 - s) * 2, 1e-15, "dL/dw");
  CLOSE(adj[1], 2 * d * s * (1 - s) * 0.5, 1e-15, "dL/dx");
  CLOSE(adj[2], 2 * d * s * (1 - s), 1e-15, "dL/db");
  for (i = 0; i < n; i++) CHECK(known[i], "node %d done after the whole pass", i);
  cp_gstep_readout(nd, n, 8, 0, adj, buf, sizeof buf);
  CONTAINS(buf, "dL/dw = dL/dv4 * dv4/dw = ", "an input's rule names it");
  CONTAINS(buf, " * 2 = ", "with the partial's number");
  CHECK(cp_gstep_paths(nd, n, 8, 0, &sum, buf, sizeof buf) == 1, "one path from w");
  CLOSE(sum, adj[0], 1e-15, "the path product is the adjoint");
  {  /* a node used twice: y = u*u + u with u = x*3; dL/du sums over its consumers */
    cp_gnode g[7];
    memset(g, 0, sizeof g);
    strcpy(g[0].label, "x"); g[0].isinput = 1; g[0].value = 2;
    strcpy(g[1].label, "3"); g[1].value = 3;
    g[2].nargs = 2; g[2].arg[0] = 0; g[2].arg[1] = 1; g[2].partial[0] = 3; g[2].partial[1] = 2; g[2].value = 6;
    g[3].nargs = 2; g[3].arg[0] = 2; g[3].arg[1] = 2; g[3].partial[0] = 6; g[3].partial[1] = 6; g[3].value = 36;
    g[4].nargs = 2; g[4].arg[0] = 3; g[4].arg[1] = 2; g[4].partial[0] = 1; g[4].partial[1] = 1; g[4].value = 42;
    strcpy(g[5].label, "x2"); g[5].isinput = 1; g[5].value = 9;   /* an input L does not use */
    cp_gstep_run(g, 6, 4, 99, adj, known);
    CHECK(adj[2] == 13 && adj[0] == 39, "dL/du = 2u + 1 = 13, dL/dx = 39 (got %g, %g)", adj[2], adj[0]);
    CHECK(!known[5] && adj[5] == 0, "an input the output ignores is never reached");
    cp_gstep_readout(g, 6, 4, 2, adj, buf, sizeof buf);
    CONTAINS(buf, "dL/dv3 = dL/dL * dL/dv3 + dL/dv4 * dv4/dv3 + dL/dv4 * dv4/dv3 = 1 * 1 + 1 * 6 + 1 * 6 = 13",
             "a sum over consumers, in the sweep's order");
    CHECK(cp_gstep_paths(g, 6, 4, 0, &sum, buf, sizeof buf) == 3, "three paths from x");
    CHECK(sum == 39, "their products sum to dL/dx: %g", sum);
    CONTAINS(buf, "3", "path products are written out");
    CHECK(cp_gstep_paths(g, 6, 4, 5, &sum, buf, sizeof buf) == 0 && sum == 0, "no path from an unused input");
  }
  {  /* a deep ladder: 2^40 paths are counted only up to the cap, the pass still exact */
    cp_gnode g[41];
    double s2;
    memset(g, 0, sizeof g);
    g[0].isinput = 1; g[0].value = 1; strcpy(g[0].label, "x");
    for (i = 1; i <= 40; i++) {
      g[i].nargs = 2; g[i].arg[0] = i - 1; g[i].arg[1] = i - 1;
      g[i].partial[0] = 1; g[i].partial[1] = 1;
    }
    cp_gstep_run(g, 41, 40, 99, adj, known);
    CHECK(adj[0] == ldexp(1, 40), "dL/dx = 2^40");
    CHECK(cp_gstep_paths(g, 41, 40, 0, &s2, buf, sizeof buf) <= 1000000L, "paths are capped");
  }
  return report();
}
