/*
 * Fuzz target: lib/fmt's fmt_snprintf against the host C library's
 * snprintf.
 *
 * The input describes a format of literal text and conversions, with the
 * arguments, and a buffer size.  Only what both define identically is
 * generated: the conversions, flags, widths (digits or *), precisions
 * (digits or *) and length modifiers that fmt.h documents, each where C
 * gives it a meaning ('#' only with x and X, '0' only with numbers, no
 * precision on %c, length modifiers only on integers).  fmt.h's three
 * deliberate differences are compared through a rewritten C format:
 *   %p            is the string "0x" + every hex digit of the pointer,
 *                 printed with the same width and '-' flag;
 *   a NULL %s     is the string "(null)", with the same precision;
 *   an unknown or unfinished conversion (%q, a lone % at the end) is its
 *                 own text, so C's format gets it with the '%' doubled.
 * Both calls must return the same length and produce the same bytes; then
 * fmt_snprintf into a buffer of the chosen size (exactly that many bytes,
 * or NULL for size 0) must return the same length and store the first
 * size - 1 bytes and a NUL, and nothing past them.
 *
 * Arguments are passed with the exact type each conversion reads (int,
 * unsigned, long, unsigned long, long long, unsigned long long, char *,
 * void *): a call for every sequence of up to FF_MAX_ARGS types is spelt
 * out below by the FF_LIST macros, so no argument is ever read as a type it
 * was not passed as.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lib/fmt.h"
#include "tests/fuzz/fuzz.h"

/* What z, t and j read on this host, so that the right type is passed. */
_Static_assert(_Generic((size_t)0, unsigned long : 1, default : 0),
	       "size_t is unsigned long");
_Static_assert(_Generic((ptrdiff_t)0, long : 1, default : 0),
	       "ptrdiff_t is long");
_Static_assert(_Generic((intmax_t)0, long : 1, default : 0),
	       "intmax_t is long");
_Static_assert(_Generic((uintmax_t)0, unsigned long : 1, default : 0),
	       "uintmax_t is unsigned long");

#define FF_MAX_ARGS   3
#define FF_MAX_PIECES 8
#define FF_FMT_MAX    512
#define FF_OUT_MAX    8192
#define FF_WIDTH_MAX  300 /* keeps outputs short */
#define FF_STR_MAX    48

enum ff_type {
	FF_INT,
	FF_UINT,
	FF_LONG,
	FF_ULONG,
	FF_LLONG,
	FF_ULLONG,
	FF_STR,
	FF_PTR
};

union ff_val {
	int i;
	unsigned u;
	long l;
	unsigned long ul;
	long long ll;
	unsigned long long ull;
	const char *s;
	void *p;
};

struct ff_arg {
	enum ff_type type;
	union ff_val v;
};

/* One side of the comparison: a format and its arguments. */
struct ff_side {
	char fmt[FF_FMT_MAX];
	size_t len;
	struct ff_arg arg[FF_MAX_ARGS];
	int nargs;
};

struct ff_case {
	struct ff_side k, c; /* keel's fmt, the C library */
	bool full;	     /* no room for another conversion */
	char str[FF_MAX_PIECES][FF_STR_MAX];
	char ptr[FF_MAX_PIECES][24];
	int npieces;
};

typedef int (*ff_fn)(char *buf, size_t size, const char *fmt, ...);

/* ------------------------------------------------------- the calls -- */

/*
 * FF_LIST_A/B/C each list the eight types as (number, union field); three
 * copies, so the macros can nest.  A call passes a[k].v.FIELD, whose type
 * is the type number's.
 */
/* clang-format off */
#define FF_LIST_A(X)                                                           \
	X(0, i) X(1, u) X(2, l) X(3, ul) X(4, ll) X(5, ull) X(6, s) X(7, p)
#define FF_LIST_B(X, ...)                                                      \
	X(__VA_ARGS__, 0, i) X(__VA_ARGS__, 1, u)                              \
	X(__VA_ARGS__, 2, l) X(__VA_ARGS__, 3, ul)                             \
	X(__VA_ARGS__, 4, ll) X(__VA_ARGS__, 5, ull)                           \
	X(__VA_ARGS__, 6, s) X(__VA_ARGS__, 7, p)
