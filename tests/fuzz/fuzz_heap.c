/*
 * Fuzz target: mm/heap, the kernel heap's allocator, over a fixed region.
 *
 * The input chooses the placement policy, the trim threshold, whether
 * shrink is offered, how much of the region grow() may hand out, and then a
 * sequence of operations on up to HF_SLOTS live blocks: alloc, aligned
 * alloc, free, realloc, usable_size, flush, grow failures on demand, and
 * illegal calls that heap.h promises to catch (a double free right after
 * the free, a realloc or free of a pointer outside the heap or not 16-byte
 * aligned), each of which must end in kfatal and leave the heap unchanged.
 *
 * After every operation heap_check() must pass, the statistics must match
 * the live blocks (count, requested bytes, grow/shrink calls, the size
 * identity of heap.h), and heap_walk() must show exactly the live blocks,
 * tiling the heap from the pad to the epilogue.  Every live payload holds a
 * pattern that is verified before it is freed or resized (and its prefix
 * after a realloc moved it).
 *
 * AddressSanitizer sees the rest.  The region past the heap's end is
 * poisoned, unpoisoned (and filled with junk, as fresh pages may hold) by
 * grow() and poisoned again by shrink(), so the heap touching memory it
 * does not own is reported.  Live payloads are poisoned too while they are
 * the caller's: the heap reading or writing one (outside realloc's copy,
 * for which they are unpoisoned), or handing out a block that overlaps one,
 * is reported at once.
 */
#include <sanitizer/asan_interface.h>
#include <stdlib.h>
#include <string.h>

#include "mm/heap.h"
#include "tests/fuzz/fuzz.h"

#define HF_REGION (2u << 20)
#define HF_SLOTS  64u
#define HF_CALLER ((uintptr_t)0xCA11E4)

static uint8_t hf_region[HF_REGION] __attribute__((aligned(HEAP_PAGE_SIZE)));

struct hf_slot {
	uint8_t *p; /* NULL: unused */
	size_t req;
	uint8_t pat;
};

struct hf_run {
	struct heap h;
	uintptr_t start, end, limit;
	uint8_t junk;
	uint32_t fail_next; /* grow() calls to refuse */
	bool fail_all;
	uint32_t grows, shrinks, refusals;
	struct hf_slot s[HF_SLOTS];
	uint32_t live;
	size_t live_bytes;
	uint8_t *just_freed; /* freed by the previous operation, or NULL */
};

/* ----------------------------------------------------- the region -- */

static bool hf_grow(void *ctx, uintptr_t new_end)
{
	struct hf_run *r = ctx;

	FZ_CHECK(new_end > r->end && new_end % HEAP_PAGE_SIZE == 0,
		 "grow from %#lx to %#lx", (unsigned long)r->end,
		 (unsigned long)new_end);
	if (r->fail_all || r->fail_next || new_end > r->limit) {
		r->fail_next -= r->fail_next > 0;
		r->refusals++;
		return false;
	}
	ASAN_UNPOISON_MEMORY_REGION((void *)r->end, new_end - r->end);
	memset((void *)r->end, r->junk, new_end - r->end);
	r->end = new_end;
	r->grows++;
	return true;
}

static void hf_shrink(void *ctx, uintptr_t new_end)
{
	struct hf_run *r = ctx;

	FZ_CHECK(new_end < r->end && new_end >= r->start &&
		     new_end % HEAP_PAGE_SIZE == 0,
		 "shrink from %#lx to %#lx", (unsigned long)r->end,
		 (unsigned long)new_end);
	ASAN_POISON_MEMORY_REGION((void *)new_end, r->end - new_end);
	r->end = new_end;
	r->shrinks++;
}

/* ----------------------------------------------------- payloads -- */

static uint8_t hf_byte(uint8_t pat, size_t i)
{
	return (uint8_t)(pat + i * 31 + (i >> 8));
}

/*
 * The bytes of a payload that carry the pattern: all of a small one; the
 * first and last HF_EDGE bytes of a large one and every 61st between (the
 * poisoning already catches any other use of the middle).
 */
