/*
 * The frame allocator in the running kernel: round trips, contiguous runs,
 * exhaustion and recovery, and the guarantees of frame.h.
 */
#include <stddef.h>

#include "arch/layout.h"
#include "kernel/ktest.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/frame_pool.h"
#include "mm/vm.h"

KTEST(frame, round_trip_returns_to_baseline)
{
	uint32_t before = frame_free_count();
	uint32_t pa[16];
	for (int i = 0; i < 16; i++) {
		pa[i] = frame_alloc();
		KASSERT_NE(pa[i], 0);
		KEXPECT_EQ(pa[i] & (FRAME_SIZE - 1), 0);
	}
	KEXPECT_EQ(frame_free_count(), before - 16);
	for (int i = 0; i < 16; i++)
		for (int j = i + 1; j < 16; j++)
			KEXPECT_NE(pa[i], pa[j]);
	for (int i = 0; i < 16; i++)
		frame_free(pa[i]);
	KEXPECT_EQ(frame_free_count(), before);
}

KTEST(frame, never_hands_out_reserved_memory)
{
	uint32_t kernel_end = KPHYS(__kernel_end);
	for (int i = 0; i < 64; i++) {
		uint32_t pa = frame_alloc();
		KASSERT_NE(pa, 0);
		KEXPECT_GE(pa, 0x100000);	/* not the first MiB */
		KEXPECT_TRUE(pa >= kernel_end); /* not the kernel image */
		frame_free(pa);
	}
}

KTEST(frame, counters_add_up)
{
	const struct frame_pool *p = frame_pool_get();
	char err[128];
	KEXPECT_EQ(frame_total(), p->nframes);
	KEXPECT_LE(frame_free_count() + frame_reserved_count(), frame_total());
	KEXPECT_TRUE(frame_pool_check(p, err, sizeof(err)));
}

KTEST(frame, contiguous_aligned_run)
{
	uint32_t before = frame_free_count();
	uint32_t pa = frame_alloc_contig(8, 8);
	KASSERT_NE(pa, 0);
	KEXPECT_EQ(pa & (8 * FRAME_SIZE - 1), 0);
	KEXPECT_EQ(frame_free_count(), before - 8);
	frame_free_contig(pa, 8);
	KEXPECT_EQ(frame_free_count(), before);
	KEXPECT_EQ(frame_alloc_contig(0, 1), 0); /* bad count */
	KEXPECT_EQ(frame_alloc_contig(1, 3), 0); /* not a power of two */
	KEXPECT_EQ(frame_alloc_contig(frame_total(), 1), 0); /* too many */
	KEXPECT_EQ(frame_free_count(), before);
}

/*
 * Take every free frame (each one holds the address of the previous, so
 * the list needs no memory of its own), check that the next allocation
 * fails, then give them all back and allocate again.
 */
KTEST_BUDGET(frame, exhaustion_then_recovery, 6000)
{
	uint32_t before = frame_free_count(), head = 0, n = 0, pa;
	while ((pa = frame_alloc()) != 0) {
		uint32_t *p = vm_kmap(pa);
		*p = head;
		vm_kunmap(p);
		head = pa;
		n++;
	}
	KEXPECT_EQ(n, before);
	KEXPECT_EQ(frame_free_count(), 0);
	KEXPECT_EQ(frame_alloc(), 0); /* an error, not a panic */
	KEXPECT_EQ(frame_alloc_contig(2, 1), 0);
	while (head) {
		uint32_t *p = vm_kmap(head);
		uint32_t next = *p;
		vm_kunmap(p);
		frame_free(head);
		head = next;
	}
	KEXPECT_EQ(frame_free_count(), before);
	pa = frame_alloc();
	KEXPECT_NE(pa, 0);
	if (pa)
		frame_free(pa);
}

static void free_twice(void *arg)
{
	uint32_t pa = *(uint32_t *)arg;
	frame_free(pa);
}

static void free_reserved(void *arg)
{
	(void)arg;
	frame_free(KERNEL_LOAD); /* the kernel image */
}

KTEST(frame, bad_frees_are_caught)
{
	char msg[160];
	uint32_t pa = frame_alloc();
	KASSERT_NE(pa, 0);
	frame_free(pa);
	KEXPECT_TRUE(ktest_catch_fatal(free_twice, &pa, msg, sizeof(msg)));
	ktest_diag("double free: %s", msg);
	KEXPECT_TRUE(ktest_catch_fatal(free_reserved, NULL, msg, sizeof(msg)));
	ktest_diag("reserved: %s", msg);
}
