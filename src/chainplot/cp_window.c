/* cp_window.c: the interactive window: SDL events become cp_app actions */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "SDL.h"
#include "SDL_image.h"

#include "cp_app.h"
#include "cp_gwin.h"
#include "cp_input.h"
#include "cp_render.h"
#include "cp_window.h"
#include "cp_wbar.h"

static void basename_noext (const char *path, char *out, size_t n) {
  const char *b = strrchr(path, '/');
  char *dot;
  size_t len;
  b = b ? b + 1 : path;
  len = strlen(b) < n - 1 ? strlen(b) : n - 1;
  memcpy(out, b, len);
  out[len] = 0;
  if ((dot = strrchr(out, '.')) != NULL) *dot = 0;
}

static void screenshot (cp_app *A, SDL_Renderer *r, const char *dir, int *count) {
  char name[256], path[1400];
  static char msg[1500];
  int w, h;
  SDL_Surface *s;
  SDL_GetRendererOutputSize(r, &w, &h);
  s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!s) return;
  basename_noext(A->formula[0] ? "formula" : A->path[0] ? A->path : "plot.lua", name, sizeof name);
  do {
    snprintf(path, sizeof path, "%s/chainplot-%s-%d.png", dir ? dir : ".", name, ++*count);
  } while (fopen(path, "rb") ? (fclose(fopen(path, "rb")), 1) : 0);
  if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) == 0
      && IMG_SavePNG(s, path) == 0) {
    printf("%s\n", path);
    fflush(stdout);
    snprintf(msg, sizeof msg, "saved %s", path);
    A->F.statuserr = 0;
  } else {
    fprintf(stderr, "chainplot: screenshot failed: %s: %s\n", path, SDL_GetError());
    snprintf(msg, sizeof msg, "could not save %s: %s", path, SDL_GetError());
    A->F.statuserr = 1;  /* said in the window too, where the teacher looks */
  }
  memcpy(A->F.status, msg, sizeof A->F.status - 1);
  A->F.status[sizeof A->F.status - 1] = 0;
  SDL_FreeSurface(s);
}

typedef struct Mouse {
  int mode;          /* 0 idle, 1 pan, 2 box, 3 slider */
  int panel, slider;
  float x, y, sx, sy;
} Mouse;

