# symbolic expressions, compiled tapes and the hand-written C baseline of their benchmark
CORE_SRC += src/cr_expr.c src/cr_esimp.c src/cr_print.c src/cr_prog.c
BIND_SRC += src/lexpr.c src/lcompile.c
EXTRA_BENCH += $(BUILD)/bench/symbolic_hand

# prerequisites expand now, before the Makefile defines CORE_OBJ: spell the objects out
$(BUILD)/bench/symbolic_hand: bench/symbolic_hand.c $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -Isrc $< $(CORE_OBJ) -o $@ $(LDLIBS_CORE)

# the compiled program's loops run over blocks of unknown length: let gcc vectorize them at -O2 too
$(BUILD)/obj/cr_prog.o: CFLAGS += -fvect-cost-model=dynamic
