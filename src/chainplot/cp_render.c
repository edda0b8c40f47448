/* cp_render.c: panels, ticks, curves, cursor, readout and overlays drawn over SDL */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fontconfig/fontconfig.h>
#include "SDL_ttf.h"

#include "cp_render.h"
#include "cp_rdraw.h"
#include "cp_ticks.h"

#define NCACHE 512

typedef struct Text {
  unsigned long hash;
  char *s;
  int font;
  cp_color c;
  SDL_Texture *tex;
  int w, h;
  unsigned long used;
} Text;

enum { F_NORMAL, F_SMALL, F_TITLE, NFONTS };

struct cp_renderer {
  SDL_Renderer *r;
  TTF_Font *font[NFONTS];
  float s;
  int ttf;
  Text cache[NCACHE];
  unsigned long clock;
  SDL_Vertex *vx;
  int nvx, capvx;
};

static const cp_color C_PAGE = {241, 243, 246, 255}, C_PANEL = {255, 255, 255, 255},
  C_BORDER = {208, 212, 218, 255}, C_GRID = {232, 235, 239, 255}, C_AXIS = {150, 155, 162, 255},
  C_TEXT = {33, 37, 41, 255}, C_DIM = {102, 108, 115, 255}, C_TANGENT = {40, 40, 40, 255},
  C_CURSOR = {120, 126, 134, 255}, C_ERRBG = {253, 236, 234, 255}, C_ERR = {176, 32, 24, 255},
  C_WHITE = {255, 255, 255, 255};

static int warned;  /* the no-font warning is printed once per process */

char *cp_font_find (const char *pattern) {
  FcPattern *pat, *match;
  FcResult res;
  FcChar8 *file = NULL;
  char *path = NULL;
  if (!FcInit()) return NULL;
  pat = FcNameParse((const FcChar8 *)pattern);
  if (!pat) return NULL;
  FcConfigSubstitute(NULL, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  match = FcFontMatch(NULL, pat, &res);
  if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
    size_t n = strlen((const char *)file) + 1;
    if ((path = malloc(n)) != NULL) memcpy(path, file, n);
  }
  if (match) FcPatternDestroy(match);
  FcPatternDestroy(pat);
  return path;
}

void cp_fonts_shutdown (void) {
  FcFini();
}

static TTF_Font *openfont (const char *spec, const char *style, int px) {
  TTF_Font *f = NULL;
  char pattern[512], *path;
  FILE *fp;
  if (spec && (strchr(spec, '/') || strstr(spec, ".ttf") || strstr(spec, ".otf"))) {
    if (!(fp = fopen(spec, "rb"))) return NULL;  /* a file name that is not there: no font */
    fclose(fp);
    return TTF_OpenFont(spec, px);
  }
  snprintf(pattern, sizeof pattern, "%s%s", spec ? spec : "DejaVu Sans", style);
  if ((path = cp_font_find(pattern)) != NULL) {
    f = TTF_OpenFont(path, px);
    free(path);
  }
  return f;
}

cp_renderer *cp_renderer_new (SDL_Renderer *r, const char *fontspec, float scale) {
  cp_renderer *R = calloc(1, sizeof *R);
  int i;
  if (!R) return NULL;
  R->r = r;
  R->s = scale > 0 ? scale : 1;
  if (fontspec && !*fontspec) fontspec = NULL;
  if (TTF_WasInit() || TTF_Init() == 0) {
    R->ttf = 1;
    R->font[F_NORMAL] = openfont(fontspec, "", (int)lroundf(14 * R->s));
    R->font[F_SMALL] = openfont(fontspec, "", (int)lroundf(12 * R->s));
    R->font[F_TITLE] = openfont(fontspec, ":bold", (int)lroundf(14 * R->s));
    if (!R->font[F_TITLE]) R->font[F_TITLE] = openfont(fontspec, "", (int)lroundf(14 * R->s));
  }
  for (i = 0; i < NFONTS; i++)
    if (!R->font[i]) break;
  if (i < NFONTS) {
    for (i = 0; i < NFONTS; i++) {
      if (R->font[i]) TTF_CloseFont(R->font[i]);
      R->font[i] = NULL;
    }
    if (!warned) {
      warned = 1;
      fprintf(stderr, "chainplot: warning: no usable font (%s); drawing without text\n",
              fontspec ? fontspec : "DejaVu Sans via fontconfig");
    }
  }
  SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
  return R;
}

int cp_renderer_hasfont (const cp_renderer *R) {
  return R->font[F_NORMAL] != NULL;
}

