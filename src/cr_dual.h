/* cr_dual.h: tagged multilinear dual numbers, the forward-mode algebra */
#ifndef cr_dual_h
#define cr_dual_h

#include <stddef.h>
#include "cr_ops.h"

/*
** An element over m tags t_1 < ... < t_m is a sum of c[S] * prod_{i in S} eps_i
** over all subsets S (bit masks), with eps_i^2 = 0.  One tag is a dual number;
** n tags seeded on one input give every derivative up to order n exactly.
*/
#define CR_MAXTAGS 16

typedef long long cr_tag;

/* Scratch memory for the recursion; blocks never move, so pointers stay valid. */
typedef struct cr_arena cr_arena;

cr_arena *cr_arena_new (void);
void cr_arena_free (cr_arena *A);
void cr_arena_reset (cr_arena *A);
double *cr_arena_alloc (cr_arena *A, size_t n);

#define CR_ENOMEM 1

/*
** out = op(a, b) over one tag (b NULL for unary ops): the value, and the partials
** times the perturbations, a term dropped where either is exactly zero (strong zero).
*/
static inline void cr_dual1_apply (cr_opid op, const double *a, const double *b, double *out) {
  double y, ga = 0.0, gb = 0.0, d = 0.0;
  int want = (a[1] != 0) | ((b != NULL && b[1] != 0) << 1);
  cr_op_eval(op, a[0], b ? b[0] : 0.0, want, &y, &ga, &gb);
  if ((want & 1) && ga != 0) d += ga * a[1];
  if ((want & 2) && gb != 0) d += gb * b[1];
  out[0] = y;
  out[1] = d;
}

/* out = op(a, b) with a, b and out over the same m tags (b NULL for unary ops) */
int cr_dual_apply (cr_arena *A, cr_opid op, int m,
                   const double *a, const double *b, double *out);

/* Merge two sorted tag lists; returns the union's size, or -1 over CR_MAXTAGS. */
int cr_tags_union (const cr_tag *ta, int ma, const cr_tag *tb, int mb, cr_tag *out);

/* Write c (over tags ts) into out (over the superset tu), zero elsewhere. */
void cr_dual_embed (const cr_tag *ts, int ms, const double *c,
                    const cr_tag *tu, int mu, double *out);

/*
** Copy the coefficients whose bits in 'mask' equal 'set' into out, in order;
** out then lives over the tags outside 'mask'.
*/
void cr_dual_select (int m, const double *c, unsigned mask, unsigned set, double *out);

#endif
