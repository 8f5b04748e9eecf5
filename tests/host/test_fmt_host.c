/*
 * Host tests of lib/fmt.c against the C library's snprintf.
 *
 * For every integer conversion, length modifier, flag set, width and
 * precision in the tables below, and every value in fmt_host_values, both
 * engines format the same arguments and must agree on the text and the
 * return value.  %p and a NULL %s are left out: fmt.h documents where they
 * differ from glibc on purpose, and tests/pure/test_fmt.c checks them.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/ktest.h"
#include "lib/fmt.h"

#define FMT_HOST_BUF	      256
#define FMT_HOST_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Formats with both engines; on a mismatch prints both and returns false.
 * The format is not a literal, so this has no format attribute.
 */
static bool fmt_host_same(const char *f, ...)
{
	char ours[FMT_HOST_BUF];
	char libc[FMT_HOST_BUF];
	va_list ap, ap2;
	int n_ours, n_libc;

	va_start(ap, f);
	va_copy(ap2, ap);
	n_ours = fmt_vsnprintf(ours, sizeof(ours), f, ap);
	n_libc = vsnprintf(libc, sizeof(libc), f, ap2);
	va_end(ap2);
	va_end(ap);
	if (n_ours == n_libc && strcmp(ours, libc) == 0)
		return true;
	ktest_diag("format \"%s\": ours %d \"%s\", libc %d \"%s\"", f, n_ours,
		   ours, n_libc, libc);
	return false;
}

/* Packed by hand: clang-format would put one value a line. */
/* clang-format off */
static const long long fmt_host_values[] = {
	0, 1, -1, 7, -7, 9, 10, 99, -100, 255, 256, -128, -129, 32767,
	-32768, 65535, 65536, INT32_MAX, INT32_MIN, UINT32_MAX,
	0x100000000ll, -0x100000000ll, 1234567890123ll, -987654321ll,
	INT64_MAX, INT64_MIN
};
/* clang-format on */

static const char *const fmt_host_flags[] = {
    "", "-", "0", "+", " ", "#", "-0", "+0", "#0", "- ", "-#", " 0",
};
static const char *const fmt_host_widths[] = {"", "1", "6", "25", "*"};
static const char *const fmt_host_precs[] = {
    "", ".", ".0", ".1", ".5", ".22", ".*",
};
/* Host lengths: int-sized, or 64-bit like long long. */
static const char *const fmt_host_lens[] = {"",	  "hh", "h", "l",
					    "ll", "z",	"j", "t"};
static const char fmt_host_convs[] = "diuxX";

/* Calls fmt_host_same() with the '*' arguments the format needs. */
static bool fmt_host_one(const char *f, bool wstar, bool pstar, bool wide,
			 long long v)
{
	int w = v & 1 ? -9 : 12; /* a negative '*' width means '-' */
	int p = v & 2 ? -1 : 3;	 /* a negative '*' precision means none */

	if (wide && wstar && pstar)
		return fmt_host_same(f, w, p, v);
	if (wide && wstar)
		return fmt_host_same(f, w, v);
	if (wide && pstar)
		return fmt_host_same(f, p, v);
	if (wide)
		return fmt_host_same(f, v);
	if (wstar && pstar)
		return fmt_host_same(f, w, p, (int)v);
	if (wstar)
		return fmt_host_same(f, w, (int)v);
	if (pstar)
		return fmt_host_same(f, p, (int)v);
	return fmt_host_same(f, (int)v);
}

/*
 * Every flag set, width, precision and value for one conversion and
 * length; k walks the flags x widths x precisions product.  Returns the
 * number of mismatches, stopping after a few so a bug prints a short list.
 */
static int fmt_host_grid(char conv, const char *len)
{
	bool wide = len[0] != '\0' && len[0] != 'h';
	size_t nw = FMT_HOST_ARRAY_LEN(fmt_host_widths);
	size_t np = FMT_HOST_ARRAY_LEN(fmt_host_precs);
	size_t total = FMT_HOST_ARRAY_LEN(fmt_host_flags) * nw * np;
	char f[32];
	int bad = 0;

	for (size_t k = 0; k < total && bad <= 10; k++) {
		const char *width = fmt_host_widths[k / np % nw];
		const char *prec = fmt_host_precs[k % np];

		snprintf(f, sizeof(f), "[%%%s%s%s%s%c]",
			 fmt_host_flags[k / (nw * np)], width, prec, len, conv);
		for (size_t i = 0; i < FMT_HOST_ARRAY_LEN(fmt_host_values); i++)
			bad += !fmt_host_one(f, strchr(width, '*') != NULL,
					     strchr(prec, '*') != NULL, wide,
					     fmt_host_values[i]);
	}
	return bad;
}

