/*
 * heap_release (mm/heap.h): the free pages at the heap's end go back at
 * once, whatever the trim threshold's hysteresis kept — what a count of
 * free frames needs to be the same before and after work that grew the
 * heap and freed everything again (the user programs' leak checks).
 */
#include "kernel/ktest.h"
#include "mm/heap.h"

#define REL_ARENA (32u * 1024u)

static uint8_t rel_arena[REL_ARENA] __attribute__((aligned(HEAP_PAGE_SIZE)));
static struct heap rel_heap; /* too big for a kernel stack */
static uintptr_t rel_end;

static bool rel_grow(void *ctx, uintptr_t new_end)
{
	(void)ctx;
	if (new_end > (uintptr_t)rel_arena + REL_ARENA || new_end <= rel_end)
		return false;
	rel_end = new_end;
	return true;
}

static void rel_shrink(void *ctx, uintptr_t new_end)
{
	(void)ctx;
	rel_end = new_end;
}

KTEST(heap, release_gives_back_what_the_trim_threshold_kept)
{
	struct heap_ops ops = {NULL, rel_grow, rel_shrink};
	static char err[160];
	void *keep, *big;

	rel_end = (uintptr_t)rel_arena;
	heap_init(&rel_heap, (uintptr_t)rel_arena, &ops, HEAP_FIT_DEFAULT);
	heap_set_trim(&rel_heap, HEAP_TRIM_PAGES_DEFAULT);
	keep = heap_alloc(&rel_heap, 200);
	big = heap_alloc(&rel_heap, 2 * HEAP_PAGE_SIZE);
	KASSERT_TRUE(keep != NULL && big != NULL);
	heap_free(&rel_heap, big, 0);
	/* Fewer free pages than the threshold: kept. */
	KEXPECT_GE(rel_end - (uintptr_t)rel_arena, 2 * HEAP_PAGE_SIZE);
	heap_release(&rel_heap);
	KEXPECT_EQ(rel_end, (uintptr_t)rel_arena + HEAP_PAGE_SIZE);
	/* The heap is sound and goes on growing. */
	big = heap_alloc(&rel_heap, 2 * HEAP_PAGE_SIZE);
	KEXPECT_TRUE(big != NULL);
	heap_free(&rel_heap, big, 0);
	heap_free(&rel_heap, keep, 0);
	heap_release(&rel_heap);
	KEXPECT_EQ(rel_end, (uintptr_t)rel_arena);
	KEXPECT_TRUE(heap_check(&rel_heap, err, sizeof(err)));
}