#define HF_EDGE 512u

static size_t hf_next(size_t i, size_t req)
{
	if (req <= (size_t)2 * HF_EDGE || i < HF_EDGE || i + 1 >= req - HF_EDGE)
		return i + 1;
	return i + 61 < req - HF_EDGE ? i + 61 : req - HF_EDGE;
}

static void hf_fill(struct hf_run *r, struct hf_slot *s)
{
	size_t cap = heap_usable_size(&r->h, s->p, HF_CALLER);

	FZ_CHECK(cap >= s->req, "usable size %zu for a request of %zu", cap,
		 s->req);
	for (size_t i = 0; i < s->req; i = hf_next(i, s->req))
		s->p[i] = hf_byte(s->pat, i);
	ASAN_POISON_MEMORY_REGION(s->p, cap);
}

/* Unpoisons a payload and checks its first n bytes. */
static void hf_verify(struct hf_run *r, struct hf_slot *s, size_t n)
{
	size_t cap = heap_usable_size(&r->h, s->p, HF_CALLER);

	ASAN_UNPOISON_MEMORY_REGION(s->p, cap);
	for (size_t i = 0; i < n; i = hf_next(i, s->req))
		FZ_CHECK(s->p[i] == hf_byte(s->pat, i),
			 "block %p (%zu bytes): byte %zu changed", (void *)s->p,
			 s->req, i);
}

/* A new block for slot s: aligned, inside the heap, then filled. */
static void hf_take(struct hf_run *r, struct hf_slot *s, void *p, size_t req,
		    size_t align)
{
	FZ_CHECK((uintptr_t)p % HEAP_ALIGN == 0 &&
		     (uintptr_t)p % (align ? align : 1) == 0,
		 "block %p for alignment %zu", p, align);
	FZ_CHECK((uintptr_t)p >= r->start + 16 && (uintptr_t)p + req <= r->end,
		 "block %p + %zu outside the heap", p, req);
	s->p = p;
	s->req = req;
	r->live++;
	r->live_bytes += req;
	hf_fill(r, s);
}

static void hf_drop(struct hf_run *r, struct hf_slot *s)
{
	r->live--;
	r->live_bytes -= s->req;
	s->p = NULL;
}

/* ---------------------------------------------------- operations -- */

/* Mostly what kernels ask for, sometimes large, sometimes impossible. */
static size_t hf_size(struct fz *in)
{
	uint8_t sel = fz_u8(in);

	if (sel < 96)
		return fz_below(in, 80);
	if (sel < 176)
		return fz_below(in, 320);
	if (sel < 224)
		return fz_below(in, 4400);
	if (sel < 248)
		return fz_below(in, 140000);
	switch (sel % 4) {
	case 0:
		return HEAP_MAX_REQUEST - fz_below(in, 64);
	case 1:
		return HEAP_MAX_REQUEST + 1 + fz_below(in, 64);
	case 2:
		return SIZE_MAX - fz_below(in, 64);
	default:
		return HF_REGION - fz_below(in, 2 * HEAP_PAGE_SIZE);
	}
}

static bool hf_pow2(size_t a)
{
	return a && (a & (a - 1)) == 0;
}

/*
 * A NULL from the heap is allowed only for a request too large, an
 * alignment heap_alloc_aligned() refuses, or when the heap cannot grow:
 * grow() said no, or the heap would pass the 1 GiB it may span (the limit
 * behind HEAP_MAX_REQUEST, 2^30 less four pages of headroom).
 */
static void hf_null_ok(const struct hf_run *r, uint32_t refusals, size_t req,
		       size_t align)
{
	bool bad_align =
	    align > HEAP_ALIGN && (!hf_pow2(align) || align > HEAP_MAX_ALIGN);
	bool too_big = req > HEAP_MAX_REQUEST ||
		       req + align + (r->end - r->start) >
			   HEAP_MAX_REQUEST - (size_t)4 * HEAP_PAGE_SIZE;

	FZ_CHECK(too_big || bad_align || r->refusals > refusals,
		 "NULL for %zu bytes (alignment %zu) with grow() never refused",
		 req, align);
}

