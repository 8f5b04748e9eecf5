/*
 * Tests of lib/bitmap: single bits, ranges across word boundaries, counts,
 * and the word-at-a-time searches, including sizes that are not a multiple
 * of 32 (the tail bits beyond nbits must never be reported).
 */
#include "kernel/ktest.h"
#include "lib/bitmap.h"

#define NBITS 200u /* six full words and 8 bits of a seventh */

static uint32_t bm[BITMAP_WORDS(NBITS)];

KTEST(bitmap, set_clear_test_one_bit)
{
	bitmap_zero(bm, NBITS);
	bitmap_set(bm, 0);
	bitmap_set(bm, 31);
	bitmap_set(bm, 32);
	bitmap_set(bm, NBITS - 1);
	KEXPECT_TRUE(bitmap_test(bm, 0));
	KEXPECT_TRUE(bitmap_test(bm, 31));
	KEXPECT_TRUE(bitmap_test(bm, 32));
	KEXPECT_FALSE(bitmap_test(bm, 33));
	KEXPECT_EQ(bm[0], 0x80000001u);
	KEXPECT_EQ(bitmap_count(bm, NBITS), 4);
	bitmap_clear(bm, 31);
	KEXPECT_FALSE(bitmap_test(bm, 31));
	KEXPECT_EQ(bitmap_count(bm, NBITS), 3);
}

KTEST(bitmap, ranges_across_word_boundaries)
{
	bitmap_zero(bm, NBITS);
	bitmap_set_range(bm, 30, 70); /* bits 30..99 */
	KEXPECT_EQ(bitmap_count(bm, NBITS), 70);
	KEXPECT_FALSE(bitmap_test(bm, 29));
	KEXPECT_TRUE(bitmap_test(bm, 30));
	KEXPECT_TRUE(bitmap_test(bm, 99));
	KEXPECT_FALSE(bitmap_test(bm, 100));
	KEXPECT_EQ(bm[1], 0xFFFFFFFFu);
	KEXPECT_EQ(bitmap_count_range(bm, 0, 64), 34);
	KEXPECT_EQ(bitmap_count_range(bm, 95, 10), 5);
	bitmap_clear_range(bm, 40, 50); /* leaves 30..39 and 90..99 */
	KEXPECT_EQ(bitmap_count(bm, NBITS), 20);
	KEXPECT_TRUE(bitmap_test(bm, 39));
	KEXPECT_FALSE(bitmap_test(bm, 40));
	KEXPECT_FALSE(bitmap_test(bm, 89));
	KEXPECT_TRUE(bitmap_test(bm, 90));
	bitmap_set_range(bm, 5, 0); /* an empty range changes nothing */
	KEXPECT_EQ(bitmap_count(bm, NBITS), 20);
}

KTEST(bitmap, fill_and_zero_cover_every_bit)
{
	bitmap_fill(bm, NBITS);
	KEXPECT_EQ(bitmap_count(bm, NBITS), NBITS);
	KEXPECT_EQ(bitmap_find_zero(bm, NBITS, 0), BITMAP_NONE);
	bitmap_zero(bm, NBITS);
	KEXPECT_EQ(bitmap_count(bm, NBITS), 0);
	KEXPECT_EQ(bitmap_find_one(bm, NBITS, 0), BITMAP_NONE);
}

KTEST(bitmap, find_zero_skips_full_words)
{
	bitmap_fill(bm, NBITS);
	bitmap_clear(bm, 150);
	KEXPECT_EQ(bitmap_find_zero(bm, NBITS, 0), 150);
	KEXPECT_EQ(bitmap_find_zero(bm, NBITS, 150), 150);
	KEXPECT_EQ(bitmap_find_zero(bm, NBITS, 151), BITMAP_NONE);
	KEXPECT_EQ(bitmap_find_zero(bm, NBITS, NBITS), BITMAP_NONE);
	bitmap_clear(bm, 3);
	KEXPECT_EQ(bitmap_find_zero(bm, NBITS, 0), 3);
	KEXPECT_EQ(bitmap_find_zero(bm, NBITS, 4), 150);
}

/* The tail bits of the last word (200..223) are clear but do not count. */
KTEST(bitmap, tail_bits_are_never_found)
{
	bitmap_fill(bm, NBITS);
	bm[BITMAP_WORDS(NBITS) - 1] = 0xFFu; /* bits 192..199 set */
	KEXPECT_EQ(bitmap_find_zero(bm, NBITS, 0), BITMAP_NONE);
	KEXPECT_EQ(bitmap_count(bm, NBITS), NBITS);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 1, 1, 0), BITMAP_NONE);
}

KTEST(bitmap, find_one)
{
	bitmap_zero(bm, NBITS);
	bitmap_set(bm, 64);
	bitmap_set(bm, 199);
	KEXPECT_EQ(bitmap_find_one(bm, NBITS, 0), 64);
	KEXPECT_EQ(bitmap_find_one(bm, NBITS, 65), 199);
	KEXPECT_EQ(bitmap_find_one(bm, 199, 65), BITMAP_NONE);
}

KTEST(bitmap, zero_run_respects_count_and_alignment)
{
	bitmap_fill(bm, NBITS);
	bitmap_clear_range(bm, 10, 5);	/* 10..14 */
	bitmap_clear_range(bm, 33, 20); /* 33..52 */
	bitmap_clear_range(bm, 64, 64); /* 64..127 */
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 5, 1, 0), 10);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 6, 1, 0), 33);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 16, 16, 0), 64);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 8, 8, 0), 40);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 4, 4, 11), 36);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 64, 64, 0), 64);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 65, 1, 0), BITMAP_NONE);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 0, 1, 0), BITMAP_NONE);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 1, 1, 128), BITMAP_NONE);
}

/* A run must end inside the bitmap, even when the tail bits are clear. */
KTEST(bitmap, zero_run_stays_inside_nbits)
{
	bitmap_fill(bm, NBITS);
	bitmap_clear_range(bm, 190, 10); /* 190..199 */
	bm[BITMAP_WORDS(NBITS) - 1] &= 0xFFu;
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 10, 1, 0), 190);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 11, 1, 0), BITMAP_NONE);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 8, 8, 0), 192);
	KEXPECT_EQ(bitmap_find_zero_run(bm, NBITS, 16, 16, 0), BITMAP_NONE);
}
