/* test_cp_class.c: the viewer as a class uses it (issue 10): kept plots, corners, read-outs, views */
#include <stdlib.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "SDL.h"
#include "SDL_image.h"
#include "cp_check.h"
#include "cp_app.h"
#include "cp_render.h"
#include "cp_script.h"

/* fontconfig keeps its configuration cache for the life of the process: not our leak */
const char *__lsan_default_suppressions (void);
const char *__lsan_default_suppressions (void) {
  return "leak:libfontconfig.so\n";
}

#define MINUS "\xe2\x88\x92"
#define INF "\xe2\x88\x9e"
#define DOT "\xc2\xb7"

static char dir[256];
static long stamp = 5;

/* writes dir/name with a modification time later than any before, so polling sees it */
static const char *writescript (const char *name, const char *src) {
  static char path[512];
  struct timespec ts[2];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  fputs(src, f);
  fclose(f);
  ts[0].tv_sec = ts[1].tv_sec = time(NULL) + (stamp += 5);
  ts[0].tv_nsec = ts[1].tv_nsec = 0;
  utimensat(AT_FDCWD, path, ts, 0);
  return path;
}

static cp_app *app (const char *path) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  if (cp_app_open(A, path) != 0) printf("note: %s: %s\n", path, A->loaderr);
  cp_app_update(A, 1280, 800);
  return A;
}

/* 1: a reload that fails on its first frame keeps the last good plot whole */
static void keptwhole (void) {
  static const char good[] =
    "return {title = 'h(x) = (x^2 + 5)^3', inner = function (x) return x^2 + 5 end,\n"
    "  outer = function (u) return u^3 end, x = {-3, 3}}\n";
  static const char bad[] =
    "return {title = 'broken', inner = function (x) if x > 2 then error('too big') end return x end,\n"
    "  outer = function (u) return u^2 end, x = {-3, 3}}\n";
  const char *path = writescript("kept.lua", good);
  cp_app *A = app(path);
  char titles[4][160], readout[sizeof A->F.readout];
  double marks[4], h = 7.25 * 7.25 * 7.25;
  int p, n = A->F.panels[2].curves[0].s.n;
  cp_app_setcursor(A, 1.5);
  cp_app_update(A, 1280, 800);
  for (p = 0; p < 4; p++) {
    snprintf(titles[p], sizeof titles[p], "%s", A->F.panels[p].title);
    marks[p] = A->F.panels[p].marks[0].y;
  }
  snprintf(readout, sizeof readout, "%s", A->F.readout);
  writescript("kept.lua", bad);
  CHECK(cp_app_poll(A) == 1, "the broken script is noticed");
  cp_app_update(A, 1280, 800);
  CONTAINS(A->F.error, "too big", "the script's error is shown");
  CHECK(strcmp(A->F.title, "h(x) = (x^2 + 5)^3") == 0, "the good title stays: %s", A->F.title);
  for (p = 0; p < 4; p++) {
    CHECK(strcmp(A->F.panels[p].title, titles[p]) == 0, "panel %d title kept: %s", p, A->F.panels[p].title);
    CHECK(A->F.panels[p].marks[0].y == marks[p], "panel %d cursor dot kept (%g, was %g)", p,
          A->F.panels[p].marks[0].y, marks[p]);
  }
  CLOSE(A->F.panels[2].marks[0].y, h, 1e-15, "the h dot sits on the kept h curve");
  CHECK(strcmp(A->F.readout, readout) == 0, "the read-out is kept: %s", A->F.readout);
  CHECK(A->F.panels[2].curves[0].s.n == n, "the curves are kept (%d points, were %d)",
        A->F.panels[2].curves[0].s.n, n);
  /* the kept plot keeps working: the cursor moves on the good script */
  cp_app_setcursor(A, 1.0);
  cp_app_update(A, 1280, 800);
  CLOSE(A->F.panels[2].marks[0].y, 216, 1e-15, "the kept plot still follows the cursor");
  CONTAINS(A->F.error, "too big", "and still says why the new script was not taken");
  writescript("kept.lua", good);
  CHECK(cp_app_poll(A) == 1, "the fix is noticed");
  cp_app_update(A, 1280, 800);
  CHECK(A->F.error[0] == 0, "the fix clears the error: %s", A->F.error);
  cp_app_free(A);
}

