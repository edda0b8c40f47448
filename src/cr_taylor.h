/* cr_taylor.h: univariate truncated Taylor series, the forward mode for high orders */
#ifndef cr_taylor_h
#define cr_taylor_h

#include "cr_ops.h"

/*
** A series of order n is n + 1 coefficients c[k] = f^(k)(x0) / k!.  Every op
** costs O(n^2) products; ops without a recurrence of their own run their rule
** from the op table over series (O(n^3) when the rule uses the op's result).
*/
#define CR_TAYLOR_MAXORDER 160   /* k! stays finite and 1/k! normal up to here */

/* Scratch memory for rules run over series; blocks never move. */
typedef struct cr_tscratch cr_tscratch;

cr_tscratch *cr_tscratch_new (void);
void cr_tscratch_free (cr_tscratch *S);

#define CR_TENOMEM 1

/*
** out = op(a, b) to order n (b NULL for unary ops); out must not overlap a or b.
** Follows the duals' conventions: a zero factor drops its term ("strong zero").
*/
int cr_taylor_apply (cr_tscratch *S, cr_opid op, int n,
                     const double *a, const double *b, double *out);

/* The same through the op table's rule alone, with no recurrence of its own (for tests). */
int cr_taylor_generic (cr_tscratch *S, cr_opid op, int n,
                       const double *a, const double *b, double *out);

/* Does op have a recurrence of its own (a hand-derived one the tests check)? */
int cr_taylor_special (cr_opid op);

#endif
