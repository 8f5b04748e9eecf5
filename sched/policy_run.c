/*
 * policy_run — OSTEP workloads over the policies of sched/policy.h, in the
 * simulators' own formats (see policy_run.h).
 *
 * Turnaround, response and wait are the notes' metrics (§3 "调度：介绍",
 * 000_4ce0ed622454299e.txt): turnaround = completion - arrival, response =
 * first run - arrival; scheduler.py's wait is turnaround - run time, as
 * every job arrives at 0 and never blocks.
 */
#include "sched/policy_run.h"

#include "lib/kassert.h"

#define LOTTERY_DRAW_RANGE 1000001u /* int(random() * 1000001) */

static const char *const sched_py_name[] = {
    [POLICY_FIFO] = "FIFO", [POLICY_SJF] = "SJF", [POLICY_RR] = "RR"};

enum prun_format prun_format_for(enum policy_kind kind,
				 const struct workload_job *w, size_t n)
{
	bool all_at_zero = true;
	for (size_t i = 0; i < n; i++)
		all_at_zero = all_at_zero && w[i].start == 0;
	if (!all_at_zero || kind == POLICY_STCF || kind == POLICY_STRIDE)
		return PRUN_SEGMENTS;
	return kind == POLICY_LOTTERY ? PRUN_LOTTERY : PRUN_SCHEDULER;
}

/* lottery.py's draw: r = int(random() * 1000001), kept for its line. */
static uint32_t py_draw(void *ctx, uint32_t total)
{
	struct prun *r = ctx;
	r->last_draw = pyrandom_int_times(&r->rng, LOTTERY_DRAW_RANGE);
	r->drew = true;
	return (uint32_t)((uint64_t)r->last_draw % total);
}

/* Ticks the whole run takes at most: every job's work, the last arrival,
 * and for lottery.py's accounting each job's last turn rounded up. */
static uint64_t run_bound(const struct workload_job *w, size_t n,
			  uint32_t quantum, enum prun_format fmt)
{
	uint64_t sum = 0, last = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t run = w[i].run;
		if (fmt == PRUN_LOTTERY)
			run = (run + quantum - 1) / quantum * quantum;
		sum += run;
		if (w[i].start > last)
			last = w[i].start;
	}
	return sum + last;
}

static const char *check(const struct policy_params *pp,
			 const struct workload_job *w, const uint32_t *tickets,
			 size_t n)
{
	const char *bad = policy_params_check(pp);
	if (bad)
		return bad;
	if (n < 1 || n > PRUN_MAX_JOBS)
		return "a workload needs 1 .. 1024 jobs under this policy";
	for (size_t i = 0; i < n; i++) {
		if (w[i].iofreq != 0)
			return "only the MLFQ runner simulates I/O: every "
			       "job's "
			       "third field must be 0 under this policy";
		if (w[i].run < 1)
			return "every job needs a run time of at least 1";
		if (tickets &&
		    (tickets[i] < 1 || tickets[i] > POLICY_MAX_TICKETS))
			return "tickets must be 1 .. 1048576 a job";
	}
	if (run_bound(w, n, pp->quantum, prun_format_for(pp->kind, w, n)) >
	    PRUN_MAX_TICKS)
		return "the workload would run more than 100000000 ticks";
	return NULL;
}

const char *prun_init(struct prun *r, const struct policy_params *pp,
		      const struct workload_job *w, const uint32_t *tickets,
		      size_t n, struct prun_job *jobs, mlfq_out_fn out,
		      void *ctx)
{
	struct policy_params p = *pp;
	const char *bad = check(pp, w, tickets, n);
	if (bad)
		return bad;
	r->fmt = prun_format_for(pp->kind, w, n);
	if (r->fmt == PRUN_LOTTERY) {
		p.draw = py_draw;
		p.draw_ctx = r;
		pyrandom_seed(&r->rng, (int64_t)pp->seed);
	}
	policy_init(&r->pol, &p);
	r->jobs = jobs;
	r->njobs = n;
	r->nfinished = 0;
	r->now = 0;
	r->picked = r->seg_job = r->slice_job = PRUN_IDLE;
	r->seg_start = r->slice_start = r->turns = r->tickets_left = 0;
	r->drew = false;
	r->out = out;
	r->ctx = ctx;
	for (size_t i = 0; i < n; i++) {
		struct prun_job *j = &jobs[i];
		*j = (struct prun_job){.start = w[i].start,
				       .run = w[i].run,
				       .left = w[i].run,
				       .tickets = tickets ? tickets[i] : 100};
		r->tickets_left += j->tickets;
	}
	return NULL;
}

