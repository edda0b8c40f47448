/* cr_tape.h: expression graphs flattened into tapes evaluated over arrays of points */
#ifndef cr_tape_h
#define cr_tape_h

#include <stddef.h>
#include "cr_expr.h"

/*
** A tape is the topological order of some output nodes of one input variable,
** as instructions over slots.  It no longer needs the pool.  Evaluation runs
** each instruction over a block of points at once, so dispatch costs little.
*/
typedef struct cr_tape cr_tape;

enum {
  CR_TAPE_OK = 0,
  CR_TAPE_ENOMEM,
  CR_TAPE_FREEVAR   /* an output depends on a variable other than the input */
};

/*
** Flatten outs[0..nouts-1] over input variable node var.  fast: integer powers
** x^n (|n| <= 16) become multiplications (n = 1, 2, -1 exactly as the op table,
** others within |n| - 1 roundings of it); otherwise every op computes exactly
** its op-table value function.  On CR_TAPE_FREEVAR *bad is
** the offending variable node.
*/
int cr_tape_build (cr_expr *E, const int *outs, int nouts, int var, int fast,
                   cr_tape **out, int *bad);

void cr_tape_free (cr_tape *T);

/* instructions and slots, for reports */
size_t cr_tape_ninst (const cr_tape *T);
size_t cr_tape_nslots (const cr_tape *T);
int cr_tape_nouts (const cr_tape *T);

/* outs[j][i] = output j at xs[i] for i < n; returns 0 or CR_TAPE_ENOMEM */
int cr_tape_eval (const cr_tape *T, const double *xs, size_t n, double *const *outs);

#endif
