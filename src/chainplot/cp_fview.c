/* cp_fview.c: the formula view of the app: open a typed formula, move its split, keep it as a script */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_fview.h"

static void status (cp_app *A, int err, const char *msg) {
  snprintf(A->F.status, sizeof A->F.status, "%.199s", msg);  /* F.status holds 200 */
  A->F.statuserr = err;
}

int cp_app_formula (cp_app *A, const char *text, int depth, int chain) {
  char cur[sizeof A->formula];
  int same, d = 0, n = 0, ch = 0;
  double x0 = A->x0, x1 = A->x1, cx = A->cx;
  cp_app_formulatext(A, cur, sizeof cur);
  same = cur[0] && strcmp(cur, text) == 0;
  if (cp_script_loadformula(A->S, text, depth, chain) != 0) {
    snprintf(A->ferr, sizeof A->ferr, "%s", cp_script_error(A->S));
    return -1;
  }
  cp_script_commit(A->S);  /* a formula's pieces cannot raise: no first-frame trial */
  A->ferr[0] = 0;
  snprintf(A->formula, sizeof A->formula, "%s", text);
  cp_script_formula(A->S, cur, sizeof cur, &d, &n, &ch);
  A->loaderr[0] = A->evalerr[0] = 0;
  A->F.error[0] = A->F.errtitle[0] = 0;
  A->F.status[0] = 0;
  A->F.statuserr = 0;
  cp_script_describe(A->S, &A->F, &A->hx0, &A->hx1);
  snprintf(A->F.paths, sizeof A->F.paths, "%s", cp_script_paths(A->S));
  cp_app_reset(A);
  if (same) {  /* a new split of the same formula: the view stays where the student put it */
    A->x0 = x0;
    A->x1 = x1;
    A->cx = cx;
  }
  A->cursor = 1;
  A->dirty = 1;
  A->trial = 0;
  return 0;
}

void cp_app_formulatext (cp_app *A, char *buf, size_t n) {
  int d, k, ch;
  if (A->formula[0]) snprintf(buf, n, "%s", A->formula);
  else if (!cp_script_formula(A->S, buf, n, &d, &k, &ch)) buf[0] = 0;  /* a script with formula = */
}

int cp_app_split (cp_app *A, int delta) {
  char text[sizeof A->formula], msg[200];
  int d = 0, n = 0, ch = 0, nd;
  if (!cp_script_formula(A->S, text, sizeof text, &d, &n, &ch)) {
    status(A, 0, "[ and ] move the split of a formula (e: type one)");
    return -1;
  }
  if (n < 2) {
    status(A, 0, "this formula is no composition: it has no split");
    return -1;
  }
  nd = (ch ? 1 : d) + delta;
  if (nd < 1 || nd > n - 1) {
    snprintf(msg, sizeof msg, "split %d of %d is already the %s", d, n - 1,
             delta > 0 ? "deepest" : "shallowest");
    status(A, 0, msg);
    return -1;
  }
  if (cp_app_formula(A, text, nd, 0) != 0) {
    status(A, 1, A->ferr);
    return -1;
  }
  return 0;
}

static int exists (const char *path) {
  FILE *f = fopen(path, "rb");
  if (f) fclose(f);
  return f != NULL;
}

int cp_app_writeformula (cp_app *A, const char *dir, char *path, size_t n) {
  char *text = cp_script_formulascript(A->S, A->x0, A->x1), msg[200 + 1100];
  FILE *f;
  int i = 0;
  if (!text) {
    status(A, 0, "w keeps a formula view as a script (e: type a formula)");
    return -1;
  }
  do snprintf(path, n, "%s/chainplot-formula-%d.lua", dir ? dir : ".", ++i);
  while (exists(path) && i < 100000);
  f = fopen(path, "wx");  /* never over a file that appeared meanwhile */
  if (!f || fputs(text, f) < 0) {
    snprintf(msg, sizeof msg, "could not write %s", path);
    if (f) fclose(f);
    free(text);
    status(A, 1, msg);
    return -1;
  }
  if (fclose(f) != 0) {  /* closed either way: never closed twice */
    snprintf(msg, sizeof msg, "could not write %s", path);
    free(text);
    status(A, 1, msg);
    return -1;
  }
  free(text);
  snprintf(msg, sizeof msg, "wrote %s", path);
  status(A, 0, msg);
  return 0;
}
