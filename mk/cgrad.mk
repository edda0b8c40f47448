# mk/cgrad.mk: compiled gradients (trace once, forward and reverse sweep in C) and their binding
CORE_SRC += src/cr_grad.c src/cr_gsched.c src/cr_gplan.c
BIND_SRC += src/lgrad.c

# the batch loops run over blocks of unknown length: let gcc vectorize them at -O2 too
# no trapping math: the sweep's selects become vector blends (FP results are unchanged)
$(BUILD)/obj/cr_grad.o $(BUILD)/obj/cr_gplan.o: CFLAGS += -fvect-cost-model=dynamic -fno-trapping-math

# the hand-written MLP forward+backward the compiled gradient's benchmark compares with
EXTRA_BENCH += $(BUILD)/bench/cgrad_hand
$(BUILD)/bench/cgrad_hand: bench/cgrad_hand.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 $< -o $@ -lm
