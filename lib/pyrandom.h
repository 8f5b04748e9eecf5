/*
 * pyrandom: CPython's `random` module, reproduced bit for bit, so that the
 * kernel's random policies (lottery scheduling, random page replacement)
 * and the host simulators replay OSTEP's Python simulators exactly.
 *
 * The generator is the Mersenne Twister MT19937 (Matsumoto and Nishimura,
 * 1998): 624 words of state, a twist every 624 outputs, a tempering of each
 * output word.  CPython's `_random` module adds three things this module
 * copies (facts of its documented behaviour, checked against python3 by
 * tests/host/test_pyrandom_host.c and tools/pyrandom-golden):
 *
 *  - random.seed(n) for an int n seeds with init_by_array() over the 32-bit
 *    words of abs(n), least significant word first, with no zero words on
 *    top; n == 0 gives the one-word key [0].  pyrandom_seed() takes a 64-bit
 *    seed (negative seeds are their absolute value, as in CPython);
 *    pyrandom_seed_key() takes any key.  Seeding with a str, bytes or float,
 *    and random.seed() from the OS's entropy, are not reproduced.
 *  - random() is genrand_res53: a = next() >> 5, b = next() >> 6, and
 *    (a * 2^26 + b) / 2^53, a multiple of 2^-53 in [0, 1).  The kernel has
 *    no floating point (-mgeneral-regs-only), so the core returns the
 *    53-bit integer a * 2^26 + b (pyrandom_random53()); the double is
 *    pyrandom_random(), for host code only, and is exact: every step of
 *    CPython's expression is exact in a double.
 *  - getrandbits(k) takes the top k bits of one output for k <= 32; for
 *    33..64, the first output is the low word and the second, shifted right
 *    by 64 - k, the high word.  getrandbits(0) is 0 and uses no output.
 *
 * randrange(), randint(), choice() and shuffle() use CPython's
 * _randbelow_with_getrandbits(n): k = n.bit_length() (of n, not n - 1, so
 * a power of two wastes a bit, as in CPython), r = getrandbits(k), redrawn
 * while r >= n.  pyrandom_int_times(g, n) is int(random() * n), what
 * OSTEP's simulators write, computed in integers with the rounding of the
 * double product, so the kernel gets Python's answer without an FPU.
 *
 * Guarantees: no allocation, no globals; a struct pyrandom is the whole
 * state (2.5 KiB) and may be copied.  A bad range (randrange(5, 5)) is
 * PYRANDOM_EINVAL, where Python raises ValueError, and draws nothing.
 */
#ifndef KEEL_LIB_PYRANDOM_H
#define KEEL_LIB_PYRANDOM_H

#include <stddef.h>
#include <stdint.h>

#define PYRANDOM_N 624u /* MT19937's state words */

#define PYRANDOM_OK	0
#define PYRANDOM_EINVAL (-1) /* an empty range: Python's ValueError */

struct pyrandom {
	uint32_t mt[PYRANDOM_N];
	uint32_t index; /* next word of mt to temper; PYRANDOM_N: twist */
};

/* MT19937's init_genrand(s): the reference seeding from one word. */
void pyrandom_init_genrand(struct pyrandom *g, uint32_t s);
/*
 * init_by_array(key, len): CPython's seeding.  key is abs(n)'s 32-bit words,
 * least significant first; zero words on top are dropped (as CPython never
 * has them) and an empty or all-zero key is [0].
 */
void pyrandom_seed_key(struct pyrandom *g, const uint32_t *key, size_t len);
/* random.seed(n) for an int n with |n| < 2^63 (and INT64_MIN). */
void pyrandom_seed(struct pyrandom *g, int64_t n);

/* The next tempered 32-bit output (CPython's genrand_uint32). */
uint32_t pyrandom_u32(struct pyrandom *g);
/* random.random() * 2^53: an integer in [0, 2^53). */
uint64_t pyrandom_random53(struct pyrandom *g);
/* random.getrandbits(k), 0 <= k <= 64 (k > 64 is treated as 64). */
uint64_t pyrandom_getrandbits(struct pyrandom *g, unsigned k);
/* _randbelow(n): uniform in [0, n); 0 for n == 0 (drawing nothing). */
uint64_t pyrandom_below(struct pyrandom *g, uint64_t n);
/*
 * random.randrange(start, stop, step) into *out: PYRANDOM_OK, or
 * PYRANDOM_EINVAL for step 0 or an empty range.  randrange(stop) is
 * (0, stop, 1).
 */
int pyrandom_randrange(struct pyrandom *g, int64_t start, int64_t stop,
		       int64_t step, int64_t *out);
/* random.randint(a, b) == randrange(a, b + 1): EINVAL if b < a or b + 1
 * overflows. */
int pyrandom_randint(struct pyrandom *g, int64_t a, int64_t b, int64_t *out);
/* int(random() * n), as a double product rounded to nearest, then floored. */
uint32_t pyrandom_int_times(struct pyrandom *g, uint32_t n);
/* The same for a given m = random() * 2^53 (m < 2^53): int(m / 2^53 * n). */
uint32_t pyrandom_scale53(uint64_t m, uint32_t n);
/* random.shuffle(x) of x[0..n). */
void pyrandom_shuffle_u32(struct pyrandom *g, uint32_t *x, size_t n);

#ifdef KEEL_HOST
/* random.random(), exactly (host only: the kernel has no floating point). */
static inline double pyrandom_random(struct pyrandom *g)
{
	return (double)pyrandom_random53(g) * (1.0 / 9007199254740992.0);
}
#endif

#endif
