# symbolic expressions, compiled tapes and their benchmark baseline
CORE_SRC += src/cr_expr.c src/cr_tape.c
BIND_SRC += src/lexpr.c src/lcompile.c
