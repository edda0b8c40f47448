/* test_cp_formula.c: formula views through the app: splits, chains, read-outs, scripts written by w, PNGs */
#include <stdlib.h>
#include <unistd.h>

#include "cp_check.h"
#include "cp_app.h"
#include "cp_fview.h"
#include "cp_script.h"
#include "cp_render.h"
#include "cp_formula.h"

static char dir[256];

static cp_app *fapp (const char *text, int depth, int chain) {
  cp_app *A = cp_app_new(0, 64u << 20, 20000000L);
  int rc = cp_app_formula(A, text, depth, chain);
  CHECK(rc == 0, "%s opens: %s", text, A->ferr);
  cp_app_update(A, 1600, 1000);
  return A;
}

static void readout (cp_app *A, double x, double *v, int n) {
  int got = cp_script_cursor(A->S, &A->F, x, v, n);
  CHECK(got == n, "cursor gave %d values, expected %d (%s)", got, n, cp_script_error(A->S));
}

static void splits (void) {
  double v[12];
  char text[256];
  int d, n, ch;
  cp_app *A = fapp("(x^2 + 5)^3", 0, 0);
  CHECK(A->F.npanels == 4, "a composition has four panels (got %d)", A->F.npanels);
  CONTAINS(A->F.panels[0].title, "u = g(x) = x\xc2\xb2 + 5", "inner label in textbook form");
  CONTAINS(A->F.panels[1].title, "y = f(u) = u\xc2\xb3", "outer label");
  CONTAINS(A->F.title, "split 1 of 2", "title says the split");
  readout(A, 1.5, v, 7);  /* x, u, y, du/dx, dy/du, h, h' */
  CLOSE(v[1], 7.25, 1e-15, "u = x^2 + 5");
  CLOSE(v[4], 3 * 7.25 * 7.25, 1e-15, "dy/du = 3u^2");
  CLOSE(v[6], 6 * 1.5 * 7.25 * 7.25, 1e-15, "h' = 6x(x^2 + 5)^2");
  CHECK(strstr(cp_script_paths(A->S), "inner: compiled") && strstr(cp_script_paths(A->S), "outer: compiled"),
        "both pieces compile: %s", cp_script_paths(A->S));
  CHECK(cp_script_formula(A->S, text, sizeof text, &d, &n, &ch) && d == 1 && n == 3 && !ch,
        "formula info: depth %d of %d links", d, n);
  /* ] is shallower: at depth 1 it says so and changes nothing */
  CHECK(cp_app_split(A, -1) != 0, "no split shallower than 1");
  CONTAINS(A->F.status, "split 1 of 2 is already the shallowest", "status");
  A->x0 = -2;
  A->x1 = 2;
  CHECK(cp_app_split(A, 1) == 0, "[ goes deeper");
  CHECK(A->x0 == -2 && A->x1 == 2, "the x view stays through a new split");
  cp_app_update(A, 1600, 1000);
  CONTAINS(A->F.panels[0].title, "u = g(x) = x\xc2\xb2", "depth 2 inner");
  CONTAINS(A->F.panels[1].title, "y = f(u) = (u + 5)\xc2\xb3", "depth 2 outer");
  CONTAINS(A->F.title, "split 2 of 2", "title follows");
  readout(A, 1.5, v, 7);
  CLOSE(v[1], 2.25, 1e-15, "u = x^2 at depth 2");
  CLOSE(v[4], 3 * 7.25 * 7.25, 1e-15, "dy/du = 3(u + 5)^2");
  CLOSE(v[6], 6 * 1.5 * 7.25 * 7.25, 1e-15, "h' is the same at every split");
  CHECK(cp_app_split(A, 1) != 0, "no deeper than 2");
  CONTAINS(A->F.status, "split 2 of 2 is already the deepest", "status");
  /* a bad formula keeps the plot */
  CHECK(cp_app_formula(A, "x +* 2", 0, 0) != 0, "a bad formula fails");
  CHECK(strcmp(A->ferr, "formula: unexpected '*' at column 4 in \"x +* 2\"") == 0, "ferr: %s", A->ferr);
  CONTAINS(A->F.title, "split 2 of 2", "the last good plot stays");
  CHECK(cp_app_formula(A, "(x^2 + 5)^3", 9, 0) != 0, "a split too deep fails");
  CONTAINS(A->ferr, "split must be 1 to 2", "ferr");
  cp_app_free(A);
}

