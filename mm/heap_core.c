/*
 * heap_core: segregated fit with boundary tags, the core.  See heap.h for the
 * layout and the policies, heap_internal.h for how the files divide it;
 * this file names, at each step, the rule of CS:APP 9.9
 * (004_b0ae9d4f0844a55a.txt) it implements.
 *
 * Here: getting memory (grow, extend, trim), coalescing (make_free),
 * splitting and placing, and the entry points.  Invariants kept here:
 *  - a call that changes the heap first settles the deferred block, unless
 *    it is an allocation that takes that block back (heap_quick.c);
 *  - a pointer from a caller is checked (checked_self) before anything
 *    changes, and the free block before it is checked before it is merged;
 *  - the heap grows only when no listed block, no wilderness and no cached
 *    block (after a flush) fits, and shrinks only through trim().
 */

#include "mm/heap_lists.h"

static bool grow_to(struct heap *h, uintptr_t new_end)
{
	if (!h->ops.grow(h->ops.ctx, new_end)) {
		h->grow_failures++;
		return false;
	}
	h->end = new_end;
	h->grows++;
	if (h->end - h->start > h->high_water)
		h->high_water = h->end - h->start;
	return true;
}

/* Can the heap own `extra` more bytes (plus rounding) without overflow? */
static bool room_for(const struct heap *h, uintptr_t extra)
{
	uintptr_t used = h->end - h->start;

	return extra <= HEAP_MAX_SIZE - HEAP_PAGE_SIZE - used &&
	       extra <= UINTPTR_MAX - HEAP_PAGE_SIZE - h->end;
}

/* The first growth lays out the pad, one free block and the epilogue. */
static struct heap_block *extend_empty(struct heap *h, uint32_t need)
{
	struct heap_block *b = at(h->start + HEAP_PAD);
	uintptr_t new_end;

	if (!room_for(h, (uintptr_t)need + HEAP_OVERHEAD))
		return NULL;
	new_end = page_up(h->start + HEAP_OVERHEAD + need);
	if (!grow_to(h, new_end))
		return NULL;
	set_free(b, (uint32_t)(new_end - h->start - HEAP_OVERHEAD), true);
	write_epilogue(h, false);
	return b;
}

/*
 * Getting more heap memory (9.9.9): grows the heap by whole pages until its
 * last block is free and at least `need` bytes, merging the new pages with
 * the wilderness.  Returns the new wilderness, or NULL.
 */
static struct heap_block *extend(struct heap *h, uint32_t need)
{
	struct heap_block *epi, *last = NULL, *b;
	uintptr_t old_end = h->end;
	uint32_t have = 0;
	bool pa;

	if (h->end == h->start)
		return extend_empty(h, need);
	epi = at(old_end - HEAP_EPILOGUE);
	pa = prev_is_alloc(epi);
	last = heap_wilderness(h);
	if (last)
		have = size_of(last);
	if (!room_for(h, need - have) ||
	    !grow_to(h, page_up(old_end + (need - have))))
		return NULL;
	b = epi;
	if (last) {
		b = last;
		pa = prev_is_alloc(last);
	}
	set_free(b, (uint32_t)(h->end - HEAP_EPILOGUE - addr_of(b)), pa);
	write_epilogue(h, false);
	return b;
}

/*
 * Gives back whole pages at the end of the heap, where b is the wilderness,
 * when it spans at least trim_pages of them.  Keeps the part of b below the
 * first page boundary it can cut at, so that what stays is a valid block
 * (the new wilderness) or nothing.
 */
