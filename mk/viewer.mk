# mk/viewer.mk: chainplot, the SDL2 viewer (C over SDL, Lua 5.4 and the chainrule core embedded)

SDL_PKGS     = sdl2 SDL2_ttf SDL2_image fontconfig
# SDL's own headers are not -pedantic clean: include them as system headers
VIEWER_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(SDL_PKGS) 2>/dev/null | sed 's/-I/-isystem /g') \
                -D_POSIX_C_SOURCE=200809L
VIEWER_LIBS   = $(shell $(PKG_CONFIG) --libs $(SDL_PKGS) lua$(LUA_VERSION) 2>/dev/null) -lm
VIEWER_DEFS   = -DCP_SRCDIR='"$(CURDIR)"' -DCP_LUADIR='"$(INST_LUADIR)"'

VIEWER_SRC  = $(wildcard src/chainplot/cp_*.c)
PLOTVIEW    = $(BUILD)/chainrule/plotview.so
VIEWER_LIB  = $(filter-out src/chainplot/cp_main.c,$(VIEWER_SRC))
VIEWER_OBJ  = $(patsubst src/chainplot/%.c,$(BUILD)/viewer/%.o,$(VIEWER_LIB))
VIEWER_MAIN = $(BUILD)/viewer/cp_main.o
CHAINPLOT   = $(BUILD)/chainplot
VIEWER_TESTS = $(patsubst tests/viewer/%.c,$(BUILD)/tests/%,$(wildcard tests/viewer/test_*.c))

EXTRA_ALL    += $(CHAINPLOT) $(PLOTVIEW)
EXTRA_CTESTS += $(VIEWER_TESTS)
EXTRA_BENCH  += $(CHAINPLOT)
RUN_CMD       = $(CHAINPLOT) plots/cubic.lua

.SECONDEXPANSION:

$(BUILD)/viewer/%.o: src/chainplot/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -g -fPIC -fvisibility=hidden $(LUA_CFLAGS) $(VIEWER_CFLAGS) $(VIEWER_DEFS) -Isrc -MMD -MP -c $< -o $@

# chainrule.plotview: the same viewer inside a Lua program (liblua comes from the host)
$(PLOTVIEW): $(BUILD)/viewer/lplotview.o $(VIEWER_OBJ) $$(CORE_OBJ) $$(BIND_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LIBFLAG) -o $@ $^ $(shell $(PKG_CONFIG) --libs $(SDL_PKGS) 2>/dev/null) -lm

# the core and its binding are linked in; luaopen_chainrule_core goes into package.preload
$(CHAINPLOT): $(VIEWER_MAIN) $(VIEWER_OBJ) $$(CORE_OBJ) $$(BIND_OBJ)
	$(CC) -o $@ $^ $(VIEWER_LIBS)

$(BUILD)/tests/test_%: tests/viewer/test_%.c $(VIEWER_OBJ) $$(CORE_OBJ) $$(BIND_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -g $(LUA_CFLAGS) $(VIEWER_CFLAGS) $(VIEWER_DEFS) -Isrc -Isrc/chainplot -MMD -MP \
	  $< $(VIEWER_OBJ) $(CORE_OBJ) $(BIND_OBJ) -o $@ $(VIEWER_LIBS)

# the same under ASan + UBSan, for the busted run with LD_PRELOAD=libasan
ASAN_VIEWER_OBJ = $(patsubst src/chainplot/%.c,$(ASAN_BUILD)/viewer/%.o,$(VIEWER_LIB))
ASAN_PLOTVIEW   = $(ASAN_BUILD)/chainrule/plotview.so
ASAN_VIEWER_TESTS = $(patsubst tests/viewer/%.c,$(ASAN_BUILD)/tests/%,$(wildcard tests/viewer/test_*.c))
EXTRA_ASAN     += $(ASAN_PLOTVIEW) $(ASAN_VIEWER_TESTS)

$(ASAN_BUILD)/tests/test_%: tests/viewer/test_%.c $(ASAN_VIEWER_OBJ) $$(ASAN_CORE_OBJ) $$(ASAN_BIND_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SANITIZE) $(LUA_CFLAGS) $(VIEWER_CFLAGS) $(VIEWER_DEFS) -Isrc -Isrc/chainplot -MMD -MP \
	  $< $(ASAN_VIEWER_OBJ) $(ASAN_CORE_OBJ) $(ASAN_BIND_OBJ) -o $@ $(VIEWER_LIBS)

$(ASAN_BUILD)/viewer/%.o: src/chainplot/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SANITIZE) -fPIC -fvisibility=hidden $(LUA_CFLAGS) $(VIEWER_CFLAGS) $(VIEWER_DEFS) -Isrc -MMD -MP -c $< -o $@

$(ASAN_PLOTVIEW): $(ASAN_BUILD)/viewer/lplotview.o $(ASAN_VIEWER_OBJ) $$(ASAN_CORE_OBJ) $$(ASAN_BIND_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LIBFLAG) $(SANITIZE) -o $@ $^ $(shell $(PKG_CONFIG) --libs $(SDL_PKGS) 2>/dev/null) -lm

EXTRA_INSTALL += install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/chainplot/plots && \
  install -m 0755 $(CHAINPLOT) $(DESTDIR)$(PREFIX)/bin/chainplot && \
  install -m 0644 plots/*.lua $(DESTDIR)$(PREFIX)/share/chainplot/plots/ && \
  install -m 0755 $(PLOTVIEW) $(DESTDIR)$(INST_LIBDIR)/chainrule/plotview.so;
# what install adds beyond the module (plotview.so goes with lib/lua/5.4/chainrule)
EXTRA_UNINSTALL += rm -rf $(DESTDIR)$(PREFIX)/bin/chainplot $(DESTDIR)$(PREFIX)/share/chainplot;

-include $(wildcard $(BUILD)/viewer/*.d $(ASAN_BUILD)/viewer/*.d)
install: $(CHAINPLOT) $(PLOTVIEW)
