# mk/floor.mk: the floor of operator overloading (bench/floor.c), a Lua module built for the benchmarks only
EXTRA_BENCH += $(BUILD)/bench/floor.so

$(BUILD)/bench/floor.so: bench/floor.c src/lcompat.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -fPIC $(LUA_CFLAGS) -Isrc $(LIBFLAG) $< -o $@ -lm
