/*
 * Tests of the heap algorithm (mm/heap*.c) on a private 64 KiB arena: the
 * same cases run on the host and in the kernel, so they are small, fast and
 * use no C library.  Each case starts an empty heap and ends with it empty
 * again (heap size 0, every page given back through shrink).
 *
 * Layout rules the cases rely on (see heap.h): requests of 120 bytes or
 * more ("large", blocks over HEAP_SMALL_MAX) are placed at the front of the
 * free block they come from, so consecutive large allocations are
 * neighbours in address order; smaller ones go to the back.  Blocks of up
 * to HEAP_QUICK_MAX (272) bytes are cached on a quick list when freed
 * instead of being merged, or, when they have a free neighbour, deferred
 * (merged at the next call), so cases about coalescing use larger blocks.
 */
#include "kernel/ktest.h"
#include "lib/string.h"
#include "mm/heap.h"

#define ARENA_SIZE  (64u * 1024u)
#define TEST_CALLER ((uintptr_t)0x1234)
#define MSG_LEN	    160u

static uint8_t arena[ARENA_SIZE] __attribute__((aligned(HEAP_PAGE_SIZE)));
static struct heap th; /* too big for a kernel stack */

/* The heap's memory source: the arena, with a switch to refuse growth. */
struct tmem {
	uintptr_t end;
	uintptr_t limit;
	uint32_t grows;
	uint32_t shrinks;
	bool refuse;
};

static struct tmem tm;

static bool tmem_grow(void *ctx, uintptr_t new_end)
{
	struct tmem *m = ctx;

	if (m->refuse || new_end > m->limit || new_end <= m->end)
		return false;
	m->end = new_end;
	m->grows++;
	return true;
}

static void tmem_shrink(void *ctx, uintptr_t new_end)
{
	struct tmem *m = ctx;

	m->end = new_end;
	m->shrinks++;
}

/* An empty heap over the arena that gives back every free page at once. */
static struct heap *setup(enum heap_fit fit)
{
	struct heap_ops ops = {&tm, tmem_grow, tmem_shrink};

	tm.end = (uintptr_t)arena;
	tm.limit = (uintptr_t)arena + ARENA_SIZE;
	tm.grows = tm.shrinks = 0;
	tm.refuse = false;
	heap_init(&th, (uintptr_t)arena, &ops, fit);
	heap_set_trim(&th, 1);
	return &th;
}

static bool sound(const struct heap *h)
{
	static char err[MSG_LEN];
	bool ok = heap_check(h, err, sizeof err);

	if (!ok)
		ktest_diag("%s", err);
	return ok;
}

/* Once the cache is flushed, the heap is empty and its memory given back. */
static void expect_empty(struct heap *h)
{
	struct heap_stats s;

	heap_flush(h);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.heap_size, 0);
	KEXPECT_EQ(s.alloc_blocks, 0);
	KEXPECT_EQ(s.payload_bytes, 0);
	KEXPECT_EQ(tm.end, (uintptr_t)arena);
	KEXPECT_TRUE(sound(h));
}

/* The block heap_walk reports at payload p. */
static bool block_at(const struct heap *h, const void *p,
		     struct heap_block_info *out)
{
	uintptr_t cur = 0;

	while (heap_walk(h, &cur, out))
		if (out->payload == p)
			return true;
	return false;
}

static void fill(void *p, size_t n, uint8_t v)
{
	__builtin_memset(p, v, n);
}

static bool filled(const void *p, size_t n, uint8_t v)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

KTEST(heap, payloads_are_16_byte_aligned)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *p[40];
	size_t i;

	for (i = 0; i < 40; i++) {
		p[i] = heap_alloc(h, i * 7);
		KASSERT_NOT_NULL(p[i]);
		KEXPECT_EQ((uintptr_t)p[i] % HEAP_ALIGN, 0);
		KEXPECT_GE(heap_usable_size(h, p[i], TEST_CALLER), i * 7);
		fill(p[i], i * 7, (uint8_t)i);
	}
	KEXPECT_TRUE(sound(h));
	for (i = 0; i < 40; i++) {
		KEXPECT_TRUE(filled(p[i], i * 7, (uint8_t)i));
		heap_free(h, p[i], TEST_CALLER);
	}
	expect_empty(h);
}

