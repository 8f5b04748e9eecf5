/*
 * lottery-sim: OSTEP's lottery scheduling simulator
 * (cpu-sched-lottery/lottery.py).  Same flags, same output, byte for byte,
 * including its random draws (CPython's Mersenne Twister, lib/pyrandom).
 *
 *   lottery-sim [-s SEED] [-j JOBS] [-l run:tickets,...] [-m MAXLEN]
 *               [-T MAXTICKET] [-q QUANTUM] [-c]
 *
 * The winner of each draw is chosen by keel's lottery policy
 * (sched/policy_lottery.c): lottery.py walks its job list summing tickets
 * until the sum passes the winning ticket, O(n); the policy finds the same
 * job with a Fenwick-tree prefix search in O(log n), the jobs holding
 * slots in list order and a finished job leaving the tree (in lottery.py
 * it keeps 0 tickets, which can never win).  The draw itself is
 * lottery.py's: r = int(random() * 1000001), winner = r % total.
 *
 * Differences from lottery.py, each a refusal with one line
 * `lottery-sim: error: ...` and exit status 2 (bad flags give the same):
 *  - a job list entry that int() or the run:tickets split rejects (Python
 *    prints the ARG lines first, then a traceback with status 1);
 *  - negative tickets (Python's walk then behaves erratically), more than
 *    POLICY_MAX_ENTS jobs or POLICY_MAX_TICKETS tickets a job;
 *  - -m or -T between -1 and 1 without -l: lottery.py loops for ever
 *    looking for a non-zero run time or ticket count.
 * A total of 0 tickets left with draws to make: the same stdout, then one
 * line on stderr and status 1 (Python: ZeroDivisionError).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kassert.h"
#include "lib/pyrandom.h"
#include "sched/policy.h"
#include "tools/pyopt.h"

int lottery_sim(int argc, char **argv, FILE *out, FILE *err);

#define EXIT_USAGE 2

static const char help[] =
    "Usage: lottery-sim [options]   (OSTEP's lottery.py, in C)\n"
    "\n"
    "Options:\n"
    "  -h, --help            show this help message and exit\n"
    "  -s SEED, --seed=SEED  the random seed\n"
    "  -j JOBS, --jobs=JOBS  number of jobs in the system\n"
    "  -l JLIST, --jlist=JLIST\n"
    "                        instead of random jobs, provide a "
    "comma-separated list\n"
    "                        of run times and ticket values (e.g., "
    "10:100,20:100\n"
    "                        would have two jobs with run-times of 10 and "
    "20, each\n"
    "                        with 100 tickets)\n"
    "  -m MAXLEN, --maxlen=MAXLEN\n"
    "                        max length of job\n"
    "  -T MAXTICKET, --maxticket=MAXTICKET\n"
    "                        maximum ticket value, if randomly assigned\n"
    "  -q QUANTUM, --quantum=QUANTUM\n"
    "                        length of time slice\n"
    "  -c, --compute         compute answers for me\n";

/* The draw the policy asks for: lottery.py's, remembering r to print. */
struct draw_ctx {
	struct pyrandom *g;
	int64_t r;
};

static int64_t draw_r(struct pyrandom *g)
{
	/* int(random.random() * 1000001) */
	return (int64_t)(pyrandom_random(g) * 1000001.0);
}

static uint32_t draw(void *ctx, uint32_t total)
{
	struct draw_ctx *d = ctx;

	d->r = draw_r(d->g);
	return (uint32_t)(d->r % total);
}

struct ljob {
	__int128 run;
	int64_t tickets;
	struct policy_ent ent;
};

static int bad(FILE *err, const char *fmt, const char *a, long long b)
{
	fputs("lottery-sim: error: ", err);
	fprintf(err, fmt, a, b);
	fputc('\n', err);
	return EXIT_USAGE;
}

