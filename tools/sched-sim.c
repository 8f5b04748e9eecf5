/*
 * sched-sim: OSTEP's scheduler simulator (cpu-sched/scheduler.py): FIFO,
 * SJF and RR over jobs that all arrive at time 0.  Same flags, same
 * output, byte for byte, including the random jobs of -s/-j/-m (CPython's
 * Mersenne Twister, lib/pyrandom).
 *
 *   sched-sim [-s SEED] [-j JOBS] [-l r,r,...] [-m MAXLEN]
 *             [-p FIFO|SJF|RR] [-q QUANTUM] [-c]
 *
 * The arithmetic is scheduler.py's: -l run times are Python floats
 * (float(), printed with repr()), random ones Python ints; FIFO and SJF
 * sum them in job order, RR in slices of float(quantum).  The order rules
 * themselves are the policies of sched/policy_list.c, run tick by tick
 * by tools/policy-run; tools/sched-diff checks the two agree.
 *
 * Where scheduler.py would raise an exception (a job list that float()
 * rejects, "%d" of an infinite or NaN time, no jobs to average), the
 * output up to that point is the same, then one line `sched-sim: ...` on
 * stderr and exit status 1 (Python: a traceback, status 1).  Bad flags:
 * one line `sched-sim: error: ...` and status 2 (Python: a usage line, a
 * blank line, then `scheduler.py: error: ...`).  Where scheduler.py would
 * loop for ever (RR with -q 0 or less and a job longer than the quantum,
 * or with an infinite run time),
 * sched-sim refuses the flags with status 2.  SJF over run times that
 * include NaN is refused too (Python's sort gives an order that depends on
 * its algorithm).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kassert.h"
#include "lib/pyrandom.h"
#include "tools/pyopt.h"

int sched_sim(int argc, char **argv, FILE *out, FILE *err);

#define EXIT_USAGE 2

struct job {
	int num;
	bool is_int; /* random: a Python int; -l: a float */
	int64_t ilen;
	double len;
};

static const char help[] =
    "Usage: sched-sim [options]   (OSTEP's scheduler.py, in C)\n"
    "\n"
    "Options:\n"
    "  -h, --help            show this help message and exit\n"
    "  -s SEED, --seed=SEED  the random seed\n"
    "  -j JOBS, --jobs=JOBS  number of jobs in the system\n"
    "  -l JLIST, --jlist=JLIST\n"
    "                        instead of random jobs, provide a "
    "comma-separated list\n"
    "                        of run times\n"
    "  -m MAXLEN, --maxlen=MAXLEN\n"
    "                        max length of job\n"
    "  -p POLICY, --policy=POLICY\n"
    "                        sched policy to use: SJF, FIFO, RR\n"
    "  -q QUANTUM, --quantum=QUANTUM\n"
    "                        length of time slice for RR policy\n"
    "  -c                    compute answers for me\n";

/* Python stops with an exception: same stdout so far, then this. */
static int py_raise(FILE *err, const char *what)
{
	fprintf(err, "sched-sim: scheduler.py stops here: %s\n", what);
	return 1;
}

/* "  [ time %3d" % x, or nothing if Python would raise on x. */
static int print_d(FILE *out, FILE *err, int w, double x, int *rc)
{
	int r = isinf(x) ? -1 : isnan(x) ? -2 : 0;

	if (r == 0) {
		fputs("  [ time ", out);
		py_fprint_d(out, w, x);
	}
	if (r == -1)
		*rc = py_raise(err,
			       "OverflowError: cannot convert float infinity "
			       "to integer");
	else if (r == -2)
		*rc = py_raise(err, "ValueError: cannot convert float NaN to "
				    "integer");
	return r;
}

/* The stable sort of sorted(key=runtime): insertion by index on ties. */
static int by_len(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->is_int) /* Python compares ints exactly */
		return x->ilen < y->ilen   ? -1
		       : x->ilen > y->ilen ? 1
					   : x->num - y->num;
	if (x->len < y->len)
		return -1;
	if (x->len > y->len)
		return 1;
	return x->num - y->num;
}

