/*
 * paging-sim: OSTEP's page-replacement simulator
 * (vm-beyondphys-policy/paging-policy.py) on keel's own policies
 * (mm/vmpolicy*.c).  Same flags, same output, byte for byte:
 *
 *   paging-sim [-a PAGES | -f FILE | -n N -m MAXPAGE -s SEED]
 *              [-p FIFO|LRU|MRU|OPT|UNOPT|RAND|CLOCK] [-b CLOCKBITS]
 *              [-C CACHESIZE] [-N] [-c]
 *
 * The script's numbers are Python ints, unbounded: -a pages, -C, -n, -m
 * and -s are read as int() reads them (whitespace, a sign, '_' between
 * digits; ASCII only) into their exact decimal form, so a page
 * 123456789012345678901234567890 is printed as the script prints it.
 * Pages are then numbered 0, 1, ... by value for the policies.  Random
 * pages are int(maxpage * random.random()) with CPython's generator
 * (lib/pyrandom) seeded as random.seed(seed) seeds it; RAND and CLOCK draw
 * from the same generator afterwards, as the script does.
 *
 * The script's quirks are kept: -a strings are converted when the script
 * converts them (so a bad page stops the trace where the script stops,
 * and OPT's look into the future stops at one); -C 0 raises at the first
 * fault (pop from an empty list); a negative -C never fills; -b limits
 * the counter only after the first use (a new page's counter is 1).
 *
 * Where paging-policy.py raises an exception, the output up to that point
 * is the same, then one line `paging-sim: paging-policy.py stops here:
 * Error: message` on stderr and exit status 1 (Python: a traceback and
 * status 1; sched-sim and lottery-sim do the same).  An unknown -p with -c
 * prints the script's "not yet implemented" and exits 1, as the script
 * does.  Bad flags: one line `paging-sim: error: ...`, status 2 (optparse:
 * a usage line, a blank line, the error).  -b is optparse's int: 64 bits
 * here (the one place paging-sim refuses what Python takes).
 */
#include <errno.h>
#include <float.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kassert.h"
#include "lib/pyrandom.h"
#include "mm/vmpolicy.h"
#include "tools/pyopt.h"

int paging_sim(int argc, char **argv, FILE *out, FILE *err);

#define EXIT_PY_RAISE 1	   /* Python's status after a traceback */
#define PY_MAX_DIGITS 4300 /* sys.get_int_max_str_digits() */
#define NO_PAGE	      UINT32_MAX

static const char help[] =
    "Usage: paging-sim [options]   (OSTEP's paging-policy.py, in C)\n"
    "\n"
    "Options:\n"
    "  -h, --help            show this help message and exit\n"
    "  -a ADDRESSES, --addresses=ADDRESSES\n"
    "                        a set of comma-separated pages to access; -1 "
    "means\n"
    "                        randomly generate\n"
    "  -f ADDRESSFILE, --addressfile=ADDRESSFILE\n"
    "                        a file with a bunch of addresses in it\n"
    "  -n NUMADDRS, --numaddrs=NUMADDRS\n"
    "                        if -a (--addresses) is -1, this is the number "
    "of addrs\n"
    "                        to generate\n"
    "  -p POLICY, --policy=POLICY\n"
    "                        replacement policy: FIFO, LRU, OPT, UNOPT, "
    "RAND, CLOCK\n"
    "  -b CLOCKBITS, --clockbits=CLOCKBITS\n"
    "                        for CLOCK policy, how many clock bits to use\n"
    "  -C CACHESIZE, --cachesize=CACHESIZE\n"
    "                        size of the page cache, in pages\n"
    "  -m MAXPAGE, --maxpage=MAXPAGE\n"
    "                        if randomly generating page accesses, this is "
    "the max\n"
    "                        page number\n"
    "  -s SEED, --seed=SEED  random number seed\n"
    "  -N, --notrace         do not print out a detailed trace\n"
    "  -c, --compute         compute answers for me\n";

/* A Python int, exactly: its decimal form ("0", "-17", no leading 0s). */
struct pyint {
	char *dec;
	int64_t v; /* the value, if fits */
	bool fits; /* in an int64 */
};

