/*
 * frame_pool: the bitmap frame allocator's pure core.  See frame_pool.h.
 *
 * Every operation on a range first counts the bits of both bitmaps over the
 * range (word at a time), decides from the counts whether the request is
 * legal, and only then changes the bitmaps and the counters together, so a
 * kfatal() never leaves a half-done change behind.
 */
#include "mm/frame_pool.h"

#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/kassert.h"

/*
 * The physical address of a frame for messages, in 64 bits: an out-of-range
 * frame number may not fit a 32-bit address.
 */
static unsigned long long frame_phys(uint32_t frame)
{
	return (unsigned long long)frame << FRAME_POOL_SHIFT;
}

void frame_pool_init(struct frame_pool *p, uint32_t *bits,
		     uint32_t *reserved_bits, uint32_t nframes)
{
	kassert(nframes <= FRAME_POOL_MAX_FRAMES);
	p->bits = bits;
	p->reserved_bits = reserved_bits;
	p->nframes = nframes;
	p->total = nframes;
	p->free = 0;
	p->reserved = nframes;
	p->hint = nframes;
	bitmap_fill(bits, nframes);
	bitmap_fill(reserved_bits, nframes);
}

/* Clips [*first, *first + *count) to the pool; false if nothing is left. */
static bool clip_range(const struct frame_pool *p, const uint32_t *first,
		       uint32_t *count)
{
	if (*first >= p->nframes || *count == 0)
		return false;
	if (*count > p->nframes - *first)
		*count = p->nframes - *first;
	return true;
}

/* The first allocated frame (used, not reserved) in a range, if any. */
static uint32_t first_allocated(const struct frame_pool *p, uint32_t first,
				uint32_t count)
{
	uint32_t f;

	for (f = first; f < first + count; f++) {
		f = bitmap_find_one(p->bits, first + count, f);
		if (f == BITMAP_NONE || !bitmap_test(p->reserved_bits, f))
			return f;
	}
	return BITMAP_NONE;
}

/* Boot-time range operations must not touch allocated frames. */
static void check_no_allocated(const struct frame_pool *p, uint32_t first,
			       uint32_t count, const char *what)
{
	uint32_t used = bitmap_count_range(p->bits, first, count);
	uint32_t resv = bitmap_count_range(p->reserved_bits, first, count);

	if (used != resv)
		kfatal("frame: %s of allocated frame %#llx", what,
		       frame_phys(first_allocated(p, first, count)));
}

void frame_pool_release_range(struct frame_pool *p, uint32_t first,
			      uint32_t count)
{
	uint32_t resv;

	if (!clip_range(p, &first, &count))
		return;
	check_no_allocated(p, first, count, "release");
	resv = bitmap_count_range(p->reserved_bits, first, count);
	bitmap_clear_range(p->bits, first, count);
	bitmap_clear_range(p->reserved_bits, first, count);
	p->reserved -= resv;
	p->free += resv;
	if (resv && first < p->hint)
		p->hint = first;
}

void frame_pool_reserve_range(struct frame_pool *p, uint32_t first,
			      uint32_t count)
{
	uint32_t used, resv;

	if (!clip_range(p, &first, &count))
		return;
	check_no_allocated(p, first, count, "reserve");
	used = bitmap_count_range(p->bits, first, count);
	resv = bitmap_count_range(p->reserved_bits, first, count);
	bitmap_set_range(p->bits, first, count);
	bitmap_set_range(p->reserved_bits, first, count);
	p->free -= count - used;
	p->reserved += count - resv;
}

int frame_pool_alloc(struct frame_pool *p, uint32_t *out)
{
	uint32_t nwords = FRAME_POOL_WORDS(p->nframes), w, x, f;
	/*
	 * From the hint (every frame below it is in use), a word at a time:
	 * a full word is skipped with one comparison, and the first free bit
	 * of the first word that has one is a count of trailing zeros of its
	 * complement.  So allocation does not slow down as memory fills.
	 */
	if (p->hint < p->nframes) {
		w = p->hint >> 5;
		x = ~p->bits[w] & (~0u << (p->hint & 31));
		while (x == 0 && ++w < nwords)
			x = ~p->bits[w];
		f = (w << 5) + (uint32_t)__builtin_ctz(x | 0x80000000u);
		if (x != 0 && f < p->nframes) {
			p->bits[w] |= 1u << (f & 31);
			p->free--;
			p->hint = f + 1;
			*out = f;
			return FRAME_OK;
		}
	}
	p->hint = p->nframes;
	return FRAME_ENOMEM;
}