void cp_renderer_free (cp_renderer *R) {
  int i;
  if (!R) return;
  for (i = 0; i < NCACHE; i++) {
    if (R->cache[i].tex) SDL_DestroyTexture(R->cache[i].tex);
    free(R->cache[i].s);
  }
  for (i = 0; i < NFONTS; i++)
    if (R->font[i]) TTF_CloseFont(R->font[i]);
  if (R->ttf) TTF_Quit();
  free(R->vx);
  free(R);
}

/* ---------- text, cached as textures ---------- */

static unsigned long strhash (const char *s, int font, cp_color c) {
  unsigned long h = 5381u + (unsigned long)font * 31u + ((unsigned long)c.r << 16)
                    + ((unsigned long)c.g << 8) + c.b;
  while (*s) h = h * 33u + (unsigned char)*s++;
  return h;
}

static Text *gettext (cp_renderer *R, const char *s, int font, cp_color c) {
  unsigned long h;
  int i, victim = 0;
  SDL_Surface *surf;
  SDL_Color sc;
  Text *t;
  if (!R->font[font] || !*s) return NULL;
  h = strhash(s, font, c);
  for (i = 0; i < NCACHE; i++) {
    t = &R->cache[i];
    if (t->s && t->hash == h && t->font == font && strcmp(t->s, s) == 0
        && t->c.r == c.r && t->c.g == c.g && t->c.b == c.b) {
      t->used = ++R->clock;
      return t;
    }
    if (R->cache[i].used < R->cache[victim].used) victim = i;
  }
  t = &R->cache[victim];
  if (t->tex) SDL_DestroyTexture(t->tex);
  free(t->s);
  memset(t, 0, sizeof *t);
  sc.r = c.r; sc.g = c.g; sc.b = c.b; sc.a = 255;
  surf = TTF_RenderUTF8_Blended(R->font[font], s, sc);
  if (!surf) return NULL;
  t->tex = SDL_CreateTextureFromSurface(R->r, surf);
  t->w = surf->w;
  t->h = surf->h;
  SDL_FreeSurface(surf);
  if (!t->tex || !(t->s = malloc(strlen(s) + 1))) {
    if (t->tex) SDL_DestroyTexture(t->tex);
    t->tex = NULL;
    return NULL;
  }
  strcpy(t->s, s);
  t->hash = h;
  t->font = font;
  t->c = c;
  t->used = ++R->clock;
  return t;
}

/* draws s with its (x, y) anchor: ax, ay = 0 left/top, 1 centre, 2 right/bottom; returns width */
static float text (cp_renderer *R, const char *s, int font, cp_color c, float x, float y,
                   int ax, int ay) {
  Text *t = gettext(R, s, font, c);
  SDL_FRect d;
  if (!t) return 0;
  d.w = (float)t->w;
  d.h = (float)t->h;
  d.x = x - (ax == 1 ? d.w / 2 : ax == 2 ? d.w : 0);
  d.y = y - (ay == 1 ? d.h / 2 : ay == 2 ? d.h : 0);
  SDL_RenderCopyF(R->r, t->tex, NULL, &d);
  return d.w;
}

static float textw (cp_renderer *R, const char *s, int font) {
  int w = 0, h = 0;
  if (!R->font[font]) return 0;
  TTF_SizeUTF8(R->font[font], s, &w, &h);
  return (float)w;
}

/* ---------- shapes ---------- */