static void trim(struct heap *h, struct heap_block *b)
{
	uintptr_t a = addr_of(b), new_end, rest;
	bool pa = prev_is_alloc(b);

	if (!h->ops.shrink || h->keep_pages)
		return;
	if (a == h->start + HEAP_PAD) {
		new_end = h->start;
	} else {
		new_end = page_up(a + HEAP_EPILOGUE);
		rest = new_end - HEAP_EPILOGUE - a;
		if (rest != 0 && rest < HEAP_MIN_BLOCK)
			new_end += HEAP_PAGE_SIZE;
	}
	if ((h->end - new_end) / HEAP_PAGE_SIZE < h->trim_pages)
		return;
	h->ops.shrink(h->ops.ctx, new_end);
	h->end = new_end;
	h->shrinks++;
	if (new_end == h->start)
		return;
	rest = new_end - HEAP_EPILOGUE - a;
	if (rest) {
		set_free(b, (uint32_t)rest, pa);
		pa = false;
	}
	write_epilogue(h, pa);
}

void heap_trim(struct heap *h)
{
	struct heap_block *w = heap_wilderness(h);
	uint32_t saved = h->trim_pages;
	if (!w)
		return;
	h->trim_pages = 1;
	trim(h, w);
	h->trim_pages = saved;
}

/* ------------------------------------------------ freeing, coalescing --- */

/* Puts a free, coalesced block on its list, or leaves it as the wilderness
 * (and maybe trims it). */
static void file_free(struct heap *h, struct heap_block *b)
{
	if (is_last(h, b))
		trim(h, b);
	else
		heap_list_push(h, b);
}

/* Takes a free or cached neighbour off its list, to be merged. */
static void absorb(struct heap *h, struct heap_block *b)
{
	if (is_quick(b))
		heap_quick_unlink(h, b);
	else
		heap_unlink_free(h, b);
}

/*
 * Turns [b, b + size) into a free block and merges it with free neighbours:
 * the four cases of coalescing with boundary tags (9.9.11), in constant
 * time.  A cached neighbour (quick lists) is merged too.  The loops run at
 * most once each, because no free or cached block ever touches another
 * (heap_check verifies it); they are loops so that the code does not have
 * to rely on that.  b's header must hold the right PREV_ALLOC bit.  When b
 * merges into its predecessor, its old header is rewritten as free, so that
 * a later free of the same pointer is still seen as a double free.
 */
void heap_make_free(struct heap *h, struct heap_block *b, uint32_t size)
{
	bool pa = prev_is_alloc(b);
	struct heap_block *n = at(addr_of(b) + size);

	while (is_unused(n)) {
		absorb(h, n);
		size += size_of(n);
		n = at(addr_of(b) + size);
	}
	if (!pa)
		write_tag(&b->hdr, size_of(b), addr_of(b), 0);
	while (!pa) {
		struct heap_block *p = prev_of(b);

		absorb(h, p);
		size += size_of(p);
		b = p;
		pa = prev_is_alloc(p);
	}
	set_free(b, size, pa);
	set_prev_bit(next_of(b), false);
	file_free(h, b);
}

/* ---------------------------------------------- allocating, splitting --- */

/* Block size for a request: header + payload, rounded up (9.9.12). */
static uint32_t adjust(size_t req)
{
	size_t asize;

	if (req > HEAP_MAX_REQUEST)
		return 0;
	asize = (req + HEAP_TAG_SIZE + HEAP_ALIGN - 1) & ~(size_t)HDR_FLAGS;
	return asize < HEAP_MIN_BLOCK ? HEAP_MIN_BLOCK : (uint32_t)asize;
}

/*
 * A freed block goes to its quick list, or is deferred, or is freed for
 * real.  Any deferred block is settled first, so that b sees its
 * neighbours as they are.
 */
/* Frees b for real, after checking the free block before it. */
static inline void free_now(struct heap *h, struct heap_block *b,
			    uintptr_t caller)
{
	check_prev(h, b, caller, "free");
	account_free(h, b);
	heap_make_free(h, b, size_of(b));
}

