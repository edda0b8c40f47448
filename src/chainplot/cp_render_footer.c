/* cp_render_footer.c: the footer's sliders and the chain rule read out at x0 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cp_render_int.h"
#include "cp_ticks.h"

/* a slider's number: on its step's decimals when it has steps, else 4 significant digits */
void cp_slidernum (const cp_slider *sl, double v, char *buf, size_t size) {
  int dec = 0;
  if (sl->step > 0) {
    while (dec < 6 && fabs(sl->step * pow(10, dec) - round(sl->step * pow(10, dec))) > 1e-9 * pow(10, dec)) dec++;
    snprintf(buf, size, "%.*f", dec, v == 0 ? 0.0 : v);
  } else cp_fmtnum(v, buf, size);
}

void cpr_sliders (cp_renderer *R, const cp_frame *F) {
  float s = R->s;
  int i;
  char buf[64];
  for (i = 0; i < F->nsliders; i++) {
    const cp_slider *sl = &F->sliders[i];
    cp_rect t = sl->track, vb = sl->valuebox;
    float k = (float)((sl->value - sl->min) / (sl->max - sl->min)), cy = t.y + t.h / 2;
    int editing = F->editing == i + 1;
    if (!(k >= 0)) k = 0;
    if (k > 1) k = 1;
    cpr_text(R, sl->name, F_TITLE, C_TEXT, t.x - 14 * s, cy, 2, 1);
    cpr_fillrect(R, t, C_BORDER);
    if (sl->step > 0 && t.w / ((sl->max - sl->min) / sl->step) >= 8 * s) {  /* its steps, where they can be told apart */
      double v;
      for (v = sl->min; v <= sl->max + sl->step * 1e-9; v += sl->step) {
        float x = t.x + t.w * (float)((v - sl->min) / (sl->max - sl->min));
        cpr_fillrect(R, cpr_rect(x - 0.5f * s, t.y - 3 * s, 1 * s, t.h + 6 * s), C_AXIS);
      }
    }
    cpr_fillrect(R, cpr_rect(t.x, t.y, t.w * k, t.h), (cp_color){31, 119, 180, 255});
    cpr_disc(R, t.x + t.w * k, cy, 7 * s, (cp_color){31, 119, 180, 255});
    cpr_disc(R, t.x + t.w * k, cy, 4 * s, C_WHITE);
    cpr_flush(R);
    cp_slidernum(sl, sl->min, buf, sizeof buf);
    cpr_text(R, buf, F_SMALL, C_DIM, t.x, t.y + 9 * s, 0, 0);
    cp_slidernum(sl, sl->max, buf, sizeof buf);
    cpr_text(R, buf, F_SMALL, C_DIM, t.x + t.w, t.y + 9 * s, 2, 0);
    /* the value in a box: a click there types a new one */
    cpr_fillrect(R, vb, editing ? (cp_color){232, 242, 252, 255} : C_WHITE);
    cpr_strokerect(R, vb, editing ? (cp_color){31, 119, 180, 255} : C_BORDER);
    if (editing) snprintf(buf, sizeof buf, "%s|", F->edit);
    else cp_slidernum(sl, sl->value, buf, sizeof buf);
    cpr_text(R, buf, F_NORMAL, C_TEXT, vb.x + 6 * s, vb.y + vb.h / 2, 0, 1);
  }
  if (F->editing < 0) {  /* x0 typed: a box at the footer's bottom right, clear of the sliders */
    cp_rect b = cpr_rect(F->footer.x + F->footer.w - 330 * s, F->footer.y + F->footer.h - 30 * s, 320 * s, 24 * s);
    snprintf(buf, sizeof buf, "x0 = %s|", F->edit);
    cpr_fillrect(R, b, (cp_color){232, 242, 252, 255});
    cpr_strokerect(R, b, (cp_color){31, 119, 180, 255});
    cpr_text(R, buf, F_NORMAL, C_TEXT, b.x + 8 * s, b.y + b.h / 2, 0, 1);
    cpr_text(R, "Enter sets, Esc cancels", F_SMALL, C_DIM, b.x + b.w - 8 * s, b.y + b.h / 2, 2, 1);
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
