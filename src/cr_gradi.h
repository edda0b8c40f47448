/* cr_gradi.h: the inside of a gradient program, shared by its builder, scheduler and runners */
#ifndef cr_gradi_h
#define cr_gradi_h

#include "cr_grad.h"
#include "cr_gplan.h"

#define CR_POWI CR_NOPS   /* x^n by multiplications, n in the instruction */
#define CR_MULADD (CR_NOPS + 1)   /* x + y * z: a product used once, by a sum, fused into it */

/* 16 bytes an instruction, 12 an edge: the one-point loops stream them, so size is speed */
typedef struct GInst {
  int dst, a, b;       /* b is a for unary ops */
  int c;               /* CR_MULADD's z: dst = a + b * c */
  short code, n;       /* n: the power of CR_POWI */
} GInst;

/* adj[src] += partial * adj[dst], the partial in value slot p (constants have slots too) */
typedef struct GEdge {
  int dst, src, p;
} GEdge;

struct cr_grad {
  GInst *inst;
  size_t ninst, nval;      /* value instructions first, then the partials */
  GEdge *edge;             /* in sweep order */
  size_t nedge;
  size_t nslots, nadj;     /* value slots; adjoints (one per active node) */
  double *kval;            /* constant value of each slot (when isk) */
  unsigned char *isk;
  int *inslot, *inadj;     /* per input: value slot and adjoint, or -1 when unused */
  int *gcell;              /* per input: where the one-point sweep leaves its adjoint, or -1 */
  int *dslot;              /* per data variable: value slot, or -1 */
  int nin, ndat;
  int root, rootadj;       /* value slot of the output; its adjoint or -1 (constant in w) */
  int one;                 /* a slot holding 1, or -1 */
  double *v, *adj;         /* one-point workspace: constants already in place; adj by slot */
  cr_gplan pv, pp, ps;     /* one-point plans: values, partials, the sweep */
  double *bwork;           /* block workspace, made on the first batch */
  double *hw;              /* tangents of the slots and the adjoints, made on the first hvp */
  double **V, **A;         /* per slot: its row of values, its row of adjoints (or NULL) */
  size_t B;
  cr_gop *bop;             /* the sweep's ops for blocks of rows, in the one-point plan's order */
  int *bkind;
  size_t nbop;
};

/* the one-point plans (values, partials, sweep) of a built program, its slots renumbered for
   them; adjslot maps adjoints to slots, cell gets where each adjoint is read (cr_gsched.c) */
int cr_grad_plan (cr_grad *G, int *adjslot, int *cell);

#endif
