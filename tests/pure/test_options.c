/*
 * Tests of lib/options.c, run in the kernel at boot and on the host.
 *
 * struct options is about 1 KiB, so each case uses one static instance
 * rather than a kernel stack; opt_parse() resets it completely.  Warning
 * texts are checked word for word: they are what a user sees on the
 * serial console.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/ktest.h"
#include "lib/fmt.h"
#include "lib/options.h"
#include "lib/string.h"

#define OPT_TEST_WARN 128

static struct options opt_test_o;

static const char *const opt_test_fits[] = {"first", "next", "best"};

KTEST(options, empty_and_null_lines)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, ""), 0);
	KEXPECT_EQ(opt_count(o), 0);
	KEXPECT_EQ(opt_error_count(o), 0);
	KEXPECT_FALSE(o->truncated);
	KEXPECT_EQ(opt_parse(o, NULL), 0);
	KEXPECT_EQ(opt_parse(o, " \t \n "), 0);
	KEXPECT_EQ(opt_error_count(o), 0);
}

KTEST(options, values_and_flags)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, "hz=100 test quiet debug=on"), 4);
	KEXPECT_STREQ(opt_str(o, "hz"), "100");
	KEXPECT_STREQ(opt_str(o, "test"), "");
	KEXPECT_STREQ(opt_str(o, "debug"), "on");
	KEXPECT_TRUE(opt_has(o, "quiet"));
	KEXPECT_FALSE(opt_has(o, "loud"));
	KEXPECT_NULL(opt_str(o, "loud"));
	/* Keys are case-sensitive. */
	KEXPECT_FALSE(opt_has(o, "HZ"));
	KEXPECT_EQ(opt_error_count(o), 0);
}

KTEST(options, any_white_space_separates)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, "  a=1\t\tb=2 \r\n c  "), 3);
	KEXPECT_STREQ(opt_str(o, "a"), "1");
	KEXPECT_STREQ(opt_str(o, "b"), "2");
	KEXPECT_STREQ(opt_str(o, "c"), "");
}

KTEST(options, quoted_values_keep_spaces)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, "msg=\"a b  c\" x=1 e=\"\" last=\"z z\""), 4);
	KEXPECT_STREQ(opt_str(o, "msg"), "a b  c");
	KEXPECT_STREQ(opt_str(o, "x"), "1");
	KEXPECT_STREQ(opt_str(o, "e"), "");
	KEXPECT_STREQ(opt_str(o, "last"), "z z");
	KEXPECT_EQ(opt_error_count(o), 0);
}

KTEST(options, only_the_first_equals_splits)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, "root=a=b q=a\"b"), 2);
	KEXPECT_STREQ(opt_str(o, "root"), "a=b");
	/* A quote inside an unquoted value is an ordinary character. */
	KEXPECT_STREQ(opt_str(o, "q"), "a\"b");
}

KTEST(options, repeated_key_last_value_wins)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, "hz=100 a=1 hz=250 a"), 2);
	KEXPECT_STREQ(opt_str(o, "hz"), "250");
	KEXPECT_STREQ(opt_str(o, "a"), "");
	/* The key keeps the slot of its first appearance. */
	KEXPECT_STREQ(opt_key(o, 0), "hz");
	KEXPECT_STREQ(opt_key(o, 1), "a");
}

KTEST(options, listing_by_index)
{
	struct options *o = &opt_test_o;

	opt_parse(o, "one=1 two three=\"3 3\"");
	KASSERT_EQ(opt_count(o), 3);
	KEXPECT_STREQ(opt_key(o, 0), "one");
	KEXPECT_STREQ(opt_value(o, 0), "1");
	KEXPECT_STREQ(opt_key(o, 1), "two");
	KEXPECT_STREQ(opt_value(o, 1), "");
	KEXPECT_STREQ(opt_value(o, 2), "3 3");
	KEXPECT_NULL(opt_key(o, 3));
	KEXPECT_NULL(opt_value(o, -1));
	KEXPECT_NULL(opt_error(o, 0));
}

KTEST(options, missing_name_is_an_error)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, "=x hz=1 ="), 1);
	KEXPECT_STREQ(opt_str(o, "hz"), "1");
	KASSERT_EQ(opt_error_count(o), 2);
	KEXPECT_STREQ(opt_error(o, 0),
		      "=x: no option name before '='; ignored");
	KEXPECT_STREQ(opt_error(o, 1), "=: no option name before '='; ignored");
}