KTEST(fmt_host, integers_match_libc_over_the_grid)
{
	for (size_t c = 0; fmt_host_convs[c]; c++) {
		for (size_t l = 0; l < FMT_HOST_ARRAY_LEN(fmt_host_lens); l++)
			KASSERT_EQ(
			    fmt_host_grid(fmt_host_convs[c], fmt_host_lens[l]),
			    0);
	}
}

KTEST(fmt_host, strings_and_chars_match_libc)
{
	static const char *const strs[] = {"", "a", "hello", "with space"};
	static const char *const specs[] = {
	    "%s",    "%8s",	 "%-8s|", "%.0s",  "%.3s",
	    "%2.3s", "%-12.4s|", "%*s",	  "%-*s|", "%.*s",
	};
	char f[64];

	for (size_t i = 0; i < FMT_HOST_ARRAY_LEN(specs); i++) {
		bool star = strchr(specs[i], '*') != NULL;

		snprintf(f, sizeof(f), "<%s>", specs[i]);
		for (size_t j = 0; j < FMT_HOST_ARRAY_LEN(strs); j++) {
			KEXPECT_TRUE(star ? fmt_host_same(f, 7, strs[j])
					  : fmt_host_same(f, strs[j]));
			KEXPECT_TRUE(star ? fmt_host_same(f, -3, strs[j])
					  : true);
		}
	}
	KEXPECT_TRUE(fmt_host_same("%c%3c%-3c|", 'a', 'b', 'c'));
}

/* xorshift32: reproducible, so a failure can be replayed. */
static uint32_t fmt_host_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

KTEST(fmt_host, random_64_bit_values_match_libc)
{
	static const char *const specs[] = {
	    "%lld", "%llu", "%llx", "%llX", "%+025lld", "%-30llu|", "%#.20llx"};
	uint32_t rng = 2024;

	for (int round = 0; round < 20000; round++) {
		unsigned bits = fmt_host_rand(&rng) % 65;
		uint64_t v =
		    ((uint64_t)fmt_host_rand(&rng) << 32) | fmt_host_rand(&rng);
		const char *f = specs[round % FMT_HOST_ARRAY_LEN(specs)];

		/* Values of every magnitude, not only huge ones. */
		v = bits == 64 ? v : v & ((1ull << bits) - 1);
		KASSERT_TRUE(fmt_host_same(f, (long long)v));
	}
}

KTEST(fmt_host, truncation_matches_libc_at_every_size)
{
	const char *f = "%s=%-6d|%#x|%c";
	char ours[48];
	char libc[48];

	for (size_t size = 0; size <= 32; size++) {
		memset(ours, '#', sizeof(ours));
		memset(libc, '#', sizeof(libc));
		KEXPECT_EQ(
		    fmt_snprintf(ours, size, f, "key", -42, 0xbeefu, 'z'),
		    snprintf(libc, size, f, "key", -42, 0xbeefu, 'z'));
		/* Same bytes, including the untouched ones after size. */
		KASSERT_EQ(memcmp(ours, libc, sizeof(ours)), 0);
	}
}

KTEST(fmt_host, pointer_is_all_hex_digits)
{
	char buf[64];
	char expect[64];
	int x;

	snprintf(expect, sizeof(expect), "0x%0*llx", (int)(2 * sizeof(void *)),
		 (unsigned long long)(uintptr_t)&x);
	KEXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%p", (void *)&x),
		   (int)(2 + 2 * sizeof(void *)));
	KEXPECT_STREQ(buf, expect);
}

KTEST(fmt_host, huge_width_is_counted_not_stored)
{
	char buf[8];

	/* The return value still counts every padding character. */
	KEXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%100000d", 1), 100000);
	KEXPECT_STREQ(buf, "       ");
	KEXPECT_EQ(fmt_snprintf(NULL, 0, "%*s", 70000, ""), 70000);
}
