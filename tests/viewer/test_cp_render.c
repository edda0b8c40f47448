/* test_cp_render.c: off-screen renders checked by pixels (tolerant, no golden images) */
#include <stdlib.h>

#include "SDL.h"
#include "cp_check.h"
#include "cp_app.h"
#include "cp_render.h"

/* fontconfig keeps its configuration cache for the life of the process: not our leak */
const char *__lsan_default_suppressions (void);
const char *__lsan_default_suppressions (void) {
  return "leak:libfontconfig.so\n";
}

static const double PI = 3.14159265358979323846;

typedef struct Shot {
  SDL_Surface *s;
  SDL_Renderer *r;
  cp_renderer *R;
} Shot;

static Shot render (cp_app *A, int w, int h, const char *font) {
  Shot t;
  t.s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  t.r = SDL_CreateSoftwareRenderer(t.s);
  t.R = cp_renderer_new(t.r, font, 1);
  A->dirty = 1;
  cp_app_update(A, w, h);
  cp_render(t.R, &A->F);
  SDL_RenderPresent(t.r);
  return t;
}

static void done (Shot *t) {
  cp_renderer_free(t->R);
  SDL_DestroyRenderer(t->r);
  SDL_FreeSurface(t->s);
}

static cp_color pixel (Shot *t, int x, int y) {
  cp_color c = {0, 0, 0, 0};
  Uint32 v;
  if (x < 0 || y < 0 || x >= t->s->w || y >= t->s->h) return c;
  v = ((Uint32 *)t->s->pixels)[y * (t->s->pitch / 4) + x];
  SDL_GetRGB(v, t->s->format, &c.r, &c.g, &c.b);
  return c;
}

static int near (cp_color a, cp_color b, int tol) {
  return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

/* is colour c within a (2r+1)^2 box around (x, y)? */
static int found (Shot *t, float x, float y, int r, cp_color c, int tol) {
  int dx, dy;
  for (dy = -r; dy <= r; dy++)
    for (dx = -r; dx <= r; dx++)
      if (near(pixel(t, (int)lroundf(x) + dx, (int)lroundf(y) + dy), c, tol)) return 1;
  return 0;
}

static int dark (Shot *t, float x, float y, int r) {
  int dx, dy;
  for (dy = -r; dy <= r; dy++)
    for (dx = -r; dx <= r; dx++) {
      cp_color c = pixel(t, (int)lroundf(x) + dx, (int)lroundf(y) + dy);
      if (c.r < 90 && c.g < 90 && c.b < 90) return 1;
    }
  return 0;
}

/* curve colours where the function passes, in every panel */
static void curves (void) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  Shot t;
  int p, k, hits[4] = {0, 0, 0, 0};
  cp_app_open(A, CP_SRCDIR "/plots/cubic.lua");
  A->cursor = 0;
  t = render(A, 1600, 1000, NULL);
  for (p = 0; p < 4; p++) {
    cp_panel *P = &A->F.panels[p];
    cp_color c = P->curves[0].color;
    for (k = 1; k < 20; k++) {
      double x = P->t0 + (P->t1 - P->t0) * k / 20, y;
      switch (p) {
      case 0: y = x * x + 5; break;
      case 1: y = x * x * x; break;
      case 2: y = pow(x * x + 5, 3); break;
      default: y = 6 * x * pow(x * x + 5, 2); break;
      }
      if (y < P->y0 || y > P->y1) { hits[p]++; continue; }
      hits[p] += found(&t, cp_px(P, x), cp_py(P, y), 2, c, 40);
    }
    CHECK(hits[p] == 19, "panel %d: curve colour at %d of 19 points", p, hits[p]);
  }
  /* 2x2 at 1600x1000 */
  CHECK(A->F.panels[1].outer.x > A->F.panels[0].outer.x && A->F.panels[1].outer.y == A->F.panels[0].outer.y
        && A->F.panels[2].outer.y > A->F.panels[0].outer.y, "1600x1000 lays out 2x2");
  /* the shaded u interval [5, 14] in the outer panel: tinted, outside it white */
  {
    cp_panel *P = &A->F.panels[1];
    cp_color in = pixel(&t, (int)cp_px(P, 9.5), (int)(P->plot.y + 8)),
             out = pixel(&t, (int)cp_px(P, P->t0 + 0.02 * (P->t1 - P->t0)), (int)(P->plot.y + 8));
    CHECK(in.b < 240 && in.r > 240, "inside the covered u range is shaded (%d %d %d)", in.r, in.g, in.b);
    CHECK(out.r > 250 && out.g > 250 && out.b > 250, "outside it is not (%d %d %d)", out.r, out.g, out.b);
  }
  done(&t);
  cp_layout(&A->F, 2400, 600);
  CHECK(A->F.panels[3].outer.y == A->F.panels[0].outer.y && A->F.panels[3].outer.x > A->F.panels[2].outer.x,
        "2400x600 lays out 1x4");
  cp_app_free(A);
}

