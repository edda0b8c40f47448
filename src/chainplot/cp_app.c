/* cp_app.c: view logic shared by the window and the off-screen export */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "SDL.h"
#include "SDL_image.h"

#include "cp_app.h"
#include "cp_gapp.h"
#include "cp_render.h"
#include "cp_sample.h"

static void save (cp_app *A);

static void showerror (cp_app *A) {
  snprintf(A->F.error, sizeof A->F.error, "%s", A->loaderr[0] ? A->loaderr : A->evalerr);
  snprintf(A->F.errtitle, sizeof A->F.errtitle, "%s",
           A->mtime < 0 && A->path[0] && A->loaderr[0] ? "File not found (chainplot keeps watching for it):"
           : cp_script_loaded(A->S) ? "Script error (the last good plot is kept):" : "Script error:");
}

cp_app *cp_app_new (int trust, size_t memlimit, long budget) {
  cp_app *A = calloc(1, sizeof *A);
  if (!A) return NULL;
  if (!(A->S = cp_script_new(trust, memlimit, budget))) {
    free(A);
    return NULL;
  }
  A->F.scale = 1;
  A->hx0 = -5;
  A->hx1 = 5;
  A->snap = 1;
  return A;
}

cp_app *cp_app_wrap (lua_State *L) {
  cp_app *A = calloc(1, sizeof *A);
  if (!A) return NULL;
  if (!(A->S = cp_script_wrap(L))) {
    free(A);
    return NULL;
  }
  A->F.scale = 1;
  A->hx0 = -5;
  A->hx1 = 5;
  A->snap = 1;
  return A;
}

int cp_app_adopt (cp_app *A) {
  if (cp_script_setmodel(A->S) != 0) {
    snprintf(A->loaderr, sizeof A->loaderr, "%s", cp_script_error(A->S));
    showerror(A);
    return -1;
  }
  A->loaderr[0] = A->evalerr[0] = 0;
  showerror(A);
  cp_script_describe(A->S, &A->F, &A->hx0, &A->hx1);
  snprintf(A->F.paths, sizeof A->F.paths, "%s", cp_script_paths(A->S));
  cp_gapp_sync(A, 0);
  cp_app_reset(A);
  A->cursor = 1;
  return 0;
}

void cp_app_free (cp_app *A) {
  int p, c;
  if (!A) return;
  for (p = 0; p < CP_MAXPANELS; p++)
    for (c = 0; c < CP_MAXCURVES; c++) {
      cp_series_free(&A->F.panels[p].curves[c].s);
      cp_series_free(&A->scratch[p][c]);
      cp_series_free(&A->stage[p][c]);
    }
  free(A->saved);
  cp_gapp_free(A);
  cp_series_free(&A->tmp);
  cp_script_free(A->S);
  free(A);
}

static long long filetime (const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  return (long long)st.st_mtime * 1000000000LL + st.st_mtim.tv_nsec;
}


void cp_app_reset (cp_app *A) {
  int p;
  A->x0 = A->hx0;
  A->x1 = A->hx1;
  A->cx = A->hx0 + 0.75 * (A->hx1 - A->hx0);
  for (p = 0; p < A->F.npanels; p++) {
    A->F.panels[p].auto_y = 1;
    A->F.panels[p].auto_t = !A->F.panels[p].isx;
  }
  A->dirty = 1;
}

