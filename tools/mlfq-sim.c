/*
 * mlfq-sim: OSTEP's MLFQ simulator (cpu-sched-mlfq/mlfq.py), on keel's own
 * scheduler policy.  Same flags, same output, byte for byte; the trace
 * comes from sched/mlfq_run.c, the code the kernel's workload runner uses
 * (compiled here in its wide form, see sched/mlfq.h).
 *
 *   mlfq-sim [-s SEED] [-n N] [-q T] [-a K] [-Q a,b,..] [-A a,b,..]
 *            [-j N] [-m MAX] [-M MAX] [-B S] [-i T] [-S] [-I]
 *            [-l s,r,f:s,r,f:...] [-c] [--compat=2020]
 *
 * The boost is today's mlfq.py's (since ostep-homework ee2e067,
 * 2023-09-27): a fresh quantum and allotment at the top.  --compat=2020
 * gives the boost of mlfq.py before that fix.
 *
 * Command line, as mlfq.py's optparse reads it: short options clustered
 * (-cS, -l0,5,0), long ones by any unambiguous prefix (--numQ=4), the
 * value of an option that takes one from the rest of the word or the next
 * word (even if it starts with '-'); words that are not options are
 * accepted and ignored, as are all words after "--".  Integer options
 * take what optparse's type "int" takes: an optional sign, 0x/0X hex,
 * 0b/0B binary, a leading 0 for octal (so 010 is 8), single underscores
 * between digits, blanks around, Unicode decimal digits and spaces.  The
 * -Q, -A and -l lists hold what Python's int() takes (base 10).  Values
 * mlfq.py takes are taken here: zero and negative quanta, allotments,
 * boost periods, I/O times and frequencies behave as in mlfq.py.
 *
 * Without -l, jobs are generated as mlfq.py generates them: Python's
 * Mersenne Twister seeded with -s, runTime = int(random() * (m - 1) + 1),
 * ioFreq = int(random() * (M - 1) + 1), all starting at 0.
 *
 * Errors, and the exit status:
 *  - what mlfq.py itself reports (allotment counts, a non-positive
 *    allotment in -A above the bottom level, a badly formatted job) is
 *    printed as mlfq.py prints it, on stdout, with status 1; a job whose
 *    run time is 0 or less stops the trace with mlfq.py's "Error: should
 *    never have less than 0 time left to run" on stderr, status 1;
 *  - a bad option or option value (where optparse gives its usage error),
 *    and the cases where mlfq.py stops with a Python traceback (a list
 *    item int() refuses, no queues, -c with no jobs) or never stops (a job
 *    starting before time 0, an I/O with a negative -i): one line
 *    `mlfq-sim: ...` on stderr, status 2;
 *  - limits of this program, not of mlfq.py (also one line, status 2):
 *    integers beyond 64 bits (except the seed, any size), more than 4096
 *    queues or 10000 jobs, a trace beyond 2^31 ticks.
 * -h prints this program's own usage (optparse's is mlfq.py's).
 *
 * Built twice: as the tool, and with -DMLFQ_SIM_NO_MAIN into the host test
 * binary, which calls mlfq_sim() directly on the golden workloads.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The policy and the runner, wide (mlfq.h), in this translation unit. */
#define MLFQ_WIDE 1
/* NOLINTNEXTLINE(bugprone-suspicious-include): on purpose, see above */
#include "sched/mlfq.c"
/* NOLINTNEXTLINE(bugprone-suspicious-include) */
#include "sched/mlfq_run.c"

int mlfq_sim(int argc, char **argv, FILE *out, FILE *err);

#define EXIT_USAGE 2
#define EXIT_PY	   1 /* what mlfq.py exits with after its own messages */

/* ------------------------------------------- Python's int(), exactly -- */

/* A parsed integer: sign and magnitude in 32-bit words, least first. */
#define BIG_WORDS 512 /* 16384 bits: more than 4300 decimal digits */
struct big {
	uint32_t w[BIG_WORDS];
	int n;	       /* words in use; 0 for zero */
	bool neg;      /* a '-' sign (even for zero) */
	bool too_long; /* more than BIG_WORDS words */
};

/* Code points of the Unicode digit zeros above ASCII (category Nd, each
 * followed by 1..9), as Python 3.11's unicodedata has them. */