/* 3: the view pans to follow a cursor moved past its edge */
static void follow (void) {
  cp_app *A = app(CP_SRCDIR "/plots/cubic.lua");
  int i, p;
  for (i = 0; i < 21; i++) cp_app_setcursor(A, A->cx + 0.1 * (A->x1 - A->x0));  /* Shift+Right */
  cp_app_update(A, 1280, 800);
  CHECK(A->cx > 14 && A->cx >= A->x0 && A->cx <= A->x1, "x0 = %g stays in the view [%g, %g]",
        A->cx, A->x0, A->x1);
  for (p = 0; p < A->F.npanels; p++) {
    cp_panel *P = &A->F.panels[p];
    if (!P->isx) continue;
    CHECK(P->ct >= P->t0 && P->ct <= P->t1, "panel %d shows the cursor (%g in [%g, %g])", p, P->ct, P->t0, P->t1);
  }
  CLOSE(A->x1 - A->x0, 6, 1e-12, "following pans, it does not zoom");
  cp_app_free(A);
}

/* 8: an x range edited in the file applies on reload; 10: a missing file says so */
static void reloads (void) {
  const char *path = writescript("range.lua", "return {f = function (x) return x * x end, x = {-2, 2}}\n");
  cp_app *A = app(path);
  char missing[600];
  CHECK(A->x0 == -2 && A->x1 == 2, "the script's range [%g, %g]", A->x0, A->x1);
  writescript("range.lua", "return {f = function (x) return x * x end, x = {0, 10}}\n");
  CHECK(cp_app_poll(A) == 1, "the edit is noticed");
  cp_app_update(A, 1280, 800);
  CHECK(A->x0 == 0 && A->x1 == 10, "the edited range applies: [%g, %g]", A->x0, A->x1);
  CHECK(A->F.panels[0].t0 == 0 && A->F.panels[0].t1 == 10, "and is drawn");
  cp_app_free(A);

  snprintf(missing, sizeof missing, "%s/later.lua", dir);
  A = cp_app_new(0, 64u << 20, 20000000L);
  CHECK(cp_app_open(A, missing) != 0, "a missing script does not load");
  cp_app_update(A, 1280, 800);
  CONTAINS(A->F.error, "later.lua: the file does not exist", "the error says the file is missing");
  CHECK(strstr(A->F.errtitle, "last good plot") == NULL, "no claim of a kept plot: %s", A->F.errtitle);
  CONTAINS(A->F.errtitle, "not found", "the heading");
  writescript("later.lua", "return {f = function (x) return x end}\n");
  CHECK(cp_app_poll(A) == 1, "the file is watched for");
  cp_app_update(A, 1280, 800);
  CHECK(A->F.error[0] == 0 && A->F.npanels == 3, "and shown once it exists (%s)", A->F.error);
  cp_app_free(A);
}

static cp_app *at (const char *path, double x0) {
  cp_app *A = app(path);
  cp_app_setcursor(A, x0);
  cp_app_update(A, 1280, 800);
  return A;
}

