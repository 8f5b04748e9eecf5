/*
 * pyrandom: CPython's random module on MT19937 (see pyrandom.h).  The
 * constants are MT19937's, from Matsumoto and Nishimura's paper and
 * reference implementation: the twist matrix A, the tempering masks B and
 * C, and the multipliers of the two seeding procedures.
 */
#include "lib/pyrandom.h"

#define MT_M	     397u	 /* the middle word of the recurrence */
#define MT_MATRIX_A  0x9908b0dfu /* the twist's constant vector a */
#define MT_UPPER     0x80000000u /* the most significant w - r bits */
#define MT_LOWER     0x7fffffffu /* the least significant r bits */
#define MT_TEMPER_B  0x9d2c5680u
#define MT_TEMPER_C  0xefc60000u
#define MT_INIT_MULT 1812433253u /* init_genrand's multiplier */
#define MT_ARR_MULT1 1664525u	 /* init_by_array, first pass */
#define MT_ARR_MULT2 1566083941u /* init_by_array, second pass */
#define MT_ARR_SEED  19650218u	 /* init_by_array starts from this */

void pyrandom_init_genrand(struct pyrandom *g, uint32_t s)
{
	g->mt[0] = s;
	for (uint32_t i = 1; i < PYRANDOM_N; i++)
		g->mt[i] =
		    MT_INIT_MULT * (g->mt[i - 1] ^ (g->mt[i - 1] >> 30)) + i;
	g->index = PYRANDOM_N;
}

void pyrandom_seed_key(struct pyrandom *g, const uint32_t *key, size_t len)
{
	static const uint32_t zero_key[1] = {0};
	uint32_t *mt = g->mt;
	size_t i = 1, j = 0, k;

	while (len > 0 && key[len - 1] == 0)
		len--; /* CPython's key has no zero words on top */
	if (len == 0) {
		key = zero_key;
		len = 1;
	}
	pyrandom_init_genrand(g, MT_ARR_SEED);
	for (k = PYRANDOM_N > len ? PYRANDOM_N : len; k > 0; k--) {
		mt[i] =
		    (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * MT_ARR_MULT1)) +
		    key[j] + (uint32_t)j;
		if (++i >= PYRANDOM_N) {
			mt[0] = mt[PYRANDOM_N - 1];
			i = 1;
		}
		if (++j >= len)
			j = 0;
	}
	for (k = PYRANDOM_N - 1; k > 0; k--) {
		mt[i] =
		    (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * MT_ARR_MULT2)) -
		    (uint32_t)i;
		if (++i >= PYRANDOM_N) {
			mt[0] = mt[PYRANDOM_N - 1];
			i = 1;
		}
	}
	mt[0] = MT_UPPER; /* a non-zero initial state, whatever the key */
}

void pyrandom_seed(struct pyrandom *g, int64_t n)
{
	/* abs(n) in unsigned arithmetic, so INT64_MIN is 2^63. */
	uint64_t a = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	uint32_t key[2] = {(uint32_t)a, (uint32_t)(a >> 32)};

	pyrandom_seed_key(g, key, 2);
}

/* Regenerates all 624 words: the twist of the recurrence. */
static void mt_twist(struct pyrandom *g)
{
	uint32_t *mt = g->mt;

	for (uint32_t k = 0; k < PYRANDOM_N; k++) {
		uint32_t y =
		    (mt[k] & MT_UPPER) | (mt[(k + 1) % PYRANDOM_N] & MT_LOWER);

		mt[k] = mt[(k + MT_M) % PYRANDOM_N] ^ (y >> 1) ^
			((y & 1u) ? MT_MATRIX_A : 0u);
	}
	g->index = 0;
}

uint32_t pyrandom_u32(struct pyrandom *g)
{
	uint32_t y;

	if (g->index >= PYRANDOM_N)
		mt_twist(g);
	y = g->mt[g->index++];
	y ^= y >> 11;
	y ^= (y << 7) & MT_TEMPER_B;
	y ^= (y << 15) & MT_TEMPER_C;
	y ^= y >> 18;
	return y;
}

