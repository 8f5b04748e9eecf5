/*
 * mlfq-sim: OSTEP's MLFQ simulator (cpu-sched-mlfq/mlfq.py), on keel's own
 * scheduler policy.  Same flags, same output, byte for byte; the trace
 * comes from sched/mlfq_run.c, the code the kernel's workload runner uses.
 *
 *   mlfq-sim [-s SEED] [-n N] [-q T] [-a K] [-Q a,b,..] [-A a,b,..]
 *            [-j N] [-m MAX] [-M MAX] [-B S] [-i T] [-S] [-I]
 *            [-l s,r,f:s,r,f:...] [-c]
 *
 * Without -l, jobs are generated as mlfq.py generates them: Python's
 * Mersenne Twister seeded with -s, runTime = int(random() * (m - 1) + 1),
 * ioFreq = int(random() * (M - 1) + 1), all starting at 0.
 *
 * Bad flags, values or job lists: one line `mlfq-sim: ...` on stderr and
 * exit status 2.
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

#include "lib/kassert.h"
#include "sched/mlfq.h"
#include "sched/mlfq_run.h"
#include "sched/workload.h"

int mlfq_sim(int argc, char **argv, FILE *out, FILE *err);

#define EXIT_USAGE 2

/* ------------------------------------------------------------ options -- */

struct sim_opts {
	uint64_t seed_abs; /* |seed|: Python seeds with the absolute value */
	uint32_t num_queues, quantum, allot, num_jobs, maxlen, maxio;
	uint32_t boost, io_time;
	const char *qlist, *alist, *jlist, *compat;
	bool stay, iobump, solve, help;
};

enum opt_kind { OPT_SEED, OPT_UINT, OPT_STR, OPT_FLAG };

struct opt_def {
	char short_name;
	const char *long_name;
	enum opt_kind kind;
	size_t field; /* offsetof into struct sim_opts */
};

#define F(name) offsetof(struct sim_opts, name)
static const struct opt_def opt_defs[] = {
    {'s', "seed", OPT_SEED, F(seed_abs)},
    {'n', "numQueues", OPT_UINT, F(num_queues)},
    {'q', "quantum", OPT_UINT, F(quantum)},
    {'a', "allotment", OPT_UINT, F(allot)},
    {'Q', "quantumList", OPT_STR, F(qlist)},
    {'A', "allotmentList", OPT_STR, F(alist)},
    {'j', "numJobs", OPT_UINT, F(num_jobs)},
    {'m', "maxlen", OPT_UINT, F(maxlen)},
    {'M', "maxio", OPT_UINT, F(maxio)},
    {'B', "boost", OPT_UINT, F(boost)},
    {'i', "iotime", OPT_UINT, F(io_time)},
    {'S', "stay", OPT_FLAG, F(stay)},
    {'I', "iobump", OPT_FLAG, F(iobump)},
    {'l', "jlist", OPT_STR, F(jlist)},
    {'c', NULL, OPT_FLAG, F(solve)},
    {0, "compat", OPT_STR, F(compat)},
    {'h', "help", OPT_FLAG, F(help)},
};
#undef F
#define NOPTS (sizeof opt_defs / sizeof opt_defs[0])

static const char usage[] =
    "usage: mlfq-sim [-s SEED] [-n QUEUES] [-q QUANTUM] [-a ALLOTMENT]\n"
    "                [-Q q,q,...] [-A a,a,...] [-j JOBS] [-m MAXLEN]\n"
    "                [-M MAXIO] [-B BOOST] [-i IOTIME] [-S] [-I]\n"
    "                [-l start,run,iofreq:...] [-c]\n"
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
    "            default is today's boost: fresh quantum and allotment\n";

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