static const uint32_t nd_zeros[] = {
    0x660,   0x6f0,   0x7c0,   0x966,	0x9e6,	 0xa66,	  0xae6,   0xb66,
    0xbe6,   0xc66,   0xce6,   0xd66,	0xde6,	 0xe50,	  0xed0,   0xf20,
    0x1040,  0x1090,  0x17e0,  0x1810,	0x1946,	 0x19d0,  0x1a80,  0x1a90,
    0x1b50,  0x1bb0,  0x1c40,  0x1c50,	0xa620,	 0xa8d0,  0xa900,  0xa9d0,
    0xa9f0,  0xaa50,  0xabf0,  0xff10,	0x104a0, 0x10d30, 0x11066, 0x110f0,
    0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730,
    0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
    0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950,
    0x1fbf0,
};

/* Unicode spaces above ASCII that int() skips (str.isspace()). */
static bool uni_space(uint32_t c)
{
	return c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202f || c == 0x205f || c == 0x3000;
}

/* One UTF-8 code point at *s; advances *s.  Bad bytes give 0xFFFD. */
static uint32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = p[0];
	int len = c < 0x80    ? 1
		  : c >= 0xf0 ? 4
		  : c >= 0xe0 ? 3
		  : c >= 0xc2 ? 2
			      : 0;

	if (len == 0 || c > 0xf4) {
		*s = p + 1;
		return 0xfffd;
	}
	if (len > 1)
		c &= 0x3fu >> (len - 1);
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + i;
			return 0xfffd;
		}
		c = c << 6 | (p[i] & 0x3fu);
	}
	*s = p + len;
	return c;
}

/*
 * Python's own first step of int(str): Unicode digits become ASCII digits
 * and Unicode spaces ' '; other non-ASCII characters become '?', which no
 * base accepts.  out has room for strlen(s) + 1.
 */
static void to_ascii(const char *s, char *out)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t c = utf8_next(&p);
		char a = '?';
		if (c < 0x80)
			a = (char)c;
		else if (uni_space(c))
			a = ' ';
		else
			for (size_t i = 0;
			     i < sizeof nd_zeros / sizeof nd_zeros[0]; i++)
				if (c >= nd_zeros[i] && c <= nd_zeros[i] + 9)
					a = (char)('0' + (c - nd_zeros[i]));
		*out++ = a;
	}
	*out = '\0';
}

static bool py_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

static void big_mul_add(struct big *b, uint32_t mul, uint32_t add)
{
	uint64_t carry = add;

	for (int i = 0; i < b->n; i++) {
		uint64_t v = (uint64_t)b->w[i] * mul + carry;
		b->w[i] = (uint32_t)v;
		carry = v >> 32;
	}
	if (carry) {
		if (b->n == BIG_WORDS)
			b->too_long = true;
		else
			b->w[b->n++] = (uint32_t)carry;
	}
}

/* int(s, base) for base 2, 8, 10 or 16, on s already made ASCII. */
static bool py_int_ascii(const char *s, int base, struct big *b)
{
	bool prev_us = false;
	int digits = 0;

	*b = (struct big){.n = 0};
	while (py_space(*s))
		s++;
	if (*s == '+' || *s == '-')
		b->neg = *s++ == '-';
	if (s[0] == '0' && ((base == 16 && (s[1] == 'x' || s[1] == 'X')) ||
			    (base == 8 && (s[1] == 'o' || s[1] == 'O')) ||
			    (base == 2 && (s[1] == 'b' || s[1] == 'B')))) {
		s += 2;
		if (*s == '_') /* one underscore may follow the prefix */
			s++;
	}
	if (*s == '_')
		return false;
	for (; *s == '_' || digit_value(*s) < base; s++) {
		if (*s == '_') {
			if (prev_us)
				return false;
			prev_us = true;
			continue;
		}
		prev_us = false;
		big_mul_add(b, (uint32_t)base, (uint32_t)digit_value(*s));
		digits++;
	}
	if (prev_us || digits == 0)
		return false;
	if (base == 10 && digits > 4300) /* Python's int_max_str_digits */
		return false;
	while (py_space(*s))
		s++;
	return *s == '\0';
}

