/* cr_grad.h: a traced function of many inputs as a flat program with a reverse sweep */
#ifndef cr_grad_h
#define cr_grad_h

#include <stddef.h>
#include "cr_expr.h"

/*
** One output node of k input variables (and m data variables, fixed per row)
** flattened into instructions over slots.  The forward pass also computes every
** local partial, by instructions emitted from the op table's rule code (no rule
** is written here); the reverse pass is then one multiply-add per edge, with the
** tape's strong zero: a zero adjoint or a zero partial adds nothing.
*/
typedef struct cr_grad cr_grad;

enum {
  CR_GRAD_OK = 0,
  CR_GRAD_ENOMEM,
  CR_GRAD_FREEVAR,  /* the output depends on a variable that is neither input nor data */
  CR_GRAD_TOOBIG    /* the program would need more than the limit of slots and edges */
};

/*
** Flatten root over inputs ins[0..nin-1] and data variables dat[0..ndat-1]
** (variable nodes).  fast: integer powers become multiplications, as in
** cr_prog_build; otherwise every value is exactly the op table's.  limit bounds
** slots + instructions + edges; *size gets that count (also on CR_GRAD_TOOBIG).
** On CR_GRAD_FREEVAR *bad is the offending variable node.
*/
int cr_grad_build (cr_expr *E, int root, const int *ins, int nin, const int *dat, int ndat,
                   int fast, size_t limit, cr_grad **out, int *bad, size_t *size);

void cr_grad_free (cr_grad *G);

/* instructions (value and partials) and edges, for reports */
size_t cr_grad_ninst (const cr_grad *G);
size_t cr_grad_nedge (const cr_grad *G);

/* *val = f(x); with grad != NULL also grad[0..nin-1].  Returns 0 or CR_GRAD_ENOMEM. */
int cr_grad_eval (cr_grad *G, const double *x, double *grad, double *val);

/*
** Sums over nrows data rows: *val = sum f(w, row), grad = sum of its gradient in w
** (when not NULL).  cols holds the data column by column: cols[j * nrows + r].
** Rows run in blocks.  Returns 0 or CR_GRAD_ENOMEM.
*/
int cr_grad_batch (cr_grad *G, const double *w, const double *cols, size_t nrows,
                   double *grad, double *val);

/*
** H v (forward over reverse on the program), the gradient and the value at x, in direction dir;
** with cols (nrows rows, as cr_grad_batch takes them) the sums over the rows.  0 or ENOMEM.
*/
int cr_grad_hvp (cr_grad *G, const double *x, const double *dir, const double *cols,
                 size_t nrows, double *hv, double *grad, double *val);

#endif
