# mk/reverse.mk: the reverse-mode tape (core) and the chainrule.Var binding
CORE_SRC += src/cr_tape.c
BIND_SRC += src/ltape.c src/lsweep.c src/lgraph.c
