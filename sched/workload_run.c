/*
 * workload_run — OSTEP workloads on kernel threads (see workload_run.h).
 */
#include "sched/workload_run.h"

#include <stdarg.h>

#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "sched/class.h"
#include "sched/mlfq_run.h"
#include "sched/policy_run.h"
#include "sched/task.h"
#include "sched/workload.h"

#define WORKLOAD_ERR_MAX 120

/* What one job's thread saw: the ticks during which it held the CPU. */
struct job_probe {
	volatile uint32_t seen;
};

/* The run in progress (one at a time; the timer interrupt reads it):
 * the MLFQ's (run) or, under sched.policy=, another policy's (prun). */
static struct {
	struct mlfq_run run;
	struct prun prun;
	struct prun_job *pjobs;
	bool use_policy;
	struct task **threads;
	struct job_probe *probes;
	struct wait_queue done_wq;
	int last_pick;
	bool started;
	volatile bool done;
	volatile bool stop; /* workload_stop(): end at the next tick */
	uint32_t first_tick, ticks;
} w;

static void out_line(void *ctx, const char *fmt, ...)
{
	va_list ap;
	(void)ctx;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/* A job's thread: compute, noting each new tick it runs in.  It never
 * returns: the runner ends it at a tick boundary when its work is done. */
static int job_thread(void *arg)
{
	struct job_probe *p = arg;
	uint64_t last = UINT64_MAX;
	for (;;) {
		uint64_t now = time_ticks();
		if (now != last) {
			p->seen++;
			last = now;
		}
		__asm__ volatile("pause");
	}
	return 0;
}

/* After step 4: the job that ran may have finished; end its thread. */
static void reap_finished(void)
{
	int j = w.last_pick;
	bool done = w.use_policy ? j >= 0 && w.pjobs[j].finished
				 : j >= 0 && w.run.jobs[j].left == 0;
	if (done)
		sched_finish(w.threads[j], 0);
}

static bool run_done(void)
{
	return w.use_policy ? prun_done(&w.prun) : mlfq_run_done(&w.run);
}

/* Step 4 of the tick that ended, then steps 1-3 of the next: a pick. */
static void run_end_tick(void)
{
	if (w.use_policy)
		prun_end_tick(&w.prun);
	else
		mlfq_run_end_tick(&w.run);
}

static int run_next_pick(void)
{
	if (w.use_policy) {
		prun_begin_tick(&w.prun);
		return prun_pick(&w.prun);
	}
	mlfq_run_begin_tick(&w.run);
	return mlfq_run_pick(&w.run);
}

/*
 * The timer interrupt, while the workload runs: end the tick that just
 * passed, then begin the next and pick its job.  Returns the thread to run
 * (NULL: idle).
 */
static struct task *workload_tick(uint64_t now)
{
	if (w.started) {
		run_end_tick();
		reap_finished();
	} else {
		w.started = true;
		w.first_tick = (uint32_t)now;
	}
	if (run_done() || w.stop) {
		w.ticks = (uint32_t)now - w.first_tick;
		w.done = true;
		sched_set_takeover(NULL);
		wq_wake_all(&w.done_wq);
		return NULL;
	}
	w.last_pick = run_next_pick();
	return w.last_pick < 0 ? NULL : w.threads[w.last_pick];
}

static void free_run(size_t made)
{
	for (size_t i = 0; i < made; i++)
		task_wait(w.threads[i]);
	kfree(w.threads);
	kfree(w.probes);
	kfree(w.run.jobs);
	kfree(w.pjobs);
	w.pjobs = NULL;
	w.threads = NULL;
	w.probes = NULL;
}

/* One thread per job, detached from the MLFQ: only the runner picks them. */
static size_t make_threads(size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char name[TASK_NAME_MAX];
		fmt_snprintf(name, sizeof(name), "job%u", (unsigned)i);
		w.threads[i] =
		    task_create_stopped(name, job_thread, &w.probes[i]);
		if (!w.threads[i])
			return i;
		sched_detach(w.threads[i]);
	}
	return n;
}

