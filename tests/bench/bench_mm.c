/*
 * Memory benchmarks: frame allocation at several fill levels, page
 * mapping, and kmalloc/kfree by size.  Each figure is guest instructions
 * per operation pair, loop overhead included.
 */
#include <stddef.h>

#include "arch/layout.h"
#include "arch/x86.h"
#include "init/bench.h"
#include "kernel/console.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/vm.h"

#define FRAME_BATCH  64
#define FRAME_ROUNDS 64
#define BENCH_VA     (VM_KSTACK_LIMIT - (4u << 20))

/*
 * Allocate a batch, free it, many times: per alloc+free pair, and the
 * allocations' share alone (the target is on allocation).
 */
static uint64_t frame_pairs(uint64_t *alloc_only)
{
	uint32_t pa[FRAME_BATCH];
	uint64_t total = 0, allocs = 0;
	for (int r = 0; r < FRAME_ROUNDS; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < FRAME_BATCH; i++)
			pa[i] = frame_alloc();
		uint64_t t1 = rdtsc();
		for (int i = 0; i < FRAME_BATCH; i++)
			frame_free(pa[i]);
		total += rdtsc() - t0;
		allocs += t1 - t0;
	}
	*alloc_only = allocs / ((uint64_t)FRAME_ROUNDS * FRAME_BATCH);
	return total / ((uint64_t)FRAME_ROUNDS * FRAME_BATCH);
}

/* A list threaded through the frames themselves: no memory of its own. */
static uint32_t frame_next(uint32_t pa)
{
	uint32_t *p = vm_kmap(pa), next = *p;
	vm_kunmap(p);
	return next;
}

static void frame_set_next(uint32_t pa, uint32_t next)
{
	uint32_t *p = vm_kmap(pa);
	*p = next;
	vm_kunmap(p);
}

/*
 * Leave `used_pct` percent of the usable frames in use, with the free ones
 * scattered over all of memory (not bunched at the end, where a next-free
 * hint would find them without scanning): take every free frame, then give
 * back an evenly spread share.  Returns the list of frames kept.
 */
static uint32_t fill_to(uint32_t used_pct)
{
	uint32_t usable = frame_total() - frame_reserved_count();
	uint32_t all = 0, kept = 0, pa, n = 0, i = 0;
	uint32_t want_free =
	    usable - (uint32_t)((uint64_t)usable * used_pct / 100);
	while ((pa = frame_alloc()) != 0) {
		frame_set_next(pa, all);
		all = pa;
		n++;
	}
	while (all) {
		uint32_t next = frame_next(all);
		/* Frame i goes back when the running share of frees moves on.
		 */
		if ((uint64_t)(i + 1) * want_free / n >
		    (uint64_t)i * want_free / n) {
			frame_free(all);
		} else {
			frame_set_next(all, kept);
			kept = all;
		}
		all = next;
		i++;
	}
	return kept;
}

static void free_list(uint32_t head)
{
	while (head) {
		uint32_t next = frame_next(head);
		frame_free(head);
		head = next;
	}
}

static void frame_at(uint32_t pct, const char *figure)
{
	uint64_t alloc_only;
	uint32_t kept = fill_to(pct);
	kprintf("bench: %u of %u usable frames in use\n",
		frame_total() - frame_reserved_count() - frame_free_count(),
		frame_total() - frame_reserved_count());
	bench_report(figure, frame_pairs(&alloc_only));
	kprintf("bench: %s: of which frame_alloc %llu\n", figure, alloc_only);
	free_list(kept);
}

BENCH(frame_fill)
{
	frame_at(10, "frame_alloc_free_10pct");
	frame_at(90, "frame_alloc_free_90pct");
}

/* tools/bench boots this alone with -m 32 and -m 3072. */
BENCH(frame_half)
{
	frame_at(50, "frame_alloc_free_half");
}

BENCH(vm_map_unmap)
{
	const uint32_t n = 4096;
	uint32_t pa = frame_alloc(), keep = frame_alloc();
	struct vm_space *k = vm_kernel_space();
	/* A second mapping keeps the page table, so no table comes and goes. */
	vm_map(k, BENCH_VA + PAGE_SIZE, keep, 0);
	uint64_t t0 = rdtsc();
	for (uint32_t i = 0; i < n; i++) {
		vm_map(k, BENCH_VA, pa, VM_WRITE);
		vm_unmap(k, BENCH_VA, NULL);
	}
	bench_report("vm_map_unmap", (rdtsc() - t0) / n);
	vm_unmap(k, BENCH_VA + PAGE_SIZE, NULL);
	frame_free(pa);
	frame_free(keep);
}

static void kmalloc_pairs(size_t size, const char *figure)
{
	const uint32_t n = size >= 65536 ? 512 : 4096;
	void *warm = kmalloc(size); /* the heap has grown to hold one */
	kfree(warm);
	uint64_t t0 = rdtsc();
	for (uint32_t i = 0; i < n; i++)
		kfree(kmalloc(size));
	bench_report(figure, (rdtsc() - t0) / n);
}

BENCH(kmalloc_kfree)
{
	kmalloc_pairs(16, "kmalloc_kfree_16");
	kmalloc_pairs(256, "kmalloc_kfree_256");
	kmalloc_pairs(4096, "kmalloc_kfree_4096");
	kmalloc_pairs(65536, "kmalloc_kfree_65536");
}
