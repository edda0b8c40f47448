/* cp_gview.c: the computational graph drawn over SDL: boxes, partials on edges, the pass so far */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cp_gview.h"
#include "cp_ticks.h"

static const cp_color C_BOX = {255, 255, 255, 255}, C_DONE = {228, 244, 230, 255},
  C_LINE = {150, 155, 162, 255}, C_TEXT = {33, 37, 41, 255}, C_DIM = {102, 108, 115, 255},
  C_ADJ = {196, 36, 36, 255}, C_NOW = {245, 130, 20, 255}, C_PATH = {128, 60, 200, 255},
  C_PATHBG = {243, 236, 252, 255}, C_INPUT = {31, 119, 180, 255}, C_LABELBG = {255, 255, 255, 230},
  C_AREA = {250, 251, 252, 255}, C_BORDER = {208, 212, 218, 255};

static void frame (cp_renderer *R, cp_rect b, float w, cp_color c) {
  cp_draw_seg(R, b.x, b.y, b.x + b.w, b.y, w, c);
  cp_draw_seg(R, b.x + b.w, b.y, b.x + b.w, b.y + b.h, w, c);
  cp_draw_seg(R, b.x + b.w, b.y + b.h, b.x, b.y + b.h, w, c);
  cp_draw_seg(R, b.x, b.y + b.h, b.x, b.y, w, c);
}

/* where edge k of node i starts (its operand's right side) and ends (its own left side) */
static void ends (const cp_gstate *G, int i, int k, float *x1, float *y1, float *x2, float *y2) {
  cp_rect a = cp_gstate_box(G, G->nd[i].arg[k]), b = cp_gstate_box(G, i);
  float f = G->nd[i].nargs == 2 ? (k == 0 ? 0.3f : 0.7f) : 0.5f;  /* u*u: two distinct edges */
  *x1 = a.x + a.w;
  *y1 = a.y + a.h / 2;
  *x2 = b.x;
  *y2 = b.y + b.h * f;
}

/*
** The edge as a polyline: straight, unless it spans layers and would pass under a box; then it
** goes around the layers between, above or below them (whichever is nearer), into the gaps.
*/
static int route (const cp_gstate *G, int i, int k, float *px, float *py) {
  int a = G->nd[i].arg[k], la = G->lay.layer[a], li = G->lay.layer[i], j, hit = 0;
  float x1, y1, x2, y2, top = 1e30f, bottom = -1e30f, m = 6 * G->scale, gap = CP_GGAP_X * G->k;
  ends(G, i, k, &x1, &y1, &x2, &y2);
  px[0] = x1; py[0] = y1;
  for (j = 0; j < G->n; j++) {
    cp_rect b;
    float t, y;
    if (G->lay.layer[j] <= la || G->lay.layer[j] >= li) continue;
    b = cp_gstate_box(G, j);
    if (b.y < top) top = b.y;
    if (b.y + b.h > bottom) bottom = b.y + b.h;
    t = (b.x + b.w / 2 - x1) / (x2 - x1);  /* the line's height over the box's middle */
    y = y1 + (y2 - y1) * t;
    if (y > b.y - m && y < b.y + b.h + m) hit = 1;
  }
  if (!hit) {
    px[1] = x2; py[1] = y2;
    return 2;
  }
  {
    float ry = fabsf((y1 + y2) / 2 - (top - 2 * m)) <= fabsf((y1 + y2) / 2 - (bottom + 2 * m))
               ? top - 2 * m : bottom + 2 * m;
    px[1] = x1 + gap / 2; py[1] = ry;
    px[2] = x2 - gap / 2; py[2] = ry;
    px[3] = x2; py[3] = y2;
    return 4;
  }
}

/* an edge is lit when it is on a selected path, or a term of the current step's sum */
static int edgekind (const cp_gstate *G, int i, int k) {
  int a = G->nd[i].arg[k];
  if (G->sel >= 0 && G->onpath[a] && G->onpath[i]) return 2;
  if (G->current >= 0 && a == G->current && G->current != G->output) return 1;
  return 0;
}

static void drawedges (cp_renderer *R, const cp_gstate *G, float s) {
  int i, k, pass;
  for (pass = 0; pass < 2; pass++)  /* lit edges over the others */
    for (i = 0; i < G->n; i++)
      for (k = 0; k < G->nd[i].nargs; k++) {
        float px[4], py[4], x2, y2, dx, dy, len, w, ah = 9 * s;
        int kind = edgekind(G, i, k), np, q;
        cp_color c = kind == 2 ? C_PATH : kind == 1 ? C_NOW : C_LINE;
        if ((kind != 0) != pass) continue;
        np = route(G, i, k, px, py);
        w = (kind ? 2.6f : 1.3f) * s;
        for (q = 0; q + 1 < np; q++) cp_draw_seg(R, px[q], py[q], px[q + 1], py[q + 1], w, c);
        x2 = px[np - 1];
        y2 = py[np - 1];
        dx = x2 - px[np - 2];
        dy = y2 - py[np - 2];
        len = sqrtf(dx * dx + dy * dy);
        if (len > 0) {  /* an arrowhead: the forward direction, operand to consumer */
          dx /= len;
          dy /= len;
          cp_draw_seg(R, x2, y2, x2 - ah * (dx * 0.9f - dy * 0.45f), y2 - ah * (dy * 0.9f + dx * 0.45f), w, c);
          cp_draw_seg(R, x2, y2, x2 - ah * (dx * 0.9f + dy * 0.45f), y2 - ah * (dy * 0.9f - dx * 0.45f), w, c);
        }
      }
  cp_draw_flush(R);
}

