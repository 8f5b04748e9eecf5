# mm: the pure memory-management cores (lib/bitmap, mm/memmap,
# mm/frame_pool, mm/heap), their tests, and two host tools:
#   heap-trace  replays CS:APP malloc-lab .rep traces through mm/heap*.c and
#               the C library's malloc, printing utilisation and throughput
#   gen-traces  writes a deterministic set of demanding .rep traces

# The heap's files (heap_internal.h says which part each holds).
HEAP_SRCS := mm/heap_core.c mm/heap_fit.c mm/heap_quick.c \
             mm/heap_stats.c mm/heap_check.c

HOST_SUITES += mm
HOST_SUITE_mm := lib/bitmap.c lib/fmt.c mm/memmap.c mm/frame_pool.c \
                 $(HEAP_SRCS) \
                 tests/pure/test_bitmap.c tests/pure/test_memmap.c \
                 tests/pure/test_frame_pool.c tests/pure/test_heap.c \
                 tests/pure/test_heap_release.c \
                 tests/host/test_frame_pool_host.c \
                 tests/host/test_heap_host.c

# The tools are built without sanitizers and at -O2, so that heap-trace's
# throughput figures mean something.  KEEL_HOST as for every host build.
MM_TOOL_CFLAGS := -std=gnu11 -O2 -g -I. -DKEEL_HOST $(WARN)
HEAP_TRACE_SRCS := tools/heap-trace.c $(HEAP_SRCS) lib/fmt.c

HOST_TOOLS += $(BUILD)/tools/heap-trace $(BUILD)/tools/gen-traces
BENCH_TARGETS += heap-bench

$(BUILD)/tools/heap-trace: $(HEAP_TRACE_SRCS) mm/heap.h mm/heap_internal.h lib/fmt.h \
                           lib/kassert.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(MM_TOOL_CFLAGS) -o $@ $(HEAP_TRACE_SRCS)

$(BUILD)/tools/gen-traces: tools/gen-traces.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(MM_TOOL_CFLAGS) -o $@ $<

# Traces from a fixed seed, so every run measures the same workload.
HEAP_TRACE_SEED ?= 1
HEAP_FIT ?=

.PHONY: heap-traces heap-bench
heap-traces: $(BUILD)/tools/gen-traces
	@mkdir -p $(BUILD)/traces
	$(BUILD)/tools/gen-traces --seed $(HEAP_TRACE_SEED) $(BUILD)/traces

heap-bench: heap-traces $(BUILD)/tools/heap-trace
	$(BUILD)/tools/heap-trace $(if $(HEAP_FIT),--fit=$(HEAP_FIT)) \
	    $(BUILD)/traces/*.rep

help-extra::
	@echo "  make heap-traces  generated malloc traces in $(BUILD)/traces"
	@echo "  make heap-bench   replay them through mm/heap*.c and libc"
	@echo "                    (HEAP_FIT=first|next|best, HEAP_TRACE_SEED=N)"
