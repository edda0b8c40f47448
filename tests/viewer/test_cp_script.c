/* test_cp_script.c: plot scripts through the app: read-outs vs closed forms, series, validation, hostile scripts */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cp_check.h"
#include "cp_app.h"
#include "cp_script.h"
#include "cp_render.h"

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
  if (cp_app_open(A, path) != 0) printf("note: %s: %s\n", path, A->loaderr);
  cp_app_update(A, 1600, 1000);
  return A;
}

/* ---------- read-outs against closed forms ---------- */

static void cursor (cp_app *A, double x, double *v, int n) {
  int got = cp_script_cursor(A->S, &A->F, x, v, n);
  CHECK(got == n, "cursor gave %d values, expected %d (%s)", got, n, cp_script_error(A->S));
}

static void readouts (void) {
  double v[12];
  cp_app *A = app(CP_SRCDIR "/plots/cubic.lua");
  cursor(A, 1.5, v, 7);  /* x, u, y, du/dx, dy/du, h, h' */
  CLOSE(v[1], 7.25, 1e-15, "cubic u = x^2 + 5");
  CLOSE(v[3], 3, 1e-15, "cubic du/dx = 2x");
  CLOSE(v[4], 3 * 7.25 * 7.25, 1e-15, "cubic dy/du = 3u^2");
  CLOSE(v[5], 7.25 * 7.25 * 7.25, 1e-15, "cubic h");
  CLOSE(v[6], 6 * 1.5 * 7.25 * 7.25, 1e-15, "cubic h' = 6x(x^2+5)^2");
  CHECK(strcmp(A->F.readout, "x = 1.5   u = g(x) = 7.25   y = h(x0) = 381.1\n"
               "dy/dx = dy/du \xc2\xb7 du/dx = 157.7 \xc2\xb7 3 = 473.1") == 0, "cubic read-out: %s", A->F.readout);
  CHECK(A->F.npanels == 4 && A->F.panels[1].shade && !A->F.panels[1].isx, "cubic: 4 panels, u shaded");
  CHECK(A->F.panels[1].marks[0].has_slope && fabs(A->F.panels[1].marks[0].slope - 157.6875) < 1e-12,
        "outer tangent slope is f'(u0)");
  /* the shaded interval is g's range over the x view [-3, 3]: [5, 14] */
  CLOSE(A->F.panels[1].s0, 5, 1e-12, "shade from min g");
  CLOSE(A->F.panels[1].s1, 14, 1e-12, "shade to max g");
  cp_app_free(A);

  A = app(CP_SRCDIR "/plots/exp3x.lua");
  cursor(A, 0.5, v, 7);
  CLOSE(v[4], exp(1.5), 1e-15, "exp3x dy/du = e^u");
  CLOSE(v[6], 3 * exp(1.5), 1e-15, "exp3x h' = 3 e^(3x)");
  cursor(A, -1, v, 7);
  CLOSE(v[6], 3 * exp(-3), 1e-15, "exp3x h'(-1)");
  cp_app_free(A);

  A = app(CP_SRCDIR "/plots/sin_x2.lua");
  cursor(A, 1.2, v, 7);
  CLOSE(v[6], 2.4 * cos(1.44), 1e-14, "sin(x^2)' = 2x cos(x^2)");
  cp_app_free(A);

  A = app(CP_SRCDIR "/plots/neuron.lua");
  cursor(A, 1, v, 7);
  {
    double s = 1 / (1 + exp(-2.0));  /* w = 1.5, b = 0.5 */
    CLOSE(v[1], 2, 1e-15, "neuron u = w x + b");
    CLOSE(v[6], 1.5 * s * (1 - s), 1e-14, "neuron h' = w s(1 - s)");
  }
  CHECK(A->F.nsliders == 2 && strcmp(A->F.sliders[0].name, "w") == 0 && strcmp(A->F.sliders[1].name, "b") == 0,
        "neuron: sliders w and b, in the order the script lists them");
  cp_script_setparam(A->S, &A->F, 0, 2.0);  /* w = 2 */
  cursor(A, 1, v, 7);
  {
    double s = 1 / (1 + exp(-2.5));
    CLOSE(v[6], 2 * s * (1 - s), 1e-14, "neuron after the w slider");
  }
  cp_script_setparam(A->S, &A->F, 0, 99);
  CHECK(A->F.sliders[0].value == 4, "a slider value is clamped to max: %g", A->F.sliders[0].value);
  cp_app_free(A);

  A = app(CP_SRCDIR "/plots/tan.lua");
  cursor(A, 1, v, 7);
  CLOSE(v[6], 1 / (cos(1.0) * cos(1.0)), 1e-14, "tan' = sec^2");
  cp_app_free(A);

  A = app(CP_SRCDIR "/plots/log_gap.lua");
  cursor(A, 2, v, 7);
  CLOSE(v[6], 4.0 / 3, 1e-15, "log(x^2-1)' = 2x/(x^2-1)");
  cursor(A, 0.5, v, 7);
  CHECK(isnan(v[5]) && isnan(v[6]), "log(x^2-1) and its derivative are undefined at 0.5");
  cp_app_free(A);

  A = app(CP_SRCDIR "/plots/chain3.lua");
  cursor(A, 2, v, 9);  /* x, u, v, y, du/dx, dv/du, dy/dv, h, h' */
  {
    double s2 = sin(2.0), vv = 1 + s2 * s2;
    CLOSE(v[2], vv, 1e-15, "chain3 v");
    CLOSE(v[8], s2 * cos(2.0) / sqrt(vv), 1e-14, "chain3 h' = sin cos / sqrt(1 + sin^2)");
    CLOSE(v[4] * v[5] * v[6], v[8], 1e-14, "chain3: product of the factors is h'");
  }
  CHECK(A->F.npanels == 5, "three links: 5 panels (%d)", A->F.npanels);
  CONTAINS(A->F.readout, "dy/dx = dy/dv \xc2\xb7 dv/du \xc2\xb7 du/dx = ", "chain3 read-out");
  cp_app_free(A);

  /* four links with a parameter: every factor drawn, product of factors is h' */
  A = app(writescript("chain4.lua", "return {chain = {function (x, p) return p.a * x end,\n"
                      "  function (u) return math.sin(u) end, function (v) return v * v end,\n"
                      "  function (w) return math.exp(w) end}, params = {a = {value = 1.5, min = 0, max = 2}}}\n"));
  CHECK(A->F.npanels == 6 && A->F.panels[5].ncurves == 5, "four links: 6 panels, h' with 4 factors");
  cursor(A, 0.7, v, 11);  /* x, u, v, w, y, 4 factors, h, h' */
  {
    double u = 1.5 * 0.7, s = sin(u), y = exp(s * s);
    CLOSE(v[10], y * 2 * s * cos(u) * 1.5, 1e-14, "chain4 h'");
    CLOSE(v[5] * v[6] * v[7] * v[8], v[10], 1e-14, "chain4: the factors multiply to h'");
  }
  cp_app_free(A);

  A = app(CP_SRCDIR "/plots/single.lua");
  cursor(A, 1, v, 5);
  CLOSE(v[1], sin(1.0), 1e-15, "single f = x sin x");
  CLOSE(v[2], sin(1.0) + cos(1.0), 1e-15, "single f'");
  CLOSE(v[3], 2 * cos(1.0) - sin(1.0), 1e-14, "single f''");
  CHECK(A->F.npanels == 3, "f alone: 3 panels");
  cp_app_free(A);
}