int frame_pool_alloc_contig(struct frame_pool *p, uint32_t count,
			    uint32_t align_frames, uint32_t *out)
{
	uint32_t f;

	if (count == 0 || align_frames == 0 ||
	    (align_frames & (align_frames - 1)) != 0)
		return FRAME_EINVAL;
	if (count > p->free)
		return FRAME_ENOMEM;
	f = bitmap_find_zero_run(p->bits, p->nframes, count, align_frames,
				 p->hint);
	if (f == BITMAP_NONE)
		return FRAME_ENOMEM;
	bitmap_set_range(p->bits, f, count);
	p->free -= count;
	if (f == p->hint)
		p->hint = f + count;
	*out = f;
	return FRAME_OK;
}

/* Every frame of [first, first + count) must be allocated, or kfatal. */
static void check_allocated(const struct frame_pool *p, uint32_t first,
			    uint32_t count, uintptr_t caller)
{
	uint32_t end = first + count, f;

	if (first >= p->nframes || count > p->nframes - first)
		kfatal("frame: free of out-of-range frame %#llx (pool ends at "
		       "%#llx), caller %p",
		       frame_phys(first >= p->nframes ? first : p->nframes),
		       frame_phys(p->nframes), (void *)caller);
	f = bitmap_find_one(p->reserved_bits, end, first);
	if (f != BITMAP_NONE)
		kfatal("frame: free of reserved frame %#llx, caller %p",
		       frame_phys(f), (void *)caller);
	f = bitmap_find_zero(p->bits, end, first);
	if (f != BITMAP_NONE)
		kfatal("frame: double free of frame %#llx, caller %p",
		       frame_phys(f), (void *)caller);
}

void frame_pool_free(struct frame_pool *p, uint32_t frame, uintptr_t caller)
{
	/* Fast path: in range, in use and not reserved; otherwise the slow
	 * check finds what is wrong and says so. */
	if (frame >= p->nframes || !bitmap_test(p->bits, frame) ||
	    bitmap_test(p->reserved_bits, frame))
		check_allocated(p, frame, 1, caller);
	bitmap_clear(p->bits, frame);
	p->free++;
	if (frame < p->hint)
		p->hint = frame;
}

void frame_pool_free_contig(struct frame_pool *p, uint32_t first,
			    uint32_t count, uintptr_t caller)
{
	if (count == 0)
		return;
	check_allocated(p, first, count, caller);
	bitmap_clear_range(p->bits, first, count);
	p->free += count;
	if (first < p->hint)
		p->hint = first;
}

bool frame_pool_is_free(const struct frame_pool *p, uint32_t frame)
{
	return frame < p->nframes && !bitmap_test(p->bits, frame);
}

bool frame_pool_is_reserved(const struct frame_pool *p, uint32_t frame)
{
	return frame < p->nframes && bitmap_test(p->reserved_bits, frame);
}

/* reserved_bits must be a subset of bits, word by word. */
static uint32_t first_reserved_not_used(const struct frame_pool *p)
{
	uint32_t w;

	for (w = 0; w < FRAME_POOL_WORDS(p->nframes); w++) {
		uint32_t bad = p->reserved_bits[w] & ~p->bits[w];

		if (bad)
			return w * BITMAP_WORD_BITS +
			       (uint32_t)__builtin_ctz(bad);
	}
	return BITMAP_NONE;
}

/* Writes "frame_pool: <message>" into err (if given) and returns false. */
__attribute__((format(printf, 3, 4))) static bool fail(char *err, size_t len,
						       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vfail(err, len, "frame_pool: ", fmt, ap);
	va_end(ap);
	return false;
}

bool frame_pool_check(const struct frame_pool *p, char *err, size_t len)
{
	uint32_t used = bitmap_count(p->bits, p->nframes);
	uint32_t resv = bitmap_count(p->reserved_bits, p->nframes);
	uint32_t bad = first_reserved_not_used(p);

	if (p->total != p->nframes)
		return fail(err, len, "total %u is not nframes %u", p->total,
			    p->nframes);
	if (p->free > p->total || p->reserved > p->total - p->free)
		return fail(err, len, "free %u + reserved %u exceed total %u",
			    p->free, p->reserved, p->total);
	if (p->total - used != p->free)
		return fail(err, len, "free is %u but %u frames are clear",
			    p->free, p->total - used);
	if (resv != p->reserved)
		return fail(err, len, "reserved is %u but %u frames are marked",
			    p->reserved, resv);
	if (bad != BITMAP_NONE)
		return fail(err, len, "reserved frame %#llx is marked free",
			    frame_phys(bad));
	if (p->hint > p->nframes)
		return fail(err, len, "hint %u beyond the pool (%u frames)",
			    p->hint, p->nframes);
	if (bitmap_count_range(p->bits, 0, p->hint) != p->hint)
		return fail(err, len, "frame %#llx below the hint is free",
			    frame_phys(bitmap_find_zero(p->bits, p->hint, 0)));
	return true;
}