/*
 * A free block of 512 bytes between two allocated ones.  A request whose
 * block is 496 bytes would leave 16: too small for a block, so the whole 512
 * is handed out.  A request of a 480-byte block leaves 32, the minimum, so
 * the block is split.
 */
KTEST(heap, split_only_when_the_rest_is_a_block)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	struct heap_block_info info;
	void *a = heap_alloc(h, 500), *guard = heap_alloc(h, 300), *b;

	KASSERT_NOT_NULL(guard);
	heap_free(h, a, TEST_CALLER);
	b = heap_alloc(h, 488); /* block 496: rest 16 */
	KEXPECT_PTR_EQ(b, a);
	KEXPECT_EQ(heap_usable_size(h, b, TEST_CALLER), 504);
	heap_free(h, b, TEST_CALLER);
	b = heap_alloc(h, 472); /* block 480: rest 32 */
	KEXPECT_PTR_EQ(b, a);
	KEXPECT_EQ(heap_usable_size(h, b, TEST_CALLER), 472);
	KASSERT_TRUE(block_at(h, (uint8_t *)b + 480, &info));
	KEXPECT_FALSE(info.allocated);
	KEXPECT_EQ(info.size, HEAP_MIN_BLOCK);
	KEXPECT_TRUE(sound(h));
	heap_free(h, b, TEST_CALLER);
	heap_free(h, guard, TEST_CALLER);
	expect_empty(h);
}

/* Freeing three neighbours in any order leaves one free block of all. */
KTEST(heap, coalesce_three_neighbours_in_all_six_orders)
{
	static const uint8_t orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
					     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	struct heap_block_info info;
	unsigned o, i;

	for (o = 0; o < 6; o++) {
		void *lead = heap_alloc(h, 300), *p[3], *guard;

		for (i = 0; i < 3; i++)
			p[i] = heap_alloc(h, 400 + 16 * i);
		guard = heap_alloc(h, 300);
		KASSERT_NOT_NULL(guard);
		for (i = 0; i < 3; i++) {
			heap_free(h, p[orders[o][i]], TEST_CALLER);
			KEXPECT_TRUE(sound(h));
		}
		KASSERT_TRUE(block_at(h, p[0], &info));
		KEXPECT_FALSE(info.allocated);
		KEXPECT_EQ(info.size, 416 + 432 + 448);
		heap_free(h, lead, TEST_CALLER);
		heap_free(h, guard, TEST_CALLER);
		expect_empty(h);
	}
}

/* A freed small block waits on a quick list and is handed out again. */
KTEST(heap, quick_list_reuses_a_freed_small_block)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	struct heap_block_info info;
	struct heap_stats s;
	void *before = heap_alloc(h, 40), *p = heap_alloc(h, 40), *q;
	void *after = heap_alloc(h, 40);

	heap_free(h, p, TEST_CALLER);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.quick_blocks, 1);
	KEXPECT_EQ(s.alloc_blocks, 2);
	KASSERT_TRUE(block_at(h, p, &info));
	KEXPECT_TRUE(info.cached);
	KEXPECT_FALSE(info.allocated);
	KEXPECT_TRUE(sound(h));
	q = heap_alloc(h, 36); /* the same block size, 48 */
	KEXPECT_PTR_EQ(q, p);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.quick_blocks, 0);
	KEXPECT_EQ(s.payload_bytes, 36 + 40 + 40);
	heap_free(h, q, TEST_CALLER);
	heap_free(h, before, TEST_CALLER);
	heap_free(h, after, TEST_CALLER);
	expect_empty(h);
}

/*
 * Only a block between two live neighbours is cached (one that would not
 * merge anyway), and at most HEAP_QUICK_DEPTH of a size; the rest merge.
 */
