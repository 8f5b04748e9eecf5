/*
 * fmt: the printf formatting engine.  See fmt.h for what it guarantees.
 *
 * Each conversion goes through three steps: fmt_parse_spec() reads the
 * flags, width, precision and length into a struct fmt_spec; fmt_convert()
 * fetches the argument and turns it into a sign/prefix, a run of digits or
 * a string; fmt_emit() lays those out in the field (padding on the left or
 * the right, zeros after the sign).  Arguments are read through a pointer to
 * a va_list copy, because va_list is an array type on x86-64 and cannot be
 * passed on by value and then used again.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/fmt.h"

/* The size of the argument a length modifier asks for. */
enum fmt_len {
	FMT_LEN_INT,
	FMT_LEN_CHAR,  /* hh */
	FMT_LEN_SHORT, /* h */
	FMT_LEN_LONG,  /* l */
	FMT_LEN_LLONG, /* ll and j: intmax_t is long long on both targets */
	FMT_LEN_SIZE,  /* z and t: size_t and ptrdiff_t have the same width */
};

/* What one conversion specification asked for. */
struct fmt_spec {
	bool left;  /* '-': pad on the right instead of the left */
	bool zero;  /* '0': pad numbers with zeros between sign and digits */
	bool plus;  /* '+': signed conversions always show a sign */
	bool space; /* ' ': a space where a '+' would go */
	bool alt;   /* '#': 0x or 0X before non-zero hex */
	int width;  /* minimum field width, 0 if none */
	int prec;   /* precision, -1 if none */
	enum fmt_len len;
	char conv; /* the conversion character; '\0' if the format ended */
};

/* Where characters go, and how many have gone. */
struct fmt_out {
	fmt_put_fn put;
	void *ctx;
	size_t count;
};

/* A formatted field before padding: sign or prefix, then digits or text. */
struct fmt_field {
	char prefix[2];
	size_t nprefix;
	const char *body;
	size_t nbody;
	size_t zeros; /* zeros between prefix and body (integer precision) */
	bool numeric; /* the '0' flag applies */
};

/* Widths and precisions stop growing here, so parsing cannot overflow. */
#define FMT_NUM_MAX 0x7fffffff

/* A 64-bit value has at most 20 decimal digits. */
#define FMT_DIGITS_MAX 24

static void fmt_putc(struct fmt_out *o, char c)
{
	o->put(c, o->ctx);
	o->count++;
}

static void fmt_write(struct fmt_out *o, const char *s, size_t n)
{
	while (n--)
		fmt_putc(o, *s++);
}

static void fmt_pad(struct fmt_out *o, char c, size_t n)
{
	while (n--)
		fmt_putc(o, c);
}

static bool fmt_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads a run of decimal digits, saturating at FMT_NUM_MAX. */
static const char *fmt_parse_num(const char *f, int *out)
{
	int n = 0;

	while (fmt_isdigit(*f)) {
		int d = *f++ - '0';
		n = n > (FMT_NUM_MAX - d) / 10 ? FMT_NUM_MAX : n * 10 + d;
	}
	*out = n;
	return f;
}

static const char *fmt_parse_flags(const char *f, struct fmt_spec *s)
{
	for (;; f++) {
		switch (*f) {
		case '-':
			s->left = true;
			break;
		case '0':
			s->zero = true;
			break;
		case '+':
			s->plus = true;
			break;
		case ' ':
			s->space = true;
			break;
		case '#':
			s->alt = true;
			break;
		default:
			return f;
		}
	}
}

/*
 * A width from '*' may be negative, which C reads as the '-' flag and the
 * absolute value; INT_MIN has no absolute value, so it saturates.
 */
static const char *fmt_parse_width(const char *f, struct fmt_spec *s,
				   va_list *ap)
{
	int w;

	if (*f != '*')
		return fmt_parse_num(f, &s->width);
	w = va_arg(*ap, int);
	if (w < 0) {
		s->left = true;
		w = w < -FMT_NUM_MAX ? FMT_NUM_MAX : -w;
	}
	s->width = w;
	return f + 1;
}

/* A lone '.' means precision 0; a negative '*' means no precision at all. */
static const char *fmt_parse_prec(const char *f, struct fmt_spec *s,
				  va_list *ap)
{
	if (*f != '.')
		return f;
	f++;
	if (*f != '*')
		return fmt_parse_num(f, &s->prec);
	s->prec = va_arg(*ap, int);
	if (s->prec < 0)
		s->prec = -1;
	return f + 1;
}

