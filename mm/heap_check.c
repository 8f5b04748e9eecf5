/*
 * heap_check: verifies every invariant of the whole heap (heap.h lists
 * them, heap_internal.h sums them up): one walk over the blocks in address
 * order, one over every free list and quick list, and a comparison of what
 * each found, by count, bytes and address checksums, with each other and
 * with the incremental statistics.  O(number of blocks); read-only.
 */

#include <stdarg.h>

#include "lib/fmt.h"
#include "mm/heap_lists.h"

/* What one pass over the blocks (or over the lists) adds up. */
struct heap_tally {
	size_t alloc_bytes, free_bytes, payload, quick_bytes;
	uint32_t alloc_blocks, free_blocks, quick_blocks;
	uintptr_t addr_sum, addr_sq_sum;   /* checksums of free blocks' and */
	uintptr_t quick_sum, quick_sq_sum; /* cached blocks' addresses */
	size_t deferred_bytes, deferred_payload; /* the deferred block */
	uint32_t deferred_blocks;
};

/* Writes "heap: <message>" into err (if given) and returns false. */
__attribute__((format(printf, 3, 4))) static bool bad(char *err, size_t len,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vfail(err, len, "heap: ", fmt, ap);
	va_end(ap);
	return false;
}

static void tally_free(struct heap_tally *t, const struct heap_block *b)
{
	t->free_blocks++;
	t->free_bytes += size_of(b);
	t->addr_sum += addr_of(b);
	t->addr_sq_sum += addr_of(b) * addr_of(b);
}

static void tally_quick(struct heap_tally *t, const struct heap_block *b)
{
	t->quick_blocks++;
	t->quick_bytes += size_of(b);
	t->quick_sum += addr_of(b);
	t->quick_sq_sum += addr_of(b) * addr_of(b);
}

/* An allocated or cached block of the address-order walk. */
static bool check_alloc(const struct heap *h, const struct heap_block *b,
			struct heap_tally *t, char *err, size_t len)
{
	const struct heap_tag *f = footer_of(b);

	if (b == h->deferred) { /* no footer, neighbours untouched */
		if (!is_quick(b) || size_of(b) > HEAP_QUICK_MAX ||
		    slack_of(b) > capacity_of(b))
			return bad(err, len, "deferred block %p of %u bytes",
				   (void *)b, size_of(b));
		t->deferred_blocks++;
		t->deferred_bytes += size_of(b);
		t->deferred_payload += capacity_of(b) - slack_of(b);
		return true;
	}
	if (is_quick(b)) {
		if (size_of(b) > HEAP_QUICK_MAX || slack_of(b) != 0 ||
		    !tag_ok(f, addr_of(b)) || f->word != size_of(b))
			return bad(err, len, "cached block %p of %u bytes",
				   (void *)b, size_of(b));
		tally_quick(t, b);
		return true;
	}
	if (slack_of(b) > capacity_of(b))
		return bad(err, len, "slack beyond block %p", (void *)b);
	t->alloc_blocks++;
	t->alloc_bytes += size_of(b);
	t->payload += capacity_of(b) - slack_of(b);
	return true;
}

/* One block of the address-order walk. */
static bool check_block(const struct heap *h, const struct heap_block *b,
			bool prev_alloc, bool *prev_unused,
			struct heap_tally *t, char *err, size_t len)
{
	const struct heap_tag *f;

	if (!header_sane(h, b) || size_of(b) == 0)
		return bad(err, len, "bad header at block %p", (void *)b);
	if ((b->hdr.word & HDR_FLAGS &
	     ~(HDR_ALLOC | HDR_PREV_ALLOC | HDR_QUICK)) != 0 ||
	    (b->hdr.word & (HDR_ALLOC | HDR_QUICK)) == HDR_QUICK)
		return bad(err, len, "unknown flag bits in block %p",
			   (void *)b);
	if (prev_is_alloc(b) != prev_alloc)
		return bad(err, len, "wrong PREV_ALLOC bit in block %p",
			   (void *)b);
	/* The deferred block alone may touch free ones: it looks allocated. */
	if (is_unused(b) && b != h->deferred && *prev_unused)
		return bad(err, len, "free or cached block %p follows one",
			   (void *)b);
	*prev_unused = is_unused(b) && b != h->deferred;
	if (is_alloc(b))
		return check_alloc(h, b, t, err, len);
	f = footer_of(b);
	if (!tag_ok(f, addr_of(b)) || f->word != size_of(b))
		return bad(err, len, "footer does not match block %p",
			   (void *)b);
	tally_free(t, b);
	return true;
}

