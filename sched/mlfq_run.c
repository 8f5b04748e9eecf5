/*
 * mlfq_run: the simulator's tick loop and its output.  See mlfq_run.h.
 *
 * Output formats are OSTEP's (mlfq.py's "%d", "%2d", "%3d" and "%.2f"
 * fields); they are produced here without a printf so that the kernel's
 * and the host's text cannot differ.
 */
#include "sched/mlfq_run.h"

#include "lib/kassert.h"

enum { PHASE_BEGIN, PHASE_PICK, PHASE_END };

/* ----------------------------------------------------------- one line -- */

#define MLFQ_LINE_LEN 160

struct line {
	char b[MLFQ_LINE_LEN];
	size_t n;
};

static void l_str(struct line *l, const char *s)
{
	while (*s && l->n + 1 < MLFQ_LINE_LEN)
		l->b[l->n++] = *s++;
	l->b[l->n] = '\0';
}

/*
 * v in decimal, right-aligned in width columns (Python's "%<width>d").
 * Values that fit in 32 bits use 32-bit division: this runs in the
 * kernel's timer interrupt, where 64-bit division is a libgcc call.
 */
static void l_num(struct line *l, uint64_t v, int width)
{
	char d[24];
	int n = 0;

	for (; v > UINT32_MAX; v /= 10)
		d[n++] = (char)('0' + v % 10);
	for (uint32_t w = (uint32_t)v; n == 0 || w; w /= 10)
		d[n++] = (char)('0' + w % 10);
	for (int pad = width - n; pad > 0 && l->n + 1 < MLFQ_LINE_LEN; pad--)
		l->b[l->n++] = ' ';
	while (n && l->n + 1 < MLFQ_LINE_LEN)
		l->b[l->n++] = d[--n];
	l->b[l->n] = '\0';
}

/* A value that may be negative in the wide build: Python's "%<width>d". */
static void l_val(struct line *l, mlfq_val v, int width)
{
#ifdef MLFQ_WIDE
	if (v < 0) {
		struct line t = {.n = 0};
		l_num(&t, 0 - (uint64_t)v, 0);
		for (int pad = width - 1 - (int)t.n; pad > 0; pad--)
			l_str(l, " ");
		l_str(l, "-");
		l_str(l, t.b);
		return;
	}
#endif
	l_num(l, (uint64_t)v, width);
}

static void emit(struct mlfq_run *r, struct line *l)
{
	r->out(r->ctx, "%s\n", l->b);
	l->n = 0;
	l->b[0] = '\0';
}

static void emit_str(struct mlfq_run *r, const char *s)
{
	r->out(r->ctx, "%s\n", s);
}

/* "[ time <t> ] " */
static void l_time(struct line *l, uint32_t t)
{
	l_str(l, "[ time ");
	l_num(l, t, 0);
	l_str(l, " ] ");
}

/* -------------------------------------------------------- the average -- */

/*
 * Python prints '%.2f' % d, where d = float(sum) / n is the double nearest
 * to sum/n, and '%.2f' rounds d's exact binary value to two decimals, an
 * exact tie going to the even digit.  Let h = floor(100 * sum / n).
 *
 * If sum/n is not exactly the midpoint M = (2h+1)/200, then sum/n - M is a
 * multiple of 1/(200 n), at least 1/(200 * 10^4) > 2^-21 away from M, while
 * d is within half an ulp of sum/n, at most 2^-23 for sum/n < 2^31: d is
 * on the same side of M as sum/n, so rounding sum/n itself is right.
 *
 * If sum/n = M exactly, d is M rounded to 53 bits.  M = a/200 with a odd.
 * If 25 divides a, M = (a/25)/8 is a double: an exact tie, to even.
 * Otherwise d != M, and d > M iff M rounded up: with 2^p <= M < 2^(p+1)
 * and e = 52 - p, the significand is a * 2^e / 200, which rounds up iff
 * its fractional part, (a * 2^e mod 200) / 200, is more than 1/2 (it
 * cannot be exactly 1/2, as 25 does not divide a).
 */
static bool midpoint_rounds_up(uint64_t a)
{
	int e;
	uint32_t frac;

	if (a % 25 == 0)
		return false; /* exact: the caller breaks the tie to even */
	if (a >= 200) {
		int p = 0;
		while ((200ull << (p + 1)) <= a)
			p++;
		e = 52 - p;
	} else {
		int q = 1;
		while ((a << q) < 200)
			q++;
		e = 52 + q;
	}
	kassert(e > 0);
	frac = (uint32_t)(a % 200);
	while (e--)
		frac = frac * 2 % 200;
	return frac > 100;
}