static void chains (void) {
  double v[12];
  cp_app *A = fapp("sqrt(1 + sin(x)^2)", 0, 1);
  CHECK(A->F.npanels == 6, "four links: six panels (got %d)", A->F.npanels);
  CONTAINS(A->F.panels[0].title, "u = g1(x) = sin(x)", "link 1");
  CONTAINS(A->F.panels[1].title, "v = g2(u) = u\xc2\xb2", "link 2");
  CONTAINS(A->F.panels[2].title, "w = g3(v) = 1 + v", "link 3 in its own variable");
  CONTAINS(A->F.panels[3].title, "y = g4(w) = sqrt(w)", "link 4");
  readout(A, 0.7, v, 11);  /* x, u1..u4, d1..d4, h, h' */
  CLOSE(v[9], sqrt(1 + sin(0.7) * sin(0.7)), 1e-15, "h");
  CLOSE(v[10], sin(0.7) * cos(0.7) / sqrt(1 + sin(0.7) * sin(0.7)), 1e-14, "h'");
  CHECK(cp_app_split(A, 1) == 0, "[ on a chain view goes to split 2");
  CONTAINS(A->F.title, "split 2 of 3", "from chain to split");
  cp_app_free(A);

  A = fapp("exp(sin(cos(x^2 + 1)))", 0, 1);
  CONTAINS(A->F.title, "5 links (the innermost 2 merged)", "more than 4 links merge");
  CONTAINS(A->F.panels[0].title, "u = g1(x) = x\xc2\xb2 + 1", "merged innermost link");
  cp_app_free(A);
}

static void alone (void) {
  double v[6];
  cp_app *A = fapp("x*sin(x)", 0, 0);
  CHECK(A->F.npanels == 3, "no composition: f alone (got %d panels)", A->F.npanels);
  CHECK(strcmp(A->F.title, "h(x) = x\xc2\xb7sin(x) is a product of two functions of x, not a composition f(g(x))") == 0,
        "the reason is the title: %s", A->F.title);
  readout(A, 2, v, 5);
  CLOSE(v[1], 2 * sin(2.0), 1e-15, "f");
  CLOSE(v[2], sin(2.0) + 2 * cos(2.0), 1e-15, "f'");
  CHECK(cp_app_split(A, 1) != 0, "no split to move");
  CONTAINS(A->F.status, "no composition", "status");
  cp_app_free(A);
}

static void writes (void) {
  char path[600], path2[600];
  cp_app *A = fapp("(x^2 + 5)^3", 2, 0), *B;
  FILE *f;
  char buf[400];
  size_t n;
  A->x0 = -1.5;
  A->x1 = 2.25;
  CHECK(cp_app_writeformula(A, dir, path, sizeof path) == 0, "w writes: %s", A->F.status);
  CONTAINS(path, "/chainplot-formula-1.lua", "its name");
  CHECK(cp_app_writeformula(A, dir, path2, sizeof path2) == 0, "again");
  CONTAINS(path2, "/chainplot-formula-2.lua", "never over the first");
  f = fopen(path, "rb");
  n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  buf[n] = 0;
  if (f) fclose(f);
  CONTAINS(buf, "formula = \"(x^2 + 5)^3\",\n  split = 2,\n  x = {-1.5, 2.25},", "the script");
  /* and it opens as any script, in the same view */
  B = cp_app_new(0, 64u << 20, 20000000L);
  CHECK(cp_app_open(B, path) == 0, "the written script opens: %s", B->loaderr);
  CHECK(B->hx0 == -1.5 && B->hx1 == 2.25, "with its x view");
  CONTAINS(B->F.title, "split 2 of 2", "and its split");
  CHECK(cp_app_split(B, -1) == 0, "] works on it too");
  CONTAINS(B->F.title, "split 1 of 2", "now split 1");
  cp_app_free(B);
  cp_app_free(A);
  /* a script view has no formula to write */
  A = cp_app_new(0, 64u << 20, 20000000L);
  cp_app_open(A, CP_SRCDIR "/plots/cubic.lua");
  CHECK(cp_app_writeformula(A, dir, path, sizeof path) != 0, "w on a script view");
  CONTAINS(A->F.status, "w keeps a formula view", "says why");
  CHECK(cp_app_split(A, 1) != 0, "[ on a script view");
  CONTAINS(A->F.status, "[ and ] move the split of a formula (e: type one)", "says why");
  CHECK(cp_app_formula(A, "sin(x^2)", 0, 0) == 0, "a script view becomes a formula view");
  CHECK(cp_app_writeformula(A, "/nonexistent-dir", path, sizeof path) != 0, "w into a missing folder");
  CHECK(strcmp(A->F.status, "could not write /nonexistent-dir/chainplot-formula-1.lua") == 0 && A->F.statuserr,
        "says so in red: %s", A->F.status);
  CHECK(A->formula[0] && cp_app_poll(A) == 0, "and is not reloaded from the file");
  CHECK(cp_app_step(A, 1) == 0 && strstr(A->path, "exp3x.lua") && !A->formula[0], "n still walks the folder");
  cp_app_free(A);
}

