/*
 * Fuzz target: mm/frame_pool against a model.
 *
 * The model is one byte per frame (free, allocated or reserved), which is
 * the three-state table of frame_pool.h written out.  The input picks the
 * pool's size, then a sequence of operations: boot-time release and reserve
 * of ranges, single and contiguous aligned allocations, frees of single
 * frames and runs.  After every operation the pool must agree with the
 * model frame by frame, its counters must equal the model's counts, and
 * frame_pool_check() must pass.
 *
 * Illegal calls are made on purpose too: freeing a free, reserved or
 * out-of-range frame, and a release or reserve over an allocated frame.
 * The header makes them fatal (kfatal) and promises every check happens
 * before any state changes, so each must be caught by fz_catch_fatal() and
 * leave the pool exactly as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/frame_pool.h"
#include "tests/fuzz/fuzz.h"

/* Big enough for several bitmap words and an odd last word, small enough
 * that the frame-by-frame comparison after each step stays cheap. */
#define FP_MAX_FRAMES 2500u
#define FP_CALLER     ((uintptr_t)0xF00D)

enum fp_state { FP_FREE, FP_ALLOC, FP_RESV };

struct fp_run {
	struct frame_pool p;
	uint32_t *bits, *rbits;
	uint8_t *model;
	uint32_t n;
	uint32_t count[3]; /* frames in each state, kept with the model */
	/* The bitmaps the model implies (frame_pool.h's table), so the pool
	 * is compared a word at a time after every step. */
	uint32_t *used, *resv;
};

/* The arguments of a call that may be fatal, for fz_catch_fatal(). */
struct fp_call {
	struct fp_run *r;
	int op;
	uint32_t first, count;
};

enum { FP_CALL_FREE, FP_CALL_FREE_CONTIG, FP_CALL_RELEASE, FP_CALL_RESERVE };

static void fp_do_call(void *arg)
{
	struct fp_call *c = arg;
	struct frame_pool *p = &c->r->p;

	switch (c->op) {
	case FP_CALL_FREE:
		frame_pool_free(p, c->first, FP_CALLER);
		break;
	case FP_CALL_FREE_CONTIG:
		frame_pool_free_contig(p, c->first, c->count, FP_CALLER);
		break;
	case FP_CALL_RELEASE:
		frame_pool_release_range(p, c->first, c->count);
		break;
	default:
		frame_pool_reserve_range(p, c->first, c->count);
		break;
	}
}

static uint32_t fp_count(const struct fp_run *r, enum fp_state s)
{
	return r->count[s];
}

/* Moves frames [first, first + n) of the model to state s. */
static void fp_set(struct fp_run *r, uint32_t first, uint32_t n,
		   enum fp_state s)
{
	for (uint32_t f = first; f < first + n; f++) {
		uint32_t bit = 1u << (f % 32);

		r->count[r->model[f]]--;
		r->model[f] = (uint8_t)s;
		r->count[s]++;
		r->used[f / 32] = s == FP_FREE ? r->used[f / 32] & ~bit
					       : r->used[f / 32] | bit;
		r->resv[f / 32] = s == FP_RESV ? r->resv[f / 32] | bit
					       : r->resv[f / 32] & ~bit;
	}
}

/* Word w of a pool bitmap, without the bits past the last frame. */
static uint32_t fp_word(const struct fp_run *r, const uint32_t *bits,
			uint32_t w)
{
	uint32_t tail = r->n % 32;

	if (w == r->n / 32 && tail)
		return bits[w] & ((1u << tail) - 1);
	return bits[w];
}

/* The pool and the model agree on every frame and every counter. */
static void fp_compare(const struct fp_run *r)
{
	char err[160];

	FZ_CHECK(frame_pool_check(&r->p, err, sizeof err), "%s", err);
	for (uint32_t w = 0; w < FRAME_POOL_WORDS(r->n); w++) {
		FZ_CHECK(fp_word(r, r->bits, w) == r->used[w],
			 "bits word %u: %#x, model %#x", w,
			 fp_word(r, r->bits, w), r->used[w]);
		FZ_CHECK(fp_word(r, r->rbits, w) == r->resv[w],
			 "reserved_bits word %u: %#x, model %#x", w,
			 fp_word(r, r->rbits, w), r->resv[w]);
	}
	FZ_CHECK(r->p.total == r->n, "total %u, not %u", r->p.total, r->n);
	FZ_CHECK(r->p.free == fp_count(r, FP_FREE), "free %u, model %u",
		 r->p.free, fp_count(r, FP_FREE));
	FZ_CHECK(r->p.reserved == fp_count(r, FP_RESV), "reserved %u, model %u",
		 r->p.reserved, fp_count(r, FP_RESV));
	FZ_CHECK(frame_pool_allocated(&r->p) == fp_count(r, FP_ALLOC),
		 "allocated %u, model %u", frame_pool_allocated(&r->p),
		 fp_count(r, FP_ALLOC));
}