#define FF_LIST_C(X, ...)                                                      \
	X(__VA_ARGS__, 0, i) X(__VA_ARGS__, 1, u)                              \
	X(__VA_ARGS__, 2, l) X(__VA_ARGS__, 3, ul)                             \
	X(__VA_ARGS__, 4, ll) X(__VA_ARGS__, 5, ull)                           \
	X(__VA_ARGS__, 6, s) X(__VA_ARGS__, 7, p)
/* clang-format on */

/* t0.. are case labels and f0.. member names: neither can be bracketed. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define FF_CASE1(t0, f0)                                                       \
	case t0:                                                               \
		return fn(b, n, f, a[0].v.f0);
#define FF_CASE2(t0, f0, t1, f1)                                               \
	case t0 * 8 + t1:                                                      \
		return fn(b, n, f, a[0].v.f0, a[1].v.f1);
#define FF_CASE3(t0, f0, t1, f1, t2, f2)                                       \
	case t0 * 64 + t1 * 8 + t2:                                            \
		return fn(b, n, f, a[0].v.f0, a[1].v.f1, a[2].v.f2);
#define FF_NEST2(t0, f0)	  FF_LIST_B(FF_CASE2, t0, f0)
#define FF_NEST3B(t0, f0, t1, f1) FF_LIST_C(FF_CASE3, t0, f0, t1, f1)
#define FF_NEST3(t0, f0)	  FF_LIST_B(FF_NEST3B, t0, f0)
/* NOLINTEND(bugprone-macro-parentheses) */

static int ff_call1(ff_fn fn, char *b, size_t n, const char *f,
		    const struct ff_arg *a)
{
	switch (a[0].type) {
		FF_LIST_A(FF_CASE1)
	}
	abort();
}

static int ff_call2(ff_fn fn, char *b, size_t n, const char *f,
		    const struct ff_arg *a)
{
	switch (a[0].type * 8 + a[1].type) {
		FF_LIST_A(FF_NEST2)
	}
	abort();
}

static int ff_call3(ff_fn fn, char *b, size_t n, const char *f,
		    const struct ff_arg *a)
{
	switch (a[0].type * 64 + a[1].type * 8 + a[2].type) {
		FF_LIST_A(FF_NEST3)
	}
	abort();
}

static int ff_call(ff_fn fn, char *b, size_t n, const struct ff_side *s)
{
	switch (s->nargs) {
	case 0:
		return fn(b, n, s->fmt);
	case 1:
		return ff_call1(fn, b, n, s->fmt, s->arg);
	case 2:
		return ff_call2(fn, b, n, s->fmt, s->arg);
	default:
		return ff_call3(fn, b, n, s->fmt, s->arg);
	}
}

/* ------------------------------------------------- building a format -- */

static void ff_put(struct ff_side *s, const char *text, size_t n)
{
	if (s->len + n < FF_FMT_MAX) {
		memcpy(s->fmt + s->len, text, n);
		s->len += n;
		s->fmt[s->len] = '\0';
	}
}

static void ff_puts(struct ff_side *s, const char *text)
{
	ff_put(s, text, strlen(text));
}

static void ff_push(struct ff_side *s, enum ff_type t, union ff_val v)
{
	s->arg[s->nargs].type = t;
	s->arg[s->nargs].v = v;
	s->nargs++;
}

/* Literal text: any bytes but '%' and NUL, the same on both sides. */
static void ff_literal(struct ff_case *fc, struct fz *in)
{
	uint32_t n = fz_below(in, 12);

	for (uint32_t i = 0; i < n; i++) {
		char ch = (char)fz_u8(in);

		if (ch == '%' || ch == '\0')
			ch = 'a' + (char)(i % 26);
		ff_put(&fc->k, &ch, 1);
		ff_put(&fc->c, &ch, 1);
	}
}

