/* cp_render_int.h: the renderer's state and drawing primitives, shared by the cp_render*.c files */
#ifndef cp_render_int_h
#define cp_render_int_h

#include "SDL_ttf.h"
#include "cp_render.h"

#define NCACHE 512
#define CPR_LEVELS 16             /* coverage levels of the software renderer's anti-aliasing */

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
  float *pts;               /* a curve's run of points, for cpr_polyline */
  int cappts;
  int soft;                 /* SDL's software renderer: blended triangles are slow there */
  int translucent;          /* the batch has a vertex with alpha < 255: it must blend */
  SDL_FPoint *dots[CPR_LEVELS + 1];  /* anti-aliased pixels by coverage, for the software path */
  int ndots[CPR_LEVELS + 1], capdots[CPR_LEVELS + 1];
};

/* the palette, as compound literals so each file takes only the colours it uses */
#define C_PAGE    ((cp_color){241, 243, 246, 255})
#define C_PANEL   ((cp_color){255, 255, 255, 255})
#define C_BORDER  ((cp_color){208, 212, 218, 255})
#define C_GRID    ((cp_color){232, 235, 239, 255})
#define C_AXIS    ((cp_color){150, 155, 162, 255})
#define C_TEXT    ((cp_color){33, 37, 41, 255})
#define C_DIM     ((cp_color){102, 108, 115, 255})
#define C_TANGENT ((cp_color){40, 40, 40, 255})
#define C_CURSOR  ((cp_color){120, 126, 134, 255})
#define C_ERRBG   ((cp_color){253, 236, 234, 255})
#define C_ERR     ((cp_color){176, 32, 24, 255})
#define C_WHITE   ((cp_color){255, 255, 255, 255})

/* draws s with its (x, y) anchor: ax, ay = 0 left/top, 1 centre, 2 right/bottom; returns width */
float cpr_text (cp_renderer *R, const char *s, int font, cp_color c, float x, float y, int ax, int ay);
float cpr_textw (cp_renderer *R, const char *s, int font);
/* splits s into lines that fit width w (on spaces) and draws them from y down; returns the next y */
float cpr_wrapped (cp_renderer *R, const char *s, int font, cp_color c, float x, float y, float w);
void cpr_color (cp_renderer *R, cp_color c);
void cpr_fillrect (cp_renderer *R, cp_rect q, cp_color c);
void cpr_strokerect (cp_renderer *R, cp_rect q, cp_color c);
/* a segment as a quad of width w with square caps, batched until cpr_flush */
void cpr_seg (cp_renderer *R, float x1, float y1, float x2, float y2, float w, cp_color c);
/* an anti-aliased polyline of n points (x, y pairs), batched like cpr_seg */
void cpr_polyline (cp_renderer *R, const float *xy, int n, float w, cp_color c);
/* room for more batched vertices (0: none), and one vertex */
int cpr_reserve (cp_renderer *R, int more);
void cpr_vertex (cp_renderer *R, float x, float y, cp_color c);
void cpr_disc (cp_renderer *R, float x, float y, float rad, cp_color c);
void cpr_flush (cp_renderer *R);
void cpr_dashed (cp_renderer *R, float x1, float y1, float x2, float y2, float w, float on, cp_color c);
cp_color cpr_alpha (cp_color c, int a);
cp_rect cpr_rect (float x, float y, float w, float h);
void cpr_setclip (cp_renderer *R, const cp_rect *q);

/* one panel: frame, axes, curves, legend and cursor */
void cpr_panel (cp_renderer *R, const cp_panel *p);
/* the mouse's coordinates in the panel under it */
void cpr_hover (cp_renderer *R, const cp_frame *F);
/* the legend of a panel with several curves, where it hides nothing */
void cpr_legend (cp_renderer *R, const cp_panel *p);
/* the footer: sliders and the read-out */
void cpr_sliders (cp_renderer *R, const cp_frame *F);
void cpr_readout (cp_renderer *R, const cp_frame *F, int ow);

#endif
