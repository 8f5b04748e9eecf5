/*
 * The kernel heap on real pages: alignment, coalescing, giving pages back,
 * running out, integrity under random use, and the checks on bad frees.
 * The runner's probes check after each case that free frames and heap
 * bytes are back where they were.
 */
#include <stddef.h>

#include "arch/layout.h"
#include "kernel/ktest.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "mm/kheap.h"
#include "mm/vm.h"

static bool heap_ok(void)
{
	char err[128];
	bool ok = kheap_check(err, sizeof(err));
	if (!ok)
		ktest_diag("heap_check: %s", err);
	return ok;
}

KTEST(kheap, payloads_are_16_byte_aligned)
{
	void *p[12];
	for (int i = 0; i < 12; i++) {
		p[i] = kmalloc((size_t)(1 + i * 13));
		KASSERT_NOT_NULL(p[i]);
		KEXPECT_EQ((uintptr_t)p[i] & 15, 0);
	}
	for (int i = 0; i < 12; i++)
		kfree(p[i]);
	KEXPECT_TRUE(heap_ok());
}

KTEST(kheap, aligned_allocation)
{
	static const size_t aligns[] = {16, 64, 256, 1024, 4096};
	for (unsigned i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		void *p = kmalloc_aligned(100, aligns[i]);
		KASSERT_NOT_NULL(p);
		KEXPECT_EQ((uintptr_t)p & (aligns[i] - 1), 0);
		memset(p, 0xAB, 100);
		kfree(p);
	}
	KEXPECT_NULL(kmalloc_aligned(16, 48)); /* not a power of two */
	KEXPECT_TRUE(heap_ok());
}

/* Three neighbours freed in each of the 6 orders end as one free block:
 * the boundary tags let each free merge with both sides. */