static void color (cp_renderer *R, cp_color c) {
  /* opaque fills skip the (slow, in software) blending path */
  SDL_SetRenderDrawBlendMode(R->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(R->r, c.r, c.g, c.b, c.a);
}

static void fillrect (cp_renderer *R, cp_rect q, cp_color c) {
  SDL_FRect f;
  f.x = q.x; f.y = q.y; f.w = q.w; f.h = q.h;
  color(R, c);
  SDL_RenderFillRectF(R->r, &f);
}

static void strokerect (cp_renderer *R, cp_rect q, cp_color c) {
  SDL_FRect f;
  f.x = q.x; f.y = q.y; f.w = q.w; f.h = q.h;
  color(R, c);
  SDL_RenderDrawRectF(R->r, &f);
}

static int vxreserve (cp_renderer *R, int more) {
  if (R->nvx + more > R->capvx) {
    int cap = R->capvx ? R->capvx : 4096;
    SDL_Vertex *v;
    while (cap < R->nvx + more) cap *= 2;
    if (!(v = realloc(R->vx, (size_t)cap * sizeof *v))) return 0;
    R->vx = v;
    R->capvx = cap;
  }
  return 1;
}

static void vxput (cp_renderer *R, float x, float y, cp_color c) {
  SDL_Vertex *v = &R->vx[R->nvx++];
  v->position.x = x;
  v->position.y = y;
  v->color.r = c.r; v->color.g = c.g; v->color.b = c.b; v->color.a = c.a;
  v->tex_coord.x = v->tex_coord.y = 0;
}

/* a segment as a quad of width w with square caps, batched into R->vx */
static void seg (cp_renderer *R, float x1, float y1, float x2, float y2, float w, cp_color c) {
  float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy), nx, ny, ex, ey;
  if (!(len > 0) || !vxreserve(R, 6)) return;
  dx /= len; dy /= len;
  nx = -dy * w / 2; ny = dx * w / 2;
  ex = dx * w / 2; ey = dy * w / 2;
  x1 -= ex; y1 -= ey; x2 += ex; y2 += ey;
  vxput(R, x1 + nx, y1 + ny, c); vxput(R, x2 + nx, y2 + ny, c); vxput(R, x2 - nx, y2 - ny, c);
  vxput(R, x1 + nx, y1 + ny, c); vxput(R, x2 - nx, y2 - ny, c); vxput(R, x1 - nx, y1 - ny, c);
}

static void disc (cp_renderer *R, float x, float y, float rad, cp_color c) {
  int i, n = 20;
  if (!vxreserve(R, 3 * n)) return;
  for (i = 0; i < n; i++) {
    float a0 = (float)(2 * 3.14159265358979 * i / n), a1 = (float)(2 * 3.14159265358979 * (i + 1) / n);
    vxput(R, x, y, c);
    vxput(R, x + rad * cosf(a0), y + rad * sinf(a0), c);
    vxput(R, x + rad * cosf(a1), y + rad * sinf(a1), c);
  }
}

static void flush (cp_renderer *R) {
  if (R->nvx > 0) SDL_RenderGeometry(R->r, NULL, R->vx, R->nvx, NULL, 0);
  R->nvx = 0;
}

static void dashed (cp_renderer *R, float x1, float y1, float x2, float y2, float w, float on,
                    cp_color c) {
  float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy), d;
  if (!(len > 0)) return;
  for (d = 0; d < len; d += 2 * on) {
    float e = d + on < len ? d + on : len;
    seg(R, x1 + dx * d / len, y1 + dy * d / len, x1 + dx * e / len, y1 + dy * e / len, w, c);
  }
}

static cp_color alpha (cp_color c, int a) {
  c.a = (unsigned char)a;
  return c;
}

/* ---------- layout ---------- */

float cp_px (const cp_panel *p, double t) {
  return (float)(p->plot.x + (t - p->t0) / (p->t1 - p->t0) * p->plot.w);
}

float cp_py (const cp_panel *p, double y) {
  double v = p->plot.y + p->plot.h - (y - p->y0) / (p->y1 - p->y0) * p->plot.h;
  if (v > 1e6) v = 1e6;
  if (v < -1e6) v = -1e6;
  return (float)v;
}

double cp_tx (const cp_panel *p, float px) {
  return p->t0 + (px - p->plot.x) / p->plot.w * (p->t1 - p->t0);
}

double cp_ty (const cp_panel *p, float py) {
  return p->y0 + (p->plot.y + p->plot.h - py) / p->plot.h * (p->y1 - p->y0);
}

static cp_rect rect (float x, float y, float w, float h) {
  cp_rect r;
  r.x = x; r.y = y; r.w = w; r.h = h;
  return r;
}

/* room for the read-out: a line each, and a second where the small font would still not fit */
float cp_readout_height (const cp_frame *F, int w) {
  float s = F->scale > 0 ? F->scale : 1, lines = 0, avail = w - 24 * s;
  const char *q = F->readout;
  while (*q) {
    size_t n = strcspn(q, "\n"), k, chars = 0;
    for (k = 0; k < n; k++) chars += ((unsigned char)q[k] & 0xc0) != 0x80;  /* UTF-8 characters */
    lines += 1 + (float)floor(chars * 7.2f * s / avail);  /* 12 px DejaVu: about 7 px a character */
    q += n;
    if (*q == '\n') q++;
  }
  if (lines < 1) lines = 1;
  return 16 * s + 18 * s * lines;
}

