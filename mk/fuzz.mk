# fuzz: libFuzzer targets over the pure cores (tests/fuzz/), and their
# replay in `make test`.
#
#   make fuzz             builds every target with clang into $(BUILD)/fuzz/
#                         and runs each for FUZZ_SECONDS (default 60) from
#                         its seed corpus tests/fuzz/corpus/NAME/, adding
#                         what it finds to $(BUILD)/fuzz/corpus/NAME/; a
#                         crash leaves its input in $(BUILD)/fuzz/crash/NAME/
#   make fuzz-quick       the same, 8 seconds a target with the fixed seed 1
#                         (for CI: a clean clone explores the same inputs
#                         every time; `make fuzz` takes a new seed each run)
#   make fuzz-NAME        one target (make fuzz-heap FUZZ_SECONDS=600)
#   make fuzz-regress     replays every seed and every saved crash input
#                         (tests/fuzz/regress/NAME/) through the targets
#
# The replay binary, $(BUILD)/host/ktest-fuzz, is built by gcc from the same
# target sources with a main() of its own (tests/fuzz/replay.c), so `make
# test` builds it without clang and tools/harness runs it with the other
# host test binaries.  Only `make fuzz` needs clang and libFuzzer's runtime:
# `tools/bootstrap --with fuzz` installs them.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := heap frame_pool memmap options fmt mlfq cpio elf vmpolicy \
                $(if $(wildcard lib/lineedit.h lib/lineedit.c),lineedit)

# The pure sources each target links: the files the kernel compiles.
FUZZ_SRCS_heap       := mm/heap_core.c mm/heap_fit.c \
                        mm/heap_quick.c mm/heap_stats.c mm/heap_check.c \
                        lib/fmt.c
FUZZ_SRCS_frame_pool := mm/frame_pool.c lib/bitmap.c lib/fmt.c
FUZZ_SRCS_memmap     := mm/memmap.c
FUZZ_SRCS_options    := lib/options.c lib/fmt.c
FUZZ_SRCS_fmt        := lib/fmt.c
FUZZ_SRCS_mlfq       := sched/mlfq.c
FUZZ_SRCS_lineedit   := lib/lineedit.c
FUZZ_SRCS_cpio       := lib/cpio.c lib/fmt.c
FUZZ_SRCS_elf        := lib/elf.c lib/fmt.c
FUZZ_SRCS_vmpolicy   := mm/vmpolicy_core.c mm/vmpolicy_ostep.c \
                        mm/vmpolicy_book.c lib/pyrandom.c

# -max_len: room for a few hundred operations (heap, frame_pool, mlfq,
# lineedit), a 64-entry map and more (memmap), a command line longer than
# the parser's 512-byte buffer (options), a format with a few conversions
# (fmt), an initrd of a few dozen entries (cpio; validation is quadratic in
# them), a small static program with its segments (elf), a reference
# string of 96 pages after 5 parameter bytes (vmpolicy).
FUZZ_MAXLEN_heap       := 4096
FUZZ_MAXLEN_frame_pool := 2048
FUZZ_MAXLEN_memmap     := 2048
FUZZ_MAXLEN_options    := 1024
FUZZ_MAXLEN_fmt        := 256
FUZZ_MAXLEN_mlfq       := 4096
FUZZ_MAXLEN_lineedit   := 2048
FUZZ_MAXLEN_cpio       := 4096
FUZZ_MAXLEN_elf        := 16384
FUZZ_MAXLEN_vmpolicy   := 128

# As the host tests: warnings as errors, both sanitizers, a UBSan report is
# fatal (so the fuzzer sees it as a crash), plus libFuzzer's instrumentation.
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -I. -DKEEL_HOST \
               $(WARN) -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=undefined
FUZZ_COMMON := tests/fuzz/fuzz_common.c
FUZZ_HDRS    = $(wildcard tests/fuzz/*.h lib/*.h mm/*.h sched/*.h)
# libFuzzer flags for every run: an input that takes ten seconds counts as
# a hang; at most 2 GiB of memory.
# FUZZ_SEED fixes libFuzzer's seed (0, the default, means a new one).
FUZZ_SEED ?= 0
FUZZ_RUNFLAGS = -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
                -seed=$(FUZZ_SEED)

FUZZ_BINS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

define FUZZ_TARGET_RULES
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_COMMON) \
                         $(FUZZ_SRCS_$(1)) $$(FUZZ_HDRS)
	@mkdir -p $$(dir $$@)
	$$(call quiet,FUZZCC  $$@)
	$$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c \
	    $(FUZZ_COMMON) $(FUZZ_SRCS_$(1))

.PHONY: fuzz-$(1)
fuzz-$(1): $(BUILD)/fuzz/fuzz_$(1)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(1) $(BUILD) \
	    $(FUZZ_MAXLEN_$(1)) $(FUZZ_RUNFLAGS)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call FUZZ_TARGET_RULES,$(n))))

.PHONY: fuzz fuzz-quick fuzz-build fuzz-regress
fuzz-build:
	@tools/bootstrap --with fuzz
	@$(MAKE) --no-print-directory -s $(FUZZ_BINS)

fuzz: fuzz-build
	@$(MAKE) --no-print-directory $(FUZZ_NAMES:%=fuzz-%)

fuzz-quick:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=8 FUZZ_SEED=1

# ------------------------------------------------------------- replay --
FUZZ_REPLAY := $(BUILD)/host/ktest-fuzz
FUZZ_REPLAY_PURE := $(sort $(foreach n,$(FUZZ_NAMES),$(FUZZ_SRCS_$(n))))
FUZZ_REPLAY_OBJS := $(addprefix $(BUILD)/host/, \
	$(patsubst %.c,%.o,tests/fuzz/replay.c $(FUZZ_COMMON) \
	$(FUZZ_NAMES:%=tests/fuzz/fuzz_%.c) $(FUZZ_REPLAY_PURE)))

$(BUILD)/host/tests/fuzz/%.o: HOSTCFLAGS += -DFUZZ_REPLAY
# The list of targets is in replay.o's flags: rebuild it when it changes
# (when lib/lineedit.h appears or goes).
$(BUILD)/host/tests/fuzz/replay.o: mk/fuzz.mk $(wildcard lib/lineedit.h)
$(BUILD)/host/tests/fuzz/replay.o: HOSTCFLAGS += \
	-DKEEL_SRCDIR='"$(CURDIR)"' \
	-DFUZZ_TARGETS='$(foreach n,$(FUZZ_NAMES),X($(n)))'

$(FUZZ_REPLAY): $(FUZZ_REPLAY_OBJS)
	$(HOSTCC) $(HOSTLDFLAGS) -o $@ $^

# tools/harness runs every $(BUILD)/host/ktest-* it finds, so building the
# replay binary with the host tests is all `make test` and `make test-host`
# need to run it.
TEST_DEPS += $(FUZZ_REPLAY)
test-host: $(FUZZ_REPLAY)

fuzz-regress: $(FUZZ_REPLAY)
	$(FUZZ_REPLAY)

help-extra::
	@echo "  make fuzz        libFuzzer on the pure cores, FUZZ_SECONDS (60) each;"
	@echo "                   make fuzz-quick: 8 s each, seed 1; make fuzz-NAME: one of"
	@echo "                   $(FUZZ_NAMES)"
	@echo "  make fuzz-regress  replay the seed corpora and saved crash inputs"
