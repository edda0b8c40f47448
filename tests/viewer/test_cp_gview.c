/* test_cp_gview.c: the graph view rendered off-screen, checked by pixels: fills, highlights, routing */
#include <stdio.h>
#include <stdlib.h>

#include "SDL.h"
#include "cp_check.h"
#include "cp_app.h"
#include "cp_gapp.h"
#include "cp_gstate.h"
#include "cp_render.h"

/* fontconfig keeps its configuration cache for the life of the process: not our leak */
const char *__lsan_default_suppressions (void);
const char *__lsan_default_suppressions (void) {
  return "leak:libfontconfig.so\n";
}

static const cp_color WHITE = {255, 255, 255, 255}, DONE = {228, 244, 230, 255},
  NOW = {245, 130, 20, 255}, PATH = {128, 60, 200, 255}, PATHBG = {243, 236, 252, 255};

static SDL_Surface *surf;

static void draw (cp_app *A, int w, int h) {
  SDL_Renderer *r;
  cp_renderer *R;
  if (surf) SDL_FreeSurface(surf);
  surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  r = SDL_CreateSoftwareRenderer(surf);
  R = cp_renderer_new(r, NULL, 1);
  A->dirty = 1;
  cp_app_update(A, w, h);
  cp_render(R, &A->F);
  SDL_RenderPresent(r);
  cp_renderer_free(R);
  SDL_DestroyRenderer(r);
}

static int is (int x, int y, cp_color c, int tol) {
  cp_color p = {0, 0, 0, 0};
  Uint32 v;
  if (x < 0 || y < 0 || x >= surf->w || y >= surf->h) return 0;
  v = ((Uint32 *)surf->pixels)[y * (surf->pitch / 4) + x];
  SDL_GetRGB(v, surf->format, &p.r, &p.g, &p.b);
  return abs(p.r - c.r) <= tol && abs(p.g - c.g) <= tol && abs(p.b - c.b) <= tol;
}

/* pixels of colour c in a rectangle */
static int count (cp_rect q, cp_color c, int tol) {
  int x, y, n = 0;
  for (y = (int)q.y; y < (int)(q.y + q.h); y++)
    for (x = (int)q.x; x < (int)(q.x + q.w); x++) n += is(x, y, c, tol);
  return n;
}

int main (void) {
  const char *path = "/tmp/chainplot-test-gview.lua";
  FILE *f = fopen(path, "w");
  cp_app *A;
  cp_gstate *G;
  cp_rect b, in;
  int y;
  /* L = a*b + a: a feeds v3 and, past it, L itself */
  fputs("return {graph = function (v) return v.a * v.b + v.a end, inputs = {a = 2, b = {value = 3, min = 0, max = 5}}}\n", f);
  fclose(f);
  A = cp_app_new(0, (size_t)256 << 20, 50000000L);
  CHECK(A && cp_app_open(A, path) == 0, "the graph script loads: %s", A ? A->loaderr : "");
  CHECK(A->G != NULL, "a graph script gets the graph view");
  draw(A, 900, 600);
  G = A->G;
  CHECK(G->n == 4 && G->total == 4 && G->steps == 0, "4 nodes, 4 steps, at step 0");
  b = cp_gstate_box(G, 3);
  CHECK(is((int)b.x + 8, (int)b.y + 4, WHITE, 2), "L not reached yet: a white box");
  cp_gstate_step(G, 1);
  draw(A, 900, 600);
  CHECK(G->steps == 1 && G->known[3], "step 1 done: %d", G->steps);
  b = cp_gstate_box(G, 3);  /* the footer's height may have changed, and the fitted view with it */
  CHECK(is((int)b.x + 8, (int)b.y + 4, DONE, 2), "step 1 reaches L: its box turns green");
  CHECK(count((cp_rect){b.x - 4, b.y - 4, b.w + 8, 3}, NOW, 40) > (int)b.w / 2, "L, just done, is framed in orange");
  cp_gstate_all(G);
  draw(A, 900, 600);
  CHECK(G->current == 0, "the last step finishes a");
  b = cp_gstate_box(G, 0);
  CHECK(count((cp_rect){b.x + 6, b.y + 2, b.w - 8, b.h - 4}, NOW, 40) == 0, "no orange inside a's box");
  CHECK(count((cp_rect){b.x - 4, b.y - 4, b.w + 8, 3}, NOW, 40) > (int)b.w / 2, "a is framed in orange");
  /* a's two edges are the terms of its sum: orange; the one to L goes around v3, never under it */
  b = cp_gstate_box(G, 2);
  in = (cp_rect){b.x + 2, b.y + 2, b.w - 4, b.h - 4};
  CHECK(count(in, NOW, 40) == 0, "no orange inside v3's box");
  for (y = (int)b.y - 1; y > (int)G->area.y && !is((int)(b.x + b.w / 2), y, NOW, 40); y--) {}
  CHECK(y > (int)G->area.y && y < (int)b.y - 4, "the edge a -> L passes above v3 (at y %d, box top %.0f)", y, b.y);
  /* b's paths to L: purple edges, path boxes tinted */
  cp_gstate_select(G, 1);
  draw(A, 900, 600);
  b = cp_gstate_box(G, 2);
  CHECK(G->sel == 1 && G->npaths == 1, "one path from b");
  CHECK(is((int)b.x + 8, (int)b.y + 4, PATHBG, 2), "v3 lies on b's path: tinted");
  b = cp_gstate_box(G, 1);
  CHECK(count((cp_rect){b.x - 2, b.y - 2, b.w + 4, 3}, PATH, 40) > (int)b.w / 2, "b itself is framed in purple");
  {  /* a slider move keeps the step and the selection, the numbers follow */
    double before = G->full[0];
    cp_app_slide(A, 0, A->F.sliders[0].track.x + A->F.sliders[0].track.w);
    draw(A, 900, 600);
    CHECK(G->steps == 4 && G->sel == 1, "step and selection kept");
    CHECK(before == 4 && G->full[0] == 6, "dL/da = b + 1 follows b: %g then %g", before, G->full[0]);
  }
  cp_app_free(A);
  SDL_FreeSurface(surf);
  remove(path);
  cp_fonts_shutdown();
  return report();
}