void cp_layout (cp_frame *F, int w, int h) {
  float s = F->scale > 0 ? F->scale : 1, gap = 8 * s, top, bottom, bw, bh;
  int n = F->npanels, cols, bestc = 1, rows, i;
  double best = 1e9;
  F->header = rect(0, 0, (float)w, 30 * s);
  F->footer.h = cp_readout_height(F, w) + (F->nsliders > 0 ? 30 * s : 0);
  F->footer = rect(0, h - F->footer.h, (float)w, F->footer.h);
  top = F->header.h;
  bottom = F->footer.y;
  bw = (float)w - 2 * gap;
  bh = bottom - top - gap;
  for (i = 0; i < F->nsliders; i++) {
    float sw = ((float)w - 2 * gap) / F->nsliders;
    F->sliders[i].track = rect(gap + i * sw + 90 * s, F->footer.y + 14 * s, sw - 170 * s, 4 * s);
    if (F->sliders[i].track.w < 20) F->sliders[i].track.w = 20;
  }
  if (n < 1) return;  /* a view without panels (the graph view) still has its sliders */
  for (cols = 1; cols <= n; cols++) {  /* cells closest to a 1.6 aspect ratio */
    double cw, ch, d;
    rows = (n + cols - 1) / cols;
    cw = (bw - (cols - 1) * gap) / cols;
    ch = (bh - (rows - 1) * gap) / rows;
    d = fabs(log(cw / ch / 1.6));
    if (d < best - 1e-9) { best = d; bestc = cols; }
  }
  cols = bestc;
  rows = (n + cols - 1) / cols;
  for (i = 0; i < n; i++) {
    cp_panel *p = &F->panels[i];
    float cw = (bw - (cols - 1) * gap) / cols, ch = (bh - (rows - 1) * gap) / rows;
    float x = gap + (i % cols) * (cw + gap), y = top + (i / cols) * (ch + gap);
    p->outer = rect(x, y, cw, ch);
    p->plot = rect(x + 58 * s, y + 30 * s, cw - 58 * s - (p->axis2 ? 56 : 12) * s, ch - 30 * s - 26 * s);
    if (p->plot.w < 10) p->plot.w = 10;
    if (p->plot.h < 10) p->plot.h = 10;
  }
}

/* ---------- drawing ---------- */

static void setclip (cp_renderer *R, const cp_rect *q) {
  SDL_Rect c;
  if (!q) {
    SDL_RenderSetClipRect(R->r, NULL);
    return;
  }
  c.x = (int)floorf(q->x);
  c.y = (int)floorf(q->y);
  c.w = (int)ceilf(q->w) + 1;
  c.h = (int)ceilf(q->h) + 1;
  SDL_RenderSetClipRect(R->r, &c);
}

static void drawaxes (cp_renderer *R, const cp_panel *p) {
  double tk[64], step;
  char buf[64];
  int n, i;
  float s = R->s, x0 = p->plot.x, y0 = p->plot.y, x1 = x0 + p->plot.w, y1 = y0 + p->plot.h;
  int tx = (int)(p->plot.w / (70 * s)), ty = (int)(p->plot.h / (40 * s));
  if (tx < 2) tx = 2;
  if (ty < 2) ty = 2;
  n = cp_ticks(p->t0, p->t1, tx, tk, 64, &step);
  for (i = 0; i < n; i++) {
    float x = cp_px(p, tk[i]);
    color(R, C_GRID);
    SDL_RenderDrawLineF(R->r, x, y0, x, y1);
    cp_ticklabel(tk[i], step, buf, sizeof buf);
    text(R, buf, F_SMALL, C_DIM, x, y1 + 4 * s, 1, 0);
  }
  n = cp_ticks(p->y0, p->y1, ty, tk, 64, &step);
  for (i = 0; i < n; i++) {
    float y = cp_py(p, tk[i]);
    color(R, C_GRID);
    SDL_RenderDrawLineF(R->r, x0, y, x1, y);
    cp_ticklabel(tk[i], step, buf, sizeof buf);
    text(R, buf, F_SMALL, C_DIM, x0 - 5 * s, y, 2, 1);
  }
  color(R, C_AXIS);
  if (p->t0 < 0 && p->t1 > 0) {
    float x = cp_px(p, 0);
    SDL_RenderDrawLineF(R->r, x, y0, x, y1);
  }
  if (p->y0 < 0 && p->y1 > 0) {
    float y = cp_py(p, 0);
    SDL_RenderDrawLineF(R->r, x0, y, x1, y);
  }
  text(R, p->axis, F_SMALL, C_DIM, x1 - 2 * s, y1 - 3 * s, 2, 2);
}

