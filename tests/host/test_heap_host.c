/*
 * Host-only heap tests: long random runs of alloc / aligned alloc / realloc
 * / free against a model of what should be live, with heap_check() every
 * CHECK_EVERY operations and at the end, and every payload filled with a
 * pattern that is verified before the block is freed or resized (so any
 * overlap between blocks, or a header written over a payload, shows up).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel/ktest.h"
#include "mm/heap.h"

#define REGION_SIZE ((size_t)256 << 20)
#define SLOTS	    2048u
#define CHECK_EVERY 1000u
#define LONG_RUN    1000000u
#define SHORT_RUN   200000u
#define SMALL_MAX   256u
#define MEDIUM_MAX  4096u
#define LARGE_MAX   65536u /* 64 KiB */
#define TEST_CALLER ((uintptr_t)0xC0FFEE)

struct region {
	uint8_t *base;
	uintptr_t end;
	uint32_t grows, shrinks;
};

static bool region_grow(void *ctx, uintptr_t new_end)
{
	struct region *r = ctx;

	if (new_end > (uintptr_t)r->base + REGION_SIZE || new_end <= r->end)
		return false;
	r->end = new_end;
	r->grows++;
	return true;
}

static void region_shrink(void *ctx, uintptr_t new_end)
{
	struct region *r = ctx;

	if (new_end >= r->end || new_end % HEAP_PAGE_SIZE)
		abort();
	/* Make the given-back pages fresh zero pages, as unmapping would. */
	madvise((void *)new_end, r->end - new_end, MADV_DONTNEED);
	r->end = new_end;
	r->shrinks++;
}

struct slot {
	uint8_t *p;
	size_t size;
	uint8_t pat;
	size_t align;
};

struct run {
	struct heap h;
	struct region r;
	struct slot s[SLOTS];
	uint64_t rng;
	size_t live_payload;
	uint32_t ops, failures;
};

static uint64_t rnd(struct run *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

/* Mostly small requests, some medium, a few large (as kernels see them). */
static size_t rnd_size(struct run *t)
{
	unsigned k = (unsigned)(rnd(t) % 100);

	if (k < 80)
		return rnd(t) % (SMALL_MAX + 1);
	if (k < 98)
		return rnd(t) % MEDIUM_MAX + 1;
	return rnd(t) % LARGE_MAX + 1;
}

static bool run_start(struct run *t, enum heap_fit fit, uint64_t seed)
{
	struct heap_ops ops = {&t->r, region_grow, region_shrink};

	memset(t, 0, sizeof *t);
	t->r.base = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t->r.base == MAP_FAILED)
		return false;
	t->r.end = (uintptr_t)t->r.base;
	t->rng = seed;
	heap_init(&t->h, (uintptr_t)t->r.base, &ops, fit);
	return true;
}

static bool intact(const struct slot *s)
{
	size_t i;

	for (i = 0; i < s->size; i++)
		if (s->p[i] != s->pat)
			return false;
	return true;
}

static void do_alloc(struct run *t, struct slot *s)
{
	size_t size = rnd_size(t);
	size_t align = rnd(t) % 10 == 0 ? (size_t)1 << (rnd(t) % 13) : 0;

	s->p = align ? heap_alloc_aligned(&t->h, size, align)
		     : heap_alloc(&t->h, size);
	if (!s->p) {
		t->failures++;
		return;
	}
	KEXPECT_EQ((uintptr_t)s->p % (align > HEAP_ALIGN ? align : HEAP_ALIGN),
		   0);
	s->size = size;
	s->pat = (uint8_t)rnd(t);
	s->align = align;
	memset(s->p, s->pat, size);
	t->live_payload += size;
}

static void do_free(struct run *t, struct slot *s)
{
	KEXPECT_TRUE(intact(s));
	heap_free(&t->h, s->p, TEST_CALLER);
	t->live_payload -= s->size;
	s->p = NULL;
}

static void do_realloc(struct run *t, struct slot *s)
{
	size_t size = rnd_size(t), keep = size < s->size ? size : s->size;
	uint8_t *q;

	KEXPECT_TRUE(intact(s));
	q = heap_realloc(&t->h, s->p, size, TEST_CALLER);
	if (!q && size) {
		t->failures++;
		return;
	}
	t->live_payload += size;
	t->live_payload -= s->size;
	s->p = q;
	s->size = size;
	if (q) {
		KEXPECT_TRUE(intact(&(struct slot){q, keep, s->pat, 0}));
		memset(q, s->pat, size);
	}
}