/* One entry of the script's addrList. */
struct addr {
	const char *raw;  /* the -a string or the file's line, for errors */
	int bad;	  /* 0, or int()'s failure: -1 syntax, -2 too long */
	struct pyint val; /* when !bad */
	uint32_t id;	  /* the page's number for the policies */
};

struct sim {
	FILE *out, *err;
	struct addr *addrs;
	size_t n;
	char **names; /* id -> decimal form */
	uint32_t nnames;
	struct pyrandom rng;
	int rc;
};

/* ------------------------------------------------------ Python's int() -- */

static bool py_space(int c)
{
	return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
}

/* int(s) in base 10: 0, -1 (ValueError: syntax), -2 (too many digits). */
static int pyint_parse(const char *s, struct pyint *r)
{
	const char *b = s, *e = s + strlen(s);
	bool neg = false, after_us = false;
	size_t nd = 0;
	char *o;

	while (b < e && py_space((unsigned char)*b))
		b++;
	while (e > b && py_space((unsigned char)e[-1]))
		e--;
	if (b < e && (*b == '+' || *b == '-'))
		neg = *b++ == '-';
	r->dec = o = malloc((size_t)(e - b) + 3);
	if (!o)
		abort();
	if (neg)
		*o++ = '-';
	for (const char *p = b; p < e; p++) {
		if (*p == '_' && nd && !after_us) {
			after_us = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			goto bad;
		nd++;
		after_us = false;
		if (o == r->dec + neg && *p == '0')
			continue; /* a leading zero */
		*o++ = *p;
	}
	if (nd == 0 || after_us)
		goto bad;
	if (nd > PY_MAX_DIGITS) {
		free(r->dec);
		r->dec = NULL;
		return -2;
	}
	if (o == r->dec + neg) { /* all zeros: "0", never "-0" */
		o = r->dec;
		*o++ = '0';
	}
	*o = 0;
	errno = 0;
	r->v = strtoll(r->dec, NULL, 10);
	r->fits = errno == 0;
	return 0;
bad:
	free(r->dec);
	r->dec = NULL;
	return -1;
}

static int py_raise(struct sim *s, const char *what)
{
	fprintf(s->err, "paging-sim: paging-policy.py stops here: %s\n", what);
	return s->rc = EXIT_PY_RAISE;
}

/* int(str) failed (how: pyint_parse's code): the ValueError. */
static int raise_int(struct sim *s, const char *str, int how)
{
	fputs("paging-sim: paging-policy.py stops here: ValueError: ", s->err);
	if (how == -2) {
		fprintf(s->err,
			"Exceeds the limit (%d digits) for integer string "
			"conversion\n",
			PY_MAX_DIGITS);
	} else {
		fputs("invalid literal for int() with base 10: ", s->err);
		py_fput_repr(s->err, str);
		fputc('\n', s->err);
	}
	return s->rc = EXIT_PY_RAISE;
}

/* The int() of a flag, or a raise. */
static int flag_int(struct sim *s, const char *str, struct pyint *r)
{
	int how = pyint_parse(str, r);

	return how ? raise_int(s, str, how) : 0;
}

/*
 * random.seed(n): init_by_array over abs(n)'s 32-bit words, least
 * significant first (lib/pyrandom.h).  Long division of the decimal form.
 */
static void seed_rng(struct pyrandom *g, const struct pyint *seed)
{
	const char *d = seed->dec + (seed->dec[0] == '-');
	size_t len = strlen(d), nw = 0;
	uint32_t *words = calloc(len / 9 + 2, sizeof *words);
	char *num = strdup(d);

	if (!words || !num)
		abort();
	while (len > 0 && !(len == 1 && num[0] == '0')) {
		uint64_t rem = 0;
		size_t o = 0;
		for (size_t i = 0; i < len; i++) { /* num /= 2^32 */
			rem = rem * 10 + (uint64_t)(num[i] - '0');
			char q = (char)('0' + rem / 4294967296ull);
			rem %= 4294967296ull;
			if (o || q != '0')
				num[o++] = q;
		}
		words[nw++] = (uint32_t)rem;
		len = o;
	}
	pyrandom_seed_key(g, words, nw);
	free(words);
	free(num);
}

/* ---------------------------------------------------- the address list -- */

static void add_addr(struct sim *s, size_t *cap, const char *raw)
{
	struct addr *a;

	if (s->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		s->addrs = realloc(s->addrs, *cap * sizeof *s->addrs);
		if (!s->addrs)
			abort();
	}
	a = &s->addrs[s->n++];
	*a = (struct addr){.raw = raw};
	a->bad = pyint_parse(raw, &a->val);
}

/* addresses.split(','): the strings, converted only when the script does. */
static void split_addrs(struct sim *s, char *list)
{
	size_t cap = 0;
	char *p = list;

	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = 0;
		add_addr(s, &cap, p);
		if (!comma)
			break;
		p = comma + 1;
	}
}