/* Python's int(s): base 10, as mlfq.py reads the -Q, -A and -l items. */
static bool py_int(const char *s, struct big *b)
{
	char *a = malloc(strlen(s) + 1);
	bool ok;

	if (!a)
		return false;
	to_ascii(s, a);
	ok = py_int_ascii(a, 10, b);
	free(a);
	return ok;
}

/*
 * optparse's type "int" (its _parse_num): 0x or 0X: base 16 (on the whole
 * text); 0b or 0B: base 2 on what follows ("0" if nothing); any other
 * leading 0: base 8; otherwise base 10.  The prefix is judged on the text
 * as given, so " 010" is ten and "010" eight.
 */
static bool optparse_int(const char *s, struct big *b)
{
	char *a = malloc(strlen(s) + 2);
	int base = 10;
	const char *t = s;
	bool ok;

	if (!a)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		t = s[2] ? s + 2 : "0";
	} else if (s[0] == '0') {
		base = 8;
	}
	to_ascii(t, a);
	ok = py_int_ascii(a, base, b);
	free(a);
	return ok;
}

/* The integer as int64_t; false if it does not fit. */
static bool big_to_i64(const struct big *b, int64_t *v)
{
	uint64_t mag;

	if (b->too_long || b->n > 2)
		return false;
	mag = b->n == 0	  ? 0
	      : b->n == 1 ? b->w[0]
			  : (uint64_t)b->w[1] << 32 | b->w[0];
	if (mag > (uint64_t)INT64_MAX + (b->neg ? 1 : 0))
		return false;
	*v = b->neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return true;
}

/* ------------------------------------------------------------ options -- */

struct sim_opts {
	struct big seed; /* Python seeds with |seed|, any size */
	int64_t num_queues, quantum, allot, num_jobs, maxlen, maxio;
	int64_t boost, io_time;
	const char *qlist, *alist, *jlist, *compat;
	bool stay, iobump, solve, help;
};

enum opt_kind { OPT_SEED, OPT_INT, OPT_STR, OPT_FLAG };

struct opt_def {
	char short_name;
	const char *long_name;
	enum opt_kind kind;
	size_t field; /* offsetof into struct sim_opts */
};

/*
 * mlfq.py's options, then this program's own: --compat shares its first
 * letter with none of mlfq.py's long names, so every abbreviation that
 * mlfq.py takes means the same here.
 */
#define F(name) offsetof(struct sim_opts, name)
static const struct opt_def opt_defs[] = {
    {'s', "seed", OPT_SEED, F(seed)},
    {'n', "numQueues", OPT_INT, F(num_queues)},
    {'q', "quantum", OPT_INT, F(quantum)},
    {'a', "allotment", OPT_INT, F(allot)},
    {'Q', "quantumList", OPT_STR, F(qlist)},
    {'A', "allotmentList", OPT_STR, F(alist)},
    {'j', "numJobs", OPT_INT, F(num_jobs)},
    {'m', "maxlen", OPT_INT, F(maxlen)},
    {'M', "maxio", OPT_INT, F(maxio)},
    {'B', "boost", OPT_INT, F(boost)},
    {'i', "iotime", OPT_INT, F(io_time)},
    {'S', "stay", OPT_FLAG, F(stay)},
    {'I', "iobump", OPT_FLAG, F(iobump)},
    {'l', "jlist", OPT_STR, F(jlist)},
    {'c', NULL, OPT_FLAG, F(solve)},
    {'h', "help", OPT_FLAG, F(help)},
    {0, "compat", OPT_STR, F(compat)},
};
#undef F
#define NOPTS (sizeof opt_defs / sizeof opt_defs[0])

