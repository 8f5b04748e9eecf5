/*
 * heap_stats: the statistics and the block walk, both read-only.
 *
 * Invariants: the counters in struct heap are kept incrementally by the
 * other files (account_alloc/account_free, the list and quick-list
 * operations, grow and trim), so reading them is O(1) but for
 * largest_free, which looks at one list.  heap_check() recomputes each.
 */

#include "mm/heap_lists.h"

/* The largest free block: the wilderness, a cached one, or on a list. */
static size_t largest_free(const struct heap *h)
{
	const struct heap_block *b = heap_wilderness(h);
	size_t best = b ? size_of(b) : 0;
	int w;

	for (w = HEAP_QUICK_CLASSES - 1; w >= 0 && !h->quick[w]; w--)
		;
	if (w >= 0 && size_of(h->quick[w]) > best)
		best = size_of(h->quick[w]);
	if (h->deferred && size_of(h->deferred) > best)
		best = size_of(h->deferred);
	for (w = HEAP_CLASS_WORDS - 1; w >= 0 && !h->nonempty[w]; w--)
		;
	if (w < 0)
		return best;
	b = h->lists[(uint32_t)w * CLASS_BITS + 31u -
		     (uint32_t)__builtin_clz(h->nonempty[w])];
	for (; b; b = b->next)
		if (size_of(b) > best)
			best = size_of(b);
	return best;
}

void heap_get_stats(const struct heap *h, struct heap_stats *s)
{
	const struct heap_block *w = heap_wilderness(h);

	s->heap_size = h->end - h->start;
	s->high_water = h->high_water;
	const struct heap_block *d = h->deferred;

	/* The deferred block is still counted as allocated: take it out. */
	s->payload_bytes =
	    h->payload_bytes - (d ? capacity_of(d) - slack_of(d) : 0);
	s->peak_payload = h->peak_payload;
	s->block_bytes = h->block_bytes - (d ? size_of(d) : 0);

	s->free_bytes = h->listed_bytes + h->quick_bytes +
			(w ? size_of(w) : 0) + (d ? size_of(d) : 0);
	s->largest_free = largest_free(h);
	s->alloc_blocks = h->alloc_blocks - (d ? 1 : 0);
	s->free_blocks =
	    h->listed_blocks + h->quick_blocks + (w ? 1 : 0) + (d ? 1 : 0);
	s->quick_blocks = h->quick_blocks + (d ? 1 : 0);
	s->grows = h->grows;
	s->shrinks = h->shrinks;
	s->grow_failures = h->grow_failures;
}

bool heap_walk(const struct heap *h, uintptr_t *cursor,
	       struct heap_block_info *info)
{
	uintptr_t a = *cursor ? *cursor : h->start + HEAP_PAD;
	const struct heap_block *b = at(a);
	uint32_t size;

	if (h->end == h->start || a >= h->end - HEAP_EPILOGUE)
		return false;
	size = size_of(b);
	if (size < HEAP_MIN_BLOCK || size > h->end - HEAP_EPILOGUE - a)
		return false;
	info->addr = a;
	info->payload = payload_of(b);
	info->size = size;
	info->cached = (b->hdr.word & HDR_QUICK) != 0;
	info->allocated = is_alloc(b) && !info->cached;
	info->payload_size = info->allocated ? capacity_of(b) - slack_of(b) : 0;
	*cursor = a + size;
	return true;
}
