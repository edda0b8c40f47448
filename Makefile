# chainrule: build, test, install and benchmark the Lua module (and, from mk/, the viewer)

# make LUA_VERSION=5.1|5.2|5.3|5.4, or make LUA=luajit (LuaJIT 2.1 installs its modules as Lua 5.1's)
ifeq ($(notdir $(LUA)),luajit)
LUA_VERSION  = 5.1
LUA_PC      ?= luajit
LUA_TAG     ?= luajit
endif
LUA_VERSION ?= 5.4
LUA         ?= lua$(LUA_VERSION)
LUA_PC      ?= lua$(LUA_VERSION)
LUA_TAG     ?= $(LUA_VERSION)
PKG_CONFIG  ?= pkg-config
LUA_INCDIR  ?= $(shell $(PKG_CONFIG) --variable=includedir $(LUA_PC) 2>/dev/null || echo /usr/include)/lua$(LUA_VERSION)
LUA_CFLAGS  ?= $(shell $(PKG_CONFIG) --cflags $(LUA_PC) 2>/dev/null || echo -I$(LUA_INCDIR))

CC       ?= cc
CFLAGS   ?= -O2
WARN      = -Wall -Wextra -Werror -std=c99 -pedantic -Wno-overlength-strings
CR_CFLAGS = $(WARN) -fPIC -fvisibility=hidden $(CFLAGS)
LIBFLAG  ?= -shared
LDLIBS_CORE = -lm

PREFIX      ?= /usr/local
DESTDIR     ?=
INST_LIBDIR ?= $(PREFIX)/lib/lua/$(LUA_VERSION)
INST_LUADIR ?= $(PREFIX)/share/lua/$(LUA_VERSION)