size_t mlfq_format_avg(char *buf, size_t len, uint64_t sum, uint32_t n)
{
	uint64_t h, rem;
	struct line l = {.n = 0};

	kassert(n >= 1 && n <= MLFQ_RUN_MAX_JOBS && len >= 16);
	kassert(sum / n <= MLFQ_RUN_MAX_TICKS);
	h = sum * 100 / n;
	rem = sum * 100 % n;
	if (2 * rem > n)
		h++;
	else if (2 * rem == n) {
		uint64_t a = 2 * h + 1;
		if (a % 25 == 0)
			h += h & 1; /* exact tie: to even */
		else
			h += midpoint_rounds_up(a);
	}
	l_num(&l, h / 100, 0);
	l_str(&l, ".");
	l_num(&l, h / 10 % 10, 0);
	l_num(&l, h % 10, 0);
	for (size_t i = 0; i <= l.n; i++)
		buf[i] = l.b[i];
	return l.n;
}

/* -------------------------------------------------------------- setup -- */

#ifdef MLFQ_WIDE
static const char *check_jobs(const mlfq_spec_t *w, size_t n, mlfq_val io_time)
{
	(void)w;
	(void)io_time;
	return n > MLFQ_RUN_MAX_JOBS ? "too many jobs (at most 10000)" : NULL;
}
#else
static const char *check_jobs(const mlfq_spec_t *w, size_t n, mlfq_val io_time)
{
	uint64_t max_start = 0, sum_run = 0;

	if (n == 0)
		return "no jobs";
	if (n > MLFQ_RUN_MAX_JOBS)
		return "too many jobs (at most 10000)";
	if (io_time > WORKLOAD_MAX_VALUE)
		return "I/O time too large (at most 1000000000)";
	for (size_t i = 0; i < n; i++) {
		if (w[i].run == 0)
			return "a job's run time must be at least 1";
		if (w[i].start > WORKLOAD_MAX_VALUE ||
		    w[i].run > WORKLOAD_MAX_VALUE ||
		    w[i].iofreq > WORKLOAD_MAX_VALUE)
			return "a job's field is too large (at most "
			       "1000000000)";
		if (w[i].start > max_start)
			max_start = w[i].start;
		sum_run += w[i].run;
	}
	/*
	 * Every tick runs a job (sum_run ticks in all) or is idle: before the
	 * last arrival, or while every arrived job waits for an I/O (at most
	 * one I/O per tick run, io_time ticks each).
	 */
	if (sum_run > MLFQ_RUN_MAX_TICKS ||
	    max_start + sum_run * (1 + (uint64_t)io_time) > MLFQ_RUN_MAX_TICKS)
		return "the workload could run for more than 2^31 ticks";
	return NULL;
}
#endif

/* Links job j into the arrival list, after every job starting no later. */
static void arrival_insert(struct mlfq_run *r, struct mlfq_job *j,
			   struct mlfq_job **tail)
{
	struct mlfq_job **pp = &r->arrivals;

	if (*tail && (*tail)->start <= j->start)
		pp = &(*tail)->next_arrival;
	else
		while (*pp && (*pp)->start <= j->start)
			pp = &(*pp)->next_arrival;
	j->next_arrival = *pp;
	*pp = j;
	if (!j->next_arrival)
		*tail = j;
}

const char *mlfq_run_init(struct mlfq_run *r, const struct mlfq_params *p,
			  mlfq_val io_time, const mlfq_spec_t *w, size_t n,
			  struct mlfq_job *jobs, mlfq_out_fn out, void *ctx)
{
	const char *err = mlfq_params_check(p);
	struct mlfq_job *tail = NULL;

	if (!err)
		err = check_jobs(w, n, io_time);
	if (err)
		return err;
	*r = (struct mlfq_run){.jobs = jobs,
			       .njobs = n,
			       .io_time = io_time,
			       .out = out,
			       .ctx = ctx,
			       .phase = PHASE_BEGIN};
	mlfq_init(&r->m, p);
	for (size_t i = 0; i < n; i++) {
		struct mlfq_job *j = &jobs[i];
		*j = (struct mlfq_job){.start = w[i].start,
				       .run = w[i].run,
				       .iofreq = w[i].iofreq,
				       .left = w[i].run};
		mlfq_attach(&r->m, &j->ent);
		arrival_insert(r, j, &tail);
	}
	return NULL;
}

/* ------------------------------------------------------------- header -- */

static void option_num(struct mlfq_run *r, const char *name, mlfq_val v)
{
	struct line l = {.n = 0};

	l_str(&l, "OPTIONS ");
	l_str(&l, name);
	l_str(&l, " ");
	l_val(&l, v, 0);
	emit(r, &l);
}

static void option_queue(struct mlfq_run *r, const char *what, int q,
			 mlfq_val v)
{
	struct line l = {.n = 0};

	l_str(&l, "OPTIONS ");
	l_str(&l, what);
	l_str(&l, " for queue ");
	l_num(&l, (uint64_t)q, 2);
	l_str(&l, " is ");
	l_val(&l, v, 3);
	emit(r, &l);
}