/* Threads that never finished are ended before they are reaped. */
static void finish_leftovers(size_t made)
{
	for (size_t i = 0; i < made; i++)
		if (w.threads[i]->state != TASK_ZOMBIE)
			sched_finish(w.threads[i], -1);
}

/* The policy's runner over the parsed jobs (w.use_policy). */
static const char *prepare_policy(const struct workload_job *jobs, size_t n,
				  const struct workload_policy *wp)
{
	if (wp->tickets && wp->ntickets != n)
		return "sched.tickets needs one value per job";
	w.pjobs = kcalloc(n, sizeof(struct prun_job));
	if (!w.pjobs)
		return "out of memory for the jobs";
	return prun_init(&w.prun, &wp->pp, jobs, wp->tickets, n, w.pjobs,
			 out_line, NULL);
}

static int prepare(const char *spec, uint32_t io_time,
		   const struct mlfq_params *p,
		   const struct workload_policy *wp, size_t *n)
{
	static struct workload_job jobs[WORKLOAD_MAX_JOBS];
	char err[WORKLOAD_ERR_MAX];
	const char *bad;
	if (workload_parse(spec, jobs, WORKLOAD_MAX_JOBS, n, err,
			   sizeof(err)) != 0) {
		kprintf("workload: %s\n", err);
		return -1;
	}
	w.use_policy = wp != NULL;
	if (!w.use_policy)
		w.run.jobs = kcalloc(*n, sizeof(struct mlfq_job));
	w.threads = kcalloc(*n, sizeof(struct task *));
	w.probes = kcalloc(*n, sizeof(struct job_probe));
	if ((!w.use_policy && !w.run.jobs) || !w.threads || !w.probes) {
		kprintf("workload: out of memory for %u jobs\n", (unsigned)*n);
		return -1;
	}
	if (wp)
		bad = prepare_policy(jobs, *n, wp);
	else
		bad = mlfq_run_init(&w.run, p, io_time, jobs, *n, w.run.jobs,
				    out_line, NULL);
	if (bad) {
		kprintf("workload: %s\n", bad);
		return -1;
	}
	return 0;
}

/* The ticks job i's thread should have seen: its run time, or under
 * lottery.py's accounting its whole turns. */
static uint32_t ticks_due(size_t i)
{
	return w.use_policy ? w.pjobs[i].ticks : w.run.jobs[i].run;
}

int workload_run(const char *spec, uint32_t io_time,
		 const struct mlfq_params *p, struct workload_report *rep)
{
	const struct policy *kp = sched_policy();
	struct workload_policy wp;
	if (!kp)
		return workload_run_with(spec, io_time, p, NULL, rep);
	wp = (struct workload_policy){.pp = kp->p};
	wp.pp.draw = NULL;
	wp.pp.draw_ctx = NULL;
	return workload_run_with(spec, io_time, p, &wp, rep);
}

int workload_run_with(const char *spec, uint32_t io_time,
		      const struct mlfq_params *p,
		      const struct workload_policy *wp,
		      struct workload_report *rep)
{
	size_t n = 0, made = 0;
	w.run.jobs = NULL;
	w.pjobs = NULL;
	w.stop = false; /* from here on a workload_stop() counts */
	if (prepare(spec, io_time, p, wp, &n) != 0) {
		free_run(0);
		return -1;
	}
	made = make_threads(n);
	if (made < n) {
		kprintf("workload: out of memory for the job threads\n");
		finish_leftovers(made);
		free_run(made);
		return -1;
	}
	if (w.use_policy)
		prun_header(&w.prun);
	else
		mlfq_run_header(&w.run, true);
	w.started = w.done = false;
	w.last_pick = MLFQ_RUN_IDLE;
	wq_init(&w.done_wq);
	bool on = irq_save();
	sched_set_takeover(workload_tick);
	while (!w.done)
		wq_block(&w.done_wq);
	irq_restore(on);
	rep->jobs = (uint32_t)n;
	rep->ticks = w.ticks;
	rep->threads_agree = 0;
	rep->stopped = w.stop && !run_done();
	if (rep->stopped) {
		/* The jobs left half done: end their threads, then reap all. */
		kprintf("workload: stopped after %u ticks\n", w.ticks);
		finish_leftovers(made);
	} else {
		if (w.use_policy)
			prun_stats(&w.prun);
		else
			mlfq_run_stats(&w.run);
		for (size_t i = 0; i < n; i++)
			rep->threads_agree += w.probes[i].seen == ticks_due(i);
	}
	free_run(made);
	return 0;
}

