/* cr_expr.h: hash-consed expression DAGs over the op table, with derivatives, printing, evaluation */
#ifndef cr_expr_h
#define cr_expr_h

#include <stddef.h>
#include "cr_ops.h"

/*
** A pool of immutable nodes: constants, variables and ops applied to earlier
** nodes.  Identical nodes are shared (hash-consing), so a node id names a whole
** subexpression.  Every algorithm is iterative: a chain of 10^5 ops is fine.
** Nodes live while something holds them (cr_expr_hold) or while a held node
** reaches them; cr_expr_collect frees the rest.
*/
typedef struct cr_expr cr_expr;

#define CR_NONE (-1)   /* no node: out of memory or a bad argument */

enum { CR_E_CONST, CR_E_VAR, CR_E_OP };

/* How much an op application is simplified as it is built. */
enum {
  CR_S_NONE  = 0,  /* exactly the op asked for (tracing for compiled code) */
  CR_S_EXACT = 1,  /* only identities exact in IEEE arithmetic: folding, x*1, x+0, x^1 */
  CR_S_FULL  = 2   /* also collect coefficients, merge factors into powers, tidy signs */
};

cr_expr *cr_expr_new (void);
void cr_expr_free (cr_expr *E);

int cr_expr_const (cr_expr *E, double k);
int cr_expr_var (cr_expr *E, const char *name);
int cr_expr_apply (cr_expr *E, cr_opid op, int a, int b, int level);

/* With on set, every op applied makes a new node (no sharing) with a fresh id, so a trace
   is the tape itself: its ids follow the order of operations and a compiled gradient sums
   adjoints in the tape's order.  Returns the old setting. */
int cr_expr_append (cr_expr *E, int on);

/* what a node is */
int cr_expr_kind (const cr_expr *E, int n);
double cr_expr_value (const cr_expr *E, int n);     /* of a constant */
int cr_expr_varid (const cr_expr *E, int n);        /* of a variable: index of its name */
const char *cr_expr_varname (const cr_expr *E, int id);
int cr_expr_op (const cr_expr *E, int n);
int cr_expr_arg (const cr_expr *E, int n, int i);
int cr_expr_nvars (const cr_expr *E);               /* names ever made */

/* External references keep nodes (and what they reach) alive. */
void cr_expr_hold (cr_expr *E, int n);
void cr_expr_release (cr_expr *E, int n);
/* Free every node no held node reaches; returns the number of live nodes. */
size_t cr_expr_collect (cr_expr *E);
/* Collect when the pool has grown well past its size after the last collection. */
void cr_expr_maybe_collect (cr_expr *E);
size_t cr_expr_live (const cr_expr *E);

/*
** Nodes reachable from roots, children before parents.  Returns the count and
** sets *order to a malloc'd array (caller frees), or returns -1 without memory.
*/
long cr_expr_topo (cr_expr *E, const int *roots, int nroots, int **order);

/* Place of node n in the order the last cr_expr_topo call returned. */
int cr_expr_pos_of (const cr_expr *E, int n);

/* The variable ids a node depends on, in order of first use; returns count or -1. */
int cr_expr_freevars (cr_expr *E, int root, int *ids, int max);

/* Value with vals[id] for each variable id; returns 0, or -1 without memory. */
int cr_expr_eval (cr_expr *E, int root, const double *vals, double *out);

/*
** d root / d var by the op table's rules, built at the given level.  With strong
** set, below the full level each chain-rule product is a mulz, so a zero met at
** run time drops the term as the duals do (bit-exact compiled programs).
*/
int cr_expr_diff (cr_expr *E, int root, int var, int level, int strong);

/* root with every occurrence of variable node var replaced by node by. */
int cr_expr_subst (cr_expr *E, int root, int var, int by, int level);

/* Rebuild root at another simplification level. */
int cr_expr_simplify (cr_expr *E, int root, int level);

/*
** Conventional text with the fewest parentheses Lua needs (latex = 0) or LaTeX
** (latex = 1).  Returns a malloc'd string, or NULL when out of memory or longer
** than maxlen bytes (*toolong set then).
*/
char *cr_expr_print (cr_expr *E, int root, int latex, size_t maxlen, int *toolong);

/* Shortest text that reads back as exactly k (buf of at least 32 bytes). */
void cr_expr_fmtnum (char *buf, double k);

#endif
