/* cp_model.h: the plain data a frame is made of, shared by sampler, renderer and app (no SDL, no Lua) */
#ifndef cp_model_h
#define cp_model_h

struct cp_renderer;

typedef struct cp_color { unsigned char r, g, b, a; } cp_color;
typedef struct cp_rect { float x, y, w, h; } cp_rect;

/* Points of one curve in data coordinates; a NaN y lifts the pen. */
typedef struct cp_series {
  double *t, *y;
  int n, cap;
} cp_series;

#define CP_MAXCURVES 6
#define CP_MAXPANELS 6
#define CP_MAXPARAMS 8

typedef struct cp_curve {
  char label[64];
  cp_color color;
  int light;                /* a factor of the derivative: drawn thinner */
  cp_series s;
} cp_curve;

typedef struct cp_mark {
  double y, slope;
  int has_slope;
  int undefined;            /* no derivative at x0: open rings at y and the sides yl, yr */
  double yl, yr;
} cp_mark;

typedef struct cp_panel {
  char title[160];
  char axis[16];            /* name of the horizontal variable: x, u, u1 ... */
  int isx;                  /* shares the x view with the other x panels */
  double t0, t1, y0, y1;    /* the view */
  int auto_t, auto_y;       /* follow the covered u range / fit y to the curves */
  int shade;                /* shade [s0, s1], the range of u that g covers */
  double s0, s1;
  int ncurves;
  cp_curve curves[CP_MAXCURVES];
  int cursor;               /* marks[i] belongs to curves[i] */
  double ct;
  cp_mark marks[CP_MAXCURVES];
  cp_rect outer, plot;      /* set by cp_layout */
  int legend;               /* set by cp_layout: 1 beside the title, 1 + n on n lines of its own, 0 inside */
  int tx, ty, tz;           /* set by cp_layout: tick targets of the x, y and factor axes */
  int axis2;                /* the light curves (factors) have their own y view z0..z1, on the right */
  double z0, z1;
} cp_panel;

typedef struct cp_slider {
  char name[32];
  double value, min, max;
  double step;              /* 0: any value */
  double initial;           /* the script's value, for r */
  cp_rect track, valuebox;  /* set by cp_layout; a click on the value types a new one */
} cp_slider;

typedef struct cp_frame {
  char title[200];
  int npanels;
  cp_panel panels[CP_MAXPANELS];
  int nsliders;
  cp_slider sliders[CP_MAXPARAMS];
  char readout[480];
  char error[800];
  char errtitle[80];        /* the heading over the error: whether a plot is kept */
  char status[200];
  int statuserr;            /* the status reports a failure (drawn in the error colour) */
  char paths[240];          /* which path each piece takes: compiled or duals */
  int hover;                /* 1 + the panel under the mouse, 0 none; its coordinates are shown */
  float mx, my;             /* the mouse, device pixels */
  int editing;              /* a typed value: 1 + i for slider i, -1 for x0, 0 none */
  char edit[40];            /* what has been typed so far */
  int help;
  int box;                  /* a drag-zoom box is shown */
  cp_rect boxr;
  float scale;              /* device pixels per layout unit (high DPI) */
  cp_rect header, footer;   /* set by cp_layout */
  const struct cp_field *field;  /* the formula bar while it is open (cp_formula.h), else NULL */
  /* a view drawn between header and footer instead of panels (the graph view), and its state */
  void (*body) (struct cp_renderer *R, const struct cp_frame *F, const void *ud);
  const void *bodyud;
  const char *(*helplines)[2];  /* the help overlay's keys, NULL-ended (NULL: the curve views') */
} cp_frame;

void cp_series_clear (cp_series *s);
int cp_series_push (cp_series *s, double t, double y);
void cp_series_free (cp_series *s);

#endif