/* A small block that is not deferred: cached if it can be, else freed. */
static __attribute__((noinline)) void
release_small(struct heap *h, struct heap_block *b, uintptr_t caller)
{
	if (prev_is_alloc(b) && !is_unused(next_of(b))) {
		account_free(h, b);
		if (!heap_quick_push(h, b))
			heap_make_free(h, b, size_of(b));
		return;
	}
	free_now(h, b, caller);
}

static inline __attribute__((always_inline)) void
release(struct heap *h, struct heap_block *b, uintptr_t caller)
{
	struct heap_block *n;

	settle(h);
	if (size_of(b) > HEAP_QUICK_MAX) {
		free_now(h, b, caller);
		return;
	}
	n = next_of(b);
	if ((!prev_is_alloc(b) || is_unused(n)) && !could_trim(h, b, n)) {
		/* Deferred; still counted as allocated (heap_quick.c). */
		flip_flags(&b->hdr, HDR_QUICK); /* tag stays valid */
		h->deferred = b;
		h->deferred_caller = caller;
		return;
	}
	release_small(h, b, caller);
}

/*
 * Makes the region [b, b + size) (off the lists; b's header holds its
 * PREV_ALLOC bit) an allocated block of asize bytes for a request of req
 * bytes, splitting off the rest as a free block only if the rest can be a
 * block of its own (9.9.8); otherwise the whole region is allocated.
 */
static void place(struct heap *h, struct heap_block *b, uint32_t size,
		  uint32_t asize, size_t req)
{
	bool pa = prev_is_alloc(b);
	uint32_t rest = size - asize;

	if (rest >= HEAP_MIN_BLOCK) {
		struct heap_block *r = at(addr_of(b) + asize);

		set_alloc(b, asize, pa, asize - HEAP_TAG_SIZE - (uint32_t)req);
		r->hdr.word = rest | HDR_PREV_ALLOC;
		heap_make_free(h, r, rest);
	} else {
		set_alloc(b, size, pa, size - HEAP_TAG_SIZE - (uint32_t)req);
		set_prev_bit(next_of(b), true);
	}
	account_alloc(h, b, req);
}

/*
 * Where a new block goes inside the free block chosen for it (when that
 * block is split): blocks of HEAP_SMALL_MAX bytes or less at the back,
 * larger ones at the front.  Within each free block (and so within each
 * stretch of newly grown heap) small and large blocks collect at opposite
 * ends, and when the large ones are freed their holes merge into one
 * instead of staying separate between small survivors.  This is what keeps
 * malloc-lab's binary traces (small and large in turn, the large freed,
 * larger ones asked for) from nearly doubling the heap: 54% -> 92% peak
 * utilisation on binary-a.  Large blocks go to the front so that carving
 * them out of the wilderness leaves the rest of it at the end, where the
 * next growth merges with it (the other way round loses the tail of every
 * grown page: 99% -> 88% on coalescing).
 */
static struct heap_block *place_new(struct heap *h, struct heap_block *b,
				    uint32_t asize, size_t req)
{
	uint32_t size = size_of(b), rest = size - asize;
	struct heap_block *a = at(addr_of(b) + rest);

	if (asize > HEAP_SMALL_MAX || rest < HEAP_MIN_BLOCK) {
		place(h, b, size, asize, req);
		return b;
	}
	set_alloc(a, asize, false, asize - HEAP_TAG_SIZE - (uint32_t)req);
	set_prev_bit(next_of(a), true);
	account_alloc(h, a, req);
	b->hdr.word = rest | prev_flag(prev_is_alloc(b));
	heap_make_free(h, b, rest);
	return a;
}

/*
 * A free block of at least asize bytes, taken off its list: a listed block
 * if one fits, else the wilderness, else the same after flushing the quick
 * lists, else the wilderness grown.  NULL when the heap cannot grow.
 */
static struct heap_block *take_free(struct heap *h, uint32_t asize)
{
	struct heap_block *b = heap_find_fit(h, asize);