static struct hf_slot *hf_free_slot(struct hf_run *r, struct fz *in)
{
	uint32_t i = fz_below(in, HF_SLOTS);

	for (uint32_t k = 0; k < HF_SLOTS; k++)
		if (!r->s[(i + k) % HF_SLOTS].p)
			return &r->s[(i + k) % HF_SLOTS];
	return NULL;
}

static struct hf_slot *hf_live_slot(struct hf_run *r, struct fz *in)
{
	uint32_t i = fz_below(in, HF_SLOTS);

	for (uint32_t k = 0; k < HF_SLOTS && r->live; k++)
		if (r->s[(i + k) % HF_SLOTS].p)
			return &r->s[(i + k) % HF_SLOTS];
	return NULL;
}

static void hf_alloc(struct hf_run *r, struct fz *in, bool aligned)
{
	static const size_t aligns[] = {0,    1,    2,	  3,   8,   16,
					24,   32,   64,	  128, 256, 1000,
					1024, 4096, 4097, 8192};
	struct hf_slot *s = hf_free_slot(r, in);
	size_t req = hf_size(in), align = 0;
	uint32_t refusals = r->refusals;
	void *p;

	if (aligned)
		align = aligns[fz_below(in, sizeof aligns / sizeof *aligns)];
	if (!s)
		return;
	s->pat = fz_u8(in);
	p = aligned ? heap_alloc_aligned(&r->h, req, align)
		    : heap_alloc(&r->h, req);
	if (!p) {
		hf_null_ok(r, refusals, req, align);
		return;
	}
	FZ_CHECK(!aligned || align <= HEAP_ALIGN ||
		     (hf_pow2(align) && align <= HEAP_MAX_ALIGN),
		 "a block for the impossible alignment %zu", align);
	hf_take(r, s, p, req, hf_pow2(align) ? align : 0);
}

static void hf_free(struct hf_run *r, struct fz *in)
{
	struct hf_slot *s = hf_live_slot(r, in);

	if (!s)
		return;
	hf_verify(r, s, s->req);
	heap_free(&r->h, s->p, HF_CALLER);
	r->just_freed = s->p;
	hf_drop(r, s);
}

/* realloc: NULL is alloc, 0 is free, failure leaves the block as it was. */
static void hf_realloc(struct hf_run *r, struct fz *in)
{
	struct hf_slot *s =
	    fz_u8(in) < 16 ? hf_free_slot(r, in) : hf_live_slot(r, in);
	size_t req = fz_u8(in) < 16 ? 0 : hf_size(in), keep;
	uint32_t refusals = r->refusals;
	void *q;

	if (!s)
		return;
	if (s->p)
		hf_verify(r, s, s->req);
	keep = !s->p ? 0 : s->req < req ? s->req : req;
	q = heap_realloc(&r->h, s->p, req, HF_CALLER);
	if (!q && s->p && req == 0) {
		hf_drop(r, s);
		return;
	}
	if (!q) {
		hf_null_ok(r, refusals, req, 0);
		if (s->p)
			ASAN_POISON_MEMORY_REGION(
			    s->p, heap_usable_size(&r->h, s->p, HF_CALLER));
		return;
	}
	if (s->p)
		hf_drop(r, s);
	for (size_t i = 0; i < keep; i = hf_next(i, s->req))
		FZ_CHECK(((uint8_t *)q)[i] == hf_byte(s->pat, i),
			 "realloc to %zu: byte %zu not kept", req, i);
	s->pat = fz_u8(in);
	hf_take(r, s, q, req, 0);
}

/* ------------------------------------------------------ illegal calls -- */

struct hf_bad {
	struct hf_run *r;
	void *p;
	int how;
};

static void hf_do_bad(void *arg)
{
	struct hf_bad *b = arg;

	if (b->how == 0)
		heap_free(&b->r->h, b->p, HF_CALLER);
	else if (b->how == 1)
		heap_realloc(&b->r->h, b->p, 100, HF_CALLER);
	else
		heap_usable_size(&b->r->h, b->p, HF_CALLER);
}