KTEST(heap, quick_lists_are_bounded)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *p[HEAP_QUICK_DEPTH + 4], *g[HEAP_QUICK_DEPTH + 4];
	struct heap_stats s;
	unsigned i;

	for (i = 0; i < HEAP_QUICK_DEPTH + 4; i++) {
		p[i] = heap_alloc(h, 40);
		g[i] = heap_alloc(h, 40);
	}
	for (i = 0; i < HEAP_QUICK_DEPTH + 4; i++)
		heap_free(h, p[i], TEST_CALLER);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.quick_blocks, HEAP_QUICK_DEPTH);
	KEXPECT_TRUE(sound(h));
	for (i = 0; i < HEAP_QUICK_DEPTH + 4; i++)
		heap_free(h, g[i], TEST_CALLER); /* merging the cached ones */
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.quick_blocks, 0);
	KEXPECT_TRUE(sound(h));
	expect_empty(h);
}

/*
 * Before growing, the heap flushes its quick lists and looks again: a full
 * page whose only hole is a cached 208-byte block still serves a request of
 * another size.
 */
KTEST(heap, cached_blocks_are_used_before_the_heap_grows)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *p[HEAP_PAGE_SIZE / 208 + 2], *q;
	struct heap_stats s;
	unsigned i, n = 0;

	while (n < HEAP_PAGE_SIZE / 208 + 2 && tm.grows <= 1)
		p[n++] = heap_alloc(h, 200);
	KASSERT_EQ(tm.grows, 2);
	KASSERT_GT(n, 1);
	heap_free(h, p[--n], TEST_CALLER); /* it started page two */
	heap_free(h, p[0], TEST_CALLER);   /* cached */
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.quick_blocks, 1);
	tm.refuse = true;
	q = heap_alloc(h, 150);
	KEXPECT_PTR_EQ(q, p[0]);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.quick_blocks, 0);
	KEXPECT_EQ(s.grow_failures, 0);
	KEXPECT_TRUE(sound(h));
	tm.refuse = false;
	heap_free(h, q, TEST_CALLER);
	for (i = 1; i < n; i++)
		heap_free(h, p[i], TEST_CALLER);
	expect_empty(h);
}

KTEST(heap, realloc_grows_into_a_free_neighbour_in_place)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *p = heap_alloc(h, 300), *n = heap_alloc(h, 300);
	void *guard = heap_alloc(h, 300), *q;

	fill(p, 300, 0xA5);
	heap_free(h, n, TEST_CALLER);
	q = heap_realloc(h, p, 500, TEST_CALLER);
	KEXPECT_PTR_EQ(q, p);
	KEXPECT_TRUE(filled(q, 300, 0xA5));
	KEXPECT_TRUE(sound(h));
	heap_free(h, q, TEST_CALLER);
	heap_free(h, guard, TEST_CALLER);
	expect_empty(h);
}

KTEST(heap, realloc_shrinks_in_place_and_frees_the_tail)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *p = heap_alloc(h, 400), *guard = heap_alloc(h, 300), *q;
	struct heap_block_info info;

	fill(p, 400, 0x3C);
	q = heap_realloc(h, p, 40, TEST_CALLER);
	KEXPECT_PTR_EQ(q, p);
	KEXPECT_TRUE(filled(q, 40, 0x3C));
	KASSERT_TRUE(block_at(h, (uint8_t *)p + 48, &info));
	KEXPECT_FALSE(info.allocated);
	KEXPECT_EQ(info.size, 416 - 48);
	KEXPECT_TRUE(sound(h));
	heap_free(h, q, TEST_CALLER);
	heap_free(h, guard, TEST_CALLER);
	expect_empty(h);
}

/* The last block grows by extending the heap, without moving. */
KTEST(heap, realloc_of_the_last_block_grows_the_heap)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *p = heap_alloc(h, 1000), *q;

	fill(p, 1000, 0x11);
	q = heap_realloc(h, p, 3 * HEAP_PAGE_SIZE, TEST_CALLER);
	KEXPECT_PTR_EQ(q, p);
	KEXPECT_TRUE(filled(q, 1000, 0x11));
	KEXPECT_GE(tm.grows, 2);
	KEXPECT_TRUE(sound(h));
	heap_free(h, q, TEST_CALLER);
	expect_empty(h);
}