/* --------------------------------------------------------- the header -- */

static void header_scheduler(struct prun *r)
{
	r->out(r->ctx, "ARG policy %s\n", sched_py_name[r->pol.p.kind]);
	r->out(r->ctx, "ARG jlist ");
	for (size_t i = 0; i < r->njobs; i++)
		r->out(r->ctx, "%s%u", i ? "," : "", r->jobs[i].run);
	r->out(r->ctx, "\n\nHere is the job list, with the run time of each "
		       "job: \n");
	for (size_t i = 0; i < r->njobs; i++) /* Python's repr(float(run)) */
		r->out(r->ctx, "  Job %u ( length = %u.0 )\n", (unsigned)i,
		       r->jobs[i].run);
	r->out(r->ctx, "\n\n** Solutions **\n\nExecution trace:\n");
}

static void header_lottery(struct prun *r)
{
	r->out(r->ctx, "ARG jlist ");
	for (size_t i = 0; i < r->njobs; i++)
		r->out(r->ctx, "%s%u:%u", i ? "," : "", r->jobs[i].run,
		       r->jobs[i].tickets);
	/* lottery.py prints its -j, -m and -T defaults even with -l. */
	r->out(r->ctx, "\nARG jobs 3\nARG maxlen 10\nARG maxticket 100\n");
	r->out(r->ctx, "ARG quantum %u\nARG seed %llu\n\n", r->pol.p.quantum,
	       (unsigned long long)r->pol.p.seed);
	r->out(r->ctx,
	       "Here is the job list, with the run time of each job: \n");
	for (size_t i = 0; i < r->njobs; i++)
		r->out(r->ctx, "  Job %u ( length = %u, tickets = %u )\n",
		       (unsigned)i, r->jobs[i].run, r->jobs[i].tickets);
	r->out(r->ctx, "\n\n** Solutions **\n\n");
}

void prun_header(struct prun *r)
{
	if (r->fmt == PRUN_SCHEDULER)
		header_scheduler(r);
	else if (r->fmt == PRUN_LOTTERY)
		header_lottery(r);
}

/* ---------------------------------------------------------- the ticks -- */

void prun_begin_tick(struct prun *r)
{
	for (size_t i = 0; i < r->njobs; i++) {
		struct prun_job *j = &r->jobs[i];
		if (j->start != r->now || j->finished)
			continue;
		j->ent = (struct policy_ent){.length = j->run,
					     .tickets = j->tickets};
		policy_enqueue(&r->pol, &j->ent);
	}
}

static int index_of(const struct prun *r, const struct policy_ent *e)
{
	const char *base = (const char *)r->jobs;
	return (int)(((const char *)e - offsetof(struct prun_job, ent) - base) /
		     (ptrdiff_t)sizeof(struct prun_job));
}

/* lottery.py's lines for a draw: the winner, then every job's state. */
static void lottery_draw_lines(struct prun *r, int win)
{
	r->out(r->ctx, "Random %lld -> Winning ticket %lld (of %u) -> Run %d\n",
	       (long long)r->last_draw,
	       (long long)(r->last_draw % r->tickets_left), r->tickets_left,
	       win);
	r->out(r->ctx, "  Jobs:\n");
	for (size_t k = 0; k < r->njobs; k++) {
		const struct prun_job *j = &r->jobs[k];
		r->out(r->ctx, " (%s job:%u timeleft:%u ",
		       (int)k == win ? "*" : " ", (unsigned)k, j->left);
		if (j->left > 0)
			r->out(r->ctx, "tix:%u ) ", j->tickets);
		else
			r->out(r->ctx, "tix:--- ) ");
	}
	r->out(r->ctx, "\n");
}

int prun_pick(struct prun *r)
{
	struct policy_ent *e;
	r->drew = false;
	e = policy_pick(&r->pol);
	r->picked = e ? index_of(r, e) : PRUN_IDLE;
	if (r->fmt == PRUN_LOTTERY && r->drew)
		lottery_draw_lines(r, r->picked);
	if (r->fmt == PRUN_SEGMENTS && r->picked != r->seg_job) {
		if (r->seg_job != PRUN_IDLE)
			r->out(r->ctx, "seg %d %u %u\n", r->seg_job,
			       r->seg_start, r->now);
		r->seg_job = r->picked;
		r->seg_start = r->now;
	}
	if (r->fmt == PRUN_SCHEDULER && r->picked != r->slice_job) {
		r->slice_job = r->picked;
		r->slice_start = r->now;
	}
	return r->picked;
}

