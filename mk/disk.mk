# disk: the swap disk that make run, make run-iso and make debug attach as
# the primary IDE master (fs/disk.h drives it; the swap area of issue 11
# will live on it).  A sparse file of SWAP_MIB MiB, made once and kept
# between runs, like a real disk: rm $(SWAP_IMG) to start from zeros.
# The tests make their own scratch images (tools/harness disk).
SWAP_MIB ?= 16
SWAP_IMG := $(BUILD)/swap.img
RUN_DISK := -drive file=$(SWAP_IMG),format=raw,if=ide,index=0

$(SWAP_IMG):
	@mkdir -p $(dir $@)
	$(call quiet,DISK    $@ ($(SWAP_MIB) MiB))
	$(Q)truncate -s $(SWAP_MIB)M $@

help-extra::
	@echo "  make run / run-iso / debug attach $(SWAP_IMG) ($(SWAP_MIB) MiB, SWAP_MIB=N) as"
	@echo "                  the IDE disk; the console's 'disk' command shows it"
