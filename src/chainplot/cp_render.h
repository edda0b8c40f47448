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

/* Places header, panels (2x2, 1x4 ... by aspect ratio), sliders and footer in a w x h output. */
void cp_layout (cp_frame *F, int w, int h);

/* Height of the footer's read-out for a w pixels wide output (every line fits, wrapped if need be). */
float cp_readout_height (const cp_frame *F, int w);

/* Draws everything; the caller presents or reads the pixels. */
void cp_render (cp_renderer *R, const cp_frame *F);

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

/* The path of the font a fontconfig pattern resolves to, or NULL. Caller frees. */
char *cp_font_find (const char *pattern);

#endif
