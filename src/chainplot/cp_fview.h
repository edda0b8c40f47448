/* cp_fview.h: the formula view of the app: open a typed formula, move its split, keep it as a script */
#ifndef cp_fview_h
#define cp_fview_h

#include <stddef.h>
#include "cp_app.h"

/*
** Opens the formula view of text: split at depth (0: the default), or every link with chain.
** 0, or -1 with the message in A->ferr and the plot on screen kept. The x view is kept when
** the formula is the one on screen (a new split of it).
*/
int cp_app_formula (cp_app *A, const char *text, int depth, int chain);

/* Moves the split one link deeper (+1) or shallower (-1); 0, or -1 with the reason in F.status. */
int cp_app_split (cp_app *A, int delta);

/* The current formula view's text (or "" for a script view) into buf. */
void cp_app_formulatext (cp_app *A, char *buf, size_t n);

/*
** Writes the formula view as a plot script dir/chainplot-formula-N.lua (formula, split, x view);
** 0 with the path in path, or -1 with the reason in F.status.
*/
int cp_app_writeformula (cp_app *A, const char *dir, char *path, size_t n);

#endif
