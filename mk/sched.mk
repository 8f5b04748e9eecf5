# sched: the MLFQ policy, the workload parser and runner (pure), their
# tests, and tools/mlfq-sim, OSTEP's MLFQ simulator on the same code.
#
# tools/mlfq-sim.c includes sched/mlfq.c and sched/mlfq_run.c in their
# wide form (MLFQ_WIDE, sched/mlfq.h: mlfq.py's whole range of values,
# renamed symbols), so it is one translation unit.  It is also linked into
# the host suite, compiled with -DMLFQ_SIM_NO_MAIN, beside the narrow
# objects, so that the golden-output test runs the simulator's own
# command-line handling without a subprocess.  The golden test finds
# tests/golden/mlfq/ through KEEL_SRCDIR, the absolute source directory.

SCHED_PURE := sched/mlfq.c sched/workload.c sched/mlfq_run.c

HOST_SUITES += sched
HOST_SUITE_sched := $(SCHED_PURE) \
	tests/pure/test_mlfq.c tests/pure/test_mlfq_run.c \
	tests/pure/test_workload.c \
	tests/host/test_mlfq_host.c tools/mlfq-sim.c tests/host/sim_capture.c
HOST_TOOLS += $(BUILD)/tools/mlfq-sim

$(BUILD)/host/tools/mlfq-sim.o: HOSTCFLAGS += -DMLFQ_SIM_NO_MAIN -ffp-contract=off
$(BUILD)/host/tests/host/test_mlfq_host.o: \
	HOSTCFLAGS += -DKEEL_SRCDIR='"$(CURDIR)"'

# The tool: optimised, warnings as errors, with the sanitizers.
# -ffp-contract=off keeps the random job generator's two double operations
# separately rounded, as Python rounds them (no fused multiply-add).
MLFQ_SIM_CFLAGS := -std=gnu11 -O2 -g -I. -DKEEL_HOST $(WARN) \
	-ffp-contract=off -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined

$(BUILD)/tools/mlfq-sim: tools/mlfq-sim.c sched/mlfq.c sched/mlfq_run.c \
		$(wildcard sched/*.h) lib/kassert.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(MLFQ_SIM_CFLAGS) -o $@ tools/mlfq-sim.c

help-extra::
	@echo "  $(BUILD)/tools/mlfq-sim  OSTEP's MLFQ simulator (mlfq.py flags, same output):"
	@echo "                  e.g. mlfq-sim -Q 10,20,40 -A 1,2,1 -l 0,200,0:50,20,4 -c"
	@echo "                  (--compat=2020: the boost of mlfq.py before 2023-09)"
	@echo "  tools/mlfq-diff --mlfq-py PATH --count N   N random command lines"
	@echo "                  through OSTEP's mlfq.py and mlfq-sim, compared"