/* The model's frame f for frames in range, FP_RESV (never free) beyond. */
static enum fp_state fp_at(const struct fp_run *r, uint64_t f)
{
	return f < r->n ? (enum fp_state)r->model[f] : FP_RESV;
}

/* [first, first + count) clipped to the pool, as release/reserve clip. */
static uint32_t fp_clip(const struct fp_run *r, uint32_t first, uint32_t count)
{
	if (first >= r->n)
		return 0;
	return count > r->n - first ? r->n - first : count;
}

/* Does the call, which the model says must be fatal or not. */
static void fp_call(struct fp_run *r, int op, uint32_t first, uint32_t count,
		    bool fatal)
{
	struct fp_call c = {r, op, first, count};
	size_t words = FRAME_POOL_WORDS(r->n);
	struct frame_pool before;
	uint32_t *bits = malloc(words * 4 + 4), *rbits = malloc(words * 4 + 4);

	memcpy(&before, &r->p, sizeof before);
	memcpy(bits, r->bits, words * 4);
	memcpy(rbits, r->rbits, words * 4);
	bool caught = fz_catch_fatal(fp_do_call, &c);
	FZ_CHECK(caught == fatal, "op %d [%u, +%u): fatal %d, expected %d (%s)",
		 op, first, count, caught, fatal, fz_fatal_msg);
	if (caught) {
		/* before was copied with memcpy: padding bytes match too. */
		FZ_CHECK(memcmp(&before, &r->p, sizeof before) == 0 &&
			     memcmp(bits, r->bits, words * 4) == 0 &&
			     memcmp(rbits, r->rbits, words * 4) == 0,
			 "op %d [%u, +%u): fatal, but the pool changed", op,
			 first, count);
	}
	free(bits);
	free(rbits);
}

/* Boot-time range operations: fatal iff an allocated frame is in range. */
static void fp_range_op(struct fp_run *r, struct fz *in, bool release)
{
	uint32_t first = fz_below(in, r->n + 40);
	uint32_t count = fz_u8(in) < 16 ? fz_u32(in) : fz_below(in, 300);
	uint32_t k = fp_clip(r, first, count);
	bool bad = false;

	for (uint32_t f = first; f < first + k; f++)
		bad |= r->model[f] == FP_ALLOC;
	fp_call(r, release ? FP_CALL_RELEASE : FP_CALL_RESERVE, first, count,
		bad);
	if (bad)
		return;
	fp_set(r, first, k, release ? FP_FREE : FP_RESV);
}

static void fp_alloc(struct fp_run *r)
{
	uint32_t want = 0, got = UINT32_MAX;
	int rc = frame_pool_alloc(&r->p, &got);

	while (want < r->n && r->model[want] != FP_FREE)
		want++;
	if (want == r->n) {
		FZ_CHECK(rc == FRAME_ENOMEM, "alloc: %d with no free frame",
			 rc);
		return;
	}
	FZ_CHECK(rc == FRAME_OK && got == want,
		 "alloc: rc %d frame %u, the lowest free frame is %u", rc, got,
		 want);
	fp_set(r, got, 1, FP_ALLOC);
}

/* The lowest aligned run of count free frames, or UINT32_MAX. */
static uint32_t fp_lowest_run(const struct fp_run *r, uint32_t count,
			      uint32_t align)
{
	for (uint64_t f = 0; f + count <= r->n; f += align) {
		uint32_t k = 0;

		while (k < count && r->model[f + k] == FP_FREE)
			k++;
		if (k == count)
			return (uint32_t)f;
	}
	return UINT32_MAX;
}

static void fp_alloc_contig(struct fp_run *r, struct fz *in)
{
	uint8_t sel = fz_u8(in);
	uint32_t count = sel < 8 ? fz_u32(in) : fz_below(in, 70);
	uint32_t align = sel % 4 == 0 ? fz_u32(in) : 1u << fz_below(in, 9);
	uint32_t got = UINT32_MAX, want;
	int rc = frame_pool_alloc_contig(&r->p, count, align, &got);

	if (count == 0 || align == 0 || (align & (align - 1))) {
		FZ_CHECK(rc == FRAME_EINVAL, "contig(%u, %u): %d, not EINVAL",
			 count, align, rc);
		return;
	}
	want = fp_lowest_run(r, count, align);
	if (want == UINT32_MAX) {
		FZ_CHECK(rc == FRAME_ENOMEM, "contig(%u, %u): %d, not ENOMEM",
			 count, align, rc);
		return;
	}
	FZ_CHECK(rc == FRAME_OK && got == want,
		 "contig(%u, %u): rc %d at %u, lowest run at %u", count, align,
		 rc, got, want);
	fp_set(r, got, count, FP_ALLOC);
}

