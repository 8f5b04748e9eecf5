/*
 * Tests of lib/string.c.  In the kernel they test its own functions; on the
 * host, tests/host/test_string_host.c includes this file after renaming the
 * functions (memcpy to keel_memcpy, ...), so they test the same code there
 * instead of the C library's.  Expected results are computed by the byte
 * loops below, never by the functions under test.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/ktest.h"
#include "lib/string.h"

/* Room for every length up to 40 at every offset up to 15, with margins. */
#define STR_TEST_BUF	64
#define STR_TEST_MAXLEN 40

/* Bytes that differ at each offset, so one copied from the wrong place
 * shows. */
static void str_test_fill(unsigned char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(seed + i * 7 + 1);
}

static bool str_test_same(const unsigned char *a, const unsigned char *b,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return false;
	}
	return true;
}

KTEST(string, memset_fills_exactly_the_range)
{
	_Alignas(8) unsigned char buf[STR_TEST_BUF];
	unsigned char ref[STR_TEST_BUF];

	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len <= STR_TEST_MAXLEN; len++) {
			str_test_fill(buf, sizeof(buf), (unsigned)len);
			str_test_fill(ref, sizeof(ref), (unsigned)len);
			for (size_t i = 0; i < len; i++)
				ref[off + i] = 0xa5;
			if (memset(buf + off, 0xa5, len) != buf + off ||
			    !str_test_same(buf, ref, sizeof(buf))) {
				ktest_diag("offset %zu length %zu", off, len);
				KTEST_FAIL("wrong bytes");
				return;
			}
		}
	}
}

KTEST(string, memset_uses_the_low_byte)
{
	unsigned char buf[4] = {0, 0, 0, 0};

	/* Only the low byte counts: 0x1ff fills with 0xff. */
	/* NOLINTNEXTLINE(bugprone-suspicious-memset-usage) */
	memset(buf, 0x1ff, 3);
	KEXPECT_EQ(buf[0], 0xff);
	KEXPECT_EQ(buf[2], 0xff);
	KEXPECT_EQ(buf[3], 0);
}

KTEST(string, memcpy_every_alignment_and_length)
{
	_Alignas(8) unsigned char src[STR_TEST_BUF];
	_Alignas(8) unsigned char dst[STR_TEST_BUF];
	unsigned char ref[STR_TEST_BUF];

	str_test_fill(src, sizeof(src), 3);
	for (size_t d = 0; d < 8; d++) {
		for (size_t s = 0; s < 8; s++) {
			for (size_t len = 0; len <= STR_TEST_MAXLEN; len++) {
				str_test_fill(dst, sizeof(dst), 200);
				str_test_fill(ref, sizeof(ref), 200);
				for (size_t i = 0; i < len; i++)
					ref[d + i] = src[s + i];
				if (memcpy(dst + d, src + s, len) != dst + d ||
				    !str_test_same(dst, ref, sizeof(dst))) {
					ktest_diag("dst+%zu src+%zu len %zu", d,
						   s, len);
					KTEST_FAIL("wrong bytes");
					return;
				}
			}
		}
	}
}

/* Moves within one buffer: the expected result goes through a copy. */
static bool str_test_move(size_t d, size_t s, size_t len)
{
	_Alignas(8) unsigned char buf[STR_TEST_BUF];
	unsigned char ref[STR_TEST_BUF];
	unsigned char tmp[STR_TEST_BUF];

	str_test_fill(buf, sizeof(buf), 11);
	str_test_fill(ref, sizeof(ref), 11);
	for (size_t i = 0; i < len; i++)
		tmp[i] = ref[s + i];
	for (size_t i = 0; i < len; i++)
		ref[d + i] = tmp[i];
	if (memmove(buf + d, buf + s, len) != buf + d)
		return false;
	return str_test_same(buf, ref, sizeof(buf));
}

KTEST(string, memmove_overlapping_both_ways)
{
	for (size_t d = 0; d < 16; d++) {
		for (size_t s = 0; s < 16; s++) {
			for (size_t len = 0; len <= STR_TEST_MAXLEN; len++) {
				if (!str_test_move(d, s, len)) {
					ktest_diag("dst+%zu src+%zu len %zu", d,
						   s, len);
					KTEST_FAIL("wrong bytes");
					return;
				}
			}
		}
	}
}

KTEST(string, memmove_shifts_a_string)
{
	char buf[16] = "abcdefgh";

	memmove(buf + 2, buf, 6);
	KEXPECT_STREQ(buf, "ababcdef");
	memmove(buf, buf + 3, 5);
	KEXPECT_STREQ(buf, "bcdefdef");
}