KTEST(heap, realloc_moves_and_keeps_the_contents)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *p = heap_alloc(h, 300), *next = heap_alloc(h, 300), *q;

	fill(p, 300, 0x77);
	q = heap_realloc(h, p, 1000, TEST_CALLER);
	KASSERT_NOT_NULL(q);
	KEXPECT_NE((uintptr_t)q, (uintptr_t)p);
	KEXPECT_TRUE(filled(q, 300, 0x77));
	KEXPECT_NULL(heap_realloc(h, next, 0, TEST_CALLER));
	q = heap_realloc(h, q, 0, TEST_CALLER);
	KEXPECT_NULL(q);
	expect_empty(h);
}

KTEST(heap, aligned_alloc_honours_every_power_of_two)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *small = heap_alloc(h, 24), *p;
	size_t align;

	for (align = 1; align <= HEAP_MAX_ALIGN; align <<= 1) {
		p = heap_alloc_aligned(h, 100, align);
		KASSERT_NOT_NULL(p);
		KEXPECT_EQ((uintptr_t)p % align, 0);
		fill(p, 100, 0xEE);
		KEXPECT_TRUE(sound(h));
		heap_free(h, p, TEST_CALLER);
	}
	KEXPECT_NULL(heap_alloc_aligned(h, 100, 3 * HEAP_ALIGN));
	KEXPECT_NULL(heap_alloc_aligned(h, 100, 2 * HEAP_MAX_ALIGN));
	heap_free(h, small, TEST_CALLER);
	expect_empty(h);
}

KTEST(heap, free_pages_at_the_end_go_back_through_shrink)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *keep = heap_alloc(h, 300);
	void *big = heap_alloc(h, 5 * HEAP_PAGE_SIZE);
	struct heap_stats s;
	uint32_t shrinks = tm.shrinks;

	KASSERT_NOT_NULL(big);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.heap_size, 6 * HEAP_PAGE_SIZE);
	heap_free(h, big, TEST_CALLER);
	KEXPECT_EQ(tm.shrinks, shrinks + 1);
	KEXPECT_EQ(tm.end, (uintptr_t)arena + HEAP_PAGE_SIZE);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.heap_size, HEAP_PAGE_SIZE);
	KEXPECT_EQ(s.high_water, 6 * HEAP_PAGE_SIZE);
	KEXPECT_TRUE(sound(h));
	heap_free(h, keep, TEST_CALLER);
	expect_empty(h);
}

/* With the default trim threshold, a single free page stays. */
KTEST(heap, trim_threshold_keeps_a_few_pages)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *p;

	heap_set_trim(h, HEAP_TRIM_PAGES_DEFAULT);
	p = heap_alloc(h, 1000);
	heap_free(h, p, TEST_CALLER);
	KEXPECT_EQ(tm.shrinks, 0);
	KEXPECT_EQ(tm.end, (uintptr_t)arena + HEAP_PAGE_SIZE);
	KEXPECT_TRUE(sound(h));
	p = heap_alloc(h, HEAP_TRIM_PAGES_DEFAULT * HEAP_PAGE_SIZE);
	heap_free(h, p, TEST_CALLER);
	KEXPECT_EQ(tm.shrinks, 1);
	expect_empty(h);
}

KTEST(heap, grow_failure_returns_null_and_keeps_the_heap)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *p = heap_alloc(h, 100), *q;
	struct heap_stats s;

	tm.refuse = true;
	KEXPECT_NULL(heap_alloc(h, 2 * HEAP_PAGE_SIZE));
	KEXPECT_NULL(heap_alloc_aligned(h, 2 * HEAP_PAGE_SIZE, 64));
	fill(p, 100, 0x42);
	KEXPECT_NULL(heap_realloc(h, p, 3 * HEAP_PAGE_SIZE, TEST_CALLER));
	KEXPECT_TRUE(filled(p, 100, 0x42));
	q = heap_alloc(h, 100); /* still fits in the first page */
	KEXPECT_NOT_NULL(q);
	heap_get_stats(h, &s);
	/* The realloc asked twice: to grow in place, then to move. */
	KEXPECT_EQ(s.grow_failures, 4);
	KEXPECT_TRUE(sound(h));
	tm.refuse = false;
	KEXPECT_NULL(heap_alloc(h, ARENA_SIZE)); /* beyond the arena */
	KEXPECT_NULL(heap_alloc(h, HEAP_MAX_REQUEST + 1));
	heap_free(h, q, TEST_CALLER);
	heap_free(h, p, TEST_CALLER);
	expect_empty(h);
}

