/*
 * pyopt: Python's option parsing and number formatting, as far as
 * scheduler.py and lottery.py use them.  See pyopt.h.
 */
#include "tools/pyopt.h"

#include <ctype.h>
#include <math.h> /* isnan, isinf, INFINITY, NAN: no libm needed */
#include <stdlib.h>
#include <string.h>

/* str.strip()'s ASCII whitespace: " \t\n\v\f\r" and \x1c-\x1f. */
static bool py_space(int c)
{
	return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
}

static void strip(const char **b, const char **e)
{
	while (*b < *e && py_space((unsigned char)**b))
		(*b)++;
	while (*e > *b && py_space((unsigned char)(*e)[-1]))
		(*e)--;
}

static int digit_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	return 99;
}

/* Python's int(s, base) for base 2, 8, 10, 16, into an int64. */
static int py_int_base(const char *s, int base, int64_t *v)
{
	const char *b = s, *e = s + strlen(s);
	bool neg = false, any = false, after_us = false;
	unsigned __int128 acc = 0;

	strip(&b, &e);
	if (b < e && (*b == '+' || *b == '-'))
		neg = *b++ == '-';
	if (e - b >= 2 && b[0] == '0' && base != 10) {
		int p = tolower((unsigned char)b[1]);
		if ((base == 16 && p == 'x') || (base == 8 && p == 'o') ||
		    (base == 2 && p == 'b')) {
			b += 2;
			/* "0x_f": one '_' may follow the prefix. */
			if (b < e && *b == '_')
				b++;
			if (b == e)
				return -1;
		}
	}
	for (; b < e; b++) {
		if (*b == '_') {
			if (!any || after_us)
				return -1;
			after_us = true;
			continue;
		}
		int d = digit_val((unsigned char)*b);
		if (d >= base)
			return -1;
		acc = acc * (unsigned)base + (unsigned)d;
		if (acc > (unsigned __int128)1 << 64)
			acc = (unsigned __int128)1 << 64; /* saturate */
		any = true;
		after_us = false;
	}
	if (!any || after_us)
		return -1;
	if (neg ? acc > (unsigned __int128)INT64_MAX + 1 : acc > INT64_MAX)
		return -2;
	*v = neg ? (int64_t)(0 - (uint64_t)acc) : (int64_t)acc;
	return 0;
}

int py_int10(const char *s, int64_t *v)
{
	return py_int_base(s, 10, v);
}

/* optparse's _parse_num: the radix from the raw string's first chars. */
int pyopt_int(const char *s, int64_t *v)
{
	if ((s[0] == '0') && (s[1] == 'x' || s[1] == 'X'))
		return py_int_base(s, 16, v);
	if ((s[0] == '0') && (s[1] == 'b' || s[1] == 'B'))
		return py_int_base(s[2] ? s + 2 : "0", 2, v);
	if (s[0] == '0')
		return py_int_base(s, 8, v);
	return py_int_base(s, 10, v);
}

static bool ieq(const char *b, const char *e, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(e - b) == n && strncasecmp(b, word, n) == 0;
}

/* digits with single '_' between them; returns the end, or NULL. */
static const char *digits(const char *p, const char *e, char **out, int *n)
{
	const char *start = p;

	*n = 0;
	while (p < e) {
		if (isdigit((unsigned char)*p)) {
			*(*out)++ = *p++;
			(*n)++;
		} else if (*p == '_' && p > start && p + 1 < e &&
			   isdigit((unsigned char)p[1]) &&
			   isdigit((unsigned char)p[-1])) {
			p++;
		} else {
			break;
		}
	}
	return p;
}

