/*
 * Host tests of lib/glob.c against fnmatch(pattern, text, 0), which the
 * host test runner uses for its own glob argument: random patterns and
 * texts over a small alphabet of the characters that mean something in a
 * pattern, so stars, sets, ranges, negation, quoting and unclosed brackets
 * all meet each other.
 */
#include <fnmatch.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/ktest.h"
#include "lib/glob.h"

static uint32_t glob_host_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void glob_host_word(char *buf, size_t max, const char *alphabet,
			   size_t nalpha, uint32_t *rng)
{
	size_t len = glob_host_rand(rng) % max;

	for (size_t i = 0; i < len; i++)
		buf[i] = alphabet[glob_host_rand(rng) % nalpha];
	buf[len] = '\0';
}

KTEST(glob_host, random_patterns_agree_with_fnmatch)
{
	static const char pat_chars[] = "ab-*?[]!^\\";
	static const char text_chars[] = "ab-*?[]!^\\";
	char pattern[12];
	char text[10];
	uint32_t rng = 77;
	int bad = 0;

	for (int round = 0; round < 300000 && bad < 10; round++) {
		glob_host_word(pattern, sizeof(pattern), pat_chars,
			       sizeof(pat_chars) - 1, &rng);
		glob_host_word(text, sizeof(text), text_chars,
			       sizeof(text_chars) - 1, &rng);
		if (glob_match(pattern, text) !=
		    (fnmatch(pattern, text, 0) == 0)) {
			ktest_diag("pattern \"%s\" text \"%s\": ours %d",
				   pattern, text, glob_match(pattern, text));
			bad++;
		}
	}
	KEXPECT_EQ(bad, 0);
}

KTEST(glob_host, test_name_patterns_agree_with_fnmatch)
{
	static const char *const names[] = {
	    "fmt.decimal",	   "fmt_host.grid",
	    "string.memcpy_every", "options.uint_good_values",
	    "glob.star",	   "ringbuf.wraps",
	};
	static const char *const patterns[] = {
	    "*",
	    "fmt.*",
	    "fmt*",
	    "*.*good*",
	    "[fg]*.*",
	    "*_host.*",
	    "string.mem[!s]*",
	    "?lob.st?r",
	    "options.uint_[a-h]*",
	};

	for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
		for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++)
			KEXPECT_EQ(glob_match(patterns[p], names[n]),
				   fnmatch(patterns[p], names[n], 0) == 0);
	}
}