/* Every block in address order, ending exactly at a valid epilogue. */
static bool check_blocks(const struct heap *h, struct heap_tally *t, char *err,
			 size_t len)
{
	uintptr_t a = h->start + HEAP_PAD, limit = h->end - HEAP_EPILOGUE;
	bool prev_alloc = true, prev_unused = false;

	while (a < limit) {
		if (a % HEAP_ALIGN != HEAP_TAG_SIZE)
			return bad(err, len, "misaligned block %p", (void *)a);
		if (!check_block(h, at(a), prev_alloc, &prev_unused, t, err,
				 len))
			return false;
		prev_alloc = !is_unused(at(a)) || at(a) == h->deferred;
		a += size_of(at(a));
	}
	if (a != limit || !header_sane(h, at(a)) || size_of(at(a)) != 0 ||
	    prev_is_alloc(at(a)) != prev_alloc)
		return bad(err, len, "bad epilogue at %p", (void *)limit);
	return true;
}

/* A block found on list c: really free, in the heap, of class c. */
static bool check_listed(const struct heap *h, const struct heap_block *b,
			 uint32_t c, char *err, size_t len)
{
	uintptr_t a = addr_of(b);

	if (a < h->start + HEAP_PAD || a >= h->end - HEAP_EPILOGUE ||
	    a % HEAP_ALIGN != HEAP_TAG_SIZE)
		return bad(err, len, "list %u holds %p, not a heap block", c,
			   (void *)b);
	if (!header_sane(h, b) || size_of(b) == 0 || is_alloc(b))
		return bad(err, len, "list %u holds %p, not a free block", c,
			   (void *)b);
	if (class_of(size_of(b)) != c)
		return bad(err, len, "free block %p of %u bytes on list %u",
			   (void *)b, size_of(b), c);
	if (is_last(h, b))
		return bad(err, len, "the wilderness %p is on list %u",
			   (void *)b, c);
	return true;
}

/* One class list: members, back links, bounded length, rover, bitmap. */
static bool check_list(const struct heap *h, uint32_t c, uint32_t limit,
		       struct heap_tally *t, char *err, size_t len)
{
	const struct heap_block *b, *prev = NULL;
	bool bit = (h->nonempty[c / CLASS_BITS] >> (c % CLASS_BITS)) & 1u;
	bool rover_seen = h->rover[c] == NULL;

	if (bit != (h->lists[c] != NULL))
		return bad(err, len, "non-empty bit of list %u is wrong", c);
	for (b = h->lists[c]; b; prev = b, b = b->next) {
		if (t->free_blocks >= limit)
			return bad(err, len,
				   "list %u holds more blocks than "
				   "the heap has free (a cycle?)",
				   c);
		if (!check_listed(h, b, c, err, len))
			return false;
		if (b->prev != prev)
			return bad(err, len, "bad back link in %p on list %u",
				   (void *)b, c);
		rover_seen |= b == h->rover[c];
		tally_free(t, b);
	}
	if (!rover_seen)
		return bad(err, len, "rover of list %u is not on it", c);
	return true;
}

/* One quick list: cached blocks of one size, as many as counted. */
static bool check_quick(const struct heap *h, uint32_t c, uint32_t limit,
			struct heap_tally *t, char *err, size_t len)
{
	const struct heap_block *b;
	uint32_t n = 0;

	for (b = h->quick[c]; b; b = b->next, n++) {
		uintptr_t a = addr_of(b);

		if (n >= limit || a < h->start + HEAP_PAD ||
		    a >= h->end - HEAP_EPILOGUE ||
		    a % HEAP_ALIGN != HEAP_TAG_SIZE || !header_sane(h, b) ||
		    (b->hdr.word & (HDR_ALLOC | HDR_QUICK)) !=
			(HDR_ALLOC | HDR_QUICK) ||
		    class_of(size_of(b)) != c)
			return bad(err, len,
				   "quick list %u holds %p, not a "
				   "cached block of its size",
				   c, (void *)b);
		tally_quick(t, b);
	}
	if (n != h->quick_count[c])
		return bad(err, len,
			   "quick list %u holds %u blocks, counted "
			   "%u",
			   c, n, h->quick_count[c]);
	return true;
}

