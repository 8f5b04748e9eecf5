/*
 * Tests of mm/frame_pool on a private pool of 1000 frames (its bitmaps are
 * static arrays; no real frame is touched): boot-time release and reserve,
 * single and contiguous allocation, exhaustion and recovery, the hint, the
 * counters, and the broken invariants that must be fatal.
 */
#include "kernel/ktest.h"
#include "lib/string.h"
#include "mm/frame_pool.h"

#define NFRAMES	    1000u
#define TEST_CALLER ((uintptr_t)0xBEEF)
#define MSG_LEN	    160u

static uint32_t used_bits[FRAME_POOL_WORDS(NFRAMES)];
static uint32_t resv_bits[FRAME_POOL_WORDS(NFRAMES)];
static struct frame_pool pool;

static bool consistent(const struct frame_pool *p)
{
	char err[MSG_LEN];
	bool ok = frame_pool_check(p, err, sizeof err);

	if (!ok)
		ktest_diag("%s", err);
	return ok &&
	       p->free + p->reserved + frame_pool_allocated(p) == p->total;
}

/* Frames 0..99 reserved (a "first MiB"), 100..999 free. */
static struct frame_pool *setup(void)
{
	frame_pool_init(&pool, used_bits, resv_bits, NFRAMES);
	frame_pool_release_range(&pool, 0, NFRAMES);
	frame_pool_reserve_range(&pool, 0, 100);
	return &pool;
}

KTEST(frame_pool, init_reserves_everything)
{
	struct frame_pool *p = &pool;
	uint32_t f;

	frame_pool_init(p, used_bits, resv_bits, NFRAMES);
	KEXPECT_EQ(p->total, NFRAMES);
	KEXPECT_EQ(p->free, 0);
	KEXPECT_EQ(p->reserved, NFRAMES);
	KEXPECT_EQ(frame_pool_alloc(p, &f), FRAME_ENOMEM);
	KEXPECT_TRUE(consistent(p));
}

KTEST(frame_pool, release_and_reserve_ranges_keep_counters)
{
	struct frame_pool *p = &pool;

	frame_pool_init(p, used_bits, resv_bits, NFRAMES);
	frame_pool_release_range(p, 100, 400); /* 100..499 */
	frame_pool_release_range(p, 300, 300); /* 300..599, half again */
	frame_pool_release_range(p, 990, 100); /* clipped to 990..999 */
	KEXPECT_EQ(p->free, 510);
	KEXPECT_EQ(p->reserved, NFRAMES - 510);
	frame_pool_reserve_range(p, 150, 10); /* a kernel image */
	frame_pool_reserve_range(p, 595, 10); /* half in a hole */
	KEXPECT_EQ(p->free, 510 - 10 - 5);
	KEXPECT_TRUE(frame_pool_is_reserved(p, 155));
	KEXPECT_TRUE(frame_pool_is_free(p, 160));
	KEXPECT_FALSE(frame_pool_is_free(p, 600));
	KEXPECT_FALSE(frame_pool_is_free(p, NFRAMES));
	KEXPECT_TRUE(consistent(p));
}

KTEST(frame_pool, alloc_free_round_trip)
{
	struct frame_pool *p = setup();
	uint32_t a, b;

	KASSERT_EQ(frame_pool_alloc(p, &a), FRAME_OK);
	KASSERT_EQ(frame_pool_alloc(p, &b), FRAME_OK);
	KEXPECT_EQ(a, 100);
	KEXPECT_EQ(b, 101);
	KEXPECT_EQ(frame_pool_addr(b), 101u << 12);
	KEXPECT_EQ(frame_pool_allocated(p), 2);
	KEXPECT_FALSE(frame_pool_is_free(p, a));
	KEXPECT_FALSE(frame_pool_is_reserved(p, a));
	KEXPECT_TRUE(consistent(p));
	frame_pool_free(p, a, TEST_CALLER);
	frame_pool_free(p, b, TEST_CALLER);
	KEXPECT_EQ(p->free, NFRAMES - 100);
	KEXPECT_TRUE(consistent(p));
}

/* The hint moves past what is taken and back down on a lower free. */
KTEST(frame_pool, hint_follows_allocations_and_frees)
{
	struct frame_pool *p = setup();
	uint32_t f, i;

	for (i = 0; i < 50; i++)
		KASSERT_EQ(frame_pool_alloc(p, &f), FRAME_OK);
	KEXPECT_EQ(p->hint, 150);
	frame_pool_free(p, 120, TEST_CALLER);
	KEXPECT_EQ(p->hint, 120);
	frame_pool_free(p, 130, TEST_CALLER);
	KEXPECT_EQ(p->hint, 120);
	KASSERT_EQ(frame_pool_alloc(p, &f), FRAME_OK);
	KEXPECT_EQ(f, 120);
	KASSERT_EQ(frame_pool_alloc(p, &f), FRAME_OK);
	KEXPECT_EQ(f, 130);
	KEXPECT_TRUE(consistent(p));
	for (i = 100; i < 150; i++)
		frame_pool_free(p, i, TEST_CALLER);
	KEXPECT_EQ(p->free, NFRAMES - 100);
}