/*
 * for line in open(file): addrList.append(int(line)).  Text mode: '\r\n'
 * and '\r' end lines as '\n' does, and the line keeps its '\n'.
 */
static int read_file(struct sim *s, const char *path, char **buf)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0, cap = 4096, k, lines = 0;
	char *b = malloc(cap + 2), *p, *line;

	if (!b)
		abort();
	*buf = b;
	if (f) {
		while ((k = fread(b + len, 1, cap - len, f)) > 0) {
			len += k;
			if (len == cap && !(b = realloc(b, (cap *= 2) + 2)))
				abort();
		}
		if (ferror(f))
			fclose(f), f = NULL;
		else
			fclose(f);
	}
	*buf = b;
	if (!f) {
		int e = errno;
		fprintf(s->err,
			"paging-sim: paging-policy.py stops here: %s: "
			"[Errno %d] %s: ",
			e == ENOENT   ? "FileNotFoundError"
			: e == EISDIR ? "IsADirectoryError"
			: e == EACCES ? "PermissionError"
				      : "OSError",
			e, strerror(e));
		py_fput_repr(s->err, path);
		fputc('\n', s->err);
		return s->rc = EXIT_PY_RAISE;
	}
	/* Each line as Python reads it ('\n' kept), NUL-separated. */
	char *w = malloc(2 * len + 2);
	if (!w)
		abort();
	line = w;
	for (p = b; p < b + len; p++) {
		bool eol = *p == '\n' || *p == '\r';
		if (*p == '\r' && p + 1 < b + len && p[1] == '\n')
			p++;
		*w++ = eol ? '\n' : *p;
		if (eol) {
			*w++ = 0;
			lines++;
		}
	}
	if (w > line && w[-1] != 0) {
		*w++ = 0;
		lines++;
	}
	free(b);
	*buf = line;
	cap = 0;
	for (size_t i = 0; i < lines; i++) {
		add_addr(s, &cap, line);
		if (s->addrs[s->n - 1].bad)
			return raise_int(s, line, s->addrs[s->n - 1].bad);
		line += strlen(line) + 1;
	}
	return 0;
}

/* n = int(maxpage * random.random()), numaddrs times. */
static int random_addrs(struct sim *s, const struct pyint *num,
			const struct pyint *maxpage)
{
	size_t cap = 0;
	int64_t count = num->fits ? num->v : num->dec[0] == '-' ? 0 : INT64_MAX;
	double m;

	m = strtod(maxpage->dec, NULL); /* float(maxpage), rounded to nearest */
	for (int64_t i = 0; i < count; i++) {
		double x = m * pyrandom_random(&s->rng);
		char buf[400];
		if (m > DBL_MAX || m < -DBL_MAX)
			return py_raise(s, "OverflowError: int too large to "
					   "convert to float");
		/* int(x): toward zero; past 2^53 x is an integer already,
		   and glibc prints a double's exact value. */
		if (x > -9.2e18 && x < 9.2e18)
			snprintf(buf, sizeof buf, "%lld", (long long)x);
		else
			snprintf(buf, sizeof buf, "%.0f", x);
		add_addr(s, &cap, buf);
		s->addrs[s->n - 1].raw = NULL; /* never bad: not kept */
	}
	return 0;
}

