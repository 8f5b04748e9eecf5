/*
 * options: the kernel command-line parser.  See options.h for the syntax
 * and the guarantees.
 *
 * The parser is a scanner over the struct's own copy of the line: it
 * writes a NUL where each key and each value ends (over the '=', the
 * closing quote or the white space after the word) and records where each
 * starts.  Every error is found before anything is recorded for that word,
 * so a malformed word leaves no trace but its error message.
 */
#include <stdarg.h>

#include "lib/options.h"

#include "lib/fmt.h"
#include "lib/string.h"

/* How much of a malformed word an error message quotes. */
#define OPT_QUOTE_MAX 24

#define OPT_ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static bool opt_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static char *opt_skip_space(char *p)
{
	while (opt_isspace(*p))
		p++;
	return p;
}

static char *opt_skip_word(char *p)
{
	while (*p && !opt_isspace(*p))
		p++;
	return p;
}

__attribute__((format(printf, 2, 3))) static void
opt_add_error(struct options *o, const char *fmt, ...)
{
	va_list ap;

	if (o->nerrors == OPT_ERRORS_MAX) {
		o->errors_dropped++;
		return;
	}
	va_start(ap, fmt);
	fmt_vsnprintf(o->errors[o->nerrors++], OPT_ERROR_LEN, fmt, ap);
	va_end(ap);
}

/* Skips a malformed word, quoting its start in the error message. */
static char *opt_reject(struct options *o, char *word, const char *why)
{
	char *end = opt_skip_word(word);
	int len = (int)(end - word);

	opt_add_error(o, "%.*s%s: %s; ignored",
		      len < OPT_QUOTE_MAX ? len : OPT_QUOTE_MAX, word,
		      len > OPT_QUOTE_MAX ? "..." : "", why);
	return end;
}

static int opt_find(const struct options *o, const char *key)
{
	for (int i = 0; i < o->count; i++) {
		if (strcmp(o->buf + o->key[i], key) == 0)
			return i;
	}
	return -1;
}

/* Records key=value, both already NUL-terminated inside o->buf. */
static void opt_set(struct options *o, const char *key, const char *value)
{
	int i = opt_find(o, key);

	if (i < 0 && o->count == OPT_MAX) {
		opt_add_error(o, "%s: more than %d options; ignored", key,
			      OPT_MAX);
		return;
	}
	if (i < 0) {
		i = o->count++;
		o->key[i] = (uint16_t)(key - o->buf);
	}
	o->value[i] = (uint16_t)(value - o->buf);
}

/*
 * Copies the line.  If it does not fit, the word the cut falls in is
 * dropped whole: a value cut short (hz=1000 kept as hz=10) would be worse
 * than a missing one.
 */
static void opt_copy_line(struct options *o, const char *cmdline)
{
	size_t n = strnlen(cmdline, OPT_LINE_MAX);

	if (n == OPT_LINE_MAX) {
		n = OPT_LINE_MAX - 1;
		while (n > 0 && !opt_isspace(cmdline[n]) &&
		       !opt_isspace(cmdline[n - 1]))
			n--;
		o->truncated = true;
		opt_add_error(o,
			      "command line longer than %d bytes; ignored "
			      "the rest",
			      OPT_LINE_MAX - 1);
	}
	memcpy(o->buf, cmdline, n);
	o->buf[n] = '\0';
}

/* Ends the current word at p, which is white space or the end of line. */
static char *opt_end_word(char *p)
{
	if (*p == '\0')
		return p;
	*p = '\0';
	return p + 1;
}

/* A value in double quotes: up to the next quote, white space and all. */
static char *opt_parse_quoted(struct options *o, const char *key, char *p)
{
	char *value = p + 1;
	char *close = strchr(value, '"');

	if (!close) {
		opt_add_error(o,
			      "%s: unterminated quote; ignored the rest of "
			      "the line",
			      key);
		return value + strlen(value);
	}
	if (close[1] != '\0' && !opt_isspace(close[1])) {
		opt_add_error(o, "%s: text after the closing quote; ignored",
			      key);
		return opt_skip_word(close + 1);
	}
	*close = '\0';
	opt_set(o, key, value);
	return close + 1;
}

