/* cp_render_line.c: anti-aliased thick polylines over SDL_RenderGeometry (SDL's own lines have no AA) */
#include <math.h>

#include "cp_render_int.h"

/* the quad a..b, c..d (a, c on one edge) with colours ca (edge a-b) and cc (edge c-d) */
static void quad (cp_renderer *R, const float *a, const float *b, const float *c, const float *d,
                  cp_color ca, cp_color cc) {
  cpr_vertex(R, a[0], a[1], ca); cpr_vertex(R, b[0], b[1], ca); cpr_vertex(R, d[0], d[1], cc);
  cpr_vertex(R, a[0], a[1], ca); cpr_vertex(R, d[0], d[1], cc); cpr_vertex(R, c[0], c[1], cc);
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
