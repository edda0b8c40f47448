/* cp_render_footer.c: the footer's sliders and the chain rule read out at x0 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cp_render_int.h"
#include "cp_ticks.h"

void cpr_sliders (cp_renderer *R, const cp_frame *F) {
  float s = R->s;
  int i;
  char buf[64];
  for (i = 0; i < F->nsliders; i++) {
    const cp_slider *sl = &F->sliders[i];
    cp_rect t = sl->track;
    float k = (float)((sl->value - sl->min) / (sl->max - sl->min)), cy = t.y + t.h / 2;
    if (!(k >= 0)) k = 0;
    if (k > 1) k = 1;
    cpr_text(R, sl->name, F_NORMAL, C_TEXT, t.x - 12 * s, cy, 2, 1);
    cpr_fillrect(R, t, C_BORDER);
    cpr_fillrect(R, cpr_rect(t.x, t.y, t.w * k, t.h), (cp_color){31, 119, 180, 255});
    cpr_disc(R, t.x + t.w * k, cy, 7 * s, (cp_color){31, 119, 180, 255});
    cpr_disc(R, t.x + t.w * k, cy, 4 * s, C_WHITE);
    cpr_flush(R);
    cp_fmtnum(sl->value, buf, sizeof buf);
    cpr_text(R, buf, F_NORMAL, C_TEXT, t.x + t.w + 14 * s, cy, 0, 1);
  }
}

/* the read-out, a line at a time, in the largest font that fits; wrapped when none does */
void cpr_readout (cp_renderer *R, const cp_frame *F, int ow) {
  static const int fonts[] = {F_TITLE, F_NORMAL, F_SMALL};
  float s = R->s, avail = ow - 24 * s, y = F->footer.y + F->footer.h - cp_readout_height(F, ow) + 8 * s;
  const char *q = F->readout;
  char line[480];
  while (*q) {
    size_t n = strcspn(q, "\n");
    int k;
    float lh;
    if (n >= sizeof line) n = sizeof line - 1;
    memcpy(line, q, n);
    line[n] = 0;
    for (k = 0; k < 2 && cpr_textw(R, line, fonts[k]) > avail; k++) {}
    lh = R->font[fonts[k]] ? (float)TTF_FontLineSkip(R->font[fonts[k]]) : 17 * s;
    if (cpr_textw(R, line, fonts[k]) <= avail) {
      cpr_text(R, line, fonts[k], C_TEXT, 12 * s, y, 0, 0);
      y += lh;
    } else y = cpr_wrapped(R, line, F_SMALL, C_TEXT, 12 * s, y, avail);
    q += n;
    if (*q == '\n') q++;
  }
}
