/* cp_render_panel.c: one panel drawn: axes and ticks, curves, the factors' axis, legend and cursor */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_render_int.h"
#include "cp_axis.h"

static void drawaxes (cp_renderer *R, const cp_panel *p) {
  cp_axis a;
  char buf[128];
  int i;
  float s = R->s, x0 = p->plot.x, y0 = p->plot.y, x1 = x0 + p->plot.w, y1 = y0 + p->plot.h;
  cp_axis_make(&a, p->t0, p->t1, p->tx, 0, 0);
  for (i = 0; i < a.n; i++) {
    float x = cp_px(p, a.t[i]);
    cpr_color(R, C_GRID);
    SDL_RenderDrawLineF(R->r, x, y0, x, y1);
    cp_axis_label(&a, i, buf, sizeof buf);
    cpr_text(R, buf, F_SMALL, C_DIM, x, y1 + 4 * s, 1, 0);
  }
  if (a.note[0]) {  /* what the labels leave out, on a line of its own under them */
    snprintf(buf, sizeof buf, "%s: %s", p->axis, a.note);
    cpr_text(R, buf, F_SMALL, C_DIM, x0, y1 + 20 * s, 0, 0);
  }
  cp_axis_make(&a, p->y0, p->y1, p->ty, 0, 0);
  for (i = 0; i < a.n; i++) {
    float y = cp_py(p, a.t[i]);
    cpr_color(R, C_GRID);
    SDL_RenderDrawLineF(R->r, x0, y, x1, y);
    cp_axis_label(&a, i, buf, sizeof buf);
    cpr_text(R, buf, F_SMALL, C_DIM, x0 - 5 * s, y, 2, 1);
  }
  if (a.note[0]) cpr_text(R, a.note, F_SMALL, C_DIM, p->outer.x + 10 * s, y0 - 2 * s, 0, 2);
  cpr_color(R, C_AXIS);
  if (p->t0 < 0 && p->t1 > 0) {
    float x = cp_px(p, 0);
    SDL_RenderDrawLineF(R->r, x, y0, x, y1);
  }
  if (p->y0 < 0 && p->y1 > 0) {
    float y = cp_py(p, 0);
    SDL_RenderDrawLineF(R->r, x0, y, x1, y);
  }
  cpr_text(R, p->axis, F_SMALL, C_DIM, x1 - 2 * s, y1 - 3 * s, 2, 2);
}

/* a run of points kept for one polyline; 0 when there is no memory */
static int keep (cp_renderer *R, int n, float x, float y) {
  if (2 * n + 2 > R->cappts) {
    int cap = R->cappts ? 2 * R->cappts : 8192;
    float *q = realloc(R->pts, (size_t)cap * sizeof *q);
    if (!q) return 0;
    R->pts = q;
    R->cappts = cap;
  }
  R->pts[2 * n] = x;
  R->pts[2 * n + 1] = y;
  return 1;
}

