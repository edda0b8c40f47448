/* cp_formula.c: the formula bar's text field: editing, cursor, select-all, history (pure C, no SDL) */
#include <string.h>

#include "cp_formula.h"

static void settext (cp_field *f, const char *s) {
  size_t n = strlen(s);
  if (n > CP_FIELDMAX - 1) n = CP_FIELDMAX - 1;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;  /* never half a character */
  memcpy(f->text, s, n);
  f->text[n] = 0;
  f->len = f->cur = (int)n;
  f->all = 0;
}

void cp_field_open (cp_field *f, const char *text) {
  settext(f, text ? text : "");
  f->open = 1;
  f->hpos = f->nhist;
  f->err[0] = 0;
}

void cp_field_close (cp_field *f) {
  f->open = 0;
  f->all = 0;
  f->hpos = f->nhist;
}

/* the length of the UTF-8 character at s (1 to 4), or 0 when s does not start a valid one */
static int charlen (const unsigned char *s) {
  int n, i;
  if (s[0] < 0x80) return 1;
  if ((s[0] & 0xE0) == 0xC0 && s[0] >= 0xC2) n = 2;
  else if ((s[0] & 0xF0) == 0xE0) n = 3;
  else if ((s[0] & 0xF8) == 0xF0 && s[0] <= 0xF4) n = 4;
  else return 0;
  for (i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return n;
}

static void clearall (cp_field *f) {
  if (f->all) {
    f->text[0] = 0;
    f->len = f->cur = 0;
    f->all = 0;
  }
}

int cp_field_insert (cp_field *f, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  clearall(f);
  while (*p) {
    int n = charlen(p);
    char c[4];
    if (n == 0) { p++; continue; }  /* a stray byte: dropped */
    memcpy(c, p, (size_t)n);
    if (n == 1 && (c[0] == '\n' || c[0] == '\r' || c[0] == '\t')) c[0] = ' ';
    else if (n == 1 && ((unsigned char)c[0] < 0x20 || c[0] == 0x7F)) { p++; continue; }
    if (f->len + n > CP_FIELDMAX - 1) return -1;
    memmove(f->text + f->cur + n, f->text + f->cur, (size_t)(f->len - f->cur + 1));
    memcpy(f->text + f->cur, c, (size_t)n);
    f->len += n;
    f->cur += n;
    p += n;
  }
  f->hpos = f->nhist;  /* typing leaves the history */
  return 0;
}

static int prevchar (const cp_field *f, int i) {
  if (i <= 0) return 0;
  i--;
  while (i > 0 && ((unsigned char)f->text[i] & 0xC0) == 0x80) i--;
  return i;
}

static int nextchar (const cp_field *f, int i) {
  if (i >= f->len) return f->len;
  i++;
  while (i < f->len && ((unsigned char)f->text[i] & 0xC0) == 0x80) i++;
  return i;
}

static void cut (cp_field *f, int a, int b) {
  memmove(f->text + a, f->text + b, (size_t)(f->len - b + 1));
  f->len -= b - a;
  f->cur = a;
}

static void browse (cp_field *f, int to) {
  if (to < 0 || to > f->nhist || to == f->hpos) return;
  if (f->hpos == f->nhist) memcpy(f->draft, f->text, sizeof f->draft);
  f->hpos = to;
  settext(f, to == f->nhist ? f->draft : f->hist[to]);
  f->hpos = to;
}

int cp_field_key (cp_field *f, int key) {
  char before[CP_FIELDMAX];
  int cur = f->cur, all = f->all;
  memcpy(before, f->text, (size_t)f->len + 1);
  switch (key) {
  case CP_FK_LEFT: f->cur = f->all ? 0 : prevchar(f, f->cur); f->all = 0; break;
  case CP_FK_RIGHT: f->cur = f->all ? f->len : nextchar(f, f->cur); f->all = 0; break;
  case CP_FK_HOME: f->cur = 0; f->all = 0; break;
  case CP_FK_END: f->cur = f->len; f->all = 0; break;
  case CP_FK_BACKSPACE:
    if (f->all) clearall(f);
    else if (f->cur > 0) cut(f, prevchar(f, f->cur), f->cur);
    break;
  case CP_FK_DELETE:
    if (f->all) clearall(f);
    else if (f->cur < f->len) cut(f, f->cur, nextchar(f, f->cur));
    break;
  case CP_FK_UP: browse(f, f->hpos - 1); break;
  case CP_FK_DOWN: browse(f, f->hpos + 1); break;
  case CP_FK_SELECTALL: f->all = f->len > 0; break;
  default: return 0;
  }
  return f->cur != cur || f->all != all || strcmp(before, f->text) != 0;
}

void cp_field_remember (cp_field *f) {
  if (!f->len || (f->nhist > 0 && strcmp(f->hist[f->nhist - 1], f->text) == 0)) {
    f->hpos = f->nhist;
    return;
  }
  if (f->nhist == CP_HISTMAX) {  /* the oldest goes */
    memmove(f->hist[0], f->hist[1], sizeof f->hist[0] * (CP_HISTMAX - 1));
    f->nhist--;
  }
  memcpy(f->hist[f->nhist++], f->text, (size_t)f->len + 1);
  f->hpos = f->nhist;
}

int cp_field_cursor (const cp_field *f) {
  return f->cur;
}