KTEST(options, quote_in_a_name_is_an_error)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, "a\"b=1 c=2"), 1);
	KEXPECT_TRUE(opt_has(o, "c"));
	KASSERT_EQ(opt_error_count(o), 1);
	KEXPECT_STREQ(opt_error(o, 0),
		      "a\"b=1: a quote in an option name; ignored");
}

KTEST(options, unterminated_quote_ends_the_line)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, "a=1 msg=\"oops b=2"), 1);
	KEXPECT_FALSE(opt_has(o, "msg"));
	KEXPECT_FALSE(opt_has(o, "b"));
	KASSERT_EQ(opt_error_count(o), 1);
	KEXPECT_STREQ(opt_error(o, 0),
		      "msg: unterminated quote; ignored the rest of the line");
}

KTEST(options, text_after_closing_quote_is_an_error)
{
	struct options *o = &opt_test_o;

	KEXPECT_EQ(opt_parse(o, "msg=\"a b\"c d=1"), 1);
	KEXPECT_FALSE(opt_has(o, "msg"));
	KEXPECT_STREQ(opt_str(o, "d"), "1");
	KASSERT_EQ(opt_error_count(o), 1);
	KEXPECT_STREQ(opt_error(o, 0),
		      "msg: text after the closing quote; ignored");
}

KTEST(options, long_malformed_word_is_quoted_short)
{
	struct options *o = &opt_test_o;

	opt_parse(o, "=abcdefghijklmnopqrstuvwxyz0123456789");
	KASSERT_EQ(opt_error_count(o), 1);
	KEXPECT_STREQ(opt_error(o, 0), "=abcdefghijklmnopqrstuvw...: no "
				       "option name before '='; ignored");
}

KTEST(options, at_most_32_options)
{
	struct options *o = &opt_test_o;
	char line[400];
	size_t len = 0;

	for (int i = 0; i < OPT_MAX + 2; i++)
		len += (size_t)fmt_snprintf(line + len, sizeof(line) - len,
					    "k%d=%d ", i, i);
	/* A key already kept may still take a new value. */
	fmt_snprintf(line + len, sizeof(line) - len, "k0=new");
	KEXPECT_EQ(opt_parse(o, line), OPT_MAX);
	KEXPECT_STREQ(opt_str(o, "k31"), "31");
	KEXPECT_FALSE(opt_has(o, "k32"));
	KEXPECT_STREQ(opt_str(o, "k0"), "new");
	KASSERT_EQ(opt_error_count(o), 2);
	KEXPECT_STREQ(opt_error(o, 0), "k32: more than 32 options; ignored");
	KEXPECT_STREQ(opt_error(o, 1), "k33: more than 32 options; ignored");
}

KTEST(options, error_list_is_bounded)
{
	struct options *o = &opt_test_o;

	opt_parse(o, "=1 =2 =3 =4 =5 =6 ok");
	KEXPECT_TRUE(opt_has(o, "ok"));
	KEXPECT_EQ(opt_error_count(o), OPT_ERRORS_MAX);
	KEXPECT_EQ(o->errors_dropped, 6 - OPT_ERRORS_MAX);
	KEXPECT_STREQ(opt_error(o, 0),
		      "=1: no option name before '='; ignored");
	KEXPECT_NULL(opt_error(o, OPT_ERRORS_MAX));
}

/* first=1, then a pad word, so that `cut=12345` straddles byte 511. */
static void opt_test_long_line(char *line, size_t size, size_t pad)
{
	size_t len = (size_t)fmt_snprintf(line, size, "first=1 pad=");

	for (size_t i = 0; i < pad; i++)
		line[len++] = 'y';
	fmt_snprintf(line + len, size - len, " cut=12345 after=1");
}

KTEST(options, long_line_drops_the_word_it_cuts)
{
	static char line[640];
	struct options *o = &opt_test_o;

	opt_test_long_line(line, sizeof(line), 495);
	KEXPECT_EQ(opt_parse(o, line), 2);
	KEXPECT_TRUE(o->truncated);
	KEXPECT_TRUE(opt_has(o, "first"));
	KEXPECT_EQ(strlen(opt_str(o, "pad")), 495);
	/* Not cut=123: a value cut short would be worse than none. */
	KEXPECT_FALSE(opt_has(o, "cut"));
	KASSERT_EQ(opt_error_count(o), 1);
	KEXPECT_STREQ(opt_error(o, 0),
		      "command line longer than 511 bytes; ignored the rest");
}

