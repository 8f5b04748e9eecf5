/*
 * mlfq: the multi-level feedback queue policy (pure: no hardware, no
 * kernel globals, no libc).  The same file is compiled into the kernel's
 * scheduler, into tools/mlfq-sim and into the host tests.
 *
 * The rules (OSTEP ch. 8, as summarised in 000_4ce0ed622454299e.txt, §4
 * "调度：多级反馈队列（MLFQ）"), and the code path that implements each:
 *
 *   Rule 1  If Priority(A) > Priority(B), A runs (B doesn't).
 *           -> mlfq_pick(): the head of the highest non-empty level, found
 *              in O(1) from a bitmap of non-empty levels (highest set bit).
 *   Rule 2  If Priority(A) = Priority(B), A and B run in round-robin.
 *           -> mlfq_charge(): when the quantum runs out, the entity goes
 *              to the tail of its level; mlfq_yield() does the same early.
 *   Rule 3  A job entering the system is placed at the highest priority.
 *           -> mlfq_attach() / mlfq_add().
 *   Rule 4  Once a job uses up its time allotment at a level (no matter
 *           how many times it gave up the CPU), its priority is reduced.
 *           -> mlfq_charge(): ticks_left and allot_left live in the entity
 *              and are kept across mlfq_block(), mlfq_wake() and
 *              mlfq_yield(), so giving up the CPU just before the quantum
 *              ends buys nothing.  The old rules 4a/4b ("stay at your level
 *              if you give up the CPU within the quantum") are available
 *              as params.io_refill (OSTEP's -S) for demonstrations only.
 *   Rule 5  After some time period S, move all the jobs in the system to
 *           the topmost queue.
 *           -> mlfq_boost_due() / mlfq_boost(); the policy keeps a list of
 *              every attached entity (queued, blocked or not yet arrived)
 *              so the caller needs no iterator of its own.
 *
 * Levels are numbered as OSTEP numbers them: 0 is the lowest priority,
 * levels-1 the highest.  Time is counted in ticks; the caller says what
 * happened during each tick (mlfq_charge) and the policy never reads a
 * clock.  One tick, in the order of mlfq-reference.md:
 *
 *   1. if mlfq_boost_due(m, t): mlfq_boost(m)
 *   2. arrivals (mlfq_add), then wake-ups (mlfq_wake)
 *   3. e = mlfq_pick(m): e runs for the tick and stays at the head of its
 *      queue while it runs (nothing preempts it mid-quantum, except that a
 *      higher level becoming non-empty wins at the next pick)
 *   4. at the end of the tick: mlfq_charge(m, e, what)
 *
 * The kernel does step 4 of tick t-1 first, then steps 1-3 of tick t, all
 * from its timer interrupt.  Whatever the picked task does between two
 * interrupts belongs to the tick it was picked for, so the kernel charges
 * the task it picked at the start of the tick (the "tick owner"), even if
 * that task yielded, blocked or was woken again meanwhile.  For ordinary
 * kernel threads:
 *
 *   create      zero the task's mlfq_ent, then mlfq_add()
 *   timer IRQ   if (owner) mlfq_charge(owner, blocked_since_picked ?
 *                                      MLFQ_BLOCKS : MLFQ_CONTINUES);
 *               if (mlfq_boost_due(t)) mlfq_boost();
 *               mlfq_wake() each sleeper whose time has come;
 *               owner = mlfq_pick() (NULL: run the idle task); switch
 *   yield       mlfq_yield(self); switch to mlfq_pick() (owner unchanged)
 *   sleep/wait  mlfq_block(self); switch to mlfq_pick() (owner unchanged)
 *   wake-up     mlfq_wake(task), from anywhere; it runs from the next pick
 *   exit/kill   mlfq_remove(task); if it was the owner, owner = NULL
 *
 * Tasks that run in the rest of a tick after its owner gave up the CPU
 * are not charged for it; charging the owner is what stops a task from
 * escaping the accounting by yielding just before each interrupt.
 *
 * Kernel defaults (mlfq_params_default), with the trade-offs behind them:
 *
 *   levels 3; quantum 10 / 20 / 40 ticks and allotment 1 / 2 / 1 quanta,
 *   highest level first; boost every 1000 ticks; io_refill and io_to_head
 *   off.
 *
 *   - Top quantum 10 ticks: response.  A task that wakes at the top waits
 *     for at most one 10-tick quantum of each top-level task ahead of it,
 *     and a CPU-bound newcomer leaves the top after a single quantum
 *     (allotment 1), so it delays interactive tasks for 10 ticks, once.
 *   - Middle 2 x 20 ticks: a task that computes in bursts (an editor
 *     reformatting, a short compile step) gets 40 more ticks at a priority
 *     above the batch jobs before it is classed as batch: 10 + 40 = 50
 *     ticks of CPU from arrival (or boost) to the bottom.
 *   - Bottom quantum 40 ticks: throughput.  Batch tasks switch four times
 *     less often than top-level ones, so fewer switches and less cache
 *     refilling per tick of useful work.  The bottom allotment only says
 *     how often a bottom task goes back to the tail (every quantum).
 *   - Boost every 1000 ticks: the period must be long against the 50
 *     ticks it takes to reclassify a CPU-bound task, because after every
 *     boost each CPU-bound task again spends up to 50 ticks above the
 *     bottom, competing with the interactive ones: with S = 1000 that is
 *     at most 5% of the CPU per batch task.  The same 5% is all a task
 *     gaming the scheduler can win (rule 4 already counts its allotment
 *     across I/O and yields; only the boost refills it).  Against that,
 *     a starved bottom task waits at most about S ticks (10 s at 100 Hz,
 *     1 s at 1000 Hz) before it is lifted; a shorter S lowers that bound
 *     and raises the two 5% figures in proportion.
 *   - io_refill off: it is the gameable old rule 4b.  io_to_head off:
 *     rule 2 stays plain FIFO round-robin; an interactive task is already
 *     served first by being at the top level.
 *
 * OSTEP compatibility (mlfq_params_ostep, used by tools/mlfq-sim and the
 * kernel's workload runner): mlfq.py's defaults.  Its boost is the one
 * described above (fresh quantum and allotment of the top level), as in
 * mlfq.py since its allotment fix (ostep-homework commit ee2e067,
 * 2023-09-27).  params.boost_2020 reproduces the boost of the copies of
 * mlfq.py from before that fix (2020-05 to 2023-09): every unfinished
 * job's quantum left becomes allot[top] (the allotment, not the quantum)
 * and its allotment left is kept.  It is off unless asked for
 * (mlfq-sim --boost=2020, kernel option mlfq.boost_compat=2020).
 *
 * Concurrency: none here.  The kernel calls every function with
 * interrupts off (from its timer interrupt or with the scheduler locked).
 * A struct mlfq holds no pointer to itself, so it may be copied while it
 * has no entities attached.
 */