/* Parses the value after `key=`; the '=' is already a NUL. */
static char *opt_parse_value(struct options *o, const char *key, char *p)
{
	char *end;

	if (*p == '"')
		return opt_parse_quoted(o, key, p);
	end = opt_skip_word(p);
	opt_set(o, key, p);
	return opt_end_word(end);
}

/* Parses one word starting at a non-space; returns where the next starts. */
static char *opt_parse_word(struct options *o, char *word)
{
	char *p = word;
	char *end;

	while (*p && !opt_isspace(*p) && *p != '=' && *p != '"')
		p++;
	if (*p == '"')
		return opt_reject(o, word, "a quote in an option name");
	if (p == word)
		return opt_reject(o, word, "no option name before '='");
	if (*p != '=') {
		end = opt_end_word(p);
		opt_set(o, word, p);
		return end;
	}
	*p = '\0';
	return opt_parse_value(o, word, p + 1);
}

int opt_parse(struct options *o, const char *cmdline)
{
	char *p;

	memset(o, 0, sizeof(*o));
	opt_copy_line(o, cmdline ? cmdline : "");
	p = opt_skip_space(o->buf);
	while (*p) {
		p = opt_parse_word(o, p);
		p = opt_skip_space(p);
	}
	return o->count;
}

int opt_count(const struct options *o)
{
	return o->count;
}

const char *opt_key(const struct options *o, int i)
{
	return i >= 0 && i < o->count ? o->buf + o->key[i] : NULL;
}

const char *opt_value(const struct options *o, int i)
{
	return i >= 0 && i < o->count ? o->buf + o->value[i] : NULL;
}

int opt_error_count(const struct options *o)
{
	return o->nerrors;
}

const char *opt_error(const struct options *o, int i)
{
	return i >= 0 && i < o->nerrors ? o->errors[i] : NULL;
}

bool opt_has(const struct options *o, const char *key)
{
	return opt_find(o, key) >= 0;
}

const char *opt_str(const struct options *o, const char *key)
{
	return opt_value(o, opt_find(o, key));
}

/* ------------------------------------------------------ typed getters -- */

static void opt_clear_warn(char *warn, size_t warnlen)
{
	if (warn && warnlen > 0)
		warn[0] = '\0';
}

/* "key=value: expects WHAT; USING", or "key: ..." for a bare flag. */
static void opt_warn(char *warn, size_t warnlen, const char *key,
		     const char *value, const char *what, const char *using)
{
	if (!warn || warnlen == 0)
		return;
	fmt_snprintf(warn, warnlen, "%s%s%s: expects %s; %s", key,
		     *value ? "=" : "", value, what, using);
}

static int opt_digit(char c, unsigned base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned)d < base ? d : -1;
}

/*
 * Reads a decimal or 0x-hex number at s; returns the first character after
 * it, or NULL if there are no digits or the number passes UINT32_MAX.
 */
static const char *opt_scan_u32(const char *s, uint32_t *out)
{
	unsigned base = 10;
	uint32_t v = 0;
	const char *start;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (start = s; (d = opt_digit(*s, base)) >= 0; s++) {
		if (v > (UINT32_MAX - (uint32_t)d) / base)
			return NULL;
		v = v * base + (uint32_t)d;
	}
	if (s == start)
		return NULL;
	*out = v;
	return s;
}

/* Reads key as a number in [min, max]: 1 good, 0 absent, -1 bad (warned). */
static int opt_uint_read(const struct options *o, const char *key,
			 uint32_t *out, uint32_t min, uint32_t max,
			 const char *using, char *warn, size_t warnlen)
{
	const char *s = opt_str(o, key);
	const char *end;
	uint32_t v;
	char what[64];

	opt_clear_warn(warn, warnlen);
	if (!s)
		return 0;
	end = opt_scan_u32(s, &v);
	if (end && *end == '\0' && v >= min && v <= max) {
		*out = v;
		return 1;
	}
	fmt_snprintf(what, sizeof(what), "a whole number from %u to %u",
		     (unsigned)min, (unsigned)max);
	opt_warn(warn, warnlen, key, s, what, using);
	return -1;
}