/*
 * A pointer heap.h promises to reject: the one freed by the previous
 * operation (still marked free, merged or given back), one outside the
 * heap, or one inside a live block but not 16-byte aligned.
 */
static void *hf_bad_pointer(struct hf_run *r, struct fz *in,
			    uint8_t *just_freed)
{
	struct hf_slot *s;
	uint8_t sel = fz_u8(in);

	if (sel < 96 && just_freed)
		return just_freed;
	if (sel < 160) {
		uintptr_t a[] = {
		    r->start,	    r->start + 16,	     r->end,
		    r->end + 16,    r->end - 8 + HEAP_ALIGN, r->start - 4096,
		    (uintptr_t)&sel};
		uintptr_t p = a[fz_below(in, 7)];

		return (void *)(p & ~(uintptr_t)(HEAP_ALIGN - 1));
	}
	s = hf_live_slot(r, in);
	return s ? s->p + 1 + fz_below(in, HEAP_ALIGN - 1) : NULL;
}

static void hf_illegal(struct hf_run *r, struct fz *in, uint8_t *just_freed)
{
	struct hf_bad b = {r, hf_bad_pointer(r, in, just_freed),
			   (int)fz_below(in, 3)};
	static struct heap before;

	if (!b.p)
		return;
	if ((uintptr_t)b.p == r->start + 16 && r->end > r->start) {
		/* The first block's payload is a real block when live. */
		for (uint32_t i = 0; i < HF_SLOTS; i++)
			if (r->s[i].p == b.p)
				return;
	}
	memcpy(&before, &r->h, sizeof before);
	FZ_CHECK(fz_catch_fatal(hf_do_bad, &b),
		 "call %d on bad pointer %p was not caught", b.how, b.p);
	/* before was copied with memcpy: padding bytes match too. */
	FZ_CHECK(memcmp(&before, &r->h, sizeof before) == 0,
		 "call %d on bad pointer %p changed the heap", b.how, b.p);
}

/* ------------------------------------------------------------ checks -- */

static void hf_check_walk(struct hf_run *r)
{
	uintptr_t cursor = 0, next = r->start + 8;
	struct heap_block_info b;
	uint32_t live = 0;

	while (heap_walk(&r->h, &cursor, &b)) {
		FZ_CHECK(b.addr == next, "block at %#lx, expected %#lx",
			 (unsigned long)b.addr, (unsigned long)next);
		next = b.addr + b.size;
		if (!b.allocated)
			continue;
		live++;
		uint32_t i = 0;
		while (i < HF_SLOTS && r->s[i].p != b.payload)
			i++;
		FZ_CHECK(i < HF_SLOTS && r->s[i].req == b.payload_size,
			 "allocated block %p (%zu bytes) is no live request",
			 b.payload, b.payload_size);
	}
	FZ_CHECK(live == r->live, "walk shows %u allocated blocks, %u live",
		 live, r->live);
	FZ_CHECK(r->end == r->start || next == r->end - 8,
		 "the blocks end at %#lx, the epilogue is at %#lx",
		 (unsigned long)next, (unsigned long)(r->end - 8));
}

static void hf_check(struct hf_run *r)
{
	struct heap_stats st;
	char err[200];

	FZ_CHECK(heap_check(&r->h, err, sizeof err), "%s", err);
	heap_get_stats(&r->h, &st);
	FZ_CHECK(st.heap_size == r->end - r->start, "heap_size %zu, region %zu",
		 st.heap_size, (size_t)(r->end - r->start));
	FZ_CHECK(st.alloc_blocks == r->live &&
		     st.payload_bytes == r->live_bytes,
		 "stats: %u blocks of %zu bytes, live: %u of %zu",
		 st.alloc_blocks, st.payload_bytes, r->live, r->live_bytes);
	FZ_CHECK(st.heap_size == 0 ||
		     st.heap_size == st.block_bytes + st.free_bytes + 16,
		 "heap_size %zu != %zu block + %zu free + 16", st.heap_size,
		 st.block_bytes, st.free_bytes);
	FZ_CHECK(st.peak_payload >= st.payload_bytes &&
		     st.high_water >= st.heap_size,
		 "peak %zu < payload %zu or high water %zu < size %zu",
		 st.peak_payload, st.payload_bytes, st.high_water,
		 st.heap_size);
	FZ_CHECK(st.grows == r->grows && st.shrinks == r->shrinks &&
		     st.grow_failures == r->refusals,
		 "grows %u/%u shrinks %u/%u failures %u/%u", st.grows, r->grows,
		 st.shrinks, r->shrinks, st.grow_failures, r->refusals);
	hf_check_walk(r);
}