static void drawcurve (cp_renderer *R, const cp_panel *p, const cp_curve *c) {
  int i, n = 0;
  float w = (c->light ? 1.7f : 2.6f) * R->s;
  for (i = 0; i <= c->s.n; i++) {
    double y = i < c->s.n ? c->s.y[i] : NAN;
    float x, yy;
    if (!isfinite(y)) {  /* the pen lifts: draw the run so far */
      if (n == 1) cpr_disc(R, R->pts[0], R->pts[1], w / 2, c->color);  /* an isolated point still shows */
      else if (n > 1) cpr_polyline(R, R->pts, n, w, c->color);
      if (R->nvx > 60000) cpr_flush(R);
      n = 0;
      continue;
    }
    x = cp_px(p, c->s.t[i]);
    yy = cp_py(p, y);
    /* points closer than a pixel to the last kept one add triangles but nothing visible */
    if (n > 0 && fabsf(x - R->pts[2 * n - 2]) + fabsf(yy - R->pts[2 * n - 1]) < 1.0f
        && i + 1 < c->s.n && isfinite(c->s.y[i + 1]))
      continue;
    if (keep(R, n, x, yy)) n++;
  }
  cpr_flush(R);
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
  cp_axis a;
  char buf[64];
  cp_panel z;
  const cp_panel *v;
  float s = R->s, x1 = p->plot.x + p->plot.w;
  int i;
  cp_color c = p->ncurves > 1 ? p->curves[1].color : C_DIM;
  if (!p->axis2 || p->ncurves < 2 || !(p->z1 > p->z0)) return;
  v = viewof(p, 1, &z);
  c.r = (unsigned char)(c.r * 0.55f); c.g = (unsigned char)(c.g * 0.55f); c.b = (unsigned char)(c.b * 0.55f);
  cp_axis_make(&a, p->z0, p->z1, p->tz, 0, 0);
  for (i = 0; i < a.n; i++) {
    float y = cp_py(v, a.t[i]);
    cpr_color(R, c);
    SDL_RenderDrawLineF(R->r, x1, y, x1 + 4 * s, y);
    cp_axis_label(&a, i, buf, sizeof buf);
    cpr_text(R, buf, F_SMALL, c, x1 + 6 * s, y, 0, 1);
  }
  if (a.note[0]) cpr_text(R, a.note, F_SMALL, c, p->outer.x + p->outer.w - 6 * s, p->plot.y + p->plot.h + 20 * s, 2, 0);
  cpr_text(R, "factors", F_SMALL, c, x1 + 4 * s, p->plot.y - 4 * s, 0, 2);
}

static void drawcursor (cp_renderer *R, const cp_panel *p) {
  float s = R->s, x = cp_px(p, p->ct);
  int i;
  if (!isfinite(p->ct) || x < p->plot.x || x > p->plot.x + p->plot.w) return;
  cpr_dashed(R, x, p->plot.y, x, p->plot.y + p->plot.h, 1.2f * s, 4 * s, C_CURSOR);
  cpr_flush(R);
  for (i = 0; i < p->ncurves; i++) {
    const cp_mark *m = &p->marks[i];
    cp_panel zv;
    const cp_panel *pv = viewof(p, i, &zv);
    if (!isfinite(m->y)) continue;
    if (m->has_slope && isfinite(m->slope)) {
      /* tangent over a fifth of the plot width each side, in data units */
      double dt = 0.2 * (p->t1 - p->t0);
      float xy[4];
      xy[0] = cp_px(p, p->ct - dt); xy[1] = cp_py(pv, m->y - m->slope * dt);
      xy[2] = cp_px(p, p->ct + dt); xy[3] = cp_py(pv, m->y + m->slope * dt);
      cpr_polyline(R, xy, 2, 1.8f * s, C_TANGENT);
    }
  }
  cpr_flush(R);
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
        cpr_disc(R, x, cp_py(pv, ys[k]), 6.5f * s, C_ERR);
        cpr_disc(R, x, cp_py(pv, ys[k]), 4 * s, C_WHITE);
      }
      continue;
    }
    if (!isfinite(m->y)) continue;
    cpr_disc(R, x, cp_py(pv, m->y), 5.5f * s, C_TANGENT);
    cpr_disc(R, x, cp_py(pv, m->y), 4 * s, p->curves[i].color);
  }
  cpr_flush(R);
}

/* the title, cut short with an ellipsis where it would run past the panel (or into the legend) */
static void titled (cp_renderer *R, const cp_panel *p) {
  float s = R->s, room = p->outer.w - 20 * s;
  char buf[sizeof p->title + 4];
  size_t n = strlen(p->title);
  int row;
  if (p->legend == 1) {
    cp_rect L = cp_legend_rect(R, p, &row);
    if (row) room = L.x - p->outer.x - 26 * s;
  }
  if (p->axis2 && p->legend < 2)  /* the factors' axis names itself at the right of this line */
    room = fminf(room, p->plot.x + p->plot.w - p->outer.x - 14 * s);
  if (room < 40 * s) return;  /* no room even for "h…": the legend names the curves */
  memcpy(buf, p->title, n + 1);
  while (n > 0 && cpr_textw(R, buf, F_TITLE) > room) {
    do n--; while (n > 0 && ((unsigned char)p->title[n] & 0xc0) == 0x80);  /* whole UTF-8 characters */
    memcpy(buf, p->title, n);
    memcpy(buf + n, "\xe2\x80\xa6", 4);
  }
  cpr_text(R, buf, F_TITLE, C_TEXT, p->outer.x + 10 * s, p->outer.y + 15 * s, 0, 1);
}