static void drawpartials (cp_renderer *R, const cp_gstate *G, float s) {
  int i, k;
  char buf[40];
  for (i = 0; i < G->n; i++)
    for (k = 0; k < G->nd[i].nargs; k++) {
      float x1, y1, x2, y2, x, y, tw;
      int kind = edgekind(G, i, k);
      cp_rect bg;
      ends(G, i, k, &x1, &y1, &x2, &y2);
      if (isnan(G->nd[i].partial[k])) snprintf(buf, sizeof buf, "undef.");  /* an edge has room for six */
      else cp_fmtnum(G->nd[i].partial[k], buf, sizeof buf);
      tw = cp_draw_textw(R, buf, 1);
      /* just before the arrowhead, off the operand's box */
      x = x2 - tw / 2 - 8 * s;
      if (x - tw / 2 < x2 - CP_GGAP_X * G->k + 3 * s) x = x2 - CP_GGAP_X * G->k + 3 * s + tw / 2;  /* off the operand's box */
      y = y2;  /* at the end point's height: end points are apart, so are the labels */
      bg.x = x - tw / 2 - 3 * s;
      bg.y = y - 8 * s;
      bg.w = tw + 6 * s;
      bg.h = 16 * s;
      cp_draw_fill(R, bg, C_LABELBG);
      cp_draw_text(R, buf, 1, kind == 2 ? C_PATH : kind == 1 ? C_NOW : C_DIM, x, y, 1, 1);
    }
}

static void drawbox (cp_renderer *R, const cp_gstate *G, int i, float s, int full) {
  const cp_gnode *nd = &G->nd[i];
  cp_rect b = cp_gstate_box(G, i);
  char head[96], name[40], num[32], line[120];
  float cx = b.x + b.w / 2, lh = 17 * s;
  int font = G->k < 0.95f * s ? 1 : 0;  /* the small font in boxes shrunk to fit */
  int onpath = G->sel >= 0 && G->onpath[i];
  cp_draw_fill(R, b, onpath ? C_PATHBG : G->known[i] ? C_DONE : C_BOX);
  if (nd->isinput) {
    cp_rect strip = b;
    strip.w = 5 * s;
    cp_draw_fill(R, strip, C_INPUT);
  }
  frame(R, b, 1.2f * s, C_BORDER);
  if (i == G->output) {  /* L has a double border, as in Graphviz */
    cp_rect o = b;
    o.x -= 3 * s; o.y -= 3 * s; o.w += 6 * s; o.h += 6 * s;
    frame(R, o, 1.2f * s, C_LINE);
  }
  if (i == G->sel) frame(R, b, 3 * s, C_PATH);
  if (i == G->current) {
    cp_rect o = b;
    o.x -= 2 * s; o.y -= 2 * s; o.w += 4 * s; o.h += 4 * s;
    frame(R, o, 3.5f * s, C_NOW);
  }
  cp_draw_flush(R);
  cp_gstate_name(G, i, name, sizeof name);
  if (nd->isinput) snprintf(head, sizeof head, "%s", nd->label);
  else if (nd->nargs == 0) snprintf(head, sizeof head, i == G->output ? "L = %s" : "const %s", nd->label);
  else snprintf(head, sizeof head, "%s = %s", name, nd->label);
  if (!full) {  /* too small for numbers: the name alone */
    cp_draw_text(R, head, 1, C_TEXT, cx, b.y + b.h / 2, 1, 1);
    return;
  }
  cp_draw_text(R, head, 2, C_TEXT, cx, b.y + b.h / 2 - lh, 1, 1);
  cp_fmtnum(nd->value, num, sizeof num);
  snprintf(line, sizeof line, "value %s", num);
  cp_draw_text(R, line, font, C_DIM, cx, b.y + b.h / 2, 1, 1);
  if (G->known[i]) {  /* the adjoint once the pass has reached the node */
    cp_fmtnum(G->adj[i], num, sizeof num);
    if (font == 0) snprintf(line, sizeof line, "\xe2\x88\x82L/\xe2\x88\x82%s = %s", name, num);
    else snprintf(line, sizeof line, "grad %s", num);  /* as cr.dot writes it, where room is short */
    cp_draw_text(R, line, font, C_ADJ, cx, b.y + b.h / 2 + lh, 1, 1);
  }
}

void cp_gview_draw (cp_renderer *R, const cp_frame *F, const void *ud) {
  const cp_gstate *G = ud;
  float s = cp_draw_scale(R);
  int i, full;
  (void)F;
  if (!G) return;
  cp_draw_fill(R, G->area, C_AREA);
  cp_draw_clip(R, &G->area);
  if (G->msg[0]) {
    cp_draw_text(R, G->msg, 2, C_ADJ, G->area.x + G->area.w / 2, G->area.y + G->area.h / 2, 1, 1);
  }
  if (G->n > 0) {
    /* numbers only where a box can hold them; zooming in brings them back */
    full = G->k >= 0.62f * s;
    drawedges(R, G, s);
    if (full) drawpartials(R, G, s);
    for (i = 0; i < G->n; i++) drawbox(R, G, i, s, full);
  }
  cp_draw_clip(R, NULL);
}