/* A seed is any integer; Python uses its absolute value. */
static int parse_seed(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

static int set_opt(struct sim_opts *o, const struct opt_def *d, const char *val,
		   const char *shown, FILE *err)
{
	char *field = (char *)o + d->field;
	char msg[160];

	switch (d->kind) {
	case OPT_FLAG:
		*(bool *)(void *)field = true;
		return 0;
	case OPT_STR:
		*(const char **)(void *)field = val;
		return 0;
	case OPT_SEED:
		if (parse_seed(val, (uint64_t *)(void *)field) == 0)
			return 0;
		fprintf(err, "mlfq-sim: %s: expected an integer, got '%s'\n",
			shown, val);
		return -1;
	case OPT_UINT:
		if (workload_parse_uint(val, (uint32_t *)(void *)field, msg,
					sizeof msg) == 0)
			return 0;
		fprintf(err, "mlfq-sim: %s: %s\n", shown, msg);
		return -1;
	}
	return -1;
}

static const struct opt_def *find_short(char c)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opt_defs[i].short_name == c)
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

	if (!d) {
		fprintf(err, "mlfq-sim: %s option: --%.*s\n",
			ambiguous ? "ambiguous" : "no such", (int)len, name);
		return -1;
	}
	if (d->kind == OPT_FLAG) {
		if (val) {
			fprintf(err, "mlfq-sim: --%s takes no value\n",
				d->long_name);
			return -1;
		}
		return set_opt(o, d, NULL, argv[*i], err);
	}
	if (!val) {
		if (*i + 1 >= argc) {
			fprintf(err, "mlfq-sim: --%s requires a value\n",
				d->long_name);
			return -1;
		}
		val = argv[++*i];
	}
	return set_opt(o, d, val, d->long_name, err);
}

/* A cluster of short options: -cS, -l0,5,0, -q 5. */
static int parse_short(struct sim_opts *o, int argc, char **argv, int *i,
		       FILE *err)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const struct opt_def *d = find_short(*p);
		char shown[3] = {'-', *p, '\0'};
		const char *val;

		if (!d) {
			fprintf(err, "mlfq-sim: no such option: -%c\n", *p);
			return -1;
		}
		if (d->kind == OPT_FLAG) {
			set_opt(o, d, NULL, shown, err);
			continue;
		}
		if (p[1]) {
			val = p + 1;
		} else if (*i + 1 < argc) {
			val = argv[++*i];
		} else {
			fprintf(err,
				"mlfq-sim: -%c option requires an argument\n",
				*p);
			return -1;
		}
		return set_opt(o, d, val, shown, err);
	}
	return 0;
}

