# mk/reverse.mk: the reverse-mode tape (core) and the chainrule.Var binding
CORE_SRC += src/cr_tape.c
BIND_SRC += src/ltape.c src/ltape_rec.c src/ltape_api.c src/lsweep.c src/lgraph.c
