/* cp_gstep.h: the backward pass of a computational graph, one node at a time (no SDL, no Lua) */
#ifndef cp_gstep_h
#define cp_gstep_h

#include <stddef.h>

/* One node of cr.graph's result, operands before consumers. */
typedef struct cp_gnode {
  char label[32];      /* input name, op symbol or constant */
  int isinput;
  double value;
  int nargs;
  int arg[2];          /* operand nodes */
  double partial[2];   /* d node / d arg[k], from the op table */
} cp_gnode;

/*
** The backward pass as a student steps it: step 1 sets dL/dL = 1 at the output, each further
** step finishes the next node in reverse topological order, summing adjoint times partial
** over its consumers (in the order the library's sweep adds them, so the numbers agree bit
** for bit).  adj gets the adjoints known after 'steps' steps and known[i] whether node i is
** done.  Returns the node finished by the last step, or -1 for step 0.
*/
int cp_gstep_run (const cp_gnode *nd, int n, int output, int steps, double *adj, char *known);

/* The steps a whole pass takes (the nodes the output depends on, the output first). */
int cp_gstep_count (const cp_gnode *nd, int n, int output);

/*
** The rule with its numbers for node v once done, e.g.
** "dL/du = dL/dy * dy/du = 0.43 * 0.25 = 0.1075", a sum over several consumers.
*/
void cp_gstep_readout (const cp_gnode *nd, int n, int output, int v, const double *adj,
                       char *buf, size_t size);

/*
** dL/d(node v) as the sum over every path from v to the output of the product of its edge
** partials; writes the first paths' products to buf and returns the number of paths
** (counted up to a cap; their sum is *sum).
*/
long cp_gstep_paths (const cp_gnode *nd, int n, int output, int v, double *sum,
                     char *buf, size_t size);

#endif
