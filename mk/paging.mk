# paging: the page-replacement policies (mm/vmpolicy*.c: OSTEP's FIFO,
# LRU, MRU, OPT, UNOPT, RAND, CLOCK and the textbook's second chance,
# clock, NRU, aging, working set, WSClock), their rule tests, and
#   tools/paging-sim   OSTEP's vm-beyondphys-policy/paging-policy.py,
#                      byte for byte, on the same policy code
#   tools/paging-diff  paging-sim against paging-policy.py, random flags
#   tools/paging-run   one reference string under any policy (the
#                      textbook's too), over a range of frame counts
#
# The policies live in mm/, so the kernel's wildcard compiles them too
# (for the swap code to come).  Like mlfq-sim, paging-sim is also linked
# into the host suite (with -DPAGING_SIM_NO_MAIN) so that the golden test
# (tests/golden/paging/) runs its command-line handling in-process.
# -ffp-contract=off: Python rounds int(maxpage * random()) as two separate
# operations, and the hit rate's division is one.

PAGING_PURE := mm/vmpolicy_core.c mm/vmpolicy_ostep.c mm/vmpolicy_book.c

HOST_SUITES += paging
HOST_SUITE_paging := $(PAGING_PURE) lib/pyrandom.c tools/paging-sim.c \
	tools/pyopt.c tools/paging-run.c tests/pure/test_vmpolicy.c \
	tests/host/test_paging_host.c tests/host/sim_capture.c
HOST_TOOLS += $(BUILD)/tools/paging-sim $(BUILD)/tools/paging-run

$(BUILD)/host/tools/paging-sim.o: HOSTCFLAGS += -DPAGING_SIM_NO_MAIN -ffp-contract=off
$(BUILD)/host/tools/paging-run.o: HOSTCFLAGS += -DPAGING_RUN_NO_MAIN
$(BUILD)/host/tests/host/test_paging_host.o: \
	HOSTCFLAGS += -DKEEL_SRCDIR='"$(CURDIR)"'

PAGING_TOOL_CFLAGS := -std=gnu11 -O2 -g -I. -DKEEL_HOST $(WARN) \
	-ffp-contract=off -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
PAGING_SIM_SRCS := tools/paging-sim.c tools/pyopt.c lib/pyrandom.c $(PAGING_PURE)

$(BUILD)/tools/paging-sim: $(PAGING_SIM_SRCS) mm/vmpolicy.h \
		mm/vmpolicy_internal.h tools/pyopt.h lib/pyrandom.h lib/kassert.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(PAGING_TOOL_CFLAGS) -o $@ $(PAGING_SIM_SRCS)

$(BUILD)/tools/paging-run: tools/paging-run.c $(PAGING_PURE) lib/pyrandom.c \
		mm/vmpolicy.h mm/vmpolicy_internal.h lib/pyrandom.h lib/kassert.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(PAGING_TOOL_CFLAGS) -o $@ tools/paging-run.c $(PAGING_PURE) \
	    lib/pyrandom.c

# `make paging-diff N=2000`: N random flag sets through paging-sim and
# paging-policy.py (taken from OSTEP_HW; N and OSTEP_HW default as for
# sched-diff in mk/policies.mk), built without the sanitizers for speed.
.PHONY: paging-diff paging-golden
paging-diff:
	@mkdir -p $(BUILD)/paging-diff
	$(HOSTCC) -std=gnu11 -O2 -I. -DKEEL_HOST -ffp-contract=off \
	    -o $(BUILD)/paging-diff/paging-sim $(PAGING_SIM_SRCS)
	git --git-dir=$(OSTEP_HW) show \
	    HEAD:vm-beyondphys-policy/paging-policy.py \
	    > $(BUILD)/paging-diff/paging-policy.py
	tools/paging-diff --paging-py $(BUILD)/paging-diff/paging-policy.py \
	    --sim $(BUILD)/paging-diff/paging-sim -n $(N)

# The golden files against the tool itself (the host suite does the same
# in-process).
paging-golden: $(BUILD)/tools/paging-sim
	tests/host/paging_golden.sh check $(BUILD)/tools/paging-sim

help-extra::
	@echo "  $(BUILD)/tools/paging-sim  OSTEP's paging-policy.py, same output and draws:"
	@echo "                  e.g. paging-sim -p LRU -C 3 -a 1,2,3,4,1,2,5,1,2,3,4,5 -c"
	@echo "                  (FIFO LRU MRU OPT UNOPT RAND CLOCK; -n/-m/-s random pages)"
	@echo "  $(BUILD)/tools/paging-run  one string, any policy (textbook's too), a range of"
	@echo "                  frames: paging-run -p aging -t 4 -F 1-6 -a 1,2,3w,4,1,2,5"
	@echo "  make paging-diff N=1000  paging-sim against paging-policy.py, random flags"
	@echo "  make paging-golden       tests/golden/paging/ against paging-sim"
