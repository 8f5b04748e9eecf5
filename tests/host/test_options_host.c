/*
 * Host tests of lib/options.c: random command lines, some far longer than
 * OPT_LINE_MAX, made of the characters that matter to the parser.  Under
 * AddressSanitizer a stray read or write shows at once; the checks below
 * verify the invariants that hold for any input: the limits, keys that
 * are non-empty and unique, and values that a lookup gives back.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/ktest.h"
#include "lib/options.h"

static uint32_t opt_host_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void opt_host_line(char *line, size_t len, uint32_t *rng)
{
	static const char alphabet[] = "abcab=== \t\"\",x0x19";

	for (size_t i = 0; i < len; i++)
		line[i] = alphabet[opt_host_rand(rng) % (sizeof(alphabet) - 1)];
	line[len] = '\0';
}

/* The invariants of a parsed struct; false (with a message) if broken. */
static bool opt_host_check(const struct options *o)
{
	if (o->count < 0 || o->count > OPT_MAX || o->nerrors < 0 ||
	    o->nerrors > OPT_ERRORS_MAX)
		return false;
	for (int i = 0; i < opt_count(o); i++) {
		const char *k = opt_key(o, i);

		if (k[0] == '\0' || strpbrk(k, "= \t\"") != NULL)
			return false;
		if (opt_str(o, k) != opt_value(o, i))
			return false; /* a duplicate key shadows this one */
	}
	for (int i = 0; i < opt_error_count(o); i++) {
		if (strlen(opt_error(o, i)) >= OPT_ERROR_LEN)
			return false;
	}
	return true;
}

KTEST(options_host, random_lines_keep_the_invariants)
{
	static struct options o;
	static char line[1200];
	uint32_t rng = 8;

	for (int round = 0; round < 20000; round++) {
		size_t len = opt_host_rand(&rng) % (sizeof(line) - 1);

		opt_host_line(line, len, &rng);
		KASSERT_EQ(opt_parse(&o, line), opt_count(&o));
		KEXPECT_EQ(o.truncated, len > OPT_LINE_MAX - 1);
		if (!opt_host_check(&o)) {
			ktest_diag("line: %s", line);
			KASSERT_TRUE(false);
		}
	}
}

KTEST(options_host, getters_never_overflow_the_warning)
{
	static struct options o;
	char line[64];
	char warn[OPT_ERROR_LEN];
	uint32_t list[4];
	static const char *const choices[] = {"x", "y"};

	for (size_t size = 0; size < sizeof(warn); size++) {
		snprintf(line, sizeof(line), "k=%.*s", (int)(size % 40),
			 "0123456789abcdefghijklmnopqrstuvwxyz0123");
		opt_parse(&o, line);
		memset(warn, '#', sizeof(warn));
		opt_uint(&o, "k", 1, 5, 6, warn, size);
		opt_bool(&o, "k", true, warn, size);
		opt_choice(&o, "k", choices, 2, 0, warn, size);
		opt_uint_list(&o, "k", list, 4, 1, 2, warn, size);
		/* Bytes from size on are never written. */
		for (size_t i = size; i < sizeof(warn); i++)
			KASSERT_EQ(warn[i], '#');
		if (size > 0)
			KASSERT_LT(strlen(warn), size);
	}
}
