/*
 * spinlock — mutual exclusion by busy waiting, and the interrupt flag.
 *
 * A lock built on an atomic exchange (OSTEP ch. 28; 001_99f86f884551d980.txt,
 * its CAS lock): acquire swaps 1 into the lock
 * word with `xchg` (locked by the CPU without a `lock` prefix) until the
 * old value was 0; release stores 0.  A ticket lock (OSTEP's
 * fetch-and-add lock) is here too: acquire takes a ticket with `lock xadd`
 * and spins until the lock serves that ticket, so waiters enter in the
 * order they came (fair, no starvation).
 *
 * Why interrupts go off.  An interrupt handler that wanted a lock its own
 * CPU already holds would spin forever (the holder cannot run until the
 * handler returns).  So every acquire turns interrupts off first and the
 * last release turns them back on *if they were on before the first
 * acquire*: a per-CPU nesting count and the saved flag (xv6's
 * pushcli/popcli), so locks may be released in any order and the flag
 * still comes back right.  On one CPU that alone already excludes
 * everyone; the atomic word is what makes the same code correct on
 * several CPUs, and it is exercised on every acquire.
 *
 * Invariants (checked, kassert/panic on a break):
 *  - while a lock is held, interrupts are off on the holding CPU and the
 *    CPU's nesting count is at least 1;
 *  - a lock is released only by the CPU that holds it (its word holds
 *    the owner CPU + 1), and only while held;
 *  - no recursion: acquiring a lock the same CPU already holds panics at
 *    once rather than spinning forever;
 *  - a holder never sleeps (lockdep reports it: sync/lockdep.h).
 *
 * Every lock has a lock class for the lock-order validator
 * (sync/lockdep.h): spin_init() gives each init site its own static key,
 * named by the string it is given.  A "raw" lock (spin_init_raw) is not
 * seen by the validator: the validator's own lock and the guards inside
 * the sleeping primitives (mutex, semaphore), which never nest.
 */
#ifndef KEEL_SYNC_SPINLOCK_H
#define KEEL_SYNC_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86.h"
#include "sync/lockdep.h"

/* The CPU running this code.  keel runs on one CPU: always 0. */
static inline int cpu_id(void)
{
	return 0;
}

/* What a held lock's word holds: its owner CPU + 1 (0: free). */
#define SPIN_FREE 0u
static inline uint32_t spin_mine(void)
{
	return (uint32_t)cpu_id() + 1;
}

struct spinlock {
	volatile uint32_t locked; /* SPIN_FREE, or the owner CPU + 1 */
	uintptr_t owner_pc;	  /* where the owner took it (gdb, reports) */
	uint32_t spins;		  /* turns spent waiting, all acquires */
	struct lockdep_map dep;	  /* class and name for the validator */
};

/* OSTEP's fetch-and-add ticket lock. */
struct ticketlock {
	volatile uint32_t next;	   /* the next ticket to hand out */
	volatile uint32_t serving; /* the ticket allowed in */
	int owner_cpu;		   /* -1 when free */
	uintptr_t owner_pc;
	struct lockdep_map dep;
};

/*
 * Per CPU (one today): how deep the pushes are, and whether interrupts
 * were on before the first.  Kernel-wide state: only the functions below
 * touch it.
 */
struct cpu_irq_state {
	int depth;
	bool was_on;
};
extern struct cpu_irq_state cpu_irq_state;

/*
 * Interrupts off, nested: the first push saves the flag, the last pop
 * restores it.  Spinlocks use the inline pair; irq_push/irq_pop are the
 * same with the invariants checked, for other code.
 */
static inline void irq_push_fast(void)
{
	uint32_t flags = read_eflags();
	cli(); /* off first: nothing interrupts the count */
	if (cpu_irq_state.depth++ == 0)
		cpu_irq_state.was_on = (flags & EFLAGS_IF) != 0;
}