/* ---------- sampled series of the shipped scripts ---------- */

static void series (void) {
  cp_app *A = app(CP_SRCDIR "/plots/tan.lua");
  int p, i, k, joined = 0, breaks = 0;
  for (p = 2; p <= 3; p++) {  /* h and h' */
    cp_series *s = &A->F.panels[p].curves[0].s;
    for (i = 0; i + 1 < s->n; i++) {
      if (isnan(s->y[i])) { breaks++; continue; }
      if (isnan(s->y[i + 1])) continue;
      for (k = -2; k <= 1; k++) {
        double pole = PI / 2 + k * PI;
        /* h' = sec^2 goes up on both sides: a join is allowed only wholly above the view */
        if (s->t[i] < pole && s->t[i + 1] > pole
            && (s->y[i] < A->F.panels[p].y1 || s->y[i + 1] < A->F.panels[p].y1)) {
          joined++;
          printf("join in panel %d at %g..%g: %g %g\n", p, s->t[i], s->t[i + 1], s->y[i], s->y[i + 1]);
        }
      }
    }
  }
  CHECK(joined == 0 && breaks >= 8, "tan.lua: %d joins across poles, %d pen lifts", joined, breaks);
  CHECK(A->F.panels[2].y1 - A->F.panels[2].y0 < 100, "tan.lua: h's y range stays modest (%g..%g)",
        A->F.panels[2].y0, A->F.panels[2].y1);
  cp_app_free(A);

  A = app(CP_SRCDIR "/plots/log_gap.lua");
  for (p = 2; p <= 3; p++) {
    cp_series *s = &A->F.panels[p].curves[0].s;
    int inside = 0, finite = 0;
    for (i = 0; i < s->n; i++)
      if (!isnan(s->y[i])) {
        finite++;
        if (fabs(s->t[i]) <= 1) inside++;
      }
    CHECK(finite > 500 && inside == 0, "log_gap panel %d: %d finite points, %d inside |x| <= 1",
          p, finite, inside);
  }
  cp_app_free(A);

  A = app(CP_SRCDIR "/plots/cubic.lua");
  {
    cp_series *s = &A->F.panels[2].curves[0].s;
    double worst = 0;
    for (i = 0; i < s->n; i++) {
      double x = s->t[i], e = fabs(s->y[i] - pow(x * x + 5, 3));
      if (e > worst) worst = e;
    }
    CHECK(s->n > 600 && worst < 1e-9, "cubic h series matches (x^2+5)^3 (%d points)", s->n);
    CHECK(A->F.panels[2].y0 < 125 && A->F.panels[2].y1 > 2744, "cubic h fits its y range");
  }
  cp_app_free(A);
}