static const char usage[] =
    "usage: mlfq-sim [-s SEED] [-n QUEUES] [-q QUANTUM] [-a ALLOTMENT]\n"
    "                [-Q q,q,...] [-A a,a,...] [-j JOBS] [-m MAXLEN]\n"
    "                [-M MAXIO] [-B BOOST] [-i IOTIME] [-S] [-I]\n"
    "                [-l start,run,iofreq:...] [-c] [--compat=2020]\n"
    "OSTEP's MLFQ simulator (mlfq.py), on keel's scheduler policy.\n"
    "  -s SEED   random seed for generated jobs (default 0)\n"
    "  -n N      number of queues (default 3; -Q overrides)\n"
    "  -q T      quantum of every queue, in ticks (default 10)\n"
    "  -a K      allotment of every queue, in quanta (default 1)\n"
    "  -Q LIST   quantum per queue, highest priority first\n"
    "  -A LIST   allotment per queue, highest priority first\n"
    "  -j N      number of generated jobs (default 3; without -l)\n"
    "  -m MAX    maximum run time of a generated job (default 100)\n"
    "  -M MAX    maximum I/O frequency of a generated job (default 10)\n"
    "  -B S      boost every S ticks (default 0: never)\n"
    "  -i T      length of an I/O, in ticks (default 5)\n"
    "  -S        issuing an I/O refills quantum and allotment (old rule 4b)\n"
    "  -I        a job whose I/O completes goes to the head of its queue\n"
    "  -l JOBS   the jobs: start,run,iofreq:start,run,iofreq:...\n"
    "  -c        compute the trace and the statistics\n"
    "  --compat=2020  boost as mlfq.py did before its 2023-09 fix (quantum\n"
    "            left := the top allotment, allotment left kept); the\n"
    "            default is today's boost: fresh quantum and allotment\n"
    "Long names (mlfq.py's): --seed --numQueues --quantum --allotment\n"
    "--quantumList --allotmentList --numJobs --maxlen --maxio --boost\n"
    "--iotime --stay --iobump --jlist --help, or any unambiguous prefix.\n";

static void opts_default(struct sim_opts *o)
{
	*o = (struct sim_opts){.num_queues = 3,
			       .quantum = 10,
			       .allot = 1,
			       .num_jobs = 3,
			       .maxlen = 100,
			       .maxio = 10,
			       .io_time = 5,
			       .qlist = "",
			       .alist = "",
			       .jlist = ""};
}

/* opt is the option as named in optparse's messages (-n, --numQueues). */
static int set_opt(struct sim_opts *o, const struct opt_def *d, const char *val,
		   const char *opt, FILE *err)
{
	char *field = (char *)o + d->field;
	struct big b;

	switch (d->kind) {
	case OPT_FLAG:
		*(bool *)(void *)field = true;
		return 0;
	case OPT_STR:
		*(const char **)(void *)field = val;
		return 0;
	case OPT_SEED:
	case OPT_INT:
		if (!optparse_int(val, &b)) {
			fprintf(err,
				"mlfq-sim: option %s: invalid integer value: "
				"'%s'\n",
				opt, val);
			return -1;
		}
		if (d->kind == OPT_SEED && !b.too_long) {
			*(struct big *)(void *)field = b;
			return 0;
		}
		if (d->kind == OPT_INT &&
		    big_to_i64(&b, (int64_t *)(void *)field))
			return 0;
		fprintf(err,
			"mlfq-sim: option %s: %s is too large for this "
			"simulator (at most %s)\n",
			opt, val,
			d->kind == OPT_SEED ? "16384 bits" : "64-bit integers");
		return -1;
	}
	return -1;
}

static const struct opt_def *find_short(char c)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opt_defs[i].short_name && opt_defs[i].short_name == c)
			return &opt_defs[i];
	return NULL;
}

/* An exact long name, or an unambiguous prefix of one (as optparse). */
static const struct opt_def *find_long(const char *name, size_t len,
				       bool *ambiguous)
{
	const struct opt_def *found = NULL;

	*ambiguous = false;
	for (size_t i = 0; i < NOPTS; i++) {
		const char *l = opt_defs[i].long_name;
		if (!l || strncmp(l, name, len) != 0)
			continue;
		if (strlen(l) == len)
			return &opt_defs[i];
		if (found)
			*ambiguous = true;
		found = &opt_defs[i];
	}
	return *ambiguous ? NULL : found;
}

static int parse_long(struct sim_opts *o, int argc, char **argv, int *i,
		      FILE *err)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	bool ambiguous;
	const struct opt_def *d = find_long(name, len, &ambiguous);
	const char *val = eq ? eq + 1 : NULL;
	char opt[64];

	if (!d) {
		fprintf(err, "mlfq-sim: %s option: --%.*s\n",
			ambiguous ? "ambiguous" : "no such", (int)len, name);
		return -1;
	}
	snprintf(opt, sizeof opt, "--%s", d->long_name);
	if (d->kind == OPT_FLAG) {
		if (val) {
			fprintf(err,
				"mlfq-sim: %s option does not take a value\n",
				opt);
			return -1;
		}
		return set_opt(o, d, NULL, opt, err);
	}
	if (!val) {
		if (*i + 1 >= argc) {
			fprintf(err,
				"mlfq-sim: %s option requires 1 argument\n",
				opt);
			return -1;
		}
		val = argv[++*i];
	}
	return set_opt(o, d, val, opt, err);
}

