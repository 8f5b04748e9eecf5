/*
 * Tests of lib/fmt.c, run in the kernel at boot and on the host.
 *
 * Each case formats into a buffer and checks both the text and the return
 * value, which must be the length of the whole output.  Formats that gcc's
 * format checking would refuse on purpose (%q, a NULL %s) go through
 * fmt_unchecked(), which has no format attribute.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/ktest.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define FMT_TEST_BUF 128

/* Checks that fmt and its arguments produce exactly `expect`. */
#define FMT_EXPECT(expect, ...)                                                \
	do {                                                                   \
		char fmt_b_[FMT_TEST_BUF];                                     \
		int fmt_n_ =                                                   \
		    fmt_snprintf(fmt_b_, sizeof(fmt_b_), __VA_ARGS__);         \
		KEXPECT_STREQ(fmt_b_, (expect));                               \
		KEXPECT_EQ(fmt_n_, (int)strlen(expect));                       \
	} while (0)

static int fmt_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define FMT_EXPECT_UNCHECKED(expect, ...)                                      \
	do {                                                                   \
		char fmt_b_[FMT_TEST_BUF];                                     \
		int fmt_n_ =                                                   \
		    fmt_unchecked(fmt_b_, sizeof(fmt_b_), __VA_ARGS__);        \
		KEXPECT_STREQ(fmt_b_, (expect));                               \
		KEXPECT_EQ(fmt_n_, (int)strlen(expect));                       \
	} while (0)

KTEST(fmt, plain_text_and_percent)
{
	FMT_EXPECT("", "%s", "");
	FMT_EXPECT("hello, world", "hello, world");
	FMT_EXPECT("100%", "100%%");
	FMT_EXPECT("%%", "%%%%");
}

KTEST(fmt, decimal)
{
	FMT_EXPECT("0", "%d", 0);
	FMT_EXPECT("42 -42", "%d %i", 42, -42);
	FMT_EXPECT("2147483647", "%d", (int)INT32_MAX);
	FMT_EXPECT("-2147483648", "%d", (int)INT32_MIN);
	FMT_EXPECT("4294967295", "%u", (unsigned)UINT32_MAX);
}

KTEST(fmt, hex)
{
	FMT_EXPECT("deadbeef", "%x", 0xdeadbeefu);
	FMT_EXPECT("DEADBEEF", "%X", 0xdeadbeefu);
	FMT_EXPECT("0", "%x", 0u);
	FMT_EXPECT("0xbeef 0XBEEF", "%#x %#X", 0xbeefu, 0xbeefu);
	/* C gives no 0x to a zero. */
	FMT_EXPECT("0", "%#x", 0u);
}

KTEST(fmt, width_pads_on_the_left)
{
	FMT_EXPECT("   42", "%5d", 42);
	FMT_EXPECT("  -42", "%5d", -42);
	FMT_EXPECT("123456", "%3d", 123456);
	FMT_EXPECT("  abc", "%5s", "abc");
	FMT_EXPECT("    x", "%5c", 'x');
}

KTEST(fmt, minus_flag_pads_on_the_right)
{
	FMT_EXPECT("42   |", "%-5d|", 42);
	FMT_EXPECT("abc  |", "%-5s|", "abc");
	FMT_EXPECT("x  |", "%-3c|", 'x');
	/* '-' wins over '0'. */
	FMT_EXPECT_UNCHECKED("-42  |", "%-05d|", -42);
}

KTEST(fmt, zero_flag_pads_after_the_sign)
{
	FMT_EXPECT("00042", "%05d", 42);
	FMT_EXPECT("-0042", "%05d", -42);
	FMT_EXPECT("+0042", "%+05d", 42);
	FMT_EXPECT("0000beef", "%08x", 0xbeefu);
	FMT_EXPECT("0x0000beef", "%#010x", 0xbeefu);
}

KTEST(fmt, star_width)
{
	FMT_EXPECT("   42", "%*d", 5, 42);
	/* A negative width from '*' means '-' and its absolute value. */
	FMT_EXPECT("42   |", "%*d|", -5, 42);
	FMT_EXPECT("   ab", "%*s", 5, "ab");
}