	if (b) {
		heap_list_remove(h, b);
		return b;
	}
	b = heap_wilderness(h);
	return b && size_of(b) >= asize ? b : NULL;
}

static struct heap_block *take_block(struct heap *h, uint32_t asize)
{
	struct heap_block *b = take_free(h, asize);

	if (!b && h->quick_blocks) {
		h->keep_pages = true; /* no shrinking just before growing */
		heap_quick_flush(h);
		h->keep_pages = false;
		b = take_free(h, asize);
	}
	return b ? b : extend(h, asize);
}

/* Every allocation but the deferred block's return. */
static __attribute__((noinline)) void *alloc_slow(struct heap *h, size_t size,
						  uint32_t asize)
{
	struct heap_block *b;

	settle(h);
	if (asize <= HEAP_QUICK_MAX && (b = heap_quick_pop(h, asize))) {
		set_alloc(b, asize, prev_is_alloc(b),
			  asize - HEAP_TAG_SIZE - (uint32_t)size);
		account_alloc(h, b, size);
		return payload_of(b);
	}
	if (!(b = take_block(h, asize)))
		return NULL;
	return payload_of(place_new(h, b, asize, size));
}

HEAP_FASTCALL void *heap_alloc(struct heap *h, size_t size)
{
	uint32_t asize = adjust(size), old, slack;
	struct heap_block *b = h->deferred;

	/* size_of(b) is never 0, so a request too large fails here too. */
	if (!b || size_of(b) != asize)
		return asize ? alloc_slow(h, size, asize) : NULL;
	/*
	 * The fast path: the block freed last, back as is.  Its tag is not
	 * checked here: the updates below flip bits and never recompute it,
	 * so a header damaged since the free stays damaged and the block's
	 * next free (or its neighbour's) reports it.
	 */
	old = slack_of(b);
	slack = asize - HEAP_TAG_SIZE - (uint32_t)size;
	h->deferred = NULL;
	flip_flags(&b->hdr, HDR_QUICK);
	if (slack != old)
		swap_slack(&b->hdr, slack);
	/* It stayed counted: only its payload changes. */
	h->payload_bytes = h->payload_bytes + old - slack;
	if (h->payload_bytes > h->peak_payload)
		h->peak_payload = h->payload_bytes;
	return payload_of(b);
}

/* ------------------------------------------------- checking pointers --- */

/* The free block before b, through its footer, checked like a header. */
bool heap_prev_sane(const struct heap *h, const struct heap_block *b)
{
	const struct heap_tag *f = prev_footer(b);
	uint32_t size = f->word & HDR_SIZE_MASK;
	const struct heap_block *p;

	if (size < HEAP_MIN_BLOCK || size > addr_of(b) - h->start - HEAP_PAD)
		return false;
	p = at(addr_of(b) - size);
	return tag_ok(f, addr_of(p)) && header_sane(h, p) && is_unused(p) &&
	       size_of(p) == size;
}

/*
 * Validates a pointer handed back by a caller before anything changes: in
 * range, aligned, a valid allocated header, sane neighbours.  Any failure is
 * a broken invariant (a foreign pointer, a double free, an overflow).
 */
static __attribute__((noinline, cold, noreturn)) void
pointer_fatal(const struct heap *h, const void *p, uintptr_t caller,
	      const char *op)
{
	uintptr_t a = (uintptr_t)p;
	struct heap_block *b = at(a - HEAP_TAG_SIZE);

	/* An empty heap (end == start) fails this too. */
	if (a < h->start + HEAP_PAD + HEAP_TAG_SIZE ||
	    a >= h->end - HEAP_EPILOGUE)
		HEAP_FATAL(op, "pointer outside the heap", p, caller);
	if (a % HEAP_ALIGN)
		HEAP_FATAL(op, "misaligned pointer", p, caller);
	if (!header_sane(h, b)) /* size 0 fails: b is below the epilogue */
		HEAP_FATAL(op, "bad header (corrupted, or not a block start)",
			   p, caller);
	if (!is_alloc(b) || (b->hdr.word & HDR_QUICK))
		HEAP_FATAL(op, "double free (block is already free)", p,
			   caller);
	HEAP_FATAL(op, "next header corrupted (overflow from block?)", p,
		   caller);
}