#ifndef KEEL_SCHED_MLFQ_H
#define KEEL_SCHED_MLFQ_H

/*
 * The two calls on every timer tick take their arguments in registers in
 * the 32-bit kernel (the kernel's TRAP_CALL convention, arch/x86.h); on the
 * host, where the simulators and tests run, the attribute does not exist.
 */
#if defined(__i386__) && !defined(KEEL_HOST)
#define MLFQ_CALL __attribute__((regparm(3)))
#else
#define MLFQ_CALL
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The wide build (MLFQ_WIDE defined before this header; only
 * tools/mlfq-sim) takes every value mlfq.py takes: counters are signed 64
 * bits, so a quantum or allotment of 0 or less works as it does in
 * mlfq.py (ticks_left or allot_left never reaches 0 again: the quantum or
 * the allotment never runs out, and the trace shows them going negative),
 * and up to MLFQ_WIDE_LEVELS levels.  Its functions are renamed, so that
 * both builds can be linked into one host test binary.  The kernel and
 * the pure tests use the narrow build: uint32_t counters, >= 1.
 */
#ifdef MLFQ_WIDE
#define MLFQ_MAX_LEVELS 4096
typedef int64_t mlfq_val; /* a quantum, allotment or boost period */
typedef uint16_t mlfq_level_t;
#define mlfq_params_default mlfq_wide_params_default
#define mlfq_params_ostep   mlfq_wide_params_ostep
#define mlfq_params_check   mlfq_wide_params_check
#define mlfq_init	    mlfq_wide_init
#define mlfq_attach	    mlfq_wide_attach
#define mlfq_add	    mlfq_wide_add
#define mlfq_pick	    mlfq_wide_pick
#define mlfq_charge	    mlfq_wide_charge
#define mlfq_block	    mlfq_wide_block
#define mlfq_wake	    mlfq_wide_wake
#define mlfq_yield	    mlfq_wide_yield
#define mlfq_remove	    mlfq_wide_remove
#define mlfq_boost	    mlfq_wide_boost
#else
/* One bit a level in a uint32_t bitmap. */
#define MLFQ_MAX_LEVELS 32
typedef uint32_t mlfq_val;
typedef uint8_t mlfq_level_t;
#endif
#define MLFQ_BITMAP_WORDS ((MLFQ_MAX_LEVELS + 31) / 32)
/* Bounds on a quantum and an allotment, so that counters never overflow. */
#define MLFQ_MAX_QUANTUM 1000000000u
#define MLFQ_MAX_ALLOT	 1000000000u