static void finish(struct prun *r, int i)
{
	struct prun_job *j = &r->jobs[i];
	j->finished = true;
	j->end = r->now + 1;
	r->order[r->nfinished++] = (uint16_t)i;
	r->tickets_left -= j->tickets;
	policy_dequeue(&r->pol, &j->ent);
}

/* scheduler.py's line for a slice that ends with this tick. */
static void slice_line(struct prun *r, int i, bool done)
{
	uint32_t ran = r->now + 1 - r->slice_start;
	if (r->pol.p.kind == POLICY_RR)
		r->out(r->ctx, "  [ time %3u ] Run job %3d for %u.00 secs",
		       r->slice_start, i, ran);
	else
		r->out(r->ctx, "  [ time %3u ] Run job %d for %u.00 secs",
		       r->slice_start, i, ran);
	if (done)
		r->out(r->ctx, " ( DONE at %u.00 )", r->now + 1);
	r->out(r->ctx, "\n");
	r->slice_job = PRUN_IDLE;
}

void prun_end_tick(struct prun *r)
{
	int i = r->picked;
	struct prun_job *j;
	bool turn_over, done;
	if (i == PRUN_IDLE) {
		r->now++;
		return;
	}
	j = &r->jobs[i];
	if (!j->has_run) {
		j->has_run = true;
		j->first = r->now;
	}
	j->ticks++;
	turn_over = policy_charge(&r->pol, &j->ent);
	if (j->left > 0)
		j->left--;
	/* lottery.py charges whole quanta: the job ends with its turn. */
	done = j->left == 0 && (r->fmt != PRUN_LOTTERY || turn_over);
	if (done)
		finish(r, i);
	if (r->fmt == PRUN_SCHEDULER && (done || turn_over))
		slice_line(r, i, done);
	if (r->fmt == PRUN_LOTTERY && done) {
		r->out(r->ctx, "--> JOB %d DONE at time %u\n", i, r->now + 1);
		if (r->nfinished == r->njobs)
			r->out(r->ctx, "\n");
	}
	if (r->fmt == PRUN_SEGMENTS && done) {
		r->out(r->ctx, "seg %d %u %u\n", i, r->seg_start, r->now + 1);
		r->seg_job = PRUN_IDLE;
	}
	r->now++;
}

bool prun_done(const struct prun *r)
{
	return r->nfinished == r->njobs;
}

/* ---------------------------------------------------------- the stats -- */

static void avg(char *buf, uint64_t sum, size_t n)
{
	mlfq_format_avg(buf, 24, sum, (uint32_t)n);
}

static void stats_scheduler(struct prun *r)
{
	char a[24], b[24], c[24];
	uint64_t rs = 0, ts = 0, ws = 0;
	bool rr = r->pol.p.kind == POLICY_RR;
	r->out(r->ctx, "\nFinal statistics:\n");
	for (size_t k = 0; k < r->njobs; k++) {
		/* FIFO and SJF list the jobs in the order they ran. */
		const struct prun_job *j = &r->jobs[rr ? k : r->order[k]];
		uint32_t wait = j->end - j->run;
		r->out(r->ctx,
		       "  Job %3u -- Response: %u.00  Turnaround %u.00  "
		       "Wait %u.00\n",
		       rr ? (unsigned)k : r->order[k], j->first, j->end, wait);
		rs += j->first;
		ts += j->end;
		ws += wait;
	}
	avg(a, rs, r->njobs);
	avg(b, ts, r->njobs);
	avg(c, ws, r->njobs);
	r->out(r->ctx,
	       "\n  Average -- Response: %s  Turnaround %s  Wait %s\n\n", a, b,
	       c);
}

static void stats_segments(struct prun *r)
{
	char a[24], b[24];
	uint64_t rs = 0, ts = 0;
	for (size_t k = 0; k < r->njobs; k++) {
		const struct prun_job *j = &r->jobs[k];
		uint32_t resp = j->first - j->start, turn = j->end - j->start;
		r->out(r->ctx,
		       "job %u arrive %u length %u tickets %u response %u "
		       "turnaround %u\n",
		       (unsigned)k, j->start, j->run, j->tickets, resp, turn);
		rs += resp;
		ts += turn;
	}
	avg(a, rs, r->njobs);
	avg(b, ts, r->njobs);
	r->out(r->ctx, "average response %s turnaround %s\n", a, b);
}

void prun_stats(struct prun *r)
{
	kassert(prun_done(r));
	if (r->fmt == PRUN_SCHEDULER)
		stats_scheduler(r);
	else if (r->fmt == PRUN_SEGMENTS)
		stats_segments(r);
}
