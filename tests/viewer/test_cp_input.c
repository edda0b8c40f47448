/* test_cp_input.c: sliders (17), hover and pin (19) and snapping (20), driven by SDL events */
#include <stdlib.h>
#include <unistd.h>

#include "SDL.h"
#include "cp_check.h"
#include "cp_app.h"
#include "cp_input.h"
#include "cp_render.h"

/* fontconfig keeps its configuration cache for the life of the process: not our leak */
const char *__lsan_default_suppressions (void);
const char *__lsan_default_suppressions (void) {
  return "leak:libfontconfig.so\n";
}

static const double PI = 3.14159265358979323846;
static char dir[256];

static const char *writescript (const char *name, const char *src) {
  static char path[512];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  fputs(src, f);
  fclose(f);
  return path;
}

static cp_app *app (const char *path) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  if (cp_app_open(A, path) != 0) printf("note: %s: %s\n", path, A->F.error);
  cp_app_update(A, 1280, 800);
  return A;
}

static int send (cp_app *A, SDL_Event *e) {
  int used = cp_input_event(A, e, 1);
  cp_app_update(A, 1280, 800);
  return used;
}

static int text (cp_app *A, const char *s) {
  SDL_Event e;
  memset(&e, 0, sizeof e);
  e.type = SDL_TEXTINPUT;
  snprintf(e.text.text, sizeof e.text.text, "%s", s);
  return send(A, &e);
}

static int key (cp_app *A, SDL_Keycode k) {
  SDL_Event e;
  memset(&e, 0, sizeof e);
  e.type = SDL_KEYDOWN;
  e.key.keysym.sym = k;
  return send(A, &e);
}

static int click (cp_app *A, float x, float y) {
  SDL_Event e;
  memset(&e, 0, sizeof e);
  e.type = SDL_MOUSEBUTTONDOWN;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.x = (int)x;
  e.button.y = (int)y;
  return send(A, &e);
}

static void expect_load_error (const char *name, const char *src, const char *msg) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  CHECK(cp_app_open(A, writescript(name, src)) != 0, "%s loads with an error", name);
  CONTAINS(A->F.error, msg, name);
  cp_app_free(A);
}

