/* fuzz_expr.c: libFuzzer harness for expression building, simplification, derivatives, printing and programs */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_ops.h"
#include "cr_dual.h"
#include "cr_expr.h"
#include "cr_prog.h"

#define MAXN 128      /* nodes one input builds step by step */
#define NPTS 5        /* points the compiled program runs over */

static const double consts[] = {
  0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, -2.5, 1e-300, 1e300, 3.141592653589793,
  1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 7.0, -0.75
};
#define NCONST (sizeof(consts) / sizeof(consts[0]))

static long nchecked;  /* values compared, for the report */

/* bit for bit (NaNs alike) */
static int same (double a, double b) {
  return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

/*
** Equal, or both NaN, for derivatives: they keep the shorter x*c for mulz(x, c) and
** drop + 0, which may turn a zero's sign.  A derivative is never a divisor further
** on, so nothing else can differ.
*/
static int equal (double a, double b) {
  return (isnan(a) && isnan(b)) || a == b;
}

static cr_expr *shown;  /* the pool, and the node a failure prints */
static int shownode = CR_NONE;
static double shownx, showny;

static void fail (const char *what, int i, double got, double want) {
  fprintf(stderr, "fuzz_expr: %s at step %d: %.17g, expected %.17g\n", what, i, got, want);
  if (shown != NULL && shownode != CR_NONE) {
    int toolong;
    char *s = cr_expr_print(shown, shownode, 0, 100000, &toolong);
    fprintf(stderr, "  at x = %.17g, y = %.17g: %s\n", shownx, showny, s ? s : "(too long)");
    free(s);
  }
  abort();
}

static double eval (cr_expr *E, int n, const double *vals) {
  double v;
  if (n == CR_NONE || cr_expr_eval(E, n, vals, &v) != 0) abort();  /* tiny inputs never run out */
  return v;
}

/* both printers, under a cap: the text fits, or the printer says it would not */
static void print (cr_expr *E, int n, size_t maxlen) {
  int latex;
  for (latex = 0; latex <= 1; latex++) {
    int toolong = 0;
    char *s = cr_expr_print(E, n, latex, maxlen, &toolong);
    if (s == NULL && !toolong) abort();
    if (s != NULL && strlen(s) > maxlen) fail("printed past its cap", n, (double)strlen(s), (double)maxlen);
    free(s);
  }
}

/*
** The program in 'data' (3-byte steps: op, operand, operand; operands below 200
** name an earlier step, 200..239 a constant, 240.. x or y) built three ways: exactly
** as asked, at the exact level and at the full level, beside forward-mode duals.
*/
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  static cr_arena *A = NULL;
  static int raw[MAXN], ex[MAXN], fu[MAXN];
  static double dv[MAXN][2];
  double vals[2], xs[NPTS], col[3][NPTS];
  double *outs[3];
  cr_expr *E;
  int x, y, n = 0, i, reps;
  size_t pos, maxlen;
  if (A == NULL) {
    const char *err;
    if (cr_ops_init(&err) != 0) abort();
    A = cr_arena_new();
  }
  if (size < 3) return 0;
  E = cr_expr_new();
  if (E == NULL) abort();
  shown = E;
  shownode = CR_NONE;
  x = cr_expr_var(E, "x");
  y = cr_expr_var(E, "y");
  cr_expr_hold(E, x);
  cr_expr_hold(E, y);
  vals[cr_expr_varid(E, x)] = consts[data[0] % NCONST] + (data[0] / NCONST) * 0.125;
  vals[cr_expr_varid(E, y)] = consts[data[1] % NCONST] + (data[1] / NCONST) * 0.125;
  shownx = vals[cr_expr_varid(E, x)];
  showny = vals[cr_expr_varid(E, y)];
  maxlen = (data[2] & 1) ? (size_t)1 << 20 : 8 + (size_t)data[2] * 4;
  /* one input in 256 replays its steps as a chain 5000 deep: nothing may recurse on depth */
  reps = (data[2] == 0x80 && size >= 6) ? 5000 / (int)(size / 3 - 1) + 1 : 1;
  for (i = 0; i < reps; i++) {
    for (pos = 3; pos + 3 <= size && (reps > 1 || n < MAXN); pos += 3) {
      cr_opid op = (cr_opid)(data[pos] % CR_NOPS);
      int two = (cr_ops[op].arity == 2), s, opnd[2][3], k;
      double da[2], db[2];
      for (s = 0; s < 2; s++) {
        uint8_t c = data[pos + 1 + s];
        double *dd = s ? db : da;
        if (c < 200 && n > 0) {
          int j = (reps > 1) ? (n - 1) % MAXN : c % n;  /* a chain takes the latest */
          opnd[s][0] = raw[j % MAXN]; opnd[s][1] = ex[j % MAXN]; opnd[s][2] = fu[j % MAXN];
          dd[0] = dv[j % MAXN][0]; dd[1] = dv[j % MAXN][1];
        }
        else if (c < 240) {
          int kn = cr_expr_const(E, consts[c % NCONST]);
          opnd[s][0] = opnd[s][1] = opnd[s][2] = kn;
          dd[0] = consts[c % NCONST]; dd[1] = 0.0;
        }
        else {
          int v = (c & 1) ? y : x;
          opnd[s][0] = opnd[s][1] = opnd[s][2] = v;
          dd[0] = vals[cr_expr_varid(E, v)]; dd[1] = (v == x) ? 1.0 : 0.0;
        }
      }
      k = n % MAXN;
      if (reps > 1 && n >= MAXN) {  /* the slot is reused: let its old nodes go */
        cr_expr_release(E, raw[k]); cr_expr_release(E, ex[k]); cr_expr_release(E, fu[k]);
      }
      raw[k] = cr_expr_apply(E, op, opnd[0][0], two ? opnd[1][0] : CR_NONE, CR_S_NONE);
      ex[k] = cr_expr_apply(E, op, opnd[0][1], two ? opnd[1][1] : CR_NONE, CR_S_EXACT);
      fu[k] = cr_expr_apply(E, op, opnd[0][2], two ? opnd[1][2] : CR_NONE, CR_S_FULL);
      if (raw[k] == CR_NONE || ex[k] == CR_NONE || fu[k] == CR_NONE) abort();
      cr_expr_hold(E, raw[k]); cr_expr_hold(E, ex[k]); cr_expr_hold(E, fu[k]);
      /* hash-consing: asking again gives the very node */
      if (cr_expr_apply(E, op, opnd[0][0], two ? opnd[1][0] : CR_NONE, CR_S_NONE) != raw[k])
        fail("the same node asked twice differs", n, 0, 0);
      cr_arena_reset(A);
      if (cr_dual_apply(A, op, 1, da, two ? db : NULL, dv[k]) != 0) abort();
      n++;
      if (reps > 1) { cr_expr_maybe_collect(E); continue; }
      {
        double vr = eval(E, raw[k], vals), ve = eval(E, ex[k], vals);
        shownode = raw[k];
        /* built exactly as asked, an expression computes what the duals compute */
        if (!same(vr, dv[k][0])) fail("expression value differs from the dual's", n, vr, dv[k][0]);
        /* exact simplification keeps every value */
        if (!same(ve, vr)) fail("exact simplification changed the value", n, ve, vr);
        eval(E, fu[k], vals);
        nchecked += 2;
      }
      if (n == MAXN / 2) {  /* collect with everything held: nothing held may change */
        int j;
        cr_expr_collect(E);
        for (j = 0; j < n; j++)
          if (!same(eval(E, raw[j], vals), dv[j][0])) fail("value changed by a collection", j, 0, 0);
      }
    }
  }
  if (n > 0) {
    int last = (n - 1) % MAXN, d, dfu, bad = CR_NONE, rc, r[3], j;
    cr_prog *P = NULL;
    shownode = raw[last];
    /* the derivative built at the exact level, as compiled code builds it, is the duals' */
    d = cr_expr_diff(E, raw[last], x, CR_S_EXACT, 1);
    dfu = cr_expr_diff(E, fu[last], x, CR_S_FULL, 1);
    if (d == CR_NONE || dfu == CR_NONE) abort();
    cr_expr_hold(E, d);
    cr_expr_hold(E, dfu);
    if (!equal(eval(E, d, vals), dv[last][1]))
      fail("exact-level derivative differs from the dual's", n, eval(E, d, vals), dv[last][1]);
    eval(E, dfu, vals);
    if (!same(eval(E, cr_expr_simplify(E, raw[last], CR_S_EXACT), vals), dv[last][0]))
      fail("simplify at the exact level changed the value", n, 0, 0);
    print(E, raw[last], maxlen);
    print(E, fu[last], maxlen);
    print(E, cr_expr_simplify(E, d, CR_S_FULL), maxlen);
    /* the exact program of (expression, its exact form, its derivative) computes what evaluation does */
    r[0] = raw[last]; r[1] = ex[last]; r[2] = d;
    rc = cr_prog_build(E, r, 3, x, 0, &P, &bad);
    if (rc == CR_PROG_OK) {
      for (j = 0; j < NPTS; j++) xs[j] = (j == 0) ? vals[cr_expr_varid(E, x)] : consts[(data[0] + 3 * j) % NCONST] + j * 0.25;
      for (j = 0; j < 3; j++) outs[j] = col[j];
      if (cr_prog_eval(P, xs, NPTS, outs) != 0) abort();
      for (j = 0; j < NPTS; j++) {
        int o;
        double v[2];
        v[cr_expr_varid(E, x)] = xs[j];
        v[cr_expr_varid(E, y)] = vals[cr_expr_varid(E, y)];
        for (o = 0; o < 3; o++)
          if (!same(col[o][j], eval(E, r[o], v)))
            fail("compiled program differs from evaluation", o, col[o][j], eval(E, r[o], v));
      }
      if (!equal(col[2][0], dv[last][1])) fail("compiled derivative differs from the dual's", n, col[2][0], dv[last][1]);
      nchecked += 3 * NPTS;
      cr_prog_free(P);
    }
    else if (rc != CR_PROG_FREEVAR || bad != y) fail("program build", n, rc, bad);
  }
  /* with nothing held every node goes */
  for (i = 0; i < n && i < MAXN; i++) {
    cr_expr_release(E, raw[i]); cr_expr_release(E, ex[i]); cr_expr_release(E, fu[i]);
  }
  cr_expr_free(E);
  return 0;
}

#ifdef CR_FUZZ_STANDALONE
/* without libFuzzer: random programs from a seed, so the sanitizer build runs them in make test */
int main (int argc, char **argv) {
  unsigned long seed = (argc > 1) ? strtoul(argv[1], NULL, 10) : 1;
  long runs = (argc > 2) ? strtol(argv[2], NULL, 10) : 15000, k;
  static uint8_t buf[3 + 3 * 60];
  srand((unsigned)seed);
  for (k = 0; k < runs; k++) {
    size_t len = 3 + 3 * (size_t)(rand() % 60), i;
    for (i = 0; i < len; i++) buf[i] = (uint8_t)(rand() & 0xff);
    LLVMFuzzerTestOneInput(buf, len);
  }
  printf("fuzz_expr: %ld random programs from seed %lu, %ld values cross-checked\n", runs, seed, nchecked);
  printf("1 passed, 0 failed\n");  /* one test: the whole run; a failure aborts */
  return 0;
}
#endif
