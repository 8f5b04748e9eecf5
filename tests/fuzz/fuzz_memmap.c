/*
 * Fuzz target: mm/memmap, the multiboot memory-map normaliser.
 *
 * The input is a raw map (up to MM_MAX_ENTRIES entries, more than the
 * normaliser's 64-range work array holds), the capacity of the output
 * buffer, and the two mem_lower/mem_upper fields.  The output is checked
 * against the guarantees in memmap.h, each against the raw entries:
 *   - sorted, non-empty, non-overlapping and non-adjacent ranges, all below
 *     4 GiB, at most `cap` of them, and the buffer never written past cap;
 *   - every output frame lies wholly inside one usable entry, and no
 *     non-usable entry touches any byte of it;
 *   - the result's counters describe the ranges written.
 * and against an exact answer computed independently: the usable frames
 * are cut into elementary intervals at every entry's frame boundaries, each
 * interval marked usable or reserved, and the runs of usable intervals
 * counted.  When the normaliser had room all the way (its work array never
 * needed more than 64 ranges, and the answer fits in cap) the output must
 * be exactly that answer and the result MEMMAP_OK; otherwise it must be a
 * subset of the answer, with the dropped ranges counted.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/memmap.h"
#include "tests/fuzz/fuzz.h"

#define MM_MAX_ENTRIES 100u
#define MM_MAX_CAP     80u
#define MM_FRAME       ((uint64_t)MEMMAP_FRAME_SIZE)

/* A boundary list: every frame number where some entry starts or ends. */
struct mm_cuts {
	uint32_t at[4 * MM_MAX_ENTRIES + 4];
	uint32_t n;
	bool usable[4 * MM_MAX_ENTRIES + 4]; /* interval [at[i], at[i+1]) */
};

/* An entry's end, clipped at 4 GiB; an entry that wraps reaches it too. */
static uint64_t mm_top(const struct memmap_entry *e)
{
	uint64_t top = e->base + e->len;

	return top < e->base || top > MEMMAP_LIMIT ? MEMMAP_LIMIT : top;
}

/*
 * The frames a usable entry covers completely, [*first, *end): frames are
 * whole 4 KiB pages inside [base, top).  False if there are none.
 */
static bool mm_inner(const struct memmap_entry *e, uint32_t *first,
		     uint32_t *end)
{
	uint64_t top = mm_top(e), lo, hi;

	if (e->len == 0 || e->base >= MEMMAP_LIMIT)
		return false;
	lo = (e->base + MM_FRAME - 1) / MM_FRAME;
	hi = top / MM_FRAME;
	if (lo >= hi)
		return false;
	*first = (uint32_t)lo;
	*end = (uint32_t)hi;
	return true;
}

/* The frames a non-usable entry touches at all.  False if none. */
static bool mm_outer(const struct memmap_entry *e, uint32_t *first,
		     uint32_t *end)
{
	uint64_t top = mm_top(e);

	if (e->len == 0 || e->base >= MEMMAP_LIMIT)
		return false;
	*first = (uint32_t)(e->base / MM_FRAME);
	*end = (uint32_t)((top + MM_FRAME - 1) / MM_FRAME);
	return true;
}

/* The frames [first, end) of an entry of either kind, in the model. */
static bool mm_frames(const struct memmap_entry *e, uint32_t *first,
		      uint32_t *end)
{
	return e->type == MEMMAP_TYPE_USABLE ? mm_inner(e, first, end)
					     : mm_outer(e, first, end);
}

static int mm_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void mm_cuts_init(struct mm_cuts *c, const struct memmap_entry *in,
			 uint32_t n)
{
	uint32_t first, end, k = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (!mm_frames(&in[i], &first, &end))
			continue;
		c->at[k++] = first;
		c->at[k++] = end;
	}
	qsort(c->at, k, sizeof c->at[0], mm_cmp_u32);
	c->n = 0;
	for (uint32_t i = 0; i < k; i++)
		if (c->n == 0 || c->at[c->n - 1] != c->at[i])
			c->at[c->n++] = c->at[i];
	memset(c->usable, 0, sizeof c->usable);
}

/* Marks the intervals inside [first, end) usable (or not). */
static void mm_mark(struct mm_cuts *c, uint32_t first, uint32_t end, bool on)
{
	for (uint32_t i = 0; i + 1 < c->n; i++)
		if (c->at[i] >= first && c->at[i + 1] <= end)
			c->usable[i] = on;
}

/* Runs of usable intervals: touching intervals form one run. */
static uint32_t mm_runs(const struct mm_cuts *c)
{
	uint32_t runs = 0;

	for (uint32_t i = 0; i + 1 < c->n; i++)
		runs += c->usable[i] && (i == 0 || !c->usable[i - 1]);
	return runs;
}