KTEST(fmt, integer_precision_is_minimum_digits)
{
	FMT_EXPECT("007", "%.3d", 7);
	FMT_EXPECT(" -007", "%5.3d", -7);
	FMT_EXPECT("00ff", "%.4x", 0xffu);
	/* Precision 0 prints the value 0 as nothing at all. */
	FMT_EXPECT("[]", "[%.0d]", 0);
	FMT_EXPECT("[   ]", "[%3.0u]", 0u);
	/* With a precision, '0' is ignored. */
	FMT_EXPECT_UNCHECKED("  007", "%05.3d", 7);
}

KTEST(fmt, plus_and_space_flags)
{
	FMT_EXPECT("+5 -5", "%+d %+d", 5, -5);
	FMT_EXPECT(" 5 -5", "% d % d", 5, -5);
	FMT_EXPECT("+0", "%+d", 0);
	/* '+' wins over ' '. */
	FMT_EXPECT_UNCHECKED("+5", "%+ d", 5);
}

KTEST(fmt, long_long_extremes)
{
	FMT_EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT_EXPECT("9223372036854775807", "%lld", (long long)INT64_MAX);
	FMT_EXPECT("18446744073709551615", "%llu",
		   (unsigned long long)UINT64_MAX);
	FMT_EXPECT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	FMT_EXPECT("100000000", "%llx", 0x100000000ull);
	FMT_EXPECT("4294967296", "%llu", 0x100000000ull);
	FMT_EXPECT("-4294967297", "%lld", -4294967297ll);
}

KTEST(fmt, long_and_size)
{
	FMT_EXPECT("-1 abcdef", "%ld %lx", -1L, 0xabcdefUL);
	FMT_EXPECT("123", "%zu", (size_t)123);
	FMT_EXPECT("-9", "%td", (ptrdiff_t)-9);
	FMT_EXPECT("-5", "%jd", (intmax_t)-5);
}

KTEST(fmt, short_and_char_lengths_truncate)
{
	FMT_EXPECT("-1", "%hhd", 255);
	FMT_EXPECT("5", "%hhu", 256 + 5);
	FMT_EXPECT("-1", "%hd", 65535);
	FMT_EXPECT("7", "%hu", 65536 + 7);
	FMT_EXPECT("-128", "%hhd", 128);
}

KTEST(fmt, pointer_has_all_digits)
{
	if (sizeof(void *) == 4) {
		FMT_EXPECT("0x00001234", "%p", (void *)(uintptr_t)0x1234);
		FMT_EXPECT("0xc0100000", "%p", (void *)(uintptr_t)0xc0100000u);
		FMT_EXPECT("  0x00000000|", "%12p|", (void *)0);
		FMT_EXPECT("0x00000001  |", "%-12p|", (void *)(uintptr_t)1);
	} else {
		FMT_EXPECT("0x0000000000001234", "%p",
			   (void *)(uintptr_t)0x1234);
		FMT_EXPECT("0x0000000000000000", "%p", (void *)0);
		FMT_EXPECT("  0x0000000000000001|", "%20p|",
			   (void *)(uintptr_t)1);
	}
}

KTEST(fmt, string_precision)
{
	FMT_EXPECT("ab", "%.2s", "abc");
	FMT_EXPECT("ab", "%.*s", 2, "abc");
	FMT_EXPECT("abc", "%.10s", "abc");
	FMT_EXPECT("   ab", "%5.2s", "abc");
	/* A negative '*' precision means none. */
	FMT_EXPECT("abc", "%.*s", -1, "abc");
}

KTEST(fmt, string_precision_reads_no_further)
{
	/* Not terminated: the precision alone must stop the reading. */
	const char unterminated[3] = {'x', 'y', 'z'};

	FMT_EXPECT("xyz", "%.3s", unterminated);
	FMT_EXPECT("xy", "%.*s", 2, unterminated);
}

