/* cp_glayout.h: a layered left-to-right layout of a computational graph (no SDL, no Lua) */
#ifndef cp_glayout_h
#define cp_glayout_h

#define CP_GRAPH_MAXNODES 200   /* past this a graph view says it is too large to read */

/*
** Node i has up to two operands arg[2i], arg[2i+1] (node indices below i, or -1) and a box of
** w[i] x h[i].  The layout puts each node in the layer of its depth (inputs at 0, a node one
** past its deepest operand), orders each layer by the barycenter heuristic to cut crossings,
** and stacks the boxes of a layer with gapy between them, the layers gapx apart.
*/
typedef struct cp_glayout {
  int n;
  int nlayers;
  int *layer;      /* per node */
  int *rank;       /* position within its layer, from the top */
  float *x, *y;    /* top-left corner of each box */
  float width, height;  /* of the whole drawing */
} cp_glayout;

/* Lays out n nodes; 0, or -1 on a bad graph (an operand not below its node) or no memory. */
int cp_glayout_run (cp_glayout *G, int n, const int *arg, const float *w, const float *h,
                    float gapx, float gapy);
/* The same; a node with late[i] set and no operands (a constant) goes to the layer just
   before its first consumer. */
int cp_glayout_runlate (cp_glayout *G, int n, const int *arg, const float *w, const float *h,
                        float gapx, float gapy, const char *late);
void cp_glayout_free (cp_glayout *G);

/* Edge crossings between adjacent layers in the layout's order (for tests and tuning). */
long cp_glayout_crossings (const cp_glayout *G, const int *arg);

#endif