/* tangent lines at x0 = 1.5: dark pixels along them, none without the cursor */
static void tangents (void) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  Shot t;
  int on = 0, off = 0, k;
  double h = pow(7.25, 3), dh = 6 * 1.5 * 7.25 * 7.25;
  cp_panel *P;
  cp_app_open(A, CP_SRCDIR "/plots/cubic.lua");
  cp_app_setcursor(A, 1.5);
  t = render(A, 1600, 1000, NULL);
  P = &A->F.panels[2];
  for (k = -4; k <= 4; k++) {
    double dt = 0.2 * (P->t1 - P->t0) * k / 5;
    if (k == 0) continue;
    on += dark(&t, cp_px(P, 1.5 + dt), cp_py(P, h + dh * dt), 1);
  }
  CHECK(on == 8, "h's tangent is drawn (%d of 8 points)", on);
  P = &A->F.panels[1];  /* the outer tangent at u0 = 7.25 with slope 157.6875 */
  for (k = -4, on = 0; k <= 4; k++) {
    double dt = 0.2 * (P->t1 - P->t0) * k / 5;
    if (k == 0) continue;
    on += dark(&t, cp_px(P, 7.25 + dt), cp_py(P, h + 157.6875 * dt), 1);
  }
  CHECK(on == 8, "f's tangent is drawn at u0 (%d of 8 points)", on);
  done(&t);
  A->cursor = 0;
  t = render(A, 1600, 1000, NULL);
  P = &A->F.panels[2];
  for (k = -4; k <= 4; k++) {
    double dt = 0.2 * (P->t1 - P->t0) * k / 5;
    if (k == 0) continue;
    off += dark(&t, cp_px(P, 1.5 + dt), cp_py(P, h + dh * dt), 1);
  }
  CHECK(off <= 1, "without the cursor no tangent (%d dark points)", off);
  done(&t);
  cp_app_free(A);
}

/* gaps: tan's poles are not bridged by a vertical line, log(x^2 - 1) leaves |x| < 1 empty */
static void gaps (void) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  Shot t;
  cp_panel *P;
  int k, y, count, worst = 0;
  cp_app_open(A, CP_SRCDIR "/plots/tan.lua");
  A->cursor = 0;
  t = render(A, 1600, 1000, NULL);
  P = &A->F.panels[2];
  for (k = -1; k <= 2; k++) {  /* poles at -pi/2, pi/2, 3pi/2 and -3pi/2 */
    float x = cp_px(P, PI / 2 + (k - 1) * PI);
    for (y = (int)P->plot.y + 2, count = 0; y < P->plot.y + P->plot.h - 2; y++)
      count += near(pixel(&t, (int)lroundf(x), y), P->curves[0].color, 40);
    if (count > worst) worst = count;
  }
  CHECK(worst < P->plot.h / 4, "no vertical line at tan's poles (%d of %d pixels)", worst, (int)P->plot.h);
  count = 0;
  for (k = 1; k < 10; k++) {  /* but the curve is there between poles */
    double x = -PI / 2 + PI * k / 10;
    if (tan(x) > P->y0 && tan(x) < P->y1) count += found(&t, cp_px(P, x), cp_py(P, tan(x)), 2, P->curves[0].color, 40);
    else count++;
  }
  CHECK(count == 9, "tan is drawn between the poles (%d of 9)", count);
  done(&t);

  cp_app_open(A, CP_SRCDIR "/plots/log_gap.lua");
  A->cursor = 0;
  t = render(A, 1600, 1000, NULL);
  for (k = 2; k <= 3; k++) {
    int x0, x1, x, n = 0;
    P = &A->F.panels[k];
    x0 = (int)ceilf(cp_px(P, -0.95));
    x1 = (int)floorf(cp_px(P, 0.95));
    for (x = x0; x <= x1; x++)
      for (y = (int)P->plot.y; y < P->plot.y + P->plot.h; y++)
        n += near(pixel(&t, x, y), P->curves[0].color, 30);
    CHECK(n == 0, "panel %d: nothing drawn inside the domain gap (%d pixels)", k, n);
  }
  done(&t);
  cp_app_free(A);
}