static void print_options(struct mlfq_run *r)
{
	const struct mlfq_params *p = &r->m.p;

	emit_str(r, "Here is the list of inputs:");
	option_num(r, "jobs", (mlfq_val)r->njobs);
	option_num(r, "queues", (mlfq_val)p->levels);
	for (int q = p->levels - 1; q >= 0; q--) {
		option_queue(r, "allotments", q, p->allot[q]);
		option_queue(r, "quantum length", q, p->quantum[q]);
	}
	option_num(r, "boost", p->boost);
	option_num(r, "ioTime", r->io_time);
	emit_str(r, p->io_refill ? "OPTIONS stayAfterIO True"
				 : "OPTIONS stayAfterIO False");
	emit_str(r, p->io_to_head ? "OPTIONS iobump True"
				  : "OPTIONS iobump False");
	emit_str(r, "");
	emit_str(r, "");
}

static void print_jobs(struct mlfq_run *r)
{
	emit_str(r, "For each job, three defining characteristics are given:");
	emit_str(r, "  startTime : at what time does the job enter the system");
	emit_str(
	    r, "  runTime   : the total CPU time needed by the job to finish");
	emit_str(
	    r, "  ioFreq    : every ioFreq time units, the job issues an I/O");
	emit_str(r, "              (the I/O takes ioTime units to complete)");
	emit_str(r, "");
	emit_str(r, "Job List:");
	for (size_t i = 0; i < r->njobs; i++) {
		const struct mlfq_job *j = &r->jobs[i];
		struct line l = {.n = 0};

		l_str(&l, "  Job ");
		l_num(&l, i, 2);
		l_str(&l, ": startTime ");
		l_val(&l, j->start, 3);
		l_str(&l, " - runTime ");
		l_val(&l, j->run, 3);
		l_str(&l, " - ioFreq ");
		l_val(&l, j->iofreq, 3);
		emit(r, &l);
	}
	emit_str(r, "");
}

void mlfq_run_header(struct mlfq_run *r, bool solve)
{
	print_options(r);
	print_jobs(r);
	if (!solve) {
		emit_str(
		    r, "Compute the execution trace for the given workloads.");
		emit_str(r, "If you would like, also compute the response and "
			    "turnaround");
		emit_str(r, "times for each of the jobs.");
		emit_str(r, "");
		emit_str(r, "Use the -c flag to get the exact results when you "
			    "are finished.");
		emit_str(r, "");
		return;
	}
	emit_str(r, "");
	emit_str(r, "Execution Trace:");
	emit_str(r, "");
}

/* -------------------------------------------------------------- ticks -- */

static struct mlfq_job *job_of(struct mlfq_ent *e)
{
	return (struct mlfq_job *)(void *)((char *)e -
					   offsetof(struct mlfq_job, ent));
}

/* "[ time <now> ] <what> by JOB <j>" */
static void event_line(struct mlfq_run *r, const char *what,
		       const struct mlfq_job *j)
{
	struct line l = {.n = 0};

	l_time(&l, r->now);
	l_str(&l, what);
	l_str(&l, " by JOB ");
	l_num(&l, (uint64_t)(j - r->jobs), 0);
	emit(r, &l);
}

void mlfq_run_begin_tick(struct mlfq_run *r)
{
	kassert(r->phase == PHASE_BEGIN && !mlfq_run_done(r));
	if (mlfq_boost_due(&r->m, r->now)) {
		struct line l = {.n = 0};
		l_time(&l, r->now);
		l_str(&l, "BOOST ( every ");
		l_num(&l, r->m.p.boost, 0);
		l_str(&l, " )");
		emit(r, &l);
		mlfq_boost(&r->m);
	}
	while (r->arrivals && r->arrivals->start == r->now) {
		struct mlfq_job *j = r->arrivals;
		r->arrivals = j->next_arrival;
		event_line(r, "JOB BEGINS", j);
		mlfq_add(&r->m, &j->ent);
	}
	while (r->io_head && r->io_head->io_done == r->now) {
		struct mlfq_job *j = r->io_head;
		r->io_head = j->next_io;
		if (!r->io_head)
			r->io_tail = NULL;
		event_line(r, "IO_DONE", j);
		mlfq_wake(&r->m, &j->ent);
	}
	r->phase = PHASE_PICK;
}

int mlfq_run_pick(struct mlfq_run *r)
{
	struct mlfq_ent *e;

	kassert(r->phase == PHASE_PICK);
	r->phase = PHASE_END;
	e = mlfq_pick(&r->m);
	r->picked = e ? job_of(e) : NULL;
	return e ? (int)(r->picked - r->jobs) : MLFQ_RUN_IDLE;
}

