/*
 * lockdep — a lock-order validator, after Linux's lockdep.
 *
 * A deadlock needs four conditions at once (001_99f86f884551d980.txt,
 * section 2.5; OSTEP ch. 32): mutual exclusion, hold and wait, no
 * preemption and circular wait.  Locks give the first three by design, so
 * the only one the kernel can refuse is the fourth: if every task takes
 * locks in one global order, no cycle of waiters can form.  The validator
 * checks that order as the kernel runs, long before two tasks happen to
 * interleave badly:
 *
 *  - every lock has a class: all locks initialised at one place in the
 *    code share one (a static `struct lock_class_key` per init site, named
 *    by the init call's string), as all pipes' locks behave alike;
 *  - each task keeps a stack of the locks it holds, with the call site of
 *    each acquisition (a return address, named through kernel/ksyms);
 *  - acquiring class B while the top of the stack is class A records the
 *    order A -> B in a global graph; the first time a new order closes a
 *    cycle in that graph (B -> ... -> A already seen, at any distance), the
 *    validator prints the new chain and every recorded order of the old
 *    path, with the task and the call sites that made each, once;
 *  - acquiring a class already on the task's stack is reported as
 *    possible recursion (two locks of one class nested, or the same lock
 *    twice: on a non-recursive lock that waits forever);
 *  - might_sleep (the entry of every sleeping primitive and of wq_block)
 *    while a spinlock is held is reported: a sleeping holder keeps every
 *    other CPU spinning, and on one CPU it sleeps with interrupts off;
 *  - a task that exits holding locks, and a release of a lock not held,
 *    are reported too.
 *
 * Reports begin with "lockdep: " and never stop the kernel.  A clean run
 * of the whole self-test suite must print none (tools/harness checks it).
 *
 * On or off: `lockdep=on|off`; by default on when the kernel boots to run
 * its self-tests (`test`), off otherwise.  The reason is its price: an
 * acquire and release pair of a spinlock costs about 40 instructions
 * alone and about 170 with the validator (`make bench`:
 * spin_lock_unlock and spin_lock_unlock_lockdep), which would take the
 * frame allocator past its target of 200 instructions an alloc and free
 * pair.  Linux makes the same choice (CONFIG_PROVE_LOCKING is a debug
 * option).  The self-tests run every lock path of the kernel with it on,
 * and `make run ARGS=lockdep=on` turns it on for a session.
 *
 * All state lives in fixed tables (no kmalloc: the heap itself is locked),
 * touched with interrupts off; on several CPUs the tables would need a
 * raw lock of their own.  Limits: LOCKDEP_MAX_CLASSES classes,
 * LOCKDEP_MAX_ORDERS orders, LOCKDEP_MAX_HELD locks held at once by one
 * task; past them the validator says so once and stops recording.
 */
#ifndef KEEL_SYNC_LOCKDEP_H
#define KEEL_SYNC_LOCKDEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOCKDEP_MAX_CLASSES 64
#define LOCKDEP_MAX_ORDERS  256
#define LOCKDEP_MAX_HELD    8
#define LOCKDEP_NAME_MAX    16

/* One per lock init site (static storage): the class's identity. */
struct lock_class_key {
	uint16_t id; /* 1 + index in the class table; 0: not registered */
};

enum lockdep_kind { LOCKDEP_SPIN, LOCKDEP_MUTEX };

/* What every tracked lock carries. */
struct lockdep_map {
	const char *name;
	struct lock_class_key *key; /* NULL: not tracked (a raw lock) */
	uint8_t kind;		    /* enum lockdep_kind */
};

struct held_lock {
	const struct lockdep_map *map;
	uint16_t cls;	/* class id */
	uintptr_t site; /* return address of the acquire call */
};

/* A task's side of the validator (embedded in struct task). */
struct lockdep_task {
	int id;
	const char *name;
	int depth; /* may exceed LOCKDEP_MAX_HELD: only the first are kept */
	struct held_lock held[LOCKDEP_MAX_HELD];
};

enum lockdep_report_kind {
	LOCKDEP_R_CYCLE,      /* a new order closes a cycle */
	LOCKDEP_R_RECURSION,  /* a class already held is taken again */
	LOCKDEP_R_SLEEP,      /* might_sleep with a spinlock held */
	LOCKDEP_R_UNBALANCED, /* release of a lock not held */
	LOCKDEP_R_EXIT_HELD,  /* a task exits holding locks */
	LOCKDEP_R_LIMIT,      /* a table is full: recording stops */
	LOCKDEP_R_KINDS
};

/* Read lockdep=on|off (after cmdline_init). */
void lockdep_init(void);
/* Kernel-wide: whether the validator is on (the locks' fast paths read
 * it before calling in).  Change it only through lockdep_set_enabled. */
extern bool lockdep_active;
bool lockdep_enabled(void);
/* Only with no tracked lock held anywhere (benchmarks, tests). */
void lockdep_set_enabled(bool on);

/* sched/ hands down the running task's record (boot: a static one). */
typedef struct lockdep_task *(*lockdep_current_t)(void);
void lockdep_set_current(lockdep_current_t fn);
void lockdep_task_init(struct lockdep_task *t, int id, const char *name);
/* The task is exiting: report it if it still holds locks. */
void lockdep_task_exit(struct lockdep_task *t);

void lockdep_map_init(struct lockdep_map *m, const char *name,
		      struct lock_class_key *key, enum lockdep_kind kind);
/* Before waiting for the lock (so a report comes out before a hang). */
void lockdep_acquire(const struct lockdep_map *m, uintptr_t site);
void lockdep_release(const struct lockdep_map *m, uintptr_t site);
/* At the entry of anything that may block: no spinlock may be held. */
void lockdep_might_sleep(const char *what, uintptr_t site);

/* Reports made since boot, by kind. */
uint32_t lockdep_reports(enum lockdep_report_kind k);
/*
 * Tests: send reports to buf (NUL-terminated, cut at len) instead of the
 * console, until lockdep_capture_end; returns the reports made meanwhile.
 */
void lockdep_capture_begin(char *buf, size_t len);
uint32_t lockdep_capture_end(void);
/* Tests: forget a class and every order that names it. */
void lockdep_forget(struct lock_class_key *key);

/* For the console and gdb: the class name of id, and the graph's size. */
const char *lockdep_class_name(uint16_t id);
struct lockdep_stats {
	uint32_t classes, orders, acquisitions;
	uint32_t reports[LOCKDEP_R_KINDS];
};
void lockdep_get_stats(struct lockdep_stats *s);
/* Visit every recorded order (from -> to), oldest first. */
void lockdep_for_each_order(void (*fn)(uint16_t from, uint16_t to, void *ctx),
			    void *ctx);

#endif