static int by_dec(const void *a, const void *b)
{
	const struct addr *const *x = a, *const *y = b;
	return strcmp((*x)->val.dec, (*y)->val.dec);
}

/* Pages numbered by value: equal ints, equal ids (decimal forms agree). */
static void number_pages(struct sim *s)
{
	struct addr **v = malloc((s->n + 1) * sizeof(struct addr *));
	size_t k = 0;

	s->names = malloc((s->n + 1) * sizeof *s->names);
	if (!v || !s->names)
		abort();
	for (size_t i = 0; i < s->n; i++) {
		s->addrs[i].id = NO_PAGE;
		if (!s->addrs[i].bad)
			v[k++] = &s->addrs[i];
	}
	qsort(v, k, sizeof(struct addr *), by_dec);
	for (size_t i = 0; i < k; i++) {
		if (i == 0 || strcmp(v[i]->val.dec, v[i - 1]->val.dec) != 0)
			s->names[s->nnames++] = v[i]->val.dec;
		v[i]->id = s->nnames - 1;
	}
	free(v);
}

/* ---------------------------------------------------------- the answer -- */

static const struct {
	const char *name, *left, *right;
	enum vmp_kind kind;
	const char *empty; /* the IndexError of a victim from no pages */
} policies[] = {
    {"FIFO", "FirstIn", "Lastin ", VMP_FIFO, "pop from empty list"},
    {"LRU", "LRU", "MRU", VMP_LRU, "pop from empty list"},
    {"MRU", "LRU", "MRU", VMP_MRU, "pop from empty list"},
    {"OPT", "Left ", "Right", VMP_OPT, "pop from empty list"},
    {"RAND", "Left ", "Right", VMP_RAND, "pop from empty list"},
    {"UNOPT", "Left ", "Right", VMP_UNOPT, "pop from empty list"},
    {"CLOCK", "Left ", "Right", VMP_CLOCK, "list index out of range"},
};

/* '%12s' % memory: the list's str(), right-aligned in 12 columns. */
static void print_memory(struct sim *s, const struct vmp *v)
{
	size_t len = 2;
	char *b, *o;

	for (uint32_t i = 0; i < v->count; i++)
		len += strlen(s->names[vmp_at(v, i)->page]) + 2;
	b = o = calloc(len + 1, 1);
	if (!b)
		abort();
	*o++ = '[';
	for (uint32_t i = 0; i < v->count; i++)
		o += sprintf(o, "%s%s", i ? ", " : "",
			     s->names[vmp_at(v, i)->page]);
	*o++ = ']';
	*o = 0;
	fprintf(s->out, "%12s", b);
	free(b);
}

/*
 * OPT and UNOPT convert the future's strings as they scan them: a page
 * with no use before the first bad one scans into it and raises.
 */
static int opt_scan_raises(struct sim *s, const struct vmp *v, size_t now)
{
	size_t bad = now + 1;

	while (bad < s->n && !s->addrs[bad].bad)
		bad++;
	if (bad == s->n)
		return 0;
	for (uint32_t i = 0; i < v->count; i++) {
		size_t j = now + 1;
		while (j < bad && s->addrs[j].id != vmp_at(v, i)->page)
			j++;
		if (j == bad)
			return raise_int(s, s->addrs[bad].raw,
					 s->addrs[bad].bad);
	}
	return 0;
}

/* One miss: a victim if the cache is full (its name, or NULL), then in. */
static int miss(struct sim *s, struct vmp *v, int p, bool full, size_t now,
		const char **victim)
{
	*victim = NULL;
	if (full) {
		if (v->count == 0) {
			if (policies[p].kind == VMP_RAND)
				pyrandom_random(&s->rng); /* drawn, then pop */
			char what[64];
			snprintf(what, sizeof what, "IndexError: %s",
				 policies[p].empty);
			return py_raise(s, what);
		}
		if ((policies[p].kind == VMP_OPT ||
		     policies[p].kind == VMP_UNOPT) &&
		    opt_scan_raises(s, v, now))
			return s->rc;
		int i = vmp_pick(v);
		*victim = s->names[vmp_at(v, i)->page];
		vmp_remove(v, (uint32_t)i);
	}
	kassert(vmp_insert(v, s->addrs[now].id, 0) >= 0);
	return 0;
}