uint64_t pyrandom_random53(struct pyrandom *g)
{
	uint64_t a = pyrandom_u32(g) >> 5; /* 27 bits */
	uint64_t b = pyrandom_u32(g) >> 6; /* 26 bits */

	return a << 26 | b;
}

uint64_t pyrandom_getrandbits(struct pyrandom *g, unsigned k)
{
	uint64_t lo;

	if (k == 0)
		return 0;
	if (k <= 32)
		return pyrandom_u32(g) >> (32 - k);
	if (k > 64)
		k = 64;
	lo = pyrandom_u32(g);
	return lo | (uint64_t)(pyrandom_u32(g) >> (64 - k)) << 32;
}

static unsigned bit_length(uint64_t n)
{
	unsigned k = 0;

	while (n) {
		k++;
		n >>= 1;
	}
	return k;
}

uint64_t pyrandom_below(struct pyrandom *g, uint64_t n)
{
	unsigned k = bit_length(n);
	uint64_t r;

	if (n == 0)
		return 0;
	do
		r = pyrandom_getrandbits(g, k);
	while (r >= n);
	return r;
}

int pyrandom_randrange(struct pyrandom *g, int64_t start, int64_t stop,
		       int64_t step, int64_t *out)
{
	uint64_t width, ustep, n;

	if (step == 0)
		return PYRANDOM_EINVAL;
	/* Python's n = ceil(width / step), for either sign, in unsigned
	 * arithmetic: the distance fits in 64 bits even when it would
	 * overflow an int64_t. */
	if (step > 0) {
		if (stop <= start)
			return PYRANDOM_EINVAL;
		width = (uint64_t)stop - (uint64_t)start;
		ustep = (uint64_t)step;
	} else {
		if (stop >= start)
			return PYRANDOM_EINVAL;
		width = (uint64_t)start - (uint64_t)stop;
		ustep = 0 - (uint64_t)step;
	}
	n = width / ustep + (width % ustep != 0);
	/* start + step * r lies between start and stop, so it fits; the
	 * arithmetic is modulo 2^64 and the conversion back is gcc's. */
	*out =
	    (int64_t)((uint64_t)start + (uint64_t)step * pyrandom_below(g, n));
	return PYRANDOM_OK;
}

int pyrandom_randint(struct pyrandom *g, int64_t a, int64_t b, int64_t *out)
{
	if (b == INT64_MAX)
		return PYRANDOM_EINVAL; /* b + 1 would not fit */
	return pyrandom_randrange(g, a, b + 1, 1, out);
}

/*
 * int(m / 2^53 * n) in doubles: m / 2^53 is m / 2^53 exactly, n is exact in a
 * double, and the product m * n (below 2^85) is rounded to 53 significant
 * bits, to nearest, ties to even; the floor of that over 2^53 is the answer.
 * The product is kept as hi * 2^64 + lo.  m must be below 2^53.
 */
uint32_t pyrandom_scale53(uint64_t m, uint32_t n)
{
	uint64_t lo = (m & 0xffffffffu) * n;
	uint64_t mid = (m >> 32) * n; /* below 2^53 */
	uint64_t add = mid << 32, hi = mid >> 32, q, rem, half;
	unsigned len, s;

	lo += add;
	hi += lo < add; /* the carry */
	len = hi ? 64 + bit_length(hi) : bit_length(lo);
	if (len <= 53)
		return 0; /* the product is exact and below 1 */
	s = len - 53;	  /* at most 32: the product is below 2^85 */
	q = (lo >> s) | (s ? hi << (64 - s) : 0);
	rem = lo & ((1ull << s) - 1);
	half = 1ull << (s - 1);
	if (rem > half || (rem == half && (q & 1)))
		q++; /* may reach 2^53: still exact */
	/* floor(q * 2^s / 2^53), s <= 32 */
	return (uint32_t)(q >> (53 - s));
}

uint32_t pyrandom_int_times(struct pyrandom *g, uint32_t n)
{
	return pyrandom_scale53(pyrandom_random53(g), n);
}

void pyrandom_shuffle_u32(struct pyrandom *g, uint32_t *x, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)pyrandom_below(g, i);
		uint32_t t = x[i - 1];

		x[i - 1] = x[j];
		x[j] = t;
	}
}
