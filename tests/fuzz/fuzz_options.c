/*
 * Fuzz target: lib/options, the kernel command-line parser, and every
 * getter.
 *
 * The input is a command line (raw bytes, or bytes mapped onto the
 * characters the parser cares about, so that keys, '=', quotes and white
 * space are common), then a list of getter calls.  Checked:
 *   - the limits: at most OPT_MAX options and OPT_ERRORS_MAX messages, each
 *     NUL-terminated inside its slot; `truncated` exactly when the line has
 *     OPT_LINE_MAX bytes or more;
 *   - the shape: keys non-empty, unique, without white space, '=' or '"';
 *     a value holds white space only if it was quoted, and then no '"';
 *     lookups by key give back the listed value; out-of-range indexes give
 *     NULL; a copy of the struct reads the same (offsets, not pointers);
 *   - the whole result (options in order, number of errors) against a
 *     reference scanner written from options.h's description of the syntax;
 *   - a round trip: the options written back as a command line (quoting
 *     values that hold white space) parse to the same list, error-free;
 *   - each typed getter against a reference reading of the value, with the
 *     warning buffer of every size from none to plenty: never written past
 *     its length, empty exactly when the value was usable, and always a
 *     prefix of the untruncated warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/options.h"
#include "tests/fuzz/fuzz.h"

/* Lines up to twice the parser's buffer, so truncation is exercised. */
#define OF_LINE_MAX (2 * OPT_LINE_MAX)
/* Room for any warning: key and value (at most OPT_LINE_MAX bytes between
 * them) and the getter's own text. */
#define OF_WARN_BIG (2 * OPT_LINE_MAX + 256)

static struct options of_o, of_copy, of_again;

static bool of_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static bool of_has_space(const char *s)
{
	for (; *s; s++)
		if (of_space(*s))
			return true;
	return false;
}

/* ----------------------------------------------------------- the line -- */

/*
 * The line: raw bytes, or (mode 1) each byte picks from characters that
 * make words, keys, numbers and the parser's separators.
 */
static size_t of_read_line(struct fz *in, char *line)
{
	static const char alpha[] = "ab=\"= \t c0x1Fk,yesNOoff9=\n\"xZ ";
	uint8_t mode = fz_u8(in);
	size_t len = fz_below(in, OF_LINE_MAX + 1), i;

	for (i = 0; i < len && fz_more(in); i++) {
		uint8_t b = fz_u8(in);

		line[i] = mode % 2 ? alpha[b % (sizeof alpha - 1)] : (char)b;
		if (line[i] == '\0')
			break;
	}
	line[i] = '\0';
	return i;
}

/* ------------------------------------------------------------ shape -- */

static void of_check_errors(const struct options *o)
{
	FZ_CHECK(o->nerrors >= 0 && o->nerrors <= OPT_ERRORS_MAX &&
		     o->errors_dropped >= 0,
		 "nerrors %d, dropped %d", o->nerrors, o->errors_dropped);
	FZ_CHECK(o->errors_dropped == 0 || o->nerrors == OPT_ERRORS_MAX,
		 "errors dropped with %d slots used", o->nerrors);
	FZ_CHECK(opt_error_count(o) == o->nerrors, "error count");
	for (int i = 0; i < o->nerrors; i++) {
		const char *e = opt_error(o, i);

		FZ_CHECK(e && memchr(e, '\0', OPT_ERROR_LEN) && e[0],
			 "error %d is empty or not terminated", i);
	}
	FZ_CHECK(!opt_error(o, -1) && !opt_error(o, o->nerrors),
		 "an out-of-range error index gave a message");
}

static void of_check_option(const struct options *o, int i)
{
	const char *k = opt_key(o, i), *v = opt_value(o, i);

	FZ_CHECK(k && v, "option %d has no key or value", i);
	FZ_CHECK(k >= o->buf && k < o->buf + OPT_LINE_MAX && v >= o->buf &&
		     v < o->buf + OPT_LINE_MAX,
		 "option %d points outside the struct", i);
	FZ_CHECK(k[0] && !of_has_space(k) && !strchr(k, '=') && !strchr(k, '"'),
		 "bad key '%s'", k);
	FZ_CHECK(!of_has_space(v) || !strchr(v, '"'), "bad value '%s'", v);
	FZ_CHECK(opt_str(o, k) == v && opt_has(o, k),
		 "lookup of '%s' does not give option %d", k, i);
	for (int j = 0; j < i; j++)
		FZ_CHECK(strcmp(opt_key(o, j), k) != 0, "key '%s' listed twice",
			 k);
}

