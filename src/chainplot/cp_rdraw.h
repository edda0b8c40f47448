/* cp_rdraw.h: the renderer's primitives, for overlays drawn in files of their own (cp_rfield.c) */
#ifndef cp_rdraw_h
#define cp_rdraw_h

#include "cp_render.h"

enum { CP_FONT_NORMAL, CP_FONT_SMALL, CP_FONT_TITLE };  /* as cp_render.c numbers its fonts */

/* s at (x, y): ax, ay = 0 left/top, 1 centre, 2 right/bottom; returns its width */
float cp_rd_text (cp_renderer *R, const char *s, int font, cp_color c, float x, float y, int ax, int ay);
float cp_rd_textw (cp_renderer *R, const char *s, int font);
float cp_rd_lineh (cp_renderer *R, int font);
float cp_rd_scale (const cp_renderer *R);
void cp_rd_fill (cp_renderer *R, cp_rect q, cp_color c);
void cp_rd_stroke (cp_renderer *R, cp_rect q, cp_color c);
void cp_rd_clip (cp_renderer *R, const cp_rect *q);  /* NULL: no clipping */

/* The formula bar of F->field, over the top of the panels (cp_rfield.c). */
void cp_render_field (cp_renderer *R, const cp_frame *F);

#endif
