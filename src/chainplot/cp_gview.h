/* cp_gview.h: draws the graph view (boxes, edges, highlights) with chainplot's renderer; no Lua */
#ifndef cp_gview_h
#define cp_gview_h

#include "cp_render.h"
#include "cp_gstate.h"

/* Draws the cp_gstate ud into its area; a cp_frame body (see cp_model.h). */
void cp_gview_draw (cp_renderer *R, const cp_frame *F, const void *ud);

#endif