/* ---------- compiled pieces against per-point duals ---------- */

static cp_app *app2 (const char *path, int compile) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  cp_script_setcompile(A->S, compile);
  if (cp_app_open(A, path) != 0) printf("note: %s: %s\n", path, A->loaderr);
  cp_app_update(A, 1600, 1000);
  return A;
}

/* the same doubles, bit for bit (NaN sign and payload included) */
static int samebits (const double *a, const double *b, int n) {
  return n == 0 || memcmp(a, b, (size_t)n * sizeof *a) == 0;
}

static void samecurves (cp_app *A, cp_app *B, const char *what) {
  int p, c, bad = 0, n = 0;
  CHECK(A->F.npanels == B->F.npanels, "%s: same panels", what);
  for (p = 0; p < A->F.npanels; p++)
    for (c = 0; c < A->F.panels[p].ncurves; c++) {
      cp_series *s = &A->F.panels[p].curves[c].s, *t = &B->F.panels[p].curves[c].s;
      n++;
      if (s->n != t->n || !samebits(s->t, t->t, s->n) || !samebits(s->y, t->y, s->n)) {
        bad++;
        printf("%s: panel %d curve %d differs (%d vs %d points)\n", what, p, c, s->n, t->n);
      }
    }
  CHECK(bad == 0 && n >= 3, "%s: %d curves sampled compiled equal the dual ones bit for bit", what, n);
  for (p = 0; p < A->F.npanels; p++)
    if (A->F.panels[p].shade)
      CHECK(A->F.panels[p].s0 == B->F.panels[p].s0 && A->F.panels[p].s1 == B->F.panels[p].s1,
            "%s: panel %d shades the same range", what, p);
}