/* 17: the order written, min and max shown, steps, typed values, r */
static void sliders (void) {
  cp_app *A = app(CP_SRCDIR "/plots/neuron.lua");
  cp_slider *w = &A->F.sliders[0], *b = &A->F.sliders[1];
  char buf[64];
  cp_rect vb;
  CHECK(A->F.nsliders == 2 && strcmp(w->name, "w") == 0 && strcmp(b->name, "b") == 0, "w, then b, as listed");
  CHECK(w->min == -4 && w->max == 4 && w->step == 0.1 && w->initial == 1.5, "w's range, step and value");
  cp_slidernum(w, w->min, buf, sizeof buf);
  CHECK(strcmp(buf, "-4.0") == 0, "min on the step's decimals: %s", buf);
  cp_app_setparam(A, 0, 1.234);
  cp_app_update(A, 1280, 800);
  CLOSE(w->value, 1.2, 1e-12, "a value snaps to the steps");
  cp_slidernum(w, w->value, buf, sizeof buf);
  CHECK(strcmp(buf, "1.2") == 0, "shown as 1.2: %s", buf);
  /* a click on b's value, then typing */
  vb = b->valuebox;
  CHECK(vb.x > b->track.x + b->track.w && vb.w > 30, "b's value box is right of its track");
  CHECK(click(A, vb.x + vb.w / 2, vb.y + vb.h / 2) && A->F.editing == 2, "a click on the value types into it");
  CHECK(text(A, "-1.5q") && strcmp(A->F.edit, "-1.5") == 0, "only a number's characters are taken: %s", A->F.edit);
  CHECK(key(A, SDLK_q) && A->F.editing == 2, "q while typing does not act (or quit)");
  key(A, SDLK_RETURN);
  CHECK(A->F.editing == 0 && b->value == -1.5, "Enter sets b = -1.5: %g", b->value);
  CONTAINS(A->F.readout, "u = g(x) = 2.1", "the read-out follows: 1.2 * 3 - 1.5");
  /* a bad number says so and typing goes on; Esc gives up */
  key(A, SDLK_TAB);
  CHECK(A->F.editing == 1, "Tab types into the first slider");
  text(A, "1e");
  key(A, SDLK_RETURN);
  CHECK(A->F.editing == 1 && A->F.statuserr, "'1e' is refused");
  CONTAINS(A->F.status, "'1e' is not a number", "and said");
  key(A, SDLK_BACKSPACE);
  key(A, SDLK_BACKSPACE);
  text(A, "9");
  key(A, SDLK_RETURN);
  CHECK(w->value == 4, "a typed value is clamped to max: %g", w->value);
  key(A, SDLK_TAB);
  text(A, "0");
  key(A, SDLK_ESCAPE);
  CHECK(A->F.editing == 0 && w->value == 4, "Esc cancels the typing");
  /* r: the sliders back to the script's values (the view too) */
  CHECK(!key(A, SDLK_r), "r goes on to reset the view");
  CHECK(w->value == 1.5 && b->value == 0.5, "r resets w and b: %g %g", w->value, b->value);
  cp_app_free(A);
  /* the list form and step are checked */
  expect_load_error("p1.lua", "return {f = math.sin, params = {{value = 1, min = 0, max = 2}}}\n",
                    "field 'params[1].name' must be a string (got nil)");
  expect_load_error("p2.lua", "return {f = math.sin, params = {a = {value = 1, min = 0, max = 2, step = -1}}}\n",
                    "field 'params.a.step' must be a number > 0 and at most max - min (got -1)");
  expect_load_error("p3.lua", "return {f = math.sin, params = {{name = 'a', value = 1, min = 0, max = 2},"
                    " {name = 'a', value = 1, min = 0, max = 2}}}\n",
                    "field 'params[2]' repeats the parameter name 'a'");
  A = app(writescript("p4.lua", "return {f = function (x, p) return p.z * x + p.a end,\n"
                      "  params = {{name = 'z', value = 1, min = 0, max = 2}, {name = 'a', value = 0, min = -1, max = 1}}}\n"));
  CHECK(A->F.nsliders == 2 && strcmp(A->F.sliders[0].name, "z") == 0, "z before a, as written (not sorted)");
  cp_app_free(A);
}

static int darkpixels (SDL_Surface *sf, int x0, int y0, int w, int h) {
  int x, y, n = 0;
  for (y = y0; y < y0 + h && y < sf->h; y++)
    for (x = x0; x < x0 + w && x < sf->w; x++) {
      Uint8 r, g, b;
      SDL_GetRGB(((Uint32 *)sf->pixels)[y * (sf->pitch / 4) + x], sf->format, &r, &g, &b);
      n += r < 80 && g < 80 && b < 80;
    }
  return n;
}

/* 19: the mouse's coordinates in every panel, a click pins, x then a number sets x0 */
static void hoverpin (void) {
  cp_app *A = app(CP_SRCDIR "/plots/cubic.lua");
  cp_panel *U = &A->F.panels[1], *H = &A->F.panels[2];
  SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
  SDL_Renderer *r = SDL_CreateSoftwareRenderer(sf);
  cp_renderer *R = cp_renderer_new(r, NULL, 1);
  float mx = U->plot.x + U->plot.w * 0.3f, my = U->plot.y + U->plot.h * 0.5f;
  double cx = A->cx, x1;
  int before, after;
  A->snap = 0;
  cp_render(R, &A->F);
  before = darkpixels(sf, (int)mx + 16, (int)my + 16, 120, 16);
  cp_app_hover(A, mx, my);
  cp_app_update(A, 1280, 800);
  CHECK(A->F.hover == 2 && A->cx == cx, "over the u panel: its coordinates, the cursor stays (%d)", A->F.hover);
  cp_render(R, &A->F);
  after = darkpixels(sf, (int)mx + 16, (int)my + 16, 120, 16);
  CHECK(after > before + 40, "the coordinates are written beside the mouse (%d dark pixels, %d before)", after, before);
  /* a click pins the cursor: moving on does not move it; another click lets it follow */
  cp_app_click(A, cp_px(H, 1.0), H->plot.y + 50);
  x1 = A->cx;
  CLOSE(x1, 1.0, 0.01, "the click put x0 at 1");
  CHECK(A->pinned, "and pinned it");
  cp_app_hover(A, cp_px(H, -2.0), H->plot.y + 50);
  CHECK(A->cx == x1, "hovering leaves a pinned cursor");
  cp_app_click(A, cp_px(H, -2.0), H->plot.y + 50);
  CHECK(!A->pinned, "a second click unpins");
  cp_app_hover(A, cp_px(H, -1.0), H->plot.y + 50);
  CLOSE(A->cx, -1.0, 0.01, "and the cursor follows again");
  /* x, then a number: x0 exactly */
  CHECK(text(A, "x") && A->F.editing == -1, "x starts typing x0");
  text(A, "1.25");
  key(A, SDLK_RETURN);
  CHECK(A->cx == 1.25 && A->pinned, "x0 = 1.25 exactly, pinned: %.17g", A->cx);
  CONTAINS(A->F.readout, "x = 1.25 ", "the read-out at 1.25");
  text(A, "x");
  text(A, "40");
  key(A, SDLK_KP_ENTER);
  CHECK(A->cx == 40 && A->x0 < 40 && A->x1 > 40, "x0 = 40 outside the view: the view follows (%g..%g)", A->x0, A->x1);
  cp_renderer_free(R);
  SDL_DestroyRenderer(r);
  SDL_FreeSurface(sf);
  cp_app_free(A);
}