/* An integer worth printing: small, a limit, or any 32 or 64 bits. */
static unsigned long long ff_number(struct fz *in)
{
	static const unsigned long long special[] = {
	    0,
	    1,
	    (unsigned long long)-1,
	    0x7fffffff,
	    0x80000000,
	    0xffffffff,
	    0x7fffffffffffffffull,
	    0x8000000000000000ull,
	    127,
	    128,
	    255,
	    256,
	    32767,
	    32768,
	    65535,
	    65536,
	    1000000000,
	    10000000000000000000ull,
	    0xdeadbeef,
	};
	uint8_t sel = fz_u8(in);

	if (sel < 64)
		return (unsigned long long)(long long)(int8_t)fz_u8(in);
	if (sel < 128)
		return special[fz_below(in, sizeof special / sizeof *special)];
	if (sel < 192)
		return fz_u32(in);
	return fz_u64(in);
}

/* A string argument: NULL, empty, a fixed word or bytes of the input. */
static const char *ff_string(struct fz *in, char *store)
{
	static const char *const words[] = {
	    "", "a", "hello", "(null)", "%d %s", "0123456789abcdef"};
	uint8_t sel = fz_u8(in);
	uint32_t n;

	if (sel < 24)
		return NULL;
	if (sel < 128)
		return words[sel % 6];
	n = fz_below(in, FF_STR_MAX);
	for (uint32_t i = 0; i < n; i++)
		store[i] = (char)fz_u8(in);
	store[n] = '\0';
	return store;
}

/* The conversion's flags: text for fmt and, through *cflags, for C. */
struct ff_spec {
	char conv;
	char flags[8], cflags[8];
	bool left;
	int width;	  /* -1: none; -2: '*' */
	int prec;	  /* -1: none; -2: '*' */
	char digits[16];  /* width as written */
	char pdigits[16]; /* precision as written, with its '.' */
	const char *len;  /* length modifier */
};

static void ff_flags(struct ff_spec *sp, struct fz *in)
{
	const char *allowed = "-+ ";
	uint32_t n = fz_below(in, 4), k = 0, ck = 0;

	if (strchr("diuxX", sp->conv))
		allowed = strchr("xX", sp->conv) ? "-+ 0#" : "-+ 0";
	if (sp->conv == 'p')
		allowed = "-+ 0#";
	for (uint32_t i = 0; i < n; i++) {
		char f = allowed[fz_below(in, (uint32_t)strlen(allowed))];

		sp->flags[k++] = f;
		sp->left |= f == '-';
		if (sp->conv != 'p' || f == '-')
			sp->cflags[ck++] = f;
	}
	sp->flags[k] = sp->cflags[ck] = '\0';
}

/* Width and precision: none, digits, or '*' (an int argument). */
static void ff_width_prec(struct ff_spec *sp, struct fz *in)
{
	uint8_t w = fz_u8(in), p = fz_u8(in);

	sp->width = w < 96 ? -1 : w < 200 ? 1 + (int)fz_below(in, 300) : -2;
	if (sp->width > 0)
		snprintf(sp->digits, sizeof sp->digits, "%d", sp->width);
	sp->prec = sp->conv == 'c' || p < 96 ? -1 : p < 200 ? 0 : -2;
	if (sp->prec == 0) {
		uint8_t form = fz_u8(in);
		int v = (int)fz_below(in, 300);

		if (form < 32)
			strcpy(sp->pdigits, ".");
		else
			snprintf(sp->pdigits, sizeof sp->pdigits,
				 form < 64 ? ".00%d" : ".%d", v);
	}
}

static void ff_length(struct ff_spec *sp, struct fz *in)
{
	static const char *const mods[] = {"",	"",   "",  "hh", "h",
					   "l", "ll", "j", "z",	 "t"};

	sp->len = strchr("diuxX", sp->conv) ? mods[fz_below(in, 10)] : "";
}

/* The type an integer conversion reads, by its length modifier. */
static enum ff_type ff_int_type(const struct ff_spec *sp)
{
	bool sig = sp->conv == 'd' || sp->conv == 'i';
	const char *m = sp->len;

	if (!strcmp(m, "ll"))
		return sig ? FF_LLONG : FF_ULLONG;
	if (!strcmp(m, "l") || !strcmp(m, "j") || !strcmp(m, "z") ||
	    !strcmp(m, "t"))
		return sig ? FF_LONG : FF_ULONG;
	return sig ? FF_INT : FF_UINT;
}

static union ff_val ff_typed(enum ff_type t, unsigned long long raw)
{
	union ff_val v;