static void samereadouts (cp_app *A, cp_app *B, double x0, double x1, const char *what) {
  int i, bad = 0;
  for (i = 0; i <= 40; i++) {
    double x = x0 + (x1 - x0) * i / 40, va[12], vb[12];
    int na = cp_script_cursor(A->S, &A->F, x, va, 12), nb = cp_script_cursor(B->S, &B->F, x, vb, 12);
    if (na != nb || na < 5 || !samebits(va, vb, na) || strcmp(A->F.readout, B->F.readout) != 0) {
      bad++;
      printf("%s at x = %g: \"%s\" vs \"%s\"\n", what, x, A->F.readout, B->F.readout);
    }
  }
  CHECK(bad == 0, "%s: read-outs at 41 points equal the dual path's bit for bit", what);
}

static void compiled (void) {
  static const char *const shipped[] = {"cubic", "exp3x", "sin_x2", "neuron", "tan", "log_gap",
                                        "chain3", "single", "abs_branch"};
  char path[600], what[80];
  cp_app *A, *B;
  size_t i;
  for (i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
    snprintf(path, sizeof path, "%s/plots/%s.lua", CP_SRCDIR, shipped[i]);
    A = app2(path, 1);
    B = app2(path, 0);
    snprintf(what, sizeof what, "%s.lua", shipped[i]);
    CHECK(strstr(A->F.paths, "duals") == NULL || strcmp(shipped[i], "abs_branch") == 0,
          "%s: every piece compiles: %s", what, A->F.paths);
    CONTAINS(B->F.paths, "duals (compiling is off)", what);
    samecurves(A, B, what);
    samereadouts(A, B, A->x0, A->x1, what);
    cp_app_free(A);
    cp_app_free(B);
  }
  /* a piece that branches falls back to duals, and still plots */
  A = app2(CP_SRCDIR "/plots/abs_branch.lua", 1);
  CONTAINS(A->F.paths, "inner: duals (", "abs_branch inner");
  CONTAINS(A->F.paths, "abs_branch.lua:6: the function branches on its input", "abs_branch reason");
  CONTAINS(A->F.paths, "outer: compiled (", "abs_branch outer");
  CHECK(A->F.error[0] == 0 && A->F.panels[2].curves[0].s.n > 500, "abs_branch plots: %s", A->F.error);
  {
    double v[7];
    cursor(A, -2, v, 7);
    CLOSE(v[1], 2, 0, "|x| at -2");
    CLOSE(v[3], -1, 0, "d|x|/dx at -2");
    CLOSE(v[6], -cos(2.0), 1e-15, "h' = -cos(2) at -2");
  }
  cp_app_free(A);

  /* sliders compile the pieces again with the new value: still equal to the duals */
  A = app2(CP_SRCDIR "/plots/neuron.lua", 1);
  B = app2(CP_SRCDIR "/plots/neuron.lua", 0);
  cp_app_slide(A, 1, A->F.sliders[1].track.x + 0.2f * A->F.sliders[1].track.w);
  cp_app_slide(B, 1, B->F.sliders[1].track.x + 0.2f * B->F.sliders[1].track.w);
  cp_app_update(A, 1600, 1000);
  cp_app_update(B, 1600, 1000);
  CHECK(A->F.sliders[1].value == B->F.sliders[1].value && A->F.sliders[1].value < 0,
        "neuron: the w slider moved to %g", A->F.sliders[1].value);
  CONTAINS(A->F.paths, "inner: compiled", "neuron after the slider");
  samecurves(A, B, "neuron after the slider");
  samereadouts(A, B, -6, 6, "neuron after the slider");
  cp_app_free(A);
  cp_app_free(B);

  /* the curves run in C: a piece too costly per point for duals within the budget is fine compiled */
  {
    const char *costly = writescript("costly.lua",
      "return {f = function (x) local s = 0 for i = 1, 4000 do s = s + 1 end return x * x + s end}\n");
    A = app2(costly, 1);
    B = app2(costly, 0);
    CHECK(A->F.error[0] == 0 && A->F.panels[0].curves[0].s.n > 500,
          "costly piece compiled: no error (%s)", A->F.error);
    CONTAINS(B->F.error, "script ran too long", "costly piece on duals");
    cp_app_free(A);
    cp_app_free(B);
  }
  /* tracing has its own small budget: a huge graph is never built; duals then hit the frame budget */
  {
    const char *huge = writescript("hugetrace.lua",
      "return {f = function (x) for i = 1, 1e8 do x = x + 1e-9 end return x end}\n");
    A = app2(huge, 1);
    CONTAINS(A->F.paths, "f: duals (too long to trace)", "huge trace");
    CONTAINS(A->F.error, "script ran too long", "huge trace on duals");
    cp_app_free(A);
  }
}