static void of_check_shape(const struct options *o, size_t len)
{
	FZ_CHECK(o->count >= 0 && o->count <= OPT_MAX &&
		     opt_count(o) == o->count,
		 "count %d", o->count);
	FZ_CHECK(o->truncated == (len >= OPT_LINE_MAX),
		 "truncated %d for a line of %zu bytes", o->truncated, len);
	FZ_CHECK(memchr(o->buf, '\0', OPT_LINE_MAX), "buffer not terminated");
	of_check_errors(o);
	for (int i = 0; i < o->count; i++)
		of_check_option(o, i);
	FZ_CHECK(!opt_key(o, -1) && !opt_key(o, o->count) &&
		     !opt_value(o, -1) && !opt_value(o, o->count),
		 "an out-of-range index gave an option");
}

/* Two parses give the same options and errors, as strings. */
static void of_same(const struct options *a, const struct options *b,
		    bool errors)
{
	FZ_CHECK(a->count == b->count, "%d options, then %d", a->count,
		 b->count);
	for (int i = 0; i < a->count; i++)
		FZ_CHECK(strcmp(opt_key(a, i), opt_key(b, i)) == 0 &&
			     strcmp(opt_value(a, i), opt_value(b, i)) == 0,
			 "option %d: %s=%s, then %s=%s", i, opt_key(a, i),
			 opt_value(a, i), opt_key(b, i), opt_value(b, i));
	if (!errors)
		return;
	FZ_CHECK(a->nerrors == b->nerrors &&
		     a->errors_dropped == b->errors_dropped,
		 "errors differ");
	for (int i = 0; i < a->nerrors; i++)
		FZ_CHECK(strcmp(a->errors[i], b->errors[i]) == 0,
			 "error %d: '%s', then '%s'", i, a->errors[i],
			 b->errors[i]);
}

/* ---------------------------------------------- the reference parse -- */

struct of_ref {
	char text[OPT_LINE_MAX];
	const char *key[OPT_MAX], *value[OPT_MAX];
	int count, errors;
};

/* The part of the line the parser keeps: a word cut in two is dropped. */
static size_t of_kept(const char *line, size_t len)
{
	size_t n = OPT_LINE_MAX - 1;

	if (len < OPT_LINE_MAX)
		return len;
	if (!of_space(line[n]))
		while (n > 0 && !of_space(line[n - 1]))
			n--;
	return n;
}

/* Records key=value in the reference: the first slot, the last value. */
static void of_ref_set(struct of_ref *r, const char *key, const char *value)
{
	int i = 0;

	while (i < r->count && strcmp(r->key[i], key) != 0)
		i++;
	if (i == OPT_MAX) {
		r->errors++; /* a 33rd option */
		return;
	}
	r->key[i] = key;
	r->value[i] = value;
	r->count += i == r->count;
}

static char *of_ref_skip_word(char *p)
{
	while (*p && !of_space(*p))
		p++;
	return p;
}

/* A value in quotes, from p at the opening quote; returns where to go on. */
static char *of_ref_quoted(struct of_ref *r, const char *key, char *p)
{
	char *close = strchr(p + 1, '"');

	if (!close) {
		r->errors++; /* unterminated: the rest of the line is lost */
		return p + strlen(p);
	}
	if (close[1] && !of_space(close[1])) {
		r->errors++; /* text after the closing quote: word skipped */
		return of_ref_skip_word(close + 1);
	}
	*close = '\0';
	of_ref_set(r, key, p + 1);
	return close + 1;
}