KTEST(options, line_of_511_bytes_fits)
{
	static char line[640];
	struct options *o = &opt_test_o;

	/* 12 + 481 + 18 = 511 bytes: everything fits, exactly. */
	opt_test_long_line(line, sizeof(line), 481);
	KASSERT_EQ(strlen(line), OPT_LINE_MAX - 1);
	KEXPECT_EQ(opt_parse(o, line), 4);
	KEXPECT_FALSE(o->truncated);
	KEXPECT_STREQ(opt_str(o, "after"), "1");
	/* One more byte and `after=1` is the word that gets cut. */
	opt_test_long_line(line, sizeof(line), 482);
	KEXPECT_EQ(opt_parse(o, line), 3);
	KEXPECT_TRUE(o->truncated);
	KEXPECT_FALSE(opt_has(o, "after"));
	KEXPECT_STREQ(opt_str(o, "cut"), "12345");
}

KTEST(options, uint_good_values)
{
	struct options *o = &opt_test_o;
	char warn[OPT_TEST_WARN];

	opt_parse(o, "hz=250 lo=19 hi=10000 hex=0x1F zero=0 big=4294967295");
	KEXPECT_EQ(opt_uint(o, "hz", 100, 19, 10000, warn, sizeof(warn)), 250);
	KEXPECT_STREQ(warn, "");
	KEXPECT_EQ(opt_uint(o, "lo", 100, 19, 10000, warn, sizeof(warn)), 19);
	KEXPECT_EQ(opt_uint(o, "hi", 100, 19, 10000, warn, sizeof(warn)),
		   10000);
	KEXPECT_EQ(opt_uint(o, "hex", 1, 0, 100, warn, sizeof(warn)), 31);
	KEXPECT_EQ(opt_uint(o, "zero", 1, 0, 100, warn, sizeof(warn)), 0);
	KEXPECT_EQ(opt_uint(o, "big", 1, 0, UINT32_MAX, warn, sizeof(warn)),
		   UINT32_MAX);
	KEXPECT_STREQ(warn, "");
}

KTEST(options, uint_absent_is_default_without_warning)
{
	struct options *o = &opt_test_o;
	char warn[OPT_TEST_WARN] = "stale";

	opt_parse(o, "other=1");
	KEXPECT_EQ(opt_uint(o, "hz", 100, 19, 10000, warn, sizeof(warn)), 100);
	KEXPECT_STREQ(warn, "");
}

/* A bad value for a costly action is refused, never replaced by a default. */
KTEST(options, uint_strict_refuses_bad_values)
{
	struct options *o = &opt_test_o;
	char warn[OPT_TEST_WARN] = "stale";
	uint32_t v = 7;

	opt_parse(o, "soak=5 ok=2000 hex=0x400 junk=1k flag");
	KEXPECT_EQ(opt_uint_strict(o, "soak", &v, 1000, 100000000,
				   "no soak run", warn, sizeof(warn)),
		   -1);
	KEXPECT_EQ(v, 7);
	KEXPECT_STREQ(warn, "soak=5: expects a whole number from 1000 to "
			    "100000000; no soak run");
	KEXPECT_EQ(opt_uint_strict(o, "junk", &v, 0, 10, "refused", warn,
				   sizeof(warn)),
		   -1);
	KEXPECT_EQ(v, 7);
	KEXPECT_EQ(opt_uint_strict(o, "flag", &v, 0, 10, "refused", warn,
				   sizeof(warn)),
		   -1);
	KEXPECT_STREQ(warn, "flag: expects a whole number from 0 to 10; "
			    "refused");
	KEXPECT_EQ(opt_uint_strict(o, "ok", &v, 1000, 100000000, "no", warn,
				   sizeof(warn)),
		   1);
	KEXPECT_EQ(v, 2000);
	KEXPECT_STREQ(warn, "");
	KEXPECT_EQ(opt_uint_strict(o, "hex", &v, 1000, 100000000, "no", warn,
				   sizeof(warn)),
		   1);
	KEXPECT_EQ(v, 1024);
	strlcpy(warn, "stale", sizeof(warn));
	KEXPECT_EQ(
	    opt_uint_strict(o, "absent", &v, 0, 10, "no", warn, sizeof(warn)),
	    0);
	KEXPECT_EQ(v, 1024);
	KEXPECT_STREQ(warn, "");
}

/* opt_uint("hz", def 100, 19..10000) of the line; returns the warning. */
static uint32_t opt_test_hz(const char *line, char *warn)
{
	opt_parse(&opt_test_o, line);
	return opt_uint(&opt_test_o, "hz", 100, 19, 10000, warn, OPT_TEST_WARN);
}