static void renders (void) {
  static const char *const fs[] = {"(x^2 + 5)^3", "x*sin(x)", "sqrt(1 + sin(x)^2)", "1/(1 + e^(-x))",
                                   "ln(x^2 - 1)", "2sin(3x)"};
  size_t i;
  for (i = 0; i < sizeof fs / sizeof fs[0]; i++) {
    char png[400], err[200];
    cp_app *A = fapp(fs[i], 0, i == 2);
    FILE *f;
    snprintf(png, sizeof png, "%s/f%d.png", dir, (int)i);
    CHECK(cp_app_export(A, NULL, 800, 500, 1, png, err, sizeof err) == 0, "%s renders: %s", fs[i], err);
    CHECK(A->F.error[0] == 0, "%s: no error (%s)", fs[i], A->F.error);
    f = fopen(png, "rb");
    CHECK(f != NULL, "%s: PNG written", fs[i]);
    if (f) {
      long size;
      fseek(f, 0, SEEK_END);
      size = ftell(f);
      CHECK(size > 15000, "%s: a real picture (%ld bytes)", fs[i], size);
      fclose(f);
    }
    cp_app_free(A);
  }
}

static int n_;
static cp_field F0;  /* large (its history): not on the stack */

static void field (void) {
  cp_field *f = &F0;
  char big[3000];
  cp_field_open(f, "(x^2 + 5)^3");
  CHECK(f->open && f->len == 11 && f->cur == 11 && !f->all, "opens with the cursor at the end");
  cp_field_key(f, CP_FK_HOME);
  CHECK(f->cur == 0, "home");
  cp_field_insert(f, "2");
  CHECK(strcmp(f->text, "2(x^2 + 5)^3") == 0 && f->cur == 1, "typing inserts at the cursor: %s", f->text);
  cp_field_key(f, CP_FK_END);
  cp_field_key(f, CP_FK_BACKSPACE);
  CHECK(strcmp(f->text, "2(x^2 + 5)^") == 0, "backspace: %s", f->text);
  cp_field_key(f, CP_FK_HOME);
  cp_field_key(f, CP_FK_DELETE);
  CHECK(strcmp(f->text, "(x^2 + 5)^") == 0 && f->cur == 0, "delete: %s", f->text);
  cp_field_key(f, CP_FK_LEFT);
  CHECK(f->cur == 0, "left stops at the start");
  cp_field_key(f, CP_FK_RIGHT);
  cp_field_key(f, CP_FK_RIGHT);
  CHECK(f->cur == 2, "right");
  /* UTF-8: one key moves over one character, backspace removes it whole */
  cp_field_open(f, "x\xc2\xb7y");
  cp_field_key(f, CP_FK_LEFT);
  cp_field_key(f, CP_FK_LEFT);
  CHECK(f->cur == 1, "left over a two-byte character (cur %d)", f->cur);
  cp_field_key(f, CP_FK_RIGHT);
  CHECK(f->cur == 3, "right over it");
  cp_field_key(f, CP_FK_BACKSPACE);
  CHECK(strcmp(f->text, "xy") == 0 && f->cur == 1, "backspace removes the whole character");
  /* select-all, then typing replaces; backspace clears */
  cp_field_open(f, "sin(x)");
  CHECK(cp_field_key(f, CP_FK_SELECTALL) && f->all, "ctrl+a selects all");
  cp_field_insert(f, "cos(x)");
  CHECK(strcmp(f->text, "cos(x)") == 0 && !f->all, "typing replaces the selection: %s", f->text);
  cp_field_key(f, CP_FK_SELECTALL);
  cp_field_key(f, CP_FK_BACKSPACE);
  CHECK(f->len == 0 && f->text[0] == 0, "backspace clears a selection");
  cp_field_open(f, "abc");
  cp_field_key(f, CP_FK_SELECTALL);
  cp_field_key(f, CP_FK_LEFT);
  CHECK(!f->all && f->cur == 0, "left ends a selection at its start");
  /* pasted text: line breaks become spaces, control bytes and broken UTF-8 go */
  cp_field_open(f, "");
  cp_field_insert(f, "x +\n2\t*\x01 3\xff\xc2");
  CHECK(strcmp(f->text, "x + 2 * 3") == 0, "paste is cleaned: \"%s\"", f->text);
  /* the length limit: the part that fits, never half a character */
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  cp_field_open(f, "");
  CHECK(cp_field_insert(f, big) == -1 && f->len == CP_FIELDMAX - 1, "too long: cut at %d bytes", f->len);
  cp_field_open(f, "");
  memset(big, 0, sizeof big);
  for (n_ = 0; n_ < 600; n_++) memcpy(big + 2 * n_, "\xc2\xb7", 2);
  cp_field_insert(f, big);
  CHECK(f->len == 1000 && (f->text[999] & 0xC0) == 0x80, "cut at a character boundary (%d)", f->len);
  /* history: up goes back, down forward, and back to what was being typed */
  f->nhist = 0;
  cp_field_open(f, "sin(x^2)");
  cp_field_remember(f);
  cp_field_open(f, "(x^2 + 5)^3");
  cp_field_remember(f);
  cp_field_remember(f);
  CHECK(f->nhist == 2, "not twice in a row (%d)", f->nhist);
  cp_field_open(f, "ln(");
  cp_field_key(f, CP_FK_UP);
  CHECK(strcmp(f->text, "(x^2 + 5)^3") == 0, "up: the last one: %s", f->text);
  cp_field_key(f, CP_FK_UP);
  CHECK(strcmp(f->text, "sin(x^2)") == 0, "up again: %s", f->text);
  CHECK(!cp_field_key(f, CP_FK_UP) && strcmp(f->text, "sin(x^2)") == 0, "up stops at the oldest");
  cp_field_key(f, CP_FK_DOWN);
  cp_field_key(f, CP_FK_DOWN);
  CHECK(strcmp(f->text, "ln(") == 0, "down returns to the draft: %s", f->text);
  for (n_ = 0; n_ < CP_HISTMAX + 5; n_++) {
    char t[32];
    snprintf(t, sizeof t, "x + %d", n_);
    cp_field_open(f, t);
    cp_field_remember(f);
  }
  CHECK(f->nhist == CP_HISTMAX && strcmp(f->hist[0], "x + 5") == 0, "the oldest go: %s", f->hist[0]);
  cp_field_close(f);
  CHECK(!f->open, "closed");
}