/* hovers over panel p at x (data units) + dpx pixels */
static void hoverat (cp_app *A, int p, double x, float dpx) {
  cp_panel *P = &A->F.panels[p];
  cp_app_hover(A, cp_px(P, x) + dpx, P->plot.y + P->plot.h / 2);
  cp_app_update(A, 1280, 800);
}

/* 20: near a zero or an extremum of h or h' the cursor snaps to it, and the footer says which */
static void snapping (void) {
  cp_app *A = app(CP_SRCDIR "/plots/sin_x2.lua");
  double z = sqrt(PI), hpp;
  hoverat(A, 2, z, -4);
  CHECK(fabs(A->cx - z) < 1e-12 && fabs(sin(A->cx * A->cx)) < 1e-14, "sqrt(pi) - 4 px snaps to the zero %.17g", A->cx);
  CONTAINS(A->F.readout, "snapped to a zero of h", "the footer says so");
  hoverat(A, 3, sqrt(PI / 2), -6);  /* h' = 2x cos(x^2) is 0 where h = sin(x^2) peaks */
  CHECK(fabs(A->cx - sqrt(PI / 2)) < 1e-12, "a zero of h': %.17g", A->cx);
  CONTAINS(A->F.readout, "snapped to a zero of h' (h is flat there)", "an extremum of h");
  /* h' peaks where h'' = 2 cos(x^2) - 4 x^2 sin(x^2) = 0, about 0.8 */
  hoverat(A, 3, 0.80, 4);
  hpp = 2 * cos(A->cx * A->cx) - 4 * A->cx * A->cx * sin(A->cx * A->cx);
  CHECK(fabs(hpp) < 1e-6, "an extremum of h' at %.12g (h'' = %g)", A->cx, hpp);
  CONTAINS(A->F.readout, "snapped to an extremum of h' (an inflection of h)", "said");
  hoverat(A, 2, 1.03, 0);  /* nothing near: no snap */
  CLOSE(A->cx, 1.03, 1e-2, "no snap far from zeros and extrema");
  CHECK(strstr(A->F.readout, "snapped") == NULL, "and nothing said: %s", A->F.readout);
  A->snap = 0;
  hoverat(A, 2, z, -4);
  CHECK(fabs(A->cx - z) > 1e-4, "snapping can be turned off");
  cp_app_free(A);
  /* a sign change across a pole is no zero */
  A = app(CP_SRCDIR "/plots/tan.lua");
  hoverat(A, 2, PI / 2, 3);
  CHECK(strstr(A->F.readout, "snapped to a zero of h\n") == NULL && fabs(A->cx - PI / 2) > 1e-9,
        "tan at its pole does not snap to a zero: %.17g", A->cx);
  cp_app_free(A);
}

int main (void) {
  char tmpl[] = "/tmp/cpinputXXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  strcpy(dir, tmpl);
  if (SDL_Init(0) != 0) return 1;
  sliders();
  hoverpin();
  snapping();
  SDL_Quit();
  cp_fonts_shutdown();
  {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("note: %s stays\n", dir);
  }
  return report();
}
