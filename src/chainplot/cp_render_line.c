/* cp_render_line.c: anti-aliased thick polylines over SDL_RenderGeometry (SDL's own lines have no AA) */
#include <math.h>
#include <stdlib.h>

#include "cp_render_int.h"

/* the quad a..b, c..d (a, c on one edge) with colours ca (edge a-b) and cc (edge c-d) */
static void quad (cp_renderer *R, const float *a, const float *b, const float *c, const float *d,
                  cp_color ca, cp_color cc) {
  cpr_vertex(R, a[0], a[1], ca); cpr_vertex(R, b[0], b[1], ca); cpr_vertex(R, d[0], d[1], cc);
  cpr_vertex(R, a[0], a[1], ca); cpr_vertex(R, d[0], d[1], cc); cpr_vertex(R, c[0], c[1], cc);
}

/* pixel (x, y) covered by the fraction k of the line: kept at its coverage level */
static void dot (cp_renderer *R, int x, int y, float k) {
  int l = (int)(k * CPR_LEVELS + 0.5f);
  if (l <= 0) return;
  if (l > CPR_LEVELS) l = CPR_LEVELS;
  if (R->ndots[l] == R->capdots[l]) {
    int cap = R->capdots[l] ? 2 * R->capdots[l] : 4096;
    SDL_FPoint *q = realloc(R->dots[l], (size_t)cap * sizeof *q);
    if (!q) return;
    R->dots[l] = q;
    R->capdots[l] = cap;
  }
  R->dots[l][R->ndots[l]].x = (float)x;
  R->dots[l][R->ndots[l]++].y = (float)y;
}

/*
** The software renderer's way: each segment walked along its major axis, one pixel centre per
** step (half-open, so joined segments share no column), and across it every pixel the line of
** half width hw covers, at its coverage. Pixels are then drawn a level at a time as points.
*/
/* clips the segment to box b (Liang-Barsky); 0 when nothing of it is inside */
static int clip (float *x1, float *y1, float *x2, float *y2, const float *b) {
  float t0 = 0, t1 = 1, dx = *x2 - *x1, dy = *y2 - *y1, p[4], q[4];
  int k;
  p[0] = -dx; q[0] = *x1 - b[0];
  p[1] = dx;  q[1] = b[2] - *x1;
  p[2] = -dy; q[2] = *y1 - b[1];
  p[3] = dy;  q[3] = b[3] - *y1;
  for (k = 0; k < 4; k++) {
    if (p[k] == 0) { if (q[k] < 0) return 0; continue; }
    if (p[k] < 0) { if (q[k] / p[k] > t1) return 0; if (q[k] / p[k] > t0) t0 = q[k] / p[k]; }
    else { if (q[k] / p[k] < t0) return 0; if (q[k] / p[k] < t1) t1 = q[k] / p[k]; }
  }
  *x2 = *x1 + t1 * dx; *y2 = *y1 + t1 * dy;
  *x1 += t0 * dx; *y1 += t0 * dy;
  return 1;
}

