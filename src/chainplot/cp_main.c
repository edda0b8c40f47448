/* cp_main.c: chainplot's command line and event loop; SDL events become cp_app actions */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "SDL.h"
#include "SDL_image.h"

#include "cp_app.h"
#include "cp_fview.h"
#include "cp_gapp.h"
#include "cp_render.h"
#include "cp_window.h"

typedef struct Opts {
  const char *script, *output, *font, *shotdir;
  int w, h, trust, bench, nocursor, duals, verbose;
  int split, chain;       /* for a formula: the split depth (0: default) or every link */
  int step, hasstep;      /* --step N|all (-1): backward steps shown by a graph script */
  double x0, scale;
  int hasx0;
  size_t memory;
  long budget;
} Opts;

static const char usage[] =
  "usage: chainplot [options] script.lua\n"
  "       chainplot [options] FORMULA      e.g. chainplot '(x^2 + 5)^3'\n"
  "\n"
  "Shows a composition h = f(g(x)), its pieces and h'(x) = f'(g(x)) * g'(x) in linked panels.\n"
  "An argument that is no file but a formula in x is split into outer and inner by cr.split.\n"
  "\n"
  "options:\n"
  "  --output FILE    render off-screen to a PNG instead of opening a window\n"
  "  --size WxH       output or window size in pixels (default 1600x1000, window 1280x800)\n"
  "  --split N        for a formula: split N links deep (default 1; keys [ and ] too)\n"
  "  --chain          for a formula: one panel per link (up to 4, the innermost merged)\n"
  "  --x0 X           cursor position (default: three quarters across the x view);\n"
  "                   --x0 none hides the cursor\n"
  "  --scale S        size of text and lines relative to 1 (default 1; keys + and - too)\n"
  "  --font SPEC      a font file or fontconfig pattern (default: DejaVu Sans)\n"
  "  --trust          run the script without the sandbox (io, os, C modules allowed)\n"
  "  --duals          evaluate every piece per point with dual numbers (no compiling)\n"
  "  --verbose        say which path (compiled or duals) each piece takes;\n"
  "                   for a graph script, where its boxes and sliders are\n"
  "  --memory MB      memory limit of the script (default 256)\n"
  "  --budget M       instruction budget per frame in millions (default 50)\n"
  "  --shot-dir DIR   where the s key saves screenshots (default: current directory)\n"
  "  --step N|all     a graph script: show it after N backward steps (or the whole pass)\n"
  "  --bench N        render N frames off-screen (resampling each), print timings\n"
  "  --help           this text\n"
  "\n"
  "keys and mouse in the window:\n"
  "  mouse move, left/right arrows   move the linked cursor x0 (shift: bigger steps)\n"
  "  wheel                           zoom at the mouse; shift: x only, ctrl: y only\n"
  "  drag                            pan the panel under the mouse\n"
  "  shift + drag                    zoom to a box\n"
  "  drag a slider                   change a parameter\n"
  "  r  reset the view      a  fit y to the visible curves\n"
  "  s  save a PNG screenshot and print its path\n"
  "  n / p  next / previous script in the same folder\n"
  "  e  type a formula (Enter applies, Esc cancels, up/down: history)\n"
  "  [ / ]  move the split of a formula deeper / shallower\n"
  "  w  write the formula view as a plot script (next to the screenshots)\n"
  "  + / -  larger / smaller text (ctrl+0: back to --scale)\n"
  "  h / ?  help overlay (Esc closes it)    q / Esc  quit\n"
  "  a graph script (graph = function (v) ... end): space / right  one backward step,\n"
  "    left  back, b  the whole pass, 0  step 0, click an input  its paths to L\n"
  "\n"
  "The script is reloaded when its file changes; errors are shown in the window.\n"
  "Without a display chainplot renders to a PNG and prints its path.\n";

/* no existing file, and not named like one: the argument is a formula */
static int isformula (const char *arg) {
  FILE *f = fopen(arg, "rb");
  size_t n = strlen(arg);
  if (f) {
    fclose(f);
    return 0;
  }
  return !(n > 4 && strcmp(arg + n - 4, ".lua") == 0);
}