static int solve(struct sim *s, const char *policy, const struct pyint *cache,
		 int64_t clockbits, bool notrace)
{
	int p = -1;
	uint64_t hits = 0, misses = 0;
	struct vmp v;
	struct vmp_frame *frames = calloc(s->n + 1, sizeof *frames);
	vmp_page_t *future = calloc(s->n + 1, sizeof *future);
	/* count == cachesize: never true for a negative or huge -C. */
	uint32_t cap =
	    cache->fits && cache->v >= 0 && (uint64_t)cache->v <= s->n
		? (uint32_t)cache->v
		: (uint32_t)s->n + 1;

	if (!frames || !future)
		abort();
	if (!notrace)
		fputs("Solving...\n\n", s->out);
	for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
		if (strcmp(policy, policies[i].name) == 0)
			p = (int)i;
	if (p < 0) {
		fprintf(s->out, "Policy %s is not yet implemented\n", policy);
		s->rc = 1; /* the script's exit(1) */
		goto done;
	}
	for (size_t i = 0; i < s->n; i++)
		future[i] = s->addrs[i].id;
	struct vmp_params pp = {.kind = policies[p].kind,
				.capacity = cap,
				.clockbits = clockbits,
				.rng = &s->rng,
				.future = future,
				.future_len = s->n};
	kassert(vmp_init(&v, &pp, frames) == VMP_OK);
	for (size_t now = 0; now < s->n; now++) {
		const char *victim = NULL;
		if (s->addrs[now].bad) {
			raise_int(s, s->addrs[now].raw, s->addrs[now].bad);
			goto done;
		}
		vmp_set_now(&v, now);
		int idx = vmp_find(&v, s->addrs[now].id);
		if (idx >= 0) {
			hits++;
			vmp_access(&v, (uint32_t)idx, VMP_R);
		} else {
			misses++;
			if (miss(s, &v, p, v.count == cap, now, &victim))
				goto done;
		}
		if (notrace)
			continue;
		fprintf(s->out, "Access: %s  %s %s -> ", s->addrs[now].val.dec,
			idx >= 0 ? "HIT " : "MISS", policies[p].left);
		print_memory(s, &v);
		fprintf(s->out, " <- %s Replaced:%s [Hits:%llu Misses:%llu]\n",
			policies[p].right,
			!victim || strcmp(victim, "-1") == 0 ? "-" : victim,
			(unsigned long long)hits, (unsigned long long)misses);
	}
	fputs("\n", s->out);
	if (hits + misses == 0) {
		py_raise(s, "ZeroDivisionError: float division by zero");
		goto done;
	}
	fprintf(s->out, "FINALSTATS hits %llu   misses %llu   hitrate %.2f\n\n",
		(unsigned long long)hits, (unsigned long long)misses,
		(100.0 * (double)hits) / ((double)hits + (double)misses));
done:
	free(frames);
	free(future);
	return s->rc;
}

static void quiz(struct sim *s, const char *policy, const struct pyint *cache)
{
	fprintf(s->out,
		"Assuming a replacement policy of %s, and a cache of size %s "
		"pages,\n"
		"figure out whether each of the following page references hit "
		"or miss\n"
		"in the page cache.\n\n",
		policy, cache->dec);
	for (size_t i = 0; i < s->n; i++) {
		if (s->addrs[i].bad) {
			raise_int(s, s->addrs[i].raw, s->addrs[i].bad);
			return;
		}
		fprintf(s->out, "Access: %s  Hit/Miss?  State of Memory?\n",
			s->addrs[i].val.dec);
	}
	fputs("\n", s->out);
}

/* ------------------------------------------------------ the command line */

struct flags {
	const char *addresses, *addressfile, *numaddrs, *policy, *cachesize;
	const char *maxpage, *seed;
	int64_t clockbits;
	bool notrace, solve;
};