KTEST(kheap, three_neighbours_coalesce_in_every_order)
{
	static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
					 {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	struct heap_stats before, after;
	for (int o = 0; o < 6; o++) {
		void *guard, *b[3];
		kheap_stats(&before);
		for (int i = 0; i < 3; i++)
			b[i] = kmalloc(200);
		guard = kmalloc(16); /* keeps the three off the heap's end */
		KASSERT_TRUE(b[0] && b[1] && b[2] && guard);
		KEXPECT_EQ((uintptr_t)b[1] - (uintptr_t)b[0],
			   (uintptr_t)b[2] - (uintptr_t)b[1]);
		for (int i = 0; i < 3; i++)
			kfree(b[orders[o][i]]);
		kheap_stats(&after);
		/* One free block spans all three: a 3x request fits at b[0]. */
		void *big = kmalloc(3 * 200);
		KEXPECT_PTR_EQ(big, b[0]);
		kfree(big);
		kfree(guard);
		KEXPECT_TRUE(heap_ok());
	}
}

KTEST(kheap, realloc_grows_in_place_and_keeps_data)
{
	uint8_t *p = kmalloc(64), *q;
	KASSERT_NOT_NULL(p);
	for (int i = 0; i < 64; i++)
		p[i] = (uint8_t)i;
	q = krealloc(p, 4000);
	KASSERT_NOT_NULL(q);
	for (int i = 0; i < 64; i++)
		KEXPECT_EQ(q[i], i);
	kfree(q);
	KEXPECT_TRUE(heap_ok());
}

KTEST(kheap, calloc_zeroes_and_checks_overflow)
{
	uint32_t *p = kcalloc(100, sizeof(uint32_t));
	KASSERT_NOT_NULL(p);
	for (int i = 0; i < 100; i++)
		KEXPECT_EQ(p[i], 0);
	kfree(p);
	KEXPECT_NULL(kcalloc(SIZE_MAX / 2, 4)); /* n * size overflows */
	/* ... to a small number (16 in 32 bits), which kmalloc would give */
	KEXPECT_NULL(kcalloc(SIZE_MAX / 16 + 2, 16));
}

/* A large block freed at the end of the heap gives its pages back. */
KTEST(kheap, shrink_returns_frames)
{
	uint32_t frames = frame_free_count(), pages = kheap_pages();
	void *p = kmalloc(256 * 1024);
	KASSERT_NOT_NULL(p);
	/* 64 pages of payload: the heap grew (its old free tail may hold a
	 * few of them), and the frames came from the frame allocator. */
	KEXPECT_GE(kheap_pages(), 64);
	KEXPECT_GE(frames - frame_free_count(), 64 - pages);
	kfree(p);
	KEXPECT_LE(kheap_pages(), pages + HEAP_TRIM_PAGES_DEFAULT);
	KEXPECT_GE(frame_free_count() + HEAP_TRIM_PAGES_DEFAULT, frames);
}

/* Allocate 64 KiB blocks until the heap says no; NULL, never a panic. */
KTEST_BUDGET(kheap, exhaustion_returns_null, 6000)
{
	void **list = NULL;
	unsigned n = 0;
	for (;;) {
		void **b = kmalloc(64 * 1024);
		if (!b)
			break;
		*b = list;
		list = b;
		n++;
	}
	ktest_diag("%u blocks of 64 KiB before NULL; %u frames free", n,
		   frame_free_count());
	KEXPECT_GT(n, 0);
	KEXPECT_NULL(kmalloc(64 * 1024));
	KEXPECT_NULL(kmalloc((size_t)1 << 30)); /* more than the heap range */
	while (list) {
		void **next = *list;
		kfree(list);
		list = next;
	}
	KEXPECT_TRUE(heap_ok());
	void *p = kmalloc(64 * 1024); /* and it recovers */
	KEXPECT_NOT_NULL(p);
	kfree(p);
}

#define RANDOM_OPS   10000
#define RANDOM_SLOTS 128

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* 10,000 random kmalloc/kfree/krealloc with fill patterns checked and
 * heap_check every 500 operations. */
KTEST_BUDGET(kheap, random_operations_keep_invariants, 6000)
{
	static uint8_t *slot[RANDOM_SLOTS];
	static uint32_t len[RANDOM_SLOTS];
	uint32_t seed = 7, bad = 0;
	for (int op = 0; op < RANDOM_OPS; op++) {
		uint32_t i = lcg(&seed) % RANDOM_SLOTS;
		uint32_t size =
		    1 + lcg(&seed) % ((lcg(&seed) & 7) ? 512 : 16384);
		if (slot[i]) {
			for (uint32_t k = 0; k < len[i]; k++)
				bad += slot[i][k] != (uint8_t)(i + k);
		}
		if (slot[i] && (lcg(&seed) & 1)) {
			kfree(slot[i]);
			slot[i] = NULL;
			continue;
		}
		uint8_t *p = slot[i] ? krealloc(slot[i], size) : kmalloc(size);
		if (!p)
			continue;
		for (uint32_t k = slot[i] ? len[i] : 0; k < size; k++)
			p[k] = (uint8_t)(i + k);
		slot[i] = p;
		len[i] = size;
		if (op % 500 == 0)
			KASSERT_TRUE(heap_ok());
	}
	for (int i = 0; i < RANDOM_SLOTS; i++) {
		kfree(slot[i]);
		slot[i] = NULL;
	}
	KEXPECT_EQ(bad, 0);
	KEXPECT_TRUE(heap_ok());
}

static void free_foreign(void *arg)
{
	kfree(arg);
}

KTEST(kheap, bad_frees_are_caught)
{
	char msg[160];
	static uint8_t not_heap[64] __attribute__((aligned(16)));
	uint8_t *p = kmalloc(48);
	KASSERT_NOT_NULL(p);
	KEXPECT_TRUE(
	    ktest_catch_fatal(free_foreign, not_heap + 16, msg, sizeof(msg)));
	ktest_diag("foreign: %s", msg);
	KEXPECT_TRUE(ktest_catch_fatal(free_foreign, p + 8, msg, sizeof(msg)));
	ktest_diag("interior: %s", msg);
	kfree(p);
	/* A double free, on purpose: */
	/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
	KEXPECT_TRUE(ktest_catch_fatal(free_foreign, p, msg, sizeof(msg)));
	ktest_diag("double: %s", msg);
	KEXPECT_TRUE(heap_ok());
}

/*
 * The block after one of ours (in address order), so that corrupting its
 * header models an overflow out of our block.  Small blocks are carved from
 * the back of free blocks, so which of ours has a successor varies: try
 * each.
 */
static bool block_after_one_of(void *const *ours, int n,
			       struct heap_block_info *next)
{
	struct heap_block_info info;
	uintptr_t cursor = 0;
	bool mine = false;
	while (heap_walk(kheap_get(), &cursor, &info)) {
		if (mine) {
			*next = info;
			return true;
		}
		mine = false;
		for (int i = 0; i < n; i++)
			mine |= info.payload == ours[i];
	}
	return false;
}

/* Writing past the end of a block tramples the next block's header, and
 * heap_check names the damage; restoring the bytes heals it. */
KTEST(kheap, overflow_into_next_header_is_caught)
{
	struct heap_block_info next;
	uint8_t saved[HEAP_TAG_SIZE];
	void *ours[3] = {kmalloc(32), kmalloc(32), kmalloc(32)};
	bool found =
	    ours[0] && ours[1] && ours[2] && block_after_one_of(ours, 3, &next);
	bool caught = false;
	if (found) {
		bool on = irq_save(); /* nobody may use the heap meanwhile */
		memcpy(saved, (void *)next.addr, sizeof(saved));
		memset((void *)next.addr, 0x41,
		       sizeof(saved)); /* the overflow */
		caught = !heap_ok();
		memcpy((void *)next.addr, saved, sizeof(saved));
		irq_restore(on);
	}
	for (int i = 0; i < 3; i++)
		kfree(ours[i]);
	KEXPECT_TRUE(found);
	KEXPECT_TRUE(caught);
	KEXPECT_TRUE(heap_ok());
}