static int die (const char *msg, const char *arg) {
  fprintf(stderr, "chainplot: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  return 2;
}

static int parse (int argc, char **argv, Opts *o) {
  int i;
  memset(o, 0, sizeof *o);
  o->memory = 256;
  o->budget = 50;
  o->scale = 1;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    char *end;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      exit(0);
    } else if (strcmp(a, "--trust") == 0) o->trust = 1;
    else if (strcmp(a, "--duals") == 0) o->duals = 1;
    else if (strcmp(a, "--verbose") == 0) o->verbose = 1;
    else if (strcmp(a, "--chain") == 0) o->chain = 1;
    else if (a[0] == '-' && a[1] == '-' && !v) return die("option needs a value", a);
    else if (strcmp(a, "--output") == 0) o->output = argv[++i];
    else if (strcmp(a, "--font") == 0) o->font = argv[++i];
    else if (strcmp(a, "--shot-dir") == 0) o->shotdir = argv[++i];
    else if (strcmp(a, "--size") == 0) {
      if (sscanf(v, "%dx%d", &o->w, &o->h) != 2 || o->w < 64 || o->h < 64 || o->w > 16384
          || o->h > 16384)
        return die("--size wants WxH, each 64 to 16384", v);
      i++;
    } else if (strcmp(a, "--x0") == 0) {
      if (strcmp(v, "none") == 0) o->nocursor = 1;
      else {
        o->x0 = strtod(v, &end);
        if (*end || end == v || !isfinite(o->x0)) return die("--x0 wants a number or none", v);
        o->hasx0 = 1;
      }
      i++;
    } else if (strcmp(a, "--scale") == 0) {
      o->scale = strtod(v, &end);
      if (*end || !(o->scale >= 0.25 && o->scale <= 8)) return die("--scale wants 0.25 to 8", v);
      i++;
    } else if (strcmp(a, "--memory") == 0) {
      long m = strtol(v, &end, 10);
      if (*end || m < 8 || m > 65536) return die("--memory wants megabytes, 8 to 65536", v);
      o->memory = (size_t)m;
      i++;
    } else if (strcmp(a, "--budget") == 0) {
      long m = strtol(v, &end, 10);
      if (*end || m < 1 || m > 100000) return die("--budget wants millions, 1 to 100000", v);
      o->budget = m;
      i++;
    } else if (strcmp(a, "--split") == 0) {
      long m = strtol(v, &end, 10);
      if (*end || end == v || m < 1 || m > 1000) return die("--split wants a depth, 1 or more", v);
      o->split = (int)m;
      i++;
    } else if (strcmp(a, "--step") == 0) {
      long n = strcmp(v, "all") == 0 ? -1 : strtol(v, &end, 10);
      if (n != -1 && (*end || end == v || n < 0 || n > 1000000))
        return die("--step wants a count of backward steps or all", v);
      o->step = (int)n;
      o->hasstep = 1;
      i++;
    } else if (strcmp(a, "--bench") == 0) {
      o->bench = atoi(v);
      if (o->bench < 1) return die("--bench wants a positive count", v);
      i++;
    } else if (a[0] == '-' && a[1]) return die("unknown option (try --help)", a);
    else if (o->script) return die("only one script, got another", a);
    else o->script = a;
  }
  if (!o->script) {
    fputs(usage, stderr);
    return 2;
  }
  if (o->split && o->chain) return die("--split and --chain do not go together", NULL);
  if ((o->split || o->chain) && !isformula(o->script))
    return die("--split and --chain are for formulas, not scripts", o->script);
  return 0;
}

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void sortd (double *v, int n) {
  int i, j;
  for (i = 1; i < n; i++)
    for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
      double t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
}

/* peak resident memory in kB (Linux), or -1 */
static long peakrss (void) {
  char line[256];
  long kb = -1;
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmHWM:", 6) == 0) kb = strtol(line + 6, NULL, 10);
  fclose(f);
  return kb;
}

static void basename_noext (const char *path, char *out, size_t n) {
  const char *b = strrchr(path, '/');
  char *dot;
  snprintf(out, n, "%s", b ? b + 1 : path);
  if ((dot = strrchr(out, '.')) != NULL) *dot = 0;
}

static cp_app *start (const Opts *o, double t0) {
  cp_app *A = cp_app_new(o->trust, o->memory << 20, o->budget * 1000000L);
  if (!A) {
    fprintf(stderr, "chainplot: cannot start Lua (out of memory)\n");
    return NULL;
  }
  cp_script_setcompile(A->S, !o->duals);
  A->verbose = o->verbose;
  if (isformula(o->script)) {
    if (cp_app_formula(A, o->script, o->split, o->chain) != 0) {
      if (strchr(o->script, '/'))  /* most likely a mistyped path */
        fprintf(stderr, "chainplot: %s: the file does not exist (read as a formula: %s)\n",
                o->script, A->ferr);
      else fprintf(stderr, "chainplot: %s\n", A->ferr);
      cp_app_free(A);
      return NULL;
    }
  } else if (cp_app_open(A, o->script) != 0) fprintf(stderr, "chainplot: %s\n", A->loaderr);
  if (o->hasx0) cp_app_setcursor(A, o->x0);
  A->cursor = !o->nocursor;
  if (o->hasstep && cp_script_loaded(A->S) && cp_gapp_setsteps(A, o->step) != 0)
    fprintf(stderr, "chainplot: --step applies to graph scripts only (graph = function (v) ... end); ignored\n");
  (void)t0;
  return A;
}