/*
 * Page one after these calls: b (1008, at the front), the free rest, and the
 * new a (32, small: at the back).  The old a (112, small, at the back) had a
 * free neighbour, so it was merged at once rather than cached.
 */
KTEST(heap, stats_and_peak_utilisation)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *a = heap_alloc(h, 100), *b = heap_alloc(h, 1000);
	struct heap_stats s;

	heap_free(h, a, TEST_CALLER);
	a = heap_alloc(h, 10);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.payload_bytes, 1010);
	KEXPECT_EQ(s.peak_payload, 1100);
	KEXPECT_EQ(s.block_bytes, 32 + 1008);
	KEXPECT_EQ(s.alloc_blocks, 2);
	KEXPECT_EQ(s.heap_size, HEAP_PAGE_SIZE);
	KEXPECT_EQ(s.high_water, HEAP_PAGE_SIZE);
	KEXPECT_EQ(s.free_bytes + s.block_bytes + 16, s.heap_size);
	KEXPECT_EQ(s.free_blocks, 1);
	KEXPECT_EQ(s.quick_blocks, 0);
	KEXPECT_EQ(s.largest_free, HEAP_PAGE_SIZE - 16 - 1008 - 32);
	heap_free(h, a, TEST_CALLER);
	heap_free(h, b, TEST_CALLER);
	expect_empty(h);
}

KTEST(heap, walk_lists_every_block_in_order)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *a = heap_alloc(h, 300), *b = heap_alloc(h, 500);
	struct heap_block_info info;
	uintptr_t cur = 0;

	KASSERT_TRUE(heap_walk(h, &cur, &info));
	KEXPECT_PTR_EQ(info.payload, a);
	KEXPECT_EQ(info.payload_size, 300);
	KEXPECT_TRUE(info.allocated);
	KASSERT_TRUE(heap_walk(h, &cur, &info));
	KEXPECT_PTR_EQ(info.payload, b);
	KEXPECT_EQ(info.size, 512);
	KASSERT_TRUE(heap_walk(h, &cur, &info));
	KEXPECT_FALSE(info.allocated);
	KEXPECT_FALSE(info.cached);
	KEXPECT_FALSE(heap_walk(h, &cur, &info));
	heap_free(h, a, TEST_CALLER);
	heap_free(h, b, TEST_CALLER);
	expect_empty(h);
}

/*
 * Three free blocks in the 1024..1151 class, list order Y (1136), X (1056),
 * Z (1056), separated by allocated guards.  A 1040-byte block: first fit
 * takes Y, the head; best fit takes X, the smallest; next fit takes Y too.
 * After that block is freed again (back at the head), first takes Y again,
 * best X again, and next fit resumes after Y and takes X.
 */
KTEST(heap, fit_policies_choose_differently)
{
	static const enum heap_fit fits[] = {HEAP_FIT_FIRST, HEAP_FIT_NEXT,
					     HEAP_FIT_BEST};
	unsigned f;

	for (f = 0; f < 3; f++) {
		struct heap *h = setup(fits[f]);
		void *x = heap_alloc(h, 1048), *g1 = heap_alloc(h, 300);
		void *y = heap_alloc(h, 1128), *g2 = heap_alloc(h, 300);
		void *z = heap_alloc(h, 1048), *g3 = heap_alloc(h, 300);
		void *p, *q;

		heap_free(h, z, TEST_CALLER);
		heap_free(h, x, TEST_CALLER);
		heap_free(h, y, TEST_CALLER);
		p = heap_alloc(h, 1032);
		KEXPECT_PTR_EQ(p, fits[f] == HEAP_FIT_BEST ? x : y);
		heap_free(h, p, TEST_CALLER);
		q = heap_alloc(h, 1032);
		KEXPECT_PTR_EQ(q, fits[f] == HEAP_FIT_FIRST ? y : x);
		KEXPECT_TRUE(sound(h));
		heap_free(h, q, TEST_CALLER);
		heap_free(h, g1, TEST_CALLER);
		heap_free(h, g2, TEST_CALLER);
		heap_free(h, g3, TEST_CALLER);
		expect_empty(h);
	}
}