/*
 * Computes the exact answer in c and returns whether the normaliser's work
 * array (MEMMAP_WORK_RANGES) was always big enough: it adds the usable
 * entries in input order, then subtracts the others in input order, and
 * never holds more ranges than the runs at any of those points.
 */
static bool mm_exact(struct mm_cuts *c, const struct memmap_entry *in,
		     uint32_t n)
{
	uint32_t first, end;
	bool room = true;

	mm_cuts_init(c, in, n);
	for (uint32_t pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			bool usable = in[i].type == MEMMAP_TYPE_USABLE;

			if (usable != (pass == 0) ||
			    !mm_frames(&in[i], &first, &end))
				continue;
			mm_mark(c, first, end, usable);
			room &= mm_runs(c) <= MEMMAP_WORK_RANGES;
		}
	}
	return room;
}

/* Is frame range [first, end) all usable in the exact answer? */
static bool mm_in_exact(const struct mm_cuts *c, uint32_t first, uint32_t end)
{
	for (uint32_t i = 0; i + 1 < c->n; i++)
		if (c->at[i] < end && c->at[i + 1] > first && !c->usable[i])
			return false;
	return first >= (c->n ? c->at[0] : 0) &&
	       end <= (c->n ? c->at[c->n - 1] : 0);
}

/* The output, checked against the raw entries directly. */
static void mm_check_raw(const struct memmap_entry *in, uint32_t n,
			 const struct memmap_range *r)
{
	uint64_t lo = (uint64_t)r->first * MM_FRAME;
	uint64_t hi = (uint64_t)r->end * MM_FRAME;

	for (uint32_t i = 0; i < n; i++) {
		if (in[i].type == MEMMAP_TYPE_USABLE || in[i].len == 0 ||
		    in[i].base >= MEMMAP_LIMIT)
			continue;
		FZ_CHECK(in[i].base >= hi || mm_top(&in[i]) <= lo,
			 "frames [%#x, %#x) overlap non-usable entry %u "
			 "(%#llx + %#llx, type %u)",
			 r->first, r->end, i, (unsigned long long)in[i].base,
			 (unsigned long long)in[i].len, in[i].type);
	}
	/* Every frame lies inside one usable entry: walk the range. */
	for (uint64_t f = r->first; f < r->end;) {
		uint64_t best = f;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t a, b;

			if (in[i].type == MEMMAP_TYPE_USABLE &&
			    mm_inner(&in[i], &a, &b) && a <= f && b > best)
				best = b;
		}
		FZ_CHECK(best > f, "frame %#llx is in no usable entry",
			 (unsigned long long)f);
		f = best;
	}
}

/* Shape, counters, and the comparison with the exact answer. */
static void mm_check(const struct memmap_entry *in, uint32_t n,
		     const struct memmap_range *out, uint32_t cap, int rc,
		     const struct memmap_result *res)
{
	static struct mm_cuts c;
	bool room = mm_exact(&c, in, n);
	uint32_t runs = mm_runs(&c), frames = 0;

	FZ_CHECK(res->nranges <= cap, "%u ranges, cap %u", res->nranges, cap);
	for (uint32_t i = 0; i < res->nranges; i++) {
		FZ_CHECK(out[i].first < out[i].end &&
			     out[i].end <= MEMMAP_MAX_FRAMES,
			 "range %u: [%#x, %#x)", i, out[i].first, out[i].end);
		FZ_CHECK(i == 0 || out[i - 1].end < out[i].first,
			 "range %u [%#x, ..) not after range %u (end %#x)", i,
			 out[i].first, i - 1, out[i - 1].end);
		FZ_CHECK(mm_in_exact(&c, out[i].first, out[i].end),
			 "range [%#x, %#x) is not all usable", out[i].first,
			 out[i].end);
		mm_check_raw(in, n, &out[i]);
		frames += out[i].end - out[i].first;
	}
	FZ_CHECK(res->usable_frames == frames, "usable_frames %u, ranges %u",
		 res->usable_frames, frames);
	FZ_CHECK(res->highest_frame ==
		     (res->nranges ? out[res->nranges - 1].end - 1 : 0),
		 "highest_frame %u", res->highest_frame);
	FZ_CHECK(res->nranges > 0 ? rc != MEMMAP_ENOUSABLE
				  : rc == MEMMAP_ENOUSABLE,
		 "rc %d with %u ranges", rc, res->nranges);
	FZ_CHECK((rc == MEMMAP_OK) ==
		     (res->nranges > 0 && res->dropped_ranges == 0),
		 "rc %d with %u ranges and %u dropped", rc, res->nranges,
		 res->dropped_ranges);
	if (room && runs <= cap) {
		FZ_CHECK(res->nranges == runs && res->dropped_ranges == 0 &&
			     res->dropped_frames == 0,
			 "room for all %u ranges, but %u given and %u dropped",
			 runs, res->nranges, res->dropped_ranges);
	} else {
		FZ_CHECK(res->dropped_ranges > 0 && res->dropped_frames > 0,
			 "%u ranges into %u slots (room %d), none dropped",
			 runs, cap, room);
	}
}