/*
 * The same tests as pointer_fatal, which says which one failed, written as
 * one chain for the fast path: in range, aligned, a sane allocated header
 * (its size first, so that its successor is read only inside the heap),
 * and a successor whose tag is valid and whose PREV_ALLOC bit is set.  The
 * successor's size is not checked against the heap's bounds: its tag
 * covers it, so an overflow into it fails the tag all the same (but for
 * the 2^-20 chance every tag has), and only a corrupted header is at issue
 * here; heap_check() still checks every size.
 */
static inline __attribute__((always_inline)) struct heap_block *
checked_self(const struct heap *h, const void *p, uintptr_t caller,
	     const char *op)
{
	uintptr_t a = (uintptr_t)p, limit = h->end - HEAP_EPILOGUE;
	struct heap_block *b = at(a - HEAP_TAG_SIZE), *n;
	uint32_t size;

	if (a < h->start + HEAP_PAD + HEAP_TAG_SIZE || a >= limit ||
	    a % HEAP_ALIGN)
		pointer_fatal(h, p, caller, op);
	size = size_of(b);
	if (size < HEAP_MIN_BLOCK || size > limit - addr_of(b) ||
	    (b->hdr.word & (HDR_ALLOC | HDR_QUICK)) != HDR_ALLOC ||
	    !tag_ok(&b->hdr, addr_of(b)))
		pointer_fatal(h, p, caller, op);
	n = at(addr_of(b) + size);
	if (!tag_ok(&n->hdr, addr_of(n)) || !prev_is_alloc(n))
		pointer_fatal(h, p, caller, op);
	return b;
}

/*
 * checked_self and the free block before p, which only a merge reads: a
 * free checks it when it merges, which a deferred free does later (settle).
 */
static struct heap_block *checked_block(const struct heap *h, const void *p,
					uintptr_t caller, const char *op)
{
	struct heap_block *b = checked_self(h, p, caller, op);

	check_prev(h, b, caller, op);
	return b;
}

HEAP_FASTCALL void heap_free(struct heap *h, void *p, uintptr_t caller)
{
	if (p)
		release(h, checked_self(h, p, caller, "free"), caller);
}

size_t heap_usable_size(const struct heap *h, const void *p, uintptr_t caller)
{
	return capacity_of(checked_block(h, p, caller, "usable_size"));
}

/* ---------------------------------------------------------- realloc --- */

/*
 * Makes b (allocated, already unaccounted) span at least asize bytes
 * without moving it: by taking the next block when it is free, and by
 * growing the heap when b or that free block is the last one.  Returns the
 * new span, or 0 if b cannot grow in place.
 */
static uint32_t grow_in_place(struct heap *h, struct heap_block *b,
			      uint32_t asize)
{
	uint32_t size = size_of(b);
	struct heap_block *n = next_of(b);
	bool n_free;

	if (is_quick(n)) { /* free it for real, merged with what follows */
		heap_quick_unlink(h, n);
		heap_make_free(h, n, size_of(n));
		n = next_of(b);
	}
	n_free = !is_alloc(n);
	if (n_free && size + size_of(n) >= asize) {
		heap_unlink_free(h, n);
		return size + size_of(n);
	}
	if (addr_of(n) == h->end - HEAP_EPILOGUE ||
	    (n_free && addr_of(next_of(n)) == h->end - HEAP_EPILOGUE)) {
		n = extend(h, asize - size);
		if (n)
			return size + size_of(n);
	}
	return 0;
}