struct mlfq_params {
	int levels;			   /* 1 .. MLFQ_MAX_LEVELS */
	mlfq_val quantum[MLFQ_MAX_LEVELS]; /* ticks, indexed by level */
	mlfq_val allot[MLFQ_MAX_LEVELS];   /* quanta, indexed by level */
	mlfq_val boost;			   /* period in ticks; <= 0: never */
	bool io_refill;	 /* -S: blocking refills quantum and allotment */
	bool io_to_head; /* -I: a woken entity goes to the head */
	bool boost_2020; /* boost as mlfq.py did before 2023-09 (above) */
};

enum mlfq_state {
	MLFQ_OUTSIDE = 0, /* unknown to the policy: never attached, or gone */
	MLFQ_WAITING,	  /* attached, not arrived yet (never queued) */
	MLFQ_QUEUED,	  /* in the queue of its level; the picked one is
			     the head of the highest non-empty level */
	MLFQ_BLOCKED,	  /* attached, waiting for I/O or an event */
};

/* What happened to the tick owner during the tick being charged. */
enum mlfq_after {
	MLFQ_CONTINUES, /* ran the whole tick and is still runnable */
	MLFQ_FINISHED,	/* no work left: it leaves the policy */
	MLFQ_STARTS_IO, /* issues an I/O as the tick ends: leaves its queue */
	MLFQ_BLOCKS,	/* blocked during the tick (mlfq_block was called);
			   it may have been woken again since */
};

/* Bits of mlfq_charge()'s result. */
#define MLFQ_CHARGE_EXPIRED 1u /* its quantum ran out during the tick */
#define MLFQ_CHARGE_DEMOTED 2u /* ... and so did its allotment: level-1 */

/*
 * The per-task part, embedded in the task (or the simulator's job).  All
 * fields belong to the policy; read them only through the accessors.  It
 * must be zeroed (state MLFQ_OUTSIDE) before its first mlfq_attach/add.
 */
struct mlfq_ent {
	struct mlfq_ent *next, *prev;	      /* queue of its level */
	struct mlfq_ent *all_next, *all_prev; /* every attached entity */
	mlfq_val ticks_left; /* of the current quantum, >= 1 between ticks */
	mlfq_val allot_left; /* quanta left at this level, >= 1 */
	mlfq_level_t level;
	uint8_t state; /* enum mlfq_state */
};

struct mlfq_queue {
	struct mlfq_ent *head, *tail;
	uint32_t len;
};

struct mlfq_stats {
	uint32_t charged; /* ticks charged */
	uint32_t expired; /* quanta used up */
	uint32_t demoted; /* level changes down */
	uint32_t boosts;
};

struct mlfq {
	struct mlfq_params p;
	struct mlfq_queue q[MLFQ_MAX_LEVELS];
#ifdef MLFQ_WIDE
	uint32_t nonempty[MLFQ_BITMAP_WORDS]; /* bit L%32 of word L/32 */
#else
	uint32_t nonempty; /* bit L set <=> q[L] is not empty */
#endif
	struct mlfq_ent *all; /* attached entities, in no particular order */
	uint32_t nattached;
	uint32_t nqueued;
	struct mlfq_stats stats;
};