/*
 * An address that makes interesting maps: mostly frame multiples plus a
 * small offset in a small window (so entries meet, overlap and nest), and
 * sometimes anything, or something near 4 GiB.
 */
static uint64_t mm_addr(struct fz *in, uint8_t mode)
{
	switch (mode % 8) {
	case 0:
		return fz_u64(in);
	case 1:
		return MEMMAP_LIMIT - fz_u16(in) * MM_FRAME + fz_u8(in) - 128;
	case 2:
		return fz_u32(in);
	default:
		return (uint64_t)fz_u8(in) * MM_FRAME +
		       (fz_u8(in) % 4 == 0 ? fz_u16(in) % MM_FRAME : 0);
	}
}

static uint32_t mm_type(struct fz *in)
{
	uint8_t t = fz_u8(in);

	if (t < 200)
		return t % 2 ? MEMMAP_TYPE_USABLE : 2u + t / 2u % 4u;
	return t == 255 ? fz_u32(in) : t % 8u;
}

/*
 * A run of entries from a few bytes: a comb of k ranges every `stride`
 * frames, `width` frames wide, of one type or alternating.  Real maps never
 * have 64 ranges, so without this the fuzzer would rarely fill the
 * normaliser's work array.
 */
static uint32_t mm_comb(struct fz *in, struct memmap_entry *e, uint32_t n)
{
	uint32_t k = fz_below(in, n + 1), stride = 1 + fz_below(in, 16);
	uint32_t width = 1 + fz_below(in, stride), first = fz_u16(in);
	uint8_t types = fz_u8(in);

	for (uint32_t i = 0; i < k; i++) {
		e[i].base = (uint64_t)(first + i * stride) * MM_FRAME;
		e[i].len = (uint64_t)width * MM_FRAME;
		e[i].type = types % 3 == 0   ? MEMMAP_TYPE_USABLE
			    : types % 3 == 1 ? MEMMAP_TYPE_RESERVED
			    : i % 2	     ? MEMMAP_TYPE_USABLE
					     : MEMMAP_TYPE_BAD;
		if (types & 4)
			e[i].base += (uint64_t)fz_u8(in) * 16u; /* unaligned */
	}
	return k;
}

static void mm_read_entries(struct fz *in, struct memmap_entry *e, uint32_t n)
{
	uint32_t i = fz_u8(in) < 64 ? mm_comb(in, e, n) : 0;

	for (; i < n; i++) {
		uint8_t mode = fz_u8(in);

		e[i].type = mm_type(in);
		e[i].base = mm_addr(in, mode);
		e[i].len = mm_addr(in, mode >> 3);
		if (mode >> 6 == 3 && e[i].len > e[i].base)
			e[i].len -= e[i].base; /* the end, as a length */
	}
}

static void mm_run_fields(struct fz *in)
{
	uint32_t lo = fz_u8(in) < 200 ? fz_u16(in) : fz_u32(in);
	uint32_t hi = fz_u8(in) < 128 ? fz_u16(in) * 64u : fz_u32(in);
	struct memmap_entry e[2] = {
	    {0, (uint64_t)lo * 1024, MEMMAP_TYPE_USABLE},
	    {0x100000, (uint64_t)hi * 1024, MEMMAP_TYPE_USABLE},
	};
	struct memmap_range out[2];
	struct memmap_result res;
	int rc = memmap_from_mem_fields(lo, hi, out, 2, &res);

	mm_check(e, 2, out, 2, rc, &res);
}

static int fuzz_memmap(const uint8_t *data, size_t size)
{
	struct fz in = fz_init(data, size);
	uint32_t n = fz_below(&in, MM_MAX_ENTRIES + 1);
	uint32_t cap = fz_below(&in, MM_MAX_CAP + 1);
	struct memmap_entry *e = malloc((n ? n : 1) * sizeof *e);
	/* Exactly cap slots, so AddressSanitizer sees a write past them. */
	struct memmap_range *out = malloc((cap ? cap : 1) * sizeof *out);
	struct memmap_result res;
	int rc;

	mm_run_fields(&in);
	mm_read_entries(&in, e, n);
	rc = memmap_normalise(e, n, cap ? out : out + 1, cap, &res);
	mm_check(e, n, cap ? out : out + 1, cap, rc, &res);
	FZ_CHECK(memmap_type_name(fz_u32(&in)) != NULL, "no type name");
	free(e);
	free(out);
	return 0;
}

FUZZ_ENTRY(memmap, fuzz_memmap)