static int fifo(FILE *out, FILE *err, struct job *jobs, int n, bool ints)
{
	__int128 itime = 0;
	double ftime = 0;
	int rc = 0;

	fputs("Execution trace:\n", out);
	for (int i = 0; i < n; i++) {
		/* thetime starts as the int 0: int + float is a float. */
		if (ints) {
			fputs("  [ time ", out);
			py_fprint_i128(out, 3, itime);
		} else if (print_d(out, err, 3, i ? ftime : 0, &rc)) {
			return rc;
		}
		fprintf(out, " ] Run job %d for ", jobs[i].num);
		if (ints) {
			py_fprint_2f(out, 0, (double)jobs[i].ilen);
			fputs(" secs ( DONE at ", out);
			py_fprint_2f(out, 0, (double)(itime + jobs[i].ilen));
			itime += jobs[i].ilen;
		} else {
			double t = i ? ftime : 0;
			py_fprint_2f(out, 0, jobs[i].len);
			fputs(" secs ( DONE at ", out);
			py_fprint_2f(out, 0, t + jobs[i].len);
			ftime = t + jobs[i].len;
		}
		fputs(" )\n", out);
	}
	fputs("\nFinal statistics:\n", out);
	double t = 0.0, tsum = 0.0, wsum = 0.0, rsum = 0.0;
	for (int i = 0; i < n; i++) {
		double run = ints ? (double)jobs[i].ilen : jobs[i].len;
		double response = t, turnaround = t + run, wait = t;
		fprintf(out, "  Job %3d -- Response: ", jobs[i].num);
		py_fprint_2f(out, 3, response);
		fputs("  Turnaround ", out);
		py_fprint_2f(out, 3, turnaround);
		fputs("  Wait ", out);
		py_fprint_2f(out, 3, wait);
		fputs("\n", out);
		rsum += response;
		tsum += turnaround;
		wsum += wait;
		t += run;
	}
	if (n == 0)
		return py_raise(err, "ZeroDivisionError: float division by "
				     "zero");
	fputs("\n  Average -- Response: ", out);
	py_fprint_2f(out, 3, rsum / n);
	fputs("  Turnaround ", out);
	py_fprint_2f(out, 3, tsum / n);
	fputs("  Wait ", out);
	py_fprint_2f(out, 3, wsum / n);
	fputs("\n\n", out);
	return 0;
}

