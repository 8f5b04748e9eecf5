# swap: the swap area and page replacement (issue 11: proc/swap.c,
# proc/resident.c, mm/swapslot.c).  The swap tests run in `make test`
# (tools/harness swap: user/swaptests, pagetouch == paging-sim, a short
# swap soak); the long soak is its own target.

SWAP_SOAK_TICKS ?= 100000

.PHONY: swap-soak

swap-soak: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL) $(INITRD)
	$(PYTHON) tools/swap-soak --build $(BUILD) --qemu $(QEMU) --ticks $(SWAP_SOAK_TICKS)

help-extra::
	@echo "  make swap-soak  $(SWAP_SOAK_TICKS) ticks of processes over-committing memory (-m 32,"
	@echo "                  global replacement), data checked; fails on a leaked frame or"
	@echo "                  swap slot (SWAP_SOAK_TICKS=N)"
