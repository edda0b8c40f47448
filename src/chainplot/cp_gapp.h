/* cp_gapp.h: the graph view inside cp_app: a graph script's model, its graph and the frame */
#ifndef cp_gapp_h
#define cp_gapp_h

#include "cp_app.h"

/* After a load: a graph model gets (or, keep = 0, gets a fresh) graph state, others none. */
void cp_gapp_sync (cp_app *A, int keep);
void cp_gapp_free (cp_app *A);
/* Whether the graph view is on; drops it when the model is no longer a graph script's. */
int cp_gapp_active (cp_app *A);

/* Records the graph again when the view is dirty, then fills title, read-out and layout. */
int cp_gapp_update (cp_app *A, int w, int h);

/* The title with the step and the selection (the window shows it before the next update). */
void cp_gapp_title (cp_app *A);

/* Starts after n backward steps (-1: the whole pass), as --step asks; -1 for another script. */
int cp_gapp_setsteps (cp_app *A, int n);

#endif