# 5.4 builds in build/ as always; every other Lua in its own build/<version>/ (build/luajit/)
ifeq ($(LUA_TAG),5.4)
BUILD      ?= build
ASAN_BUILD ?= build-asan
else
BUILD      ?= build/$(LUA_TAG)
ASAN_BUILD ?= build-asan/$(LUA_TAG)
endif
SANITIZE    = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# the C core: no Lua in here
CORE_SRC = src/cr_ops.c src/cr_dual.c src/cr_taylor.c
# the thin Lua binding around it
BIND_SRC = src/ldual.c src/lderiv.c src/ltaylor.c src/lcore.c
LUA_MODULES = $(wildcard lua/chainrule/*.lua)
C_TESTS  = $(patsubst tests/c/%.c,%,$(wildcard tests/c/test_*.c))
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC     ?= clang

# pieces added by other parts of the project (viewer, tape, expressions);
# a rule in a fragment must not become the default goal
.DEFAULT_GOAL := all
# chainplot and chainrule.plotview embed Lua 5.4: the other versions build and test the module alone
MK_FRAGMENTS = $(wildcard mk/*.mk)
ifneq ($(LUA_TAG),5.4)
MK_FRAGMENTS := $(filter-out mk/viewer.mk,$(MK_FRAGMENTS))
endif
-include $(MK_FRAGMENTS)

# the other Lua versions installed here (interpreter and headers): make test and make bench run on each
OTHER_LUAS  = $(foreach v,5.1 5.2 5.3,$(if $(shell command -v lua$(v)),$(if $(shell $(PKG_CONFIG) --exists lua$(v) && echo y),$(v))))
OTHER_LUAS += $(if $(shell command -v luajit),$(if $(shell $(PKG_CONFIG) --exists luajit && echo y),luajit))
# the make arguments of version v (a shell variable in a recipe): LUA=luajit, or LUA_VERSION=5.x
lua_args    = LUA=$$(case $(1) in luajit) echo luajit;; *) echo lua$(1);; esac) \
              LUA_VERSION=$$(case $(1) in luajit) echo 5.1;; *) echo $(1);; esac)

CORE_OBJ      = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CORE_SRC))
BIND_OBJ      = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(BIND_SRC))
ASAN_CORE_OBJ = $(patsubst src/%.c,$(ASAN_BUILD)/obj/%.o,$(CORE_SRC))
ASAN_BIND_OBJ = $(patsubst src/%.c,$(ASAN_BUILD)/obj/%.o,$(BIND_SRC))
MODULE        = $(BUILD)/chainrule/core.so
ASAN_MODULE   = $(ASAN_BUILD)/chainrule/core.so

.PHONY: all test run bench bench-core install uninstall clean env deps asan ctests sources fuzz memcheck

all: $(MODULE) $(EXTRA_ALL)

deps:
	@scripts/install-deps

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CR_CFLAGS) $(LUA_CFLAGS) -MMD -MP -c $< -o $@

$(ASAN_BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CR_CFLAGS) -O1 -g $(SANITIZE) -DLUA_USE_APICHECK $(LUA_CFLAGS) -MMD -MP -c $< -o $@

$(MODULE): $(CORE_OBJ) $(BIND_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LIBFLAG) -o $@ $^ $(LDLIBS_CORE)

$(ASAN_MODULE): $(ASAN_CORE_OBJ) $(ASAN_BIND_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LIBFLAG) $(SANITIZE) -o $@ $^ $(LDLIBS_CORE)

# C tests link the core alone, proving it needs no Lua
$(BUILD)/tests/%: tests/c/%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -Isrc -MMD -MP $< $(CORE_OBJ) -o $@ $(LDLIBS_CORE)

$(ASAN_BUILD)/tests/%: tests/c/%.c $(ASAN_CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SANITIZE) -Isrc -MMD -MP $< $(ASAN_CORE_OBJ) -o $@ $(LDLIBS_CORE)

# fuzz harnesses also build as plain programs that run random inputs from a seed
$(BUILD)/tests/test_%: tests/fuzz/%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -DCR_FUZZ_STANDALONE -Isrc $< $(CORE_OBJ) -o $@ $(LDLIBS_CORE)

$(ASAN_BUILD)/tests/test_%: tests/fuzz/%.c $(ASAN_CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SANITIZE) -DCR_FUZZ_STANDALONE -Isrc $< $(ASAN_CORE_OBJ) -o $@ $(LDLIBS_CORE)

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(CORE_SRC) $(RULES_GEN)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -g -fsanitize=fuzzer,address,undefined $(RULES_GEN_FLAGS) -Isrc $< $(CORE_SRC) -o $@ -lm

asan: $(ASAN_MODULE) $(addprefix $(ASAN_BUILD)/tests/,$(C_TESTS) $(addprefix test_,$(FUZZ_TARGETS))) $(EXTRA_ASAN)

ctests: $(addprefix $(BUILD)/tests/,$(C_TESTS) $(addprefix test_,$(FUZZ_TARGETS))) $(EXTRA_CTESTS)

# the C tests, the specs and a fuzz run under Valgrind memcheck: no errors, no leaks definitely lost
VALGRIND = valgrind -q --keep-debuginfo=yes --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp \
           --show-leak-kinds=definite --error-exitcode=1
memcheck: deps
	@$(MAKE) --no-print-directory all ctests
	@for t in $(addprefix $(BUILD)/tests/,$(C_TESTS) $(addprefix test_,$(FUZZ_TARGETS))) $(EXTRA_CTESTS); do \
	  echo "== memcheck $$t"; $(VALGRIND) $$t 2000 || exit 1; done
	@echo "== memcheck busted"
	@LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='$(BUILD)/?.so;;' \
	  $(VALGRIND) $(LUA) $$(command -v busted) --run=default --exclude-tags=noasan,gui -o utfTerminal
	@echo "== memcheck Lua API fuzzer"
	@LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='$(BUILD)/?.so;;' \
	  $(VALGRIND) $(LUA) scripts/fuzz.lua --seed 3 --count 2000

# coverage-guided fuzzing of the C core (libFuzzer), FUZZ_SECONDS per harness, then the Lua API fuzzer
fuzz: deps $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$t; \
	  $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(FUZZ_BUILD)/corpus-$$t || exit 1; \
	done
	@LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='$(BUILD)/?.so;;' \
	  $(LUA) scripts/fuzz.lua --seed $${FUZZ_SEED:-$$(date +%s)} --count $${FUZZ_PROGRAMS:-500000}

test: deps
	@$(MAKE) --no-print-directory all ctests asan $(EXTRA_BENCH)  # benchmark programs must build too
	@for v in $(OTHER_LUAS); do $(MAKE) --no-print-directory $(call lua_args,$$v) all || exit 1; done
	@BUILD=$(BUILD) ASAN_BUILD=$(ASAN_BUILD) LUA=$(LUA) LUA_OTHERS="$(OTHER_LUAS)" scripts/run-tests

run: deps
	@$(MAKE) --no-print-directory all
	@$(RUN_CMD)

RUN_CMD ?= LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='$(BUILD)/?.so;;' $(LUA) scripts/demo.lua

# every scripts/bench_*.lua prints its own table; the README quotes them
bench: deps
	@$(MAKE) --no-print-directory all $(EXTRA_BENCH)
	@for s in scripts/bench_*.lua; do \
	  LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='$(BUILD)/?.so;;' $(LUA) $$s || exit 1; \
	done
	@for v in $(OTHER_LUAS); do $(MAKE) --no-print-directory $(call lua_args,$$v) bench-core || exit 1; done

# the per-point forward and gradient figures alone, on the Lua of this make (make bench runs it on the others)
bench-core:
	@$(MAKE) --no-print-directory $(MODULE) $(BUILD)/bench/floor.so
	@echo "== $(LUA) ($(LUA_TAG))"
	@for s in scripts/bench_core.lua scripts/bench_reverse.lua; do \
	  BUILD='$(BUILD)' LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='$(BUILD)/?.so;;' $(LUA) $$s || exit 1; \
	done

# the C sources of chainrule.core, for the packaging test against the rockspec
sources:
	@echo $(CORE_SRC) $(BIND_SRC)

# eval "$(make -s env)" lets lua5.4 in this shell find the in-tree module
env:
	@echo "export LUA_PATH='$(CURDIR)/lua/?.lua;$(CURDIR)/lua/?/init.lua;;'"
	@echo "export LUA_CPATH='$(CURDIR)/$(BUILD)/?.so;;'"

install: $(MODULE)
	install -d $(DESTDIR)$(INST_LIBDIR)/chainrule $(DESTDIR)$(INST_LUADIR)/chainrule
	install -m 0755 $(MODULE) $(DESTDIR)$(INST_LIBDIR)/chainrule/core.so
	install -m 0644 $(LUA_MODULES) $(DESTDIR)$(INST_LUADIR)/chainrule/
	$(EXTRA_INSTALL)

uninstall:
	rm -rf $(DESTDIR)$(INST_LIBDIR)/chainrule $(DESTDIR)$(INST_LUADIR)/chainrule
	$(EXTRA_UNINSTALL)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

-include $(wildcard $(BUILD)/obj/*.d $(ASAN_BUILD)/obj/*.d $(BUILD)/tests/*.d $(ASAN_BUILD)/tests/*.d)
