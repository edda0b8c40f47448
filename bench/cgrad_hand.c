/* cgrad_hand.c: the benchmark's limit, the MLP's full-batch loss and gradient written by hand in C */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NS 200
#define H 16

/* w1[H][2], b1[H], w2[H][H], b2[H], w3[H], b3 in one array, the order of scripts/mlp.lua */
#define NP (H * 3 + H * (H + 1) + H + 1)

static double softplus (double a) { return (a > 0) ? a + log1p(exp(-a)) : log1p(exp(a)); }
static double sigmoid (double a) {
  if (a >= 0) return 1.0 / (1.0 + exp(-a));
  else { double e = exp(a); return e / (1.0 + e); }
}

/* sum over rows of softplus(-y * net(x)) and its gradient in g */
static double lossgrad (const double *w, const double (*d)[3], double *g) {
  double total = 0.0;
  int r, i, j;
  for (i = 0; i < NP; i++) g[i] = 0.0;
  for (r = 0; r < NS; r++) {
    double h1[H], h2[H], s, y = d[r][2], ds, dh2[H], dh1[H];
    const double *p;
    for (j = 0; j < H; j++) {
      p = w + j * 3;
      h1[j] = tanh(p[2] + p[0] * d[r][0] + p[1] * d[r][1]);
    }
    for (j = 0; j < H; j++) {
      p = w + 3 * H + j * (H + 1);
      s = p[H];
      for (i = 0; i < H; i++) s += p[i] * h1[i];
      h2[j] = tanh(s);
    }
    p = w + 3 * H + H * (H + 1);
    s = p[H];
    for (i = 0; i < H; i++) s += p[i] * h2[i];
    total += softplus(-y * s);
    ds = -y * sigmoid(-y * s);
    g[3 * H + H * (H + 1) + H] += ds;
    for (i = 0; i < H; i++) {
      g[3 * H + H * (H + 1) + i] += ds * h2[i];
      dh2[i] = ds * p[i] * (1 - h2[i] * h2[i]);
    }
    for (i = 0; i < H; i++) dh1[i] = 0.0;
    for (j = 0; j < H; j++) {
      const double *q = w + 3 * H + j * (H + 1);
      double *gq = g + 3 * H + j * (H + 1);
      for (i = 0; i < H; i++) { gq[i] += dh2[j] * h1[i]; dh1[i] += dh2[j] * q[i]; }
      gq[H] += dh2[j];
    }
    for (j = 0; j < H; j++) {
      double dz = dh1[j] * (1 - h1[j] * h1[j]);
      g[j * 3] += dz * d[r][0];
      g[j * 3 + 1] += dz * d[r][1];
      g[j * 3 + 2] += dz;
    }
  }
  return total;
}

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main (void) {
  static double w[NP], g[NP], d[NS][3];
  double best = 1e30, sink = 0.0;
  int i, rep;
  for (i = 0; i < NP; i++) w[i] = 0.3 * sin(1.7 * i);
  for (i = 0; i < NS; i++) {
    d[i][0] = cos(0.1 * i);
    d[i][1] = sin(0.13 * i);
    d[i][2] = (i % 2) ? 1.0 : -1.0;
  }
  for (rep = 0; rep < 3; rep++) {  /* best of 3, each at least 0.1 s: steady state */
    double t0 = now(), t;
    int reps = 0;
    do { sink += lossgrad(w, (const double (*)[3])d, g); reps++; t = now() - t0; } while (t < 0.1);
    if (t / reps < best) best = t / reps;
  }
  /* the baseline must be right: its gradient against central differences at a few params */
  lossgrad(w, (const double (*)[3])d, g);
  for (i = 0; i < NP; i += 41) {
    static double tmp[NP];
    double h = 1e-6, keep = w[i], fp, fm, num;
    w[i] = keep + h; fp = lossgrad(w, (const double (*)[3])d, tmp);
    w[i] = keep - h; fm = lossgrad(w, (const double (*)[3])d, tmp);
    w[i] = keep;
    num = (fp - fm) / (2 * h);
    if (fabs(num - g[i]) > 1e-6 * (1 + fabs(num))) {
      fprintf(stderr, "cgrad_hand: gradient %d is %.17g, central difference %.17g\n", i, g[i], num);
      return 1;
    }
  }
  printf("hand %.9g %d %g\n", best, NP, sink);
  return 0;
}
