/*
 * gen-traces: writes a set of malloc-lab (.rep) traces, deterministically
 * from a seed, shaped like the classic CS:APP set and as demanding:
 *
 *   program-a/-b   a program's life: phases of mostly small objects, some
 *                  short-lived, some living to the phase's end, some to the
 *                  end of the run (like amptjp, cccp, cp-decl, expr);
 *   random-a/-b    random sizes, random frees (like random, random2);
 *   binary-a/-b    alternating small and large blocks, then all the large
 *                  ones freed and slightly larger ones asked for: the holes
 *                  left fit nothing unless the small blocks were placed
 *                  apart (like binary 64/448 -> 512, binary2 16/112 -> 128);
 *   realloc-a/-b   one buffer grown by realloc while small blocks are
 *                  allocated and freed after it, which blocks growth in
 *                  place (like realloc, realloc2);
 *   realloc-c      many vectors growing by half again each time, mixed with
 *                  other allocations (a program's growing arrays);
 *   coalescing     runs of equal blocks freed in random order, then asked
 *                  for again at double, quadruple the size: without
 *                  coalescing the heap would grow without bound.
 *
 * Every trace frees everything it allocated ("-bal" in malloc-lab's names).
 * Peak payloads are hundreds of KiB to MiB, so a heap that grows by 4 KiB
 * pages loses under 1-2% to page rounding (the classic coalescing and
 * realloc2 traces peak at ~8-10 KiB, where page rounding alone would cost
 * a third).
 *
 * Usage: gen-traces [--seed N] DIR     writes DIR/<name>.rep
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_BAD_USAGE 2
#define SUGGESTED_HEAP 20000000 /* header field 1, unused by heap-trace */
#define WEIGHT	       1
#define MAX_LIVE       65536u

struct op {
	char kind;
	uint32_t id;
	uint32_t size;
};

/* A trace being built: the operations, the ids and the live set. */
struct gen {
	struct op *ops;
	size_t nops, cap;
	uint32_t nids;
	uint32_t live[MAX_LIVE]; /* ids currently live, unordered */
	uint32_t nlive;
	uint32_t *slot; /* per id: its index in live[] */
	uint32_t *size; /* per id: its size */
	size_t id_cap;
	uint64_t rng;
};

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt,
								...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("gen-traces: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_BAD_USAGE);
}

static void *grow_array(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	*cap = need * 2;
	p = realloc(p, *cap * elem);
	if (!p)
		die("out of memory");
	return p;
}

/* splitmix64: small, fast, and the same on every machine. */
static uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint32_t between(struct gen *g, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd(g) % ((uint64_t)hi - lo + 1));
}

static bool chance(struct gen *g, unsigned percent)
{
	return rnd(g) % 100 < percent;
}

static void emit(struct gen *g, char kind, uint32_t id, uint32_t size)
{
	g->ops = grow_array(g->ops, &g->cap, g->nops + 1, sizeof *g->ops);
	g->ops[g->nops++] = (struct op){kind, id, size};
}

static uint32_t g_alloc(struct gen *g, uint32_t size)
{
	uint32_t id = g->nids++;

	if (g->nlive == MAX_LIVE)
		die("too many live blocks");
	if (g->nids > g->id_cap) {
		g->id_cap = (size_t)g->nids * 2;
		g->slot = realloc(g->slot, g->id_cap * sizeof *g->slot);
		g->size = realloc(g->size, g->id_cap * sizeof *g->size);
		if (!g->slot || !g->size)
			die("out of memory");
	}
	g->slot[id] = g->nlive;
	g->size[id] = size;
	g->live[g->nlive++] = id;
	emit(g, 'a', id, size);
	return id;
}

static void g_free(struct gen *g, uint32_t id)
{
	uint32_t i = g->slot[id], last = g->live[--g->nlive];

	g->live[i] = last;
	g->slot[last] = i;
	emit(g, 'f', id, 0);
}

static void g_realloc(struct gen *g, uint32_t id, uint32_t size)
{
	g->size[id] = size;
	emit(g, 'r', id, size);
}

static uint32_t random_live(struct gen *g)
{
	return g->live[rnd(g) % g->nlive];
}

