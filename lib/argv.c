/*
 * argv — words and numbers for the console (see argv.h).
 */
#include "lib/argv.h"

#include <stdbool.h>
#include <stddef.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Copy one word starting at *src to *dst, dropping its quotes, and advance
 * both.  The copy never runs ahead of the reading (quotes only shrink the
 * word), so the line can be rewritten in place.  False if a quote is open
 * at the end of the line.
 */
static bool take_word(char **src, char **dst)
{
	char *s = *src, *d = *dst;
	bool quoted = false;
	for (; *s && (quoted || !is_blank(*s)); s++) {
		if (*s == '"')
			quoted = !quoted;
		else
			*d++ = *s;
	}
	*src = s;
	*dst = d;
	return !quoted;
}

int argv_split(char *line, char **argv, int max)
{
	char *s = line, *d = line;
	int argc = 0;
	for (;;) {
		while (is_blank(*s))
			s++;
		if (*s == '\0')
			break;
		if (argc == max)
			return ARGV_ETOOMANY;
		argv[argc++] = d;
		if (!take_word(&s, &d))
			return ARGV_EQUOTE;
		/* The word's end may be the blank s points at: step over it
		 * before the NUL goes in, which may overwrite it. */
		if (*s)
			s++;
		*d++ = '\0';
	}
	if (argc < max)
		argv[argc] = NULL;
	return argc;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99; /* larger than any base */
}

int argv_parse_u32(const char *s, uint32_t *out)
{
	uint32_t base = 10, v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return ARGV_EEMPTY;
	for (; *s; s++) {
		uint32_t d = (uint32_t)digit_value(*s);
		if (d >= base)
			return ARGV_ESYNTAX;
		if (v > (UINT32_MAX - d) / base)
			return ARGV_ERANGE;
		v = v * base + d;
	}
	*out = v;
	return ARGV_OK;
}

int argv_parse_range(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint32_t v;
	int err = argv_parse_u32(s, &v);
	if (err != ARGV_OK)
		return err;
	if (v < min || v > max)
		return ARGV_ERANGE;
	*out = v;
	return ARGV_OK;
}

const char *argv_strerror(int err)
{
	switch (err) {
	case ARGV_OK:
		return "no error";
	case ARGV_EQUOTE:
		return "a double quote is not closed";
	case ARGV_ETOOMANY:
		return "too many words";
	case ARGV_EEMPTY:
		return "a number needs digits";
	case ARGV_ESYNTAX:
		return "not a number (decimal, or hex with 0x)";
	case ARGV_ERANGE:
		return "number out of range";
	default:
		return "unknown error";
	}
}