/* A cluster of short options: -cS, -l0,5,0, -q 5. */
static int parse_short(struct sim_opts *o, int argc, char **argv, int *i,
		       FILE *err)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const struct opt_def *d = find_short(*p);
		char opt[3] = {'-', *p, '\0'};
		const char *val;

		if (!d) {
			fprintf(err, "mlfq-sim: no such option: -%c\n", *p);
			return -1;
		}
		if (d->kind == OPT_FLAG) {
			set_opt(o, d, NULL, opt, err);
			if (o->help) /* optparse prints its help at once */
				return 0;
			continue;
		}
		if (p[1]) {
			val = p + 1;
		} else if (*i + 1 < argc) {
			val = argv[++*i];
		} else {
			fprintf(err,
				"mlfq-sim: -%c option requires 1 argument\n",
				*p);
			return -1;
		}
		return set_opt(o, d, val, opt, err);
	}
	return 0;
}

/* Words that are not options are ignored, as mlfq.py ignores them. */
static int parse_args(struct sim_opts *o, int argc, char **argv, FILE *err)
{
	opts_default(o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc = 0;

		if (strcmp(a, "--") == 0)
			break;
		if (a[0] == '-' && a[1] == '-')
			rc = parse_long(o, argc, argv, &i, err);
		else if (a[0] == '-' && a[1])
			rc = parse_short(o, argc, argv, &i, err);
		if (rc || o->help)
			return rc;
	}
	return 0;
}

/* ------------------------------------- Python's random, for random jobs -- */

/*
 * MT19937 seeded as CPython's random.seed(int) seeds it (init_by_array
 * over the 32-bit words of |seed|, least significant first), and
 * random() as CPython's genrand_res53.
 */
struct mt {
	uint32_t s[624];
	int i;
};

static void mt_init(struct mt *m, uint32_t seed)
{
	m->s[0] = seed;
	for (int i = 1; i < 624; i++)
		m->s[i] = 1812433253u * (m->s[i - 1] ^ (m->s[i - 1] >> 30)) +
			  (uint32_t)i;
	m->i = 624;
}

/* random.seed(n): init_by_array over the 32-bit words of |n|, least
 * significant first (one word 0 for n = 0). */
static void mt_seed(struct mt *m, const struct big *seed)
{
	static const uint32_t zero = 0;
	const uint32_t *key = seed->n ? seed->w : &zero;
	int klen = seed->n ? seed->n : 1, i = 1, j = 0;

	mt_init(m, 19650218u);
	for (int k = 624 > klen ? 624 : klen; k; k--) {
		m->s[i] = (m->s[i] ^
			   ((m->s[i - 1] ^ (m->s[i - 1] >> 30)) * 1664525u)) +
			  key[j] + (uint32_t)j;
		if (++i >= 624) {
			m->s[0] = m->s[623];
			i = 1;
		}
		if (++j >= klen)
			j = 0;
	}
	for (int k = 623; k; k--) {
		m->s[i] = (m->s[i] ^ ((m->s[i - 1] ^ (m->s[i - 1] >> 30)) *
				      1566083941u)) -
			  (uint32_t)i;
		if (++i >= 624) {
			m->s[0] = m->s[623];
			i = 1;
		}
	}
	m->s[0] = 0x80000000u;
}