static void drawcurve (cp_renderer *R, const cp_panel *p, const cp_curve *c) {
  int i, pen = 0;
  float px = 0, py = 0, w = (c->light ? 1.7f : 2.4f) * R->s;
  for (i = 0; i < c->s.n; i++) {
    double y = c->s.y[i];
    float x, yy;
    if (!isfinite(y)) {
      pen = 0;
      continue;
    }
    x = cp_px(p, c->s.t[i]);
    yy = cp_py(p, y);
    /* points closer than a pixel to the last drawn one add triangles but nothing visible */
    if (pen && fabsf(x - px) + fabsf(yy - py) < 1.0f && i + 1 < c->s.n && isfinite(c->s.y[i + 1]))
      continue;
    if (pen) seg(R, px, py, x, yy, w, c->color);
    else if (i + 1 >= c->s.n || !isfinite(c->s.y[i + 1]))
      disc(R, x, yy, w / 2, c->color);  /* an isolated point still shows */
    px = x;
    py = yy;
    pen = 1;
  }
  flush(R);
}

/* curve i of p in its own y view: the factors of an axis2 panel map through z0..z1 */
static const cp_panel *viewof (const cp_panel *p, int i, cp_panel *z) {
  if (!p->axis2 || i == 0 || !(p->z1 > p->z0)) return p;
  *z = *p;
  z->y0 = p->z0;
  z->y1 = p->z1;
  return z;
}

/* the factors' axis, right of the plot: ticks and labels in the factor colour */
static void drawaxis2 (cp_renderer *R, const cp_panel *p) {
  double tk[64], step;
  char buf[64];
  cp_panel z;
  const cp_panel *v;
  float s = R->s, x1 = p->plot.x + p->plot.w;
  int n, i, ty = (int)(p->plot.h / (40 * s));
  cp_color c = p->ncurves > 1 ? p->curves[1].color : C_DIM;
  if (!p->axis2 || p->ncurves < 2 || !(p->z1 > p->z0)) return;
  v = viewof(p, 1, &z);
  c.r = (unsigned char)(c.r * 0.55f); c.g = (unsigned char)(c.g * 0.55f); c.b = (unsigned char)(c.b * 0.55f);
  n = cp_ticks(p->z0, p->z1, ty < 2 ? 2 : ty, tk, 64, &step);
  for (i = 0; i < n; i++) {
    float y = cp_py(v, tk[i]);
    color(R, c);
    SDL_RenderDrawLineF(R->r, x1, y, x1 + 4 * s, y);
    cp_ticklabel(tk[i], step, buf, sizeof buf);
    text(R, buf, F_SMALL, c, x1 + 6 * s, y, 0, 1);
  }
  text(R, "factors", F_SMALL, c, x1 + 4 * s, p->plot.y - 4 * s, 0, 2);
}

static void drawcursor (cp_renderer *R, const cp_panel *p) {
  float s = R->s, x = cp_px(p, p->ct);
  int i;
  if (!isfinite(p->ct) || x < p->plot.x || x > p->plot.x + p->plot.w) return;
  dashed(R, x, p->plot.y, x, p->plot.y + p->plot.h, 1.2f * s, 4 * s, C_CURSOR);
  flush(R);
  for (i = 0; i < p->ncurves; i++) {
    const cp_mark *m = &p->marks[i];
    cp_panel zv;
    const cp_panel *pv = viewof(p, i, &zv);
    if (!isfinite(m->y)) continue;
    if (m->has_slope && isfinite(m->slope)) {
      /* tangent over a fifth of the plot width each side, in data units */
      double dt = 0.2 * (p->t1 - p->t0);
      seg(R, cp_px(p, p->ct - dt), cp_py(pv, m->y - m->slope * dt),
          cp_px(p, p->ct + dt), cp_py(pv, m->y + m->slope * dt), 1.6f * s, C_TANGENT);
    }
  }
  flush(R);
  for (i = p->ncurves - 1; i >= 0; i--) {  /* the main curve's mark ends up on top */
    const cp_mark *m = &p->marks[i];
    cp_panel zv;
    const cp_panel *pv = viewof(p, i, &zv);
    if (m->undefined) {  /* no derivative here: open rings, at the value and at each side */
      double ys[3];
      int k;
      ys[0] = m->y; ys[1] = m->yl; ys[2] = m->yr;
      for (k = 0; k < 3; k++) {
        if (!isfinite(ys[k]) || (k == 2 && ys[2] == ys[1])) continue;
        disc(R, x, cp_py(pv, ys[k]), 6.5f * s, C_ERR);
        disc(R, x, cp_py(pv, ys[k]), 4 * s, C_WHITE);
      }
      continue;
    }
    if (!isfinite(m->y)) continue;
    disc(R, x, cp_py(pv, m->y), 5.5f * s, C_TANGENT);
    disc(R, x, cp_py(pv, m->y), 4 * s, p->curves[i].color);
  }
  flush(R);
}