KTEST(fmt, null_string)
{
	FMT_EXPECT_UNCHECKED("(null)", "%s", (const char *)NULL);
	FMT_EXPECT_UNCHECKED("  (null)", "%8s", (const char *)NULL);
	FMT_EXPECT_UNCHECKED("(nu", "%.3s", (const char *)NULL);
}

KTEST(fmt, unknown_conversion_is_literal)
{
	FMT_EXPECT_UNCHECKED("%q", "%q");
	FMT_EXPECT_UNCHECKED("[%-5q]", "[%-5q]");
	FMT_EXPECT_UNCHECKED("%lq", "%lq");
	/* An unknown conversion takes no argument: %d still gets 5. */
	FMT_EXPECT_UNCHECKED("%q 5", "%q %d", 5);
}

KTEST(fmt, unfinished_conversion_is_literal)
{
	FMT_EXPECT_UNCHECKED("abc%", "abc%");
	FMT_EXPECT_UNCHECKED("x%5", "x%5");
	FMT_EXPECT_UNCHECKED("%ll", "%ll");
	FMT_EXPECT_UNCHECKED("%-0.", "%-0.");
}

KTEST(fmt, truncation_keeps_c99_return)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	KEXPECT_EQ(fmt_snprintf(buf, 4, "hello"), 5);
	KEXPECT_STREQ(buf, "hel");
	/* Nothing past size is touched. */
	KEXPECT_EQ(buf[4], '#');
	KEXPECT_EQ(fmt_snprintf(buf, 1, "hello"), 5);
	KEXPECT_STREQ(buf, "");
	KEXPECT_EQ(buf[1], 'e');
}

KTEST(fmt, exact_fit_and_size_zero)
{
	char buf[6];

	KEXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%d", 12345), 5);
	KEXPECT_STREQ(buf, "12345");
	KEXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%d", 123456), 6);
	KEXPECT_STREQ(buf, "12345");
	/* size 0 measures and may take a NULL buffer. */
	KEXPECT_EQ(fmt_snprintf(NULL, 0, "%s=%u", "hz", 100u), 6);
}

KTEST(fmt, truncation_inside_a_padded_field)
{
	char buf[6];

	KEXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%10d", -7), 10);
	KEXPECT_STREQ(buf, "     ");
	KEXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%-10s|", "ab"), 11);
	KEXPECT_STREQ(buf, "ab   ");
}

/* A put() that collects into a fixed buffer and counts its calls. */
struct fmt_test_sink {
	char text[32];
	int calls;
};

static void fmt_test_put(char c, void *ctx)
{
	struct fmt_test_sink *s = ctx;

	if (s->calls < (int)sizeof(s->text) - 1)
		s->text[s->calls] = c;
	s->calls++;
}

static int fmt_test_format(struct fmt_test_sink *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(fmt_test_put, s, fmt, ap);
	va_end(ap);
	return n;
}

KTEST(fmt, vformat_calls_put_once_a_char)
{
	struct fmt_test_sink s = {{0}, 0};

	KEXPECT_EQ(fmt_test_format(&s, "%s=%3d%c", "hz", 7, '!'), 7);
	KEXPECT_EQ(s.calls, 7);
	KEXPECT_STREQ(s.text, "hz=  7!");
}

KTEST(fmt, vformat_passes_nul_char_through)
{
	struct fmt_test_sink s = {{0}, 0};

	/* %c of 0 is one character like any other. */
	KEXPECT_EQ(fmt_test_format(&s, "a%cb", 0), 3);
	KEXPECT_EQ(s.calls, 3);
	KEXPECT_EQ(s.text[0], 'a');
	KEXPECT_EQ(s.text[1], '\0');
	KEXPECT_EQ(s.text[2], 'b');
}

KTEST(fmt, mixed_arguments_stay_in_step)
{
	FMT_EXPECT("a=-1 b=18446744073709551615 c=x d=ff e=str f=7",
		   "a=%d b=%llu c=%c d=%x e=%s f=%lu", -1,
		   (unsigned long long)UINT64_MAX, 'x', 0xffu, "str", 7UL);
}