static int rr(FILE *out, FILE *err, const struct job *jobs, int n,
	      double quantum)
{
	double *turn = calloc((size_t)n + 1, sizeof *turn);
	double *resp = calloc((size_t)n + 1, sizeof *resp);
	double *last = calloc((size_t)n + 1, sizeof *last);
	double *wait = calloc((size_t)n + 1, sizeof *wait);
	/* The run list: a ring of (job, run time left). */
	size_t cap = (size_t)n + 1, head = 0, len = 0;
	struct job *ring = calloc(cap, sizeof *ring);
	double thetime = 0.0;
	int left = n, rc = 0;

	if (!turn || !resp || !last || !wait || !ring) {
		fprintf(err, "sched-sim: out of memory\n");
		rc = 1;
		goto done;
	}
	for (int i = 0; i < n; i++) {
		resp[i] = -1;
		ring[len] = jobs[i];
		ring[len].len =
		    jobs[i].is_int ? (double)jobs[i].ilen : jobs[i].len;
		len++;
	}
	fputs("Execution trace:\n", out);
	while (left > 0) {
		struct job j = ring[head];
		double run = j.len, ranfor;
		head = (head + 1) % cap;
		len--;
		/* scheduler.py's sentinel: a job first run at time -1 looks
		   unstarted, and its response is taken again next turn. */
		if (resp[j.num] == -1)
			resp[j.num] = thetime;
		wait[j.num] += thetime - last[j.num];
		if (print_d(out, err, 3, thetime, &rc))
			goto done;
		if (run > quantum) {
			run -= quantum;
			ranfor = quantum;
			fprintf(out, " ] Run job %3d for ", j.num);
			py_fprint_2f(out, 0, ranfor);
			fputs(" secs\n", out);
			j.len = run;
			ring[(head + len) % cap] = j;
			len++;
		} else {
			ranfor = run;
			fprintf(out, " ] Run job %3d for ", j.num);
			py_fprint_2f(out, 0, ranfor);
			fputs(" secs ( DONE at ", out);
			py_fprint_2f(out, 0, thetime + ranfor);
			fputs(" )\n", out);
			turn[j.num] = thetime + ranfor;
			left--;
		}
		thetime += ranfor;
		last[j.num] = thetime;
	}
	fputs("\nFinal statistics:\n", out);
	double tsum = 0.0, wsum = 0.0, rsum = 0.0;
	for (int i = 0; i < n; i++) {
		tsum += turn[i];
		/* response[i] stays -1 (an int) only for a job never run. */
		rsum += resp[i];
		wsum += wait[i];
		fprintf(out, "  Job %3d -- Response: ", i);
		py_fprint_2f(out, 3, resp[i]);
		fputs("  Turnaround ", out);
		py_fprint_2f(out, 3, turn[i]);
		fputs("  Wait ", out);
		py_fprint_2f(out, 3, wait[i]);
		fputs("\n", out);
	}
	if (n == 0) {
		rc = py_raise(err, "ZeroDivisionError: float division by "
				   "zero");
		goto done;
	}
	fputs("\n  Average -- Response: ", out);
	py_fprint_2f(out, 3, rsum / n);
	fputs("  Turnaround ", out);
	py_fprint_2f(out, 3, tsum / n);
	fputs("  Wait ", out);
	py_fprint_2f(out, 3, wsum / n);
	fputs("\n\n", out);
done:
	free(turn);
	free(resp);
	free(last);
	free(wait);
	free(ring);
	return rc;
}