/* One word at p (not white space); returns where the next may start. */
static char *of_ref_word(struct of_ref *r, char *p)
{
	char *name = p, *end;

	p += strcspn(p, " \t\n\r\v\f=\"");
	if (*p == '"' || p == name) {
		r->errors++; /* a quote in the name, or no name */
		return of_ref_skip_word(p);
	}
	if (*p != '=') {
		end = *p ? p + 1 : p;
		*p = '\0';
		of_ref_set(r, name, p);
		return end;
	}
	*p++ = '\0';
	if (*p == '"')
		return of_ref_quoted(r, name, p);
	end = of_ref_skip_word(p);
	of_ref_set(r, name, p);
	if (*end)
		*end++ = '\0';
	return end;
}

/*
 * The syntax of options.h, read again by a scanner of its own: words
 * separated by white space, `key`, `key=value` or `key="value"`, with the
 * malformed pieces options.h lists skipped and counted.
 */
static void of_reference(struct of_ref *r, const char *line, size_t len)
{
	size_t n = of_kept(line, len);
	char *p = r->text;

	memcpy(r->text, line, n);
	r->text[n] = '\0';
	r->count = 0;
	r->errors = len >= OPT_LINE_MAX;
	while (*p) {
		if (of_space(*p))
			p++;
		else
			p = of_ref_word(r, p);
	}
}

static void of_check_reference(const struct options *o, const char *line,
			       size_t len)
{
	static struct of_ref r;

	of_reference(&r, line, len);
	FZ_CHECK(o->count == r.count, "%d options, the reference has %d",
		 o->count, r.count);
	for (int i = 0; i < r.count; i++)
		FZ_CHECK(strcmp(opt_key(o, i), r.key[i]) == 0 &&
			     strcmp(opt_value(o, i), r.value[i]) == 0,
			 "option %d: %s=%s, the reference has %s=%s", i,
			 opt_key(o, i), opt_value(o, i), r.key[i], r.value[i]);
	FZ_CHECK(o->nerrors + o->errors_dropped == r.errors,
		 "%d errors (%d dropped), the reference has %d",
		 o->nerrors + o->errors_dropped, o->errors_dropped, r.errors);
}

/* The options written back as a line parse to the same list. */
static void of_round_trip(const struct options *o)
{
	static char line[4 * OPT_LINE_MAX];
	size_t n = 0;

	line[0] = '\0';
	for (int i = 0; i < o->count; i++) {
		const char *k = opt_key(o, i), *v = opt_value(o, i);
		const char *q = of_has_space(v) ? "\"" : "";

		n += (size_t)snprintf(line + n, sizeof line - n, "%s%s%s%s%s%s",
				      i ? " " : "", k, *v ? "=" : "", q, v, q);
	}
	if (n >= OPT_LINE_MAX)
		return; /* longer than the original: it may not fit */
	opt_parse(&of_again, line);
	FZ_CHECK(of_again.nerrors == 0, "'%s' written back: error '%s'", line,
		 of_again.errors[0]);
	of_same(o, &of_again, false);
}

/* -------------------------------------------------------------- getters -- */

/* A number as options.h reads one: decimal or 0x hex, up to UINT32_MAX. */
static bool of_ref_number(const char *s, const char **end, uint32_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *start;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (start = s;; s++) {
		const char *digits = "0123456789abcdef";
		char c = *s >= 'A' && *s <= 'F' ? (char)(*s + 32) : *s;
		const char *d = c ? strchr(digits, c) : NULL;

		if (!d || (unsigned)(d - digits) >= base)
			break;
		v = v * base + (unsigned)(d - digits);
		if (v > UINT32_MAX)
			return false;
	}
	*end = s;
	*out = (uint32_t)v;
	return s != start;
}

static bool of_caseeq(const char *a, const char *b)
{
	for (; *a || *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;

		if (x != y)
			return false;
	}
	return true;
}

/* The warning buffer of one call: a size, and its untruncated text. */
struct of_warn {
	char *buf; /* NULL, or exactly len bytes */
	size_t len;
	char big[OF_WARN_BIG];
};