static void free_all(struct gen *g)
{
	while (g->nlive)
		g_free(g, random_live(g));
}

static void write_trace(struct gen *g, const char *dir, const char *name)
{
	char path[4096];
	FILE *f;
	size_t i;

	snprintf(path, sizeof path, "%s/%s.rep", dir, name);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "%d\n%u\n%zu\n%d\n", SUGGESTED_HEAP, g->nids, g->nops,
		WEIGHT);
	for (i = 0; i < g->nops; i++) {
		const struct op *o = &g->ops[i];

		if (o->kind == 'f')
			fprintf(f, "f %u\n", o->id);
		else
			fprintf(f, "%c %u %u\n", o->kind, o->id, o->size);
	}
	if (fclose(f) != 0)
		die("%s: %s", path, strerror(errno));
}

static void reset(struct gen *g, uint64_t seed, uint32_t salt)
{
	g->nops = 0;
	g->nids = 0;
	g->nlive = 0;
	g->rng = seed * 0x2545F4914F6CDD1Dull + salt;
}

/* ------------------------------------------------------------ programs --- */

/* Mostly small, a tail of larger objects: sizes a compiler might ask for. */
static uint32_t program_size(struct gen *g)
{
	unsigned k = (unsigned)(rnd(g) % 100);

	if (k < 55)
		return between(g, 4, 48);
	if (k < 85)
		return between(g, 49, 256);
	if (k < 97)
		return between(g, 257, 2048);
	return between(g, 2049, 16384);
}

/*
 * Phases; in each, objects are born, a third die young (within a few
 * operations), most live until the phase ends, a few forever.
 */
static void gen_program(struct gen *g, uint32_t phases, uint32_t per_phase)
{
	uint32_t young[8], nyoung = 0, phase_ids[4096], nphase, p, i;

	for (p = 0; p < phases; p++) {
		nphase = 0;
		for (i = 0; i < per_phase; i++) {
			uint32_t id = g_alloc(g, program_size(g));
			unsigned k = (unsigned)(rnd(g) % 100);

			if (k < 33 && nyoung < 8)
				young[nyoung++] = id;
			else if (k < 95 && nphase < 4096)
				phase_ids[nphase++] = id;
			if (nyoung && chance(g, 40))
				g_free(g, young[--nyoung]);
		}
		while (nyoung)
			g_free(g, young[--nyoung]);
		while (nphase)
			g_free(g, phase_ids[--nphase]);
	}
	free_all(g);
}

/* -------------------------------------------------------------- random --- */

static void gen_random(struct gen *g, uint32_t ops, uint32_t max_size,
		       uint32_t target_live)
{
	uint32_t i;

	for (i = 0; i < ops; i++) {
		bool alloc = g->nlive < target_live / 2 ||
			     (g->nlive < target_live * 2 && chance(g, 50));

		if (alloc)
			g_alloc(g, between(g, 1, max_size));
		else
			g_free(g, random_live(g));
	}
	free_all(g);
}

/* -------------------------------------------------------------- binary --- */

/*
 * n pairs (small, large) in turn; all the large ones freed; n blocks a bit
 * larger than the large ones asked for.  An allocator that interleaves the
 * pairs leaves holes of `large` bytes that `bigger` never fits.
 */
static void gen_binary(struct gen *g, uint32_t n, uint32_t small,
		       uint32_t large, uint32_t bigger)
{
	uint32_t *big = malloc(n * sizeof *big), i;

	if (!big)
		die("out of memory");
	for (i = 0; i < n; i++) {
		g_alloc(g, small);
		big[i] = g_alloc(g, large);
	}
	for (i = 0; i < n; i++)
		g_free(g, big[i]);
	for (i = 0; i < n; i++)
		g_alloc(g, bigger);
	free_all(g);
	free(big);
}

/* ------------------------------------------------------------- realloc --- */

/*
 * One buffer grows by `step` at each realloc; before each, a small block is
 * allocated (after the buffer, in a simple heap) and the previous one freed.
 */
static void gen_realloc(struct gen *g, uint32_t steps, uint32_t start,
			uint32_t step, uint32_t small)
{
	uint32_t buf = g_alloc(g, start), prev = g_alloc(g, small), i, next;

	for (i = 1; i <= steps; i++) {
		g_realloc(g, buf, start + i * step);
		next = g_alloc(g, small);
		g_free(g, prev);
		prev = next;
	}
	free_all(g);
}