KTEST(options, uint_bad_values_warn)
{
	char warn[OPT_TEST_WARN];

	KEXPECT_EQ(opt_test_hz("hz=abc", warn), 100);
	KEXPECT_STREQ(warn, "hz=abc: expects a whole number from 19 to "
			    "10000; using 100");
	KEXPECT_EQ(opt_test_hz("hz=12x", warn), 100);
	KEXPECT_STREQ(warn, "hz=12x: expects a whole number from 19 to "
			    "10000; using 100");
	KEXPECT_EQ(opt_test_hz("hz=-1", warn), 100);
	KEXPECT_NE(warn[0], '\0');
	KEXPECT_EQ(opt_test_hz("hz=0x", warn), 100);
	KEXPECT_NE(warn[0], '\0');
	KEXPECT_EQ(opt_test_hz("hz=\"\"", warn), 100);
	KEXPECT_NE(warn[0], '\0');
}

KTEST(options, uint_out_of_range_warns)
{
	char warn[OPT_TEST_WARN];

	KEXPECT_EQ(opt_test_hz("hz=18", warn), 100);
	KEXPECT_STREQ(warn, "hz=18: expects a whole number from 19 to "
			    "10000; using 100");
	KEXPECT_EQ(opt_test_hz("hz=10001", warn), 100);
	KEXPECT_NE(warn[0], '\0');
	/* 2^32 + 250 overflows: rejected, not wrapped round to 250. */
	KEXPECT_EQ(opt_test_hz("hz=4294967546", warn), 100);
	KEXPECT_NE(warn[0], '\0');
	KEXPECT_EQ(opt_test_hz("hz=0x1000000fa", warn), 100);
	KEXPECT_NE(warn[0], '\0');
}

KTEST(options, uint_bare_flag_warns_without_equals)
{
	char warn[OPT_TEST_WARN];

	KEXPECT_EQ(opt_test_hz("hz", warn), 100);
	KEXPECT_STREQ(warn, "hz: expects a whole number from 19 to 10000; "
			    "using 100");
}

KTEST(options, warning_buffer_may_be_null_or_short)
{
	struct options *o = &opt_test_o;
	char warn[8];

	opt_parse(o, "hz=abc");
	KEXPECT_EQ(opt_uint(o, "hz", 100, 19, 10000, NULL, 0), 100);
	KEXPECT_EQ(opt_uint(o, "hz", 100, 19, 10000, warn, sizeof(warn)), 100);
	KEXPECT_STREQ(warn, "hz=abc:");
}

KTEST(options, bool_words)
{
	struct options *o = &opt_test_o;
	char warn[OPT_TEST_WARN];

	opt_parse(o, "a=1 b=0 c=on d=off e=yes f=no g=true h=false "
		     "i=ON j=False k");
	KEXPECT_TRUE(opt_bool(o, "a", false, warn, sizeof(warn)));
	KEXPECT_FALSE(opt_bool(o, "b", true, warn, sizeof(warn)));
	KEXPECT_TRUE(opt_bool(o, "c", false, warn, sizeof(warn)));
	KEXPECT_FALSE(opt_bool(o, "d", true, warn, sizeof(warn)));
	KEXPECT_TRUE(opt_bool(o, "e", false, warn, sizeof(warn)));
	KEXPECT_FALSE(opt_bool(o, "f", true, warn, sizeof(warn)));
	KEXPECT_TRUE(opt_bool(o, "g", false, warn, sizeof(warn)));
	KEXPECT_FALSE(opt_bool(o, "h", true, warn, sizeof(warn)));
	KEXPECT_TRUE(opt_bool(o, "i", false, warn, sizeof(warn)));
	KEXPECT_FALSE(opt_bool(o, "j", true, warn, sizeof(warn)));
	/* A bare key means true. */
	KEXPECT_TRUE(opt_bool(o, "k", false, warn, sizeof(warn)));
	KEXPECT_STREQ(warn, "");
	KEXPECT_TRUE(opt_bool(o, "absent", true, warn, sizeof(warn)));
	KEXPECT_FALSE(opt_bool(o, "absent", false, warn, sizeof(warn)));
	KEXPECT_STREQ(warn, "");
}

KTEST(options, bool_bad_value_warns)
{
	struct options *o = &opt_test_o;
	char warn[OPT_TEST_WARN];

	opt_parse(o, "debug=maybe trace=2");
	KEXPECT_FALSE(opt_bool(o, "debug", false, warn, sizeof(warn)));
	KEXPECT_STREQ(warn, "debug=maybe: expects on/off, yes/no, true/false "
			    "or 1/0; using off");
	KEXPECT_TRUE(opt_bool(o, "trace", true, warn, sizeof(warn)));
	KEXPECT_STREQ(warn, "trace=2: expects on/off, yes/no, true/false "
			    "or 1/0; using on");
}