/* a legend box in the top right corner of the plot, when a panel has several curves */
static void drawlegend (cp_renderer *R, const cp_panel *p) {
  float s = R->s, lh = 18 * s, w = 0, x, y;
  cp_rect box;
  int i;
  if (p->ncurves < 2) return;
  for (i = 0; i < p->ncurves; i++) w = fmaxf(w, textw(R, p->curves[i].label, F_SMALL));
  box = rect(p->plot.x + p->plot.w - w - 44 * s, p->plot.y + 6 * s, w + 38 * s,
             lh * p->ncurves + 8 * s);
  fillrect(R, box, (cp_color){255, 255, 255, 225});
  strokerect(R, box, C_BORDER);
  for (i = 0; i < p->ncurves; i++) {
    const cp_curve *c = &p->curves[i];
    x = box.x + 8 * s;
    y = box.y + 4 * s + lh * (i + 0.5f);
    seg(R, x, y, x + 16 * s, y, (c->light ? 1.7f : 2.4f) * s, c->color);
    flush(R);
    text(R, c->label, F_SMALL, C_TEXT, x + 22 * s, y, 0, 1);
  }
}

static void drawpanel (cp_renderer *R, const cp_panel *p) {
  float s = R->s;
  int i;
  fillrect(R, p->outer, C_PANEL);
  strokerect(R, p->outer, C_BORDER);
  text(R, p->title, F_TITLE, C_TEXT, p->outer.x + 10 * s, p->outer.y + 15 * s, 0, 1);
  if (!(p->t1 > p->t0) || !(p->y1 > p->y0)) return;
  drawaxes(R, p);
  setclip(R, &p->plot);
  if (p->shade && isfinite(p->s0) && isfinite(p->s1)) {
    float a = cp_px(p, p->s0), b = cp_px(p, p->s1);
    cp_color c = p->ncurves > 0 ? p->curves[0].color : C_AXIS;
    fillrect(R, rect(a, p->plot.y, b - a, p->plot.h), alpha(c, 34));
    color(R, alpha(c, 120));
    SDL_RenderDrawLineF(R->r, a, p->plot.y, a, p->plot.y + p->plot.h);
    SDL_RenderDrawLineF(R->r, b, p->plot.y, b, p->plot.y + p->plot.h);
  }
  for (i = p->ncurves - 1; i >= 0; i--) {
    cp_panel zv;
    drawcurve(R, viewof(p, i, &zv), &p->curves[i]);
  }
  drawlegend(R, p);
  if (p->cursor) drawcursor(R, p);
  setclip(R, NULL);
  strokerect(R, p->plot, C_BORDER);
  drawaxis2(R, p);
}

/* splits s into lines that fit width w (on spaces) and draws them from y down */
static float wrapped (cp_renderer *R, const char *s, int font, cp_color c, float x, float y,
                      float w) {
  char line[512];
  float lh = (float)(R->font[font] ? TTF_FontLineSkip(R->font[font]) : 14);
  while (*s) {
    size_t n = 0, lastsp = 0;
    while (s[n] && s[n] != '\n' && n < sizeof line - 1) {
      line[n] = s[n];
      line[n + 1] = 0;
      if (s[n] == ' ') lastsp = n;
      if (textw(R, line, font) > w && lastsp > 0) {
        n = lastsp;
        break;
      }
      n++;
    }
    line[n] = 0;
    text(R, line, font, c, x, y, 0, 0);
    y += lh;
    s += n;
    if (*s == '\n' || *s == ' ') s++;
  }
  return y;
}

static const char *helplines[][2] = {
  {"mouse, arrow keys", "move the linked cursor x0"},
  {"wheel", "zoom at the mouse (shift: x only, ctrl: y only)"},
  {"drag", "pan the panel under the mouse"},
  {"shift + drag", "zoom to a box"},
  {"slider", "drag to change a parameter"},
  {"r", "reset the view"},
  {"a", "fit y to the visible curves"},
  {"s", "save a PNG screenshot (the path is printed)"},
  {"n, p", "next, previous script in the folder"},
  {"e, [ ], w", "type a formula; move its split deeper, shallower; keep it as a script"},
  {"+, -", "larger, smaller text (ctrl+0: as it was)"},
  {"h, ?", "this help (Esc closes it)"},
  {"q, Esc", "quit"},
  {"", "The script is reloaded when its file changes."},
  {NULL, NULL}
};

