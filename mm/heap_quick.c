/*
 * heap_quick: deferred coalescing (CS:APP 9.9.10): the quick lists and the
 * deferred block.
 *
 * Invariants:
 *  - a cached block (on a quick list) is marked HDR_ALLOC | HDR_QUICK, has
 *    a footer, its successor's PREV_ALLOC bit is clear, and both its
 *    neighbours are in use; at most HEAP_QUICK_DEPTH wait per size;
 *  - the deferred block, at most one, is marked HDR_ALLOC | HDR_QUICK but
 *    has no footer and its neighbours are untouched; it is settled (merged)
 *    before any other change to the heap, so it never outlives one call;
 *  - cached blocks are unaccounted (the counters count them as free); the
 *    deferred block is still counted as allocated in payload_bytes,
 *    block_bytes and alloc_blocks until it is settled, so that taking it
 *    back costs one payload adjustment; heap_get_stats() and heap_check()
 *    take it out of those figures.
 */

#include "mm/heap_lists.h"

/*
 * Deferred coalescing (9.9.10; the mingOS notes' second improvement): a
 * freed block of at most HEAP_QUICK_MAX bytes whose neighbours are both in
 * use (so it would not merge with anything now) is kept, marked HDR_ALLOC |
 * HDR_QUICK, on a LIFO list of its exact size, up to HEAP_QUICK_DEPTH blocks
 * a size.  The next request of that size takes it back without splitting,
 * merging or searching: the usual kmalloc/kfree pair costs a pop and a push.
 *
 * A cached block gets a footer and clears its successor's PREV_ALLOC bit,
 * like a free block, so that a neighbour being freed, or a block being grown
 * by realloc, merges it at once.  Before the heap would grow,
 * heap_quick_flush() frees every cached block for real.  Caching every small
 * block, whatever its neighbours, pinned the heap in pieces: peak utilisation
 * 0.72 -> 0.58 on the random host test.
 */
bool heap_quick_push(struct heap *h, struct heap_block *b)
{
	uint32_t size = size_of(b), c = class_of(size);

	if (h->quick_count[c] >= HEAP_QUICK_DEPTH)
		return false;
	write_tag(&b->hdr, b->hdr.word | HDR_QUICK, addr_of(b), 0);
	write_tag(footer_of(b), size, addr_of(b), 0);
	set_prev_bit(next_of(b), false);
	b->next = h->quick[c];
	h->quick[c] = b;
	h->quick_count[c]++;
	h->quick_blocks++;
	h->quick_bytes += size;
	return true;
}

/* A cached block of exactly asize bytes, taken off its quick list. */
struct heap_block *heap_quick_pop(struct heap *h, uint32_t asize)
{
	uint32_t c = class_of(asize);
	struct heap_block *b = h->quick[c];

	if (!b)
		return NULL;
	if (!tag_ok(&b->hdr, addr_of(b)) ||
	    (b->next &&
	     (addr_of(b->next) < h->start || addr_of(b->next) >= h->end)))
		kfatal("heap: cached block %p corrupted (written after free?)",
		       payload_of(b));
	h->quick[c] = b->next;
	h->quick_count[c]--;
	h->quick_blocks--;
	h->quick_bytes -= asize;
	set_prev_bit(next_of(b), true);
	return b;
}

/* Takes a cached block off its quick list (at most HEAP_QUICK_DEPTH long). */
void heap_quick_unlink(struct heap *h, struct heap_block *b)
{
	uint32_t c = class_of(size_of(b));
	struct heap_block **link = &h->quick[c];

	while (*link && *link != b)
		link = &(*link)->next;
	if (!*link)
		kfatal("heap: cached block %p is on no quick list",
		       payload_of(b));
	*link = b->next;
	h->quick_count[c]--;
	h->quick_blocks--;
	h->quick_bytes -= size_of(b);
}

/* Frees every cached block for real, merging it with its neighbours. */
void heap_quick_flush(struct heap *h)
{
	uint32_t c;

	for (c = 0; c < HEAP_QUICK_CLASSES; c++) {
		while (h->quick[c]) {
			struct heap_block *b = h->quick[c];

			h->quick[c] = b->next;
			h->quick_count[c]--;
			h->quick_blocks--;
			h->quick_bytes -= size_of(b);
			heap_make_free(h, b, size_of(b));
		}
	}
}

/*
 * The deferred block (9.9.10 again, one block deep): a freed small block
 * that has a free neighbour, so that freeing it means merging, and maybe
 * trimming.  Instead it waits, marked HDR_ALLOC | HDR_QUICK (so that a
 * second free of it is a double free) and with its neighbours untouched,
 * until the next call that changes the heap: a request of its exact size
 * takes it back as it is, every other call first frees it for real
 * (settle).  So a kmalloc/kfree pair of one size, the commonest pattern,
 * neither splits nor merges, yet nothing stays unmerged past the next call:
 * the layout, and so utilisation, is what immediate merging gives.  A free
 * whose merge could give pages back is never deferred (could_trim), so the
 * heap's pages are as without deferring, too.
 */
void heap_settle_deferred(struct heap *h)
{
	struct heap_block *d = h->deferred;

	if (!tag_ok(&d->hdr, addr_of(d)))
		HEAP_FATAL("free",
			   "deferred block corrupted (written after free?)",
			   payload_of(d), h->deferred_caller);
	check_prev(h, d, h->deferred_caller, "free");
	account_free(h, d);
	h->deferred = NULL;
	heap_make_free(h, d, size_of(d));
}

void heap_flush(struct heap *h)
{
	settle(h);
	heap_quick_flush(h);
}
