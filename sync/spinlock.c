/*
 * spinlock — xchg spinlocks, ticket locks and nested interrupt disabling
 * (see spinlock.h).
 */
#include "sync/spinlock.h"

#include "arch/x86.h"
#include "kernel/panic.h"
#include "lib/kassert.h"

/*
 * Per CPU (one today): how deep the irq_push calls are, and whether
 * interrupts were on before the first one.
 */
static struct {
	int depth;
	bool was_on;
} cpu_irq;

void irq_push(void)
{
	bool on = irq_save(); /* off first: nothing interrupts the count */
	if (cpu_irq.depth++ == 0)
		cpu_irq.was_on = on;
}

void irq_pop(void)
{
	if (irq_enabled())
		panic("irq_pop: interrupts are on inside a push");
	if (cpu_irq.depth <= 0)
		panic("irq_pop: no push to pop");
	if (--cpu_irq.depth == 0 && cpu_irq.was_on)
		sti();
}

int irq_push_depth(void)
{
	return cpu_irq.depth;
}

void spin_not_held_(const struct spinlock *l, const char *func)
{
	kfatal("%s: requires spinlock '%s' held", func, l->dep.name);
}

void irqs_on_(const char *func)
{
	kfatal("%s: requires interrupts off", func);
}

/* ------------------------------------------------------ xchg locks -- */

void spin_init_key(struct spinlock *l, const char *name,
		   struct lock_class_key *key)
{
	l->locked = 0;
	l->owner_cpu = SPIN_NO_CPU;
	l->owner_pc = 0;
	l->spins = 0;
	lockdep_map_init(&l->dep, name, key, LOCKDEP_SPIN);
}

void spin_init_raw(struct spinlock *l, const char *name)
{
	spin_init_key(l, name, NULL);
}

bool spin_held(const struct spinlock *l)
{
	return l->locked && l->owner_cpu == cpu_id();
}

/*
 * The same CPU taking a lock it holds would spin forever (the holder
 * cannot run to release it): that is a bug, caught before any state
 * changes so that ktest_catch_fatal can watch it happen.
 */
static void check_not_mine(const struct spinlock *l)
{
	if (spin_held(l)) {
		irq_pop();
		kfatal("spin_lock: recursive acquire of '%s' (taken at %p)",
		       l->dep.name, (void *)l->owner_pc);
	}
}

static inline void spin_take(struct spinlock *l, uintptr_t site)
{
	irq_push();
	check_not_mine(l);
	lockdep_acquire(&l->dep, site);
	/* Test-and-set (OSTEP fig. 28.3), then spin reading only: the
	 * read loop keeps the cache line shared while someone holds it. */
	while (xchg(&l->locked, 1) != 0) {
		while (l->locked) {
			l->spins++;
			cpu_relax();
		}
	}
	l->owner_cpu = cpu_id();
	l->owner_pc = site;
}

void spin_lock(struct spinlock *l)
{
	spin_take(l, (uintptr_t)__builtin_return_address(0));
}

bool spin_trylock(struct spinlock *l)
{
	uintptr_t site = (uintptr_t)__builtin_return_address(0);
	irq_push();
	if (xchg(&l->locked, 1) != 0) {
		irq_pop();
		return false;
	}
	lockdep_acquire(&l->dep, site);
	l->owner_cpu = cpu_id();
	l->owner_pc = site;
	return true;
}

void spin_unlock(struct spinlock *l)
{
	if (!spin_held(l))
		kfatal("spin_unlock: '%s' is not held by this CPU",
		       l->dep.name);
	lockdep_release(&l->dep, (uintptr_t)__builtin_return_address(0));
	l->owner_cpu = SPIN_NO_CPU;
	l->owner_pc = 0;
	/* A compiler barrier then a plain store: x86 keeps stores in
	 * order, so every write of the critical section is visible first. */
	__asm__ volatile("" ::: "memory");
	l->locked = 0;
	irq_pop();
}

/* ---------------------------------------------------- ticket locks -- */

void ticket_init_key(struct ticketlock *l, const char *name,
		     struct lock_class_key *key)
{
	l->next = l->serving = 0;
	l->owner_cpu = SPIN_NO_CPU;
	l->owner_pc = 0;
	lockdep_map_init(&l->dep, name, key, LOCKDEP_SPIN);
}

bool ticket_held(const struct ticketlock *l)
{
	return l->next != l->serving && l->owner_cpu == cpu_id();
}

/* OSTEP fig. 28.7: myturn = FetchAndAdd(&ticket); while (turn != myturn)
 * spin.  Each waiter has its own ticket, so they enter in arrival order. */
void ticket_lock(struct ticketlock *l)
{
	uintptr_t site = (uintptr_t)__builtin_return_address(0);
	uint32_t mine;
	irq_push();
	if (ticket_held(l)) {
		irq_pop();
		kfatal("ticket_lock: recursive acquire of '%s'", l->dep.name);
	}
	lockdep_acquire(&l->dep, site);
	mine = fetch_add(&l->next, 1);
	while (l->serving != mine)
		cpu_relax();
	l->owner_cpu = cpu_id();
	l->owner_pc = site;
}

void ticket_unlock(struct ticketlock *l)
{
	if (!ticket_held(l))
		kfatal("ticket_unlock: '%s' is not held by this CPU",
		       l->dep.name);
	lockdep_release(&l->dep, (uintptr_t)__builtin_return_address(0));
	l->owner_cpu = SPIN_NO_CPU;
	l->owner_pc = 0;
	/* Only the holder writes `serving`: a locked add is not needed, but
	 * it also orders the critical section's stores before it. */
	fetch_add(&l->serving, 1);
	irq_pop();
}
