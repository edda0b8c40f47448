# mk/rulegen.mk: the op table's rules as straight-line C, generated at build time (not committed)
# tools/rulegen.c runs over a bootstrap cr_ops.o (stack code only) and prints every rule as C;
# the real cr_ops.o includes that file, so the table stays the one place a rule is written
RULES_GEN = $(BUILD)/gen/cr_rules_gen.c
RULES_GEN_FLAGS = -DCR_RULES_GEN -I$(BUILD)/gen

$(BUILD)/gen/cr_ops_boot.o: src/cr_ops.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -UCR_RULES_GEN -Isrc -MMD -MP -c $< -o $@

$(BUILD)/gen/rulegen: tools/rulegen.c $(BUILD)/gen/cr_ops_boot.o
	$(CC) $(WARN) $(CFLAGS) -Isrc -MMD -MP $< $(BUILD)/gen/cr_ops_boot.o -o $@ $(LDLIBS_CORE)

$(RULES_GEN): $(BUILD)/gen/rulegen
	$(BUILD)/gen/rulegen > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/cr_ops.o $(ASAN_BUILD)/obj/cr_ops.o: $(RULES_GEN)
$(BUILD)/obj/cr_ops.o $(ASAN_BUILD)/obj/cr_ops.o: private CFLAGS += $(RULES_GEN_FLAGS)

-include $(wildcard $(BUILD)/gen/*.d)
