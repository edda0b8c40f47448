/* cp_sample.h: pixel-driven adaptive sampling of y = f(t) behind an evaluator callback */
#ifndef cp_sample_h
#define cp_sample_h

#include "cp_model.h"

/*
** An evaluator computes y = f(t); it returns 0, or nonzero to abort sampling (a script error).
** Today the callback calls a Lua closure built on chainrule duals; a compiled evaluator can
** take its place without touching the sampler.
*/
typedef int (*cp_evalfn) (void *ud, double t, double *y);

typedef struct cp_sampler {
  cp_evalfn f;
  void *ud;
  double t0, t1;        /* horizontal range */
  double y0, y1;        /* vertical range, for the pixel tolerance */
  int wpx, hpx;         /* plot size in device pixels */
  int maxdepth;         /* subdivision cap per pixel column (0: default 10) */
  int maxpoints;        /* safety cap per curve (0: default 50000) */
} cp_sampler;

/* One sample per pixel column, t0..t1 inclusive. Returns the evaluator's error or 0. */
int cp_sample_uniform (const cp_sampler *S, cp_series *out);

/*
** Refines a uniform series: subdivides where the midpoint leaves the chord by more than half
** a pixel, finds domain edges, and puts a NaN (pen up) across jumps that do not close under
** subdivision (poles). out must differ from in.
*/
int cp_sample_refine (const cp_sampler *S, const cp_series *in, cp_series *out);

/* Both steps. */
int cp_sample (const cp_sampler *S, cp_series *tmp, cp_series *out);

/*
** A y range that ignores infinities and asymptotes: the finite values of all series from
** min to max, but no further than 6 interquartile ranges beyond the quartiles, plus 8%.
** Returns 0 when there was no finite value (range left unchanged).
*/
int cp_range_robust (cp_series *const *s, int ns, double *lo, double *hi);

#endif