static void of_warn_open(struct of_warn *w, struct fz *in)
{
	uint8_t sel = fz_u8(in);

	w->len = sel < 16 ? 0 : sel < 64 ? fz_below(in, 8) : fz_below(in, 160);
	w->buf = sel < 8 ? NULL : malloc(w->len ? w->len : 1);
	if (w->buf)
		memset(w->buf, 'Z', w->len ? w->len : 1);
}

/*
 * After the call: the small buffer holds a prefix of the big one's text,
 * NUL-terminated; nothing at all when its length is 0.  The big text is
 * empty exactly when no warning was due, and then opens as options.h
 * shows, "key=value: expects ..." ("key: expects ..." for a bare flag).
 */
static void of_warn_close(struct of_warn *w, const char *key, const char *value,
			  bool due)
{
	size_t n = strlen(w->big);
	char head[OF_WARN_BIG];

	FZ_CHECK((n > 0) == due, "warning '%s' (due: %d)", w->big, due);
	snprintf(head, sizeof head, "%s%s%s: expects ", key,
		 value && *value ? "=" : "", value ? value : "");
	FZ_CHECK(n == 0 || strncmp(w->big, head, strlen(head)) == 0,
		 "warning for '%s' reads '%s'", head, w->big);
	if (w->buf && w->len == 0)
		FZ_CHECK(w->buf[0] == 'Z', "a 0-byte warning buffer written");
	if (w->buf && w->len > 0) {
		size_t k = n < w->len - 1 ? n : w->len - 1;

		FZ_CHECK(memchr(w->buf, '\0', w->len) == w->buf + k &&
			     memcmp(w->buf, w->big, k) == 0,
			 "warning cut to %zu bytes: '%.*s', whole: '%s'",
			 w->len, (int)w->len, w->buf, w->big);
	}
	free(w->buf);
}

/* A key to ask about: a listed one, or a few bytes of input. */
static const char *of_pick_key(const struct options *o, struct fz *in,
			       char *own, size_t ownlen)
{
	uint8_t sel = fz_u8(in);
	size_t n = 0;

	if (o->count > 0 && sel < 200)
		return opt_key(o, sel % o->count);
	while (n + 1 < ownlen && fz_more(in)) {
		char c = (char)fz_u8(in);

		if (c == '\0')
			break;
		if (c != ' ')
			own[n++] = c;
	}
	own[n] = '\0';
	return own;
}

static void of_get_uint(const struct options *o, const char *key, struct fz *in)
{
	const char *s = opt_str(o, key), *end;
	uint32_t def = fz_u32(in), lo = fz_u8(in), hi = fz_u32(in), v, got;
	struct of_warn w;
	bool usable;

	if (fz_u8(in) % 2)
		hi %= 5000;
	usable = s && of_ref_number(s, &end, &v) && *end == '\0' && v >= lo &&
		 v <= hi;
	of_warn_open(&w, in);
	got = opt_uint(o, key, def, lo, hi, w.buf, w.len);
	FZ_CHECK(opt_uint(o, key, def, lo, hi, w.big, sizeof w.big) == got,
		 "opt_uint differs with another buffer");
	FZ_CHECK(got == (usable ? v : def), "%s: opt_uint %u", key, got);
	of_warn_close(&w, key, s, s && !usable);
}

static void of_get_bool(const struct options *o, const char *key, struct fz *in)
{
	static const char *const words[] = {"1",   "0",	 "on",	 "off",
					    "yes", "no", "true", "false"};
	const char *s = opt_str(o, key);
	bool def = fz_u8(in) % 2, want = def, got, due = false;
	struct of_warn w;
	int i = 0;

	if (s && !*s)
		want = true;
	else if (s) {
		while (i < 8 && !of_caseeq(s, words[i]))
			i++;
		want = i < 8 ? i % 2 == 0 : def;
		due = i == 8;
	}
	of_warn_open(&w, in);
	got = opt_bool(o, key, def, w.buf, w.len);
	FZ_CHECK(opt_bool(o, key, def, w.big, sizeof w.big) == got,
		 "opt_bool differs with another buffer");
	FZ_CHECK(got == want, "%s: opt_bool %d, want %d", key, got, want);
	of_warn_close(&w, key, s, due);
}