static inline void irq_pop_fast(void)
{
	if (--cpu_irq_state.depth == 0 && cpu_irq_state.was_on)
		sti();
}

void irq_push(void);
void irq_pop(void);
/* How deep the current CPU's pushes are (0: none). */
int irq_push_depth(void);

void spin_init_key(struct spinlock *l, const char *name,
		   struct lock_class_key *key);
/* A lock the validator does not track (see above). */
void spin_init_raw(struct spinlock *l, const char *name);
/* One lock class per init site, named `name`. */
#define spin_init(l, name)                                                     \
	do {                                                                   \
		static struct lock_class_key spin_key_;                        \
		spin_init_key((l), (name), &spin_key_);                        \
	} while (0)

/*
 * The address of the code that takes or releases a lock, inside the
 * function that does (the call returns there: the lock paths are inlined),
 * for lockdep's reports and the gdb helpers.
 */
uintptr_t spin_here_(void);

/* The slow and the broken paths, out of line. */
void spin_wait_(struct spinlock *l);
__attribute__((noreturn)) void spin_recursion_(struct spinlock *l);
__attribute__((noreturn)) void spin_not_mine_(struct spinlock *l);

/*
 * Acquire: interrupts off, then one `lock cmpxchg` of free -> mine (the
 * compare-and-swap lock of 001_99f86f884551d980.txt); if it was taken,
 * spin in spin_wait_, which also catches a CPU taking a lock it holds.
 * Inline: the uncontended pair costs about 40 instructions (make bench:
 * spin_lock_unlock).
 */
static inline __attribute__((always_inline)) void
spin_lock_inline(struct spinlock *l)
{
	uintptr_t site = spin_here_();
	irq_push_fast();
	if (lockdep_active)
		lockdep_acquire(&l->dep, site);
	if (__builtin_expect(
		cmpxchg(&l->locked, SPIN_FREE, spin_mine()) != SPIN_FREE, 0))
		spin_wait_(l);
	l->owner_pc = site;
}

static inline __attribute__((always_inline)) void
spin_unlock_inline(struct spinlock *l)
{
	if (__builtin_expect(l->locked != spin_mine(), 0))
		spin_not_mine_(l);
	if (lockdep_active)
		lockdep_release(&l->dep, spin_here_());
	l->owner_pc = 0;
	/* A compiler barrier, then a plain store: x86 keeps stores in
	 * order, so the critical section's writes are all visible first. */
	__asm__ volatile("" ::: "memory");
	l->locked = SPIN_FREE;
	irq_pop_fast();
}

#define spin_lock(l)   spin_lock_inline(l)
#define spin_unlock(l) spin_unlock_inline(l)
/* One attempt: true (and held) if the lock was free. */
bool spin_trylock(struct spinlock *l);
/* Whether this CPU holds l. */
static inline bool spin_held(const struct spinlock *l)
{
	return l->locked == spin_mine();
}

void ticket_init_key(struct ticketlock *l, const char *name,
		     struct lock_class_key *key);
#define ticket_init(l, name)                                                   \
	do {                                                                   \
		static struct lock_class_key ticket_key_;                      \
		ticket_init_key((l), (name), &ticket_key_);                    \
	} while (0)
void ticket_lock(struct ticketlock *l);
void ticket_unlock(struct ticketlock *l);
bool ticket_held(const struct ticketlock *l);

/* Preconditions a function states at its top. */
#define spin_assert_held(l)                                                    \
	do {                                                                   \
		if (!spin_held(l))                                             \
			spin_not_held_(l, __func__);                           \
	} while (0)
#define assert_irqs_off()                                                      \
	do {                                                                   \
		if (irq_enabled())                                             \
			irqs_on_(__func__);                                    \
	} while (0)
__attribute__((noreturn)) void spin_not_held_(const struct spinlock *l,
					      const char *func);
__attribute__((noreturn)) void irqs_on_(const char *func);

#endif