static int load (cp_app *A, const char *file, int keepview) {
  char title[200], path[sizeof A->path];
  int same, had = cp_script_loaded(A->S);
  snprintf(path, sizeof path, "%s", file);  /* file may be A->path itself */
  A->mtime = filetime(path);
  if (had) save(A);  /* before the load: the plot on screen, whole */
  if (cp_script_load(A->S, path) != 0) {
    if (A->mtime < 0)  /* say it plainly: the poll loads the file once it appears */
      snprintf(A->loaderr, sizeof A->loaderr, "%.700s: the file does not exist", path);
    else snprintf(A->loaderr, sizeof A->loaderr, "%s", cp_script_error(A->S));
    if (!cp_script_loaded(A->S)) {
      size_t n = strlen(path) < sizeof A->F.title - 1 ? strlen(path) : sizeof A->F.title - 1;
      memcpy(A->F.title, path, n);
      A->F.title[n] = 0;
      A->F.npanels = 0;
    }
    snprintf(A->path, sizeof A->path, "%s", path);
    showerror(A);
    return -1;
  }
  same = strcmp(A->path, path) == 0 && keepview && !A->formula[0];
  A->formula[0] = 0;  /* a script replaces a formula view */
  snprintf(A->path, sizeof A->path, "%s", path);
  A->loaderr[0] = A->evalerr[0] = 0;
  showerror(A);
  snprintf(A->F.paths, sizeof A->F.paths, "%s", cp_script_paths(A->S));
  if (A->verbose) {  /* the pieces on one line */
    const char *q;
    fprintf(stderr, "chainplot: %s: ", path);
    for (q = A->F.paths; *q; q++) {
      if (*q == '\n') fputs("; ", stderr);
      else fputc(*q, stderr);
    }
    fputc('\n', stderr);
  }
  {
    int oldn = A->F.npanels;
    double ox0 = A->hx0, ox1 = A->hx1;
    snprintf(title, sizeof title, "%s", A->F.title);
    cp_script_describe(A->S, &A->F, &A->hx0, &A->hx1);
    /* a range edited in the file applies, like any other change */
    if (!same || oldn != A->F.npanels || ox0 != A->hx0 || ox1 != A->hx1) cp_app_reset(A);
    else {
      int p;
      for (p = 0; p < A->F.npanels; p++) A->F.panels[p].auto_t = !A->F.panels[p].isx;
    }
  }
  cp_gapp_sync(A, same);
  A->cursor = 1;
  A->dirty = 1;
  A->trial = had;
  return 0;
}

int cp_app_open (cp_app *A, const char *path) {
  return load(A, path, 0);
}

int cp_app_poll (cp_app *A) {
  long long t;
  if (!A->path[0] || A->formula[0]) return 0;  /* a model from a Lua program or a formula has no file */
  t = filetime(A->path);
  if (t == A->mtime) return 0;
  load(A, A->path, 1);
  return 1;
}

static int cmpstr (const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int cp_app_step (cp_app *A, int dir) {
  char folder[1024], *slash, *names[512], next[1400];
  const char *base;
  DIR *d;
  struct dirent *e;
  int n = 0, i, cur = -1, r = -1;
  if (!A->path[0]) return -1;
  snprintf(folder, sizeof folder, "%s", A->path);
  slash = strrchr(folder, '/');
  if (slash) {
    *slash = 0;
    base = A->path + (slash - folder) + 1;
  } else {
    strcpy(folder, ".");
    base = A->path;
  }
  if (!(d = opendir(folder))) return -1;
  while ((e = readdir(d)) != NULL && n < 512) {
    size_t len = strlen(e->d_name);
    if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0 && (names[n] = malloc(len + 1))) {
      strcpy(names[n], e->d_name);
      n++;
    }
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmpstr);
  for (i = 0; i < n; i++)
    if (strcmp(names[i], base) == 0) cur = i;
  if (n > 0) {
    i = cur < 0 ? 0 : ((cur + dir) % n + n) % n;
    snprintf(next, sizeof next, "%s/%s", folder, names[i]);
    r = load(A, next, 0);
  }
  for (i = 0; i < n; i++) free(names[i]);
  return r;
}

void cp_app_fity (cp_app *A) {
  int p;
  for (p = 0; p < A->F.npanels; p++) A->F.panels[p].auto_y = 1;
  A->dirty = 1;
}

