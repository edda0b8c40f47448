# mk/viewer.mk: chainplot, the SDL2 viewer (C over SDL, Lua 5.4 and the chainrule core embedded)

SDL_PKGS     = sdl2 SDL2_ttf SDL2_image fontconfig
# SDL's own headers are not -pedantic clean: include them as system headers
VIEWER_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(SDL_PKGS) 2>/dev/null | sed 's/-I/-isystem /g') \
                -D_POSIX_C_SOURCE=200809L
VIEWER_LIBS   = $(shell $(PKG_CONFIG) --libs $(SDL_PKGS) lua$(LUA_VERSION) 2>/dev/null) -lm
VIEWER_DEFS   = -DCP_SRCDIR='"$(CURDIR)"' -DCP_LUADIR='"$(INST_LUADIR)"' \
                -DCP_PLOTDIR='"$(PREFIX)/share/chainplot/plots"'

VIEWER_SRC  = $(wildcard src/chainplot/cp_*.c)
VIEWER_LIB  = $(filter-out src/chainplot/cp_main.c,$(VIEWER_SRC))
VIEWER_OBJ  = $(patsubst src/chainplot/%.c,$(BUILD)/viewer/%.o,$(VIEWER_LIB))
VIEWER_MAIN = $(BUILD)/viewer/cp_main.o
CHAINPLOT   = $(BUILD)/chainplot
VIEWER_TESTS = $(patsubst tests/viewer/%.c,$(BUILD)/tests/%,$(wildcard tests/viewer/test_*.c))

EXTRA_ALL    += $(CHAINPLOT)
EXTRA_CTESTS += $(VIEWER_TESTS)
EXTRA_BENCH  += $(CHAINPLOT)
RUN_CMD       = $(CHAINPLOT) plots/cubic.lua

.SECONDEXPANSION:

$(BUILD)/viewer/%.o: src/chainplot/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -g $(LUA_CFLAGS) $(VIEWER_CFLAGS) $(VIEWER_DEFS) -Isrc -MMD -MP -c $< -o $@

# the core and its binding are linked in; luaopen_chainrule_core goes into package.preload
$(CHAINPLOT): $(VIEWER_MAIN) $(VIEWER_OBJ) $$(CORE_OBJ) $$(BIND_OBJ)
	$(CC) -o $@ $^ $(VIEWER_LIBS)

$(BUILD)/tests/test_%: tests/viewer/test_%.c $(VIEWER_OBJ) $$(CORE_OBJ) $$(BIND_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -g $(LUA_CFLAGS) $(VIEWER_CFLAGS) $(VIEWER_DEFS) -Isrc -Isrc/chainplot -MMD -MP \
	  $< $(VIEWER_OBJ) $(CORE_OBJ) $(BIND_OBJ) -o $@ $(VIEWER_LIBS)

EXTRA_INSTALL += install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/chainplot/plots && \
  install -m 0755 $(CHAINPLOT) $(DESTDIR)$(PREFIX)/bin/chainplot && \
  install -m 0644 plots/*.lua $(DESTDIR)$(PREFIX)/share/chainplot/plots/;

-include $(wildcard $(BUILD)/viewer/*.d)
install: $(CHAINPLOT)