/* ---------- validation and hostile scripts ---------- */

static void expect_load_error (const char *name, const char *src, const char *msg) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  const char *path = writescript(name, src);
  int rc = cp_app_open(A, path);
  CHECK(rc != 0, "%s: loads with an error", name);
  CONTAINS(A->F.error, msg, name);
  cp_app_update(A, 800, 600);  /* no model: still no crash */
  cp_app_free(A);
}

static const char good[] = "return {inner = function (x) return x end, outer = function (u) return u end}\n";

static void validation (void) {
  expect_load_error("v1.lua", "return 5\n", "v1.lua: plot script must return a table (got number)");
  expect_load_error("v2.lua", "return {inner = function (x) return x end}\n",
                    "v2.lua: field 'outer' must be a function f(u) (got nil)");
  expect_load_error("v3.lua", "return {inner = 1, outer = function (u) return u end}\n",
                    "field 'inner' must be a function g(x) (got number)");
  expect_load_error("v4.lua", "return {inerr = function (x) return x end}\n", "unknown field 'inerr'");
  expect_load_error("v5.lua", "return {}\n", "plot script needs 'inner' and 'outer' functions, or 'chain'");
  expect_load_error("v6.lua", "return {f = math.sin, x = {1, 0}}\n",
                    "field 'x' must be {min, max} with min < max");
  expect_load_error("v7.lua", "return {f = math.sin, x = {0, 'a'}}\n", "field 'x[2]' must be a number (got string)");
  expect_load_error("v8.lua", "return {chain = {math.sin, 'x'}}\n", "field 'chain[2]' must be a function (got string)");
  expect_load_error("v9.lua", "return {chain = {math.sin}}\n", "field 'chain' must list 2 to 4 functions (got 1)");
  expect_load_error("v10.lua", "return {f = math.sin, params = {w = {value = 1, min = 0}}}\n",
                    "field 'params.w.max' must be a number (got nil)");
  expect_load_error("v11.lua", "return {f = math.sin, params = {w = {value = 9, min = 0, max = 1}}}\n",
                    "field 'params.w' needs min < max and min <= value <= max");
  expect_load_error("v12.lua", "return {f = math.sin, title = 3}\n", "field 'title' must be a string (got number)");
  expect_load_error("v13.lua", "return {f = math.sin, labels = {f = 1}}\n", "field 'labels.f' must be a string (got number)");
  expect_load_error("v14.lua", "return {f = math.sin, chain = {math.sin, math.cos}}\n",
                    "only one of 'inner'/'outer', 'chain' or 'f'");
}