/* Realloc without moving; false if the block must move. */
static bool resize_in_place(struct heap *h, struct heap_block *b,
			    uint32_t asize, size_t req)
{
	uint32_t span = size_of(b);

	if (asize > span) {
		span = grow_in_place(h, b, asize);
		if (!span)
			return false;
	}
	account_free(h, b);
	place(h, b, span, asize, req);
	return true;
}

void *heap_realloc(struct heap *h, void *p, size_t size, uintptr_t caller)
{
	struct heap_block *b;
	uint32_t asize;
	size_t old;
	void *q;

	if (!p)
		return heap_alloc(h, size);
	b = checked_block(h, p, caller, "realloc");
	settle(h);
	if (size == 0) {
		release(h, b, caller);
		return NULL;
	}
	asize = adjust(size);
	if (!asize)
		return NULL;
	if (resize_in_place(h, b, asize, size))
		return p;
	/*
	 * Moving.  One request replaces the old payload by the new one, so
	 * the old payload leaves the aggregate before the new one joins it:
	 * the peak must not count both (CS:APP's P is taken between requests).
	 */
	old = capacity_of(b) - slack_of(b);
	h->payload_bytes -= old;
	q = heap_alloc(h, size);
	h->payload_bytes += old;
	if (!q)
		return NULL;
	__builtin_memcpy(q, p, old < size ? old : size);
	release(h, b, caller);
	return q;
}

/* ---------------------------------------------------- aligned alloc --- */

/*
 * Over-allocates asize + align + HEAP_ALIGN bytes, then cuts the front off
 * as a free block so that the payload lands on a multiple of align.  The
 * front is either empty or at least HEAP_MIN_BLOCK, hence at most
 * align + HEAP_ALIGN bytes, which the over-allocation covers.  The block
 * came off a free list, so the one before it is allocated and the front
 * needs no coalescing.
 */
void *heap_alloc_aligned(struct heap *h, size_t size, size_t align)
{
	uint32_t asize = adjust(size), need, front;
	struct heap_block *b, *a;
	uintptr_t q;

	if (align <= HEAP_ALIGN)
		return heap_alloc(h, size);
	if (!asize || align > HEAP_MAX_ALIGN || (align & (align - 1)) != 0)
		return NULL;
	settle(h);
	need = asize + (uint32_t)align + HEAP_ALIGN;
	b = take_block(h, need);
	if (!b)
		return NULL;
	q = ((uintptr_t)payload_of(b) + align - 1) & ~(uintptr_t)(align - 1);
	if (q != (uintptr_t)payload_of(b) &&
	    q - (uintptr_t)payload_of(b) < HEAP_MIN_BLOCK)
		q += align;
	front = (uint32_t)(q - (uintptr_t)payload_of(b));
	if (front == 0) {
		place(h, b, size_of(b), asize, size);
		return payload_of(b);
	}
	a = at(q - HEAP_TAG_SIZE);
	a->hdr.word = HDR_ALLOC; /* PREV_ALLOC clear: the front is free */
	place(h, a, size_of(b) - front, asize, size);
	set_free(b, front, prev_is_alloc(b));
	heap_list_push(h, b);
	return payload_of(a);
}

/* -------------------------------------------------------------- init --- */

void heap_init(struct heap *h, uintptr_t start, const struct heap_ops *ops,
	       enum heap_fit fit)
{
	kassert(start % HEAP_PAGE_SIZE == 0);
	kassert(ops && ops->grow);
	__builtin_memset(h, 0, sizeof *h);
	h->start = start;
	h->end = start;
	h->ops = *ops;
	h->fit = fit;
	heap_set_trim(h, HEAP_TRIM_PAGES_DEFAULT);
}

void heap_set_trim(struct heap *h, uint32_t pages)
{
	h->trim_pages = pages ? pages : 1;
	h->trim_span = h->ops.shrink ? (uintptr_t)h->trim_pages * HEAP_PAGE_SIZE
				     : UINTPTR_MAX;
}
