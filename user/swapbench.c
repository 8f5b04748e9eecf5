/*
 * swapbench: the swap figures of `make bench`, in guest instructions
 * (tools/bench boots it as init under -icount shift=0, with a swap disk,
 * where rdtsc advances one per guest instruction).  One `BENCH name value`
 * line each:
 *
 *   fault_swap_in          a read of a page that is on disk, whose victim
 *                          is clean (dropped, no write): the page-in
 *   fault_swap_in_disk_ios disk requests per such fault (read, write-back)
 *   evict_clean            a demand-zero fault that evicts a clean page
 *                          (its slot copy still good), minus a demand-zero
 *                          fault with room to spare
 *   evict_dirty            the same with a dirty victim (a write-back)
 *
 * Each is the mean over LIMIT faults in a region managed with a limit of
 * LIMIT frames (keel_vm_limit, FIFO: the victims are known in advance).
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libkeel.h"

#define PAGE  4096u
#define LIMIT 32u

enum { ST_SWAPIN = 2, ST_WRITEBACK = 4 };

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void report(const char *name, uint64_t value)
{
	printf("BENCH %s %llu\n", name, (unsigned long long)value);
	fflush(stdout);
}

static volatile uint8_t *region(uint32_t pages, int limit)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	struct keel_vm_limit_req r = {.frames = limit ? LIMIT : 0,
				      .policy = 0, /* fifo */
				      .lo = (uint32_t)(uintptr_t)p,
				      .pages = limit ? pages : 0};
	if (limit && syscall(KEEL_SYS_VM_LIMIT, &r) < 0)
		return NULL;
	return p;
}

/* Mean instructions of reading (or writing) pages [first, first + n). */
static uint64_t touch(volatile uint8_t *base, uint32_t first, uint32_t n,
		      int write)
{
	uint64_t sum = 0;
	for (uint32_t i = first; i < first + n; i++) {
		uint64_t t0 = rdtsc();
		if (write)
			base[i * PAGE] = 1;
		else
			(void)base[i * PAGE];
		sum += rdtsc() - t0;
	}
	return sum / n;
}

static void stat(uint64_t *out)
{
	syscall(KEEL_SYS_VM_STAT, 0, out);
}

int main(void)
{
	uint64_t a[KEEL_VMSTAT_WORDS], b[KEEL_VMSTAT_WORDS];
	volatile uint8_t *free_run = region(LIMIT, 0);
	volatile uint8_t *m = region(4 * LIMIT, 1);
	if (!free_run || !m) {
		printf("swapbench: no region (is there a swap disk?)\n");
		return 1;
	}
	uint64_t zero = touch(free_run, 0, LIMIT, 0);
	/* Pages 0..L-1 dirty; L..2L-1 push them out (dirty victims). */
	touch(m, 0, LIMIT, 1);
	uint64_t dirty = touch(m, LIMIT, LIMIT, 1);
	/* 0..L-1 back (their victims L..2L-1 are dirty: written). */
	touch(m, 0, LIMIT, 0);
	/* 2L..3L-1 fresh: their victims 0..L-1 are clean copies. */
	uint64_t clean = touch(m, 2 * LIMIT, LIMIT, 0);
	/* 2L..3L-1 were never written to a slot: one round trip gives them
	 * a copy there, so that the next evictions of them are clean. */
	touch(m, 0, LIMIT, 0);	       /* victims 2L..3L-1: written once */
	touch(m, 2 * LIMIT, LIMIT, 0); /* victims 0..L-1: clean */
	stat(a);
	uint64_t in = touch(m, 0, LIMIT, 0); /* victims 2L..3L-1: clean */
	stat(b);
	report("fault_swap_in", in);
	report("fault_swap_in_disk_ios", (b[ST_SWAPIN] - a[ST_SWAPIN] +
					  b[ST_WRITEBACK] - a[ST_WRITEBACK]) /
					     LIMIT);
	report("evict_clean", clean > zero ? clean - zero : 0);
	report("evict_dirty", dirty > zero ? dirty - zero : 0);
	return 0;
}