/* 2, 12: corners, cusps and infinite factors are said, not drawn as smooth points */
static void corners (void) {
  const char *p;
  cp_app *A;
  cp_mark *h, *dh;
  p = writescript("absq.lua", "return {inner = function (x) return x^2 end,\n"
                  "  outer = function (u) return math.sqrt(u) end}\n");
  A = at(p, 0);
  CONTAINS(A->F.readout, "h'(x0) undefined (corner: h'(x0" MINUS ") = " MINUS "1, h'(x0+) = 1)",
           "sqrt(x^2) at 0");
  CONTAINS(A->F.readout, "" INF " " DOT " 0: the chain rule does not apply here", "the factors inf and 0");
  CHECK(strstr(A->F.readout, "nan") == NULL && strstr(A->F.readout, "inf") == NULL, "no nan or inf: %s", A->F.readout);
  h = &A->F.panels[2].marks[0];
  dh = &A->F.panels[3].marks[0];
  CHECK(!h->has_slope && h->undefined, "no tangent on h, the point is marked");
  CHECK(dh->undefined && dh->yl == -1 && dh->yr == 1 && isnan(dh->y),
        "h' is marked at its sides -1 and 1, no dot at 0 (%g %g %g)", dh->yl, dh->yr, dh->y);
  cp_app_free(A);

  p = writescript("cusp.lua", "return {inner = function (x) return x^2 end,\n"
                  "  outer = function (u) return u^(1/3) end}\n");
  A = at(p, 0);
  CONTAINS(A->F.readout, "h'(x0) undefined (cusp: h'(x0" MINUS ") = " MINUS "" INF ", "
           "h'(x0+) = " INF ")", "(x^2)^(1/3) at 0");
  CHECK(!A->F.panels[2].marks[0].has_slope, "no tangent at the cusp");
  cp_app_free(A);

  A = at(CP_SRCDIR "/plots/abs_branch.lua", 0);
  CONTAINS(A->F.readout, "corner: h'(x0" MINUS ") = " MINUS "1, h'(x0+) = 1)", "abs_branch at 0");
  /* the inner panel too: |x| has a corner at 0, so g gets no (half) tangent and g' is undefined */
  h = &A->F.panels[0].marks[0];
  CHECK(!h->has_slope && h->undefined, "no tangent on g at its corner, the point is marked");
  dh = &A->F.panels[3].marks[2];
  CHECK(dh->undefined && dh->yl == -1 && dh->yr == 1, "the factor g' is marked at its sides (%g %g)", dh->yl, dh->yr);
  CHECK(A->F.panels[1].marks[0].has_slope, "f = sin is smooth at u = 0: its tangent stays");
  CONTAINS(A->F.readout, "= 1 " DOT " undefined (no derivative here)", "du/dx is said to be undefined");
  CONTAINS(A->F.readout, "g'(x0) undefined (corner: g'(x0" MINUS ") = " MINUS "1, g'(x0+) = 1)", "and why");
  CHECK(strcmp(A->F.panels[0].title, "u = g(x) = |x|") == 0, "abs_branch's g label: %s", A->F.panels[0].title);
  CHECK(strcmp(A->F.panels[2].title, "h(x) = f(g(x)) = sin(|x|)") == 0, "h from the labels: %s", A->F.panels[2].title);
  cp_app_free(A);
  /* a corner in a link that h smooths out: h'(0) = 0, but the chain rule does not give it */
  p = writescript("abssq.lua", "return {inner = function (x) if x < 0 then return -x end return x end,\n"
                  "  outer = function (u) return u^2 end}\n");
  A = at(p, 0);
  CHECK(A->F.panels[2].marks[0].has_slope && !A->F.panels[2].marks[0].undefined, "h = x^2 keeps its tangent");
  CHECK(!A->F.panels[0].marks[0].has_slope && A->F.panels[0].marks[0].undefined, "g = |x| has none");
  CONTAINS(A->F.readout, "the chain rule does not apply here", "abssq: the rule does not apply");
  CONTAINS(A->F.readout, "h'(x0) = 0 from both sides", "abssq: h' from both sides");
  CONTAINS(A->F.readout, "g'(x0) undefined (corner", "abssq: g' has a corner");
  cp_app_free(A);

  /* smooth points stay smooth, also where h' is 0 */
  A = at(CP_SRCDIR "/plots/cubic.lua", 0);
  CHECK(strstr(A->F.readout, "undefined") == NULL && A->F.panels[2].marks[0].has_slope
        && !A->F.panels[3].marks[0].undefined, "cubic at 0 is smooth: %s", A->F.readout);
  cp_app_free(A);
  A = at(CP_SRCDIR "/plots/tan.lua", 1.2);
  CHECK(strstr(A->F.readout, "undefined") == NULL, "tan near a pole is smooth: %s", A->F.readout);
  cp_app_free(A);

  /* 12: words, never -nan */
  A = at(CP_SRCDIR "/plots/log_gap.lua", 0);
  CHECK(strstr(A->F.readout, "nan") == NULL, "log_gap at 0: %s", A->F.readout);
  CONTAINS(A->F.readout, "y = h(x0) = undefined", "log_gap at 0");
  CONTAINS(A->F.readout, "h is undefined at x0", "and why");
  cp_app_free(A);
  p = writescript("pole.lua", "return {inner = function (x) return x - 1 end,\n"
                  "  outer = function (u) return 1 / u end}\n");
  A = at(p, 1);
  CHECK(strstr(A->F.readout, "nan") == NULL && strstr(A->F.readout, "inf") == NULL, "1/(x-1) at 1: %s", A->F.readout);
  CONTAINS(A->F.readout, "y = h(x0) = " INF "", "h is infinite");
  CONTAINS(A->F.readout, "= " MINUS "" INF "", "h' is -inf, as the README says");
  cp_app_free(A);
}

