/* cp_gstate.c: the graph view's state: the backward pass stepped, paths to L, the view */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_gstate.h"
#include "cp_ticks.h"

#define GAPX CP_GGAP_X
#define GAPY 18.0f

cp_gstate *cp_gstate_new (void) {
  cp_gstate *G = calloc(1, sizeof *G);
  if (!G) return NULL;
  G->pending = -1;
  G->current = G->sel = -1;
  G->zoom = 1;
  G->scale = 1;
  return G;
}

static void clear (cp_gstate *G) {
  free(G->nd);
  free(G->adj);
  free(G->full);
  free(G->known);
  free(G->onpath);
  cp_glayout_free(&G->lay);
  G->nd = NULL;
  G->adj = G->full = NULL;
  G->known = G->onpath = NULL;
  G->n = 0;
  G->total = G->steps = 0;
  G->current = G->sel = -1;
}

void cp_gstate_free (cp_gstate *G) {
  if (!G) return;
  clear(G);
  free(G);
}

/* the same graph with other numbers: the same operands and labels, node for node */
static int sameshape (const cp_gstate *G, const cp_gnode *nd, int n, int output) {
  int i;
  if (!G->nd || n != G->n || output != G->output) return 0;
  for (i = 0; i < n; i++) {
    const cp_gnode *a = &G->nd[i], *b = &nd[i];
    if (a->nargs != b->nargs || a->isinput != b->isinput || strcmp(a->label, b->label) != 0
        || (a->nargs > 0 && a->arg[0] != b->arg[0]) || (a->nargs > 1 && a->arg[1] != b->arg[1]))
      return 0;
  }
  return 1;
}

/* adjoints at the current step and after the whole pass, and the selected node's paths */
static void recompute (cp_gstate *G) {
  int i, k;
  char *fwd;
  if (G->n == 0) return;
  G->total = cp_gstep_count(G->nd, G->n, G->output);
  if (G->steps > G->total) G->steps = G->total;
  if (G->steps < 0) G->steps = 0;
  cp_gstep_run(G->nd, G->n, G->output, G->total, G->full, G->onpath);  /* onpath as scratch */
  G->current = cp_gstep_run(G->nd, G->n, G->output, G->steps, G->adj, G->known);
  memset(G->onpath, 0, (size_t)G->n);
  G->npaths = 0;
  G->pathsum = 0;
  G->pathtext[0] = 0;
  if (G->sel < 0 || G->sel >= G->n) {
    G->sel = -1;
    return;
  }
  G->npaths = cp_gstep_paths(G->nd, G->n, G->output, G->sel, &G->pathsum, G->pathtext,
                             sizeof G->pathtext);
  if ((fwd = calloc((size_t)G->n, 1)) == NULL) return;
  /* on a path: reached from sel through consumers, and reaching L through operands */
  fwd[G->sel] = 1;
  for (i = G->sel + 1; i <= G->output; i++)
    for (k = 0; k < G->nd[i].nargs; k++) fwd[i] |= fwd[G->nd[i].arg[k]];
  if (fwd[G->output]) {
    G->onpath[G->output] = 1;
    for (i = G->output; i >= G->sel; i--)
      if (G->onpath[i])
        for (k = 0; k < G->nd[i].nargs; k++)
          if (fwd[G->nd[i].arg[k]]) G->onpath[G->nd[i].arg[k]] = 1;
  }
  free(fwd);
}