static void hostile (void) {
  cp_app *A;
  const char *path;
  FILE *f;
  clock_t t0;
  expect_load_error("h1.lua", "return {inner = function (x) return x end,,}\n", "h1.lua:1:");
  expect_load_error("h2.lua", "local t = nil\nreturn t.x\n", "h2.lua:2: attempt to index a nil value");
  expect_load_error("h3.lua", "error('boom')\n", "h3.lua:1: boom");
  t0 = clock();
  expect_load_error("h4.lua", "while true do end\n", "script ran too long");
  CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 10, "an infinite loop is cut off quickly");
  /* the sandbox: no os, no io, no C modules, no bytecode */
  f = fopen("/tmp/cp_victim.txt", "w");
  fputs("keep me", f);
  fclose(f);
  expect_load_error("h5.lua", "os.remove('/tmp/cp_victim.txt')\nreturn {f = math.sin}\n",
                    "h5.lua:1: attempt to index a nil value (global 'os')");
  f = fopen("/tmp/cp_victim.txt", "r");
  CHECK(f != NULL, "os.remove in a script removed nothing");
  if (f) fclose(f);
  remove("/tmp/cp_victim.txt");
  expect_load_error("h6.lua", "local f = io.open('/etc/passwd')\n", "h6.lua:1: attempt to index a nil value (global 'io')");
  expect_load_error("h7.lua", "local lfs = require 'lfs'\n", "require 'lfs' is not allowed in the sandbox");
  expect_load_error("h8.lua", "local c = require 'chainrule.core'\n", "require 'chainrule.core' is not allowed");
  /* chainrule.plot renders files and runs programs; plotscript builds unsandboxed envs */
  expect_load_error("h8b.lua", "local p = require 'chainrule.plot'\np.render({f = math.sin}, {output = '/tmp/cp_pwned.png'})\n",
                    "require 'chainrule.plot' is not allowed in the sandbox");
  expect_load_error("h8c.lua", "local e = require('chainrule.plotscript').env(true)\ne.os.remove('/tmp/x')\n",
                    "require 'chainrule.plotscript' is not allowed in the sandbox");
  f = fopen("/tmp/cp_pwned.png", "r");
  CHECK(f == NULL, "a sandboxed script wrote no file through chainrule.plot");
  if (f) fclose(f);
  expect_load_error("h9.lua", "local f, e = load('\\27Lua\\84\\0')\nerror(e)\n", "attempt to load a binary chunk");
  expect_load_error("h10.lua", "local s = string.rep('x', 1 << 27)\n", "out of memory");
  expect_load_error("h11.lua", "local t = {}\nfor i = 1, 1e9 do t[i] = {i} end\n", "");
  expect_load_error("h12.lua", "return setmetatable({}, {__index = function () error('meta') end})\n", "meta");
  expect_load_error("h13.lua", "local cr = require 'chainrule'\ncr.derivative = nil\n",
                    "h13.lua:2: chainrule is read-only in the sandbox (assigning 'derivative')");
  expect_load_error("h14.lua", "chainrule.math.sin = print\n", "h14.lua:1: chainrule is read-only");
  /* a script that was allowed to require chainrule works */
  A = cp_app_new(0, 64u << 20, 20000000L);
  path = writescript("ok.lua", "local cr = require 'chainrule'\nlocal m = cr.math\n"
                     "local n = 0\nfor k, v in pairs(cr) do n = n + 1 end\nassert(n > 5)\n"
                     "assert(require('chainrule.math') == m)\n"
                     "return {f = function (x) return m.sinh(x) + cr.value(cr.dual(x, 1)) end}\n");
  CHECK(cp_app_open(A, path) == 0, "require 'chainrule' is allowed (%s)", A->F.error);
  cp_app_free(A);

  /* errors while drawing: the last good plot stays, the error names file and line */
  A = cp_app_new(0, 64u << 20, 20000000L);
  path = writescript("r1.lua", "return {inner = function (x) return x end,\n"
                     "  outer = function (u) if u > 2 then error('too big') end return u end}\n");
  CHECK(cp_app_open(A, path) == 0, "r1 loads");
  cp_app_update(A, 1000, 700);
  CONTAINS(A->F.error, "r1.lua:2: too big", "runtime error in a piece");
  cp_app_free(A);

  A = cp_app_new(0, 64u << 20, 20000000L);
  path = writescript("r2.lua", "return {inner = function (x) return 'x' end, outer = function (u) return u end}\n");
  cp_app_open(A, path);
  cp_app_update(A, 1000, 700);
  CONTAINS(A->F.error, "r2.lua: inner returned a string, expected a number", "wrong type from a piece");
  cp_app_free(A);

  A = cp_app_new(0, 64u << 20, 20000000L);
  path = writescript("r3.lua", "return {inner = function (x) while true do end end, outer = function (u) return u end}\n");
  cp_app_open(A, path);
  t0 = clock();
  cp_app_update(A, 1000, 700);
  CONTAINS(A->F.error, "script ran too long", "infinite loop in a piece");
  CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 10, "the frame ends despite the loop");
  t0 = clock();
  cp_app_setcursor(A, 0.5);  /* hovering does not run the runaway script again */
  cp_app_update(A, 1000, 700);
  cp_app_update(A, 1000, 700);
  CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 0.05, "hovering after a runaway script is instant");
  CONTAINS(A->F.error, "script ran too long", "the error stays shown");
  cp_app_free(A);

  /* keep the last good plot on a bad reload, then pick up the fix */
  A = cp_app_new(0, 64u << 20, 20000000L);
  path = writescript("live.lua", good);
  CHECK(cp_app_open(A, path) == 0, "live.lua loads");
  cp_app_update(A, 1000, 700);
  {
    int n = A->F.panels[2].curves[0].s.n;
    struct timespec ts[2];
    writescript("live.lua", "return {inner = function (x) return x end,\n  outer = oops +}\n");
    ts[0].tv_sec = ts[1].tv_sec = time(NULL) + 5;
    ts[0].tv_nsec = ts[1].tv_nsec = 0;
    utimensat(AT_FDCWD, path, ts, 0);
    CHECK(cp_app_poll(A) == 1, "a change on disk is noticed");
    cp_app_update(A, 1000, 700);
    CONTAINS(A->F.error, "live.lua:2:", "the reload error names file and line");
    CHECK(A->F.npanels == 4 && A->F.panels[2].curves[0].s.n == n, "the last good plot is kept");
    writescript("live.lua", "return {title = 'fixed', f = function (x) return x * x end}\n");
    ts[0].tv_sec = ts[1].tv_sec = time(NULL) + 10;
    CHECK(utimensat(AT_FDCWD, path, ts, 0) == 0, "utimensat");
    CHECK(cp_app_poll(A) == 1, "the fix is noticed (%d)", errno);
    cp_app_update(A, 1000, 700);
    CHECK(A->F.error[0] == 0 && strcmp(A->F.title, "fixed") == 0 && A->F.npanels == 3,
          "the fixed script replaces the plot (%s)", A->F.error);
  }
  cp_app_free(A);
}