/* Small requests collect at the back, large ones at the front. */
KTEST(heap, small_and_large_blocks_collect_at_opposite_ends)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	uint8_t *s1 = heap_alloc(h, 16), *l1 = heap_alloc(h, 200);
	uint8_t *s2 = heap_alloc(h, 16), *l2 = heap_alloc(h, 200);

	KEXPECT_PTR_EQ(l1, arena + 2 * HEAP_TAG_SIZE);
	KEXPECT_PTR_EQ(l2, l1 + 208);
	KEXPECT_PTR_EQ(s1, arena + HEAP_PAGE_SIZE - HEAP_TAG_SIZE - 32 +
			       HEAP_TAG_SIZE);
	KEXPECT_PTR_EQ(s2, s1 - 32);
	KEXPECT_TRUE(sound(h));
	heap_free(h, s1, TEST_CALLER);
	heap_free(h, s2, TEST_CALLER);
	heap_free(h, l1, TEST_CALLER);
	heap_free(h, l2, TEST_CALLER);
	expect_empty(h);
}

KTEST(heap, fit_names_parse)
{
	enum heap_fit fit;

	KEXPECT_TRUE(heap_fit_parse("first", &fit));
	KEXPECT_EQ(fit, HEAP_FIT_FIRST);
	KEXPECT_TRUE(heap_fit_parse("next", &fit));
	KEXPECT_EQ(fit, HEAP_FIT_NEXT);
	KEXPECT_TRUE(heap_fit_parse("best", &fit));
	KEXPECT_EQ(fit, HEAP_FIT_BEST);
	KEXPECT_FALSE(heap_fit_parse("worst", &fit));
	KEXPECT_FALSE(heap_fit_parse("bes", &fit));
	KEXPECT_STREQ(heap_fit_name(HEAP_FIT_NEXT), "next");
}

/* ------------------------------------------------- broken invariants --- */

struct bad_free {
	struct heap *h;
	void *p;
};

static void do_free(void *arg)
{
	struct bad_free *b = arg;

	heap_free(b->h, b->p, TEST_CALLER);
}

static void do_realloc(void *arg)
{
	struct bad_free *b = arg;

	heap_realloc(b->h, b->p, 64, TEST_CALLER);
}

/* Runs fn on p and expects a kfatal whose message holds `word`. */
static void expect_fatal(void (*fn)(void *), struct heap *h, void *p,
			 const char *word)
{
	struct bad_free arg = {h, p};
	char msg[MSG_LEN];

	KEXPECT_TRUE(ktest_catch_fatal(fn, &arg, msg, sizeof msg));
	KEXPECT_NOT_NULL(strstr(msg, word));
	KEXPECT_NOT_NULL(strstr(msg, "caller"));
	if (!strstr(msg, word))
		ktest_diag("message: %s", msg);
}

/* Caught whether the block is cached, free on a list, or merged away. */
KTEST(heap, double_free_is_fatal)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *a = heap_alloc(h, 300), *b = heap_alloc(h, 300);
	void *c = heap_alloc(h, 300), *s = heap_alloc(h, 40);

	heap_free(h, s, TEST_CALLER); /* cached */
	expect_fatal(do_free, h, s, "double free");
	heap_free(h, b, TEST_CALLER); /* on a list */
	expect_fatal(do_free, h, b, "double free");
	heap_free(h, a, TEST_CALLER); /* b merges into a */
	expect_fatal(do_free, h, b, "double free");
	expect_fatal(do_realloc, h, a, "double free");
	heap_flush(h);
	expect_fatal(do_free, h, s, "double free");
	KEXPECT_TRUE(sound(h));
	heap_free(h, c, TEST_CALLER);
	expect_empty(h);
}

