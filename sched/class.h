/*
 * class: the scheduler's one small interface to its policy (a "scheduling
 * class", after the OSTEP chapters' separation of mechanism and policy,
 * 000_4ce0ed622454299e.txt §3: the context switch is the mechanism, which
 * task runs next is the policy).
 *
 * sched/task.c owns the mechanism: trap frames, the one switch function,
 * sleepers, wait queues, the tick owner.  It tells the class in force what
 * happens to each task and asks it whom to run; it never looks inside a
 * policy.  Two classes exist:
 *
 *   mlfq      the MLFQ (sched/mlfq.h), in sched/task.c; the default
 *   policy    any policy of sched/policy.h (fifo, sjf, stcf, rr, lottery,
 *             stride) over struct policy_ent, in sched/class_policy.c
 *
 * `sched.policy=mlfq|fifo|sjf|stcf|rr|lottery|stride` chooses at boot;
 * `sched.quantum=` is the turn of rr, lottery and stride (ticks, default
 * 10), `sched.seed=` lottery's seed.  The choice is made once, before the
 * first task, and never changes: the class pointer is read on the timer
 * path, so a change would need the same care as the queues themselves.
 *
 * Every operation is called with interrupts off.  charge and pick are on
 * the timer's path and take their argument in a register (TRAP_CALL).
 */
#ifndef KEEL_SCHED_CLASS_H
#define KEEL_SCHED_CLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86.h"
#include "sched/policy.h"

struct task;

/*
 * A kernel thread's entity in a sched/policy.h policy, allocated by that
 * class when the thread is created (so that under the MLFQ a task carries
 * only a NULL pointer) and freed with the task.
 */
struct sched_pent {
	struct policy_ent e;
	struct task *task;
};

struct sched_class {
	const char *name;
	int (*attach)(struct task *t);	/* created: known, not runnable;
					   0, or -1 without memory */
	void (*add)(struct task *t);	/* arrives: runnable (rule 3) */
	void (*wake)(struct task *t);	/* blocked -> runnable */
	void (*block)(struct task *t);	/* runnable -> blocked */
	void (*yield)(struct task *t);	/* gives up the CPU, stays runnable */
	void (*remove)(struct task *t); /* exits or is detached: forgotten */
	/* The tick owner t ran the tick that just ended (t may have blocked
	 * or yielded during it). */
	TRAP_CALL void (*charge)(struct task *t);
	/* The task to run now; NULL: none is runnable (the idle task runs). */
	TRAP_CALL struct task *(*pick)(void);
	/* Boost period in ticks, 0: none (only the MLFQ has a boost). */
	uint32_t (*boost_period)(void);
	TRAP_CALL void (*boost)(void);
};

/* The MLFQ class (sched/task.c). */
extern const struct sched_class sched_mlfq_class;
/* The class over sched/policy.h (sched/class_policy.c). */
extern const struct sched_class sched_policy_class;

/*
 * The class sched.policy= names: &sched_mlfq_class, or &sched_policy_class
 * set up for the policy (quantum and seed read here).  A bad value warns
 * and gives the MLFQ.
 */
const struct sched_class *sched_class_from_cmdline(void);

/* Tickets a kernel thread gets at creation (lottery and stride). */
#define SCHED_TICKETS_DEFAULT 100
/* A kernel thread's run time is unknown to SJF and STCF: this many ticks
 * (so a thread with a known, set length always goes first). */
#define SCHED_LENGTH_UNKNOWN 1000000000u
/* Turn length of rr, lottery and stride without sched.quantum=. */
#define SCHED_QUANTUM_DEFAULT 10

/* The policy in force when it is not the MLFQ (NULL under the MLFQ). */
const struct policy *sched_policy(void);

#endif
