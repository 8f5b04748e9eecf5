/*
 * bitmap: a set of bits over caller storage, one uint32_t word per 32 bits.
 *
 * The "bitmap" way of tracking free memory (002_a995ac13012f81cc.txt, "使用
 * 位图的存储管理"): one bit per allocation unit, 1 = taken, 0 = free.  The
 * notes' complaint is that finding k free units in a row means scanning the
 * map; these scans therefore look at a WORD at a time, skip a whole word of
 * 32 taken bits (0xFFFFFFFF) in one comparison, and use __builtin_ctz to find
 * the bit inside the first interesting word.
 *
 * Guarantees:
 *  - Bit i lives in word i / 32 at position i % 32 (least significant bit
 *    first), on every host and in the kernel.
 *  - The caller owns the storage: BITMAP_WORDS(nbits) words.  Bits at or
 *    beyond nbits in the last word are never read by the find and count
 *    functions, whatever they hold.
 *  - Nothing here allocates, sleeps or keeps state between calls; the caller
 *    serialises access to one bitmap.
 *  - Bit numbers out of range are a caller's bug, checked with kassert only
 *    where the bitmap's size is known (the find and count functions); the
 *    single-bit functions are the fast path and trust their caller.
 */
#ifndef KEEL_LIB_BITMAP_H
#define KEEL_LIB_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

/* Bits in one storage word. */
#define BITMAP_WORD_BITS 32u
/* log2(BITMAP_WORD_BITS): bit i is in word i >> BITMAP_WORD_SHIFT. */
#define BITMAP_WORD_SHIFT 5u
/* A word with every bit set: 32 taken units, skipped in one comparison. */
#define BITMAP_FULL_WORD 0xFFFFFFFFu
/* Storage words needed for nbits bits. */
#define BITMAP_WORDS(nbits)                                                    \
	(((nbits) + BITMAP_WORD_BITS - 1) / BITMAP_WORD_BITS)
/* Returned by the find functions when nothing matches. */
#define BITMAP_NONE UINT32_MAX

static inline void bitmap_set(uint32_t *bm, uint32_t bit)
{
	bm[bit >> BITMAP_WORD_SHIFT] |= 1u << (bit % BITMAP_WORD_BITS);
}

static inline void bitmap_clear(uint32_t *bm, uint32_t bit)
{
	bm[bit >> BITMAP_WORD_SHIFT] &= ~(1u << (bit % BITMAP_WORD_BITS));
}

static inline bool bitmap_test(const uint32_t *bm, uint32_t bit)
{
	return (bm[bit >> BITMAP_WORD_SHIFT] >> (bit % BITMAP_WORD_BITS)) & 1u;
}

/* Sets or clears bits [first, first + count), a word at a time. */
void bitmap_set_range(uint32_t *bm, uint32_t first, uint32_t count);
void bitmap_clear_range(uint32_t *bm, uint32_t first, uint32_t count);
/* Clears all nbits bits (the whole storage, tail bits included). */
void bitmap_zero(uint32_t *bm, uint32_t nbits);
/* Sets all nbits bits; tail bits of the last word are set too. */
void bitmap_fill(uint32_t *bm, uint32_t nbits);

/* The number of set bits among bits [first, first + count). */
uint32_t bitmap_count_range(const uint32_t *bm, uint32_t first, uint32_t count);
/* The number of set bits among bits [0, nbits). */
uint32_t bitmap_count(const uint32_t *bm, uint32_t nbits);

/*
 * The first clear bit at or after `from` and below nbits, or BITMAP_NONE.
 * Cost: one comparison per full word skipped.
 */
uint32_t bitmap_find_zero(const uint32_t *bm, uint32_t nbits, uint32_t from);
/* The first set bit at or after `from` and below nbits, or BITMAP_NONE. */
uint32_t bitmap_find_one(const uint32_t *bm, uint32_t nbits, uint32_t from);

/*
 * The first run of `count` clear bits that starts at a multiple of `align`
 * (a power of two, 1 for "anywhere"), at or after `from`, and ends at or
 * below nbits; BITMAP_NONE if there is none or count is 0.  Each failed
 * candidate jumps past the set bit that spoiled it, so the scan touches every
 * word about once: O(nbits / 32) word reads, never O(nbits * count).
 */
uint32_t bitmap_find_zero_run(const uint32_t *bm, uint32_t nbits,
			      uint32_t count, uint32_t align, uint32_t from);

#endif