static int export (const Opts *o, const char *png, double t0) {
  char err[512];
  int w = o->w ? o->w : 1600, h = o->h ? o->h : 1000, rc = 0;
  cp_app *A = start(o, t0);
  if (!A) return isformula(o->script) ? 2 : 1;
  if (o->bench) {
    double *ft = malloc(sizeof(double) * (size_t)o->bench), first = 0;
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    cp_renderer *R = r ? cp_renderer_new(r, o->font, (float)o->scale) : NULL;
    int i;
    double median;
    if (!ft || !R) return die("bench setup failed", SDL_GetError());
    for (i = 0; i < o->bench; i++) {
      double s = now();
      A->dirty = 1;
      A->F.scale = (float)o->scale;
      cp_app_update(A, w, h);
      cp_render(R, &A->F);
      SDL_RenderPresent(r);
      ft[i] = now() - s;
      if (i == 0) first = now() - t0;
    }
    sortd(ft, o->bench);
    median = ft[o->bench / 2];
    for (i = 0; i < o->bench; i++) {  /* cursor moves only: drawing without resampling */
      double s = now();
      cp_app_setcursor(A, A->x0 + (A->x1 - A->x0) * (i + 1) / (o->bench + 2));
      cp_app_update(A, w, h);
      cp_render(R, &A->F);
      SDL_RenderPresent(r);
      ft[i] = now() - s;
    }
    sortd(ft, o->bench);
    printf("frames %d  median_ms %.2f  cursor_only_ms %.2f  first_frame_ms %.1f  "
           "samples %lld  peak_rss_kb %ld\n",
           o->bench, median * 1e3, ft[o->bench / 2] * 1e3, first * 1e3, A->samples, peakrss());
    cp_renderer_free(R);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
    free(ft);
  }
  if (png) {
    if (cp_app_export(A, o->font, w, h, (float)o->scale, png, err, sizeof err) != 0) {
      fprintf(stderr, "chainplot: %s\n", err);
      rc = 1;
    } else if (A->F.error[0]) {
      /* a load error was said by start already: each error once */
      if (strcmp(A->F.error, A->loaderr) != 0) fprintf(stderr, "chainplot: %s\n", A->F.error);
      rc = 1;
    }
  }
  cp_app_free(A);
  return rc;
}

static int window (const Opts *o, double t0) {
  cp_winopts wo;
  cp_app *A = start(o, t0);
  int rc;
  if (!A) return isformula(o->script) ? 2 : 1;
  memset(&wo, 0, sizeof wo);
  wo.font = o->font;
  wo.shotdir = o->shotdir;
  wo.w = o->w;
  wo.h = o->h;
  wo.scale = (float)o->scale;
  rc = cp_window_run(A, &wo);
  cp_app_free(A);
  return rc;
}

int main (int argc, char **argv) {
  Opts o;
  double t0 = now();
  int rc = parse(argc, argv, &o);
  const char *disp = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
  if (rc) return rc;
  if (o.output || o.bench) {
    rc = export(&o, o.output, t0);
  } else if ((!disp || !*disp) && (!wl || !*wl) && !getenv("SDL_VIDEODRIVER")) {
    rc = -1;
    SDL_SetError("neither DISPLAY nor WAYLAND_DISPLAY is set");
  } else if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    rc = -1;
  } else {
    rc = window(&o, t0);
  }
  if (rc < 0) {  /* no display: still show the user something */
    char name[256], png[400];
    fprintf(stderr, "chainplot: no display (%s); rendering to a PNG instead\n", SDL_GetError());
    if (isformula(o.script)) snprintf(name, sizeof name, "formula");
    else basename_noext(o.script, name, sizeof name);
    snprintf(png, sizeof png, "chainplot-%s.png", name);
    rc = export(&o, png, t0);
    if (rc == 0) {
      char cwd[2048];
      if (getcwd(cwd, sizeof cwd)) printf("%s/%s\n", cwd, png);
      else printf("%s\n", png);
    }
  }
  IMG_Quit();
  SDL_Quit();
  cp_fonts_shutdown();
  return rc;
}