/* no font: a warning, no text, curves still drawn, no crash */
static void nofont (void) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  Shot t;
  cp_panel *P;
  cp_app_open(A, CP_SRCDIR "/plots/cubic.lua");
  t = render(A, 800, 500, "/nonexistent/font.ttf");
  CHECK(!cp_renderer_hasfont(t.R), "a missing font file gives no font");
  P = &A->F.panels[2];
  CHECK(found(&t, cp_px(P, 0), cp_py(P, 125), 2, P->curves[0].color, 40), "curves drawn without a font");
  done(&t);
  t = render(A, 800, 500, NULL);
  CHECK(cp_renderer_hasfont(t.R), "DejaVu Sans is found through fontconfig");
  done(&t);
  cp_app_free(A);
}

/* WCAG relative luminance: the contrast of colour c on white */
static double contrast (cp_color c) {
  double v[3], L;
  int i;
  unsigned char ch[3];
  ch[0] = c.r; ch[1] = c.g; ch[2] = c.b;
  for (i = 0; i < 3; i++) {
    double x = ch[i] / 255.0;
    v[i] = x <= 0.03928 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
  }
  L = 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  return 1.05 / (L + 0.05);
}

/* 18: anti-aliased curves, and every curve colour (the factors too) reads on white */
static void smooth (void) {
  static const char *scripts[] = {"cubic", "sin_x2", "chain3", "neuron", "single", "tan", NULL};
  cp_app *A;
  Shot t;
  cp_panel *P;
  int i, p, c, x, y, edge = 0, full = 0;
  for (i = 0; scripts[i]; i++) {
    char path[512];
    A = cp_app_new(0, 64u << 20, 20000000L);
    snprintf(path, sizeof path, "%s/plots/%s.lua", CP_SRCDIR, scripts[i]);
    cp_app_open(A, path);
    cp_app_update(A, 800, 500);
    for (p = 0; p < A->F.npanels; p++)
      for (c = 0; c < A->F.panels[p].ncurves; c++)
        CHECK(contrast(A->F.panels[p].curves[c].color) >= 3, "%s: %s has contrast %.2f on white", scripts[i],
              A->F.panels[p].curves[c].label, contrast(A->F.panels[p].curves[c].color));
    cp_app_free(A);
  }
  /* a steep stretch of h in sin_x2: across the curve, pixels between its colour and white (a feather) */
  A = cp_app_new(0, 64u << 20, 20000000L);
  cp_app_open(A, CP_SRCDIR "/plots/sin_x2.lua");
  A->cursor = 0;
  t = render(A, 1600, 1000, NULL);
  P = &A->F.panels[2];
  for (y = (int)P->plot.y + 4; y < (int)(P->plot.y + P->plot.h) - 4; y++)
    for (x = (int)cp_px(P, 2.6); x < (int)cp_px(P, 3.0); x++) {
      cp_color q = pixel(&t, x, y), k = P->curves[0].color;
      double f = (255.0 - q.g) / (255.0 - k.g);  /* how much of the curve colour, by green */
      int onmix = abs(q.r - (int)lround(255 - f * (255 - k.r))) < 12 && abs(q.b - (int)lround(255 - f * (255 - k.b))) < 12;
      if (onmix && f > 0.15 && f < 0.85) edge++;
      if (near(q, k, 8)) full++;
    }
  CHECK(full > 50 && edge > full / 4, "anti-aliased: %d feather pixels beside %d of the full colour", edge, full);
  done(&t);
  cp_app_free(A);
}

int main (void) {
  curves();
  smooth();
  tangents();
  gaps();
  nofont();
  SDL_Quit();
  cp_fonts_shutdown();
  return report();
}
