/* cp_app_input.c: typed values, parameter reset, a pinned cursor and snapping to zeros and extrema */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_app.h"
#include "cp_render.h"
#include "cp_script.h"

void cp_app_setparam (cp_app *A, int i, double v) {
  if (i < 0 || i >= A->F.nsliders || !isfinite(v)) return;
  cp_script_setparam(A->S, &A->F, i, v);
  snprintf(A->F.paths, sizeof A->F.paths, "%s", cp_script_paths(A->S));
  A->dirty = 1;
}

void cp_app_resetparams (cp_app *A) {
  int i;
  for (i = 0; i < A->F.nsliders; i++)
    if (A->F.sliders[i].value != A->F.sliders[i].initial) cp_app_setparam(A, i, A->F.sliders[i].initial);
}

int cp_app_valueat (cp_app *A, float x, float y) {
  int i;
  for (i = 0; i < A->F.nsliders; i++) {
    cp_rect b = A->F.sliders[i].valuebox;
    if (x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h) return i;
  }
  return -1;
}

void cp_app_type (cp_app *A, int what) {
  if (what > A->F.nsliders || what == 0 || what < -1) return;
  A->F.editing = what;
  A->F.edit[0] = 0;
}

void cp_app_typed (cp_app *A, const char *text) {
  size_t n = strlen(A->F.edit);
  if (!A->F.editing) return;
  for (; *text; text++)
    if (strchr("0123456789.-+eE", *text) && n + 1 < sizeof A->F.edit) {
      A->F.edit[n++] = *text;
      A->F.edit[n] = 0;
    }
}

void cp_app_backspace (cp_app *A) {
  size_t n = strlen(A->F.edit);
  if (n > 0) A->F.edit[n - 1] = 0;
}

int cp_app_enter (cp_app *A) {
  char *end;
  double v;
  if (!A->F.editing) return 0;
  v = strtod(A->F.edit, &end);
  if (end == A->F.edit || *end || !isfinite(v)) {
    snprintf(A->F.status, sizeof A->F.status, "'%s' is not a number", A->F.edit);
    A->F.statuserr = 1;
    return -1;
  }
  if (A->F.editing < 0) {  /* x0 exactly where it was typed, pinned there */
    cp_app_setcursor(A, v);
    A->pinned = 1;
    A->snapwhat[0] = 0;
  } else cp_app_setparam(A, A->F.editing - 1, v);
  A->F.status[0] = 0;
  A->F.statuserr = 0;
  A->F.editing = 0;
  return 0;
}

void cp_app_cancel (cp_app *A) {
  A->F.editing = 0;
  A->F.edit[0] = 0;
}

void cp_app_click (cp_app *A, float x, float y) {
  int p = cp_app_panelat(A, x, y);
  cp_panel *P;
  if (p < 0) return;
  P = &A->F.panels[p];
  if (!P->isx || x < P->plot.x || x > P->plot.x + P->plot.w) return;
  if (A->pinned) {  /* a second click lets the cursor follow the mouse again */
    A->pinned = 0;
    cp_app_hover(A, x, y);
  } else {
    cp_app_hover(A, x, y);  /* where it snaps, if it does */
    A->pinned = 1;
  }
}

/* ---------- snapping ---------- */

/* the panel whose first curve is labelled name, or -1 */
static int panelnamed (cp_app *A, const char *a, const char *b) {
  int p;
  for (p = 0; p < A->F.npanels; p++)
    if (A->F.panels[p].ncurves > 0
        && (strcmp(A->F.panels[p].curves[0].label, a) == 0 || strcmp(A->F.panels[p].curves[0].label, b) == 0))
      return p;
  return -1;
}

static double at (cp_app *A, int p, double t) {
  cp_curveref ref;
  double y = NAN;
  ref.S = A->S;
  ref.panel = p;
  ref.curve = 0;
  if (cp_script_eval(&ref, t, &y) != 0) return NAN;
  return y;
}

/* a zero of curve p between a and b, where its samples change sign; NaN at a jump or pole */
static double zero (cp_app *A, int p, double a, double b, double scale) {
  double fa = at(A, p, a), fb = at(A, p, b), m, fm;
  int i;
  if (!(fa * fb <= 0)) return NAN;
  for (i = 0; i < 200 && b - a > 0; i++) {
    m = a + (b - a) / 2;
    if (m <= a || m >= b) break;  /* neighbours in double: done */
    fm = at(A, p, m);
    if (!isfinite(fm)) return NAN;
    if (fm == 0) return m;
    if ((fm < 0) == (fa < 0)) { a = m; fa = fm; }
    else { b = m; fb = fm; }
  }
  m = fabs(fa) <= fabs(fb) ? a : b;
  /* a sign change across a pole or a step is no zero */
  return fabs(at(A, p, m)) <= 1e-9 * scale ? m : NAN;
}