static void print_args(FILE *out, const struct flags *f)
{
	fprintf(out,
		"ARG addresses %s\nARG addressfile %s\nARG numaddrs %s\n"
		"ARG policy %s\nARG clockbits %lld\nARG cachesize %s\n"
		"ARG maxpage %s\nARG seed %s\nARG notrace %s\n\n",
		f->addresses, f->addressfile, f->numaddrs, f->policy,
		(long long)f->clockbits, f->cachesize, f->maxpage, f->seed,
		f->notrace ? "True" : "False");
}

static void free_sim(struct sim *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->addrs[i].val.dec);
	free(s->addrs);
	free(s->names);
}

static int run(struct sim *s, const struct flags *f, char **bufs)
{
	struct pyint num = {0}, cache = {0}, seed = {0}, maxpage = {0};
	int rc;

	/* The script's order: numaddrs, cachesize, seed, maxpage. */
	if (flag_int(s, f->numaddrs, &num) ||
	    flag_int(s, f->cachesize, &cache) || flag_int(s, f->seed, &seed) ||
	    flag_int(s, f->maxpage, &maxpage))
		goto out;
	seed_rng(&s->rng, &seed);
	if (f->addressfile[0]) {
		if (read_file(s, f->addressfile, &bufs[0]))
			goto out;
	} else if (strcmp(f->addresses, "-1") == 0) {
		if (random_addrs(s, &num, &maxpage))
			goto out;
	} else {
		bufs[1] = strdup(f->addresses);
		if (!bufs[1])
			abort();
		split_addrs(s, bufs[1]);
	}
	number_pages(s);
	if (!f->solve)
		quiz(s, f->policy, &cache);
	else
		solve(s, f->policy, &cache, f->clockbits, f->notrace);
out:
	rc = s->rc;
	free(num.dec);
	free(cache.dec);
	free(seed.dec);
	free(maxpage.dec);
	return rc;
}

int paging_sim(int argc, char **argv, FILE *out, FILE *err)
{
	struct flags f = {.addresses = "-1",
			  .addressfile = "",
			  .numaddrs = "10",
			  .policy = "FIFO",
			  .clockbits = 2,
			  .cachesize = "3",
			  .maxpage = "10",
			  .seed = "0"};
	const struct pyopt_def defs[] = {
	    {'a', "addresses", PYOPT_STR, &f.addresses},
	    {'f', "addressfile", PYOPT_STR, &f.addressfile},
	    {'n', "numaddrs", PYOPT_STR, &f.numaddrs},
	    {'p', "policy", PYOPT_STR, &f.policy},
	    {'b', "clockbits", PYOPT_INT, &f.clockbits},
	    {'C', "cachesize", PYOPT_STR, &f.cachesize},
	    {'m', "maxpage", PYOPT_STR, &f.maxpage},
	    {'s', "seed", PYOPT_STR, &f.seed},
	    {'N', "notrace", PYOPT_TRUE, &f.notrace},
	    {'c', "compute", PYOPT_TRUE, &f.solve},
	};
	struct sim s = {.out = out, .err = err};
	char *bufs[2] = {NULL, NULL};
	int rc = pyopt_parse("paging-sim", defs, sizeof defs / sizeof defs[0],
			     argc, argv, err);

	if (rc == 1) {
		fputs(help, out);
		return 0;
	}
	if (rc)
		return rc;
	print_args(out, &f);
	rc = run(&s, &f, bufs);
	free_sim(&s);
	free(bufs[0]);
	free(bufs[1]);
	return rc;
}

#ifndef PAGING_SIM_NO_MAIN
void kassert_fail(const char *expr, const char *file, int line,
		  const char *func)
{
	fprintf(stderr, "paging-sim: assertion '%s' failed at %s:%d in %s()\n",
		expr, file, line, func);
	abort();
}

int main(int argc, char **argv)
{
	int rc = paging_sim(argc, argv, stdout, stderr);

	if (fflush(stdout) != 0)
		return 1;
	return rc;
}
#endif
