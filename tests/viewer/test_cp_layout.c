/* test_cp_layout.c: legends that hide nothing (15) and small windows without overlapping text (16) */
#include <stdlib.h>

#include "SDL.h"
#include "SDL_ttf.h"
#include "cp_check.h"
#include "cp_app.h"
#include "cp_render.h"
#include "cp_axis.h"

/* fontconfig keeps its configuration cache for the life of the process: not our leak */
const char *__lsan_default_suppressions (void);
const char *__lsan_default_suppressions (void) {
  return "leak:libfontconfig.so\n";
}

static int inside (float x, float y, cp_rect b) {
  return x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h;
}

static int overlaps (cp_rect a, cp_rect b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* curve i of p in the y view it is drawn in (the factors of h' have their own) */
static cp_panel viewof (const cp_panel *p, int i) {
  cp_panel v = *p;
  if (p->axis2 && i > 0 && p->z1 > p->z0) { v.y0 = p->z0; v.y1 = p->z1; }
  return v;
}

/* does any drawn piece of a curve, walked in steps of a quarter pixel, enter box b? */
static int hides (const cp_panel *p, cp_rect b, char *what, size_t n) {
  int i, k;
  for (i = 0; i < p->ncurves; i++) {
    cp_panel v = viewof(p, i);
    const cp_series *s = &p->curves[i].s;
    for (k = 0; k + 1 < s->n; k++) {
      float x1, y1, x2, y2, len;
      int j, steps;
      if (!isfinite(s->y[k]) || !isfinite(s->y[k + 1])) continue;
      x1 = cp_px(&v, s->t[k]); y1 = cp_py(&v, s->y[k]);
      x2 = cp_px(&v, s->t[k + 1]); y2 = cp_py(&v, s->y[k + 1]);
      len = fabsf(x2 - x1) + fabsf(y2 - y1);
      steps = (int)(len * 4) + 1;
      if (steps > 100000) steps = 100000;
      for (j = 0; j <= steps; j++) {
        float t = (float)j / steps, x = x1 + (x2 - x1) * t, y = y1 + (y2 - y1) * t;
        if (inside(x, y, p->plot) && inside(x, y, b)) {
          snprintf(what, n, "curve %s at (%.0f, %.0f)", p->curves[i].label, x, y);
          return 1;
        }
      }
    }
    if (p->cursor && isfinite(p->marks[i].y)) {
      float x = cp_px(p, p->ct), y = cp_py(&v, p->marks[i].y);
      cp_rect d = {x - 6, y - 6, 12, 12};
      if (overlaps(d, b)) {
        snprintf(what, n, "the cursor dot of %s", p->curves[i].label);
        return 1;
      }
    }
  }
  return 0;
}

static const char *scripts[] = {"cubic", "exp3x", "sin_x2", "neuron", "tan", "log_gap", "chain3",
                                "single", "abs_branch", NULL};
static const int sizes[][2] = {{1600, 1000}, {1280, 800}, {640, 400}};

/* 15: in every shipped script, at three sizes and three cursor places, the legend hides nothing */
static void legends (void) {
  int si, k, q, c;
  for (si = 0; scripts[si]; si++)
    for (k = 0; k < 3; k++) {
      char path[512];
      cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
      int w = sizes[k][0], h = sizes[k][1];
      SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
      SDL_Renderer *r = SDL_CreateSoftwareRenderer(sf);
      cp_renderer *R = cp_renderer_new(r, NULL, 1);
      snprintf(path, sizeof path, "%s/plots/%s.lua", CP_SRCDIR, scripts[si]);
      cp_app_open(A, path);
      for (c = 0; c < 3; c++) {
        cp_app_setcursor(A, A->x0 + (A->x1 - A->x0) * (0.2 + 0.3 * c));
        cp_app_update(A, w, h);
        for (q = 0; q < A->F.npanels; q++) {
          cp_panel *p = &A->F.panels[q];
          int row;
          char what[160];
          cp_rect L = cp_legend_rect(R, p, &row);
          if (p->ncurves < 2) continue;
          if (row)
            CHECK(!overlaps(L, p->plot) && L.x >= p->outer.x && L.x + L.w <= p->outer.x + p->outer.w,
                  "%s at %dx%d: the legend row stays above the plot", scripts[si], w, h);
          else CHECK(!hides(p, L, what, sizeof what), "%s at %dx%d, panel %d: the legend hides %s",
                     scripts[si], w, h, q, what);
          /* at 1280x800 and up the h' panel's legend is a row above its plot */
          if (w >= 1280) CHECK(row, "%s at %dx%d: the legend of panel %d is outside the plot", scripts[si], w, h, q);
        }
      }
      cp_renderer_free(R);
      SDL_DestroyRenderer(r);
      SDL_FreeSurface(sf);
      cp_app_free(A);
    }
}

/* 16: at 640x400 panels do not overlap each other, the header or the footer, no cell is left empty,
   and every plot keeps room for its curves */
static void small (void) {
  int si, i, j;
  for (si = 0; scripts[si]; si++) {
    char path[512];
    cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
    float area = 0;
    snprintf(path, sizeof path, "%s/plots/%s.lua", CP_SRCDIR, scripts[si]);
    cp_app_open(A, path);
    cp_app_update(A, 640, 400);
    for (i = 0; i < A->F.npanels; i++) {
      cp_panel *p = &A->F.panels[i];
      area += p->outer.w * p->outer.h;
      CHECK(p->outer.y >= A->F.header.h && p->outer.y + p->outer.h <= A->F.footer.y,
            "%s: panel %d between header and footer", scripts[si], i);
      CHECK(p->plot.w >= 60 && p->plot.h >= 40, "%s: panel %d's plot is %gx%g", scripts[si], i, p->plot.w, p->plot.h);
      CHECK(p->plot.y >= p->outer.y + 28 && p->plot.x >= p->outer.x + 40,
            "%s: panel %d leaves room for title and ticks", scripts[si], i);
      for (j = 0; j < i; j++)
        CHECK(!overlaps(p->outer, A->F.panels[j].outer), "%s: panels %d and %d overlap", scripts[si], i, j);
    }
    /* the panels fill the band between header and footer, apart from the gaps */
    CHECK(area > 0.8f * 640 * (A->F.footer.y - A->F.header.h), "%s: no empty cells (%.0f px^2)", scripts[si], area);
    cp_app_free(A);
  }
}

/* 4: after a deep wheel zoom every panel's y labels are distinct, fit left of the plot (measured in
   the font drawn with) and keep their sign; x labels fit between each other */
static void deepzoom (void) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  char *path = cp_font_find("DejaVu Sans");
  TTF_Font *font;
  int z, q, k;
  CHECK(path != NULL && TTF_Init() == 0 && (font = TTF_OpenFont(path, 12)) != NULL, "DejaVu Sans at 12 px");
  free(path);
  if (!font) return;
  cp_app_open(A, CP_SRCDIR "/plots/cubic.lua");
  cp_app_setcursor(A, -1.5);
  cp_app_update(A, 1280, 800);
  for (z = 0; z < 14; z++) {
    cp_panel *p = &A->F.panels[3];
    cp_app_zoom(A, cp_px(p, -1.5), cp_py(p, p->marks[0].y), 0.3, 3);
    cp_app_update(A, 1280, 800);
    cp_app_update(A, 1280, 800);
  }
  CHECK(A->x1 - A->x0 < 1e-5, "deep: the x view is %g wide", A->x1 - A->x0);
  for (q = 0; q < A->F.npanels; q++) {
    cp_panel *p = &A->F.panels[q];
    cp_axis a;
    char b[64], prev[64] = "";
    int w, h, n = cp_axis_make(&a, p->y0, p->y1, p->ty, 0, 0);
    CHECK(n >= 2, "panel %d has %d y ticks", q, n);
    for (k = 0; k < n; k++) {
      cp_axis_label(&a, k, b, sizeof b);
      TTF_SizeUTF8(font, b, &w, &h);
      CHECK(p->outer.x + 2 <= p->plot.x - 5 - w, "panel %d: y label %s (%d px) fits left of the plot", q, b, w);
      CHECK(strcmp(b, prev) != 0, "panel %d: y labels %s repeat", q, b);
      CHECK(fabs((a.scaled ? a.offset + atof(b) * pow(10, a.exp) : atof(b)) - a.t[k]) <= a.step * 1e-6,
            "panel %d: %s with \"%s\" reads the tick %.12g", q, b, a.note, a.t[k]);
      memcpy(prev, b, sizeof prev);
    }
    n = cp_axis_make(&a, p->t0, p->t1, p->tx, 0, 0);
    for (k = 0; k + 1 < n; k++) {
      int w2;
      cp_axis_label(&a, k, b, sizeof b);
      TTF_SizeUTF8(font, b, &w, &h);
      cp_axis_label(&a, k + 1, b, sizeof b);
      TTF_SizeUTF8(font, b, &w2, &h);
      CHECK(cp_px(p, a.t[k + 1]) - cp_px(p, a.t[k]) >= (w + w2) / 2.0 + 4, "panel %d: x labels %d, %d apart", q, k, k + 1);
    }
  }
  /* h' at x = -1.5 is about -326: its axis keeps the sign (in the labels or in the offset) */
  {
    cp_panel *p = &A->F.panels[3];
    cp_axis a;
    char b[64];
    cp_axis_make(&a, p->y0, p->y1, p->ty, 0, 0);
    cp_axis_label(&a, 0, b, sizeof b);
    CHECK(a.scaled ? a.offset < 0 : b[0] == '-', "h' labels negative: %s (%s)", b, a.note);
  }
  TTF_CloseFont(font);
  TTF_Quit();
  cp_app_free(A);
}

int main (void) {
  if (SDL_Init(0) != 0) {
    printf("SDL_Init: %s\n", SDL_GetError());
    return 1;
  }
  legends();
  small();
  deepzoom();
  SDL_Quit();
  cp_fonts_shutdown();
  return report();
}