/* heap_check, plus the stats against the model. */
static bool run_check(struct run *t)
{
	char err[256];
	struct heap_stats st;

	if (!heap_check(&t->h, err, sizeof err)) {
		ktest_diag("after %u ops: %s", t->ops, err);
		return false;
	}
	heap_get_stats(&t->h, &st);
	KEXPECT_EQ(st.payload_bytes, t->live_payload);
	KEXPECT_EQ(st.heap_size, t->r.end - (uintptr_t)t->r.base);
	return st.payload_bytes == t->live_payload;
}

static void step(struct run *t)
{
	struct slot *s = &t->s[rnd(t) % SLOTS];
	unsigned k = (unsigned)(rnd(t) % 100);

	if (!s->p)
		do_alloc(t, s);
	else if (k < 60)
		do_free(t, s);
	else
		do_realloc(t, s);
	t->ops++;
}

/* n random operations, then everything freed: the heap must end empty. */
static void random_run(enum heap_fit fit, uint32_t n, uint64_t seed)
{
	struct run *t = malloc(sizeof *t);
	struct heap_stats st;
	uint32_t i;

	KASSERT_NOT_NULL(t);
	KASSERT_TRUE(run_start(t, fit, seed));
	for (i = 0; i < n; i++) {
		step(t);
		if (i % CHECK_EVERY == 0 && !run_check(t))
			break;
	}
	KEXPECT_TRUE(run_check(t));
	for (i = 0; i < SLOTS; i++)
		if (t->s[i].p)
			do_free(t, &t->s[i]);
	KEXPECT_TRUE(run_check(t));
	heap_flush(&t->h);
	KEXPECT_TRUE(run_check(t));
	heap_get_stats(&t->h, &st);
	KEXPECT_EQ(st.alloc_blocks, 0);
	KEXPECT_LT(st.heap_size, HEAP_TRIM_PAGES_DEFAULT * HEAP_PAGE_SIZE);
	KEXPECT_EQ(t->failures, 0);
	ktest_diag("%s fit: %u ops, high water %zu KiB, peak util %.3f",
		   heap_fit_name(fit), t->ops, st.high_water >> 10,
		   (double)st.peak_payload / (double)st.high_water);
	munmap(t->r.base, REGION_SIZE);
	free(t);
}

KTEST(heap_host, million_random_ops_default_fit)
{
	random_run(HEAP_FIT_DEFAULT, LONG_RUN, 0x9E3779B97F4A7C15ull);
}

KTEST(heap_host, random_ops_first_fit)
{
	random_run(HEAP_FIT_FIRST, SHORT_RUN, 0x0123456789ABCDEFull);
}

KTEST(heap_host, random_ops_next_fit)
{
	random_run(HEAP_FIT_NEXT, SHORT_RUN, 0xFEEDFACECAFEBEEFull);
}

KTEST(heap_host, random_ops_best_fit)
{
	random_run(HEAP_FIT_BEST, SHORT_RUN, 0x5DEECE66Dull);
}

/* Running out midway (a small region) must only ever give NULL. */
static bool small_grow(void *ctx, uintptr_t new_end)
{
	struct region *r = ctx;

	if (new_end > (uintptr_t)r->base + (256u << 10))
		return false;
	return region_grow(ctx, new_end);
}

KTEST(heap_host, exhaustion_gives_null_and_recovers)
{
	struct run *t = malloc(sizeof *t);
	struct heap_ops ops;
	uint32_t i, nulls = 0;
	char err[256];

	KASSERT_NOT_NULL(t);
	KASSERT_TRUE(run_start(t, HEAP_FIT_DEFAULT, 42));
	ops = (struct heap_ops){&t->r, small_grow, region_shrink};
	heap_init(&t->h, (uintptr_t)t->r.base, &ops, HEAP_FIT_DEFAULT);
	for (i = 0; i < SHORT_RUN / 4; i++) {
		step(t);
		if (i % CHECK_EVERY == 0)
			KASSERT_TRUE(heap_check(&t->h, err, sizeof err));
	}
	nulls = t->failures;
	KEXPECT_GT(nulls, 0);
	KEXPECT_TRUE(run_check(t));
	for (i = 0; i < SLOTS; i++)
		if (t->s[i].p)
			do_free(t, &t->s[i]);
	KEXPECT_TRUE(run_check(t));
	KEXPECT_NOT_NULL(heap_alloc(&t->h, 200u << 10));
	munmap(t->r.base, REGION_SIZE);
	free(t);
}
