/* cp_render.h: draws a cp_frame with an SDL_Renderer (window or software surface); no Lua here */
#ifndef cp_render_h
#define cp_render_h

#include "SDL.h"
#include "cp_model.h"

typedef struct cp_renderer cp_renderer;

/*
** Wraps r (not owned). fontspec is a font file or a fontconfig pattern (NULL: DejaVu Sans).
** Without any usable font it draws no text and warns once on stderr. NULL only on no memory.
*/
cp_renderer *cp_renderer_new (SDL_Renderer *r, const char *fontspec, float scale);
void cp_renderer_free (cp_renderer *R);

/* Releases fontconfig's process-wide state; for programs that own the process, not libraries. */
void cp_fonts_shutdown (void);
int cp_renderer_hasfont (const cp_renderer *R);

/* The smallest window: every layout is checked to fit its text at this size. */
#define CP_MINW 640
#define CP_MINH 400

/* Places header, panels (2x2, 1x4 ... by aspect ratio), sliders and footer in a w x h output. */
void cp_layout (cp_frame *F, int w, int h);

/* Height of the footer's read-out for a w pixels wide output (every line fits, wrapped if need be). */
float cp_readout_height (const cp_frame *F, int w);

/* Draws everything; the caller presents or reads the pixels. */
void cp_render (cp_renderer *R, const cp_frame *F);

/* Where a panel's legend goes: one row beside the title when it fits (*row = 1), else the box
   inside the plot that hides the fewest curve pieces and no cursor dot. */
cp_rect cp_legend_rect (cp_renderer *R, const cp_panel *p, int *row);

/* A slider's number as shown: on its step's decimals, else 4 significant digits. */
void cp_slidernum (const cp_slider *sl, double v, char *buf, size_t size);

/* Data to device pixel mapping of a panel's plot area. */
float cp_px (const cp_panel *p, double t);
float cp_py (const cp_panel *p, double y);
double cp_tx (const cp_panel *p, float px);
double cp_ty (const cp_panel *p, float py);

/*
** Primitives for views drawn in files of their own (the graph view). font: 0 normal, 1 small,
** 2 bold; ax, ay anchor the text (0 left/top, 1 centre, 2 right/bottom); segments are batched
** until cp_draw_flush.
*/
float cp_draw_text (cp_renderer *R, const char *s, int font, cp_color c, float x, float y, int ax, int ay);
float cp_draw_textw (cp_renderer *R, const char *s, int font);
void cp_draw_fill (cp_renderer *R, cp_rect q, cp_color c);
void cp_draw_seg (cp_renderer *R, float x1, float y1, float x2, float y2, float w, cp_color c);
void cp_draw_flush (cp_renderer *R);
void cp_draw_clip (cp_renderer *R, const cp_rect *q);
float cp_draw_scale (const cp_renderer *R);
float cp_draw_lineh (cp_renderer *R, int font);
void cp_draw_stroke (cp_renderer *R, cp_rect q, cp_color c);
enum { CP_FONT_NORMAL, CP_FONT_SMALL, CP_FONT_TITLE };  /* the font argument above */

/* The formula bar of F->field, over the top of the panels (cp_rfield.c). */
void cp_render_field (cp_renderer *R, const cp_frame *F);

/* The path of the font a fontconfig pattern resolves to, or NULL. Caller frees. */
char *cp_font_find (const char *pattern);

#endif