uint32_t opt_uint(const struct options *o, const char *key, uint32_t def,
		  uint32_t min, uint32_t max, char *warn, size_t warnlen)
{
	uint32_t v = def;
	char using[24];

	fmt_snprintf(using, sizeof(using), "using %u", (unsigned)def);
	opt_uint_read(o, key, &v, min, max, using, warn, warnlen);
	return v;
}

int opt_uint_strict(const struct options *o, const char *key, uint32_t *out,
		    uint32_t min, uint32_t max, const char *refused, char *warn,
		    size_t warnlen)
{
	return opt_uint_read(o, key, out, min, max, refused, warn, warnlen);
}

/* ASCII only: the command line is not meant to hold anything else. */
static bool opt_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 'a' - 'A') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 'a' - 'A') : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

/* The index of s among words[0..n) ignoring case, or -1. */
static int opt_lookup(const char *s, const char *const words[], int n)
{
	for (int i = 0; i < n; i++) {
		if (opt_caseeq(s, words[i]))
			return i;
	}
	return -1;
}

/* Even indexes are true, odd ones false. */
static const char *const opt_bool_words[] = {
    "1", "0", "on", "off", "yes", "no", "true", "false",
};

bool opt_bool(const struct options *o, const char *key, bool def, char *warn,
	      size_t warnlen)
{
	const char *s = opt_str(o, key);
	int i;

	opt_clear_warn(warn, warnlen);
	if (!s)
		return def;
	if (*s == '\0')
		return true;
	i = opt_lookup(s, opt_bool_words, OPT_ARRAY_LEN(opt_bool_words));
	if (i >= 0)
		return i % 2 == 0;
	opt_warn(warn, warnlen, key, s, "on/off, yes/no, true/false or 1/0",
		 def ? "using on" : "using off");
	return def;
}

/* "one of a|b|c", as much of it as fits. */
static void opt_join(char *buf, size_t len, const char *const words[], int n)
{
	size_t used = (size_t)fmt_snprintf(buf, len, "one of ");

	for (int i = 0; i < n && used < len; i++)
		used += (size_t)fmt_snprintf(buf + used, len - used, "%s%s",
					     i ? "|" : "", words[i]);
}

int opt_choice(const struct options *o, const char *key,
	       const char *const choices[], int nchoices, int def, char *warn,
	       size_t warnlen)
{
	const char *s = opt_str(o, key);
	int i;
	char what[128];
	char using[48];

	opt_clear_warn(warn, warnlen);
	if (!s)
		return def;
	i = opt_lookup(s, choices, nchoices);
	if (i >= 0)
		return i;
	opt_join(what, sizeof(what), choices, nchoices);
	fmt_snprintf(using, sizeof(using), "using %s",
		     def >= 0 && def < nchoices ? choices[def] : "none");
	opt_warn(warn, warnlen, key, s, what, using);
	return def;
}

/*
 * Checks a whole list, and stores it when out is not NULL; returns the
 * count or -1.  opt_uint_list() runs it twice, first with out NULL, so
 * that a bad list leaves out untouched without needing a copy.
 */
static int opt_scan_list(const char *s, uint32_t *out, int max, uint32_t min,
			 uint32_t maxval)
{
	uint32_t v;
	int n = 0;

	for (;;) {
		s = opt_scan_u32(s, &v);
		if (!s || v < min || v > maxval || n == max)
			return -1;
		if (out)
			out[n] = v;
		n++;
		if (*s == '\0')
			return n;
		if (*s++ != ',')
			return -1;
	}
}

int opt_uint_list(const struct options *o, const char *key, uint32_t *out,
		  int max, uint32_t min, uint32_t maxval, char *warn,
		  size_t warnlen)
{
	const char *s = opt_str(o, key);
	char what[96];

	opt_clear_warn(warn, warnlen);
	if (!s)
		return 0;
	if (opt_scan_list(s, NULL, max, min, maxval) >= 0)
		return opt_scan_list(s, out, max, min, maxval);
	fmt_snprintf(what, sizeof(what),
		     "up to %d whole number%s from %u to %u, separated by "
		     "commas",
		     max, max == 1 ? "" : "s", (unsigned)min, (unsigned)maxval);
	opt_warn(warn, warnlen, key, s, what, "using the default");
	return -1;
}
