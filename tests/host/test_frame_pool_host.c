/*
 * Host-only frame pool tests: a model-based random run (a plain array says
 * what each frame should be; every result of the pool is compared with it),
 * and a check that allocation stays cheap when memory is nearly full.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/ktest.h"
#include "mm/frame_pool.h"

#define NFRAMES	     32768u /* 128 MiB */
#define MODEL_FRAMES 2048u  /* the model's oracle scans linearly: keep small */
#define RESERVED_LOW 256u   /* the first MiB */
#define OPS	     200000u
#define CHECK_EVERY  5000u
#define TEST_CALLER  ((uintptr_t)0x42)

enum model_state { M_FREE, M_ALLOC, M_RESERVED };

static uint32_t bits[FRAME_POOL_WORDS(NFRAMES)];
static uint32_t rbits[FRAME_POOL_WORDS(NFRAMES)];
static uint8_t model[MODEL_FRAMES];
static struct frame_pool pool;

static uint64_t rng = 0x243F6A8885A308D3ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* The lowest run the pool should pick, from the model. */
static uint32_t model_run(uint32_t count, uint32_t align)
{
	uint32_t f, k;

	for (f = 0; f + count <= MODEL_FRAMES; f += align) {
		for (k = 0; k < count && model[f + k] == M_FREE; k++)
			;
		if (k == count)
			return f;
	}
	return BITMAP_NONE;
}

static void model_set(uint32_t first, uint32_t count, uint8_t state)
{
	memset(model + first, state, count);
}

static void setup(uint32_t nframes)
{
	frame_pool_init(&pool, bits, rbits, nframes);
	frame_pool_release_range(&pool, 0, nframes);
	frame_pool_reserve_range(&pool, 0, RESERVED_LOW);
	frame_pool_reserve_range(&pool, 1000, 500); /* a "kernel image" */
	memset(model, M_FREE, sizeof model);
	model_set(0, RESERVED_LOW, M_RESERVED);
	model_set(1000, 500, M_RESERVED);
}

static void step_alloc(void)
{
	uint32_t count = rnd(4) == 0 ? 1 + rnd(16) : 1;
	uint32_t align = count > 1 ? 1u << rnd(4) : 1;
	uint32_t want = model_run(count, align), got;
	int rc = count == 1
		     ? frame_pool_alloc(&pool, &got)
		     : frame_pool_alloc_contig(&pool, count, align, &got);

	if (want == BITMAP_NONE) {
		KEXPECT_EQ(rc, FRAME_ENOMEM);
		return;
	}
	KASSERT_EQ(rc, FRAME_OK);
	KASSERT_EQ(got, want);
	model_set(got, count, M_ALLOC);
}

static void step_free(void)
{
	uint32_t f = rnd(MODEL_FRAMES), n = 0;

	while (f + n < MODEL_FRAMES && n < 8 && model[f + n] == M_ALLOC)
		n++;
	if (n == 0)
		return;
	if (n == 1)
		frame_pool_free(&pool, f, TEST_CALLER);
	else
		frame_pool_free_contig(&pool, f, n, TEST_CALLER);
	model_set(f, n, M_FREE);
}

KTEST(frame_pool_host, random_run_matches_a_model)
{
	char err[160];
	uint32_t i, allocated = 0;

	setup(MODEL_FRAMES);
	for (i = 0; i < OPS; i++) {
		/* Drift between nearly empty and nearly full. */
		if (rnd(100) < ((i / 20000) % 2 ? 70 : 30))
			step_alloc();
		else
			step_free();
		if (i % CHECK_EVERY == 0)
			KASSERT_TRUE(frame_pool_check(&pool, err, sizeof err));
	}
	for (i = 0; i < MODEL_FRAMES; i++)
		allocated += model[i] == M_ALLOC;
	KEXPECT_EQ(frame_pool_allocated(&pool), allocated);
	for (i = 0; i < MODEL_FRAMES; i++)
		if (model[i] == M_ALLOC)
			frame_pool_free(&pool, i, TEST_CALLER);
	KEXPECT_EQ(pool.free, MODEL_FRAMES - RESERVED_LOW - 500);
	KEXPECT_TRUE(frame_pool_check(&pool, err, sizeof err));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * With the hint, taking the last free frames of a full pool costs about as
 * much as taking the first ones: time the first and the last 1000
 * allocations of a fill.  Without the hint the last ones would each scan
 * ~1000 words.  A generous factor keeps this from being flaky.
 */
KTEST(frame_pool_host, allocation_does_not_slow_as_memory_fills)
{
	uint32_t f, i, n = NFRAMES - RESERVED_LOW - 500;
	double t0, t1, t2, t3;

	setup(NFRAMES);
	t0 = now();
	for (i = 0; i < 1000; i++)
		frame_pool_alloc(&pool, &f);
	t1 = now();
	for (; i < n - 1000; i++)
		frame_pool_alloc(&pool, &f);
	t2 = now();
	for (; i < n; i++)
		KASSERT_EQ(frame_pool_alloc(&pool, &f), FRAME_OK);
	t3 = now();
	KEXPECT_EQ(frame_pool_alloc(&pool, &f), FRAME_ENOMEM);
	ktest_diag("first 1000: %.1f us, last 1000: %.1f us", (t1 - t0) * 1e6,
		   (t3 - t2) * 1e6);
	KEXPECT_TRUE(t3 - t2 < 5 * (t1 - t0) + 200e-6);
	frame_pool_free_contig(&pool, RESERVED_LOW, 1000 - RESERVED_LOW,
			       TEST_CALLER);
	frame_pool_free_contig(&pool, 1500, NFRAMES - 1500, TEST_CALLER);
	KEXPECT_EQ(pool.free, n);
}
