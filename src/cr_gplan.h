/* cr_gplan.h: a gradient program's one-point passes as runs of one kind, strided where slots allow */
#ifndef cr_gplan_h
#define cr_gplan_h

#include <stddef.h>
#include "cr_ops.h"

/*
** An op reads x = D[a] and y = S[b] and writes D[d].  In a forward pass D and S are the one
** value array; in the reverse sweep D holds the adjoints (d the target, a the adjoint that
** flows back) and S the values (b the partial).  Kinds below CR_NOPS are the op table's.
*/
/* the loops built twice, for AVX2 and for the baseline, picked at load time where the toolchain can */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__) && !defined(__SANITIZE_ADDRESS__)
#define CR_GPLAN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CR_GPLAN_CLONES
#endif

typedef struct cr_gop { int d, a, b, n; } cr_gop;

enum {
  CR_GK_POWI = CR_NOPS,   /* x^n by multiplications, n in the op */
  CR_GK_SQR,              /* x*x */
  CR_GK_ADD1,             /* t + x: a partial that is the constant 1 */
  CR_GK_SUB1,             /* t - x: the constant -1 */
  CR_GK_ADDP,             /* t + y*x unless x or y is 0: the tape's strong zero */
  CR_GK_SET1,             /* the first contribution to a target: stored, so no memset */
  CR_GK_SETM1,
  CR_GK_SETP,
  CR_GK_MULADD,           /* x + y*z, z = S[n]: a product fused into the sum that reads it */
  CR_GK_N
};

typedef struct cr_gstep {
  int kind, len, off;      /* off: the first op of an indexed step, or -1 when strided */
  int free;                /* strided, stride 1 and no read in the written range: vectorisable */
  int chain;               /* indexed, each op's x the op before: the running value stays put */
  int d0, sd, a0, sa, b0, sb, n, sn;   /* n: POWI's power, or MULADD's z (stride sn) */
} cr_gstep;

typedef struct cr_gplan {
  cr_gstep *step;
  size_t nstep;
  cr_gop *op;
  size_t nop;
} cr_gplan;

/*
** A schedule of n ops: Kahn's order over the dependencies succ (CSR: the successors of op i are
** succ[first[i] .. first[i+1]-1], indeg their counts), taking ops of the current kind while any
** is ready, so runs of one kind get long; the ops that become ready together go in the order of
** their keys (key[2i], key[2i+1]).  order gets the ops' indices.  0 or -1 (memory).
*/
int cr_gplan_order (size_t n, const int *kind, const int *first, const int *succ, int *indeg,
                    const int *key, int *order);

/* steps for ops already in their order; alias: S is D (forward), so reads of b are checked too */
int cr_gplan_build (cr_gplan *P, const int *kind, const cr_gop *ops, size_t n, int alias);
void cr_gplan_free (cr_gplan *P);
void cr_gplan_run (const cr_gplan *P, double *D, const double *S);

double cr_gplan_powin (double a, int n);   /* a^n by multiplications, as the programs do */

#endif