int cp_gstate_set (cp_gstate *G, cp_gnode *nd, int n, int output) {
  int i, *arg = NULL, keep = sameshape(G, nd, n, output), steps = G->steps, sel = G->sel;
  float *w = NULL, *h = NULL;
  char *late = NULL;
  G->msg[0] = 0;
  if (keep) {  /* a slider moved: the numbers change, the picture stays where it was */
    free(G->nd);
    G->nd = nd;
    recompute(G);
    return 0;
  }
  clear(G);
  if (n > CP_GRAPH_MAXNODES) {
    snprintf(G->msg, sizeof G->msg, "The graph has %d nodes: the graph view draws at most %d "
             "(readable up to about %d). cr.dot(f, x) writes any graph for Graphviz.",
             n, CP_GRAPH_MAXNODES, CP_GRAPH_READABLE);
    G->fresh = 1;
    free(nd);
    return -1;
  }
  if (n <= 0 || output < 0 || output >= n) {
    free(nd);
    return 0;
  }
  G->nd = nd;
  G->n = n;
  G->output = output;
  G->adj = malloc((size_t)n * sizeof *G->adj);
  G->full = malloc((size_t)n * sizeof *G->full);
  G->known = calloc((size_t)n, 1);
  G->onpath = calloc((size_t)n, 1);
  arg = malloc((size_t)n * 2 * sizeof *arg);
  w = malloc((size_t)n * sizeof *w);
  h = malloc((size_t)n * sizeof *h);
  late = malloc((size_t)n);
  if (!G->adj || !G->full || !G->known || !G->onpath || !arg || !w || !h || !late) goto nomem;
  for (i = 0; i < n; i++) {
    arg[2 * i] = nd[i].nargs > 0 ? nd[i].arg[0] : -1;
    arg[2 * i + 1] = nd[i].nargs > 1 ? nd[i].arg[1] : -1;
    w[i] = CP_GBOX_W;
    h[i] = CP_GBOX_H;
    late[i] = 1;  /* inputs and constants next to their first use: short edges */
  }
  if (cp_glayout_runlate(&G->lay, n, arg, w, h, GAPX, GAPY, late) != 0) goto nomem;
  free(arg); free(w); free(h); free(late);
  /* a new script starts at step 0 (or where --step asked); a reload of the same keeps its place */
  G->steps = G->pending == -2 ? n : G->pending >= 0 ? G->pending : (steps > 0 ? steps : 0);
  G->pending = -1;
  G->fresh = 1;
  G->sel = sel >= 0 && sel < n ? sel : -1;
  recompute(G);
  return 0;
nomem:
  free(arg); free(w); free(h); free(late);
  clear(G);
  snprintf(G->msg, sizeof G->msg, "not enough memory for the graph view");
  return -1;
}

void cp_gstate_step (cp_gstate *G, int dir) {
  G->steps += dir;
  recompute(G);
}

void cp_gstate_all (cp_gstate *G) {
  G->steps = G->total;
  recompute(G);
}

void cp_gstate_reset (cp_gstate *G) {
  G->steps = 0;
  recompute(G);
}

void cp_gstate_select (cp_gstate *G, int v) {
  G->sel = (v == G->sel) ? -1 : v;
  recompute(G);
}

static void transform (cp_gstate *G) {
  float m = 16 * G->scale, aw = G->area.w - 2 * m, ah = G->area.h - 2 * m, fit = G->scale;
  float W = G->lay.width, H = G->lay.height;
  if (W > 0 && aw / W < fit) fit = aw / W;
  if (H > 0 && ah / H < fit) fit = ah / H;
  if (!(fit > 0)) fit = G->scale;
  G->k = fit * (float)G->zoom;
  G->ox = G->area.x + G->area.w / 2 - W / 2 * G->k + (float)G->panx;
  G->oy = G->area.y + G->area.h / 2 - H / 2 * G->k + (float)G->pany;
}

void cp_gstate_place (cp_gstate *G, cp_rect area, float scale) {
  G->area = area;
  G->scale = scale > 0 ? scale : 1;
  transform(G);
}

void cp_gstate_zoom (cp_gstate *G, float x, float y, double factor) {
  double z = G->zoom / factor;
  float px, py, k0 = G->k;
  if (z < 0.2 || z > 12 || !(k0 > 0)) return;
  px = (x - G->ox) / k0;  /* the layout point under the mouse stays under it */
  py = (y - G->oy) / k0;
  G->zoom = z;
  transform(G);
  G->panx += x - (G->ox + px * G->k);
  G->pany += y - (G->oy + py * G->k);
  transform(G);
}

void cp_gstate_pan (cp_gstate *G, float dx, float dy) {
  G->panx += dx;
  G->pany += dy;
  transform(G);
}

void cp_gstate_resetview (cp_gstate *G) {
  G->zoom = 1;
  G->panx = G->pany = 0;
  transform(G);
}

cp_rect cp_gstate_box (const cp_gstate *G, int i) {
  cp_rect r;
  r.x = G->ox + G->lay.x[i] * G->k;
  r.y = G->oy + G->lay.y[i] * G->k;
  r.w = CP_GBOX_W * G->k;
  r.h = CP_GBOX_H * G->k;
  return r;
}

int cp_gstate_nodeat (const cp_gstate *G, float x, float y) {
  int i;
  for (i = 0; i < G->n; i++) {
    cp_rect r = cp_gstate_box(G, i);
    if (x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h) return i;
  }
  return -1;
}