/* The k-th frame in state s (k < count of them), or r->n if none. */
static uint32_t fp_nth(const struct fp_run *r, enum fp_state s, uint32_t k)
{
	for (uint32_t f = 0; f < r->n; f++)
		if (r->model[f] == s && k-- == 0)
			return f;
	return r->n;
}

/* A legal free: a run of allocated frames (one frame for frame_pool_free). */
static void fp_free_legal(struct fp_run *r, struct fz *in, bool contig)
{
	uint32_t nalloc = fp_count(r, FP_ALLOC), f, len = 0, count;

	if (nalloc == 0)
		return;
	f = fp_nth(r, FP_ALLOC, fz_below(in, nalloc));
	while (f + len < r->n && r->model[f + len] == FP_ALLOC)
		len++;
	count = contig ? 1 + fz_below(in, len) : 1;
	fp_call(r, contig ? FP_CALL_FREE_CONTIG : FP_CALL_FREE, f, count,
		false);
	fp_set(r, f, count, FP_FREE);
}

/* A frame (or run) that is not all allocated: free, reserved, beyond. */
static void fp_free_illegal(struct fp_run *r, struct fz *in, bool contig)
{
	uint8_t how = fz_u8(in);
	uint32_t first, count = contig ? fz_below(in, 64) : 1;
	bool fatal = false;

	if (how % 4 == 0)
		first = r->n + fz_below(in, 64);
	else if (how % 4 == 1)
		first = fz_u32(in);
	else
		first = fz_below(in, r->n + 1);
	if (contig && how >= 0xF0)
		count = fz_u32(in);
	for (uint64_t f = first; f < (uint64_t)first + count && !fatal; f++)
		fatal = fp_at(r, f) != FP_ALLOC;
	if (!fatal)
		return; /* legal after all (or empty): fp_free_legal's job */
	fp_call(r, contig ? FP_CALL_FREE_CONTIG : FP_CALL_FREE, first, count,
		fatal);
}

/* The two predicates over 64 frames from anywhere, in range or not. */
static void fp_query(struct fp_run *r, struct fz *in)
{
	uint32_t first = fz_u8(in) < 32 ? fz_u32(in) : fz_below(in, r->n + 40);

	for (uint32_t f = first; f - first < 64; f++) {
		FZ_CHECK(frame_pool_is_free(&r->p, f) ==
			     (fp_at(r, f) == FP_FREE),
			 "is_free(%u)", f);
		FZ_CHECK(frame_pool_is_reserved(&r->p, f) ==
			     (f < r->n && fp_at(r, f) == FP_RESV),
			 "is_reserved(%u)", f);
	}
}

static void fp_step(struct fp_run *r, struct fz *in)
{
	switch (fz_u8(in) % 10) {
	case 0:
		fp_range_op(r, in, true);
		break;
	case 1:
		fp_range_op(r, in, false);
		break;
	case 2:
	case 3:
		fp_alloc(r);
		break;
	case 4:
		fp_alloc_contig(r, in);
		break;
	case 5:
		fp_free_legal(r, in, false);
		break;
	case 6:
		fp_free_legal(r, in, true);
		break;
	case 7:
		fp_free_illegal(r, in, false);
		break;
	case 8:
		fp_free_illegal(r, in, true);
		break;
	default:
		fp_query(r, in);
		break;
	}
}

/*
 * Mostly small pools (up to 7 words, so runs cross word boundaries and the
 * last word is partial), sometimes up to FP_MAX_FRAMES.
 */
static uint32_t fp_size(struct fz *in)
{
	uint8_t b = fz_u8(in);

	if (b < 224)
		return b;
	return (uint32_t)(b - 224) * (FP_MAX_FRAMES / 32) + fz_below(in, 79);
}

static int fuzz_frame_pool(const uint8_t *data, size_t size)
{
	struct fz in = fz_init(data, size);
	struct fp_run r = {.n = fp_size(&in)};
	size_t words = FRAME_POOL_WORDS(r.n);

	/* Exactly the words the pool may use, so AddressSanitizer sees any
	 * access past them. */
	r.bits = malloc((words ? words : 1) * sizeof(uint32_t));
	r.rbits = malloc((words ? words : 1) * sizeof(uint32_t));
	r.model = malloc(r.n + 1);
	r.used = calloc(words + 1, sizeof(uint32_t));
	r.resv = calloc(words + 1, sizeof(uint32_t));
	frame_pool_init(&r.p, r.bits, r.rbits, r.n);
	memset(r.model, FP_FREE, r.n);
	r.count[FP_FREE] = r.n;
	fp_set(&r, 0, r.n, FP_RESV);
	fp_compare(&r);
	while (fz_more(&in)) {
		fp_step(&r, &in);
		fp_compare(&r);
	}
	free(r.bits);
	free(r.rbits);
	free(r.model);
	free(r.used);
	free(r.resv);
	return 0;
}

FUZZ_ENTRY(frame_pool, fuzz_frame_pool)