void workload_stop(void)
{
	w.stop = true;
}

/* OSTEP's defaults (mlfq_params_ostep) under the mlfq.* options. */
static void ostep_params(struct mlfq_params *p)
{
	uint32_t list[MLFQ_MAX_LEVELS];
	const char *compat;
	int nq, na;
	mlfq_params_ostep(p);
	p->levels = (int)cmdline_uint("mlfq.levels", (uint32_t)p->levels, 1,
				      MLFQ_MAX_LEVELS);
	nq = cmdline_uint_list("mlfq.quantum", list, MLFQ_MAX_LEVELS, 1,
			       MLFQ_MAX_QUANTUM);
	if (nq > 1)
		p->levels = nq; /* -Q overrides -n */
	for (int l = 0; l < p->levels; l++)
		p->quantum[p->levels - 1 - l] = nq > 1	  ? list[l]
						: nq == 1 ? list[0]
							  : 10;
	na = cmdline_uint_list("mlfq.allotment", list, MLFQ_MAX_LEVELS, 1,
			       MLFQ_MAX_ALLOT);
	if (na > 1 && na != p->levels) {
		kprintf("cmdline: warning: mlfq.allotment has %d values for %d "
			"levels; using 1\n",
			na, p->levels);
		na = 0;
	}
	for (int l = 0; l < p->levels; l++)
		p->allot[p->levels - 1 - l] = na > 1	? list[l]
					      : na == 1 ? list[0]
							: 1;
	p->boost = cmdline_uint("mlfq.boost", 0, 0, MLFQ_MAX_QUANTUM);
	p->io_refill = cmdline_bool("mlfq.io_refill", false);
	p->io_to_head = cmdline_bool("mlfq.io_head", false);
	/* mlfq.py's boost before its 2023 fix, for old golden traces. */
	compat = cmdline_str("mlfq.boost_compat");
	if (compat && strcmp(compat, "2020") == 0)
		p->boost_2020 = true;
	else if (compat)
		kprintf("cmdline: warning: mlfq.boost_compat=%s: only 2020 is "
			"known; using today's boost\n",
			compat);
}

void workload_run_from_cmdline(void)
{
	static uint32_t tickets[WORKLOAD_MAX_JOBS];
	struct mlfq_params p;
	struct workload_report rep;
	struct workload_policy wp;
	const struct policy *kp = sched_policy();
	const char *spec = cmdline_str("sched.workload");
	uint32_t io = cmdline_uint("sched.io", WORKLOAD_IO_DEFAULT, 0,
				   WORKLOAD_MAX_VALUE);
	int nt = cmdline_uint_list("sched.tickets", tickets, WORKLOAD_MAX_JOBS,
				   1, POLICY_MAX_TICKETS);
	if (!spec)
		return;
	ostep_params(&p);
	if (kp) {
		wp = (struct workload_policy){
		    .pp = kp->p,
		    .tickets = nt > 0 ? tickets : NULL,
		    .ntickets = nt > 0 ? (size_t)nt : 0};
		wp.pp.draw = NULL;
		wp.pp.draw_ctx = NULL;
	}
	if (workload_run_with(spec, io, &p, kp ? &wp : NULL, &rep) == 0)
		kprintf("# workload: %u jobs in %u ticks; %u of %u job threads "
			"ran exactly their run time\n",
			rep.jobs, rep.ticks, rep.threads_agree, rep.jobs);
}
