/*
 * Host tests of sched/policy_run.c, the code the kernel's workload runner
 * prints through under sched.policy=:
 *  - for every golden output of scheduler.py and lottery.py
 *    (tests/golden/sched/, tests/golden/lottery/) whose flags a kernel
 *    workload can express (a -l list of whole run times, -c, and for the
 *    lottery -s and -q), policy_run prints the same bytes;
 *  - for a few hundred random workloads, the same bytes as sched_sim and
 *    lottery_sim run in-process with the matching flags.
 * (The kernel runs the same file tick by tick: tools/harness policies
 * checks the kernel's own output against the tools.)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/ktest.h"
#include "sched/policy_run.h"
#include "tests/host/sim_capture.h"

int sched_sim(int argc, char **argv, FILE *out, FILE *err);
int lottery_sim(int argc, char **argv, FILE *out, FILE *err);

#ifndef KEEL_SRCDIR
#define KEEL_SRCDIR "."
#endif

#define MAXJ 64

static void out_file(void *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(ctx, fmt, ap);
	va_end(ap);
}

/* policy_run over the jobs, all arriving at 0; its output, malloc'd. */
static char *prun_output(enum policy_kind kind, uint32_t quantum, uint64_t seed,
			 const uint32_t *runs, const uint32_t *tickets,
			 size_t n, size_t *len)
{
	static struct prun r;
	static struct prun_job jobs[MAXJ];
	struct workload_job w[MAXJ];
	struct policy_params pp = {
	    .kind = kind, .quantum = quantum, .seed = seed};
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	for (size_t i = 0; i < n; i++)
		w[i] = (struct workload_job){.start = 0, .run = runs[i]};
	const char *bad = prun_init(&r, &pp, w, tickets, n, jobs, out_file, f);
	if (bad) {
		fprintf(f, "refused: %s\n", bad);
	} else {
		prun_header(&r);
		while (!prun_done(&r)) {
			prun_begin_tick(&r);
			prun_pick(&r);
			prun_end_tick(&r);
		}
		prun_stats(&r);
	}
	fclose(f);
	return buf;
}

static bool same_text(const char *what, const char *a, size_t alen,
		      const char *b, size_t blen)
{
	size_t i = 0, line = 1;
	if (alen == blen && memcmp(a, b, alen) == 0)
		return true;
	while (i < alen && i < blen && a[i] == b[i])
		line += a[i++] == '\n';
	ktest_diag("%s: differs at line %zu", what, line);
	return false;
}

/* "10,20,30" or "10:100,20:50" (tickets != NULL) into runs[]; false if
 * it is not a list of whole numbers >= 1 a kernel workload can take. */
static bool parse_list(const char *s, uint32_t *runs, uint32_t *tickets,
		       size_t *n)
{
	char *copy = strdup(s), *save = NULL;
	bool ok = true;
	*n = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok && ok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long run = strtoul(tok, &end, 10), tix = 0;
		if (tickets && *end == ':')
			tix = strtoul(end + 1, &end, 10);
		ok = *n < MAXJ && *end == 0 && tok[0] >= '0' && tok[0] <= '9' &&
		     run >= 1 && run < 100000 &&
		     (!tickets || (tix >= 1 && tix <= POLICY_MAX_TICKETS));
		if (ok) {
			runs[*n] = (uint32_t)run;
			if (tickets)
				tickets[*n] = (uint32_t)tix;
			(*n)++;
		}
	}
	free(copy);
	return ok && *n > 0;
}

/* A decimal number below 2^31, nothing else. */
static bool whole(const char *v, unsigned long *x)
{
	char *end;
	*x = strtoul(v, &end, 10);
	return v[0] >= '0' && v[0] <= '9' && *end == 0 && *x < (1ul << 31);
}

/*
 * The flags of a golden file's name (tokens joined by '_', see
 * test_policy_host.c), if policy_run can run them: -c, -l, and -p, -q,
 * -s as given; any other flag (random jobs) and it cannot.
 */
static bool golden_flags(const char *name, bool lottery, enum policy_kind *kind,
			 uint32_t *q, uint64_t *seed, uint32_t *runs,
			 uint32_t *tix, size_t *n)
{
	char flags[256];
	bool solve = false, list = false, ok = true;
	unsigned long x;
	snprintf(flags, sizeof flags, "%.*s", (int)(strlen(name) - 4), name);
	*kind = lottery ? POLICY_LOTTERY : POLICY_FIFO;
	*q = 1;
	*seed = 0;
	for (char *tok = strtok(flags, "_"); tok && ok;
	     tok = strtok(NULL, "_")) {
		const char *v = tok + 1;
		if (tok[0] == 'c' && !v[0])
			solve = true;
		else if (tok[0] == 'l')
			list = ok =
			    parse_list(v, runs, lottery ? tix : NULL, n);
		else if (tok[0] == 'q')
			ok = whole(v, &x) && x >= 1, *q = (uint32_t)x;
		else if (tok[0] == 's' && lottery)
			ok = whole(v, &x), *seed = x;
		else if (tok[0] == 'p' && !lottery &&
			 (!strcmp(v, "FIFO") || !strcmp(v, "SJF") ||
			  !strcmp(v, "RR")))
			*kind = (enum policy_kind)policy_kind_of(
			    !strcmp(v, "FIFO")	? "fifo"
			    : !strcmp(v, "SJF") ? "sjf"
						: "rr");
		else
			ok = false;
	}
	return ok && solve && list;
}

