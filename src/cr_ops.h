/* cr_ops.h: the table of elementary operations, the only place a derivative rule is written */
#ifndef cr_ops_h
#define cr_ops_h

/* X-macro list: name, arity; the entries themselves live in cr_ops.c */
#define CR_OPLIST(_) \
  _(add) _(sub) _(mul) _(div) _(pow) _(mod) _(idiv) _(neg) \
  _(sin) _(cos) _(tan) _(asin) _(acos) _(atan) _(atan2) \
  _(exp) _(log) _(log2) _(log10) _(sqrt) _(cbrt) _(abs) _(sign) _(step) \
  _(floor) _(ceil) _(trunc) _(fmod) _(max) _(min) _(hypot) \
  _(sinh) _(cosh) _(tanh) _(asinh) _(acosh) _(atanh) \
  _(log1p) _(expm1) _(erf) _(sigmoid) _(relu) _(softplus) \
  _(xlogy) _(mulz) _(over) _(same) _(tie)

#define CR_OPENUM(n) CR_OP_##n,
typedef enum cr_opid { CR_OPLIST(CR_OPENUM) CR_NOPS } cr_opid;
#undef CR_OPENUM

/* one instruction of a compiled derivative rule, run on a stack machine */
typedef enum cr_rcode {
  CR_R_A,       /* push the first argument */
  CR_R_B,       /* push the second argument */
  CR_R_Y,       /* push the op's own result */
  CR_R_CONST,   /* push k */
  CR_R_APPLY    /* pop arity(op) values, push op applied to them */
} cr_rcode;

typedef struct cr_rinst {
  cr_rcode code;
  cr_opid op;     /* for CR_R_APPLY */
  double k;       /* for CR_R_CONST */
} cr_rinst;

#define CR_RULE_MAX 24   /* instructions in one compiled rule */
#define CR_RSTACK_MAX 8  /* stack depth one rule may need */

typedef struct cr_rule {
  int n;                   /* number of instructions; 0 means the partial is 0 */
  cr_rinst code[CR_RULE_MAX];
} cr_rule;

typedef struct cr_op {
  const char *name;      /* as Lua and the printers spell it */
  int arity;             /* 1 or 2 */
  double (*f) (double a, double b);  /* value; b is 0 for unary ops */
  const char *rule[2];   /* partial wrt a and b, written with a, b, y, numbers and ops */
  int prec;              /* printing: 0 function call, else infix precedence */
  const char *infix;     /* infix symbol when prec > 0 */
} cr_op;

extern const cr_op cr_ops[CR_NOPS];

/* Compile every rule once; returns 0, or -1 with a message in *err (programming error). */
int cr_ops_init (const char **err);

/* The compiled rule for the partial of op wrt argument i (0 or 1). */
const cr_rule *cr_op_rule (cr_opid op, int i);

/* Look an op up by name; returns -1 if none. */
int cr_op_find (const char *name);

/* Value of op on plain doubles. */
static inline double cr_op_value (cr_opid op, double a, double b) {
  return cr_ops[op].f(a, b);
}

/* Partial of op wrt argument i at (a, b) with result y, on plain doubles. */
double cr_op_partial (cr_opid op, int i, double a, double b, double y);

/*
** *y = op(a, b) and the partials asked for (want: bit 0 into *da, bit 1 into *db),
** the same bits as cr_op_value and cr_op_partial (b is ignored by unary ops).
*/
void cr_op_eval (cr_opid op, double a, double b, int want, double *y, double *da, double *db);

/* The same partial by running the rule's stack code: what the generated C is tested against. */
double cr_op_partial_interp (cr_opid op, int i, double a, double b, double y);

/* 1 when cr_op_partial and cr_op_eval run C generated from the table at build time. */
int cr_ops_generated (void);

/*
** A number system a rule can run on (doubles, tagged duals, expression nodes, ...).
** Elements are handles of at most 32 bytes (copying one copies a reference); the
** algebra owns their storage.  Functions return 0 or a nonzero error code.
*/
typedef struct cr_algebra {
  unsigned size;
  void *ud;
  int (*konst) (void *ud, double k, void *out);
  int (*apply) (void *ud, cr_opid op, const void *a, const void *b, void *out);
} cr_algebra;

/* Run the rule for the partial of op wrt argument i over an algebra; writes *out. */
int cr_rule_eval (const cr_algebra *alg, cr_opid op, int i,
                  const void *a, const void *b, const void *y, void *out);

#endif