KTEST(heap, foreign_pointers_are_fatal)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	static uint8_t elsewhere[64] __attribute__((aligned(16)));
	uint8_t *a = heap_alloc(h, 200);

	__builtin_memset(a, 0, 200);
	expect_fatal(do_free, h, elsewhere, "outside the heap");
	expect_fatal(do_free, h, a + 8, "misaligned");
	expect_fatal(do_free, h, a + 32, "bad header");
	expect_fatal(do_realloc, h, a + 64, "bad header");
	KEXPECT_TRUE(sound(h));
	heap_free(h, a, TEST_CALLER);
	expect_empty(h);
}

/* An overflow from a into b's header is caught when either is freed. */
KTEST(heap, overflow_into_a_header_is_fatal)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	uint8_t *a = heap_alloc(h, 120), *b = heap_alloc(h, 120);
	uint8_t saved[HEAP_TAG_SIZE];
	char err[MSG_LEN];

	KASSERT_TRUE(b == a + 128);
	__builtin_memcpy(saved, b - HEAP_TAG_SIZE, HEAP_TAG_SIZE);
	__builtin_memset(a, 0x5A, 120 + 4); /* 4 bytes too many */
	expect_fatal(do_free, h, b, "bad header");
	expect_fatal(do_free, h, a, "next header corrupted");
	KEXPECT_FALSE(heap_check(h, err, sizeof err));
	KEXPECT_NOT_NULL(strstr(err, "bad header"));
	__builtin_memcpy(b - HEAP_TAG_SIZE, saved, HEAP_TAG_SIZE);
	KEXPECT_TRUE(sound(h));
	heap_free(h, a, TEST_CALLER);
	heap_free(h, b, TEST_CALLER);
	expect_empty(h);
}

static void do_alloc_other(void *arg)
{
	struct bad_free *b = arg;

	heap_alloc(b->h, 200);
}

/*
 * Taking the deferred block back does not check its header (the fast
 * path): it only flips bits of it, so damage done after the free stays and
 * the block's next free reports it.  Any other call checks the header, and
 * the footer of the free block before it, before merging.
 */
KTEST(heap, damage_to_a_deferred_block_is_still_caught)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	uint8_t *g = heap_alloc(h, 1000), *a = heap_alloc(h, 40), *q;
	char err[MSG_LEN];

	heap_free(h, a, TEST_CALLER); /* deferred */
	a[-4] ^= 0x21;		      /* its check word */
	KEXPECT_FALSE(heap_check(h, err, sizeof err));
	q = heap_alloc(h, 40);
	KEXPECT_PTR_EQ(q, a);
	expect_fatal(do_free, h, q, "bad header");
	a[-4] ^= 0x21;
	KEXPECT_TRUE(sound(h));
	heap_free(h, q, TEST_CALLER); /* deferred again */
	a[-4] ^= 0x21;
	expect_fatal(do_alloc_other, h, NULL, "deferred block corrupted");
	a[-4] ^= 0x21;
	a[-16] ^= 0x40; /* the size in the footer of the free block before */
	expect_fatal(do_alloc_other, h, NULL, "free block before it");
	a[-16] ^= 0x40;
	KEXPECT_TRUE(sound(h));
	heap_free(h, g, TEST_CALLER);
	expect_empty(h);
}

/*
 * A small block freed next to free space is deferred: it waits, unmerged,
 * and the next request of its size gets it back as it is; any other call
 * merges it first.  Page one: g (1008 bytes, at the front), the free rest,
 * then a (48, small: at the back, before the epilogue).
 */
