/* cr_exprint.h: the node pool's layout, shared by the files of the expression core only */
#ifndef cr_exprint_h
#define cr_exprint_h

#include <stddef.h>

#define FAC_LIMIT 16   /* longer products are single factors: keeps building linear */

typedef struct Node {
  double k;            /* value of a constant */
  int a, b;            /* arguments (CR_NONE when absent); a is the name id of a variable */
  int hnext;           /* next node in the hash chain, or in the free list */
  unsigned ext;        /* holds from outside */
  unsigned depth;      /* longest path to a leaf */
  unsigned char kind, op, live, nfac;  /* nfac: factors a product flattens into */
} Node;

struct cr_expr {
  Node *n;
  unsigned *stamp;     /* visit marks, compared with epoch */
  int *pos;            /* scratch: a node's place in the current topological order */
  size_t cap, top, nlive, lastlive;
  int freelist;
  int *bucket;
  size_t nbucket;      /* a power of 2 */
  char **names;
  int nnames, capnames;
  int *nameix;         /* open addressing over names: an id + 1, 0 empty; capnameix a power of 2 */
  int capnameix;
  unsigned epoch;
  int deriv;           /* building a derivative: a zero's sign may go, for shorter code */
  int append;          /* tracing a gradient: ops are not shared, ids follow their order */
};

/* the node with this key, found in the pool or made (cr_expr.c) */
int cr_expr_intern (cr_expr *E, int kind, int op, int a, int b, double k);

#endif