/* The quick lists hold exactly the cached blocks the walk found. */
static bool check_quick_lists(const struct heap *h,
			      const struct heap_tally *walk, char *err,
			      size_t len)
{
	struct heap_tally q = {0};
	uint32_t c;

	for (c = 0; c < HEAP_QUICK_CLASSES; c++)
		if (!check_quick(h, c, walk->quick_blocks, &q, err, len))
			return false;
	if (q.quick_blocks != walk->quick_blocks ||
	    q.quick_bytes != walk->quick_bytes ||
	    q.quick_sum != walk->quick_sum ||
	    q.quick_sq_sum != walk->quick_sq_sum ||
	    q.quick_blocks != h->quick_blocks ||
	    q.quick_bytes != h->quick_bytes)
		return bad(err, len,
			   "quick lists hold %u blocks, the heap %u "
			   "cached (or not the same ones), counted %u",
			   q.quick_blocks, walk->quick_blocks, h->quick_blocks);
	return true;
}

/* The statistics kept incrementally, against the walk's tally. */
static bool check_stats(const struct heap *h, const struct heap_tally *t,
			char *err, size_t len)
{
	size_t size = h->end - h->start;

	/* The deferred block is still counted as allocated (heap_quick.c). */
	if (t->alloc_blocks + t->deferred_blocks != h->alloc_blocks ||
	    t->alloc_bytes + t->deferred_bytes != h->block_bytes)
		return bad(err, len,
			   "allocated: %u blocks, %zu bytes; stats "
			   "say %u, %zu",
			   t->alloc_blocks, t->alloc_bytes, h->alloc_blocks,
			   h->block_bytes);
	if (t->payload + t->deferred_payload != h->payload_bytes)
		return bad(err, len, "payload %zu bytes; stats say %zu",
			   t->payload, h->payload_bytes);
	if (t->deferred_blocks != (h->deferred ? 1u : 0u))
		return bad(err, len, "deferred block %p not found in the heap",
			   (void *)h->deferred);
	if (size && size != t->alloc_bytes + t->free_bytes + t->quick_bytes +
				t->deferred_bytes + HEAP_OVERHEAD)
		return bad(err, len, "blocks do not add up to the heap size");
	if (h->high_water < size ||
	    h->peak_payload < h->payload_bytes - t->deferred_payload)
		return bad(err, len, "a high-water mark is below its value");
	return true;
}

bool heap_check(const struct heap *h, char *err, size_t len)
{
	struct heap_tally walk = {0}, lists = {0};
	uint32_t c;

	if (h->end < h->start || (h->end - h->start) % HEAP_PAGE_SIZE)
		return bad(err, len, "bad bounds %p..%p", (void *)h->start,
			   (void *)h->end);
	if (h->end != h->start && !check_blocks(h, &walk, err, len))
		return false;
	for (c = 0; c < HEAP_NCLASSES; c++)
		if (!check_list(h, c, walk.free_blocks, &lists, err, len))
			return false;
	if (lists.free_blocks != h->listed_blocks ||
	    lists.free_bytes != h->listed_bytes)
		return bad(err, len,
			   "lists hold %u blocks, %zu bytes; stats "
			   "say %u, %zu",
			   lists.free_blocks, lists.free_bytes,
			   h->listed_blocks, h->listed_bytes);
	if (heap_wilderness(h))
		tally_free(&lists, heap_wilderness(h));
	if (lists.free_blocks != walk.free_blocks ||
	    lists.free_bytes != walk.free_bytes ||
	    lists.addr_sum != walk.addr_sum ||
	    lists.addr_sq_sum != walk.addr_sq_sum)
		return bad(err, len,
			   "the lists and the wilderness hold %u "
			   "blocks, the heap %u (or not the same ones)",
			   lists.free_blocks, walk.free_blocks);
	return check_quick_lists(h, &walk, err, len) &&
	       check_stats(h, &walk, err, len);
}