/* ---------- view actions ---------- */

static void actions (void) {
  cp_app *A = app(CP_SRCDIR "/plots/cubic.lua");
  cp_panel *P = &A->F.panels[0];
  float mx = P->plot.x + P->plot.w / 2, my = P->plot.y + P->plot.h / 2;
  double w0 = A->x1 - A->x0, at = cp_tx(P, mx);
  cp_app_zoom(A, mx, my, 0.5, 1);
  CLOSE(A->x1 - A->x0, w0 * 0.5, 1e-12, "wheel zoom halves the x range");
  CLOSE(cp_tx(P, mx), at, 1e-9, "zoom keeps the point under the mouse");
  cp_app_update(A, 1600, 1000);
  CHECK(A->F.panels[2].t0 == A->x0 && A->F.panels[3].t1 == A->x1, "x panels share the view");
  cp_app_pan(A, 0, P->plot.w / 4, 0);
  cp_app_update(A, 1600, 1000);
  CLOSE(A->x0, -1.5 - 0.75, 1e-9, "drag pans the shared x view");
  cp_app_reset(A);
  CHECK(A->x0 == -3 && A->x1 == 3, "r resets to the script's x view");
  cp_app_update(A, 1600, 1000);
  cp_app_hover(A, cp_px(&A->F.panels[2], 1.0), A->F.panels[2].plot.y + 5);
  CLOSE(A->cx, 1.0, 1e-2, "hover sets x0");
  A->F.panels[3].auto_y = 0;
  cp_app_fity(A);
  CHECK(A->F.panels[3].auto_y == 1, "a fits y again");
  CHECK(cp_app_step(A, 1) == 0 && strstr(A->path, "exp3x.lua") != NULL, "n opens the next script: %s", A->path);
  CHECK(cp_app_step(A, -1) == 0 && strstr(A->path, "cubic.lua") != NULL, "p goes back: %s", A->path);
  cp_app_free(A);
}

int main (void) {
  char tmpl[] = "/tmp/cptestXXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  strcpy(dir, tmpl);
  readouts();
  series();
  validation();
  hostile();
  actions();
  compiled();
  {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
  }
  return report();
}