/* 5, 13: the product with its numbers, y = h(x0), digits following the zoom, never cut off */
static void readout (void) {
  static const char chain4[] =
    "return {chain = {function (x) return math.sin(x) end, function (u) return 1 + u * u end,\n"
    "  function (v) return math.sqrt(v) end, function (w) return math.exp(w) end}, x = {-4, 4}}\n";
  const char *p;
  cp_app *A = at(CP_SRCDIR "/plots/cubic.lua", 1.5);
  int sizes[2][2] = {{1280, 800}, {640, 400}}, i, k;
  CONTAINS(A->F.readout, "dy/dx = dy/du " DOT " du/dx = 157.7 " DOT " 3 = 473.1", "the product with numbers");
  CONTAINS(A->F.readout, "y = h(x0) = 381.1", "y = h(x0)");
  cp_app_zoom(A, cp_px(&A->F.panels[2], 1.5), A->F.panels[2].plot.y + 10, 0.001, 1);
  cp_app_setcursor(A, 1.5 + 1e-4);
  cp_app_update(A, 1280, 800);
  CONTAINS(A->F.readout, "x = 1.5001   ", "more digits when zoomed in");
  CONTAINS(A->F.readout, "y = h(x0) = 381.12", "for every number");
  cp_app_free(A);
  p = writescript("chain4.lua", chain4);
  for (k = 0; k < 2; k++)
    for (i = 0; i < 2; i++) {
      int w = sizes[i][0], h = sizes[i][1], q;
      float bottom = 0;
      A = cp_app_new(0, 64u << 20, 20000000L);
      cp_app_open(A, k ? p : CP_SRCDIR "/plots/cubic.lua");
      cp_app_update(A, w, h);
      cp_app_update(A, w, h);
      for (q = 0; q < A->F.npanels; q++)
        if (A->F.panels[q].outer.y + A->F.panels[q].outer.h > bottom) bottom = A->F.panels[q].outer.y + A->F.panels[q].outer.h;
      CONTAINS(A->F.readout, k ? "du/dx = " : "du/dx = ", "the read-out has the product");
      CHECK(bottom <= A->F.footer.y && A->F.footer.y + cp_readout_height(&A->F, w) <= h,
            "%s at %dx%d: the read-out's %g px fit below the panels (%g..%d)", k ? "chain4" : "cubic",
            w, h, cp_readout_height(&A->F, w), A->F.footer.y, h);
      cp_app_free(A);
    }
}

