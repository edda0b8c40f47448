/* cp_render.c: the renderer (fonts, cached text, shapes) and the frame drawn over SDL */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fontconfig/fontconfig.h>

#include "cp_render_int.h"

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
  {
    SDL_RendererInfo info;
    R->soft = SDL_GetRendererInfo(r, &info) == 0 && strcmp(info.name, "software") == 0;
  }
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
  free(R->pts);
  for (i = 0; i <= CPR_LEVELS; i++) free(R->dots[i]);
  free(R);
}

/* ---------- text, cached as textures ---------- */

static unsigned long strhash (const char *s, int font, cp_color c) {
  unsigned long h = 5381u + (unsigned long)font * 31u + ((unsigned long)c.r << 16)
                    + ((unsigned long)c.g << 8) + c.b;
  while (*s) h = h * 33u + (unsigned char)*s++;
  return h;
}

Text *cpr_gettext (cp_renderer *R, const char *s, int font, cp_color c) {
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
float cpr_text (cp_renderer *R, const char *s, int font, cp_color c, float x, float y,
                   int ax, int ay) {
  Text *t = cpr_gettext(R, s, font, c);
  SDL_FRect d;
  if (!t) return 0;
  d.w = (float)t->w;
  d.h = (float)t->h;
  d.x = roundf(x - (ax == 1 ? d.w / 2 : ax == 2 ? d.w : 0));  /* whole pixels: text stays crisp in every renderer */
  d.y = roundf(y - (ay == 1 ? d.h / 2 : ay == 2 ? d.h : 0));
  SDL_RenderCopyF(R->r, t->tex, NULL, &d);
  return d.w;
}

float cpr_textw (cp_renderer *R, const char *s, int font) {
  int w = 0, h = 0;
  if (!R->font[font]) return 0;
  TTF_SizeUTF8(R->font[font], s, &w, &h);
  return (float)w;
}

/* ---------- shapes ---------- */

void cpr_color (cp_renderer *R, cp_color c) {
  /* opaque fills skip the (slow, in software) blending path */
  SDL_SetRenderDrawBlendMode(R->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(R->r, c.r, c.g, c.b, c.a);
}

void cpr_fillrect (cp_renderer *R, cp_rect q, cp_color c) {
  SDL_FRect f;
  f.x = q.x; f.y = q.y; f.w = q.w; f.h = q.h;
  cpr_color(R, c);
  SDL_RenderFillRectF(R->r, &f);
}

void cpr_strokerect (cp_renderer *R, cp_rect q, cp_color c) {
  SDL_FRect f;
  f.x = q.x; f.y = q.y; f.w = q.w; f.h = q.h;
  cpr_color(R, c);
  SDL_RenderDrawRectF(R->r, &f);
}

int cpr_reserve (cp_renderer *R, int more) {
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

void cpr_vertex (cp_renderer *R, float x, float y, cp_color c) {
  SDL_Vertex *v = &R->vx[R->nvx++];
  v->position.x = x;
  v->position.y = y;
  v->color.r = c.r; v->color.g = c.g; v->color.b = c.b; v->color.a = c.a;
  v->tex_coord.x = v->tex_coord.y = 0;
  if (c.a < 255) R->translucent = 1;
}

/* a segment as a quad of width w with square caps, batched into R->vx */
void cpr_seg (cp_renderer *R, float x1, float y1, float x2, float y2, float w, cp_color c) {
  float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy), nx, ny, ex, ey;
  if (!(len > 0) || !cpr_reserve(R, 6)) return;
  dx /= len; dy /= len;
  nx = -dy * w / 2; ny = dx * w / 2;
  ex = dx * w / 2; ey = dy * w / 2;
  x1 -= ex; y1 -= ey; x2 += ex; y2 += ey;
  cpr_vertex(R, x1 + nx, y1 + ny, c); cpr_vertex(R, x2 + nx, y2 + ny, c); cpr_vertex(R, x2 - nx, y2 - ny, c);
  cpr_vertex(R, x1 + nx, y1 + ny, c); cpr_vertex(R, x2 - nx, y2 - ny, c); cpr_vertex(R, x1 - nx, y1 - ny, c);
}

/* a disc with a one pixel feather at its rim */
void cpr_disc (cp_renderer *R, float x, float y, float rad, cp_color c) {
  int i, n = rad > 5 ? 28 : 20;
  float r0 = fmaxf(rad - 0.5f, 0.25f), r1 = rad + 0.5f;
  cp_color clear = c;
  clear.a = 0;
  if (R->soft) clear = c;  /* no feather there: a blended triangle costs a surface each */
  if (!cpr_reserve(R, 9 * n)) return;
  for (i = 0; i < n; i++) {
    float a0 = (float)(2 * 3.14159265358979 * i / n), a1 = (float)(2 * 3.14159265358979 * (i + 1) / n);
    float c0 = cosf(a0), s0 = sinf(a0), c1 = cosf(a1), s1 = sinf(a1);
    cpr_vertex(R, x, y, c);
    cpr_vertex(R, x + r0 * c0, y + r0 * s0, c);
    cpr_vertex(R, x + r0 * c1, y + r0 * s1, c);
    cpr_vertex(R, x + r0 * c0, y + r0 * s0, c);
    cpr_vertex(R, x + r1 * c0, y + r1 * s0, clear);
    cpr_vertex(R, x + r1 * c1, y + r1 * s1, clear);
    cpr_vertex(R, x + r0 * c0, y + r0 * s0, c);
    cpr_vertex(R, x + r1 * c1, y + r1 * s1, clear);
    cpr_vertex(R, x + r0 * c1, y + r0 * s1, c);
  }
}

void cpr_flush (cp_renderer *R) {
  /* opaque batches skip blending (in software it makes a surface per triangle) */
  SDL_SetRenderDrawBlendMode(R->r, R->translucent ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
  if (R->nvx > 0) SDL_RenderGeometry(R->r, NULL, R->vx, R->nvx, NULL, 0);
  R->nvx = 0;
  R->translucent = 0;
}

void cpr_dashed (cp_renderer *R, float x1, float y1, float x2, float y2, float w, float on,
                    cp_color c) {
  float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy), d;
  if (!(len > 0)) return;
  for (d = 0; d < len; d += 2 * on) {
    float e = d + on < len ? d + on : len;
    cpr_seg(R, x1 + dx * d / len, y1 + dy * d / len, x1 + dx * e / len, y1 + dy * e / len, w, c);
  }
}

cp_color cpr_alpha (cp_color c, int a) {
  c.a = (unsigned char)a;
  return c;
}

cp_rect cpr_rect (float x, float y, float w, float h) {
  cp_rect r;
  r.x = x; r.y = y; r.w = w; r.h = h;
  return r;
}

void cpr_setclip (cp_renderer *R, const cp_rect *q) {
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

/* splits s into lines that fit width w (on spaces) and draws them from y down */
float cpr_wrapped (cp_renderer *R, const char *s, int font, cp_color c, float x, float y,
                   float w) {
  char line[512];
  float lh = (float)(R->font[font] ? TTF_FontLineSkip(R->font[font]) : 14);
  while (*s) {
    size_t n = 0, lastsp = 0;
    while (s[n] && s[n] != '\n' && n < sizeof line - 1) {
      line[n] = s[n];
      line[n + 1] = 0;
      if (s[n] == ' ') lastsp = n;
      if (cpr_textw(R, line, font) > w && lastsp > 0) {
        n = lastsp;
        break;
      }
      n++;
    }
    line[n] = 0;
    cpr_text(R, line, font, c, x, y, 0, 0);
    y += lh;
    s += n;
    if (*s == '\n' || *s == ' ') s++;
  }
  return y;
}

static const char *helplines[][2] = {
  {"mouse, arrow keys", "move the cursor x0 (it snaps to zeros, extrema)"},
  {"click", "pin the cursor (click again to let it follow)"},
  {"x, then a number", "set x0 exactly (Enter; Esc cancels)"},
  {"wheel", "zoom at the mouse (shift: x only, ctrl: y only)"},
  {"drag", "pan the panel under the mouse"},
  {"shift + drag", "zoom to a box"},
  {"slider", "drag; click its value or Tab to type one"},
  {"r", "reset the view and the sliders"},
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

void cp_render (cp_renderer *R, const cp_frame *F) {
  float s = R->s;
  int ow = 0, oh = 0, i;
  SDL_GetRendererOutputSize(R->r, &ow, &oh);
  cpr_setclip(R, NULL);
  cpr_color(R, C_PAGE);
  SDL_RenderClear(R->r);
  cpr_text(R, F->title, F_TITLE, C_TEXT, 10 * s, F->header.h / 2, 0, 1);
  cpr_text(R, F->status[0] ? F->status : "h: help", F->statuserr ? F_TITLE : F_SMALL,
       F->statuserr ? C_ERR : C_DIM, ow - 10 * s, F->header.h / 2, 2, 1);
  for (i = 0; i < F->npanels; i++) cpr_panel(R, &F->panels[i]);
  if (F->body) F->body(R, F, F->bodyud);  /* a view of its own (the graph view) */
  cpr_hover(R, F);
  /* footer: sliders, then the chain rule read out at x0 */
  cpr_fillrect(R, F->footer, C_PANEL);
  cpr_color(R, C_BORDER);
  SDL_RenderDrawLineF(R->r, 0, F->footer.y, (float)ow, F->footer.y);
  cpr_sliders(R, F);
  cpr_readout(R, F, ow);
  if (F->box) {
    cpr_fillrect(R, F->boxr, (cp_color){31, 119, 180, 40});
    cpr_strokerect(R, F->boxr, (cp_color){31, 119, 180, 200});
  }
  if (F->error[0]) {
    cp_rect b = cpr_rect(ow * 0.1f, F->header.h + 10 * s, ow * 0.8f, 10 * s);
    float lh = R->font[F_NORMAL] ? (float)TTF_FontLineSkip(R->font[F_NORMAL]) : 14;
    int lines = 2;
    const char *q;
    for (q = F->error; *q; q++) lines += *q == '\n';
    lines += (int)(cpr_textw(R, F->error, F_NORMAL) / (b.w - 20 * s));
    b.h = lh * (lines + 1) + 16 * s;
    cpr_fillrect(R, b, cpr_alpha(C_ERRBG, 245));
    cpr_strokerect(R, b, C_ERR);
    cpr_text(R, F->errtitle[0] ? F->errtitle : "Script error:", F_TITLE, C_ERR, b.x + 10 * s,
         b.y + 8 * s, 0, 0);
    cpr_wrapped(R, F->error, F_NORMAL, C_ERR, b.x + 10 * s, b.y + 8 * s + lh * 1.3f, b.w - 20 * s);
  }
  if (F->field) cp_render_field(R, F);  /* the formula bar (cp_rfield.c) */
  if (F->help) {
    float lh = R->font[F_NORMAL] ? (float)TTF_FontLineSkip(R->font[F_NORMAL]) : 14;
    cp_rect b = cpr_rect(ow / 2.0f - 300 * s, oh / 2.0f - 150 * s, 600 * s, 0);
    int n = 0;
    const char *(*keys)[2] = F->helplines ? F->helplines : helplines;  /* a view's own keys */
    while (keys[n][0]) n++;
    int np = 0;
    if (F->paths[0]) {  /* one line per piece, two when a long reason wraps */
      const char *q;
      np = 1;
      for (q = F->paths; *q; q++) np += *q == '\n';
      np += (int)(cpr_textw(R, F->paths, F_SMALL) / (b.w - 32 * s));
    }
    b.h = lh * (n + 2.5f + (np ? np + 1.0f : 0.0f)) + 20 * s;  /* half a line sets the closing note apart */
    b.y = oh / 2.0f - b.h / 2;
    cpr_fillrect(R, b, (cp_color){33, 37, 41, 235});
    cpr_text(R, "chainplot keys", F_TITLE, C_WHITE, b.x + 16 * s, b.y + 12 * s, 0, 0);
    for (i = 0; i < n; i++) {
      float y = b.y + 12 * s + lh * (i + 1.5f + (keys[i][0][0] ? 0.0f : 0.5f));
      cpr_text(R, keys[i][0], F_NORMAL, (cp_color){255, 214, 120, 255}, b.x + 16 * s, y, 0, 0);
      cpr_text(R, keys[i][1], F_NORMAL, C_WHITE, b.x + 170 * s, y, 0, 0);
    }
    if (np)  /* how the curves are evaluated: compiled programs or per-point duals */
      cpr_wrapped(R, F->paths, F_SMALL, (cp_color){173, 181, 189, 255}, b.x + 16 * s,
              b.y + 12 * s + lh * (n + 2.5f), b.w - 32 * s);
  }
}

/* ---------- primitives for views drawn in files of their own (graph view, formula bar) ---------- */

static int fontof (int which) { return which == 1 ? F_SMALL : which == 2 ? F_TITLE : F_NORMAL; }

float cp_draw_text (cp_renderer *R, const char *s, int font, cp_color c, float x, float y, int ax, int ay) {
  return cpr_text(R, s, fontof(font), c, x, y, ax, ay);
}

float cp_draw_textw (cp_renderer *R, const char *s, int font) {
  return cpr_textw(R, s, fontof(font));
}

float cp_draw_lineh (cp_renderer *R, int font) {
  int f = fontof(font);
  return R->font[f] ? (float)TTF_FontLineSkip(R->font[f]) : 14 * R->s;
}

void cp_draw_fill (cp_renderer *R, cp_rect q, cp_color c) { cpr_fillrect(R, q, c); }

void cp_draw_stroke (cp_renderer *R, cp_rect q, cp_color c) { cpr_strokerect(R, q, c); }

void cp_draw_seg (cp_renderer *R, float x1, float y1, float x2, float y2, float w, cp_color c) {
  cpr_seg(R, x1, y1, x2, y2, w, c);
}

void cp_draw_flush (cp_renderer *R) { cpr_flush(R); }

void cp_draw_clip (cp_renderer *R, const cp_rect *q) { cpr_setclip(R, q); }

float cp_draw_scale (const cp_renderer *R) { return R->s; }
