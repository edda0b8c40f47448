# mk/math.mk: cr.math's wrappers that run math's own C functions on plain values
BIND_SRC += src/lmath.c