KTEST(options, choice_picks_the_index)
{
	struct options *o = &opt_test_o;
	char warn[OPT_TEST_WARN];

	opt_parse(o, "heap.fit=best other=NEXT");
	KEXPECT_EQ(
	    opt_choice(o, "heap.fit", opt_test_fits, 3, 0, warn, sizeof(warn)),
	    2);
	KEXPECT_STREQ(warn, "");
	/* Choices match in any case. */
	KEXPECT_EQ(
	    opt_choice(o, "other", opt_test_fits, 3, 0, warn, sizeof(warn)), 1);
	KEXPECT_EQ(
	    opt_choice(o, "absent", opt_test_fits, 3, 1, warn, sizeof(warn)),
	    1);
	KEXPECT_STREQ(warn, "");
}

KTEST(options, choice_bad_value_lists_the_choices)
{
	struct options *o = &opt_test_o;
	char warn[OPT_TEST_WARN];

	opt_parse(o, "heap.fit=worst sched");
	KEXPECT_EQ(
	    opt_choice(o, "heap.fit", opt_test_fits, 3, 0, warn, sizeof(warn)),
	    0);
	KEXPECT_STREQ(warn, "heap.fit=worst: expects one of first|next|best; "
			    "using first");
	KEXPECT_EQ(
	    opt_choice(o, "sched", opt_test_fits, 3, -1, warn, sizeof(warn)),
	    -1);
	KEXPECT_STREQ(warn, "sched: expects one of first|next|best; "
			    "using none");
}

/* opt_uint_list of mlfq.quantum into out[3], values 1..1000. */
static int opt_test_quanta(const char *line, uint32_t *out, char *warn)
{
	opt_parse(&opt_test_o, line);
	return opt_uint_list(&opt_test_o, "mlfq.quantum", out, 3, 1, 1000, warn,
			     OPT_TEST_WARN);
}

KTEST(options, uint_list_good)
{
	uint32_t q[3] = {0, 0, 0};
	char warn[OPT_TEST_WARN];

	KEXPECT_EQ(opt_test_quanta("mlfq.quantum=10,20,40", q, warn), 3);
	KEXPECT_EQ(q[0], 10);
	KEXPECT_EQ(q[1], 20);
	KEXPECT_EQ(q[2], 40);
	KEXPECT_STREQ(warn, "");
	KEXPECT_EQ(opt_test_quanta("mlfq.quantum=0x10", q, warn), 1);
	KEXPECT_EQ(q[0], 16);
	KEXPECT_EQ(q[1], 20);
	KEXPECT_EQ(opt_test_quanta("hz=1", q, warn), 0);
	KEXPECT_STREQ(warn, "");
}

/* Each bad list returns -1, warns, and leaves q as it was. */
static void opt_test_bad_list(const char *line)
{
	uint32_t q[3] = {7, 8, 9};
	char warn[OPT_TEST_WARN];

	KEXPECT_EQ(opt_test_quanta(line, q, warn), -1);
	KEXPECT_NE(warn[0], '\0');
	KEXPECT_EQ(q[0], 7);
	KEXPECT_EQ(q[1], 8);
	KEXPECT_EQ(q[2], 9);
}

KTEST(options, uint_list_bad_leaves_output_alone)
{
	opt_test_bad_list("mlfq.quantum=10,,20");
	opt_test_bad_list("mlfq.quantum=10,");
	opt_test_bad_list("mlfq.quantum=,10");
	opt_test_bad_list("mlfq.quantum=10;20");
	opt_test_bad_list("mlfq.quantum=");
	opt_test_bad_list("mlfq.quantum");
	opt_test_bad_list("mlfq.quantum=1,2,3,4");
	opt_test_bad_list("mlfq.quantum=10,0,5");
	opt_test_bad_list("mlfq.quantum=10,1001");
}

KTEST(options, uint_list_warning_text)
{
	uint32_t q[3];
	char warn[OPT_TEST_WARN];

	KEXPECT_EQ(opt_test_quanta("mlfq.quantum=10,x,40", q, warn), -1);
	KEXPECT_STREQ(warn,
		      "mlfq.quantum=10,x,40: expects up to 3 whole "
		      "numbers from 1 to 1000, separated by commas; using "
		      "the default");
}