int py_float(const char *s, double *v)
{
	const char *b = s, *e = s + strlen(s), *p;
	char *buf = malloc(strlen(s) + 2), *o = buf;
	int nint, nfrac, nexp;
	bool neg = false;

	if (!buf)
		return -1;
	strip(&b, &e);
	p = b;
	if (p < e && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (ieq(p, e, "inf") || ieq(p, e, "infinity")) {
		free(buf);
		*v = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (ieq(p, e, "nan")) {
		free(buf);
		*v = neg ? -NAN : NAN;
		return 0;
	}
	if (neg)
		*o++ = '-';
	p = digits(p, e, &o, &nint);
	nfrac = 0;
	if (p < e && *p == '.') {
		*o++ = *p++;
		p = digits(p, e, &o, &nfrac);
	}
	if (nint + nfrac == 0)
		goto bad;
	if (p < e && (*p == 'e' || *p == 'E')) {
		*o++ = *p++;
		if (p < e && (*p == '+' || *p == '-'))
			*o++ = *p++;
		p = digits(p, e, &o, &nexp);
		if (nexp == 0)
			goto bad;
	}
	if (p != e)
		goto bad;
	*o = 0;
	*v = strtod(buf, NULL);
	free(buf);
	return 0;
bad:
	free(buf);
	return -1;
}

void py_float_repr(double x, char *buf, size_t size)
{
	char tmp[40], mant[24];
	int prec, exp, nd = 0;

	if (isnan(x)) {
		snprintf(buf, size, "nan");
		return;
	}
	if (isinf(x)) {
		snprintf(buf, size, x < 0 ? "-inf" : "inf");
		return;
	}
	/* The shortest %.Ne that reads back as x: Python's repr digits. */
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	/* tmp = [-]d[.ddd]e[+-]XX: the digits, then the decimal exponent. */
	const char *p = tmp;
	bool neg = *p == '-';
	if (neg)
		p++;
	for (; *p != 'e'; p++)
		if (isdigit((unsigned char)*p))
			mant[nd++] = *p;
	mant[nd] = 0;
	exp = (int)strtol(p + 1, NULL, 10);
	while (nd > 1 && mant[nd - 1] == '0')
		mant[--nd] = 0;
	char *o = buf;
	size_t left = size;
#define PUT(...)                                                               \
	do {                                                                   \
		int k_ = snprintf(o, left, __VA_ARGS__);                       \
		o += k_;                                                       \
		left -= (size_t)k_;                                            \
	} while (0)
	if (neg)
		PUT("-");
	if (exp < -4 || exp >= 16) {
		/* repr's scientific form: 1e+16, 1.5e-05. */
		PUT("%c", mant[0]);
		if (nd > 1)
			PUT(".%s", mant + 1);
		PUT("e%c%02d", exp < 0 ? '-' : '+', abs(exp));
	} else if (exp < 0) {
		PUT("0.");
		for (int i = -1; i > exp; i--)
			PUT("0");
		PUT("%s", mant);
	} else {
		for (int i = 0; i <= exp; i++)
			PUT("%c", i < nd ? mant[i] : '0');
		PUT(".");
		if (nd > exp + 1)
			PUT("%s", mant + exp + 1);
		else
			PUT("0");
	}
#undef PUT
}

int py_fprint_d(FILE *f, int width, double x)
{
	if (isinf(x))
		return -1;
	if (isnan(x))
		return -2;
	/* trunc() without libm: doubles of 2^52 and more are integers. */
	if (x > -4503599627370496.0 && x < 4503599627370496.0)
		x = (double)(long long)x;
	if (x == 0)
		x = 0; /* int(-0.5) is 0, not -0 */
	fprintf(f, "%*.0f", width, x);
	return 0;
}

void py_fprint_2f(FILE *f, int width, double x)
{
	if (isnan(x))
		fprintf(f, "%*s", width, "nan");
	else
		fprintf(f, "%*.2f", width, x);
}

void py_fprint_i128(FILE *f, int width, __int128 v)
{
	char tmp[48], *p = tmp + sizeof tmp;
	unsigned __int128 u =
	    v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;

	*--p = 0;
	do {
		*--p = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	fprintf(f, "%*s", width, p);
}

/* ------------------------------------------------------------ optparse -- */

void py_fput_repr(FILE *f, const char *s)
{
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';

	fputc(q, f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || c == (unsigned char)q)
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 32 || c == 127)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc(q, f);
}

static int store(const char *prog, const struct pyopt_def *d, const char *name,
		 const char *val, FILE *err)
{
	int r;

	switch (d->kind) {
	case PYOPT_TRUE:
		*(bool *)d->dest = true;
		return 0;
	case PYOPT_STR:
		*(const char **)d->dest = val;
		return 0;
	case PYOPT_INT:
		r = pyopt_int(val, (int64_t *)d->dest);
		if (r == 0)
			return 0;
		fprintf(err, "%s: error: option %s: %s integer value: ", prog,
			name, r == -2 ? "out-of-range (64-bit)" : "invalid");
		py_fput_repr(err, val);
		fputc('\n', err);
		return 2;
	}
	return 2;
}

static int parse_long(const char *prog, const struct pyopt_def *defs,
		      size_t ndefs, int argc, char **argv, int *i, FILE *err)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct pyopt_def *hit = NULL;
	int nhits = 0;
	char name[128];

	/* An exact name wins; else the prefix must be unique. */
	for (size_t k = 0; k < ndefs; k++) {
		const char *ln = defs[k].long_name;
		if (!ln || strncmp(ln, arg, len) != 0)
			continue;
		if (strlen(ln) == len) {
			hit = &defs[k];
			nhits = 1;
			break;
		}
		hit = &defs[k];
		nhits++;
	}
	if (nhits == 0) {
		fprintf(err, "%s: error: no such option: --%.*s\n", prog,
			(int)len, arg);
		return 2;
	}
	if (nhits > 1) {
		fprintf(err, "%s: error: ambiguous option: --%.*s (", prog,
			(int)len, arg);
		const char *sep = "";
		for (size_t k = 0; k < ndefs; k++)
			if (defs[k].long_name &&
			    strncmp(defs[k].long_name, arg, len) == 0) {
				fprintf(err, "%s--%s", sep, defs[k].long_name);
				sep = ", ";
			}
		fputs("?)\n", err);
		return 2;
	}
	snprintf(name, sizeof name, "--%s", hit->long_name);
	if (hit->kind == PYOPT_TRUE) {
		if (eq) {
			fprintf(err,
				"%s: error: %s option does not take a value\n",
				prog, name);
			return 2;
		}
		return store(prog, hit, name, NULL, err);
	}
	if (eq)
		return store(prog, hit, name, eq + 1, err);
	if (*i + 1 >= argc) {
		fprintf(err, "%s: error: %s option requires 1 argument\n", prog,
			name);
		return 2;
	}
	return store(prog, hit, name, argv[++*i], err);
}

int pyopt_parse(const char *prog, const struct pyopt_def *defs, size_t ndefs,
		int argc, char **argv, FILE *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--help") == 0 ||
		    (strncmp(a, "--", 2) == 0 && strlen(a) > 2 &&
		     strncmp("--help", a, strlen(a)) == 0 && !strchr(a, '='))) {
			/* --help and its prefixes, unless a real option
			   shares the prefix (none does in these tools). */
			bool other = false;
			for (size_t k = 0; k < ndefs; k++)
				if (defs[k].long_name &&
				    strlen(a + 2) <=
					strlen(defs[k].long_name) &&
				    memcmp(defs[k].long_name, a + 2,
					   strlen(a + 2)) == 0)
					other = true;
			if (!other)
				return 1;
		}
		if (strncmp(a, "--", 2) == 0) {
			r = parse_long(prog, defs, ndefs, argc, argv, &i, err);
			if (r)
				return r;
			continue;
		}
		if (a[0] != '-' || a[1] == 0)
			continue; /* a positional word: ignored */
		for (const char *c = a + 1; *c; c++) {
			const struct pyopt_def *d = NULL;
			char name[3] = {'-', *c, 0};
			if (*c == 'h')
				return 1;
			for (size_t k = 0; k < ndefs; k++)
				if (defs[k].short_name == *c)
					d = &defs[k];
			if (!d) {
				fprintf(err, "%s: error: no such option: %s\n",
					prog, name);
				return 2;
			}
			if (d->kind == PYOPT_TRUE) {
				store(prog, d, name, NULL, err);
				continue;
			}
			if (c[1]) {
				r = store(prog, d, name, c + 1, err);
				if (r)
					return r;
				break;
			}
			if (i + 1 >= argc) {
				fprintf(err,
					"%s: error: %s option requires 1 "
					"argument\n",
					prog, name);
				return 2;
			}
			r = store(prog, d, name, argv[++i], err);
			if (r)
				return r;
			break;
		}
	}
	return 0;
}