int sched_sim(int argc, char **argv, FILE *out, FILE *err)
{
	int64_t seed = 0, njobs = 3, maxlen = 10, quantum = 1;
	const char *jlist = "", *policy = "FIFO";
	bool solve = false;
	const struct pyopt_def defs[] = {
	    {'s', "seed", PYOPT_INT, &seed},
	    {'j', "jobs", PYOPT_INT, &njobs},
	    {'l', "jlist", PYOPT_STR, &jlist},
	    {'m', "maxlen", PYOPT_INT, &maxlen},
	    {'p', "policy", PYOPT_STR, &policy},
	    {'q', "quantum", PYOPT_INT, &quantum},
	    {'c', NULL, PYOPT_TRUE, &solve},
	};
	struct job *jobs = NULL;
	int n = 0, rc = 0;
	bool ints = jlist[0] == 0;

	rc = pyopt_parse("sched-sim", defs, sizeof defs / sizeof defs[0], argc,
			 argv, err);
	if (rc == 1) {
		fputs(help, out);
		return 0;
	}
	if (rc)
		return EXIT_USAGE;
	ints = jlist[0] == 0;

	/* Parse and check everything before the first line of output. */
	if (ints) {
		if (njobs > 1000000) {
			fprintf(err,
				"sched-sim: error: -j %lld: at most "
				"1000000 jobs\n",
				(long long)njobs);
			return EXIT_USAGE;
		}
		n = njobs > 0 ? (int)njobs : 0;
	} else {
		n = 1;
		for (const char *c = jlist; *c; c++)
			n += *c == ',';
	}
	jobs = calloc((size_t)n + 1, sizeof *jobs);
	if (!jobs) {
		fprintf(err, "sched-sim: out of memory\n");
		return 1;
	}
	if (!ints) {
		char *copy = strdup(jlist), *p = copy;
		for (int i = 0; i < n; i++) {
			char *comma = strchr(p, ',');
			if (comma)
				*comma = 0;
			jobs[i].num = i;
			if (py_float(p, &jobs[i].len) != 0) {
				fprintf(err,
					"sched-sim: error: -l: job %d: "
					"could not convert string to float: "
					"'%s'\n",
					i, p);
				free(copy);
				free(jobs);
				return EXIT_USAGE;
			}
			p = comma ? comma + 1 : p;
		}
		free(copy);
	}
	/* RR: a job longer than the quantum that never shrinks (quantum <= 0,
	   or an infinite run time) keeps scheduler.py printing for ever. */
	if (solve && strcmp(policy, "RR") == 0)
		for (int i = 0; i < n; i++)
			if (ints ? quantum <= 0
				 : jobs[i].len > (double)quantum &&
				       (quantum <= 0 || isinf(jobs[i].len))) {
				fprintf(err,
					"sched-sim: error: -p RR -q %lld: "
					"scheduler.py would loop for ever "
					"(job %d is longer than the quantum "
					"and never shrinks)\n",
					(long long)quantum, i);
				free(jobs);
				return EXIT_USAGE;
			}
	if (solve && strcmp(policy, "SJF") == 0 && !ints)
		for (int i = 0; i < n; i++)
			if (isnan(jobs[i].len)) {
				fprintf(err, "sched-sim: error: -p SJF: a NaN "
					     "run time has no place in the "
					     "order\n");
				free(jobs);
				return EXIT_USAGE;
			}

	fprintf(out, "ARG policy %s\n", policy);
	if (ints) {
		fprintf(out, "ARG jobs %lld\nARG maxlen %lld\nARG seed %lld\n",
			(long long)njobs, (long long)maxlen, (long long)seed);
	} else {
		fprintf(out, "ARG jlist %s\n", jlist);
	}
	fputs("\nHere is the job list, with the run time of each job: \n", out);
	if (ints) {
		struct pyrandom r;
		pyrandom_seed(&r, seed);
		for (int i = 0; i < n; i++) {
			/* int(maxlen * random.random()) + 1 */
			double x = (double)maxlen * pyrandom_random(&r);
			jobs[i].num = i;
			jobs[i].is_int = true;
			jobs[i].ilen = (int64_t)x + 1;
			fprintf(out, "  Job %d ( length = %lld )\n", i,
				(long long)jobs[i].ilen);
		}
	} else {
		for (int i = 0; i < n; i++) {
			char num[40];
			py_float_repr(jobs[i].len, num, sizeof num);
			fprintf(out, "  Job %d ( length = %s )\n", i, num);
		}
	}
	fputs("\n\n", out);

	if (!solve) {
		fputs("Compute the turnaround time, response time, and wait "
		      "time for each job.\n"
		      "When you are done, run this program again, with the "
		      "same arguments,\n"
		      "but with -c, which will thus provide you with the "
		      "answers. You can use\n"
		      "-s <somenumber> or your own job list (-l 10,15,20 for "
		      "example)\n"
		      "to generate different problems for yourself.\n\n",
		      out);
		free(jobs);
		return 0;
	}
	fputs("** Solutions **\n\n", out);
	const char *pol = policy;
	if (strcmp(pol, "SJF") == 0) {
		qsort(jobs, (size_t)n, sizeof *jobs, by_len);
		pol = "FIFO";
	}
	if (strcmp(pol, "FIFO") == 0)
		rc = fifo(out, err, jobs, n, ints);
	else if (strcmp(pol, "RR") == 0)
		rc = rr(out, err, jobs, n, (double)quantum);
	else
		fprintf(out, "Error: Policy %s is not available.\n", policy);
	free(jobs);
	return rc;
}

#ifndef SCHED_SIM_NO_MAIN
void kassert_fail(const char *expr, const char *file, int line,
		  const char *func)
{
	fprintf(stderr, "sched-sim: assertion '%s' failed at %s:%d in %s()\n",
		expr, file, line, func);
	abort();
}

int main(int argc, char **argv)
{
	int rc = sched_sim(argc, argv, stdout, stderr);

	if (fflush(stdout) != 0)
		return 1;
	return rc;
}
#endif
