# user: the user-space programs of user/ and the initrd that carries them
# (issue 10).  Each user/NAME.c is one ordinary Linux i386 program, linked
# statically against Debian's musl (musl-dev:i386) with the cross compiler,
# so the same file runs under qemu-i386 on the host and on keel; the shared
# helpers are user/lib*.c.  tools/mkinitrd packs them, /etc/motd and the
# bad-ELF fixtures of tools/mkbadelf into $(BUILD)/initrd.cpio (cpio "newc").

UCC      := $(CROSS)gcc
# -specs: musl's own headers, crt files and libc instead of glibc's.
# -static: no dynamic loader on keel; the result is ET_EXEC (not PIE), loaded
# at the addresses the linker chose.
UCFLAGS  := -specs /usr/lib/i386-linux-musl/musl-gcc.specs -static -O2 -g \
            -std=gnu11 -Wall -Wextra -Werror -Wstrict-prototypes \
            -Wmissing-prototypes -Wshadow -Wvla -Iuser
ULIB_SRCS  := $(sort $(wildcard user/lib*.c))
ULIB_HDRS  := $(sort $(wildcard user/lib*.h))
UPROG_SRCS := $(filter-out $(ULIB_SRCS),$(sort $(wildcard user/*.c)))
UPROGS     := $(UPROG_SRCS:user/%.c=$(BUILD)/user/%)
INITRD     := $(BUILD)/initrd.cpio
BADELF_DIR := $(BUILD)/user/tests
# The bad-ELF fixtures are cut from a good small program: /bin/false, so
# that one wrongly run by a permissive loader still exits non-zero.
BADELFS    := bad-truncated bad-machine bad-kernelseg bad-entry not-elf

$(BUILD)/user/%: user/%.c $(ULIB_SRCS) $(ULIB_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,UCC     $<)
	$(Q)$(UCC) $(UCFLAGS) -o $@ $< $(ULIB_SRCS)

$(BADELF_DIR)/.stamp: $(BUILD)/user/false tools/mkbadelf
	@mkdir -p $(dir $@)
	$(call quiet,MKBADELF $(BADELF_DIR))
	$(Q)$(PYTHON) tools/mkbadelf $(BUILD)/user/false $(BADELF_DIR)
	@touch $@

# The archive is then read back by the kernel's own cpio reader and ELF
# checker (tools/initrd-check): every /bin program must pass, every fixture
# must fail for its own rule.
$(INITRD): $(UPROGS) $(BADELF_DIR)/.stamp user/motd user/demo.sh tools/mkinitrd \
           $(BUILD)/tools/initrd-check
	$(call quiet,MKINITRD $@)
	$(Q)$(PYTHON) tools/mkinitrd -o $@.new \
	    $(foreach p,$(UPROGS),/bin/$(notdir $(p))=$(p):0755) \
	    /etc/motd=user/motd:0644 /etc/demo.sh=user/demo.sh:0644 \
	    $(foreach b,$(BADELFS),/tests/$(b)=$(BADELF_DIR)/$(b):0755)
	$(Q)$(BUILD)/tools/initrd-check $@.new
	$(Q)mv $@.new $@

INITRD_CHECK_SRCS := tools/initrd-check.c lib/cpio.c lib/elf.c lib/fmt.c \
                     lib/string.c
HOST_TOOLS += $(BUILD)/tools/initrd-check
$(BUILD)/tools/initrd-check: $(INITRD_CHECK_SRCS) lib/cpio.h lib/elf.h \
                             arch/layout.h
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC  $@)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -g -I. -DKEEL_HOST $(WARN) -o $@ \
	    $(INITRD_CHECK_SRCS)

.PHONY: user initrd oracle test-threads test-vm test-ipc
user: $(UPROGS)
initrd: $(INITRD)

# The Linux oracle: every program of tools/oracle's list under qemu-i386 on
# the host, and on keel (init=/bin/PROG quiet poweroff), outputs compared.
oracle: $(INITRD) $(BUILD)/keel.elf
	$(PYTHON) tools/oracle --build $(BUILD) --qemu $(QEMU)

# POSIX threads on keel: user/threadtests as init, strace's clone and
# futex lines, Ctrl-T's thread list (tools/harness threads; part of make test).
test-threads: $(INITRD) $(BUILD)/keel.elf
	$(PYTHON) tools/harness threads --build $(BUILD) --qemu $(QEMU)

# One suite each: demand paging and shared mappings (user/vmtests), System V
# IPC (user/ipctests), booted as init (tools/harness vm, ipc).
test-vm: $(INITRD) $(BUILD)/keel.elf
	$(PYTHON) tools/harness vm --build $(BUILD) --qemu $(QEMU)

test-ipc: $(INITRD) $(BUILD)/keel.elf
	$(PYTHON) tools/harness ipc --build $(BUILD) --qemu $(QEMU)

TEST_DEPS += $(INITRD)

help-extra::
	@echo "  make user       the user programs of user/ (musl, static i386): $(BUILD)/user/"
	@echo "  make initrd     $(INITRD): /bin/*, /etc/motd and the bad-ELF /tests/*"
	@echo "  make test-threads  user/threadtests (pthreads on clone and futex) and the"
	@echo "                  thread checks of strace and Ctrl-T, on keel"
	@echo "  make test-vm    user/vmtests on keel: demand paging, MAP_SHARED, the stack"
	@echo "  make test-ipc   user/ipctests on keel: System V queues, shared memory, semaphores"
	@echo "  make oracle     each program under qemu-i386 and on keel, outputs compared"
	@echo "                  (tools/oracle --host-only: the qemu-i386 side alone)"

# pagetouch draws -n's random pages from Python's generator (lib/pyrandom.c,
# the same pure file as the kernel's and paging-sim's).
$(BUILD)/user/pagetouch: user/pagetouch.c lib/pyrandom.c lib/pyrandom.h \
		$(ULIB_SRCS) $(ULIB_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,UCC     $<)
	$(Q)$(UCC) $(UCFLAGS) -I. -o $@ $< lib/pyrandom.c $(ULIB_SRCS)