/* The job starts an I/O that completes io_time ticks from now. */
static void start_io(struct mlfq_run *r, struct mlfq_job *j)
{
	event_line(r, "IO_START", j);
	emit_str(r, "IO DONE"); /* mlfq.py prints this line too */
	j->io_done = r->now + r->io_time;
	j->next_io = NULL;
	if (r->io_tail)
		r->io_tail->next_io = j;
	else
		r->io_head = j;
	r->io_tail = j;
}

/* "[ time t ] Run JOB j at PRIORITY p [ TICKS k ALLOT a TIME l (of n) ]" */
static void run_line(struct mlfq_run *r, const struct mlfq_job *j)
{
	struct line l = {.n = 0};

	l_time(&l, r->now);
	l_str(&l, "Run JOB ");
	l_num(&l, (uint64_t)(j - r->jobs), 0);
	l_str(&l, " at PRIORITY ");
	l_num(&l, mlfq_level(&j->ent), 0);
	l_str(&l, " [ TICKS ");
	l_val(&l, mlfq_ticks_left(&j->ent) - 1, 0); /* after this tick */
	l_str(&l, " ALLOT ");
	l_val(&l, mlfq_allot_left(&j->ent), 0);
	l_str(&l, " TIME ");
	l_val(&l, j->left, 0);
	l_str(&l, " (of ");
	l_val(&l, j->run, 0);
	l_str(&l, ") ]");
	emit(r, &l);
}

void mlfq_run_end_tick(struct mlfq_run *r)
{
	struct mlfq_job *j = r->picked;
	enum mlfq_after what = MLFQ_CONTINUES;

	kassert(r->phase == PHASE_END);
	r->phase = PHASE_BEGIN;
	r->picked = NULL;
	if (!j) {
		struct line l = {.n = 0};
		l_time(&l, r->now);
		l_str(&l, "IDLE");
		emit(r, &l);
		r->now++;
		return;
	}
#ifndef MLFQ_WIDE
	kassert(j->left > 0);
#endif
	j->left--;
	if (!j->has_run) {
		j->has_run = true;
		j->first_run = r->now;
	}
	run_line(r, j);
#ifdef MLFQ_WIDE
	if (j->left < 0) { /* mlfq.py: "should never have less than 0" */
		r->aborted = true;
		return;
	}
#endif
	r->now++;
	if (j->left == 0) {
		struct line l = {.n = 0};
		l_time(&l, r->now);
		l_str(&l, "FINISHED JOB ");
		l_num(&l, (uint64_t)(j - r->jobs), 0);
		emit(r, &l);
		j->end = r->now;
		r->nfinished++;
		what = MLFQ_FINISHED;
	} else if (j->iofreq > 0 && (j->run - j->left) % j->iofreq == 0) {
		start_io(r, j);
		what = MLFQ_STARTS_IO;
	}
	mlfq_charge(&r->m, &j->ent, what);
}

bool mlfq_run_done(const struct mlfq_run *r)
{
	return r->nfinished == r->njobs;
}

/* ---------------------------------------------------------- statistics -- */

void mlfq_run_stats(struct mlfq_run *r)
{
	uint64_t rsum = 0, tsum = 0;
	char avg[32];
	struct line l = {.n = 0};

	kassert(mlfq_run_done(r));
	emit_str(r, "");
	emit_str(r, "Final statistics:");
	for (size_t i = 0; i < r->njobs; i++) {
		const struct mlfq_job *j = &r->jobs[i];
		uint32_t response = (uint32_t)(j->first_run - j->start);
		uint32_t turnaround = (uint32_t)(j->end - j->start);

		l_str(&l, "  Job ");
		l_num(&l, i, 2);
		l_str(&l, ": startTime ");
		l_val(&l, j->start, 3);
		l_str(&l, " - response ");
		l_num(&l, response, 3);
		l_str(&l, " - turnaround ");
		l_num(&l, turnaround, 3);
		emit(r, &l);
		rsum += response;
		tsum += turnaround;
	}
	emit_str(r, "");
	l_str(&l, "  Avg ");
	l_num(&l, r->njobs - 1, 2); /* mlfq.py repeats the last job's index */
	l_str(&l, ": startTime n/a - response ");
	mlfq_format_avg(avg, sizeof avg, rsum, (uint32_t)r->njobs);
	l_str(&l, avg);
	l_str(&l, " - turnaround ");
	mlfq_format_avg(avg, sizeof avg, tsum, (uint32_t)r->njobs);
	l_str(&l, avg);
	emit(r, &l);
	emit_str(r, "");
	emit_str(r, "");
}

void mlfq_run_all(struct mlfq_run *r)
{
	while (!mlfq_run_done(r)) {
		mlfq_run_begin_tick(r);
		mlfq_run_pick(r);
		mlfq_run_end_tick(r);
	}
	mlfq_run_stats(r);
}
