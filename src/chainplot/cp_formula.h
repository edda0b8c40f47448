/* cp_formula.h: the formula bar's text field: editing, cursor, select-all, history (pure C, no SDL) */
#ifndef cp_formula_h
#define cp_formula_h

#define CP_FIELDMAX 1001   /* bytes with the NUL: the 1000 characters cr.formula takes */
#define CP_HISTMAX 32      /* formulas remembered for up/down */

typedef struct cp_field {
  int open;
  char text[CP_FIELDMAX];
  int len, cur;            /* in bytes; cur always at a UTF-8 character boundary */
  int all;                 /* everything is selected (ctrl+a): the next edit replaces it */
  char hist[CP_HISTMAX][CP_FIELDMAX];
  int nhist, hpos;         /* hpos == nhist: not browsing the history */
  char draft[CP_FIELDMAX]; /* what was typed before browsing began */
  char err[800];           /* why the last Enter was refused, shown under the field */
} cp_field;

/* editing keys, as the window translates them */
enum { CP_FK_LEFT, CP_FK_RIGHT, CP_FK_HOME, CP_FK_END, CP_FK_BACKSPACE, CP_FK_DELETE,
       CP_FK_UP, CP_FK_DOWN, CP_FK_SELECTALL };

/* Opens the field on text (cursor at its end, nothing selected, no error). */
void cp_field_open (cp_field *f, const char *text);
void cp_field_close (cp_field *f);

/*
** Inserts typed or pasted UTF-8 at the cursor (replacing everything when all is selected).
** Line breaks and tabs become spaces, other control bytes are dropped, and a malformed UTF-8
** byte is dropped. Returns 0, or -1 when the text would pass CP_FIELDMAX - 1 bytes (then the
** part that fits, cut at a character boundary, is inserted).
*/
int cp_field_insert (cp_field *f, const char *s);

/* One editing key; returns 1 when the field changed (text or cursor). */
int cp_field_key (cp_field *f, int key);

/* Remembers the current text in the history (not twice in a row, not when empty). */
void cp_field_remember (cp_field *f);

/* The cursor's byte offset; the prefix text[0..cur) is what the renderer measures. */
int cp_field_cursor (const cp_field *f);

#endif
