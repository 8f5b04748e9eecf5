# policies: the scheduling policies beside the MLFQ (sched/policy*.c: FIFO,
# SJF, STCF, RR, lottery, stride), their rule tests, and OSTEP's other two
# scheduling simulators on the same code:
#   tools/sched-sim     cpu-sched/scheduler.py, byte for byte
#   tools/lottery-sim   cpu-sched-lottery/lottery.py, byte for byte
#   tools/policy-run    one workload under any policy, tick by tick
#   tools/compare-sched every policy on one workload, one picture
#   tools/sched-diff    the simulators against the Python originals
#
# Like mlfq-sim, both simulators are also linked into the host suite (with
# -D*_SIM_NO_MAIN) so that the golden-output test (tests/golden/sched/,
# tests/golden/lottery/) runs their command-line handling in-process.
# -ffp-contract=off: Python rounds every float operation separately.

POLICY_PURE := sched/policy.c sched/policy_list.c sched/policy_lottery.c \
	sched/policy_stride.c
POLICY_SIMS := tools/sched-sim.c tools/lottery-sim.c tools/pyopt.c \
	lib/pyrandom.c

HOST_SUITES += policies
HOST_SUITE_policies := $(POLICY_PURE) $(POLICY_SIMS) \
	sched/policy_run.c sched/mlfq_run.c sched/mlfq.c sched/workload.c \
	tests/pure/test_policy_rules.c tests/pure/test_policy_share.c \
	tests/host/test_policy_host.c tests/host/test_policy_run_host.c \
	tests/host/sim_capture.c
HOST_TOOLS += $(BUILD)/tools/sched-sim $(BUILD)/tools/lottery-sim \
	$(BUILD)/tools/policy-run

$(BUILD)/host/tools/sched-sim.o: HOSTCFLAGS += -DSCHED_SIM_NO_MAIN -ffp-contract=off
$(BUILD)/host/tools/lottery-sim.o: HOSTCFLAGS += -DLOTTERY_SIM_NO_MAIN -ffp-contract=off
$(BUILD)/host/tools/pyopt.o: HOSTCFLAGS += -ffp-contract=off
$(BUILD)/host/tests/host/test_policy_host.o \
$(BUILD)/host/tests/host/test_policy_run_host.o: \
	HOSTCFLAGS += -DKEEL_SRCDIR='"$(CURDIR)"'

POLICY_TOOL_CFLAGS := -std=gnu11 -O2 -g -I. -DKEEL_HOST $(WARN) \
	-ffp-contract=off -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
POLICY_DEPS := $(POLICY_PURE) $(wildcard sched/policy*.h) tools/pyopt.c \
	tools/pyopt.h lib/pyrandom.c lib/pyrandom.h lib/kassert.h

$(BUILD)/tools/sched-sim: tools/sched-sim.c $(POLICY_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(POLICY_TOOL_CFLAGS) -o $@ tools/sched-sim.c tools/pyopt.c \
	    lib/pyrandom.c

$(BUILD)/tools/lottery-sim: tools/lottery-sim.c $(POLICY_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(POLICY_TOOL_CFLAGS) -o $@ tools/lottery-sim.c tools/pyopt.c \
	    lib/pyrandom.c $(POLICY_PURE)

$(BUILD)/tools/policy-run: tools/policy-run.c $(POLICY_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(POLICY_TOOL_CFLAGS) -o $@ tools/policy-run.c $(POLICY_PURE)

# `make sched-diff N=3000`: N random flag sets through both simulators and
# the Python originals (OSTEP_HW: a checkout or bare clone of ostep-homework).
N ?= 1000
OSTEP_HW ?= /work/.mirror/remzi-arpacidusseau+ostep-homework/repo
.PHONY: sched-diff pictures-policies
# The simulators are built again without the sanitizers for speed.
POLICY_DIFF := $(BUILD)/sched-diff
sched-diff:
	@mkdir -p $(POLICY_DIFF)
	$(HOSTCC) -std=gnu11 -O2 -I. -DKEEL_HOST -ffp-contract=off \
	    -o $(POLICY_DIFF)/sched-sim tools/sched-sim.c tools/pyopt.c lib/pyrandom.c
	$(HOSTCC) -std=gnu11 -O2 -I. -DKEEL_HOST -ffp-contract=off \
	    -o $(POLICY_DIFF)/lottery-sim tools/lottery-sim.c tools/pyopt.c \
	    lib/pyrandom.c $(POLICY_PURE)
	$(HOSTCC) -std=gnu11 -O2 -I. -DKEEL_HOST \
	    -o $(POLICY_DIFF)/policy-run tools/policy-run.c $(POLICY_PURE)
	tools/sched-diff --ostep $(OSTEP_HW) -n $(N) --tools $(POLICY_DIFF)

# The README's side-by-side picture: one workload, every policy.
PICTURE_POLICIES_JOBS := 0:30:100,0:20:200,5:5:100,10:3:300
pictures: pictures-policies
pictures-policies: $(BUILD)/tools/policy-run
	@mkdir -p $(PICTURES)
	tools/compare-sched --policy-run $(BUILD)/tools/policy-run -q 2 \
	    -l $(PICTURE_POLICIES_JOBS) \
	    -o $(PICTURES)/policies.svg -o $(PICTURES)/policies.png

help-extra::
	@echo "  $(BUILD)/tools/sched-sim    OSTEP's scheduler.py (FIFO/SJF/RR), same output:"
	@echo "                  e.g. sched-sim -p RR -q 2 -l 10,20,30 -c"
	@echo "  $(BUILD)/tools/lottery-sim  OSTEP's lottery.py, same output and draws:"
	@echo "                  e.g. lottery-sim -s 1 -l 10:100,20:50 -c"
	@echo "  $(BUILD)/tools/policy-run   one workload under fifo|sjf|stcf|rr|lottery|stride"
	@echo "  tools/compare-sched -l 0:30,0:10,10:5 -o x.svg  every policy, one chart"
	@echo "  make run ARGS='sched.policy=rr sched.quantum=3 sched.workload=0,5,0:0,7,0'"
	@echo "                  the kernel under fifo|sjf|stcf|rr|lottery|stride (mlfq default;"
	@echo "                  sched.seed=, sched.tickets=), in its simulator's output"
	@echo "  tools/harness policies --build $(BUILD)  kernel == sched-sim/lottery-sim/policy-run"
	@echo "  make sched-diff N=1000  sched-sim/lottery-sim against the Python originals"