	switch (t) {
	case FF_INT:
		v.i = (int)raw;
		break;
	case FF_UINT:
		v.u = (unsigned)raw;
		break;
	case FF_LONG:
		v.l = (long)raw;
		break;
	case FF_ULONG:
		v.ul = (unsigned long)raw;
		break;
	case FF_LLONG:
		v.ll = (long long)raw;
		break;
	case FF_ULLONG:
		v.ull = raw;
		break;
	default:
		v.p = (void *)(uintptr_t)raw;
		break;
	}
	return v;
}

/* A '*' argument: a width or precision, negative ones included. */
static int ff_star(struct fz *in, bool prec)
{
	uint8_t sel = fz_u8(in);

	if (prec && sel < 8)
		return sel % 2 ? -2147483647 - 1 : -1;
	return (int)fz_below(in, 2 * FF_WIDTH_MAX + 1) - FF_WIDTH_MAX;
}

/* The spec text up to the conversion character, for one side. */
static void ff_spec_text(struct ff_side *s, const struct ff_spec *sp,
			 bool c_side)
{
	ff_puts(s, "%");
	ff_puts(s, c_side ? sp->cflags : sp->flags);
	ff_puts(s, sp->width == -2 ? "*" : sp->digits);
	if (!c_side || sp->conv != 'p')
		ff_puts(s, sp->prec == -2 ? ".*" : sp->pdigits);
	ff_puts(s, sp->len);
}

/* The '*' arguments, on both sides (C's %p rewrite drops the precision). */
static void ff_stars(struct ff_case *fc, const struct ff_spec *sp,
		     struct fz *in)
{
	union ff_val v;

	if (sp->width == -2) {
		v.i = ff_star(in, false);
		ff_push(&fc->k, FF_INT, v);
		ff_push(&fc->c, FF_INT, v);
	}
	if (sp->prec == -2) {
		v.i = ff_star(in, true);
		ff_push(&fc->k, FF_INT, v);
		if (sp->conv != 'p')
			ff_push(&fc->c, FF_INT, v);
	}
}

/* The value argument, and C's rewrite of %p and a NULL %s. */
static void ff_value(struct ff_case *fc, const struct ff_spec *sp,
		     struct fz *in)
{
	char *store = fc->str[fc->npieces], *ptext = fc->ptr[fc->npieces];
	union ff_val v, cv;
	enum ff_type t;

	if (sp->conv == 's') {
		v.s = ff_string(in, store);
		cv.s = v.s ? v.s : "(null)";
		ff_push(&fc->k, FF_STR, v);
		ff_push(&fc->c, FF_STR, cv);
		return;
	}
	if (sp->conv == 'p') {
		v.p = (void *)(uintptr_t)ff_number(in);
		snprintf(ptext, 24, "0x%0*lx", (int)(2 * sizeof(void *)),
			 (unsigned long)(uintptr_t)v.p);
		cv.s = ptext;
		ff_push(&fc->k, FF_PTR, v);
		ff_push(&fc->c, FF_STR, cv);
		return;
	}
	t = sp->conv == 'c' ? FF_INT : ff_int_type(sp);
	v = ff_typed(t, ff_number(in));
	ff_push(&fc->k, t, v);
	ff_push(&fc->c, t, v);
}

/* Arguments a conversion takes on keel's side. */
static int ff_nargs(const struct ff_spec *sp)
{
	return 1 + (sp->width == -2) + (sp->prec == -2);
}

static void ff_conversion(struct ff_case *fc, struct fz *in)
{
	static const char convs[] = "diuxXcsp";
	struct ff_spec sp = {.conv = convs[fz_below(in, 8)]};

	ff_flags(&sp, in);
	ff_width_prec(&sp, in);
	ff_length(&sp, in);
	if (fc->k.nargs + ff_nargs(&sp) > FF_MAX_ARGS) {
		fc->full = true;
		return;
	}
	ff_spec_text(&fc->k, &sp, false);
	ff_spec_text(&fc->c, &sp, true);
	ff_stars(fc, &sp, in);
	ff_value(fc, &sp, in);
	ff_put(&fc->k, &sp.conv, 1);
	if (sp.conv == 'p')
		ff_puts(&fc->c, "s");
	else
		ff_put(&fc->c, &sp.conv, 1);
}

