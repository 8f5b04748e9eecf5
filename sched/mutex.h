/*
 * mutex — sleeping locks with an owner, counting semaphores, and
 * condition variables with Mesa semantics, all on wait queues.
 *
 * A spinlock wastes a whole turn of the CPU when its holder is preempted;
 * these sleep instead (OSTEP ch. 28.14 "using queues: sleeping instead of
 * spinning", ch. 30 condition variables, ch. 31 semaphores;
 * 001_99f86f884551d980.txt, locks and semaphores).  Each object's state is
 * guarded by a raw spinlock of its own (on one CPU that is interrupts off;
 * the atomic word keeps it right on several) and a task waits on the
 * object's wait queue with interrupts still off, so no wake-up can slip in
 * between the check and the sleep.
 *
 * Mutex invariants:
 *  - owner is NULL or the one task inside; only the owner unlocks
 *    (kfatal otherwise), and never recursively (lockdep reports it, and a
 *    second mutex_lock by the owner kfatals rather than sleep forever);
 *  - hand-off: mutex_unlock with waiters makes the first waiter the owner
 *    before waking it, so waiters get the lock in arrival order and a
 *    woken waiter never finds it taken again (no barging, no starvation);
 *  - a task blocked in mutex_lock has wait_what "mutex", wait_obj the
 *    mutex and wait_owner its owner: the deadlock detector's edge.
 *
 * Semaphore (Dijkstra's P and V as OSTEP's sem_wait / sem_post):
 *  - count >= 0 is the number of sem_down that would not block now;
 *  - sem_up adds one and wakes the first waiter, which checks the count
 *    again (Mesa style): a unit is never lost, though a task that was not
 *    waiting may take it first.
 *
 * Condition variable (Mesa semantics: a signal is only a hint that the
 * condition may hold; the woken task re-acquires the mutex and must check
 * the condition again, in a loop: `while (!cond) cond_wait(&cv, &m);`):
 *  - cond_wait requires the mutex held (kfatal otherwise), releases it
 *    and sleeps in one step (no signal is lost in between), and holds it
 *    again when it returns;
 *  - cond_signal wakes one waiter, cond_broadcast all; neither needs the
 *    mutex, but the condition must be changed under it.
 *
 * All of these may sleep: call them with no spinlock held (lockdep checks)
 * and never from an interrupt handler.
 */
#ifndef KEEL_SCHED_MUTEX_H
#define KEEL_SCHED_MUTEX_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/task.h"
#include "sync/spinlock.h"

struct mutex {
	struct spinlock guard; /* raw: guards owner and the queue */
	struct task *owner;
	struct wait_queue waiters;
	uintptr_t owner_pc; /* where the owner took it */
	uint32_t contended; /* acquisitions that had to sleep */
	struct lockdep_map dep;
};

struct semaphore {
	struct spinlock guard;
	int count;
	struct wait_queue waiters;
	const char *name;
};

struct condvar {
	struct wait_queue waiters; /* touched with interrupts off */
	const char *name;
};

void mutex_init_key(struct mutex *m, const char *name,
		    struct lock_class_key *key);
/* One lock class per init site, named `name` (sync/lockdep.h). */
#define mutex_init(m, name)                                                    \
	do {                                                                   \
		static struct lock_class_key mutex_key_;                       \
		mutex_init_key((m), (name), &mutex_key_);                      \
	} while (0)
void mutex_lock(struct mutex *m);
/*
 * Like mutex_lock, but a task_interrupt() while it waits gives up: 0 when
 * the mutex is held, -EINTR when interrupted (not holding it).
 */
int mutex_lock_interruptible(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held(const struct mutex *m); /* by the running task */
#define mutex_assert_held(m)                                                   \
	do {                                                                   \
		if (!mutex_held(m))                                            \
			mutex_not_held_((m), __func__);                        \
	} while (0)
__attribute__((noreturn)) void mutex_not_held_(const struct mutex *m,
					       const char *func);
/* The wait_owner of a task blocked on a mutex: its owner. */
struct task *mutex_owner_of(uintptr_t mutex);

void sem_init(struct semaphore *s, const char *name, int count);
void sem_down(struct semaphore *s); /* P, OSTEP's sem_wait */
bool sem_trydown(struct semaphore *s);
void sem_up(struct semaphore *s); /* V, OSTEP's sem_post */
int sem_count(const struct semaphore *s);

void cond_init(struct condvar *c, const char *name);
void cond_wait(struct condvar *c, struct mutex *m);
void cond_signal(struct condvar *c);
void cond_broadcast(struct condvar *c);

#endif