/* ------------------------------------------------------------- runs -- */

static void hf_step(struct hf_run *r, struct fz *in)
{
	uint8_t *just_freed = r->just_freed;
	uint8_t op = fz_u8(in) % 16;

	r->just_freed = NULL;
	if (op < 4) {
		hf_alloc(r, in, false);
	} else if (op < 6) {
		hf_alloc(r, in, true);
	} else if (op < 9) {
		hf_free(r, in);
	} else if (op < 11) {
		hf_realloc(r, in);
	} else if (op == 11) {
		heap_flush(&r->h);
	} else if (op == 12) {
		r->fail_next = fz_below(in, 4);
		r->fail_all = fz_u8(in) < 32;
	} else if (op == 13) {
		struct hf_slot *s = hf_live_slot(r, in);
		if (s)
			FZ_CHECK(heap_usable_size(&r->h, s->p, HF_CALLER) >=
				     s->req,
				 "usable size below the request");
	} else {
		hf_illegal(r, in, just_freed);
	}
}

/* Frees what is left: the heap must be empty and give its pages back. */
static void hf_finish(struct hf_run *r, bool can_shrink)
{
	struct heap_stats st;

	r->fail_all = false;
	for (uint32_t i = 0; i < HF_SLOTS; i++) {
		if (!r->s[i].p)
			continue;
		hf_verify(r, &r->s[i], r->s[i].req);
		heap_free(&r->h, r->s[i].p, HF_CALLER);
		hf_drop(r, &r->s[i]);
	}
	heap_flush(&r->h);
	hf_check(r);
	heap_get_stats(&r->h, &st);
	FZ_CHECK(st.block_bytes == 0 && st.quick_blocks == 0,
		 "empty heap: %zu block bytes, %u cached", st.block_bytes,
		 st.quick_blocks);
	FZ_CHECK(!can_shrink ||
		     st.heap_size < (size_t)r->h.trim_pages * HEAP_PAGE_SIZE,
		 "empty heap keeps %zu bytes (trim at %u pages)", st.heap_size,
		 r->h.trim_pages);
}

static int fuzz_heap(const uint8_t *data, size_t size)
{
	static struct hf_run r;
	struct fz in = fz_init(data, size);
	uint8_t conf = fz_u8(&in);
	struct heap_ops ops = {&r, hf_grow, conf & 1 ? NULL : hf_shrink};
	enum heap_fit fit = (enum heap_fit)((conf >> 2) % 3), parsed;

	memset(&r, 0, sizeof r);
	r.start = r.end = (uintptr_t)hf_region;
	r.limit =
	    r.start +
	    (conf & 2 ? HF_REGION : (1 + fz_below(&in, 64)) * HEAP_PAGE_SIZE);
	r.junk = fz_u8(&in);
	ASAN_POISON_MEMORY_REGION(hf_region, HF_REGION);
	FZ_CHECK(heap_fit_parse(heap_fit_name(fit), &parsed) && parsed == fit &&
		     !heap_fit_parse("firs", &parsed),
		 "heap.fit names do not read back");
	heap_init(&r.h, r.start, &ops, fit);
	if (conf & 32)
		heap_set_trim(&r.h, fz_below(&in, 9));
	while (fz_more(&in)) {
		hf_step(&r, &in);
		hf_check(&r);
	}
	hf_finish(&r, !(conf & 1));
	ASAN_UNPOISON_MEMORY_REGION(hf_region, HF_REGION);
	return 0;
}

FUZZ_ENTRY(heap, fuzz_heap)