int cp_window_run (cp_app *A, const cp_winopts *o) {
  SDL_Window *win;
  SDL_Renderer *r;
  cp_renderer *R = NULL;
  Mouse m;
  cp_wbar wb = {0, NULL};
  float scale = 0, user = o->scale > 0 ? o->scale : 1;
  int running = 1, redraw = 1, shots = 0, shown = 0, want_shot = 0;
  Uint32 lastpoll = 0;
  char lasterr[sizeof A->F.error], lastpath[sizeof A->path];
  snprintf(lasterr, sizeof lasterr, "%s", A->F.error);  /* already said by the caller */
  snprintf(lastpath, sizeof lastpath, "%s", A->path);
  win = SDL_CreateWindow("chainplot", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                         o->w ? o->w : 1280, o->h ? o->h : 800,
                         SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_HIDDEN);
  if (!win) return -1;
  SDL_SetWindowMinimumSize(win, CP_MINW, CP_MINH);  /* the smallest layout known to fit its text */
  r = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED);
  if (!r) r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
  if (!r) {
    SDL_DestroyWindow(win);
    return -1;
  }
  memset(&m, 0, sizeof m);
  wb.shotdir = o->shotdir;
  while (running) {
    SDL_Event ev;
    int ww, wh, ow, oh;
    SDL_GetWindowSize(win, &ww, &wh);
    SDL_GetRendererOutputSize(r, &ow, &oh);
    if (ww > 0 && (float)ow / ww * user != scale) {  /* high DPI and --scale: all sized from here */
      scale = (float)ow / ww * user;
      cp_renderer_free(R);
      R = cp_renderer_new(r, o->font, scale);
      A->F.scale = scale;
      A->dirty = 1;
    }
    if (redraw && R) {
      char wt[sizeof A->F.title + 96];
      const char *file = strrchr(A->path, '/') ? strrchr(A->path, '/') + 1 : A->path;
      if (A->formula[0]) file = "";  /* a typed formula is no file's */
      /* the file first: after a failed load the last good plot (and its title) stays */
      if (!file[0] || strcmp(A->F.title, A->path) == 0 || strcmp(A->F.title, file) == 0)
        snprintf(wt, sizeof wt, "chainplot: %s", A->F.title);
      else snprintf(wt, sizeof wt, "chainplot: %.80s: %s", file, A->F.title);
      /* named before sampling, which a runaway script may stretch to its whole budget */
      if (strcmp(wt, SDL_GetWindowTitle(win)) != 0) {
        SDL_SetWindowTitle(win, wt);
        SDL_PumpEvents();
      }
      cp_app_update(A, ow, oh);
      /* every new error also goes to stderr, once (again for another script) */
      if (strcmp(A->F.error, lasterr) != 0 || strcmp(A->path, lastpath) != 0) {
        if (A->F.error[0]) fprintf(stderr, "chainplot: %s\n", A->F.error);
        snprintf(lasterr, sizeof lasterr, "%s", A->F.error);
        snprintf(lastpath, sizeof lastpath, "%s", A->path);
      }
      if (want_shot) {  /* the picture, not the notice of the last save */
        A->F.status[0] = 0;
        A->F.statuserr = 0;
      }
      cp_render(R, &A->F);
      if (want_shot) {
        screenshot(A, r, o->shotdir, &shots);
        want_shot = 0;
        cp_render(R, &A->F);
      }
      SDL_RenderPresent(r);
      if (!shown) {  /* show the window only once it has something in it */
        SDL_ShowWindow(win);
        shown = 1;
      }
      redraw = 0;
    }
    if (!SDL_WaitEventTimeout(&ev, 100)) ev.type = 0;
    do {
      float mx, my;
      /* a key's own modifiers: by the time a queued key is read, ctrl may be up again */
      SDL_Keymod mod = ev.type == SDL_KEYDOWN ? (SDL_Keymod)ev.key.keysym.mod : SDL_GetModState();
      if (ev.type && cp_wbar_event(&wb, A, &ev)) {  /* the formula bar and its keys (cp_wbar.c) */
        redraw = 1;
        continue;
      }
      if (ev.type && cp_input_event(A, &ev, scale)) {  /* typed values */
        redraw = 1;
        continue;
      }
      if (cp_gwin_event(A, &ev, scale)) {  /* the graph view's keys and mouse */
        redraw = 1;
        continue;
      }
      switch (ev.type) {
      case SDL_QUIT:
        running = 0;
        break;
      case SDL_WINDOWEVENT:
        redraw = 1;
        /* without a window manager nothing enforces the minimum size: put it back */
        if (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED && (ev.window.data1 < CP_MINW || ev.window.data2 < CP_MINH))
          SDL_SetWindowSize(win, ev.window.data1 < CP_MINW ? CP_MINW : ev.window.data1,
                            ev.window.data2 < CP_MINH ? CP_MINH : ev.window.data2);
        break;
      case SDL_TEXTINPUT:
        if (strcmp(ev.text.text, "?") == 0) {
          A->F.help = !A->F.help;
          redraw = 1;
        }
        break;
      case SDL_KEYDOWN: {
        double step = (A->x1 - A->x0) * (mod & KMOD_SHIFT ? 0.1 : 0.01);
        redraw = 1;
        switch (ev.key.keysym.sym) {
        case SDLK_q: running = 0; break;
        case SDLK_ESCAPE:  /* Esc closes the help overlay first */
          if (A->F.help) A->F.help = 0;
          else running = 0;
          break;
        case SDLK_h: A->F.help = !A->F.help; break;
        case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS:  /* text size, for a projector */
          user = fminf(user * 1.15f, 4);
          break;
        case SDLK_MINUS: case SDLK_KP_MINUS:
          user = fmaxf(user / 1.15f, 0.5f);
          break;
        case SDLK_0:
          if (mod & KMOD_CTRL) user = o->scale > 0 ? o->scale : 1;
          else redraw = 0;
          break;
        case SDLK_r: cp_app_reset(A); break;
        case SDLK_a: cp_app_fity(A); break;
        case SDLK_s: want_shot = 1; break;
        case SDLK_n: cp_app_step(A, 1); break;
        case SDLK_p: cp_app_step(A, -1); break;
        case SDLK_LEFT: cp_app_setcursor(A, A->cx - step); break;
        case SDLK_RIGHT: cp_app_setcursor(A, A->cx + step); break;
        default: redraw = 0;
        }
        break;
      }
      case SDL_MOUSEWHEEL: {
        int x, y, axes = mod & KMOD_SHIFT ? 1 : mod & KMOD_CTRL ? 2 : 3;
        double f = pow(0.85, ev.wheel.preciseY != 0 ? ev.wheel.preciseY : ev.wheel.y);
        SDL_GetMouseState(&x, &y);
        cp_app_zoom(A, x * scale, y * scale, f, axes);
        redraw = 1;
        break;
      }
      case SDL_MOUSEBUTTONDOWN:
        if (ev.button.button != SDL_BUTTON_LEFT) break;
        mx = ev.button.x * scale;
        my = ev.button.y * scale;
        m.sx = m.x = mx;
        m.sy = m.y = my;
        if ((m.slider = cp_app_sliderat(A, mx, my)) >= 0) {
          m.mode = 3;
          cp_app_slide(A, m.slider, mx);
        } else if ((m.panel = cp_app_panelat(A, mx, my)) >= 0)
          m.mode = mod & KMOD_SHIFT ? 2 : 1;
        redraw = 1;
        break;
      case SDL_MOUSEBUTTONUP:
        if (ev.button.button != SDL_BUTTON_LEFT) break;
        if (m.mode == 2) {
          cp_app_boxzoom(A, m.panel, A->F.boxr);
          A->F.box = 0;
        } else if (m.mode == 1 && fabsf(ev.button.x * scale - m.sx) + fabsf(ev.button.y * scale - m.sy) < 4 * scale)
          cp_app_click(A, ev.button.x * scale, ev.button.y * scale);  /* a click, not a drag: pin */
        m.mode = 0;
        redraw = 1;
        break;
      case SDL_MOUSEMOTION:
        mx = ev.motion.x * scale;
        my = ev.motion.y * scale;
        if (m.mode == 1) cp_app_pan(A, m.panel, mx - m.x, my - m.y);
        else if (m.mode == 3) cp_app_slide(A, m.slider, mx);
        else if (m.mode == 2) {
          A->F.box = 1;
          A->F.boxr.x = fminf(mx, m.sx);
          A->F.boxr.y = fminf(my, m.sy);
          A->F.boxr.w = fabsf(mx - m.sx);
          A->F.boxr.h = fabsf(my - m.sy);
        } else cp_app_hover(A, mx, my);
        m.x = mx;
        m.y = my;
        redraw = 1;
        break;
      default:
        break;
      }
    } while (running && SDL_PollEvent(&ev));
    if (SDL_GetTicks() - lastpoll > 300) {
      lastpoll = SDL_GetTicks();
      if (cp_app_poll(A)) redraw = 1;
    }
  }
  cp_renderer_free(R);
  SDL_DestroyRenderer(r);
  SDL_DestroyWindow(win);
  return 0;
}