/* The kernel's defaults (see above) and mlfq.py's (-n 3 -q 10 -a 1). */
void mlfq_params_default(struct mlfq_params *p);
void mlfq_params_ostep(struct mlfq_params *p);
/* NULL if p is usable, else what is wrong with it. */
const char *mlfq_params_check(const struct mlfq_params *p);

/* p must pass mlfq_params_check (kassert). */
void mlfq_init(struct mlfq *m, const struct mlfq_params *p);

/*
 * Rule 3.  attach: OUTSIDE -> WAITING, at the top level with a fresh
 * quantum and allotment; a boost reaches it from now on.  add (arrival):
 * WAITING -> QUEUED at the tail of its level, keeping its counters (a
 * boost may have changed them since attach, as in mlfq.py); an OUTSIDE
 * entity is attached first, so add alone is "enter the system now".
 */
void mlfq_attach(struct mlfq *m, struct mlfq_ent *e);
void mlfq_add(struct mlfq *m, struct mlfq_ent *e);

/* Rule 1: the head of the highest non-empty level, or NULL; O(1). */
MLFQ_CALL struct mlfq_ent *mlfq_pick(const struct mlfq *m);

/*
 * Step 4: charge the tick owner for one tick and apply what happened.
 * Returns MLFQ_CHARGE_* bits.  The owner must be QUEUED, except for
 * MLFQ_BLOCKS (BLOCKED, or QUEUED if woken since).  In mlfq.py's order:
 *   the quantum left drops by one;
 *   FINISHED: it leaves the policy (OUTSIDE), nothing else;
 *   STARTS_IO: it leaves its queue (BLOCKED);
 *   STARTS_IO, BLOCKS: with io_refill, quantum and allotment are refilled
 *     for its level;
 *   if the quantum ran out (judged before any refill), one unit of
 *   allotment is used: the last one moves it down a level (or keeps it at
 *   0) with a fresh quantum and allotment, otherwise it gets a fresh
 *   quantum; if it is queued it goes to the tail of its (new) level.
 */
MLFQ_CALL unsigned mlfq_charge(struct mlfq *m, struct mlfq_ent *e,
			       enum mlfq_after what);

/*
 * Mid-tick changes, made by the kernel between two interrupts.  None of
 * them charges anything or touches the counters.
 *   block: QUEUED -> BLOCKED (sleep, wait; charge the tick as BLOCKS).
 *   wake:  BLOCKED -> QUEUED, tail of its level (head with io_to_head).
 *   yield: QUEUED, moves to the tail of its level.
 *   remove: any state -> OUTSIDE (exit, kill); never charge it again.
 */
void mlfq_block(struct mlfq *m, struct mlfq_ent *e);
void mlfq_wake(struct mlfq *m, struct mlfq_ent *e);
void mlfq_yield(struct mlfq *m, struct mlfq_ent *e);
void mlfq_remove(struct mlfq *m, struct mlfq_ent *e);

/* Rule 5.  Due at t when boost > 0, t > 0 and S divides t. */
static inline bool mlfq_boost_due(const struct mlfq *m, uint32_t t)
{
	/* Inline: asked on every timer tick. */
	return m->p.boost > 0 && t > 0 && t % (uint64_t)m->p.boost == 0;
}
/*
 * Lower levels' queues are appended to the top one, lowest level first,
 * each in its own order; every attached entity (queued, blocked or
 * waiting) gets the top level with a fresh quantum and allotment of the
 * top level, even one already queued there (except with boost_2020).
 */
void mlfq_boost(struct mlfq *m);

/* Accessors. */
static inline int mlfq_top(const struct mlfq *m)
{
	return m->p.levels - 1;
}
static inline int mlfq_level(const struct mlfq_ent *e)
{
	return e->level;
}
static inline mlfq_val mlfq_ticks_left(const struct mlfq_ent *e)
{
	return e->ticks_left;
}
static inline mlfq_val mlfq_allot_left(const struct mlfq_ent *e)
{
	return e->allot_left;
}
static inline enum mlfq_state mlfq_state(const struct mlfq_ent *e)
{
	return (enum mlfq_state)e->state;
}
static inline uint32_t mlfq_queue_len(const struct mlfq *m, int level)
{
	return m->q[level].len;
}

#endif