KTEST(heap, deferred_free_hands_the_same_block_back)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	void *g = heap_alloc(h, 1000), *a = heap_alloc(h, 40), *q, *r;
	struct heap_block_info info;
	struct heap_stats s;

	heap_free(h, a, TEST_CALLER);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.quick_blocks, 1);
	KEXPECT_EQ(s.alloc_blocks, 1);
	KEXPECT_EQ(s.payload_bytes, 1000);
	KEXPECT_EQ(s.block_bytes, 1008);
	KEXPECT_EQ(s.free_blocks, 2);
	KASSERT_TRUE(block_at(h, a, &info));
	KEXPECT_TRUE(info.cached);
	KEXPECT_TRUE(sound(h));
	q = heap_alloc(h, 36); /* the same block size, 48 */
	KEXPECT_PTR_EQ(q, a);
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.quick_blocks, 0);
	KEXPECT_EQ(s.payload_bytes, 1036);
	KEXPECT_EQ(s.peak_payload, 1040);
	KEXPECT_EQ(heap_usable_size(h, q, TEST_CALLER), 40);
	KEXPECT_TRUE(sound(h));
	heap_free(h, q, TEST_CALLER);
	expect_fatal(do_free, h, q, "double free");
	r = heap_alloc(h, 200); /* another size: q is merged first */
	heap_get_stats(h, &s);
	KEXPECT_EQ(s.quick_blocks, 0);
	KEXPECT_EQ(s.alloc_blocks, 2);
	KEXPECT_EQ(s.free_blocks, 1);
	KEXPECT_EQ(s.largest_free, HEAP_PAGE_SIZE - 16 - 1008 - 208);
	KEXPECT_TRUE(sound(h));
	heap_free(h, r, TEST_CALLER);
	heap_free(h, g, TEST_CALLER);
	expect_empty(h);
}

/*
 * The same for the last block, whose successor is the epilogue: free
 * checks the successor's tag (not its size), and an overflow fails it.
 */
KTEST(heap, overflow_into_the_epilogue_is_fatal)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	uint8_t *g = heap_alloc(h, 1000), *a = heap_alloc(h, 40);
	uint8_t saved[HEAP_TAG_SIZE];

	KASSERT_TRUE((uintptr_t)a + 40 + HEAP_TAG_SIZE == tm.end);
	__builtin_memcpy(saved, a + 40, HEAP_TAG_SIZE);
	__builtin_memset(a, 0x5A, 40 + 1); /* 1 byte too many */
	expect_fatal(do_free, h, a, "next header corrupted");
	__builtin_memcpy(a + 40, saved, HEAP_TAG_SIZE);
	KEXPECT_TRUE(sound(h));
	heap_free(h, a, TEST_CALLER);
	heap_free(h, g, TEST_CALLER);
	expect_empty(h);
}

/* heap_check notices a broken footer and a broken free-list link. */
KTEST(heap, check_finds_broken_footers_and_links)
{
	struct heap *h = setup(HEAP_FIT_DEFAULT);
	uint8_t *a = heap_alloc(h, 400), *g = heap_alloc(h, 300);
	uint8_t *b = heap_alloc(h, 400), *g2 = heap_alloc(h, 300);
	char err[MSG_LEN];
	uint32_t saved;
	void *link;

	heap_free(h, a, TEST_CALLER);
	heap_free(h, b, TEST_CALLER);
	__builtin_memcpy(&saved, a + 416 - 16, sizeof saved);
	a[416 - 16] ^= 0x10; /* the footer's size word */
	KEXPECT_FALSE(heap_check(h, err, sizeof err));
	KEXPECT_NOT_NULL(strstr(err, "footer"));
	__builtin_memcpy(a + 416 - 16, &saved, sizeof saved);
	/* The list is b, a (LIFO): a's back link points to b. */
	__builtin_memcpy(&link, a + sizeof(void *), sizeof link);
	KEXPECT_PTR_EQ(link, b - HEAP_TAG_SIZE);
	__builtin_memset(a + sizeof(void *), 0, sizeof link);
	KEXPECT_FALSE(heap_check(h, err, sizeof err));
	KEXPECT_NOT_NULL(strstr(err, "link"));
	__builtin_memcpy(a + sizeof(void *), &link, sizeof link);
	KEXPECT_TRUE(sound(h));
	heap_free(h, g, TEST_CALLER);
	heap_free(h, g2, TEST_CALLER);
	expect_empty(h);
}
