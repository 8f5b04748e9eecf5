# pure: the readers and the generator the process issue builds on, each a
# pure module with a host suite of its own:
#   lib/cpio      the initrd's cpio "newc" reader       ktest-cpio
#   lib/elf       the ELF32 checker for execve           ktest-elf
#   lib/pyrandom  CPython's random (MT19937), exactly     ktest-pyrandom
# tools/pyrandom-golden regenerates (or checks) the CPython values that
# tests/host/test_pyrandom_host.c holds; `make pyrandom-golden` runs the
# check against this machine's python3.

HOST_SUITES += pyrandom
HOST_SUITE_pyrandom := lib/pyrandom.c tests/pure/test_pyrandom.c \
	tests/host/test_pyrandom_host.c

# The host test compares integer rounding with the FPU's: no fused
# multiply-add may merge the division and the product it checks against.
$(BUILD)/host/tests/host/test_pyrandom_host.o: HOSTCFLAGS += -ffp-contract=off

.PHONY: pyrandom-golden
pyrandom-golden:
	$(PYTHON) tools/pyrandom-golden --check

help-extra::
	@echo "  make pyrandom-golden  check lib/pyrandom's golden values against python3"

HOST_SUITES += elf
HOST_SUITE_elf := lib/elf.c lib/fmt.c tests/pure/test_elf.c \
	tests/host/test_elf_host.c

# Real executables for the ELF host test, linked by the cross compiler
# from tests/host/elf_sample.c: static (what keel runs), static PIE and
# dynamic PIE (both ET_DYN).  Without the cross compiler the test skips.
ELF_SAMPLES_DIR := $(BUILD)/host/elf-samples
ELF_SAMPLES := $(ELF_SAMPLES_DIR)/static $(ELF_SAMPLES_DIR)/static-pie \
	$(ELF_SAMPLES_DIR)/dynamic-pie
ELF_SAMPLE_FLAGS := -O1 -nostdlib -ffreestanding -fno-asynchronous-unwind-tables
$(ELF_SAMPLES_DIR)/static: tests/host/elf_sample.c
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(ELF_SAMPLE_FLAGS) -static -no-pie -fno-pie -o $@ $<
$(ELF_SAMPLES_DIR)/static-pie: tests/host/elf_sample.c
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(ELF_SAMPLE_FLAGS) -static-pie -fpie -o $@ $<
$(ELF_SAMPLES_DIR)/dynamic-pie: tests/host/elf_sample.c
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(ELF_SAMPLE_FLAGS) -pie -fpie -o $@ $<

$(BUILD)/host/ktest-elf: | $(ELF_SAMPLES)
$(BUILD)/host/tests/host/test_elf_host.o: \
	HOSTCFLAGS += -DKEEL_ELF_SAMPLES='"$(abspath $(ELF_SAMPLES_DIR))"'

HOST_SUITES += cpio
HOST_SUITE_cpio := lib/cpio.c lib/fmt.c tests/pure/test_cpio.c \
	tests/host/test_cpio_host.c