static void softline (cp_renderer *R, const float *xy, int n, float w, cp_color c) {
  float hw = w / 2, box[4];
  int i, l, ow = 0, oh = 0;
  SDL_Rect cr;
  cpr_flush(R);  /* what was batched before stays below */
  /* only what can show is walked: a pole's segment may be a million pixels long */
  SDL_RenderGetClipRect(R->r, &cr);
  if (cr.w <= 0 || cr.h <= 0) {
    SDL_GetRendererOutputSize(R->r, &ow, &oh);
    cr.x = cr.y = 0; cr.w = ow; cr.h = oh;
  }
  box[0] = cr.x - w - 2; box[1] = cr.y - w - 2; box[2] = cr.x + cr.w + w + 2; box[3] = cr.y + cr.h + w + 2;
  for (i = 0; i + 1 < n; i++) {
    float x1 = xy[2 * i], y1 = xy[2 * i + 1], x2 = xy[2 * i + 2], y2 = xy[2 * i + 3];
    float dx, dy, len;
    int swap, a, a0, a1, last = i + 2 == n;
    float t, slope;
    if (!clip(&x1, &y1, &x2, &y2, box)) continue;
    dx = x2 - x1; dy = y2 - y1; len = sqrtf(dx * dx + dy * dy);
    swap = fabsf(dy) > fabsf(dx);
    if (!(len > 0)) continue;
    if (swap) { float q = x1; x1 = y1; y1 = q; q = x2; x2 = y2; y2 = q; q = dx; dx = dy; dy = q; }
    if (dx < 0) { float q = x1; x1 = x2; x2 = q; q = y1; y1 = y2; y2 = q; dx = -dx; dy = -dy; }
    slope = dy / dx;
    t = hw * len / dx;  /* the line's half extent across the major axis */
    a0 = (int)ceilf(x1 - 0.5f);
    a1 = (int)ceilf(x2 - 0.5f) + (last ? 1 : 0);
    for (a = a0; a < a1; a++) {
      float yc = y1 + (a + 0.5f - x1) * slope, lo = yc - t, hi = yc + t;
      int b;
      for (b = (int)floorf(lo); b < (int)ceilf(hi); b++) {
        float k = fminf(b + 1, hi) - fmaxf(b, lo);
        if (swap) dot(R, b, a, k);
        else dot(R, a, b, k);
      }
    }
  }
  for (l = 1; l <= CPR_LEVELS; l++) {
    if (R->ndots[l] == 0) continue;
    SDL_SetRenderDrawBlendMode(R->r, l == CPR_LEVELS ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(R->r, c.r, c.g, c.b, (Uint8)(c.a * l / CPR_LEVELS));
    SDL_RenderDrawPointsF(R->r, R->dots[l], R->ndots[l]);
    R->ndots[l] = 0;
  }
}

/*
** A polyline n points long (xy pairs), w pixels wide: an opaque core w - 1 wide and a one pixel
** feather each side fading to nothing. Vertices share their normals (mitred, the mitre capped),
** so neighbouring segments do not overlap and the joins show no darker spots.
*/
void cpr_polyline (cp_renderer *R, const float *xy, int n, float w, cp_color c) {
  float hw = fmaxf(w - 1, 0.5f) / 2, fe = hw + 1;
  cp_color clear = c;
  float prev[4][2], cur[4][2];  /* outer left, core left, core right, outer right */
  int i;
  clear.a = 0;
  if (R->soft && n >= 2) {
    softline(R, xy, n, w, c);
    return;
  }
  if (n < 2 || !cpr_reserve(R, 18 * (n - 1))) return;
  for (i = 0; i < n; i++) {
    float nx = 0, ny = 0, len, m = 1;
    int k;
    for (k = -1; k <= 0; k++) {  /* the normals of the segments before and after point i */
      int a = i + k, b = i + k + 1;
      float dx, dy, l;
      if (a < 0 || b >= n) continue;
      dx = xy[2 * b] - xy[2 * a];
      dy = xy[2 * b + 1] - xy[2 * a + 1];
      l = sqrtf(dx * dx + dy * dy);
      if (l > 0) { nx += -dy / l; ny += dx / l; }
    }
    len = sqrtf(nx * nx + ny * ny);
    if (!(len > 0)) { nx = 0; ny = 1; len = 1; }
    nx /= len; ny /= len;
    if (i > 0 && i + 1 < n) {  /* the mitre: 1 / cos of half the turn, at most 2 */
      float dx = xy[2 * i + 2] - xy[2 * i], dy = xy[2 * i + 3] - xy[2 * i + 1], l = sqrtf(dx * dx + dy * dy);
      if (l > 0) {
        float cosh = fabsf(-dy / l * nx + dx / l * ny);
        m = cosh > 0.5f ? 1 / cosh : 2;
      }
    }
    for (k = 0; k < 4; k++) {
      float off = (k == 0 ? fe : k == 1 ? hw : k == 2 ? -hw : -fe) * m;
      cur[k][0] = xy[2 * i] + nx * off;
      cur[k][1] = xy[2 * i + 1] + ny * off;
    }
    if (i > 0) {
      quad(R, prev[0], cur[0], prev[1], cur[1], clear, c);
      quad(R, prev[1], cur[1], prev[2], cur[2], c, c);
      quad(R, prev[2], cur[2], prev[3], cur[3], c, clear);
    }
    for (k = 0; k < 4; k++) { prev[k][0] = cur[k][0]; prev[k][1] = cur[k][1]; }
  }
}
