/*
 * workload_run — run an OSTEP MLFQ workload on real kernel threads.
 *
 * `sched.workload=s,r,f:s,r,f:...` with `sched.io=T` (and the mlfq.*
 * options, which start from OSTEP's simulator defaults here) makes one
 * kernel thread per job.  Job j arrives at tick s, needs r ticks of CPU,
 * and starts an I/O of T ticks after every f ticks of CPU.  The scheduler
 * hands the timer tick to this runner for the duration (task.h,
 * sched_set_takeover): at each interrupt it ends the tick that just passed
 * (charge, finish, start I/O), begins the next (boost, arrivals, I/O
 * completions) and picks, with the same policy code and the same printing
 * as tools/mlfq-sim (sched/mlfq_run.c), and the scheduler switches to the
 * picked job's thread, which computes until the next interrupt.
 *
 * The trace and the final statistics are printed as they happen, in the
 * simulator's format.  Each job's thread counts the distinct ticks during
 * which it actually held the CPU; the runner checks afterwards that the
 * count equals the job's run time, which proves that the schedule printed
 * is the schedule the CPU ran.
 *
 * Option mapping from OSTEP's flags: -n mlfq.levels, -q/-Q mlfq.quantum,
 * -a/-A mlfq.allotment, -B mlfq.boost, -i sched.io, -S mlfq.io_refill,
 * -I mlfq.io_head, -l sched.workload.  The boost is today's mlfq.py's
 * (fresh quantum and allotment at the top); mlfq.boost_compat=2020 gives
 * the boost of mlfq.py before its 2023 fix (mlfq-sim --compat=2020).
 */
#ifndef KEEL_SCHED_WORKLOAD_RUN_H
#define KEEL_SCHED_WORKLOAD_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/mlfq.h"
#include "sched/policy.h"

#define WORKLOAD_MAX_JOBS   64
#define WORKLOAD_IO_DEFAULT 5 /* mlfq.py's -i default */

struct workload_report {
	uint32_t jobs;
	uint32_t ticks;		/* ticks the workload took */
	uint32_t threads_agree; /* jobs whose thread saw exactly its run time */
	bool stopped;		/* workload_stop() ended it early */
};

/*
 * Run spec to completion (the caller blocks meanwhile); returns 0, or -1
 * after printing why the spec or the parameters were refused.  Must be
 * called by a thread while no other kernel thread is runnable.  Under the
 * policy in force (sched.policy=): the MLFQ with p, or another policy with
 * its own parameters and 100 tickets a job.
 */
int workload_run(const char *spec, uint32_t io_time,
		 const struct mlfq_params *p, struct workload_report *rep);

/*
 * Another policy than the MLFQ for a workload (sched/policy_run.h): its
 * parameters (kind, quantum, seed) and the tickets of each job (NULL:
 * 100 each; else one per job).  Such a workload prints the output of the
 * policy's simulator: scheduler.py's for fifo, sjf and rr, lottery.py's
 * for lottery (every job arriving at 0), tools/policy-run's otherwise.
 * Its jobs do no I/O.
 */
struct workload_policy {
	struct policy_params pp;
	const uint32_t *tickets;
	size_t ntickets;
};

/* workload_run under the MLFQ (wp NULL) or under wp's policy. */
int workload_run_with(const char *spec, uint32_t io_time,
		      const struct mlfq_params *p,
		      const struct workload_policy *wp,
		      struct workload_report *rep);

/*
 * Ends the running workload at the next timer tick (safe from an interrupt
 * handler: it only sets a flag): workload_run then ends the unfinished
 * jobs' threads, reaps every thread, frees the run and reports stopped.
 */
void workload_stop(void);

/* The sched.workload= option, if given: run it under the policy in force
 * (sched.policy=; sched.tickets= gives lottery and stride tickets per job),
 * with the mlfq.* options under the MLFQ. */
void workload_run_from_cmdline(void);

#endif
