# mk/cgrad.mk: compiled gradients (trace once, forward and reverse sweep in C) and their binding
CORE_SRC += src/cr_grad.c
BIND_SRC += src/lgrad.c

# the batch loops run over blocks of unknown length: let gcc vectorize them at -O2 too
$(BUILD)/obj/cr_grad.o: CFLAGS += -fvect-cost-model=dynamic
