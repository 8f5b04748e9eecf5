/*
 * spinlock — xchg spinlocks, ticket locks and nested interrupt disabling
 * (see spinlock.h).
 */
#include "sync/spinlock.h"

#include "arch/x86.h"
#include "kernel/panic.h"
#include "lib/kassert.h"

struct cpu_irq_state cpu_irq_state;

__attribute__((noinline)) uintptr_t spin_here_(void)
{
	return (uintptr_t)__builtin_return_address(0);
}

void irq_push(void)
{
	irq_push_fast();
}

void irq_pop(void)
{
	if (irq_enabled())
		panic("irq_pop: interrupts are on inside a push");
	if (cpu_irq_state.depth <= 0)
		panic("irq_pop: no push to pop");
	irq_pop_fast();
}

int irq_push_depth(void)
{
	return cpu_irq_state.depth;
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
	l->locked = SPIN_FREE;
	l->owner_pc = 0;
	l->spins = 0;
	lockdep_map_init(&l->dep, name, key, LOCKDEP_SPIN);
}

void spin_init_raw(struct spinlock *l, const char *name)
{
	spin_init_key(l, name, NULL);
}

/*
 * The same CPU taking a lock it holds would spin forever (the holder
 * cannot run to release it): a bug, caught before the lock changes, so
 * that ktest_catch_fatal can watch it happen.  (lockdep, when on, has
 * already recorded and reported the acquisition: it is popped again.)
 */
void spin_recursion_(struct spinlock *l)
{
	if (lockdep_active)
		lockdep_release(&l->dep, l->owner_pc);
	irq_pop_fast();
	kfatal("spin_lock: recursive acquire of '%s' (taken at %p)",
	       l->dep.name, (void *)l->owner_pc);
}

void spin_not_mine_(struct spinlock *l)
{
	kfatal("spin_unlock: '%s' is not held by this CPU", l->dep.name);
}

/* Contended: spin reading only (the cache line stays shared while the
 * holder works), then try the compare-and-swap again (OSTEP fig. 28.4). */
void spin_wait_(struct spinlock *l)
{
	if (l->locked == spin_mine())
		spin_recursion_(l);
	do {
		while (l->locked != SPIN_FREE) {
			l->spins++;
			cpu_relax();
		}
	} while (cmpxchg(&l->locked, SPIN_FREE, spin_mine()) != SPIN_FREE);
}

bool spin_trylock(struct spinlock *l)
{
	uintptr_t site = (uintptr_t)__builtin_return_address(0);
	irq_push_fast();
	if (cmpxchg(&l->locked, SPIN_FREE, spin_mine()) != SPIN_FREE) {
		irq_pop_fast();
		return false;
	}
	if (lockdep_active && l->dep.key)
		lockdep_acquire(&l->dep, site);
	l->owner_pc = site;
	return true;
}

/* ---------------------------------------------------- ticket locks -- */

void ticket_init_key(struct ticketlock *l, const char *name,
		     struct lock_class_key *key)
{
	l->next = l->serving = 0;
	l->owner_cpu = -1;
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
	irq_push_fast();
	if (ticket_held(l)) {
		irq_pop_fast();
		kfatal("ticket_lock: recursive acquire of '%s'", l->dep.name);
	}
	if (lockdep_active && l->dep.key)
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
	if (lockdep_active && l->dep.key)
		lockdep_release(&l->dep,
				(uintptr_t)__builtin_return_address(0));
	l->owner_cpu = -1;
	l->owner_pc = 0;
	/* Only the holder writes `serving`: a locked add is not needed, but
	 * it also orders the critical section's stores before it. */
	fetch_add(&l->serving, 1);
	irq_pop_fast();
}