void cpr_panel (cp_renderer *R, const cp_panel *p) {
  int i;
  cpr_fillrect(R, p->outer, C_PANEL);
  cpr_strokerect(R, p->outer, C_BORDER);
  titled(R, p);
  if (!(p->t1 > p->t0) || !(p->y1 > p->y0)) return;
  drawaxes(R, p);
  cpr_setclip(R, &p->plot);
  if (p->shade && isfinite(p->s0) && isfinite(p->s1)) {
    float a = cp_px(p, p->s0), b = cp_px(p, p->s1);
    cp_color c = p->ncurves > 0 ? p->curves[0].color : C_AXIS;
    cpr_fillrect(R, cpr_rect(a, p->plot.y, b - a, p->plot.h), cpr_alpha(c, 34));
    cpr_color(R, cpr_alpha(c, 120));
    SDL_RenderDrawLineF(R->r, a, p->plot.y, a, p->plot.y + p->plot.h);
    SDL_RenderDrawLineF(R->r, b, p->plot.y, b, p->plot.y + p->plot.h);
  }
  for (i = p->ncurves - 1; i >= 0; i--) {
    cp_panel zv;
    drawcurve(R, viewof(p, i, &zv), &p->curves[i]);
  }
  if (p->cursor) drawcursor(R, p);
  cpr_setclip(R, NULL);
  cpr_legend(R, p);
  cpr_strokerect(R, p->plot, C_BORDER);
  drawaxis2(R, p);
}

/* v to the pixel resolution res: enough decimals to tell neighbouring pixels apart */
static void coord (double v, double res, char *buf, size_t size) {
  int dec = res > 0 && res < 1 ? (int)ceil(-log10(res)) : 0;
  if (fabs(v) >= 1e7 || dec > 12) snprintf(buf, size, "%.6g", v);
  else snprintf(buf, size, "%.*f", dec, fabs(v) < res / 2 ? 0.0 : v);
}

/* the mouse's coordinates in the panel under it, in a small box beside the pointer */
void cpr_hover (cp_renderer *R, const cp_frame *F) {
  const cp_panel *p;
  char a[48], b[48], buf[128];
  float s = R->s, w, x, y;
  cp_rect box;
  if (F->hover < 1 || F->hover > F->npanels || F->help || F->editing) return;
  p = &F->panels[F->hover - 1];
  if (F->mx < p->plot.x || F->mx > p->plot.x + p->plot.w || F->my < p->plot.y || F->my > p->plot.y + p->plot.h
      || !(p->t1 > p->t0) || !(p->y1 > p->y0)) return;
  coord(cp_tx(p, F->mx), (p->t1 - p->t0) / p->plot.w, a, sizeof a);
  coord(cp_ty(p, F->my), (p->y1 - p->y0) / p->plot.h, b, sizeof b);
  {  /* the vertical is named as in the title: u, y, h(x), h'(x) */
    const char *eq = strstr(p->title, " = ");
    int named = eq && eq - p->title <= 12;
    snprintf(buf, sizeof buf, "%s = %s,  %.*s = %s", p->axis, a, named ? (int)(eq - p->title) : 1,
             named ? p->title : "y", b);
  }
  w = cpr_textw(R, buf, F_SMALL) + 12 * s;
  x = F->mx + 14 * s;
  y = F->my + 14 * s;
  if (x + w > p->plot.x + p->plot.w) x = F->mx - 14 * s - w;  /* stays inside the plot */
  if (y + 20 * s > p->plot.y + p->plot.h) y = F->my - 14 * s - 20 * s;
  box = cpr_rect(x, y, w, 20 * s);
  cpr_fillrect(R, box, (cp_color){255, 255, 255, 235});
  cpr_strokerect(R, box, C_AXIS);
  cpr_text(R, buf, F_SMALL, C_TEXT, x + 6 * s, y + 10 * s, 0, 1);
}
