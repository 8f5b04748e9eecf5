/*
 * policy_run: an OSTEP workload run tick by tick over a policy of
 * sched/policy.h, printing what the matching simulator prints (pure: no
 * libc, no clock, no allocation).  The MLFQ's counterpart is
 * sched/mlfq_run.h; the kernel's workload runner (sched/workload_run.c)
 * drives either from its timer interrupt and switches to the kernel
 * thread of the job picked.
 *
 * Three output formats, chosen by policy and workload:
 *
 *   PRUN_SCHEDULER  cpu-sched/scheduler.py -c (tools/sched-sim): fifo,
 *                   sjf and rr when every job arrives at 0 (scheduler.py
 *                   knows no arrival times); one "Run job" line a slice
 *   PRUN_LOTTERY    cpu-sched-lottery/lottery.py -c (tools/lottery-sim):
 *                   lottery when every job arrives at 0; its draws are
 *                   lottery.py's (lib/pyrandom seeded with the seed,
 *                   int(random() * 1000001) % total tickets), and, as in
 *                   lottery.py, a turn is always a whole quantum: a job
 *                   whose work ends mid-turn keeps the CPU to its end
 *   PRUN_SEGMENTS   tools/policy-run's records (seg, job, average): stcf
 *                   and stride always, the others when jobs arrive later;
 *                   lottery's draws are then the policy's own generator
 *                   seeded with the seed, as policy-run -s draws them
 *
 * Per tick (r->now), in this order, as mlfq_run:
 *
 *   prun_begin_tick(r)   arrivals (policy_enqueue, in job order)
 *   i = prun_pick(r)     the job that runs during the tick, or PRUN_IDLE
 *   ... the tick happens ...
 *   prun_end_tick(r)     policy_charge, the job's work, finish, output
 *
 * until prun_done(r); then prun_stats(r).  Output goes through
 * out(ctx, fmt, ...) with printf conversions %s %d %u %3u %llu only.
 */
#ifndef KEEL_SCHED_POLICY_RUN_H
#define KEEL_SCHED_POLICY_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/pyrandom.h"
#include "sched/mlfq_run.h"
#include "sched/policy.h"
#include "sched/workload.h"

#define PRUN_IDLE      (-1)
#define PRUN_MAX_JOBS  1024u	  /* POLICY_MAX_ENTS */
#define PRUN_MAX_TICKS 100000000u /* the whole run, checked at init */

enum prun_format { PRUN_SCHEDULER, PRUN_LOTTERY, PRUN_SEGMENTS };

struct prun_job {
	struct policy_ent ent;
	uint32_t start, run, tickets;
	uint32_t left;	     /* work left */
	uint32_t ticks;	     /* ticks it held the CPU */
	uint32_t first, end; /* ticks; valid once has_run / finished */
	bool has_run, finished;
};

struct prun {
	struct policy pol;
	struct pyrandom rng; /* PRUN_LOTTERY's draws */
	int64_t last_draw;   /* lottery.py's r, for its "Random" line */
	bool drew;
	enum prun_format fmt;
	struct prun_job *jobs;
	size_t njobs, nfinished;
	uint32_t now;
	int picked;  /* this tick's job, or PRUN_IDLE */
	int seg_job; /* PRUN_SEGMENTS: the job of the open segment */
	uint32_t seg_start;
	int slice_job; /* PRUN_SCHEDULER: the slice being run */
	uint32_t slice_start;
	uint32_t turns; /* PRUN_LOTTERY: draws made (lottery.py's clock) */
	uint32_t tickets_left;
	uint16_t order[PRUN_MAX_JOBS]; /* finishing order (fifo, sjf) */
	mlfq_out_fn out;
	void *ctx;
};

/*
 * The format for a policy and a workload (see above); policy_run's
 * choice, exported so that callers can say which simulator to compare to.
 */
enum prun_format prun_format_for(enum policy_kind kind,
				 const struct workload_job *w, size_t n);

/*
 * Validates everything before it changes anything; NULL or what is wrong:
 * jobs must not do I/O (iofreq 0: only the MLFQ runner simulates it),
 * tickets[] (NULL: 100 each) 1 .. POLICY_MAX_TICKETS, at most
 * PRUN_MAX_JOBS jobs and PRUN_MAX_TICKS ticks in all.  pp->draw is
 * replaced for PRUN_LOTTERY.  jobs[] has room for n.
 */
const char *prun_init(struct prun *r, const struct policy_params *pp,
		      const struct workload_job *w, const uint32_t *tickets,
		      size_t n, struct prun_job *jobs, mlfq_out_fn out,
		      void *ctx);
/* The simulator's lines before the first tick (none for PRUN_SEGMENTS). */
void prun_header(struct prun *r);
void prun_begin_tick(struct prun *r);
int prun_pick(struct prun *r);
void prun_end_tick(struct prun *r);
bool prun_done(const struct prun *r);
/* The closing lines (statistics); only once prun_done(). */
void prun_stats(struct prun *r);

#endif
