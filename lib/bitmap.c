/*
 * bitmap: word-at-a-time bit operations.  See bitmap.h for the guarantees.
 *
 * Every range operation is written as "a partial first word, whole middle
 * words, a partial last word", so setting or counting a range of n bits costs
 * about n / 32 word operations, not n bit operations.
 */
#include "lib/bitmap.h"

#include "lib/kassert.h"

/* A mask of the n lowest bits, 0 <= n <= 32. */
static uint32_t low_mask(uint32_t n)
{
	return n >= BITMAP_WORD_BITS ? BITMAP_FULL_WORD : (1u << n) - 1u;
}

/*
 * The mask of bits [off, off + n) of one word, where off < 32 and
 * n <= 32 - off.
 */
static uint32_t word_mask(uint32_t off, uint32_t n)
{
	return low_mask(n) << off;
}

/*
 * Runs body once for each word w touched by bits [first, first + count),
 * with `mask` holding the bits of the range inside that word.  The three
 * range operations below share this walk.  (w and mask are names the
 * macro declares, and body a statement: none can be parenthesised.)
 */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define BITMAP_FOR_RANGE(first, count, w, mask, body)                          \
	do {                                                                   \
		uint32_t w = (first) >> BITMAP_WORD_SHIFT;                     \
		uint32_t off_ = (first) % BITMAP_WORD_BITS;                    \
		uint32_t left_ = (count);                                      \
		while (left_ > 0) {                                            \
			uint32_t n_ = BITMAP_WORD_BITS - off_;                 \
			uint32_t mask;                                         \
			if (n_ > left_)                                        \
				n_ = left_;                                    \
			mask = word_mask(off_, n_);                            \
			body;                                                  \
			left_ -= n_;                                           \
			off_ = 0;                                              \
			w++;                                                   \
		}                                                              \
	} while (0)
/* NOLINTEND(bugprone-macro-parentheses) */

void bitmap_set_range(uint32_t *bm, uint32_t first, uint32_t count)
{
	BITMAP_FOR_RANGE(first, count, w, mask, bm[w] |= mask);
}

void bitmap_clear_range(uint32_t *bm, uint32_t first, uint32_t count)
{
	BITMAP_FOR_RANGE(first, count, w, mask, bm[w] &= ~mask);
}

uint32_t bitmap_count_range(const uint32_t *bm, uint32_t first, uint32_t count)
{
	uint32_t total = 0;

	BITMAP_FOR_RANGE(first, count, w, mask,
			 total += (uint32_t)__builtin_popcount(bm[w] & mask));
	return total;
}

uint32_t bitmap_count(const uint32_t *bm, uint32_t nbits)
{
	return bitmap_count_range(bm, 0, nbits);
}

void bitmap_zero(uint32_t *bm, uint32_t nbits)
{
	__builtin_memset(bm, 0, BITMAP_WORDS(nbits) * sizeof(uint32_t));
}

void bitmap_fill(uint32_t *bm, uint32_t nbits)
{
	__builtin_memset(bm, 0xFF, BITMAP_WORDS(nbits) * sizeof(uint32_t));
}

/*
 * The first bit at or after `from` (and below nbits) whose value differs from
 * the bits of `skip`: skip = 0 finds a set bit, skip = BITMAP_FULL_WORD finds
 * a clear one.  A word equal to `skip` has nothing to offer and is passed
 * over with one comparison.
 */
static uint32_t find_bit(const uint32_t *bm, uint32_t nbits, uint32_t from,
			 uint32_t skip)
{
	uint32_t nwords = BITMAP_WORDS(nbits);
	uint32_t w, x, bit;

	if (from >= nbits)
		return BITMAP_NONE;
	w = from >> BITMAP_WORD_SHIFT;
	x = (bm[w] ^ skip) & (BITMAP_FULL_WORD << (from % BITMAP_WORD_BITS));
	while (x == 0) {
		if (++w >= nwords)
			return BITMAP_NONE;
		x = bm[w] ^ skip;
	}
	bit = (w << BITMAP_WORD_SHIFT) + (uint32_t)__builtin_ctz(x);
	return bit < nbits ? bit : BITMAP_NONE;
}

uint32_t bitmap_find_zero(const uint32_t *bm, uint32_t nbits, uint32_t from)
{
	return find_bit(bm, nbits, from, BITMAP_FULL_WORD);
}

uint32_t bitmap_find_one(const uint32_t *bm, uint32_t nbits, uint32_t from)
{
	return find_bit(bm, nbits, from, 0);
}

/* x rounded up to a multiple of align (a power of two), in 64 bits. */
static uint64_t align_up64(uint64_t x, uint32_t align)
{
	return (x + align - 1) & ~(uint64_t)(align - 1);
}

uint32_t bitmap_find_zero_run(const uint32_t *bm, uint32_t nbits,
			      uint32_t count, uint32_t align, uint32_t from)
{
	uint64_t cand = align_up64(from, align);

	kassert(align != 0 && (align & (align - 1)) == 0);
	while (count > 0 && cand + count <= nbits) {
		uint32_t zero = bitmap_find_zero(bm, nbits, (uint32_t)cand);
		uint32_t one;

		if (zero == BITMAP_NONE)
			return BITMAP_NONE;
		if (align_up64(zero, align) != zero) {
			cand = align_up64(zero, align);
			continue;
		}
		if ((uint64_t)zero + count > nbits)
			return BITMAP_NONE;
		one = bitmap_find_one(bm, zero + count, zero);
		if (one == BITMAP_NONE)
			return zero;
		cand = align_up64((uint64_t)one + 1, align);
	}
	return BITMAP_NONE;
}