/* an extremum of curve p inside (a, b), by golden sections; NaN when it sits at an end */
static double extremum (cp_app *A, int p, double a, double b, int max) {
  const double g = 0.6180339887498949;
  double lo = a, hi = b, c = hi - g * (hi - lo), d = lo + g * (hi - lo), fc, fd;
  int i;
  fc = at(A, p, c);
  fd = at(A, p, d);
  for (i = 0; i < 120 && hi - lo > 4e-16 * (fabs(lo) + fabs(hi)); i++) {
    if (!isfinite(fc) || !isfinite(fd)) return NAN;
    if (max ? fc > fd : fc < fd) { hi = d; d = c; fd = fc; c = hi - g * (hi - lo); fc = at(A, p, c); }
    else { lo = c; c = d; fc = fd; d = lo + g * (hi - lo); fd = at(A, p, d); }
  }
  c = (lo + hi) / 2;
  return c > a && c < b ? c : NAN;
}

/* a peak far outside the panel's y view is a pole, not an extremum to show */
static int inview (cp_app *A, int p, double t) {
  const cp_panel *P = &A->F.panels[p];
  double y = at(A, p, t), h = P->y1 - P->y0;
  return isfinite(y) && y >= P->y0 - 2 * h && y <= P->y1 + 2 * h;
}

int cp_app_snapto (cp_app *A, double x, double tol, double *atx, char *what, size_t n) {
  int ph = panelnamed(A, "h(x)", "f(x)"), pd = panelnamed(A, "h'(x)", "f'(x)"), k, kind;
  const char *fname = ph >= 0 && strcmp(A->F.panels[ph].curves[0].label, "f(x)") == 0 ? "f" : "h";
  double best = NAN, bestd = tol;
  const char *bestwhat = NULL;
  static const char *words[] = {"a zero of %s", "a zero of %s' (%s is flat there)",
                                "an extremum of %s' (an inflection of %s)"};
  for (kind = 0; kind < 3; kind++) {
    int p = kind == 0 ? ph : pd;
    const cp_series *s;
    double scale;
    if (p < 0) continue;
    s = &A->F.panels[p].curves[0].s;
    scale = fmax(fabs(A->F.panels[p].y1), fabs(A->F.panels[p].y0));
    for (k = 1; k + 1 < s->n; k++) {
      double y0 = s->y[k - 1], y1 = s->y[k], y2 = s->y[k + 1], c = NAN;
      if (s->t[k + 1] < x - tol || s->t[k - 1] > x + tol) continue;
      if (!isfinite(y0) || !isfinite(y1) || !isfinite(y2)) continue;
      if (kind < 2) {
        if (y1 == 0) c = s->t[k];
        else if ((y1 < 0) != (y2 < 0)) c = zero(A, p, s->t[k], s->t[k + 1], scale);
      } else if ((y1 > y0 && y1 >= y2) || (y1 < y0 && y1 <= y2))
        c = extremum(A, p, s->t[k - 1], s->t[k + 1], y1 > y0);
      if (isfinite(c) && !inview(A, p, c)) c = NAN;
      if (isfinite(c) && fabs(c - x) < bestd) {
        bestd = fabs(c - x);
        best = c;
        bestwhat = words[kind];
      }
    }
  }
  if (!bestwhat) return 0;
  *atx = best;
  snprintf(what, n, bestwhat, fname, fname);
  return 1;
}

void cp_app_hover (cp_app *A, float x, float y) {
  int p = cp_app_panelat(A, x, y);
  cp_panel *P;
  double t, sx;
  A->F.hover = p + 1;  /* every panel, u panels too, shows the mouse's coordinates */
  A->F.mx = x;
  A->F.my = y;
  if (p < 0) return;
  P = &A->F.panels[p];
  if (!P->isx || x < P->plot.x || x > P->plot.x + P->plot.w || A->pinned) return;
  t = cp_tx(P, x);
  A->snapwhat[0] = 0;
  /* within 8 pixels of a zero or an extremum of h or h', the cursor sits on it */
  if (A->snap && cp_app_snapto(A, t, 8 * A->F.scale * (P->t1 - P->t0) / P->plot.w, &sx,
                               A->snapwhat, sizeof A->snapwhat)) {
    t = sx;
    A->snapx = sx;
  }
  cp_app_setcursor(A, t);
}