static const char *fmt_parse_len(const char *f, struct fmt_spec *s)
{
	switch (*f) {
	case 'h':
		if (f[1] == 'h') {
			s->len = FMT_LEN_CHAR;
			return f + 2;
		}
		s->len = FMT_LEN_SHORT;
		return f + 1;
	case 'l':
		if (f[1] == 'l') {
			s->len = FMT_LEN_LLONG;
			return f + 2;
		}
		s->len = FMT_LEN_LONG;
		return f + 1;
	case 'j':
		s->len = FMT_LEN_LLONG;
		return f + 1;
	case 'z':
	case 't':
		s->len = FMT_LEN_SIZE;
		return f + 1;
	default:
		return f;
	}
}

/*
 * Parses the specification after a '%'; returns where the next literal text
 * starts.  At the end of the format it stops on the NUL with conv = '\0',
 * which fmt_convert() treats as an unknown conversion.
 */
static const char *fmt_parse_spec(const char *f, struct fmt_spec *s,
				  va_list *ap)
{
	*s = (struct fmt_spec){.prec = -1, .len = FMT_LEN_INT};
	f = fmt_parse_flags(f, s);
	f = fmt_parse_width(f, s, ap);
	f = fmt_parse_prec(f, s, ap);
	f = fmt_parse_len(f, s);
	s->conv = *f;
	return *f ? f + 1 : f;
}

/* On i386, long and int (and size_t and unsigned) are the same size, so
 * some branches compile alike there; they differ on the 64-bit host. */
/* NOLINTBEGIN(bugprone-branch-clone) */
static int64_t fmt_arg_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case FMT_LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case FMT_LEN_SHORT:
		return (short)va_arg(*ap, int);
	case FMT_LEN_LONG:
		return va_arg(*ap, long);
	case FMT_LEN_LLONG:
		return va_arg(*ap, long long);
	case FMT_LEN_SIZE:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t fmt_arg_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case FMT_LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case FMT_LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case FMT_LEN_LONG:
		return va_arg(*ap, unsigned long);
	case FMT_LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case FMT_LEN_SIZE:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}
/* NOLINTEND(bugprone-branch-clone) */

/*
 * Writes the digits of v into the end of buf[FMT_DIGITS_MAX] and returns
 * where they start.  Most values fit in 32 bits, and a 32-bit division is a
 * single instruction on the i486 where a 64-bit one is a libgcc call, so the
 * loop drops to 32 bits as soon as it can.
 */
static char *fmt_digits(char *buf, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	/* One past the end is a valid pointer: digits are written backwards. */
	/* cppcheck-suppress ctuPointerArith */
	char *p = buf + FMT_DIGITS_MAX;
	uint32_t w;

	while (v > UINT32_MAX) {
		*--p = digits[v % base];
		v /= base;
	}
	w = (uint32_t)v;
	do {
		*--p = digits[w % base];
		w /= base;
	} while (w);
	return p;
}

/*
 * Lays out a field: spaces, prefix, zeros, body, or with '-' the spaces
 * last.  The '0' flag turns the left spaces into zeros after the prefix, as
 * C says, but only for numbers without a precision.
 */
static void fmt_emit(struct fmt_out *o, const struct fmt_spec *s,
		     struct fmt_field *f)
{
	size_t len = f->nprefix + f->zeros + f->nbody;
	size_t pad = (size_t)s->width > len ? (size_t)s->width - len : 0;

	if (f->numeric && s->zero && !s->left && s->prec < 0) {
		f->zeros += pad;
		pad = 0;
	}
	if (!s->left)
		fmt_pad(o, ' ', pad);
	fmt_write(o, f->prefix, f->nprefix);
	fmt_pad(o, '0', f->zeros);
	fmt_write(o, f->body, f->nbody);
	if (s->left)
		fmt_pad(o, ' ', pad);
}

/* The sign of a signed conversion, or the 0x of a hex one, if any. */
static void fmt_set_prefix(struct fmt_field *f, const struct fmt_spec *s,
			   uint64_t mag, bool neg)
{
	bool is_signed = s->conv == 'd' || s->conv == 'i';
	bool is_hex = s->conv == 'x' || s->conv == 'X' || s->conv == 'p';

	if (neg)
		f->prefix[f->nprefix++] = '-';
	else if (is_signed && (s->plus || s->space))
		f->prefix[f->nprefix++] = s->plus ? '+' : ' ';
	if (is_hex && (s->conv == 'p' || (s->alt && mag != 0))) {
		f->prefix[0] = '0';
		f->prefix[1] = s->conv == 'X' ? 'X' : 'x';
		f->nprefix = 2;
	}
}

