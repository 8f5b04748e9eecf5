# keel — build, run, test and debug a 32-bit higher-half teaching kernel.
#
# `make help` lists the targets.  Everything is built out of tree under
# $(BUILD) (default: build/).  Module fragments in mk/*.mk add host tools and
# pure sources; kernel sources are found by wildcard, one folder a layer.

BUILD      ?= build
CROSS      ?= i686-linux-gnu-
KCC        := $(CROSS)gcc
OBJCOPY    := $(CROSS)objcopy
NM         := $(CROSS)nm
NASM       ?= nasm
QEMU       ?= qemu-system-i386
GDB        ?= gdb
PYTHON     ?= python3
HOSTCC     ?= gcc
MEM        ?= 128
# Extra kernel command-line options for `make run` / `make debug`, e.g.
#   make run ARGS='hz=250 sched.workload=0,50,0:10,30,5'
ARGS       ?=

.DEFAULT_GOAL := all
# `make V=1` shows each command in full.
ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @echo "  $(1)"
endif
.SUFFIXES:
.DELETE_ON_ERROR:

# ---------------------------------------------------------------- flags ----
# Warnings (all are errors):
#   -Wall -Wextra            the usual set
#   -Wstrict-prototypes      `f()` is not a prototype in C11; say `f(void)`
#   -Wmissing-prototypes     every global function is declared in a header
#   -Wold-style-definition   no K&R definitions
#   -Wshadow                 a local that hides another is a reading trap
#   -Wpointer-arith          no arithmetic on void *
#   -Wvla                    no variable-length arrays on a 4 KiB-page stack
WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
        -Wold-style-definition -Wshadow -Wpointer-arith -Wvla

# Kernel code generation:
#   -ffreestanding -nostdlib   no hosted C library; only the compiler's own
#                              freestanding headers (stdint, stdarg, ...)
#   -fno-pie                   linked at a fixed higher-half address
#   -fno-stack-protector       no __stack_chk_guard in a kernel without TLS
#   -fno-omit-frame-pointer    the panic backtrace walks the EBP chain
#   -march=i486                the oldest CPU we boot on (QEMU -cpu 486): no
#                              cmov, no SSE
#   -mgeneral-regs-only        no FPU/MMX/SSE registers: a trap frame does
#                              not save them
#   -fno-strict-aliasing       page tables and headers are read through
#                              several types
#   -mpreferred-stack-boundary=2  keep ESP 4-byte aligned, not 16: with no
#                              SSE nothing needs more, and the padding
#                              costs a few instructions in every call on
#                              the timer's path
KCFLAGS := -std=gnu11 -ffreestanding -nostdlib -fno-pie -fno-stack-protector \
           -fno-omit-frame-pointer -O2 -g -m32 -march=i486 -mtune=generic \
           -mgeneral-regs-only -fno-strict-aliasing -fno-common \
           -mpreferred-stack-boundary=2 \
           $(WARN) -I. -MMD -MP $(KDEFS)
KLDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
            -Wl,-z,max-page-size=0x1000
KLIBS    := -lgcc
# NASM's DWARF line tables cover one section per file well; boot/entry.asm
# has two (.boot.text before paging, .text after) and its tables confuse
# gdb's backtraces, so boot/ is assembled without them.  Its labels remain
# in the symbol table.
NASMFLAGS := -f elf32 -I.
NASMDEBUG := -g -F dwarf
$(BUILD)/k/arch/%.o: NASMFLAGS += $(NASMDEBUG)
$(BUILD)/k/sched/%.o: NASMFLAGS += $(NASMDEBUG)

# Host builds of the pure code: the same .c files, with sanitizers.
HOSTCFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -I. -MMD -MP \
              -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              -DKEEL_HOST $(WARN)
HOSTLDFLAGS := -fsanitize=address,undefined