/* Parses -l into jobs[]; 0, or EXIT_USAGE after one line. */
static int parse_jlist(const char *jlist, struct ljob *jobs, int *n, FILE *err)
{
	char *copy = strdup(jlist), *p = copy;
	int rc = 0;

	*n = 0;
	if (!copy)
		return bad(err, "%sout of memory%lld", "", 0);
	for (;;) {
		char *comma = strchr(p, ','), *colon, *extra;
		int64_t run, tix;
		if (comma)
			*comma = 0;
		colon = strchr(p, ':');
		extra = colon ? strchr(colon + 1, ':') : NULL;
		if (*n >= POLICY_MAX_ENTS) {
			rc = bad(err, "-l: more than %s%lld jobs", "",
				 POLICY_MAX_ENTS);
			break;
		}
		if (!colon || extra) {
			rc = bad(err, "-l: '%s' is not run:tickets (job %lld)",
				 p, *n);
			break;
		}
		*colon = 0;
		if (py_int10(p, &run) || py_int10(colon + 1, &tix)) {
			rc = bad(err,
				 "-l: job %2$lld: '%1$s' and the tickets "
				 "must be (64-bit) integers",
				 p, *n);
			break;
		}
		if (tix < 0 || tix > POLICY_MAX_TICKETS) {
			rc = bad(err,
				 "-l: job %2$lld: tickets must be 0 .. "
				 "1048576, not %1$s",
				 colon + 1, *n);
			break;
		}
		jobs[*n].run = run;
		jobs[*n].tickets = tix;
		(*n)++;
		if (!comma)
			break;
		p = comma + 1;
	}
	free(copy);
	return rc;
}

static void print_job_line(FILE *out, int i, const struct ljob *j)
{
	fprintf(out, "  Job %d ( length = ", i);
	py_fprint_i128(out, 0, j->run);
	fprintf(out, ", tickets = %lld )\n", (long long)j->tickets);
}