static void drawsliders (cp_renderer *R, const cp_frame *F) {
  float s = R->s;
  int i;
  char buf[64];
  for (i = 0; i < F->nsliders; i++) {
    const cp_slider *sl = &F->sliders[i];
    cp_rect t = sl->track;
    float k = (float)((sl->value - sl->min) / (sl->max - sl->min)), cy = t.y + t.h / 2;
    if (!(k >= 0)) k = 0;
    if (k > 1) k = 1;
    text(R, sl->name, F_NORMAL, C_TEXT, t.x - 12 * s, cy, 2, 1);
    fillrect(R, t, C_BORDER);
    fillrect(R, rect(t.x, t.y, t.w * k, t.h), (cp_color){31, 119, 180, 255});
    disc(R, t.x + t.w * k, cy, 7 * s, (cp_color){31, 119, 180, 255});
    disc(R, t.x + t.w * k, cy, 4 * s, C_WHITE);
    flush(R);
    cp_fmtnum(sl->value, buf, sizeof buf);
    text(R, buf, F_NORMAL, C_TEXT, t.x + t.w + 14 * s, cy, 0, 1);
  }
}

/* the read-out, a line at a time, in the largest font that fits; wrapped when none does */
static void drawreadout (cp_renderer *R, const cp_frame *F, int ow) {
  static const int fonts[] = {F_TITLE, F_NORMAL, F_SMALL};
  float s = R->s, avail = ow - 24 * s, y = F->footer.y + F->footer.h - cp_readout_height(F, ow) + 8 * s;
  const char *q = F->readout;
  char line[480];
  while (*q) {
    size_t n = strcspn(q, "\n");
    int k;
    float lh;
    if (n >= sizeof line) n = sizeof line - 1;
    memcpy(line, q, n);
    line[n] = 0;
    for (k = 0; k < 2 && textw(R, line, fonts[k]) > avail; k++) {}
    lh = R->font[fonts[k]] ? (float)TTF_FontLineSkip(R->font[fonts[k]]) : 17 * s;
    if (textw(R, line, fonts[k]) <= avail) {
      text(R, line, fonts[k], C_TEXT, 12 * s, y, 0, 0);
      y += lh;
    } else y = wrapped(R, line, F_SMALL, C_TEXT, 12 * s, y, avail);
    q += n;
    if (*q == '\n') q++;
  }
}

/* ---------- primitives for overlays in their own files (cp_rdraw.h) ---------- */

float cp_rd_text (cp_renderer *R, const char *s, int font, cp_color c, float x, float y, int ax, int ay) {
  return text(R, s, font, c, x, y, ax, ay);
}
float cp_rd_textw (cp_renderer *R, const char *s, int font) { return textw(R, s, font); }
float cp_rd_lineh (cp_renderer *R, int font) {
  return R->font[font] ? (float)TTF_FontLineSkip(R->font[font]) : 14 * R->s;
}
float cp_rd_scale (const cp_renderer *R) { return R->s; }
void cp_rd_fill (cp_renderer *R, cp_rect q, cp_color c) { fillrect(R, q, c); }
void cp_rd_stroke (cp_renderer *R, cp_rect q, cp_color c) { strokerect(R, q, c); }
void cp_rd_clip (cp_renderer *R, const cp_rect *q) { setclip(R, q); }

