# plots: pictures of the schedule and of memory.
#   tools/plot-sched  an MLFQ trace (mlfq.py -c, mlfq-sim -c, the kernel's
#                     sched.workload= or sched.trace=1 output) as a Gantt chart
#   tools/plot-mem    the kernel's MEMDUMP lines (mm/dump.h; the mm.dump
#                     option) as a physical memory map and a heap layout
#   tools/plot-vm     hit rate against frames per replacement policy
#                     (VMRUN + FINALSTATS lines: Belady's anomaly ringed)
#                     and the thrashing curve (/bin/thrash's THRASH lines)
#   tools/plot-test   checks all three on the inputs in tests/plots/
# They run under Debian's /usr/bin/python3 with python3-matplotlib, which
# tools/bootstrap installs.
#
# `make pictures` regenerates the README's pictures in docs/img/:
#   schedule.svg/png  mlfq-sim on the starvation example of OSTEP's MLFQ
#                     chapter: a long CPU-bound job and two I/O-bound jobs
#                     that keep their priority by issuing an I/O before
#                     their quantum ends (-S, the old rule 4b); only the
#                     boost every 50 ticks (rule 5) lets the long job run;
#   memory.svg/png    a boot with `mm.dump poweroff` in 128 MiB;
#   belady.svg/png    /bin/pagetouch on keel, OSTEP's seven policies with 1
#                     to 6 frames on Belady's string (tools/vm-pictures);
#   thrash.svg/png    /bin/thrash on keel in 24 MiB with swap, 1 to 7
#                     processes (tools/vm-pictures).

PICTURES := docs/img
PICTURE_SCHED_ARGS := -n 3 -q 10 -S -i 3 -B 50 -l 0,120,0:20,60,3:20,60,3
PICTURE_SCHED_TITLE := Starvation and the priority boost (MLFQ rule 5): \
mlfq-sim $(PICTURE_SCHED_ARGS)
PICTURE_MEM := 128
# QEMU leaves with 39 when the kernel powers off (arch/qemu.h).
PICTURE_BOOT = timeout 60 $(QEMU) -accel tcg -m $(PICTURE_MEM) -no-reboot \
	-nodefaults -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel $(KERNEL) -append "mm.dump poweroff" -display none \
	-serial stdio

.PHONY: pictures pictures-schedule pictures-memory pictures-vm test-plots
pictures: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL) $(BUILD)/tools/mlfq-sim
	@$(MAKE) --no-print-directory pictures-schedule pictures-memory \
	    pictures-vm

pictures-schedule:
	@mkdir -p $(BUILD)/pictures $(PICTURES)
	$(BUILD)/tools/mlfq-sim $(PICTURE_SCHED_ARGS) -c \
	    > $(BUILD)/pictures/schedule.trace
	tools/plot-sched $(BUILD)/pictures/schedule.trace \
	    --title "$(PICTURE_SCHED_TITLE)" \
	    -o $(PICTURES)/schedule.svg -o $(PICTURES)/schedule.png

pictures-memory:
	@mkdir -p $(BUILD)/pictures $(PICTURES)
	$(PICTURE_BOOT) > $(BUILD)/pictures/memory.log; \
	    s=$$?; [ $$s -eq 39 ] || \
	    { echo "pictures: the mm.dump boot ended with status $$s"; exit 1; }
	tools/plot-mem $(BUILD)/pictures/memory.log \
	    -o $(PICTURES)/memory.svg -o $(PICTURES)/memory.png

pictures-vm:
	@$(MAKE) --no-print-directory $(KERNEL) $(INITRD)
	$(PYTHON) tools/vm-pictures --build $(BUILD) --qemu $(QEMU) \
	    --out $(PICTURES)

test-plots: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL)
	tools/plot-test --kernel $(KERNEL) --qemu $(QEMU)

help-extra::
	@echo "  make pictures   redraw docs/img/schedule.* (mlfq-sim),"
	@echo "                  docs/img/memory.* (a boot with mm.dump), and"
	@echo "                  docs/img/belady.* and thrash.* (pagetouch and"
	@echo "                  thrash on keel: make pictures-vm)"
	@echo "  make test-plots check tools/plot-sched and tools/plot-mem"
	@echo "  tools/plot-sched TRACE -o x.svg  draw an MLFQ trace (mlfq-sim -c,"
	@echo "                  sched.trace=1, sched.workload=) as a Gantt chart"
	@echo "  tools/plot-vm hitrate|thrash LOG -o x.svg  hit rate against frames"
	@echo "                  per policy (Belady ringed); the thrashing curve"
	@echo "  tools/plot-mem LOG -o x.png      draw a boot's MEMDUMP lines"
	@echo "                  (kernel option mm.dump)"