static bool is_vector(const uint32_t *vec, uint32_t nvec, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < nvec; i++)
		if (vec[i] == id)
			return true;
	return false;
}

/* Growing arrays: each grows by half again, others come and go around. */
static void gen_vectors(struct gen *g, uint32_t rounds, uint32_t nvec)
{
	uint32_t vec[64], i, r, victim;

	for (i = 0; i < nvec; i++)
		vec[i] = g_alloc(g, between(g, 16, 64));
	for (r = 0; r < rounds; r++) {
		uint32_t v = (uint32_t)(rnd(g) % nvec);
		uint32_t size = g->size[vec[v]];

		if (size > 64 * 1024) {
			g_free(g, vec[v]);
			vec[v] = g_alloc(g, between(g, 16, 64));
		} else {
			g_realloc(g, vec[v], size + size / 2 + 8);
		}
		if (chance(g, 60))
			g_alloc(g, program_size(g));
		victim = random_live(g);
		if (g->nlive > nvec + 200 && chance(g, 70) &&
		    !is_vector(vec, nvec, victim))
			g_free(g, victim);
	}
	free_all(g);
}

/* ---------------------------------------------------------- coalescing --- */

/*
 * Rounds: n blocks of one size, freed in random order, then n / 2 blocks
 * of twice the size, then n / 4 of four times, each freed in turn.  A few
 * long-lived blocks are kept between runs so that not everything merges
 * back into one trivial block.
 */
static void gen_coalescing(struct gen *g, uint32_t rounds, uint32_t n)
{
	uint32_t r, i, k, size;

	for (r = 0; r < rounds; r++) {
		size = between(g, 24, 1024);
		for (k = 1; k <= 4; k *= 2) {
			uint32_t base = g->nlive;

			for (i = 0; i < n / k; i++)
				g_alloc(g, size * k + 8 * (k - 1));
			while (g->nlive > base)
				g_free(
				    g,
				    g->live[base + rnd(g) % (g->nlive - base)]);
		}
		if (chance(g, 50))
			g_alloc(g, between(g, 8, 64));
	}
	free_all(g);
}

/* ---------------------------------------------------------------- main --- */

static void make_all(struct gen *g, uint64_t seed, const char *dir)
{
	reset(g, seed, 1);
	gen_program(g, 12, 900);
	write_trace(g, dir, "program-a");
	reset(g, seed, 2);
	gen_program(g, 40, 300);
	write_trace(g, dir, "program-b");
	reset(g, seed, 3);
	gen_random(g, 12000, 32768, 400);
	write_trace(g, dir, "random-a");
	reset(g, seed, 4);
	gen_random(g, 24000, 4096, 1500);
	write_trace(g, dir, "random-b");
	reset(g, seed, 5);
	gen_binary(g, 2000, 64, 448, 512);
	write_trace(g, dir, "binary-a");
	reset(g, seed, 6);
	gen_binary(g, 4000, 16, 112, 128);
	write_trace(g, dir, "binary-b");
	reset(g, seed, 7);
	gen_realloc(g, 1200, 512, 128, 128);
	write_trace(g, dir, "realloc-a");
	reset(g, seed, 8);
	gen_realloc(g, 4800, 4092, 37, 16);
	write_trace(g, dir, "realloc-b");
	reset(g, seed, 9);
	gen_vectors(g, 6000, 40);
	write_trace(g, dir, "realloc-c");
	reset(g, seed, 10);
	gen_coalescing(g, 30, 600);
	write_trace(g, dir, "coalescing");
}

int main(int argc, char **argv)
{
	static struct gen g;
	uint64_t seed = 1;
	int i = 1;

	if (i + 1 < argc && strcmp(argv[i], "--seed") == 0) {
		char *end;

		seed = strtoull(argv[i + 1], &end, 0);
		if (*end)
			die("bad seed '%s'", argv[i + 1]);
		i += 2;
	}
	if (i + 1 != argc)
		die("usage: gen-traces [--seed N] DIR");
	make_all(&g, seed, argv[i]);
	return 0;
}