/* 14: labels printed from the traced pieces; h labelled from them, never from a stale title */
static void labels (void) {
  const char *p = writescript("nolabels.lua", "return {title = 'h(x) = sin(x)',\n"
    "  inner = function (x, p) return p.a * x^2 + 5 end, outer = function (u) return u^3 end,\n"
    "  params = {a = {value = 1, min = 0, max = 2}}}\n");
  cp_app *A = app(p);
  CHECK(strcmp(A->F.panels[0].title, "u = g(x) = a*x^2 + 5") == 0, "inner from its trace: %s", A->F.panels[0].title);
  CHECK(strcmp(A->F.panels[1].title, "y = f(u) = u^3") == 0, "outer from its trace: %s", A->F.panels[1].title);
  CHECK(strcmp(A->F.panels[2].title, "h(x) = f(g(x)) = (a*x^2 + 5)^3") == 0, "h from the pieces: %s",
        A->F.panels[2].title);
  CHECK(strcmp(A->F.title, "h(x) = sin(x)") == 0, "the script's title stays the window's");
  cp_app_free(A);
  p = writescript("composite.lua", "return {inner = function (x) if x < 0 then return -x end return x end,\n"
    "  outer = function (u) return math.sin(u) end, labels = {composite = 'sin |x|'}}\n");
  A = app(p);
  CHECK(strcmp(A->F.panels[0].title, "u = g(x)") == 0, "a branching piece has no traced label: %s", A->F.panels[0].title);
  CHECK(strcmp(A->F.panels[1].title, "y = f(u) = sin(u)") == 0, "the other piece has: %s", A->F.panels[1].title);
  CHECK(strcmp(A->F.panels[2].title, "h(x) = f(g(x)) = sin |x|") == 0, "labels.composite says otherwise: %s",
        A->F.panels[2].title);
  cp_app_free(A);
  /* a branching composite without labels.composite: from the links' labels, substituted */
  p = writescript("sublabels.lua", "return {inner = function (x) if x < 0 then return -x end return x end,\n"
    "  outer = function (u) return u^3 + u end, labels = {inner = '1 - |x|'}}\n");
  A = app(p);
  CHECK(strcmp(A->F.panels[2].title, "h(x) = f(g(x)) = (1 - |x|)^3 + (1 - |x|)") == 0, "substituted: %s",
        A->F.panels[2].title);
  cp_app_free(A);
}

static int near (SDL_Surface *sf, float x, float y, cp_color c) {
  int dx, dy;
  for (dy = -2; dy <= 2; dy++)
    for (dx = -2; dx <= 2; dx++) {
      int px = (int)lroundf(x) + dx, py = (int)lroundf(y) + dy;
      Uint8 r, g, b;
      if (px < 0 || py < 0 || px >= sf->w || py >= sf->h) continue;
      SDL_GetRGB(((Uint32 *)sf->pixels)[py * (sf->pitch / 4) + px], sf->format, &r, &g, &b);
      if (abs(r - c.r) < 40 && abs(g - c.g) < 40 && abs(b - c.b) < 40) return 1;
    }
  return 0;
}

/* 13: the factors have their own y scale, drawn there; a y zoom moves it along */
static void factors (void) {
  cp_app *A = at(CP_SRCDIR "/plots/cubic.lua", 1.5);
  cp_panel *P = &A->F.panels[3], z;
  SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
  SDL_Renderer *r = SDL_CreateSoftwareRenderer(sf);
  cp_renderer *R = cp_renderer_new(r, NULL, 1);
  int k, hits = 0;
  double oz = 0;
  CHECK(P->axis2 && P->z0 < 75 && P->z1 > 588 && P->z1 - P->z0 < (P->y1 - P->y0) / 4,
        "the factors' own view %g..%g (h' %g..%g)", P->z0, P->z1, P->y0, P->y1);
  cp_render(R, &A->F);
  z = *P;
  z.y0 = P->z0;
  z.y1 = P->z1;
  for (k = 1; k < 20; k++) {  /* f'(g(x)) = 3(x^2 + 5)^2 where the factor axis puts it */
    double x = -3 + 6.0 * k / 20;
    hits += near(sf, cp_px(&z, x), cp_py(&z, 3 * pow(x * x + 5, 2)), P->curves[1].color);
  }
  CHECK(hits >= 17, "f'(g(x)) drawn on the factor axis (%d of 19)", hits);
  oz = P->z1 - P->z0;
  cp_app_zoom(A, P->plot.x + P->plot.w / 2, P->plot.y + P->plot.h / 2, 0.5, 2);
  CLOSE(P->z1 - P->z0, oz * 0.5, 1e-9, "a y zoom zooms the factor axis too");
  cp_renderer_free(R);
  SDL_DestroyRenderer(r);
  SDL_FreeSurface(sf);
  cp_app_free(A);
}

int main (void) {
  char tmpl[] = "/tmp/cpclassXXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  strcpy(dir, tmpl);
  keptwhole();
  follow();
  reloads();
  corners();
  readout();
  labels();
  factors();
  {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
  }
  IMG_Quit();
  SDL_Quit();
  cp_fonts_shutdown();
  return report();
}
