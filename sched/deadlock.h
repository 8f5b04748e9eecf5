/*
 * deadlock — run-time deadlock detection on the wait-for graph.
 *
 * lockdep (sync/lockdep.h) warns of an order that *could* deadlock; this
 * finds tasks that *are* deadlocked.  Every blocked task whose wait has a
 * known owner (task.h: wait_owner — a mutex's owner; other layers add
 * their own waits) is an edge "t waits for owner" of the wait-for graph.
 * A task waits for at most one thing, so each task has at most one edge
 * out, and a deadlock is a cycle of these edges: following them from any
 * task either ends at a task that can run or comes back round.
 *
 * A report names the cycle and the four conditions of deadlock as
 * 001_99f86f884551d980.txt (section 2.5) and OSTEP ch. 32 list them, each
 * with what in this cycle meets it: mutual exclusion (each lock has one
 * owner), hold and wait (each task holds one while waiting for the
 * next: its lockdep stack), no preemption (the kernel never takes a lock
 * from its owner) and circular wait (the cycle itself).
 *
 * Where it runs: the console's `deadlock` command, the gdb helper
 * keel-deadlock (tools/gdb), and an automatic check: a task that blocks
 * walks its owners' chain, and if that leads back to itself the timer
 * looks again `deadlock.check=SECONDS` later (default 5; 0: off) and
 * reports each cycle whose tasks have all been blocked that long, once.
 */
#ifndef KEEL_SCHED_DEADLOCK_H
#define KEEL_SCHED_DEADLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/task.h"

#define DEADLOCK_MAX_TASKS 64 /* tasks the snapshot looks at */
#define DEADLOCK_MAX_CYCLE 16

/* One blocked task of a cycle, copied while interrupts were off. */
struct deadlock_link {
	int id;
	char name[TASK_NAME_MAX];
	const char *what;  /* wait_what */
	uintptr_t obj;	   /* wait_obj */
	const char *label; /* the object's name, if known ("test.m1") */
	int owner_id;	   /* the task it waits for */
	uint64_t since;	   /* the tick it blocked */
	int nheld;	   /* locks it holds (lockdep), and the first */
	const char *held[4];
	uintptr_t held_site[4];
};

struct deadlock_cycle {
	int n;
	struct deadlock_link link[DEADLOCK_MAX_CYCLE];
};

/* Read deadlock.check=. */
void deadlock_init(void);
/*
 * A task about to block whose wait_owner is set (interrupts off): arms
 * the automatic check if its wait closes a cycle.  Every layer that sets
 * wait_owner calls it before wq_block.
 */
void deadlock_note_wait(struct task *t);
/*
 * Find up to max cycles of the wait-for graph right now (each once);
 * returns how many were found.
 */
int deadlock_find(struct deadlock_cycle *out, int max);
/* Print one cycle and the four conditions through print. */
typedef void (*deadlock_print_t)(const char *fmt, ...);
void deadlock_report(const struct deadlock_cycle *c, deadlock_print_t print);
/* Automatic reports made so far (tests check one appears). */
uint32_t deadlock_auto_reports(void);
/* The automatic check's period in ticks (0: off), and a way to change it. */
uint32_t deadlock_check_period(void);
void deadlock_set_check_period(uint32_t ticks);

#endif
