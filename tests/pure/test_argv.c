/*
 * Tests of lib/argv.c, run in the kernel at boot and on the host: how a
 * command line is cut into words, and which number texts are accepted.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kernel/ktest.h"
#include "lib/argv.h"
#include "lib/string.h"

#define ARGV_TEST_WORDS 8

static int argv_test_split(const char *line, char *buf, size_t len,
			   char **words)
{
	strlcpy(buf, line, len);
	return argv_split(buf, words, ARGV_TEST_WORDS);
}

KTEST(argv, splits_on_runs_of_blanks)
{
	char buf[64], *w[ARGV_TEST_WORDS];
	KASSERT_EQ(argv_test_split("  vm\t 0x1000  ", buf, sizeof(buf), w), 2);
	KEXPECT_STREQ(w[0], "vm");
	KEXPECT_STREQ(w[1], "0x1000");
	KEXPECT_NULL(w[2]);
	KEXPECT_EQ(argv_test_split("", buf, sizeof(buf), w), 0);
	KEXPECT_EQ(argv_test_split(" \t ", buf, sizeof(buf), w), 0);
	KEXPECT_NULL(w[0]);
}

KTEST(argv, double_quotes_group_and_vanish)
{
	char buf[64], *w[ARGV_TEST_WORDS];
	KASSERT_EQ(
	    argv_test_split("say \"a  b\" x\"y z\"w \"\"", buf, sizeof(buf), w),
	    4);
	KEXPECT_STREQ(w[0], "say");
	KEXPECT_STREQ(w[1], "a  b");
	KEXPECT_STREQ(w[2], "xy zw");
	KEXPECT_STREQ(w[3], ""); /* an empty quoted word is a word */
}

KTEST(argv, unterminated_quote_is_an_error)
{
	char buf[64], *w[ARGV_TEST_WORDS];
	KEXPECT_EQ(argv_test_split("run \"0,1,0", buf, sizeof(buf), w),
		   ARGV_EQUOTE);
	KEXPECT_EQ(argv_test_split("\"", buf, sizeof(buf), w), ARGV_EQUOTE);
}

KTEST(argv, more_words_than_room_is_an_error)
{
	char buf[64], *w[ARGV_TEST_WORDS];
	KEXPECT_EQ(argv_test_split("1 2 3 4 5 6 7 8", buf, sizeof(buf), w), 8);
	KEXPECT_EQ(argv_test_split("1 2 3 4 5 6 7 8 9", buf, sizeof(buf), w),
		   ARGV_ETOOMANY);
	/* Trailing blanks after the last word that fits are no word. */
	KEXPECT_EQ(argv_test_split("1 2 3 4 5 6 7 8   ", buf, sizeof(buf), w),
		   8);
}

KTEST(argv, numbers_decimal_and_hex)
{
	uint32_t v = 0;
	KEXPECT_EQ(argv_parse_u32("0", &v), ARGV_OK);
	KEXPECT_EQ(v, 0);
	KEXPECT_EQ(argv_parse_u32("4096", &v), ARGV_OK);
	KEXPECT_EQ(v, 4096);
	KEXPECT_EQ(argv_parse_u32("010", &v), ARGV_OK); /* no octal */
	KEXPECT_EQ(v, 10);
	KEXPECT_EQ(argv_parse_u32("0xC0100000", &v), ARGV_OK);
	KEXPECT_EQ(v, 0xC0100000u);
	KEXPECT_EQ(argv_parse_u32("0Xdeadbeef", &v), ARGV_OK);
	KEXPECT_EQ(v, 0xDEADBEEFu);
	KEXPECT_EQ(argv_parse_u32("4294967295", &v), ARGV_OK);
	KEXPECT_EQ(v, 0xFFFFFFFFu);
	KEXPECT_EQ(argv_parse_u32("0xFFFFFFFF", &v), ARGV_OK);
	KEXPECT_EQ(v, 0xFFFFFFFFu);
	KEXPECT_EQ(argv_parse_u32("0x00000000000000001", &v), ARGV_OK);
	KEXPECT_EQ(v, 1);
}

KTEST(argv, numbers_overflow_is_detected)
{
	uint32_t v = 77;
	KEXPECT_EQ(argv_parse_u32("4294967296", &v), ARGV_ERANGE);
	KEXPECT_EQ(argv_parse_u32("4294967300", &v), ARGV_ERANGE);
	KEXPECT_EQ(argv_parse_u32("99999999999999999999", &v), ARGV_ERANGE);
	KEXPECT_EQ(argv_parse_u32("0x100000000", &v), ARGV_ERANGE);
	KEXPECT_EQ(argv_parse_u32("0x1FFFFFFFF", &v), ARGV_ERANGE);
	KEXPECT_EQ(v, 77); /* untouched on failure */
}

KTEST(argv, numbers_reject_everything_else)
{
	uint32_t v = 77;
	static const char *const bad[] = {"",	 "0x",	  "0X",	 "-1",	 "+1",
					  " 1",	 "1 ",	  "12a", "0x1g", "x10",
					  "1.5", "0b101", "1e3", "0xx1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = argv_parse_u32(bad[i], &v);
		if (err != ARGV_EEMPTY && err != ARGV_ESYNTAX)
			ktest_diag("'%s' gave %d", bad[i], err);
		KEXPECT_TRUE(err == ARGV_EEMPTY || err == ARGV_ESYNTAX);
	}
	KEXPECT_EQ(argv_parse_u32("", &v), ARGV_EEMPTY);
	KEXPECT_EQ(argv_parse_u32("0x", &v), ARGV_EEMPTY);
	KEXPECT_EQ(v, 77);
}

KTEST(argv, range_checks_both_ends)
{
	uint32_t v = 0;
	KEXPECT_EQ(argv_parse_range("5", 5, 9, &v), ARGV_OK);
	KEXPECT_EQ(v, 5);
	KEXPECT_EQ(argv_parse_range("9", 5, 9, &v), ARGV_OK);
	KEXPECT_EQ(argv_parse_range("4", 5, 9, &v), ARGV_ERANGE);
	KEXPECT_EQ(argv_parse_range("10", 5, 9, &v), ARGV_ERANGE);
	KEXPECT_EQ(argv_parse_range("z", 5, 9, &v), ARGV_ESYNTAX);
	KEXPECT_EQ(v, 9);
	KEXPECT_STREQ(argv_strerror(ARGV_ERANGE), "number out of range");
}