void cp_gstate_name (const cp_gstate *G, int v, char *buf, size_t size) {
  if (v == G->output) snprintf(buf, size, "L");
  else if (G->nd[v].isinput) snprintf(buf, size, "%s", G->nd[v].label);
  else snprintf(buf, size, "v%d", v + 1);  /* as cp_gstep's read-out names it */
}

void cp_gstate_pretty (const char *in, char *out, size_t size) {
  size_t o = 0;
  int start = 1;
  if (size == 0) return;
  while (*in && o + 4 < size) {
    const char *sp = strchr(in, ' ');
    const char *sl = strchr(in, '/');
    if (start && in[0] == 'd' && sl && (!sp || sl < sp) && sl[1] == 'd') {
      /* a derivative dA/dB: both d's become ∂ */
      size_t len = (size_t)(sl - in) - 1;
      if (o + len + 8 >= size) break;
      memcpy(out + o, "\xe2\x88\x82", 3);
      memcpy(out + o + 3, in + 1, len);
      o += 3 + len;
      memcpy(out + o, "/\xe2\x88\x82", 4);
      o += 4;
      in = sl + 2;
      start = 0;
      continue;
    }
    if (*in == '*') {  /* a product dot, spaced; a negative factor after it in parentheses */
      int tight = in[1] != ' ';
      if (o + 12 >= size) break;
      if (o == 0 || out[o - 1] != ' ') out[o++] = ' ';
      memcpy(out + o, "\xc2\xb7", 2);
      o += 2;
      if (tight) out[o++] = ' ';
      if (tight && in[1] == '-') {
        size_t len = strspn(in + 2, "0123456789.e+-");
        if (o + len + 4 >= size) break;
        out[o++] = '(';
        memcpy(out + o, in + 1, len + 1);
        o += len + 1;
        out[o++] = ')';
        in += len + 2;
        start = 0;
        continue;
      }
    } else out[o++] = *in;
    start = *in == ' ' || *in == '(' || *in == '*';
    in++;
  }
  out[o] = 0;
}

void cp_gstate_readout (const cp_gstate *G, char *buf, size_t size) {
  char rule[700], nice[900], name[40], v[32], g[32];
  size_t len = 0;
  if (size) buf[0] = 0;
  if (G->msg[0]) {
    snprintf(buf, size, "%s", G->msg);
    return;
  }
  if (G->n == 0) return;
  if (G->steps == 0)
    len = (size_t)snprintf(buf, size, "Step 0 of %d.  space, \xe2\x86\x92: one step   \xe2\x86\x90: back   "
                           "b: the whole pass   0: reset   click an input: its paths to L", G->total);
  else {
    cp_gstep_readout(G->nd, G->n, G->output, G->current, G->adj, rule, sizeof rule);
    cp_gstate_pretty(rule, nice, sizeof nice);
    len = (size_t)snprintf(buf, size, "Step %d of %d:  %s", G->steps, G->total, nice);
  }
  if (G->sel < 0 || len >= size) return;
  cp_gstate_name(G, G->sel, name, sizeof name);
  cp_fmtnum(G->pathsum, v, sizeof v);
  cp_fmtnum(G->full[G->sel], g, sizeof g);
  if (G->npaths == 0)
    snprintf(buf + len, size - len, "\n%s does not reach L: no path, \xe2\x88\x82L/\xe2\x88\x82%s = 0",
             name, name);
  else {
    cp_gstate_pretty(G->pathtext, nice, sizeof nice);
    snprintf(buf + len, size - len, "\n\xe2\x88\x82L/\xe2\x88\x82%s = sum over its %ld path%s to L of the "
             "products of edge partials = %s = %s  (the gradient entry: %s)", name, G->npaths,
             G->npaths == 1 ? "" : "s", nice, v, g);
  }
}

void cp_gstate_status (const cp_gstate *G, char *buf, size_t size) {
  char name[40];
  size_t len;
  if (G->n == 0) {
    snprintf(buf, size, "%s", G->msg[0] ? "graph too large" : "");
    return;
  }
  len = (size_t)snprintf(buf, size, "backward step %d of %d", G->steps, G->total);
  if (G->sel >= 0 && len < size) {
    cp_gstate_name(G, G->sel, name, sizeof name);
    snprintf(buf + len, size - len, " \xc2\xb7 paths from %s to L", name);
  }
}
