/* cp_render_legend.c: a panel's legend, placed where it hides no curve and no cursor dot */
#include <math.h>
#include <string.h>

#include "cp_render_int.h"

/* does the segment (x1, y1)-(x2, y2) meet box b? (Liang-Barsky clipping) */
static int segmeets (float x1, float y1, float x2, float y2, cp_rect b) {
  float t0 = 0, t1 = 1, dx = x2 - x1, dy = y2 - y1;
  float p[4], q[4];
  int i;
  p[0] = -dx; q[0] = x1 - b.x;
  p[1] = dx;  q[1] = b.x + b.w - x1;
  p[2] = -dy; q[2] = y1 - b.y;
  p[3] = dy;  q[3] = b.y + b.h - y1;
  for (i = 0; i < 4; i++) {
    if (p[i] == 0) {
      if (q[i] < 0) return 0;
    } else {
      float r = q[i] / p[i];
      if (p[i] < 0) { if (r > t1) return 0; if (r > t0) t0 = r; }
      else { if (r < t0) return 0; if (r < t1) t1 = r; }
    }
  }
  return 1;
}

static int inbox (float x, float y, float pad, cp_rect b) {
  return x >= b.x - pad && x <= b.x + b.w + pad && y >= b.y - pad && y <= b.y + b.h + pad;
}

/* how much of the panel's drawing box b would hide: curve pieces, and far worse, cursor dots */
static long covered (const cp_panel *p, cp_rect b, float s) {
  long n = 0;
  int i, k;
  for (i = 0; i < p->ncurves; i++) {
    const cp_curve *c = &p->curves[i];
    const cp_panel *v = p;
    cp_panel z;
    float px = 0, py = 0;
    int pen = 0;
    if (p->axis2 && i > 0 && p->z1 > p->z0) {
      z = *p; z.y0 = p->z0; z.y1 = p->z1; v = &z;
    }
    for (k = 0; k < c->s.n; k++) {
      float x, y;
      if (!isfinite(c->s.y[k])) { pen = 0; continue; }
      x = cp_px(v, c->s.t[k]);
      y = cp_py(v, c->s.y[k]);
      if (pen ? segmeets(px, py, x, y, b) : inbox(x, y, 0, b)) n++;
      px = x; py = y; pen = 1;
    }
    if (p->cursor && isfinite(p->marks[i].y) && inbox(cp_px(p, p->ct), cp_py(v, p->marks[i].y), 8 * s, b))
      n += 100000;
  }
  return n;
}

/* entry i's place in a legend wrapped into rows of width room: row and x offset */
static int wrap (cp_renderer *R, const cp_panel *p, float room, int upto, float *xo) {
  float s = R->s, x = 0;
  int i, row = 0;
  for (i = 0; i <= upto; i++) {
    float e = 34 * s + cpr_textw(R, p->curves[i].label, F_SMALL);
    if (x > 0 && x + e > room) { row++; x = 0; }
    if (i == upto) break;
    x += e;
  }
  *xo = x;
  return row;
}

/* the legend's rectangle as drawn; *row is set when it is drawn as rows above the plot */
cp_rect cp_legend_rect (cp_renderer *R, const cp_panel *p, int *row) {
  float s = R->s, lh = 18 * s, w = 0, rw = 0, m = 6 * s, x1 = p->plot.x + p->plot.w - (p->axis2 ? 8 * s : 0);
  float left = p->outer.x + 10 * s;  /* the title gives way to the legend when both do not fit */
  cp_rect best = cpr_rect(0, 0, 0, 0);
  long bestn = -1;
  int i;
  *row = 0;
  if (p->ncurves < 2) return best;
  for (i = 0; i < p->ncurves; i++) {
    float tw = cpr_textw(R, p->curves[i].label, F_SMALL);
    w = fmaxf(w, tw);
    rw += 34 * s + tw;
  }
  rw -= 12 * s;
  /* above the plot, beside the title or on lines of its own (as cp_layout made room): it hides nothing */
  if (p->legend == 1 && left + rw <= x1) {
    *row = 1;
    return cpr_rect(x1 - rw, p->outer.y + 4 * s, rw, 22 * s);
  }
  if (p->legend >= 2) {
    float room = x1 - p->outer.x - 10 * s, xo;
    if (wrap(R, p, room, p->ncurves - 1, &xo) <= p->legend - 2) {
      *row = p->legend - 1;
      if (*row == 1) room = rw;
      return cpr_rect(x1 - room, p->outer.y + 22 * s, room, lh * (float)*row + 4 * s);
    }
  }
  {
    float bw = w + 38 * s, bh = lh * p->ncurves + 8 * s, x0 = p->plot.x + m, y0 = p->plot.y + m;
    float x2 = p->plot.x + p->plot.w - bw - m, y2 = p->plot.y + p->plot.h - bh - m;
    float xs[3], ys[3];
    int a, b;
    xs[0] = x2; xs[1] = x0; xs[2] = (x0 + x2) / 2;  /* the top right first, as before */
    ys[0] = y0; ys[1] = y2; ys[2] = (y0 + y2) / 2;
    for (b = 0; b < 3; b++)
      for (a = 0; a < 3; a++) {
        cp_rect q = cpr_rect(xs[a], ys[b], bw, bh);
        long n;
        if (a == 2 && b == 2) continue;
        n = covered(p, q, s);
        if (bestn < 0 || n < bestn) { bestn = n; best = q; }
        if (n == 0) return best;
      }
  }
  return best;
}

void cpr_legend (cp_renderer *R, const cp_panel *p) {
  float s = R->s, lh = 18 * s, x, y, xo;
  int i, row;
  cp_rect box = cp_legend_rect(R, p, &row);
  if (p->ncurves < 2) return;
  if (!row) {
    cpr_fillrect(R, box, (cp_color){255, 255, 255, 225});
    cpr_strokerect(R, box, C_BORDER);
  }
  for (i = 0; i < p->ncurves; i++) {
    const cp_curve *c = &p->curves[i];
    if (row) {
      int r = wrap(R, p, p->plot.x + p->plot.w - (p->axis2 ? 18 : 10) * s - p->outer.x, i, &xo);
      x = box.x + xo;
      y = box.y + 11 * s + lh * (float)r;
    } else {
      x = box.x + 8 * s;
      y = box.y + 4 * s + lh * (i + 0.5f);
    }
    {
      float xy[4];
      xy[0] = x; xy[1] = y; xy[2] = x + 16 * s; xy[3] = y;
      cpr_polyline(R, xy, 2, (c->light ? 1.7f : 2.6f) * s, c->color);
    }
    cpr_flush(R);
    cpr_text(R, c->label, F_SMALL, C_TEXT, x + 22 * s, y, 0, 1);
  }
}