KTEST(frame_pool, exhaustion_then_recovery)
{
	struct frame_pool *p = setup();
	uint32_t f, i, n = 0;

	while (frame_pool_alloc(p, &f) == FRAME_OK)
		n++;
	KEXPECT_EQ(n, NFRAMES - 100);
	KEXPECT_EQ(p->free, 0);
	KEXPECT_EQ(frame_pool_alloc(p, &f), FRAME_ENOMEM);
	KEXPECT_EQ(frame_pool_alloc_contig(p, 1, 1, &f), FRAME_ENOMEM);
	KEXPECT_TRUE(consistent(p));
	frame_pool_free(p, 777, TEST_CALLER);
	KASSERT_EQ(frame_pool_alloc(p, &f), FRAME_OK);
	KEXPECT_EQ(f, 777);
	for (i = 100; i < NFRAMES; i++)
		frame_pool_free(p, i, TEST_CALLER);
	KEXPECT_EQ(p->free, NFRAMES - 100);
	KEXPECT_TRUE(consistent(p));
}

KTEST(frame_pool, contiguous_aligned_allocation)
{
	struct frame_pool *p = setup();
	uint32_t a, b, c, single;

	KASSERT_EQ(frame_pool_alloc(p, &single), FRAME_OK); /* 100 */
	KASSERT_EQ(frame_pool_alloc_contig(p, 16, 16, &a), FRAME_OK);
	KEXPECT_EQ(a, 112);
	KASSERT_EQ(frame_pool_alloc_contig(p, 3, 1, &b), FRAME_OK);
	KEXPECT_EQ(b, 101);
	KASSERT_EQ(frame_pool_alloc_contig(p, 64, 64, &c), FRAME_OK);
	KEXPECT_EQ(c, 128);
	KEXPECT_EQ(frame_pool_alloc_contig(p, 0, 1, &c), FRAME_EINVAL);
	KEXPECT_EQ(frame_pool_alloc_contig(p, 2, 3, &c), FRAME_EINVAL);
	KEXPECT_EQ(frame_pool_alloc_contig(p, NFRAMES, 1, &c), FRAME_ENOMEM);
	KEXPECT_EQ(frame_pool_allocated(p), 1 + 16 + 3 + 64);
	KEXPECT_TRUE(consistent(p));
	frame_pool_free_contig(p, a, 16, TEST_CALLER);
	frame_pool_free_contig(p, b, 3, TEST_CALLER);
	frame_pool_free_contig(p, 128, 64, TEST_CALLER);
	frame_pool_free(p, single, TEST_CALLER);
	KEXPECT_EQ(p->free, NFRAMES - 100);
	KEXPECT_TRUE(consistent(p));
}

/* ------------------------------------------------- broken invariants --- */

struct bad_free {
	uint32_t frame;
	uint32_t count;
};

static void do_free(void *arg)
{
	struct bad_free *b = arg;

	if (b->count == 1)
		frame_pool_free(&pool, b->frame, TEST_CALLER);
	else
		frame_pool_free_contig(&pool, b->frame, b->count, TEST_CALLER);
}

static void expect_fatal(uint32_t frame, uint32_t count, const char *word,
			 const char *addr)
{
	struct bad_free arg = {frame, count};
	char msg[MSG_LEN];

	KEXPECT_TRUE(ktest_catch_fatal(do_free, &arg, msg, sizeof msg));
	KEXPECT_NOT_NULL(strstr(msg, word));
	KEXPECT_NOT_NULL(strstr(msg, addr));
	KEXPECT_NOT_NULL(strstr(msg, "beef"));
	if (!strstr(msg, word) || !strstr(msg, addr))
		ktest_diag("message: %s", msg);
}

KTEST(frame_pool, bad_frees_are_fatal)
{
	struct frame_pool *p = setup();
	uint32_t f;

	KASSERT_EQ(frame_pool_alloc(p, &f), FRAME_OK); /* 100 = 0x64000 */
	expect_fatal(200, 1, "double free", "0xc8000");
	expect_fatal(50, 1, "reserved", "0x32000");
	expect_fatal(NFRAMES, 1, "out-of-range", "0x3e8000");
	expect_fatal(99, 2, "reserved", "0x63000");
	expect_fatal(100, 2, "double free", "0x65000");
	expect_fatal(990, 20, "out-of-range", "0x3e8000");
	KEXPECT_EQ(frame_pool_allocated(p), 1); /* nothing changed */
	KEXPECT_TRUE(consistent(p));
	frame_pool_free(p, f, TEST_CALLER);
	KEXPECT_TRUE(consistent(p));
}

static void do_release_allocated(void *arg)
{
	(void)arg;
	frame_pool_reserve_range(&pool, 100, 1);
}

KTEST(frame_pool, reserving_an_allocated_frame_is_fatal)
{
	struct frame_pool *p = setup();
	char msg[MSG_LEN];
	uint32_t f;

	KASSERT_EQ(frame_pool_alloc(p, &f), FRAME_OK);
	KEXPECT_TRUE(
	    ktest_catch_fatal(do_release_allocated, NULL, msg, sizeof msg));
	KEXPECT_NOT_NULL(strstr(msg, "allocated frame 0x64000"));
	frame_pool_free(p, f, TEST_CALLER);
	KEXPECT_TRUE(consistent(p));
}

/* frame_pool_check notices counters that disagree with the bitmaps. */
KTEST(frame_pool, check_finds_inconsistent_counters)
{
	struct frame_pool *p = setup();
	char err[MSG_LEN];

	p->free--;
	KEXPECT_FALSE(frame_pool_check(p, err, sizeof err));
	KEXPECT_NOT_NULL(strstr(err, "free"));
	p->free++;
	p->hint = 500;
	KEXPECT_FALSE(frame_pool_check(p, err, sizeof err));
	KEXPECT_NOT_NULL(strstr(err, "hint"));
	p->hint = 100;
	KEXPECT_TRUE(consistent(p));
}