static int golden_dir(const char *sub, bool lottery)
{
	char dir[512], path[640], *names[64];
	int count, used = 0;
	snprintf(dir, sizeof dir, "%s/tests/golden/%s", KEEL_SRCDIR, sub);
	count = sim_golden_names(dir, names, 64);
	for (int i = 0; i < count; i++) {
		uint32_t runs[MAXJ], tix[MAXJ], q;
		uint64_t seed;
		size_t n, glen, plen;
		enum policy_kind kind;
		if (golden_flags(names[i], lottery, &kind, &q, &seed, runs, tix,
				 &n)) {
			snprintf(path, sizeof path, "%s/%s", dir, names[i]);
			char *golden = sim_read_file(path, &glen);
			char *got = prun_output(kind, q, seed, runs,
						lottery ? tix : NULL, n, &plen);
			if (!golden ||
			    !same_text(names[i], got, plen, golden, glen))
				KTEST_FAIL(names[i]);
			used++;
			free(golden);
			free(got);
		}
		free(names[i]);
	}
	return used;
}

KTEST(policy_run_host, golden_scheduler_py_outputs)
{
	/* c_l10,20,30, c_pRR_q1_l200,100,200, c_pSJF_l100,10,10, ... */
	KEXPECT_TRUE(golden_dir("sched", false) >= 5);
}

KTEST(policy_run_host, golden_lottery_py_outputs)
{
	/* c_l10:100,20:50, c_l10:1,10:100_q3, c_s0_l30:1,30:29, ... */
	KEXPECT_TRUE(golden_dir("lottery", true) >= 5);
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* The simulator's output for the same jobs, through its command line. */
static char *sim_output(enum policy_kind kind, uint32_t q, uint64_t seed,
			const uint32_t *runs, const uint32_t *tix, size_t n,
			size_t *len)
{
	char list[MAXJ * 24] = "", qs[16], ss[24], pol[16];
	struct sim_result r;
	size_t at = 0;
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(list + at, sizeof list - at,
				       kind == POLICY_LOTTERY ? "%s%u:%u"
							      : "%s%u",
				       i ? "," : "", runs[i], tix[i]);
	snprintf(qs, sizeof qs, "%u", q);
	snprintf(ss, sizeof ss, "%llu", (unsigned long long)seed);
	snprintf(pol, sizeof pol, "%s",
		 kind == POLICY_FIFO  ? "FIFO"
		 : kind == POLICY_SJF ? "SJF"
				      : "RR");
	char *sargv[] = {"sched-sim", "-p", pol,  "-q", qs,
			 "-l",	      list, "-c", NULL};
	char *largv[] = {"lottery-sim", "-s", ss,   "-q", qs,
			 "-l",		list, "-c", NULL};
	if (kind == POLICY_LOTTERY)
		sim_capture(lottery_sim, 8, largv, &r);
	else
		sim_capture(sched_sim, 8, sargv, &r);
	*len = r.out_len;
	char *out = r.out;
	r.out = NULL;
	sim_result_free(&r);
	return out;
}

KTEST(policy_run_host, random_workloads_match_the_simulators)
{
	static const enum policy_kind kinds[] = {POLICY_FIFO, POLICY_SJF,
						 POLICY_RR, POLICY_LOTTERY};
	uint32_t s = 13;
	int bad = 0;
	for (int it = 0; it < 150 && bad < 3; it++) {
		uint32_t runs[8], tix[8], q = 1 + rnd(&s) % 5;
		uint64_t seed = rnd(&s) % 100;
		size_t n = 1 + rnd(&s) % 6;
		for (size_t i = 0; i < n; i++) {
			runs[i] = 1 + rnd(&s) % 30;
			tix[i] = 1 + rnd(&s) % 300;
		}
		for (int k = 0; k < 4; k++) {
			size_t alen, blen;
			char *a =
			    prun_output(kinds[k], q, seed, runs, tix, n, &alen);
			char *b =
			    sim_output(kinds[k], q, seed, runs, tix, n, &blen);
			if (!same_text(policy_name(kinds[k]), a, alen, b, blen))
				bad++;
			free(a);
			free(b);
		}
	}
	KEXPECT_EQ(bad, 0);
}

KTEST(policy_run_host, formats_follow_policy_and_arrivals)
{
	struct workload_job at0[2] = {{0, 5, 0}, {0, 3, 0}};
	struct workload_job late[2] = {{0, 5, 0}, {2, 3, 0}};
	KEXPECT_EQ(prun_format_for(POLICY_RR, at0, 2), PRUN_SCHEDULER);
	KEXPECT_EQ(prun_format_for(POLICY_LOTTERY, at0, 2), PRUN_LOTTERY);
	KEXPECT_EQ(prun_format_for(POLICY_STCF, at0, 2), PRUN_SEGMENTS);
	KEXPECT_EQ(prun_format_for(POLICY_STRIDE, at0, 2), PRUN_SEGMENTS);
	KEXPECT_EQ(prun_format_for(POLICY_FIFO, late, 2), PRUN_SEGMENTS);
}

KTEST(policy_run_host, refuses_io_and_bad_tickets)
{
	static struct prun r;
	static struct prun_job jobs[2];
	struct workload_job io[1] = {{0, 5, 2}}, ok[1] = {{0, 5, 0}};
	uint32_t zero = 0;
	struct policy_params pp = {.kind = POLICY_RR, .quantum = 1};
	KEXPECT_TRUE(prun_init(&r, &pp, io, NULL, 1, jobs, out_file, stdout) !=
		     NULL);
	KEXPECT_TRUE(prun_init(&r, &pp, ok, &zero, 1, jobs, out_file, stdout) !=
		     NULL);
	KEXPECT_TRUE(prun_init(&r, &pp, ok, NULL, 1, jobs, out_file, stdout) ==
		     NULL);
}
