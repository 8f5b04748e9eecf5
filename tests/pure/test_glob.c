/*
 * Tests of lib/glob.c, run in the kernel at boot and on the host (where
 * tests/host/test_glob_host.c also compares it with fnmatch).
 */
#include <stdbool.h>

#include "kernel/ktest.h"
#include "lib/glob.h"

KTEST(glob, literal_text_matches_whole)
{
	KEXPECT_TRUE(glob_match("", ""));
	KEXPECT_TRUE(glob_match("abc", "abc"));
	KEXPECT_FALSE(glob_match("abc", "abcd"));
	KEXPECT_FALSE(glob_match("abcd", "abc"));
	KEXPECT_FALSE(glob_match("", "a"));
	KEXPECT_FALSE(glob_match("abc", "ABC"));
}

KTEST(glob, star)
{
	KEXPECT_TRUE(glob_match("*", ""));
	KEXPECT_TRUE(glob_match("*", "anything.at/all"));
	KEXPECT_TRUE(glob_match("fmt.*", "fmt.decimal"));
	KEXPECT_FALSE(glob_match("fmt.*", "string.memcpy"));
	KEXPECT_TRUE(glob_match("*.memcpy*", "string.memcpy_every"));
	KEXPECT_TRUE(glob_match("a*b*c", "abc"));
	KEXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));
	KEXPECT_FALSE(glob_match("a*b*c", "aXbYbZ"));
	KEXPECT_TRUE(glob_match("***", "x"));
}

KTEST(glob, star_backtracks)
{
	/* The first "ab" is the wrong place for the star to stop. */
	KEXPECT_TRUE(glob_match("*abc", "ababc"));
	KEXPECT_TRUE(glob_match("*aab", "aaab"));
	KEXPECT_TRUE(glob_match("a*a*a", "aaaaa"));
	KEXPECT_FALSE(glob_match("a*a*a*a", "aaa"));
	KEXPECT_TRUE(glob_match("*x*y*", "..x..x..y.."));
}

KTEST(glob, question_mark_is_exactly_one)
{
	KEXPECT_TRUE(glob_match("?", "a"));
	KEXPECT_FALSE(glob_match("?", ""));
	KEXPECT_FALSE(glob_match("?", "ab"));
	KEXPECT_TRUE(glob_match("h?z", "hez"));
	KEXPECT_TRUE(glob_match("*?", "a"));
	KEXPECT_FALSE(glob_match("*??", "a"));
}

KTEST(glob, sets_and_ranges)
{
	KEXPECT_TRUE(glob_match("[abc]", "b"));
	KEXPECT_FALSE(glob_match("[abc]", "d"));
	KEXPECT_TRUE(glob_match("[a-z]x", "qx"));
	KEXPECT_FALSE(glob_match("[a-z]", "Q"));
	KEXPECT_TRUE(glob_match("[0-9a-f][0-9a-f]", "7e"));
	KEXPECT_FALSE(glob_match("[abc]", ""));
	KEXPECT_FALSE(glob_match("[abc]", "ab"));
}

KTEST(glob, negated_sets)
{
	KEXPECT_TRUE(glob_match("[!x]", "y"));
	KEXPECT_FALSE(glob_match("[!x]", "x"));
	KEXPECT_TRUE(glob_match("[^a-c]", "d"));
	KEXPECT_FALSE(glob_match("[^a-c]", "b"));
	KEXPECT_FALSE(glob_match("[!x]", ""));
}

KTEST(glob, set_edge_characters)
{
	/* A ']' first belongs to the set; so does a '-' first or last. */
	KEXPECT_TRUE(glob_match("[]]", "]"));
	KEXPECT_TRUE(glob_match("[]a]", "a"));
	KEXPECT_TRUE(glob_match("[!]]", "a"));
	KEXPECT_FALSE(glob_match("[!]]", "]"));
	KEXPECT_TRUE(glob_match("[-a]", "-"));
	KEXPECT_TRUE(glob_match("[a-]", "-"));
	KEXPECT_FALSE(glob_match("[a-]", "b"));
	KEXPECT_TRUE(glob_match("[*?]", "*"));
	KEXPECT_FALSE(glob_match("[*?]", "x"));
}

KTEST(glob, unclosed_bracket_is_literal)
{
	KEXPECT_TRUE(glob_match("[ab", "[ab"));
	KEXPECT_FALSE(glob_match("[ab", "a"));
	KEXPECT_TRUE(glob_match("a[", "a["));
	KEXPECT_TRUE(glob_match("*[", "xx["));
}

KTEST(glob, backslash_quotes)
{
	KEXPECT_TRUE(glob_match("\\*", "*"));
	KEXPECT_FALSE(glob_match("\\*", "x"));
	KEXPECT_TRUE(glob_match("a\\?", "a?"));
	KEXPECT_FALSE(glob_match("a\\?", "ab"));
	KEXPECT_TRUE(glob_match("[\\]]", "]"));
}

KTEST(glob, long_inputs_need_no_recursion)
{
	char text[201];
	char pattern[101];

	for (int i = 0; i < 200; i++)
		text[i] = 'a';
	text[200] = '\0';
	/* 50 stars and 50 a's: exponential for a naive recursive matcher. */
	for (int i = 0; i < 100; i += 2) {
		pattern[i] = '*';
		pattern[i + 1] = 'a';
	}
	pattern[100] = '\0';
	KEXPECT_TRUE(glob_match(pattern, text));
	pattern[99] = 'b';
	KEXPECT_FALSE(glob_match(pattern, text));
}
