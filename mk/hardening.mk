# hardening: keel under a second emulator, and a long soak.
#
#   make test-bochs  the self-tests booted from a GRUB ISO under Bochs, which
#                    checks descriptor tables, segment limits and the TSS
#                    more strictly than QEMU (tools/test-bochs; Bochs comes
#                    from `tools/bootstrap --with bochs`).  BOCHS_ARGS adds
#                    options, e.g. BOCHS_ARGS='--megs 32 --cpu p2_klamath'.
#   make soak        a million timer ticks of threads created and reaped,
#                    sleeps, heap churn and wait queues, then every frame,
#                    heap byte and task must be back (init/soak.h,
#                    tools/soak); SOAK_TICKS sets the length.
# `make test-matrix` (in the Makefile) boots the self-tests on each QEMU
# machine, CPU model and memory size that tools/harness's group_matrix lists.

SOAK_TICKS ?= 1000000
BOCHS_ARGS ?=

.PHONY: test-bochs soak

test-bochs: bootstrap
	@tools/bootstrap --with bochs
	@$(MAKE) --no-print-directory $(KERNEL)
	$(PYTHON) tools/test-bochs --build $(BUILD) $(BOCHS_ARGS)

soak: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL)
	$(PYTHON) tools/soak --build $(BUILD) --qemu $(QEMU) --ticks $(SOAK_TICKS)

help-extra::
	@echo "  make test-bochs the self-tests under Bochs, from a GRUB ISO (BOCHS_ARGS=...)"
	@echo "  make soak       $(SOAK_TICKS) timer ticks of thread, heap and wait-queue churn;"
	@echo "                  fails on any leaked frame, heap byte or task (SOAK_TICKS=N)"