/*
 * An integer conversion of the magnitude mag.  The precision is the least
 * number of digits; precision 0 prints the value 0 as no digits at all.
 */
static void fmt_integer(struct fmt_out *o, const struct fmt_spec *s,
			uint64_t mag, bool neg)
{
	char buf[FMT_DIGITS_MAX];
	struct fmt_field f = {.numeric = true};
	unsigned base =
	    s->conv == 'd' || s->conv == 'i' || s->conv == 'u' ? 10 : 16;

	fmt_set_prefix(&f, s, mag, neg);
	if (s->prec != 0 || mag != 0) {
		f.body = fmt_digits(buf, mag, base, s->conv == 'X');
		f.nbody = (size_t)(buf + FMT_DIGITS_MAX - f.body);
	}
	if (s->prec > 0 && (size_t)s->prec > f.nbody)
		f.zeros = (size_t)s->prec - f.nbody;
	fmt_emit(o, s, &f);
}

/* Negating in unsigned arithmetic gives INT64_MIN its magnitude too. */
static void fmt_signed(struct fmt_out *o, const struct fmt_spec *s, va_list *ap)
{
	int64_t v = fmt_arg_signed(ap, s->len);
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	fmt_integer(o, s, mag, v < 0);
}

/* %p: all the digits of the pointer, whatever the flags say. */
static void fmt_pointer(struct fmt_out *o, const struct fmt_spec *s,
			va_list *ap)
{
	struct fmt_spec ps = *s;

	ps.prec = (int)(2 * sizeof(void *));
	fmt_integer(o, &ps, (uintptr_t)va_arg(*ap, void *), false);
}

/* A precision on %s limits how far the string is read, not just printed. */
static void fmt_string(struct fmt_out *o, const struct fmt_spec *s,
		       const char *str)
{
	struct fmt_field f = {.body = str ? str : "(null)"};

	while ((s->prec < 0 || f.nbody < (size_t)s->prec) && f.body[f.nbody])
		f.nbody++;
	fmt_emit(o, s, &f);
}

static void fmt_char(struct fmt_out *o, const struct fmt_spec *s, char c)
{
	struct fmt_field f = {.body = &c, .nbody = 1};

	fmt_emit(o, s, &f);
}

/* Formats one argument; false if the conversion is not one we know. */
static bool fmt_convert(struct fmt_out *o, const struct fmt_spec *s,
			va_list *ap)
{
	switch (s->conv) {
	case 'd':
	case 'i':
		fmt_signed(o, s, ap);
		return true;
	case 'u':
	case 'x':
	case 'X':
		fmt_integer(o, s, fmt_arg_unsigned(ap, s->len), false);
		return true;
	case 'p':
		fmt_pointer(o, s, ap);
		return true;
	case 's':
		fmt_string(o, s, va_arg(*ap, const char *));
		return true;
	case 'c':
		fmt_char(o, s, (char)va_arg(*ap, int));
		return true;
	case '%':
		fmt_putc(o, '%');
		return true;
	default:
		return false;
	}
}

int fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = {put, ctx, 0};
	struct fmt_spec spec;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			fmt_putc(&o, *fmt++);
			continue;
		}
		fmt = fmt_parse_spec(fmt + 1, &spec, &args);
		if (!fmt_convert(&o, &spec, &args))
			fmt_write(&o, start, (size_t)(fmt - start));
	}
	va_end(args);
	return o.count > FMT_NUM_MAX ? FMT_NUM_MAX : (int)o.count;
}

/* The fmt_vsnprintf() sink: stores what fits, counts everything. */
struct fmt_buf {
	char *buf;
	size_t size;
	size_t len;
};

static void fmt_buf_put(char c, void *ctx)
{
	struct fmt_buf *b = ctx;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = {buf, size, 0};
	int n = fmt_vformat(fmt_buf_put, &b, fmt, ap);

	if (size > 0)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

bool fmt_vfail(char *buf, size_t size, const char *prefix, const char *fmt,
	       va_list ap)
{
	size_t n = 0;
	if (!buf)
		return false;
	while (prefix[n])
		n++;
	if (size <= n)
		return false;
	__builtin_memcpy(buf, prefix, n);
	fmt_vsnprintf(buf + n, size - n, fmt, ap);
	return false;
}
