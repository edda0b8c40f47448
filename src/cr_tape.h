/* cr_tape.h: the reverse-mode tape, a Wengert list of nodes with local partials */
#ifndef cr_tape_h
#define cr_tape_h

#include <stddef.h>
#include "cr_ops.h"

/* node kinds: plain doubles in C, or values a binding keeps elsewhere (slot) */
enum { CR_NODE_PLAIN = 0, CR_NODE_GENERIC = 1, CR_NODE_COEF = 2 };

typedef struct cr_node {
  int a, b;          /* parents (node indices), -1 when absent */
  int kind;          /* CR_NODE_*; generic and coef nodes keep their data in 'slot' */
  int slot;          /* where a binding keeps a generic node's value and partials */
  double da, db;     /* local partials wrt a and b (plain nodes) */
} cr_node;

/* what a node applied, kept only on a traced tape (for drawing its graph) */
typedef struct cr_trace {
  int op;            /* a cr_opid, or -1 for a leaf (input, param) or a binding's node */
  double ka, kb;     /* the constant operands, where a or b is -1 */
} cr_trace;

typedef struct cr_tape {
  cr_node *node;
  double *val;       /* value of each node (the real part for generic nodes) */
  double *adj;       /* adjoints, sized on demand by the sweep */
  size_t n, cap, adjcap;
  size_t limit;      /* most nodes allowed */
  size_t ngeneric;   /* nodes that are not plain */
  int traced;        /* keep trace[]: set by cr_tape_trace on an empty tape */
  cr_trace *trace;
  size_t tracecap;
} cr_tape;

#define CR_TAPE_EFULL  1   /* the size limit was reached */
#define CR_TAPE_ENOMEM 2

void cr_tape_init (cr_tape *T, size_t limit);
void cr_tape_free (cr_tape *T);

/*
** Moves src's arrays into dst (whose own are freed first), emptied but kept
** at their capacity, so a new tape can reuse a finished one's memory.
*/
void cr_tape_take (cr_tape *dst, cr_tape *src);

/* From now on the tape also keeps each node's op and constant operands (trace[i]). */
void cr_tape_trace (cr_tape *T);

/* Appends a node; returns its index, or -CR_TAPE_E* on failure. */
long cr_tape_push (cr_tape *T, int a, double da, int b, double db, double v);

/*
** Records op applied to (a, b): ia/ib are node indices or -1 for constants.
** The value comes from cr_op_value and the partials from cr_op_partial, only
** for operands that are nodes.  Returns the index or -CR_TAPE_E*.
*/
long cr_tape_record (cr_tape *T, cr_opid op, int ia, double a, int ib, double b);

/* Zeroes adjoints 0..from, seeds adj[from] = seed and sweeps back; plain nodes only. */
int cr_tape_backward (cr_tape *T, long from, double seed);

#endif