static void barrender (void) {
  /* the bar drawn off-screen, with an error under it, over the last good plot */
  char png[400], err[200];
  cp_app *A = fapp("(x^2 + 5)^3", 0, 0);
  cp_field_open(&A->bar, "x +* 2");
  CHECK(cp_app_formula(A, A->bar.text, 0, 0) != 0, "the bar's formula is refused");
  snprintf(A->bar.err, sizeof A->bar.err, "%s", A->ferr);
  A->F.field = &A->bar;
  snprintf(png, sizeof png, "%s/bar.png", dir);
  CHECK(cp_app_export(A, NULL, 900, 560, 1, png, err, sizeof err) == 0, "renders with the bar: %s", err);
  CHECK(A->F.npanels == 4, "the plot is kept");
  if (getenv("CP_KEEP_PNG")) {  /* for looking at it: CP_KEEP_PNG=/tmp/bar.png */
    char cmd[900];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", png, getenv("CP_KEEP_PNG"));
    if (system(cmd) != 0) printf("note: could not copy the PNG\n");
  }
  cp_app_free(A);
}

int main (void) {
  char tmpl[] = "/tmp/cpformXXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  strcpy(dir, tmpl);
  splits();
  chains();
  alone();
  writes();
  renders();
  field();
  barrender();
  {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
  }
  SDL_Quit();
  cp_fonts_shutdown();  /* fontconfig's process-wide state: no leak reported at exit */
  return report();
}
