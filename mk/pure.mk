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