/*
 * A conversion fmt does not know (or, at the end, an unfinished one): fmt
 * prints its text, so C gets the same text with '%' doubled.  Its '*'
 * arguments are still taken by fmt, and by C not at all.
 */
static void ff_unknown(struct ff_case *fc, struct fz *in, bool last)
{
	static const char bad[] = "qykwEGRfonaA!{L";
	struct ff_spec sp = {
	    .conv = last && fz_u8(in) < 128 ? '\0' : bad[fz_below(in, 15)]};
	size_t start = fc->k.len;

	ff_flags(&sp, in);
	ff_width_prec(&sp, in);
	ff_length(&sp, in);
	if (fc->k.nargs + ff_nargs(&sp) - 1 > FF_MAX_ARGS) {
		fc->full = true;
		return;
	}
	ff_spec_text(&fc->k, &sp, false);
	ff_put(&fc->k, &sp.conv, sp.conv ? 1 : 0);
	ff_puts(&fc->c, "%%");
	ff_put(&fc->c, fc->k.fmt + start + 1, fc->k.len - start - 1);
	if (sp.width == -2)
		ff_push(&fc->k, FF_INT,
			(union ff_val){.i = ff_star(in, false)});
	if (sp.prec == -2)
		ff_push(&fc->k, FF_INT, (union ff_val){.i = ff_star(in, true)});
}

static void ff_build(struct ff_case *fc, struct fz *in)
{
	uint32_t pieces = 1 + fz_below(in, FF_MAX_PIECES);

	for (uint32_t i = 0; i < pieces && !fc->full; i++) {
		uint8_t kind = fz_u8(in);

		fc->npieces = (int)i;
		if (kind < 48) {
			ff_literal(fc, in);
		} else if (kind < 56) {
			ff_puts(&fc->k, "%%");
			ff_puts(&fc->c, "%%");
		} else if (kind < 64) {
			ff_unknown(fc, in, i + 1 == pieces);
			if (fc->k.len && fc->k.fmt[fc->k.len - 1] == '%')
				break; /* nothing may follow a lone '%' */
		} else {
			ff_conversion(fc, in);
		}
	}
}

/* ---------------------------------------------------------- checking -- */

static int ff_keel(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void ff_check_cut(const struct ff_case *fc, const char *whole, int n,
			 size_t size)
{
	char *buf = size ? malloc(size) : NULL;
	size_t keep = size ? ((size_t)n < size - 1 ? (size_t)n : size - 1) : 0;
	int got;

	got = ff_call((ff_fn)fmt_snprintf, buf, size, &fc->k);
	FZ_CHECK(got == n, "'%s' into %zu bytes: returned %d, not %d",
		 fc->k.fmt, size, got, n);
	if (buf) {
		FZ_CHECK(memcmp(buf, whole, keep) == 0 && buf[keep] == '\0',
			 "'%s' into %zu bytes: not the first %zu bytes and NUL",
			 fc->k.fmt, size, keep);
		free(buf);
	}
}

static int fuzz_fmt(const uint8_t *data, size_t size)
{
	static struct ff_case fc;
	static char kout[FF_OUT_MAX], cout[FF_OUT_MAX];
	struct fz in = fz_init(data, size);
	int kn, cn;

	memset(&fc, 0, sizeof fc);
	ff_build(&fc, &in);
	kn = ff_call(ff_keel, kout, sizeof kout, &fc.k);
	cn = ff_call(snprintf, cout, sizeof cout, &fc.c);
	FZ_CHECK(kn == cn && kn >= 0 && kn < FF_OUT_MAX,
		 "'%s' (C: '%s'): length %d, C says %d", fc.k.fmt, fc.c.fmt, kn,
		 cn);
	FZ_CHECK(memcmp(kout, cout, (size_t)kn + 1) == 0,
		 "'%s' (C: '%s'):\n  keel '%s'\n  C    '%s'", fc.k.fmt,
		 fc.c.fmt, kout, cout);
	ff_check_cut(&fc, kout, kn, fz_below(&in, (uint32_t)kn + 3));
	ff_check_cut(&fc, kout, kn, 0);
	return 0;
}

FUZZ_ENTRY(fmt, fuzz_fmt)