KTEST(string, memcmp_orders_bytes_as_unsigned)
{
	KEXPECT_EQ(memcmp("abc", "abc", 3), 0);
	KEXPECT_LT(memcmp("abc", "abd", 3), 0);
	KEXPECT_GT(memcmp("abd", "abc", 3), 0);
	KEXPECT_GT(memcmp("\xff", "\x01", 1), 0);
	KEXPECT_EQ(memcmp("abX", "abY", 2), 0);
	KEXPECT_EQ(memcmp("x", "y", 0), 0);
}

KTEST(string, memchr_finds_first_within_n)
{
	const char *s = "hello";
	const char *high = "a\xff";

	KEXPECT_PTR_EQ(memchr(s, 'l', 5), s + 2);
	KEXPECT_NULL(memchr(s, 'o', 4));
	KEXPECT_PTR_EQ(memchr(s, '\0', 6), s + 5);
	/* c is compared as an unsigned char. */
	KEXPECT_PTR_EQ(memchr(high, 0xff, 2), high + 1);
}

KTEST(string, strlen_and_strnlen)
{
	const char unterminated[4] = {'a', 'b', 'c', 'd'};

	KEXPECT_EQ(strlen(""), 0);
	KEXPECT_EQ(strlen("keel"), 4);
	KEXPECT_EQ(strnlen("keel", 10), 4);
	KEXPECT_EQ(strnlen("keel", 2), 2);
	/* strnlen must not read past maxlen. */
	KEXPECT_EQ(strnlen(unterminated, 4), 4);
	KEXPECT_EQ(strnlen("", 0), 0);
}

KTEST(string, strcmp_order)
{
	KEXPECT_EQ(strcmp("", ""), 0);
	KEXPECT_EQ(strcmp("abc", "abc"), 0);
	KEXPECT_LT(strcmp("abc", "abd"), 0);
	KEXPECT_LT(strcmp("ab", "abc"), 0);
	KEXPECT_GT(strcmp("abc", "ab"), 0);
	/* Bytes compare as unsigned char. */
	KEXPECT_GT(strcmp("\xff", "a"), 0);
}

KTEST(string, strncmp_stops_at_n_and_at_nul)
{
	KEXPECT_EQ(strncmp("abcX", "abcY", 3), 0);
	KEXPECT_LT(strncmp("abcX", "abcY", 4), 0);
	KEXPECT_EQ(strncmp("ab", "ab", 100), 0);
	KEXPECT_GT(strncmp("abc", "ab", 100), 0);
	KEXPECT_EQ(strncmp("x", "y", 0), 0);
	KEXPECT_LT(strncmp("a", "\xff", 1), 0);
}

KTEST(string, strchr_and_strrchr)
{
	const char *s = "a.b.c";

	KEXPECT_PTR_EQ(strchr(s, '.'), s + 1);
	KEXPECT_PTR_EQ(strrchr(s, '.'), s + 3);
	KEXPECT_NULL(strchr(s, 'z'));
	KEXPECT_NULL(strrchr(s, 'z'));
	/* The terminator is part of the string. */
	KEXPECT_PTR_EQ(strchr(s, '\0'), s + 5);
	KEXPECT_PTR_EQ(strrchr(s, '\0'), s + 5);
	KEXPECT_PTR_EQ(strchr(s, 'a'), s);
}

KTEST(string, strlcpy_fits)
{
	char buf[8] = "#######";

	KEXPECT_EQ(strlcpy(buf, "abc", sizeof(buf)), 3);
	KEXPECT_STREQ(buf, "abc");
	KEXPECT_EQ(strlcpy(buf, "abcdefg", sizeof(buf)), 7);
	KEXPECT_STREQ(buf, "abcdefg");
}

KTEST(string, strlcpy_truncates_and_returns_source_length)
{
	char buf[8] = "#######";

	KEXPECT_EQ(strlcpy(buf, "abcdefghij", 4), 10);
	KEXPECT_STREQ(buf, "abc");
	KEXPECT_EQ(buf[4], '#');
	/* size 0 writes nothing at all. */
	KEXPECT_EQ(strlcpy(buf, "xyz", 0), 3);
	KEXPECT_EQ(buf[0], 'a');
}

KTEST(string, strstr_finds_the_first_occurrence)
{
	const char *s = "frame_pool: double free of frame 0x64000";
	KEXPECT_PTR_EQ(strstr(s, "free"), s + 19);
	KEXPECT_PTR_EQ(strstr(s, "frame"), s);	      /* at the start */
	KEXPECT_PTR_EQ(strstr(s, "0x64000"), s + 33); /* at the end */
	KEXPECT_NULL(strstr(s, "0x640000"));	      /* runs past the end */
	KEXPECT_NULL(strstr(s, "Frame"));
	KEXPECT_PTR_EQ(strstr(s, ""), s);
	KEXPECT_NULL(strstr("", "a"));
	{
		const char *t = "aaab";
		KEXPECT_PTR_EQ(strstr(t, "aab"),
			       t + 1); /* after a false start */
	}
}