static int parse_args(struct sim_opts *o, int argc, char **argv, FILE *err)
{
	opts_default(o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc;

		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc) {
				fprintf(err,
					"mlfq-sim: unexpected argument '%s'\n",
					argv[i + 1]);
				return -1;
			}
			break;
		}
		if (a[0] == '-' && a[1] == '-')
			rc = parse_long(o, argc, argv, &i, err);
		else if (a[0] == '-' && a[1])
			rc = parse_short(o, argc, argv, &i, err);
		else {
			fprintf(err, "mlfq-sim: unexpected argument '%s'\n", a);
			rc = -1;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* -------------------------------------------------------- parameters -- */

/* -Q / -A: highest priority first on the command line, level-indexed here. */
static int parse_levels(const char *flag, const char *s, uint32_t *out,
			size_t *n, FILE *err)
{
	uint32_t vals[MLFQ_MAX_LEVELS];
	char msg[160];

	if (workload_parse_list(s, vals, MLFQ_MAX_LEVELS, n, msg, sizeof msg)) {
		fprintf(err, "mlfq-sim: %s: %s\n", flag, msg);
		return -1;
	}
	for (size_t i = 0; i < *n; i++)
		out[*n - 1 - i] = vals[i];
	return 0;
}

static int build_params(const struct sim_opts *o, struct mlfq_params *p,
			FILE *err)
{
	size_t n;
	const char *msg;

	mlfq_params_ostep(p);
	if (*o->qlist) {
		if (parse_levels("-Q", o->qlist, p->quantum, &n, err))
			return -1;
		p->levels = (int)n;
	} else {
		if (o->num_queues < 1 || o->num_queues > MLFQ_MAX_LEVELS) {
			fprintf(err,
				"mlfq-sim: -n: the number of queues must be "
				"between 1 and %d\n",
				MLFQ_MAX_LEVELS);
			return -1;
		}
		p->levels = (int)o->num_queues;
		for (int l = 0; l < p->levels; l++)
			p->quantum[l] = o->quantum;
	}
	if (*o->alist) {
		uint32_t allot[MLFQ_MAX_LEVELS];
		if (parse_levels("-A", o->alist, allot, &n, err))
			return -1;
		if ((int)n != p->levels) {
			fprintf(err,
				"mlfq-sim: -A: %zu allotments for %d queues "
				"(need one per queue)\n",
				n, p->levels);
			return -1;
		}
		memcpy(p->allot, allot, sizeof allot);
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
		return -1;
	}
	msg = mlfq_params_check(p);
	if (msg) {
		fprintf(err, "mlfq-sim: %s\n", msg);
		return -1;
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

static void mt_seed(struct mt *m, uint64_t seed_abs)
{
	uint32_t key[2] = {(uint32_t)seed_abs, (uint32_t)(seed_abs >> 32)};
	int klen = key[1] ? 2 : 1, i = 1, j = 0;

	mt_init(m, 19650218u);
	for (int k = 624; k; k--) {
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

/* int(random() * (max - 1) + 1), as Python computes it in doubles. */
static uint32_t random_upto(struct mt *m, uint32_t max)
{
	double v = mt_random(m) * (double)((int64_t)max - 1);
	v = v + 1.0;
	return (uint32_t)v;
}

static int random_jobs(const struct sim_opts *o, struct workload_job *w,
		       FILE *err)
{
	struct mt m;

	if (o->num_jobs < 1 || o->num_jobs > MLFQ_RUN_MAX_JOBS) {
		fprintf(err,
			"mlfq-sim: -j: the number of jobs must be between 1 "
			"and %u\n",
			MLFQ_RUN_MAX_JOBS);
		return -1;
	}
	if (o->maxlen < 1 || o->maxio < 1) {
		fprintf(err, "mlfq-sim: -m and -M must be at least 1\n");
		return -1;
	}
	mt_seed(&m, o->seed_abs);
	for (uint32_t i = 0; i < o->num_jobs; i++) {
		w[i].start = 0;
		w[i].run = random_upto(&m, o->maxlen);
		w[i].iofreq = random_upto(&m, o->maxio);
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

static int run(const struct sim_opts *o, const struct mlfq_params *p,
	       struct workload_job *w, size_t n, FILE *out, FILE *err)
{
	struct mlfq_job *jobs = calloc(n, sizeof *jobs);
	struct mlfq_run *r = calloc(1, sizeof *r);
	const char *msg;
	int rc = 0;

	if (!jobs || !r) {
		fprintf(err, "mlfq-sim: out of memory\n");
		rc = 1;
		goto done;
	}
	msg = mlfq_run_init(r, p, o->io_time, w, n, jobs, file_out, out);
	if (msg) {
		fprintf(err, "mlfq-sim: %s\n", msg);
		rc = EXIT_USAGE;
		goto done;
	}
	mlfq_run_header(r, o->solve);
	if (o->solve)
		mlfq_run_all(r);
done:
	free(jobs);
	free(r);
	return rc;
}

int mlfq_sim(int argc, char **argv, FILE *out, FILE *err)
{
	struct sim_opts o;
	struct mlfq_params p;
	struct workload_job *w;
	size_t n = 0;
	char msg[160];
	int rc;

	if (parse_args(&o, argc, argv, err))
		return EXIT_USAGE;
	if (o.help) {
		fputs(usage, out);
		return 0;
	}
	if (build_params(&o, &p, err))
		return EXIT_USAGE;
	w = calloc(MLFQ_RUN_MAX_JOBS, sizeof *w);
	if (!w) {
		fprintf(err, "mlfq-sim: out of memory\n");
		return 1;
	}
	if (*o.jlist) {
		rc = workload_parse(o.jlist, w, MLFQ_RUN_MAX_JOBS, &n, msg,
				    sizeof msg);
		if (rc)
			fprintf(err, "mlfq-sim: -l: %s\n", msg);
	} else {
		rc = random_jobs(&o, w, err);
		n = o.num_jobs;
	}
	rc = rc ? EXIT_USAGE : run(&o, &p, w, n, out, err);
	free(w);
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