static uint32_t mt_next(struct mt *m)
{
	uint32_t y;

	if (m->i >= 624) {
		for (int k = 0; k < 624; k++) {
			y = (m->s[k] & 0x80000000u) |
			    (m->s[(k + 1) % 624] & 0x7fffffffu);
			m->s[k] = m->s[(k + 397) % 624] ^ (y >> 1) ^
				  ((y & 1u) ? 0x9908b0dfu : 0u);
		}
		m->i = 0;
	}
	y = m->s[m->i++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680u;
	y ^= (y << 15) & 0xefc60000u;
	y ^= y >> 18;
	return y;
}

static double mt_random(struct mt *m)
{
	uint32_t a = mt_next(m) >> 5, b = mt_next(m) >> 6;
	return ((double)a * 67108864.0 + (double)b) *
	       (1.0 / 9007199254740992.0);
}

/*
 * int(random() * (max - 1) + 1), as Python computes it: max - 1 exactly,
 * made a double, two separately rounded operations, truncated to an int.
 */
static bool random_upto(struct mt *m, int64_t max, int64_t *v)
{
	double x = mt_random(m) * (double)((__int128)max - 1);

	x = x + 1.0;
	if (!(x > -9.2e18 && x < 9.2e18))
		return false;
	*v = (int64_t)x;
	return true;
}

/* -------------------------------------------- the run, as mlfq.py's -- */

/*
 * Everything mlfq.py reads before it prints anything, in its order, with
 * its messages; returns 0, or the exit status after a message.
 */
struct sim {
	struct mlfq_params p;
	mlfq_spec_t *w;
	size_t n;
};

/* Splits s at sep into a new array of strings (s is copied). */
static char **split(const char *s, char sep, size_t *n, char **copy)
{
	size_t count = 1, k = 0;
	char **parts;

	for (const char *p = s; *p; p++)
		count += *p == sep;
	*copy = strdup(s);
	parts = calloc(count, sizeof *parts);
	if (!*copy || !parts) {
		free(*copy);
		free(parts);
		return NULL;
	}
	parts[k++] = *copy;
	for (char *p = *copy; *p; p++)
		if (*p == sep) {
			*p = '\0';
			parts[k++] = p + 1;
		}
	*n = count;
	return parts;
}

/* int(item) for a list item; prints the traceback's one-line gist. */
static int list_int(const char *flag, const char *what, const char *item,
		    int64_t *v, FILE *err)
{
	struct big b;

	if (!py_int(item, &b)) {
		fprintf(err,
			"mlfq-sim: %s: %s: int() cannot read '%s' (mlfq.py "
			"stops with a ValueError)\n",
			flag, what, item);
		return EXIT_USAGE;
	}
	if (!big_to_i64(&b, v)) {
		fprintf(err,
			"mlfq-sim: %s: %s: %s is too large for this simulator "
			"(at most 64-bit integers)\n",
			flag, what, item);
		return EXIT_USAGE;
	}
	return 0;
}

static int queues(const struct sim_opts *o, struct sim *s, FILE *out, FILE *err)
{
	struct mlfq_params *p = &s->p;
	size_t n = 0;
	char *copy = NULL, **items;
	int rc = 0;

	mlfq_params_ostep(p);
	if (*o->qlist) {
		items = split(o->qlist, ',', &n, &copy);
		if (!items)
			return EXIT_USAGE;
		if (n > MLFQ_MAX_LEVELS) {
			fprintf(err, "mlfq-sim: -Q: at most %d queues here\n",
				MLFQ_MAX_LEVELS);
			rc = EXIT_USAGE;
		}
		p->levels = (int)n;
		for (size_t i = 0; i < n && !rc; i++)
			rc = list_int("-Q", "quantum", items[i],
				      &p->quantum[n - 1 - i], err);
		free(items);
		free(copy);
		if (rc)
			return rc;
	} else {
		if (o->num_queues > MLFQ_MAX_LEVELS ||
		    o->num_queues < -2147483647) {
			fprintf(err,
				"mlfq-sim: -n: at most %d queues here (and "
				"not below -2147483647)\n",
				MLFQ_MAX_LEVELS);
			return EXIT_USAGE;
		}
		/* mlfq.py's range(n) is empty for n <= 0: no queues at all. */
		p->levels = (int)o->num_queues;
		for (int l = 0; l < p->levels; l++)
			p->quantum[l] = o->quantum;
	}
	if (*o->alist) {
		items = split(o->alist, ',', &n, &copy);
		if (!items)
			return EXIT_USAGE;
		if ((int64_t)n != p->levels) {
			fprintf(out,
				"number of allotments specified must match "
				"number of quantums\n");
			rc = EXIT_PY;
		}
		for (size_t i = 0; i < n && !rc; i++) {
			int l = (int)(n - 1 - i);
			rc = list_int("-A", "allotment", items[i], &p->allot[l],
				      err);
			if (!rc && l != 0 && p->allot[l] <= 0) {
				fprintf(out,
					"allotment must be positive integer\n");
				rc = EXIT_PY;
			}
		}
		free(items);
		free(copy);
		if (rc)
			return rc;
	} else {
		for (int l = 0; l < p->levels; l++)
			p->allot[l] = o->allot;
	}
	p->boost = o->boost;
	p->io_refill = o->stay;
	p->io_to_head = o->iobump;
	if (o->compat && strcmp(o->compat, "2020") == 0) {
		p->boost_2020 = true;
	} else if (o->compat) {
		fprintf(err,
			"mlfq-sim: --compat: only 2020 is known (the boost of "
			"mlfq.py before 2023-09), got '%s'\n",
			o->compat);
		return EXIT_USAGE;
	}
	return 0;
}

/* The job list (-l) or the random jobs, as mlfq.py builds them. */
static int jobs(const struct sim_opts *o, struct sim *s, FILE *out, FILE *err)
{
	size_t n = 0;
	char *copy = NULL, **items;
	int rc = 0;

	if (!*o->jlist) {
		struct mt m;
		if (o->num_jobs > (int64_t)MLFQ_RUN_MAX_JOBS) {
			fprintf(err, "mlfq-sim: -j: at most %u jobs here\n",
				MLFQ_RUN_MAX_JOBS);
			return EXIT_USAGE;
		}
		s->n = o->num_jobs > 0 ? (size_t)o->num_jobs : 0;
		if (s->n && s->p.levels <= 0) {
			fprintf(err,
				"mlfq-sim: no queues (-n %d) for the "
				"jobs (mlfq.py stops with a KeyError)\n",
				s->p.levels);
			return EXIT_USAGE;
		}
		s->w = calloc(s->n ? s->n : 1, sizeof *s->w);
		if (!s->w)
			return EXIT_USAGE;
		mt_seed(&m, &o->seed);
		for (size_t i = 0; i < s->n; i++) {
			s->w[i].start = 0;
			if (!random_upto(&m, o->maxlen, &s->w[i].run) ||
			    !random_upto(&m, o->maxio, &s->w[i].iofreq)) {
				fprintf(err, "mlfq-sim: -m/-M: a random job is "
					     "too large for this simulator\n");
				return EXIT_USAGE;
			}
		}
		return 0;
	}
	items = split(o->jlist, ':', &n, &copy);
	if (!items)
		return EXIT_USAGE;
	if (n > MLFQ_RUN_MAX_JOBS) {
		fprintf(err, "mlfq-sim: -l: at most %u jobs here\n",
			MLFQ_RUN_MAX_JOBS);
		rc = EXIT_USAGE;
	}
	s->w = calloc(n, sizeof *s->w);
	if (!s->w)
		rc = EXIT_USAGE;
	for (size_t i = 0; i < n && !rc; i++) {
		char *jcopy = NULL, what[64];
		size_t nf = 0;
		char **f = split(items[i], ',', &nf, &jcopy);
		int64_t v[3];

		if (!f) {
			rc = EXIT_USAGE;
			break;
		}
		if (nf != 3) {
			fprintf(out, "Badly formatted job string. Should be "
				     "x1,y1,z1:x2,y2,z2:...\n");
			fprintf(out, "where x is the startTime, y is the "
				     "runTime, and z is the I/O frequency.\n");
			rc = EXIT_PY;
		}
		for (int k = 0; k < 3 && !rc; k++) {
			static const char *const names[] = {
			    "start time", "run time", "I/O frequency"};
			snprintf(what, sizeof what, "job %zu: %s", i, names[k]);
			rc = list_int("-l", what, f[k], &v[k], err);
		}
		free(f);
		free(jcopy);
		if (!rc && s->p.levels <= 0) {
			fprintf(err,
				"mlfq-sim: no queues (-n %d) for the "
				"jobs (mlfq.py stops with a KeyError)\n",
				s->p.levels);
			rc = EXIT_USAGE;
		}
		if (!rc)
			s->w[i] = (mlfq_spec_t){v[0], v[1], v[2]};
	}
	free(items);
	free(copy);
	s->n = n;
	return rc;
}

/*
 * What mlfq.py cannot finish: a job that never arrives or an I/O that
 * never completes (it loops for ever), no jobs (ZeroDivisionError); and
 * this program's bound on the length of the trace.
 */
static int check_solvable(const struct sim *s, const struct sim_opts *o,
			  FILE *err)
{
	__int128 max_start = 0, sum_run = 0;

	if (s->n == 0) {
		fprintf(err, "mlfq-sim: -c with no jobs: nothing to average "
			     "(mlfq.py stops with a ZeroDivisionError)\n");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (s->w[i].start < 0) {
			fprintf(err,
				"mlfq-sim: -l: job %zu starts at %lld, before "
				"time 0: it never arrives (mlfq.py runs for "
				"ever)\n",
				i, (long long)s->w[i].start);
			return EXIT_USAGE;
		}
		if (s->w[i].start > max_start)
			max_start = s->w[i].start;
		sum_run += s->w[i].run > 0 ? s->w[i].run : 1;
	}
	if (max_start + sum_run * (1 + (o->io_time > 0 ? o->io_time : 0)) >
	    (__int128)MLFQ_RUN_MAX_TICKS) {
		fprintf(err, "mlfq-sim: the workload could run for more than "
			     "2^31 ticks (a limit of this simulator)\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* --------------------------------------------------------------- main -- */

static void file_out(void *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf((FILE *)ctx, fmt, ap);
	va_end(ap);
}

/* The trace, tick by tick, stopping where mlfq.py stops. */
static int solve(struct mlfq_run *r, const struct sim_opts *o, FILE *err)
{
	while (!mlfq_run_done(r)) {
		mlfq_run_begin_tick(r);
		mlfq_run_pick(r);
		mlfq_run_end_tick(r);
		if (r->aborted) {
			fflush(r->ctx);
			fprintf(err, "Error: should never have less than 0 "
				     "time left to run\n");
			return EXIT_PY;
		}
		if (o->io_time < 0 && r->io_tail &&
		    r->io_tail->io_done < (mlfq_val)r->now) {
			fprintf(err,
				"mlfq-sim: -i %lld: the I/O started at time "
				"%u would end in the past, so it never ends "
				"(mlfq.py runs for ever)\n",
				(long long)o->io_time, r->now);
			return EXIT_USAGE;
		}
	}
	mlfq_run_stats(r);
	return 0;
}

static int run(const struct sim_opts *o, struct sim *s, FILE *out, FILE *err)
{
	struct mlfq_job *jobs = calloc(s->n ? s->n : 1, sizeof *jobs);
	struct mlfq_run *r = calloc(1, sizeof *r);
	const char *msg;
	int rc = 0;

	if (!jobs || !r) {
		fprintf(err, "mlfq-sim: out of memory\n");
		rc = EXIT_USAGE;
		goto done;
	}
	msg = mlfq_run_init(r, &s->p, o->io_time, s->w, s->n, jobs, file_out,
			    out);
	if (msg) {
		fprintf(err, "mlfq-sim: %s\n", msg);
		rc = EXIT_USAGE;
		goto done;
	}
	mlfq_run_header(r, o->solve);
	if (o->solve) {
		rc = check_solvable(s, o, err);
		if (!rc)
			rc = solve(r, o, err);
	}
done:
	free(jobs);
	free(r);
	return rc;
}

int mlfq_sim(int argc, char **argv, FILE *out, FILE *err)
{
	struct sim_opts o;
	struct sim *s;
	int rc;

	if (parse_args(&o, argc, argv, err))
		return EXIT_USAGE;
	if (o.help) {
		fputs(usage, out);
		return 0;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		fprintf(err, "mlfq-sim: out of memory\n");
		return EXIT_USAGE;
	}
	rc = queues(&o, s, out, err);
	if (!rc)
		rc = jobs(&o, s, out, err);
	if (!rc)
		rc = run(&o, s, out, err);
	free(s->w);
	free(s);
	return rc;
}

#ifndef MLFQ_SIM_NO_MAIN
void kassert_fail(const char *expr, const char *file, int line,
		  const char *func)
{
	fprintf(stderr, "mlfq-sim: assertion '%s' failed at %s:%d in %s()\n",
		expr, file, line, func);
	abort();
}

void kfatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mlfq-sim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

int main(int argc, char **argv)
{
	int rc = mlfq_sim(argc, argv, stdout, stderr);

	if (fflush(stdout) != 0)
		return 1;
	return rc;
}
#endif
