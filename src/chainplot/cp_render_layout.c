/* cp_render_layout.c: where header, panels, sliders and footer go, and data to pixel mapping */
#include <math.h>
#include <string.h>

#include "cp_render_int.h"
#include "cp_axis.h"

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

/* a text's width in a font of about cw pixels a character (the layout has no fonts) */
static float textwidth (const char *s, float cw) {
  float n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
  return n * cw;
}

/* the legend as one row: a line sample, the label and a gap per curve (12 px DejaVu) */
static float legendwidth (const cp_panel *p, float s) {
  float w = 0;
  int i;
  for (i = 0; i < p->ncurves; i++) w += 34 * s + textwidth(p->curves[i].label, 7.4f * s);
  return w;
}

/* rows the legend takes when wrapped to room; 0 when a single entry is wider than that */
static int legendlines (const cp_panel *p, float s, float room) {
  float x = 0;
  int i, lines = 1;
  for (i = 0; i < p->ncurves; i++) {
    float e = 34 * s + textwidth(p->curves[i].label, 7.4f * s);
    if (e > room) return 0;
    if (x + e > room) { lines++; x = 0; }
    x += e;
  }
  return lines;
}

/* tick targets and the room their labels and notes take: the margins follow the widest label */
static void axes (cp_panel *p, float s, float head, float right) {
  cp_rect o = p->outer;
  float cw = 7.7f * s, left = 58 * s, bottom = 26 * s;  /* a DejaVu digit at 12 px */
  int pass;
  for (pass = 0; pass < 2; pass++) {
    cp_axis a;
    float h = head;
    p->ty = (int)(p->plot.h / (40 * s));
    cp_axis_make(&a, p->y0, p->y1, p->ty, 0, cw);
    left = fmaxf(58 * s, cp_axis_chars(&a) * cw + 16 * s);
    if (a.note[0]) h += 14 * s;
    bottom = 26 * s;
    p->tz = p->ty;
    if (p->axis2 && p->z1 > p->z0) {
      cp_axis_make(&a, p->z0, p->z1, p->tz, 0, cw);
      right = fmaxf(right, cp_axis_chars(&a) * cw + 14 * s);
      if (a.note[0]) bottom = 40 * s;
    }
    cp_axis_make(&a, p->t0, p->t1, (int)(p->plot.w / (70 * s)), p->plot.w, cw);
    p->tx = a.target;
    if (a.note[0]) bottom = 40 * s;
    p->plot = cpr_rect(o.x + left, o.y + h, o.w - left - right, o.h - h - bottom);
    if (p->plot.w < 10) p->plot.w = 10;
    if (p->plot.h < 10) p->plot.h = 10;
  }
}

void cp_layout (cp_frame *F, int w, int h) {
  float s = F->scale > 0 ? F->scale : 1, gap = 8 * s, top, bottom, bw, bh;
  int n = F->npanels, cols, bestc = 1, rows, i;
  double best = 1e9;
  F->header = cpr_rect(0, 0, (float)w, 30 * s);
  F->footer.h = cp_readout_height(F, w) + (F->nsliders > 0 ? 40 * s : 0);
  F->footer = cpr_rect(0, h - F->footer.h, (float)w, F->footer.h);
  top = F->header.h;
  bottom = F->footer.y;
  bw = (float)w - 2 * gap;
  bh = bottom - top - gap;
  for (i = 0; i < F->nsliders; i++) {
    float sw = ((float)w - 2 * gap) / F->nsliders;
    cp_slider *sl = &F->sliders[i];
    float name = 24 * s + textwidth(sl->name, 8.6f * s);  /* the name, then the track, then its value */
    if (name < 50 * s) name = 50 * s;
    sl->track = cpr_rect(gap + i * sw + name, F->footer.y + 14 * s, sw - name - 100 * s, 4 * s);
    if (sl->track.w < 20) sl->track.w = 20;
    sl->valuebox = cpr_rect(sl->track.x + sl->track.w + 14 * s, sl->track.y + 2 * s - 11 * s, 76 * s, 22 * s);
  }
  if (n < 1) return;  /* a view without panels (the graph view) still has its sliders */
  for (cols = 1; cols <= n; cols++) {  /* cells closest to a 1.6 aspect ratio, few left empty */
    double cw, ch, d;
    rows = (n + cols - 1) / cols;
    cw = (bw - (cols - 1) * gap) / cols;
    ch = (bh - (rows - 1) * gap) / rows;
    d = fabs(log(cw / ch / 1.6)) + 0.25 * (rows * cols - n);  /* a stretched cell costs a little */
    if (d < best - 1e-9) { best = d; bestc = cols; }
  }
  cols = bestc;
  rows = (n + cols - 1) / cols;
  for (i = 0; i < n; i++) {
    cp_panel *p = &F->panels[i];
    /* the last row's panels share its whole width: no empty cells */
    int inrow = i / cols < rows - 1 ? cols : n - (rows - 1) * cols;
    float cw = (bw - (inrow - 1) * gap) / inrow, ch = (bh - (rows - 1) * gap) / rows;
    float x = gap + (i % cols) * (cw + gap), y = top + (i / cols) * (ch + gap);
    float head = 30 * s, right = (p->axis2 ? 56 : 12) * s;
    p->outer = cpr_rect(x, y, cw, ch);
    p->legend = 0;
    if (p->ncurves > 1) {  /* the legend goes above the plot, where it hides nothing, if it fits */
      float room = cw - right - (p->axis2 ? 18 : 10) * s, tw = 10 * s + textwidth(p->title, 8.6f * s) + 16 * s;
      int lines = legendlines(p, s, room);
      if (tw + legendwidth(p, s) <= cw - right) p->legend = 1;
      else if (lines > 0 && ch - 56 * s - 18 * s * lines > 40 * s) {
        p->legend = 1 + lines;
        head += 18 * s * lines;
      } else if (10 * s + legendwidth(p, s) <= cw - right) p->legend = 1;  /* the title cut short, or gone */
    }
    p->plot = cpr_rect(x + 58 * s, y + head, cw - 58 * s - right, ch - head - 26 * s);
    axes(p, s, head, right);
    if (p->plot.w < 10) p->plot.w = 10;
    if (p->plot.h < 10) p->plot.h = 10;
  }
}

/* ---------- drawing ---------- */
