/*
 * task — kernel threads, and the scheduler that runs them.
 *
 * A task is a thread of kernel code with its own kernel stack (KSTACK_SIZE
 * bytes, with an unmapped guard page below it, in the kernel-stack area of
 * mm/vm.h), its saved trap frame, and its place in the MLFQ policy
 * (sched/mlfq.h).  States (000_4ce0ed622454299e.txt, process states):
 *
 *   NEW -> READY <-> RUNNING -> ZOMBIE -> (reaped by task_wait: freed)
 *            ^          |
 *            +-BLOCKED<-+   (sleep, wait queue, task_wait, workload I/O)
 *
 * Switching is limited direct execution's context switch done the simplest
 * way: every trap saves the running task's registers in a trap frame on its
 * own kernel stack (arch/trap_entry.asm), and the scheduler's trap-exit
 * hook returns the trap frame of the task to resume.  There is no second
 * switch routine: the timer interrupt preempts through it, and yield, sleep,
 * block and exit enter the same path with `int $T_YIELD`.  A new task starts
 * from a trap frame built by hand at the top of its fresh stack.
 *
 * The scheduler's work at each timer interrupt follows the MLFQ reference
 * (../shared/mlfq-reference.md, "In the kernel"): charge the tick that just
 * ended to the task that ran it (quantum, allotment, demotion), then the
 * boost, then wake the sleepers whose time has come, then pick.
 *
 * Rules for callers:
 *  - everything here may be called with interrupts on or off (each call
 *    saves and restores them); a task blocks only by calling these;
 *  - a task's memory (struct and stack) is freed only by task_wait: every
 *    task must be waited for by someone (a "joinable" thread);
 *  - the idle task never joins the MLFQ queues: it runs only when no task
 *    is ready, halting the CPU until the next interrupt.
 */
#ifndef KEEL_SCHED_TASK_H
#define KEEL_SCHED_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/mlfq.h"
#include "sched/policy.h"
#include "sync/lockdep.h"

#define TASK_NAME_MAX 24

enum task_state {
	TASK_NEW,     /* created, not yet arrived (a workload job before s) */
	TASK_READY,   /* in an MLFQ queue */
	TASK_RUNNING, /* the one on the CPU */
	TASK_BLOCKED, /* asleep, on a wait queue, or in (simulated) I/O */
	TASK_ZOMBIE,  /* exited; waits for task_wait to reap it */
};

struct trap_frame;
struct vm_space;
struct sched_pent;
struct proc;
struct task;

/* A list of blocked tasks, woken first in, first out.  The name is what
 * ps shows a task blocked on it waiting for ("pipe read", ...). */
struct wait_queue {
	struct task *head, *tail;
	const char *name; /* NULL: "wait queue" */
};

/* A workload job's state (sched.workload=, see sched/workload.h). */
struct task_job {
	int index;	   /* the job number in the trace */
	uint32_t start;	   /* arrival tick */
	uint32_t run;	   /* total CPU ticks */
	uint32_t left;	   /* CPU ticks still to run */
	uint32_t io_freq;  /* an I/O after every io_freq ticks; 0: none */
	uint32_t io_until; /* while in I/O: the tick it completes */
};

struct task {
	int id;
	char name[TASK_NAME_MAX];
	enum task_state state;
	struct trap_frame *tf;	 /* saved when it is not running */
	uint32_t kstack_slot;	 /* index in the kernel-stack area */
	uint32_t kstack_top;	 /* TSS.esp0 while it runs */
	struct vm_space *space;	 /* address space (kernel threads: kernel's) */
	struct mlfq_ent ent;	 /* level, quantum left, allotment left */
	struct sched_pent *pent; /* under sched.policy= other than mlfq:
				    the class's, with the task; else NULL */
	uint32_t tickets;	 /* lottery and stride (sched_set_tickets) */

	int (*entry)(void *);
	void *arg;
	int exit_status;
	struct task *waiter_link; /* next on a wait queue */
	struct wait_queue exited; /* who waits for this one to exit */
	uint64_t wake_at;	  /* when sleeping: the tick to wake at */
	struct task *sleep_link;
	struct task *all_link; /* every task, for the listing */
	struct task_job *job;  /* a workload job, or NULL */
	struct proc *proc;     /* the process it runs, or NULL (proc/) */
	uint64_t tls;	       /* its TLS descriptor (arch/gdt.h), 0: none */
	struct wait_queue *blocked_on; /* the queue it waits on, if any */
	/* Signals of this thread (proc/signal.h; bit n: signal n, 1..64). */
	volatile uint64_t sigpending; /* sent to it, not acted on yet */
	uint64_t sigblocked;	      /* its mask (never SIGKILL, SIGSTOP) */
	volatile bool sigwake; /* a signal it must act on is pending and not
				  blocked (Linux's TIF_SIGPENDING): its
				  interruptible waits give up */

	/*
	 * What it waits for while blocked, for ps, gdb and the deadlock
	 * detector (sched/deadlock.h): a kind ("mutex", "pipe read",
	 * "child", "futex", ...) and the object's address.  wq_block fills
	 * them from the queue's name unless the caller set them first, and
	 * clears them when the task runs again.  wait_owner, if set, names
	 * the task that must act before this one can go on (a mutex's
	 * owner): an edge of the wait-for graph.
	 */
	const char *wait_what;
	uintptr_t wait_obj;
	const char *wait_name; /* the object's own name, if any */
	struct task *(*wait_owner)(uintptr_t obj);
	uint64_t wait_since;	/* the tick it blocked */
	struct lockdep_task ld; /* locks held (sync/lockdep.h) */