static void of_get_choice(const struct options *o, const char *key,
			  struct fz *in)
{
	const char *s = opt_str(o, key);
	const char *choices[6] = {"first", "NEXT", "best",
				  "",	   "on",   s ? s : "x"};
	int n = (int)fz_below(in, 7), def = (int)fz_below(in, 10) - 2;
	int found = -1, got;
	struct of_warn w;

	for (int i = n - 1; s && i >= 0; i--)
		if (of_caseeq(s, choices[i]))
			found = i;
	of_warn_open(&w, in);
	got = opt_choice(o, key, choices, n, def, w.buf, w.len);
	FZ_CHECK(opt_choice(o, key, choices, n, def, w.big, sizeof w.big) ==
		     got,
		 "opt_choice differs with another buffer");
	FZ_CHECK(got == (found >= 0 ? found : def),
		 "%s: opt_choice %d, found %d, default %d", key, got, found,
		 def);
	of_warn_close(&w, key, s, s && found < 0);
}

/* The reference list reading: count, or -1 if anything is wrong. */
static int of_ref_list(const char *s, uint32_t *out, int max, uint32_t lo,
		       uint32_t hi)
{
	int n = 0;
	uint32_t v;

	for (;;) {
		if (!of_ref_number(s, &s, &v) || v < lo || v > hi || n == max)
			return -1;
		out[n++] = v;
		if (*s == '\0')
			return n;
		if (*s++ != ',')
			return -1;
	}
}

static void of_get_list(const struct options *o, const char *key, struct fz *in)
{
	int max = (int)fz_below(in, 9), want, got;
	uint32_t lo = fz_u8(in), hi = fz_u8(in) < 128 ? fz_u16(in) : fz_u32(in);
	uint32_t ref[OPT_LINE_MAX], out[10];
	const char *s = opt_str(o, key);
	struct of_warn w;

	want = s ? of_ref_list(s, ref, max, lo, hi) : 0;
	memset(out, 0xA5, sizeof out);
	of_warn_open(&w, in);
	got = opt_uint_list(o, key, out, max, lo, hi, w.buf, w.len);
	FZ_CHECK(got == want, "%s: opt_uint_list %d, want %d", key, got, want);
	for (int i = 0; i < 10; i++)
		FZ_CHECK(i < got ? out[i] == ref[i] : out[i] == 0xA5A5A5A5u,
			 "%s: opt_uint_list slot %d is %#x", key, i, out[i]);
	memset(out, 0xA5, sizeof out);
	opt_uint_list(o, key, out, max, lo, hi, w.big, sizeof w.big);
	of_warn_close(&w, key, s, want < 0);
}

static void of_getters(const struct options *o, struct fz *in)
{
	char own[24];

	while (fz_more(in)) {
		uint8_t op = fz_u8(in);
		const char *key = of_pick_key(o, in, own, sizeof own);

		switch (op % 4) {
		case 0:
			of_get_uint(o, key, in);
			break;
		case 1:
			of_get_bool(o, key, in);
			break;
		case 2:
			of_get_choice(o, key, in);
			break;
		default:
			of_get_list(o, key, in);
			break;
		}
	}
}

static int fuzz_options(const uint8_t *data, size_t size)
{
	static char line[OF_LINE_MAX + 1];
	struct fz in = fz_init(data, size);
	size_t len = of_read_line(&in, line);

	FZ_CHECK(opt_parse(&of_o, line) == of_o.count, "parse result");
	of_check_shape(&of_o, len);
	of_check_reference(&of_o, line, len);
	of_round_trip(&of_o);
	memcpy(&of_copy, &of_o, sizeof of_copy);
	memset(&of_o, 0x5A, sizeof of_o);
	of_check_shape(&of_copy, len);
	opt_parse(&of_o, line);
	of_same(&of_o, &of_copy, true);
	if (len == 0)
		FZ_CHECK(opt_parse(&of_again, NULL) == 0, "a NULL line");
	of_getters(&of_copy, &in);
	return 0;
}

FUZZ_ENTRY(options, fuzz_options)