int lottery_sim(int argc, char **argv, FILE *out, FILE *err)
{
	int64_t seed = 0, njobs = 3, maxlen = 10, maxticket = 100, quantum = 1;
	const char *jlist = "";
	bool solve = false;
	const struct pyopt_def defs[] = {
	    {'s', "seed", PYOPT_INT, &seed},
	    {'j', "jobs", PYOPT_INT, &njobs},
	    {'l', "jlist", PYOPT_STR, &jlist},
	    {'m', "maxlen", PYOPT_INT, &maxlen},
	    {'T', "maxticket", PYOPT_INT, &maxticket},
	    {'q', "quantum", PYOPT_INT, &quantum},
	    {'c', "compute", PYOPT_TRUE, &solve},
	};
	static struct ljob jobs[POLICY_MAX_ENTS];
	static struct policy pol;
	struct pyrandom g;
	struct draw_ctx dc = {&g, 0};
	__int128 run_total = 0;
	int64_t tick_total = 0;
	int n = 0, rc;

	rc = pyopt_parse("lottery-sim", defs, sizeof defs / sizeof defs[0],
			 argc, argv, err);
	if (rc == 1) {
		fputs(help, out);
		return 0;
	}
	if (rc)
		return EXIT_USAGE;
	if (jlist[0]) {
		if (parse_jlist(jlist, jobs, &n, err))
			return EXIT_USAGE;
	} else {
		if (njobs > POLICY_MAX_ENTS)
			return bad(err, "-j: at most %s%lld jobs", "",
				   POLICY_MAX_ENTS);
		if (njobs > 0 && (maxlen >= -1 && maxlen <= 1))
			return bad(err,
				   "-m %2$lld: lottery.py would loop for ever "
				   "looking for a run time > 0%1$s",
				   "", (long long)maxlen);
		if (njobs > 0 && (maxticket >= -1 && maxticket <= 1))
			return bad(err,
				   "-T %2$lld: lottery.py would loop for ever "
				   "looking for a ticket count > 0%1$s",
				   "", (long long)maxticket);
		if (maxticket < 0 || maxticket > POLICY_MAX_TICKETS + 1)
			return bad(err, "-T %2$lld: must be 2 .. 1048577%1$s",
				   "", (long long)maxticket);
		n = njobs > 0 ? (int)njobs : 0;
	}

	pyrandom_seed(&g, seed);
	fprintf(out,
		"ARG jlist %s\nARG jobs %lld\nARG maxlen %lld\n"
		"ARG maxticket %lld\nARG quantum %lld\nARG seed %lld\n\n",
		jlist, (long long)njobs, (long long)maxlen,
		(long long)maxticket, (long long)quantum, (long long)seed);
	fputs("Here is the job list, with the run time of each job: \n", out);
	for (int i = 0; i < n; i++) {
		if (!jlist[0]) {
			int64_t run = 0, tix = 0;
			while (run == 0)
				run = (int64_t)((double)maxlen *
						pyrandom_random(&g));
			while (tix == 0)
				tix = (int64_t)((double)maxticket *
						pyrandom_random(&g));
			jobs[i].run = run;
			jobs[i].tickets = tix;
		}
		run_total += jobs[i].run;
		tick_total += jobs[i].tickets;
		if (!jlist[0])
			print_job_line(out, i, &jobs[i]);
	}
	if (jlist[0])
		for (int i = 0; i < n; i++)
			print_job_line(out, i, &jobs[i]);
	fputs("\n\n", out);

	if (!solve) {
		fputs("Here is the set of random numbers you will need (at "
		      "most):\n",
		      out);
		for (__int128 i = 0; i < run_total; i++)
			fprintf(out, "Random %lld\n", (long long)draw_r(&g));
		return 0;
	}

	fputs("** Solutions **\n\n", out);
	struct policy_params pp = {.kind = POLICY_LOTTERY,
				   .quantum = 1,
				   .draw = draw,
				   .draw_ctx = &dc};
	policy_init(&pol, &pp);
	/* Slots in list order, so the prefix search walks the list's way. */
	for (int i = 0; i < n; i++) {
		jobs[i].ent =
		    (struct policy_ent){.tickets = (uint32_t)jobs[i].tickets};
		policy_enqueue(&pol, &jobs[i].ent);
	}
	int left = n;
	__int128 clock = 0;
	for (__int128 i = 0; i < run_total; i++) {
		if (tick_total == 0) {
			fprintf(err, "lottery-sim: lottery.py stops here: "
				     "ZeroDivisionError: integer modulo by "
				     "zero\n");
			return 1;
		}
		struct policy_ent *w = policy_pick(&pol);
		int wj = (int)(((struct ljob *)((char *)w -
						offsetof(struct ljob, ent))) -
			       jobs);
		fprintf(out,
			"Random %lld -> Winning ticket %lld (of %lld) -> Run "
			"%d\n",
			(long long)dc.r, (long long)(dc.r % tick_total),
			(long long)tick_total, wj);
		fputs("  Jobs:\n", out);
		for (int k = 0; k < n; k++) {
			fprintf(out,
				" (%s job:%d timeleft:", k == wj ? "*" : " ",
				k);
			py_fprint_i128(out, 0, jobs[k].run);
			if (jobs[k].run > 0)
				fprintf(out, " tix:%lld ) ",
					(long long)jobs[k].tickets);
			else
				fputs(" tix:--- ) ", out);
		}
		fputs("\n", out);
		policy_charge(&pol, w);
		/* lottery.py's accounting: a whole quantum each turn. */
		if (jobs[wj].run >= quantum)
			jobs[wj].run -= quantum;
		else
			jobs[wj].run = 0;
		clock += quantum;
		if (jobs[wj].run == 0) {
			fprintf(out, "--> JOB %d DONE at time ", wj);
			py_fprint_i128(out, 0, clock);
			fputs("\n", out);
			tick_total -= jobs[wj].tickets;
			jobs[wj].tickets = 0;
			policy_dequeue(&pol, w);
			left--;
		}
		if (left == 0) {
			fputs("\n", out);
			break;
		}
	}
	return 0;
}

#ifndef LOTTERY_SIM_NO_MAIN
void kassert_fail(const char *expr, const char *file, int line,
		  const char *func)
{
	fprintf(stderr, "lottery-sim: assertion '%s' failed at %s:%d in %s()\n",
		expr, file, line, func);
	abort();
}

int main(int argc, char **argv)
{
	int rc = lottery_sim(argc, argv, stdout, stderr);

	if (fflush(stdout) != 0)
		return 1;
	return rc;
}
#endif
