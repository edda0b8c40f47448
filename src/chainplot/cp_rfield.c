/* cp_rfield.c: draws the formula bar (its text field, cursor, selection and error) over the panels */
#include <string.h>

#include "cp_render.h"
#include "cp_formula.h"

static const cp_color C_BAR = {255, 255, 255, 255}, C_EDGE = {31, 119, 180, 255},
  C_INK = {33, 37, 41, 255}, C_HINT = {102, 108, 115, 255}, C_SEL = {187, 216, 240, 255},
  C_ERRBG = {253, 236, 234, 250}, C_ERR = {176, 32, 24, 255};

static const char hint[] = "Enter: apply   Esc: cancel   \xe2\x86\x91\xe2\x86\x93: history";

/* the width of text[a..b) */
static float span (cp_renderer *R, const char *text, int a, int b) {
  char buf[CP_FIELDMAX];
  memcpy(buf, text + a, (size_t)(b - a));
  buf[b - a] = 0;
  return cp_draw_textw(R, buf, CP_FONT_NORMAL);
}

void cp_render_field (cp_renderer *R, const cp_frame *F) {
  const cp_field *f = F->field;
  float s = cp_draw_scale(R), lh = cp_draw_lineh(R, CP_FONT_NORMAL), lw, hw, cx, ow = F->header.w;
  int start = 0;
  cp_rect bar, box, caret, clip;
  if (!f || !f->open) return;
  bar.x = 8 * s;
  bar.y = F->header.y + F->header.h + 4 * s;
  bar.w = ow - 16 * s;
  bar.h = lh + 18 * s;
  cp_draw_fill(R, bar, C_BAR);
  cp_draw_stroke(R, bar, C_EDGE);
  lw = cp_draw_text(R, "formula  h(x) =", CP_FONT_TITLE, C_INK, bar.x + 10 * s, bar.y + bar.h / 2, 0, 1);
  hw = cp_draw_textw(R, hint, CP_FONT_SMALL);
  box.x = bar.x + 20 * s + lw;
  box.y = bar.y + 5 * s;
  box.w = bar.x + bar.w - box.x - (hw > bar.w / 3 ? 10 * s : hw + 24 * s);
  box.h = bar.h - 10 * s;
  if (hw <= bar.w / 3)
    cp_draw_text(R, hint, CP_FONT_SMALL, C_HINT, bar.x + bar.w - 10 * s, bar.y + bar.h / 2, 2, 1);
  cp_draw_stroke(R, box, (cp_color){208, 212, 218, 255});
  /* scroll so the cursor stays in the box: drop characters from the left until it fits */
  while (start < f->cur && span(R, f->text, start, f->cur) > box.w - 14 * s) {
    start++;
    while (start < f->cur && ((unsigned char)f->text[start] & 0xC0) == 0x80) start++;
  }
  clip.x = box.x + 1;
  clip.y = box.y + 1;
  clip.w = box.w - 3;
  clip.h = box.h - 3;
  cp_draw_clip(R, &clip);
  if (f->all && f->len > 0) {
    cp_rect sel = {box.x + 5 * s, box.y + 3 * s, span(R, f->text, start, f->len), box.h - 6 * s};
    if (sel.w > box.w - 10 * s) sel.w = box.w - 10 * s;
    cp_draw_fill(R, sel, C_SEL);
  }
  cp_draw_text(R, f->text + start, CP_FONT_NORMAL, C_INK, box.x + 5 * s, box.y + box.h / 2, 0, 1);
  cx = box.x + 5 * s + span(R, f->text, start, f->cur);
  caret.x = cx;
  caret.y = box.y + 4 * s;
  caret.w = s > 1 ? 2 * s : 2;
  caret.h = box.h - 8 * s;
  cp_draw_fill(R, caret, C_INK);
  cp_draw_clip(R, NULL);
  if (f->err[0]) {  /* why Enter was refused; the plot below is the last good one */
    cp_rect eb = {bar.x, bar.y + bar.h, bar.w, lh + 12 * s};
    cp_draw_fill(R, eb, C_ERRBG);
    cp_draw_stroke(R, eb, C_ERR);
    cp_draw_text(R, f->err, CP_FONT_NORMAL, C_ERR, eb.x + 10 * s, eb.y + eb.h / 2, 0, 1);
  }
}