	/*
	 * A user thread's own state (proc/thread.h; zero for kernel
	 * threads).  The process (struct proc) is the thread group: one
	 * address space, descriptor table and signal dispositions shared by
	 * its threads; what each thread keeps for itself is here.
	 */
	int tid;		  /* thread id: the pid for the first thread */
	uint32_t clear_child_tid; /* user address zeroed and futex-woken at
				     thread exit (set_tid_address), or 0 */
	struct task *thread_next; /* the next thread of the same process */
	uint8_t *fpu;		  /* its saved x87 state (108 bytes), or NULL */
	bool fpu_used;
	uint32_t futex_addr; /* blocked in futex_wait on this address, or 0 */

	/* Accounting. */
	uint64_t arrival, first_run, finish; /* ticks; first_run ~0: never */
	uint32_t ticks_at_level[MLFQ_MAX_LEVELS];
	uint32_t scheduled; /* times switched to */
	uint32_t preempted; /* times switched away from while runnable */
};

/* Bring up the scheduler: the boot thread becomes task 0 ("main"). */
void sched_init(void);
/* The MLFQ parameters in force (from the mlfq.* options). */
const struct mlfq_params *sched_params(void);
/* Replace the MLFQ parameters; only while main is the only task. */
int sched_set_params(const struct mlfq_params *p);

/* A new kernel thread running entry(arg); NULL without memory. */
struct task *task_create(const char *name, int (*entry)(void *), void *arg);
/* Like task_create, but the task stays NEW until task_start. */
struct task *task_create_stopped(const char *name, int (*entry)(void *),
				 void *arg);
void task_start(struct task *t);
/* Wait for t to exit, free it, and return its exit status. */
int task_wait(struct task *t);
__attribute__((noreturn)) void task_exit(int status);
void task_yield(void);
/* Block for at least n ticks: wake at the tick now + n, at most a tick late. */
void task_sleep(uint32_t n);
struct task *task_current(void);
struct task *task_idle(void);

/*
 * Wake t early if it is blocked on a wait queue or asleep (a kill: the
 * process layer's interruptible waits then see the kill and give up).
 * True if it was woken.
 */
bool task_interrupt(struct task *t);
/* Must the current task give up an interruptible wait?  (A signal it acts
 * on is pending; proc/signal.c keeps sigwake up to date.) */
static inline bool task_signal_pending(void)
{
	return task_current()->sigwake;
}
/*
 * Called by the switch when the address space changes (a process on one
 * side at least), and on every switch to a user thread (threads of one
 * process share a space but not their TLS descriptor or FPU registers):
 * the process layer loads the TLS descriptor and arranges the lazy FPU
 * switch.  Kernel-to-kernel switches skip it.
 */
typedef void (*sched_switch_hook_t)(struct task *prev, struct task *next);
void sched_set_switch_hook(sched_switch_hook_t hook);

void wq_init(struct wait_queue *wq);
/* A queue with a name for ps ("pipe read"); a string that lives forever. */
void wq_init_named(struct wait_queue *wq, const char *name);
/* Block the current task on wq until woken.  Call with interrupts off and
 * the condition checked: no wake-up can slip in between. */
void wq_block(struct wait_queue *wq);
bool wq_wake_one(struct wait_queue *wq);
int wq_wake_all(struct wait_queue *wq);

const char *task_state_name(enum task_state s);
/* Tasks alive (not yet reaped), idle and main included. */
uint32_t task_count(void);
/* Visit every task (for the console and the gdb helpers' tests), under
 * the spinlock "tasks": fn must not sleep or create or reap tasks. */
void task_for_each(void (*fn)(struct task *t, void *ctx), void *ctx);

/* Statistics of the scheduler itself. */
struct sched_stats {
	uint64_t ticks; /* timer ticks seen */
	uint64_t idle_ticks;
	uint64_t switches; /* context switches */
	uint32_t boosts;
};
void sched_get_stats(struct sched_stats *s);
/* The MLFQ state (for the console, tests, gdb). */
const struct mlfq *sched_mlfq(void);
/* The task owning an MLFQ entity. */
struct task *task_of(const struct mlfq_ent *e);
/* The name of the policy in force (sched.policy=): "mlfq", "rr", ... */
const char *sched_policy_name(void);
/*
 * Lottery and stride tickets of a kernel thread (a field of its policy
 * entity; SCHED_TICKETS_DEFAULT at creation): 1 .. POLICY_MAX_TICKETS, or
 * -1.  Under the MLFQ and the list policies they are kept but unused.
 */
int sched_set_tickets(struct task *t, uint32_t tickets);
uint32_t sched_tickets(const struct task *t);

/*
 * The workload runner (sched/workload_run.c) takes over the timer tick
 * while an OSTEP workload runs: on each tick the scheduler calls tick(now)
 * instead of its own MLFQ bookkeeping, and runs the task it returns (NULL:
 * the idle task).  Kernel threads outside the workload wait meanwhile;
 * the runner's own thread is blocked until the workload ends.
 */
typedef struct task *(*sched_takeover_t)(uint64_t now);
void sched_set_takeover(sched_takeover_t tick);
/* Make a task that never joins the MLFQ queues (idle, workload jobs). */
void sched_detach(struct task *t);
/* Mark a task exited at a tick boundary, on its behalf (a finished job). */
void sched_finish(struct task *t, int status);

#endif