# ---------------------------------------------------------------- sources --
# Each module fragment mk/NAME.mk declares a host test suite:
#   HOST_SUITES += NAME
#   HOST_SUITE_NAME := the pure sources and the tests (tests/pure/*.c and
#                      tests/host/*.c) that make up build/host/ktest-NAME
# and may add host programs to HOST_TOOLS, with their own rules.
HOST_SUITES    :=
HOST_TOOLS     :=   # host programs to build with `make tools`
BENCH_TARGETS  :=
TEST_DEPS      :=
-include $(sort $(wildcard mk/*.mk))

KASM_SRCS := $(sort $(wildcard boot/*.asm arch/*.asm sched/*.asm))
KC_SRCS   := $(sort $(wildcard arch/*.c drivers/*.c kernel/*.c sync/*.c mm/*.c sched/*.c \
                      fs/*.c proc/*.c \
                      shell/*.c init/*.c \
                      lib/*.c tests/pure/*.c tests/kernel/*.c \
                      tests/selftest/*.c tests/bench/*.c))
KOBJS     := $(KASM_SRCS:%.asm=$(BUILD)/k/%.o) $(KC_SRCS:%.c=$(BUILD)/k/%.o)

HOST_BINS := $(HOST_SUITES:%=$(BUILD)/host/ktest-%)
HOST_ALL_SRCS := tests/host/runner.c $(sort $(foreach s,$(HOST_SUITES),$(HOST_SUITE_$(s))))

KERNEL   := $(BUILD)/keel.elf
ISO      := $(BUILD)/keel.iso
TEST_ISO := $(BUILD)/keel-test.iso

# ----------------------------------------------------------------- kernel --
# The kernel is linked twice.  Pass 1 has an empty symbol table; its function
# symbols become build/k/ksyms.c, which pass 2 links in (placed after all
# text, so no function moves).  tools/gensyms --check then proves that the
# table in the final image names every function at its final address.
.PHONY: all kernel
all: kernel tools

kernel: $(KERNEL)

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC      $<)
	$(Q)$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.o: %.asm
	@mkdir -p $(dir $@)
	$(call quiet,NASM    $<)
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

# Test files keep their cases in source order in the ktest_cases section, so
# KTAP numbers follow the file.
$(BUILD)/k/tests/%.o: KCFLAGS += -fno-toplevel-reorder
$(BUILD)/host/tests/%.o: HOSTCFLAGS += -fno-toplevel-reorder

$(BUILD)/k/ksyms0.c: tools/gensyms
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) tools/gensyms --empty > $@

$(BUILD)/k/ksyms0.o: $(BUILD)/k/ksyms0.c
	$(Q)$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/keel.pass1.elf: $(KOBJS) $(BUILD)/k/ksyms0.o linker.ld
	$(call quiet,LD      $@)
	$(Q)$(KCC) $(KLDFLAGS) -T linker.ld -o $@ $(KOBJS) $(BUILD)/k/ksyms0.o $(KLIBS)

$(BUILD)/k/ksyms.c: $(BUILD)/keel.pass1.elf tools/gensyms
	$(call quiet,GENSYMS $@)
	$(Q)$(NM) -n $< | $(PYTHON) tools/gensyms > $@

$(BUILD)/k/ksyms.o: $(BUILD)/k/ksyms.c
	$(Q)$(KCC) $(KCFLAGS) -c $< -o $@

$(KERNEL): $(KOBJS) $(BUILD)/k/ksyms.o linker.ld
	$(call quiet,LD      $@)
	$(Q)$(KCC) $(KLDFLAGS) -T linker.ld -o $@ $(KOBJS) $(BUILD)/k/ksyms.o $(KLIBS)
	$(Q)$(NM) -n $@ | $(PYTHON) tools/gensyms --check $(BUILD)/k/ksyms.c

# The harness self-test kernel: the same sources plus one case that must fail.
SELFTEST_KERNEL := $(BUILD)/selftest/keel.elf
$(SELFTEST_KERNEL): $(KASM_SRCS) $(KC_SRCS) tests/selftest/fail.c linker.ld tools/gensyms
	$(MAKE) --no-print-directory BUILD=$(BUILD)/selftest \
	    KDEFS=-DKEEL_SELFTEST_FAIL $(BUILD)/selftest/keel.elf
selftest-kernel: $(SELFTEST_KERNEL)

# --------------------------------------------------------------- host side --
$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC  $<)
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -c $< -o $@

# The objects of host suite $(1).  (A function, so that no '%' appears in
# the pattern rule's text, where make would take it for the stem.)
host_suite_objs = $(addprefix $(BUILD)/host/,$(patsubst %.c,%.o,$(HOST_SUITE_$(1))))
.SECONDEXPANSION:
$(BUILD)/host/ktest-%: $(BUILD)/host/tests/host/runner.o \
                       $$(call host_suite_objs,$$*)
	$(HOSTCC) $(HOSTLDFLAGS) -o $@ $^

.PHONY: host-tests tools
host-tests: $(HOST_BINS)
tools: $(HOST_TOOLS)

# -------------------------------------------------------------------- iso --
# Two ISOs from one boot/grub.cfg: $(ISO), whose menu waits GRUB_TIMEOUT
# seconds (make iso, make run-iso), and $(TEST_ISO), whose menu boots the
# first entry at once (the harness's iso group).
GRUB_TIMEOUT ?= 5
# Both carry build/initrd.cpio as the Multiboot module GRUB loads.
$(ISO): $(KERNEL) $(BUILD)/initrd.cpio boot/grub.cfg tools/mkiso
	tools/mkiso $(KERNEL) $(GRUB_TIMEOUT) $@ $(BUILD)/iso $(BUILD)/initrd.cpio
$(TEST_ISO): $(KERNEL) $(BUILD)/initrd.cpio boot/grub.cfg tools/mkiso
	tools/mkiso $(KERNEL) 0 $@ $(BUILD)/iso-test $(BUILD)/initrd.cpio

# ------------------------------------------------------------------ phony --
QEMU_BASE := $(QEMU) -accel tcg -m $(MEM) -no-reboot \
             -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: bootstrap run run-iso iso debug debug-server test test-host \
        test-kernel test-disk test-matrix bench lint mutants compile_commands clean help

bootstrap:
	@tools/bootstrap

iso: bootstrap
	@$(MAKE) --no-print-directory $(ISO)

# make run and make run-iso: no -no-reboot, so `reboot` restarts the kernel
# (the tests keep -no-reboot: a reset there is a failure).  SCREEN picks
# what shows the VGA text screen and takes the PS/2 keyboard:
#   none    (default) the serial console only, on this terminal
#   curses  the VGA screen in this terminal, typing goes to the PS/2
#           keyboard; the serial line goes to $(BUILD)/serial.log
#   window  a QEMU window (needs QEMU's GTK display, qemu-system-gui) with
#           the VGA screen and keyboard; the serial console stays here
# tools/run-qemu turns QEMU's exit status into make's (0 for Ctrl-A X,
# `halt` and `poweroff`, 1 for a failure of QEMU or the kernel).
SCREEN     ?= none
RUN_QEMU   := $(QEMU) -accel tcg -m $(MEM) \
              -device isa-debug-exit,iobase=0xf4,iosize=0x04
RUN_SERIAL_none   := -display none -serial mon:stdio
RUN_SERIAL_curses := -display curses -serial file:$(BUILD)/serial.log
RUN_SERIAL_window := -display gtk -serial mon:stdio
RUN_PIPE_none     := --symbolize $(KERNEL)
RUN_PIPE_window   := --symbolize $(KERNEL)
RUN_HINT_none     := serial console on this terminal; quit QEMU with Ctrl-A X
RUN_HINT_curses   := VGA screen here, serial in $(BUILD)/serial.log; \
                     quit with halt (or Esc 2, then quit)
RUN_HINT_window   := VGA screen in a window, serial console here; \
                     quit with Ctrl-A X or halt
RUN_DISPLAY = $(or $(RUN_SERIAL_$(SCREEN)),$(error SCREEN=$(SCREEN): \
              expects none, curses or window))

# The initrd (user/'s programs) goes in as a Multiboot module: keel runs
# its /bin/sh as init; ARGS=monitor keeps the keel> console instead.
# CPIO=FILE hands keel an archive of your own instead of build/initrd.cpio.
CPIO ?=
RUN_CPIO = $(or $(CPIO),$(BUILD)/initrd.cpio)
run: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL) $(SWAP_IMG) $(if $(CPIO),,$(BUILD)/initrd.cpio)
	@echo "keel: $(RUN_HINT_$(SCREEN))"
	@tools/run-qemu $(RUN_PIPE_$(SCREEN)) $(RUN_QEMU) -kernel $(KERNEL) \
	    -initrd $(RUN_CPIO) -append "$(ARGS)" $(RUN_DISK) $(RUN_DISPLAY)

# The ISO's GRUB menu waits GRUB_TIMEOUT seconds here (its second entry
# runs the self-tests); the tests' ISO has none (see $(TEST_ISO)).
run-iso: iso
	@$(MAKE) --no-print-directory $(SWAP_IMG)
	@echo "keel: GRUB menu for $(GRUB_TIMEOUT) s, then $(RUN_HINT_$(SCREEN))"
	@tools/run-qemu $(RUN_QEMU) -cdrom $(ISO) $(RUN_DISK) $(RUN_DISPLAY)

# One command: QEMU halted with a gdb stub on 127.0.0.1:$(GDBPORT), gdb in
# the foreground with the kernel's symbols and a breakpoint on kmain.
# tools/debug refuses a port already in use (and names its holder), starts
# QEMU in its own session (Ctrl-C reaches gdb only) under -icount shift=0
# (timer interrupts land on the same instruction every run), and ends QEMU
# whenever gdb ends.  Serial console: $(BUILD)/serial.log.
GDBPORT ?= 1234
debug: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL) $(SWAP_IMG) $(if $(CPIO),,$(BUILD)/initrd.cpio)
	@$(PYTHON) tools/debug --kernel $(KERNEL) --append "$(ARGS)" \
	    --initrd $(RUN_CPIO) --disk $(SWAP_IMG) --port $(GDBPORT) --mem $(MEM) \
	    --qemu $(QEMU) --gdb $(GDB)

# (make run and make debug-server pipe the console through tools/symbolize,
# which adds the source file and line under each panic backtrace frame.)
# Two terminals: this one runs QEMU (serial here), the other runs
#   gdb -x tools/gdb/keel.gdb build/keel.elf
debug-server: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL) $(SWAP_IMG) $(if $(CPIO),,$(BUILD)/initrd.cpio)
	@$(PYTHON) -c 'import socket,sys; s=socket.socket(); \
	    s.bind(("127.0.0.1", $(GDBPORT)))' 2>/dev/null || { \
	    echo "debug-server: port $(GDBPORT) is in use (ss -ltnp" \
	         "'sport = :$(GDBPORT)' shows by whom); GDBPORT=N picks another"; \
	    exit 2; }
	$(QEMU_BASE) -icount shift=0 -kernel $(KERNEL) -initrd $(RUN_CPIO) \
	    -append "$(ARGS)" $(RUN_DISK) \
	    -display none -serial mon:stdio -S -gdb tcp:127.0.0.1:$(GDBPORT) | \
	    tools/symbolize $(KERNEL)

test: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL) $(SELFTEST_KERNEL) $(TEST_ISO) \
	    $(HOST_BINS) tools $(TEST_DEPS)
	$(PYTHON) tools/harness all --build $(BUILD) --qemu $(QEMU)

# Benchmarks: guest instructions under -icount shift=0 (see tools/bench);
# writes $(BUILD)/bench.json.
bench: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL) $(BUILD)/initrd.cpio heap-traces $(BUILD)/tools/heap-trace
	$(PYTHON) tools/bench --build $(BUILD) --qemu $(QEMU)

# The check of the checks: every mutant of tests/mutants.txt (a small,
# plausible bug) applied to a scratch copy under $(BUILD)/mutants must turn
# its check red (tools/mutants).  Not part of make test: it takes minutes.
mutants: bootstrap
	$(PYTHON) tools/mutants $(MUTANTS)

# Static analysis and formatting (tools/lint: clang-format, clang-tidy,
# cppcheck, with the configurations .clang-format and .clang-tidy).
lint:
	@tools/bootstrap --with lint
	$(PYTHON) tools/lint

test-host: $(HOST_BINS)
	$(PYTHON) tools/harness host --build $(BUILD)

test-disk: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL)
	$(PYTHON) tools/harness disk --build $(BUILD) --qemu $(QEMU)

test-kernel: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL)
	$(PYTHON) tools/harness kernel --build $(BUILD) --qemu $(QEMU)

# The whole self-test suite at each memory size from 8 MiB to 3.5 GiB.
test-matrix: bootstrap
	@$(MAKE) --no-print-directory $(KERNEL)
	$(PYTHON) tools/harness matrix --build $(BUILD) --qemu $(QEMU)

compile_commands: compile_commands.json
compile_commands.json: tools/compile-commands Makefile
	$(PYTHON) tools/compile-commands "$(KCC) $(KCFLAGS)" "$(HOSTCC) $(HOSTCFLAGS)" \
	    "$(KC_SRCS)" "$(HOST_ALL_SRCS)" > $@

clean:
	rm -rf $(BUILD) compile_commands.json

help:
	@echo "keel make targets:"
	@echo "  make            build the kernel ($(KERNEL)) and the host tools"
	@echo "  make run        boot in QEMU to the user shell (/bin/sh from build/initrd.cpio),"
	@echo "                  serial console on this terminal (Ctrl-A X quits); ARGS=monitor"
	@echo "                  for the keel> console, CPIO=FILE for an archive of your own;"
	@echo "                  ARGS='opt=val ...' adds kernel options, MEM=MiB sets RAM (>= 8);"
	@echo "                  SCREEN=curses|window shows the VGA screen and PS/2 keyboard"
	@echo "  make test       host tests, kernel self-tests (locks, lockdep, deadlock),"
	@echo "                  the disk, user programs (usertests, sigtests, threadtests,"
	@echo "                  vmtests, ipctests, swaptests, pagetouch == paging-sim,"
	@echo "                  Linux as the oracle), crash tests, gdb, harness self-test;"
	@echo "                  prints one 'N passed, N failed' line and writes $(BUILD)/junit.xml"
	@echo "  make test-host  only the host tests of the pure code (ASan + UBSan)"
	@echo "  make test-kernel only the in-kernel self-tests"
	@echo "  make test-disk  the ATA disk's self-tests with a scratch IDE image, and without"
	@echo "  make test-matrix the self-tests on 22 machine configurations (memory sizes"
	@echo "                  8 MiB-4 GiB, isapc, q35, three CPUs) and a 486 instruction check"
	@echo "  make bench      guest-instruction benchmarks (qemu -icount), $(BUILD)/bench.json;"
	@echo "                  the trap path under every sched.policy=, pick_<policy>_2/_1000"
	@echo "  make lint       clang-format check, clang-tidy, cppcheck and layering (tools/lint)"
	@echo "  make mutants    apply each bug of tests/mutants.txt to a scratch copy; every one"
	@echo "                  must turn its check red (MUTANTS='glob ...' picks some)"
	@echo "  make debug      QEMU halted + gdb with symbols, stopped at kmain (one terminal);"
	@echo "                  Ctrl-C stops the kernel, quitting gdb ends QEMU; GDBPORT=N"
	@echo "                  (default 1234), ARGS=gdb.fixture for docs/gdb-walkthrough.md"
	@echo "  make debug-server  QEMU halted with a gdb stub on :$(GDBPORT) (two-terminal way)"
	@echo "  make iso        GRUB rescue ISO at $(ISO); make run-iso boots it"
	@echo "                  (its menu waits GRUB_TIMEOUT=$(GRUB_TIMEOUT) s; the tests' ISO does not)"
	@echo "  make tools      host tools: $(notdir $(HOST_TOOLS))"
	@echo "  make compile_commands  compile_commands.json for clangd"
	@echo "  make bootstrap  check for (and install) the toolchain"
	@echo "  make clean      remove $(BUILD)/"
	@$(MAKE) --no-print-directory -s help-extra

# Module fragments (mk/*.mk) add their own lines with `help-extra::`.
help-extra::
	@:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
