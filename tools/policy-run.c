/*
 * policy-run: one workload under any policy of sched/policy.h, tick by
 * tick, through the same calls the kernel makes (enqueue on arrival, pick,
 * charge, dequeue at exit).  It is how tools/compare-sched draws STCF and
 * stride, which have no OSTEP simulator, and how tools/sched-diff checks
 * the policies' order rules against scheduler.py (FIFO, SJF, RR).
 *
 *   policy-run -p fifo|sjf|stcf|rr|lottery|stride [-q QUANTUM] [-s SEED]
 *              -l arrival:length[:tickets],...
 *
 * Tickets default to 100.  Output, one record a line:
 *   seg JOB START END          JOB ran in ticks [START, END)
 *   job JOB arrive A length L tickets T response R turnaround U
 *   average response %.2f turnaround %.2f
 * Bad flags or job lists: one line `policy-run: ...`, exit status 2.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kassert.h"
#include "sched/policy.h"

#define MAXJ	  256
#define MAX_TICKS 10000000u

struct pjob {
	uint32_t arrive, length, tickets, left;
	int64_t first, done;
	struct policy_ent ent;
};

static int usage(const char *msg)
{
	fprintf(stderr, "policy-run: %s\n", msg);
	return 2;
}

static bool num(const char *s, uint32_t *v)
{
	char *end;
	unsigned long x;

	if (*s < '0' || *s > '9')
		return false;
	x = strtoul(s, &end, 10);
	if (*end || x > MAX_TICKS)
		return false;
	*v = (uint32_t)x;
	return true;
}

static struct policy pol;
static struct pjob jobs[MAXJ];

int main(int argc, char **argv)
{
	struct policy_params pp = {.kind = POLICY_FIFO, .quantum = 1};
	const char *jl = NULL;
	int n = 0, k, left;
	const char *why;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t x;
		if (strcmp(a, "-p") == 0 && v) {
			k = policy_kind_of(v);
			if (k < 0)
				return usage("-p: fifo, sjf, stcf, rr, lottery "
					     "or stride");
			pp.kind = (enum policy_kind)k;
		} else if (strcmp(a, "-q") == 0 && v) {
			if (!num(v, &x))
				return usage("-q: a number of ticks");
			pp.quantum = x;
		} else if (strcmp(a, "-s") == 0 && v) {
			if (!num(v, &x))
				return usage("-s: a number");
			pp.seed = x;
		} else if (strcmp(a, "-l") == 0 && v) {
			jl = v;
		} else {
			return usage(
			    "usage: policy-run -p POLICY [-q QUANTUM] "
			    "[-s SEED] -l arrival:length[:tickets],...");
		}
		i++;
	}
	if (!jl)
		return usage("-l: a job list is needed");
	if ((why = policy_params_check(&pp)))
		return usage(why);
	char *copy = strdup(jl), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *f[3] = {tok, NULL, NULL};
		struct pjob *j = &jobs[n];
		if (n == MAXJ) {
			free(copy);
			return usage("-l: at most 256 jobs");
		}
		f[1] = strchr(tok, ':');
		if (f[1]) {
			*f[1]++ = 0;
			f[2] = strchr(f[1], ':');
			if (f[2])
				*f[2]++ = 0;
		}
		j->tickets = 100;
		if (!f[1] || !num(f[0], &j->arrive) || !num(f[1], &j->length) ||
		    j->length == 0 || (f[2] && !num(f[2], &j->tickets)) ||
		    j->tickets == 0 || j->tickets > POLICY_MAX_TICKETS) {
			free(copy);
			return usage("-l: arrival:length[:tickets], length "
				     ">= 1, tickets 1 .. 1048576");
		}
		j->left = j->length;
		j->first = j->done = -1;
		n++;
	}
	free(copy);

	policy_init(&pol, &pp);
	left = n;
	int cur = -1;
	uint32_t seg_start = 0;
	for (uint32_t t = 0; left > 0; t++) {
		if (t >= MAX_TICKS)
			return usage("more than 10000000 ticks");
		for (int i = 0; i < n; i++)
			if (jobs[i].arrive == t) {
				jobs[i].ent = (struct policy_ent){
				    .length = jobs[i].length,
				    .tickets = jobs[i].tickets};
				policy_enqueue(&pol, &jobs[i].ent);
			}
		struct policy_ent *e = policy_pick(&pol);
		int r = e ? (int)((struct pjob *)((char *)e -
						  offsetof(struct pjob, ent)) -
				  jobs)
			  : -1;
		if (r != cur) {
			if (cur >= 0)
				printf("seg %d %u %u\n", cur, seg_start, t);
			cur = r;
			seg_start = t;
		}
		if (r < 0)
			continue;
		if (jobs[r].first < 0)
			jobs[r].first = t;
		policy_charge(&pol, e);
		if (--jobs[r].left == 0) {
			jobs[r].done = t + 1;
			policy_dequeue(&pol, e);
			left--;
			printf("seg %d %u %u\n", r, seg_start, t + 1);
			cur = -1;
		}
	}
	double rs = 0, ts = 0;
	for (int i = 0; i < n; i++) {
		int64_t resp = jobs[i].first - jobs[i].arrive,
			turn = jobs[i].done - jobs[i].arrive;
		printf("job %d arrive %u length %u tickets %u response %lld "
		       "turnaround %lld\n",
		       i, jobs[i].arrive, jobs[i].length, jobs[i].tickets,
		       (long long)resp, (long long)turn);
		rs += (double)resp;
		ts += (double)turn;
	}
	if (n)
		printf("average response %.2f turnaround %.2f\n", rs / n,
		       ts / n);
	return 0;
}

void kassert_fail(const char *expr, const char *file, int line,
		  const char *func)
{
	fprintf(stderr, "policy-run: assertion '%s' failed at %s:%d in %s()\n",
		expr, file, line, func);
	abort();
}