void cp_app_setcursor (cp_app *A, double x) {
  double w = A->x1 - A->x0;
  if (!isfinite(x)) return;
  A->cx = x;
  A->cursor = 1;
  if (!(w > 0)) return;
  /* the view pans to follow a cursor that leaves it, keeping a twentieth of margin */
  if (x < A->x0 || x > A->x1) {
    double shift = x < A->x0 ? x - 0.05 * w - A->x0 : x + 0.05 * w - A->x1;
    A->x0 += shift;
    A->x1 += shift;
    A->dirty = 1;
  }
}

/* the covered range [s0, s1] of u over the visible x, sampled once per pixel column */
static int coverage (cp_app *A, int p, double *s0, double *s1) {
  cp_curveref ref;
  cp_sampler sm;
  int i, e;
  double lo = INFINITY, hi = -INFINITY;
  memset(&sm, 0, sizeof sm);
  ref.S = A->S;
  ref.panel = p;
  ref.curve = -1;
  sm.f = cp_script_eval;
  sm.ud = &ref;
  sm.t0 = A->x0;
  sm.t1 = A->x1;
  sm.wpx = (int)A->F.panels[p].plot.w;
  if ((e = cp_sample_uniform(&sm, &A->tmp)) != 0) return e;
  A->samples += A->tmp.n;
  for (i = 0; i < A->tmp.n; i++) {
    double y = A->tmp.y[i];
    if (isfinite(y)) {
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
  }
  *s0 = lo;
  *s1 = hi;
  return 0;
}

/* a panel's view as sampled, committed with its curves once every panel succeeded */
typedef struct Staged {
  double t0, t1, y0, y1, s0, s1, z0, z1;
} Staged;

/* the factors' view moves with the panel's y view: the same change, in its own units */
static void follow2 (cp_panel *P, double oy0, double oy1) {
  double a = (P->y0 - oy0) / (oy1 - oy0), b = (P->y1 - oy0) / (oy1 - oy0), z0 = P->z0, dz = P->z1 - P->z0;
  if (!P->axis2 || !isfinite(a) || !isfinite(b)) return;
  P->z0 = z0 + a * dz;
  P->z1 = z0 + b * dz;
}

/* the last good plot, put back when a new script fails on its first frame */
typedef struct cp_saved cp_saved;
struct cp_saved {
  cp_frame F;
  double hx0, hx1, x0, x1, cx;
  int cursor;
};

/* samples every curve of panel p into A->stage[p]; returns nonzero on a script error */
static int samplepanel (cp_app *A, int p, Staged *V) {
  cp_panel *P = &A->F.panels[p];
  cp_sampler sm;
  cp_curveref ref[CP_MAXCURVES];
  cp_series *u[CP_MAXCURVES];
  double t0 = P->t0, t1 = P->t1, y0 = P->y0, y1 = P->y1, z0 = P->z0, z1 = P->z1;
  int c, e, nmain = P->axis2 && P->ncurves > 1 ? 1 : P->ncurves;
  V->s0 = P->s0;
  V->s1 = P->s1;
  if (P->isx) {
    t0 = A->x0;
    t1 = A->x1;
  }
  if (P->shade) {
    double s0, s1;
    if ((e = coverage(A, p, &s0, &s1)) != 0) return e;
    V->s0 = s0;
    V->s1 = s1;
    if (P->auto_t && isfinite(s0) && isfinite(s1)) {
      double m = s1 > s0 ? 0.25 * (s1 - s0) : (fabs(s0) > 0 ? 0.5 * fabs(s0) : 1);
      t0 = s0 - m;
      t1 = s1 + m;
    }
  }
  if (!(t1 > t0) || !isfinite(t0) || !isfinite(t1)) {
    t0 = -1;
    t1 = 1;
  }
  memset(&sm, 0, sizeof sm);
  sm.f = cp_script_eval;
  sm.t0 = t0;
  sm.t1 = t1;
  sm.wpx = (int)ceilf(P->plot.w);
  sm.hpx = (int)ceilf(P->plot.h);
  for (c = 0; c < P->ncurves; c++) {
    ref[c].S = A->S;
    ref[c].panel = p;
    ref[c].curve = c;
    sm.ud = &ref[c];
    u[c] = &A->scratch[p][c];
    if ((e = cp_sample_uniform(&sm, u[c])) != 0) return e;
    A->samples += u[c]->n;
  }
  if (P->auto_y || !(y1 > y0)) {
    if (!cp_range_robust(u, nmain, &y0, &y1) && !(y1 > y0)) {
      y0 = -1;
      y1 = 1;
    }
  }
  if (nmain < P->ncurves && (P->auto_y || !(z1 > z0))) {
    if (!cp_range_robust(u + nmain, P->ncurves - nmain, &z0, &z1) && !(z1 > z0)) {
      z0 = -1;
      z1 = 1;
    }
  }
  V->z0 = z0;
  V->z1 = z1;
  for (c = 0; c < P->ncurves; c++) {
    sm.y0 = c < nmain ? y0 : z0;
    sm.y1 = c < nmain ? y1 : z1;
    sm.ud = &ref[c];
    if ((e = cp_sample_refine(&sm, u[c], &A->stage[p][c])) != 0) return e;
    A->samples += A->stage[p][c].n - u[c]->n;
  }
  V->t0 = t0;
  V->t1 = t1;
  V->y0 = y0;
  V->y1 = y1;
  return 0;
}

/* swaps the staged curves in and takes their views */
static void commit (cp_app *A, const Staged *V) {
  int p, c;
  for (p = 0; p < A->F.npanels; p++) {
    cp_panel *P = &A->F.panels[p];
    for (c = 0; c < P->ncurves; c++) {
      cp_series t = P->curves[c].s;
      P->curves[c].s = A->stage[p][c];
      A->stage[p][c] = t;
    }
    P->t0 = V[p].t0;
    P->t1 = V[p].t1;
    P->y0 = V[p].y0;
    P->y1 = V[p].y1;
    P->s0 = V[p].s0;
    P->s1 = V[p].s1;
    P->z0 = V[p].z0;
    P->z1 = V[p].z1;
  }
}

/* before a reload: remember the plot on screen */
static void save (cp_app *A) {
  if (!A->saved && !(A->saved = malloc(sizeof *A->saved))) return;
  A->saved->F = A->F;
  A->saved->hx0 = A->hx0;
  A->saved->hx1 = A->hx1;
  A->saved->x0 = A->x0;
  A->saved->x1 = A->x1;
  A->saved->cx = A->cx;
  A->saved->cursor = A->cursor;
}

/* the new script failed on its first frame: the old model, frame and views come back whole */
static void restore (cp_app *A, const char *why) {
  cp_saved *B = A->saved;
  int p, c;
  cp_series s[CP_MAXPANELS][CP_MAXCURVES];
  char msg[sizeof A->loaderr];
  snprintf(msg, sizeof msg, "%s", why);
  cp_script_revert(A->S);
  for (p = 0; p < CP_MAXPANELS; p++)  /* the curves were never replaced: keep their buffers */
    for (c = 0; c < CP_MAXCURVES; c++) s[p][c] = A->F.panels[p].curves[c].s;
  A->F = B->F;
  for (p = 0; p < CP_MAXPANELS; p++)
    for (c = 0; c < CP_MAXCURVES; c++) A->F.panels[p].curves[c].s = s[p][c];
  A->hx0 = B->hx0;
  A->hx1 = B->hx1;
  A->x0 = B->x0;
  A->x1 = B->x1;
  A->cx = B->cx;
  A->cursor = B->cursor;
  snprintf(A->loaderr, sizeof A->loaderr, "%s", msg);
  A->evalerr[0] = 0;
  A->trial = 0;
  cp_gapp_sync(A, 1);  /* the old model may be a graph, or no longer one */
}

void cp_app_update (cp_app *A, int w, int h) {
  int p, e = 0, sampled = 0;
  Staged V[CP_MAXPANELS];
  if (w != A->w || h != A->h) A->dirty = 1;
  A->w = w;
  A->h = h;
  cp_layout(&A->F, w, h);
  if (!cp_script_loaded(A->S)) return;
  cp_script_budget(A->S);
  cp_script_setview(A->S, A->x0, A->x1);
  if (cp_gapp_active(A)) {  /* a graph script: the graph view fills the frame itself */
    e = cp_gapp_update(A, w, h);
    if (A->trial) {
      if (e && A->saved) {
        restore(A, A->evalerr);
        if (A->G) cp_gapp_update(A, w, h);
        else cp_layout(&A->F, w, h);
        showerror(A);
        return;
      }
      cp_script_commit(A->S);
      A->trial = 0;
    }
    showerror(A);
    return;
  }
  if (A->dirty) {
    A->samples = 0;
    A->evalerr[0] = 0;
    A->stalled = 0;
    for (p = 0; p < A->F.npanels && !e; p++)
      if ((e = samplepanel(A, p, &V[p])) != 0)
        snprintf(A->evalerr, sizeof A->evalerr, "%s", cp_script_error(A->S));
    A->dirty = 0;
    sampled = 1;
  }
  if (A->trial) {  /* a new script must draw its first frame whole, cursor included */
    if (!e && A->cursor && cp_script_cursor(A->S, &A->F, A->cx, NULL, 0) < 0) {
      e = 1;
      snprintf(A->evalerr, sizeof A->evalerr, "%s", cp_script_error(A->S));
    }
    if (e && A->saved) {
      restore(A, A->evalerr);
      cp_layout(&A->F, w, h);
      showerror(A);
      return;
    }
    cp_script_commit(A->S);
    A->trial = 0;
  }
  if (!e && sampled) commit(A, V);
  if (strstr(A->evalerr, "script ran too long")) A->stalled = 1;
  /* after a runaway script, hovering alone does not run it again (a view change does) */
  if (A->cursor && !A->stalled && cp_script_cursor(A->S, &A->F, A->cx, NULL, 0) < 0
      && !A->evalerr[0])
    snprintf(A->evalerr, sizeof A->evalerr, "%s", cp_script_error(A->S));
  if (strstr(A->evalerr, "script ran too long")) A->stalled = 1;
  if (!A->cursor) {
    for (p = 0; p < A->F.npanels; p++) A->F.panels[p].cursor = 0;
    A->F.readout[0] = 0;
  }
  if (A->cursor && A->snapwhat[0] && A->cx == A->snapx) {  /* the footer says what the cursor snapped to */
    size_t n = strlen(A->F.readout);
    snprintf(A->F.readout + n, sizeof A->F.readout - n, "\nsnapped to %s", A->snapwhat);
  }
  cp_layout(&A->F, w, h);  /* the footer grows to the read-out's lines */
  showerror(A);
}

int cp_app_panelat (cp_app *A, float x, float y) {
  int p;
  for (p = 0; p < A->F.npanels; p++) {
    cp_rect r = A->F.panels[p].outer;
    if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return p;
  }
  return -1;
}

int cp_app_sliderat (cp_app *A, float x, float y) {
  int i;
  float m = 10 * A->F.scale;
  for (i = 0; i < A->F.nsliders; i++) {
    cp_rect t = A->F.sliders[i].track;
    if (x >= t.x - m && x <= t.x + t.w + m && y >= t.y - m && y <= t.y + t.h + m) return i;
  }
  return -1;
}

void cp_app_slide (cp_app *A, int i, float x) {
  cp_slider *s;
  double k;
  if (i < 0 || i >= A->F.nsliders) return;
  s = &A->F.sliders[i];
  k = (x - s->track.x) / s->track.w;
  if (k < 0) k = 0;
  if (k > 1) k = 1;
  cp_script_setparam(A->S, &A->F, i, s->min + k * (s->max - s->min));
  snprintf(A->F.paths, sizeof A->F.paths, "%s", cp_script_paths(A->S));
  A->dirty = 1;
}

static void zoomrange (double *a, double *b, double at, double f) {
  double na = at + (*a - at) * f, nb = at + (*b - at) * f;
  if (nb - na > 1e-12 * (fabs(na) + fabs(nb)) && nb - na < 1e15 && isfinite(na) && isfinite(nb)) {
    *a = na;
    *b = nb;
  }
}

void cp_app_zoom (cp_app *A, float x, float y, double factor, int axes) {
  int p = cp_app_panelat(A, x, y);
  cp_panel *P;
  if (p < 0) return;
  P = &A->F.panels[p];
  if (axes & 1) {
    double at = cp_tx(P, x);
    if (P->isx) zoomrange(&A->x0, &A->x1, at, factor);
    else {
      zoomrange(&P->t0, &P->t1, at, factor);
      P->auto_t = 0;
    }
  }
  if (axes & 2) {
    double oy0 = P->y0, oy1 = P->y1;
    zoomrange(&P->y0, &P->y1, cp_ty(P, y), factor);
    follow2(P, oy0, oy1);
    P->auto_y = 0;
  }
  A->dirty = 1;
}

void cp_app_pan (cp_app *A, int p, float dx, float dy) {
  cp_panel *P;
  double ddx, ddy;
  if (p < 0 || p >= A->F.npanels) return;
  P = &A->F.panels[p];
  ddx = -dx / P->plot.w * (P->t1 - P->t0);
  ddy = dy / P->plot.h * (P->y1 - P->y0);
  if (P->isx) {
    A->x0 += ddx;
    A->x1 += ddx;
  } else {
    P->t0 += ddx;
    P->t1 += ddx;
    P->auto_t = 0;
  }
  P->y0 += ddy;
  P->y1 += ddy;
  follow2(P, P->y0 - ddy, P->y1 - ddy);
  P->auto_y = 0;
  A->dirty = 1;
}

void cp_app_boxzoom (cp_app *A, int p, cp_rect b) {
  cp_panel *P;
  double a0, a1, b0, b1;
  if (p < 0 || p >= A->F.npanels || b.w < 4 || b.h < 4) return;
  P = &A->F.panels[p];
  a0 = cp_tx(P, b.x);
  a1 = cp_tx(P, b.x + b.w);
  b0 = cp_ty(P, b.y + b.h);
  b1 = cp_ty(P, b.y);
  if (P->isx) {
    A->x0 = a0;
    A->x1 = a1;
  } else {
    P->t0 = a0;
    P->t1 = a1;
    P->auto_t = 0;
  }
  {
    double oy0 = P->y0, oy1 = P->y1;
    P->y0 = b0;
    P->y1 = b1;
    follow2(P, oy0, oy1);
  }
  P->auto_y = 0;
  A->dirty = 1;
}

int cp_app_export (cp_app *A, const char *font, int w, int h, float scale, const char *png,
                   char *err, size_t errsz) {
  SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  SDL_Renderer *r;
  cp_renderer *R;
  int ok;
  if (!surf) {
    snprintf(err, errsz, "cannot create a %dx%d surface: %s", w, h, SDL_GetError());
    return -1;
  }
  if (!(r = SDL_CreateSoftwareRenderer(surf))) {
    snprintf(err, errsz, "no software renderer: %s", SDL_GetError());
    SDL_FreeSurface(surf);
    return -1;
  }
  R = cp_renderer_new(r, font, scale);
  A->F.scale = scale;
  A->dirty = 1;
  cp_app_update(A, w, h);
  if (R) cp_render(R, &A->F);
  SDL_RenderPresent(r);
  ok = IMG_SavePNG(surf, png) == 0;
  if (!ok) snprintf(err, errsz, "%s: %s", png, IMG_GetError());
  cp_renderer_free(R);
  SDL_DestroyRenderer(r);
  SDL_FreeSurface(surf);
  return ok ? 0 : -1;
}