void cp_render (cp_renderer *R, const cp_frame *F) {
  float s = R->s;
  int ow = 0, oh = 0, i;
  SDL_GetRendererOutputSize(R->r, &ow, &oh);
  setclip(R, NULL);
  color(R, C_PAGE);
  SDL_RenderClear(R->r);
  text(R, F->title, F_TITLE, C_TEXT, 10 * s, F->header.h / 2, 0, 1);
  text(R, F->status[0] ? F->status : "h: help", F->statuserr ? F_TITLE : F_SMALL,
       F->statuserr ? C_ERR : C_DIM, ow - 10 * s, F->header.h / 2, 2, 1);
  for (i = 0; i < F->npanels; i++) drawpanel(R, &F->panels[i]);
  if (F->body) F->body(R, F, F->bodyud);  /* a view of its own (the graph view) */
  /* footer: sliders, then the chain rule read out at x0 */
  fillrect(R, F->footer, C_PANEL);
  color(R, C_BORDER);
  SDL_RenderDrawLineF(R->r, 0, F->footer.y, (float)ow, F->footer.y);
  drawsliders(R, F);
  drawreadout(R, F, ow);
  if (F->box) {
    fillrect(R, F->boxr, (cp_color){31, 119, 180, 40});
    strokerect(R, F->boxr, (cp_color){31, 119, 180, 200});
  }
  if (F->error[0]) {
    cp_rect b = rect(ow * 0.1f, F->header.h + 10 * s, ow * 0.8f, 10 * s);
    float lh = R->font[F_NORMAL] ? (float)TTF_FontLineSkip(R->font[F_NORMAL]) : 14;
    int lines = 2;
    const char *q;
    for (q = F->error; *q; q++) lines += *q == '\n';
    lines += (int)(textw(R, F->error, F_NORMAL) / (b.w - 20 * s));
    b.h = lh * (lines + 1) + 16 * s;
    fillrect(R, b, alpha(C_ERRBG, 245));
    strokerect(R, b, C_ERR);
    text(R, F->errtitle[0] ? F->errtitle : "Script error:", F_TITLE, C_ERR, b.x + 10 * s,
         b.y + 8 * s, 0, 0);
    wrapped(R, F->error, F_NORMAL, C_ERR, b.x + 10 * s, b.y + 8 * s + lh * 1.3f, b.w - 20 * s);
  }
  if (F->field) cp_render_field(R, F);  /* the formula bar (cp_rfield.c) */
  if (F->help) {
    float lh = R->font[F_NORMAL] ? (float)TTF_FontLineSkip(R->font[F_NORMAL]) : 14;
    cp_rect b = rect(ow / 2.0f - 300 * s, oh / 2.0f - 150 * s, 600 * s, 0);
    int n = 0;
    const char *(*keys)[2] = F->helplines ? F->helplines : helplines;  /* a view's own keys */
    while (keys[n][0]) n++;
    int np = 0;
    if (F->paths[0]) {  /* one line per piece, two when a long reason wraps */
      const char *q;
      np = 1;
      for (q = F->paths; *q; q++) np += *q == '\n';
      np += (int)(textw(R, F->paths, F_SMALL) / (b.w - 32 * s));
    }
    b.h = lh * (n + 2.5f + (np ? np + 1.0f : 0.0f)) + 20 * s;  /* half a line sets the closing note apart */
    b.y = oh / 2.0f - b.h / 2;
    fillrect(R, b, (cp_color){33, 37, 41, 235});
    text(R, "chainplot keys", F_TITLE, C_WHITE, b.x + 16 * s, b.y + 12 * s, 0, 0);
    for (i = 0; i < n; i++) {
      float y = b.y + 12 * s + lh * (i + 1.5f + (keys[i][0][0] ? 0.0f : 0.5f));
      text(R, keys[i][0], F_NORMAL, (cp_color){255, 214, 120, 255}, b.x + 16 * s, y, 0, 0);
      text(R, keys[i][1], F_NORMAL, C_WHITE, b.x + 170 * s, y, 0, 0);
    }
    if (np)  /* how the curves are evaluated: compiled programs or per-point duals */
      wrapped(R, F->paths, F_SMALL, (cp_color){173, 181, 189, 255}, b.x + 16 * s,
              b.y + 12 * s + lh * (n + 2.5f), b.w - 32 * s);
  }
}

/* ---------- primitives for views drawn in their own files (the graph view) ---------- */

static int fontof (int which) { return which == 1 ? F_SMALL : which == 2 ? F_TITLE : F_NORMAL; }

float cp_draw_text (cp_renderer *R, const char *s, int font, cp_color c, float x, float y, int ax, int ay) {
  return text(R, s, fontof(font), c, x, y, ax, ay);
}

float cp_draw_textw (cp_renderer *R, const char *s, int font) {
  return textw(R, s, fontof(font));
}

void cp_draw_fill (cp_renderer *R, cp_rect q, cp_color c) { fillrect(R, q, c); }

void cp_draw_seg (cp_renderer *R, float x1, float y1, float x2, float y2, float w, cp_color c) {
  seg(R, x1, y1, x2, y2, w, c);
}

void cp_draw_flush (cp_renderer *R) { flush(R); }

void cp_draw_clip (cp_renderer *R, const cp_rect *q) { setclip(R, q); }

float cp_draw_scale (const cp_renderer *R) { return R->s; }
