/*
 * mlfq_run: OSTEP's MLFQ workload, run tick by tick over the mlfq policy,
 * printing exactly what OSTEP's simulator (cpu-sched-mlfq/mlfq.py) prints
 * (pure: no libc, no clock, no allocation).
 *
 * tools/mlfq-sim drives it in a loop; the kernel's workload runner drives
 * it from its timer interrupt, one call per step, and switches to the
 * kernel thread standing for the job it picks.  Both print through the
 * same code, so their traces are identical by construction.
 *
 * Per tick t (r->now), in this order:
 *
 *   mlfq_run_begin_tick(r)   step 1 and 2: BOOST, JOB BEGINS, IO_DONE
 *   i = mlfq_run_pick(r)     step 3: the job that runs during tick t,
 *                            as an index into the workload, or
 *                            MLFQ_RUN_IDLE
 *   ... the tick happens (the kernel runs job i's thread until the next
 *       timer interrupt) ...
 *   mlfq_run_end_tick(r)     step 4: prints the Run (or IDLE) line and
 *                            FINISHED / IO_START, charges the job, t++
 *
 * until mlfq_run_done(r); then mlfq_run_stats(r).  The kernel's timer
 * interrupt is therefore: end_tick (for the tick that just ended; skip it
 * before the first tick), then, unless done, begin_tick and pick.  The
 * calls must come in exactly this order (kassert).
 *
 * Output goes through out(ctx, "%s\n", line), one call per line, so any
 * printf-like function that knows "%s" will do; every number is formatted
 * here, including the "%.2f" averages, which are computed in integers and
 * rounded exactly as Python rounds the double sum/n (see mlfq_format_avg).
 */
#ifndef KEEL_SCHED_MLFQ_RUN_H
#define KEEL_SCHED_MLFQ_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched/mlfq.h"
#include "sched/workload.h"

/* Bounds that keep every time in 31 bits and make the averages exact. */
#define MLFQ_RUN_MAX_JOBS  10000u
#define MLFQ_RUN_MAX_TICKS 0x7fffffffu

#define MLFQ_RUN_IDLE (-1)

/*
 * The wide build (see mlfq.h) takes mlfq.py's whole range here too: a
 * job's fields and the I/O time may be 0 or negative, and mlfq_run_init
 * checks only the number of jobs (0 is allowed: the header alone).  A job
 * whose run time is 0 or less prints its Run line and sets r->aborted
 * instead of being charged, where mlfq.py stops with "should never have
 * less than 0 time left"; the caller must check for that and for times
 * in range before it runs anything.
 */
#ifdef MLFQ_WIDE
struct mlfq_wide_spec {
	int64_t start, run, iofreq;
};
typedef struct mlfq_wide_spec mlfq_spec_t;
#define mlfq_run_init	    mlfq_wide_run_init
#define mlfq_run_header	    mlfq_wide_run_header
#define mlfq_run_begin_tick mlfq_wide_run_begin_tick
#define mlfq_run_pick	    mlfq_wide_run_pick
#define mlfq_run_end_tick   mlfq_wide_run_end_tick
#define mlfq_run_done	    mlfq_wide_run_done
#define mlfq_run_stats	    mlfq_wide_run_stats
#define mlfq_run_all	    mlfq_wide_run_all
#define mlfq_format_avg	    mlfq_wide_format_avg
#else
typedef struct workload_job mlfq_spec_t;
#endif

typedef void (*mlfq_out_fn)(void *ctx, const char *fmt, ...);

/* One job; the caller provides the array, the runner owns its contents. */
struct mlfq_job {
	struct mlfq_ent ent;
	struct mlfq_job *next_arrival; /* by start time, then by index */
	struct mlfq_job *next_io;      /* I/Os in flight, by completion */
	mlfq_val start, run, iofreq;   /* from the workload */
	mlfq_val left;		       /* CPU ticks still needed */
	uint32_t first_run;	       /* tick it first ran, if it has */
	uint32_t end;		       /* tick it finished, if it has */
	mlfq_val io_done;	       /* when its I/O completes */
	bool has_run;
};

struct mlfq_run {
	struct mlfq m;
	struct mlfq_job *jobs;
	size_t njobs, nfinished;
	mlfq_val io_time;
	uint32_t now;		   /* the tick being run */
	struct mlfq_job *arrivals; /* next jobs to arrive */
	struct mlfq_job *io_head, *io_tail;
	struct mlfq_job *picked; /* runs during tick now, or NULL */
	int phase;		 /* which call comes next */
	bool aborted;		 /* wide: a job with no run time ran */
	mlfq_out_fn out;
	void *ctx;
};

/*
 * Validates everything (params, jobs, and that the whole run ends within
 * MLFQ_RUN_MAX_TICKS) before it changes anything; returns NULL or what is
 * wrong.  jobs[] has room for n jobs.  For mlfq.py's behaviour, start p
 * from mlfq_params_ostep().
 */
const char *mlfq_run_init(struct mlfq_run *r, const struct mlfq_params *p,
			  mlfq_val io_time, const mlfq_spec_t *w, size_t n,
			  struct mlfq_job *jobs, mlfq_out_fn out, void *ctx);

/*
 * The inputs, the job list, then either the exercise text (solve false:
 * stop there) or the "Execution Trace:" heading (solve true).
 */
void mlfq_run_header(struct mlfq_run *r, bool solve);

void mlfq_run_begin_tick(struct mlfq_run *r);
int mlfq_run_pick(struct mlfq_run *r);
void mlfq_run_end_tick(struct mlfq_run *r);
bool mlfq_run_done(const struct mlfq_run *r);
/* The "Final statistics:" block; only once mlfq_run_done(). */
void mlfq_run_stats(struct mlfq_run *r);

/* The simulator's loop: every tick until done, then the statistics. */
void mlfq_run_all(struct mlfq_run *r);

/*
 * Writes sum/n as Python's '%.2f' % (float(sum) / n) writes it, with a
 * terminating NUL, and returns its length.  Needs 1 <= n <=
 * MLFQ_RUN_MAX_JOBS and sum / n <= MLFQ_RUN_MAX_TICKS; len >= 16.
 */
size_t mlfq_format_avg(char *buf, size_t len, uint64_t sum, uint32_t n);

#endif
