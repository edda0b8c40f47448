/* cr_prog.h: expression graphs flattened into programs evaluated over arrays of points */
#ifndef cr_prog_h
#define cr_prog_h

#include <stddef.h>
#include "cr_expr.h"

/*
** A tape is the topological order of some output nodes of one input variable,
** as instructions over slots.  It no longer needs the pool.  Evaluation runs
** each instruction over a block of points at once, so dispatch costs little.
*/
typedef struct cr_prog cr_prog;

enum {
  CR_PROG_OK = 0,
  CR_PROG_ENOMEM,
  CR_PROG_FREEVAR   /* an output depends on a variable other than the input */
};

/*
** Flatten outs[0..nouts-1] over input variable node var.  fast: integer powers
** x^n (|n| <= 16) become multiplications (n = 1, 2, -1 exactly as the op table,
** others within |n| - 1 roundings of it); otherwise every op computes exactly
** its op-table value function.  On CR_PROG_FREEVAR *bad is
** the offending variable node.
*/
int cr_prog_build (cr_expr *E, const int *outs, int nouts, int var, int fast,
                   cr_prog **out, int *bad);

void cr_prog_free (cr_prog *T);

/* instructions, for reports */
size_t cr_prog_ninst (const cr_prog *T);

/* outs[j][i] = output j at xs[i] for i < n; returns 0 or CR_PROG_ENOMEM */
int cr_prog_eval (const cr_prog *T, const double *xs, size_t n, double *const *outs);

#endif
