/*
 * Lock benchmarks, in guest instructions per acquire + release pair, loop
 * overhead included, with no contention (one thread):
 *
 *   spin_lock_unlock          an xchg spinlock, lockdep off (the lock alone)
 *   spin_lock_unlock_lockdep  the same with the validator on (its cost)
 *   ticket_lock_unlock        OSTEP's ticket lock (two locked adds)
 *   mutex_uncontended         a sleeping mutex that is free, lockdep off
 *   mutex_uncontended_lockdep the same with the validator on
 *
 * The validator is switched for the figure and put back as it was (no
 * tracked lock is held meanwhile).  The cases are named lock_* so that
 * tools/bench's per-policy boots (bench=[tsy]*, the trap path) skip them.
 */
#include <stddef.h>

#include "arch/x86.h"
#include "init/bench.h"
#include "sched/mutex.h"
#include "sync/lockdep.h"
#include "sync/spinlock.h"

#define LOCK_ROUNDS 1000

static struct spinlock bench_spin;
static struct ticketlock bench_ticket;
static struct mutex bench_mutex;

static uint64_t spin_pairs(void)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < LOCK_ROUNDS; i++) {
		spin_lock(&bench_spin);
		spin_unlock(&bench_spin);
	}
	return (rdtsc() - t0) / LOCK_ROUNDS;
}

static uint64_t mutex_pairs(void)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < LOCK_ROUNDS; i++) {
		mutex_lock(&bench_mutex);
		mutex_unlock(&bench_mutex);
	}
	return (rdtsc() - t0) / LOCK_ROUNDS;
}

BENCH(lock_spin)
{
	bool was = lockdep_enabled();
	spin_init(&bench_spin, "bench.spin");
	lockdep_set_enabled(false);
	bench_report("spin_lock_unlock", spin_pairs());
	lockdep_set_enabled(true);
	bench_report("spin_lock_unlock_lockdep", spin_pairs());
	lockdep_set_enabled(was);
}

BENCH(lock_ticket)
{
	bool was = lockdep_enabled();
	uint64_t t0;
	ticket_init(&bench_ticket, "bench.ticket");
	lockdep_set_enabled(false);
	t0 = rdtsc();
	for (int i = 0; i < LOCK_ROUNDS; i++) {
		ticket_lock(&bench_ticket);
		ticket_unlock(&bench_ticket);
	}
	bench_report("ticket_lock_unlock", (rdtsc() - t0) / LOCK_ROUNDS);
	lockdep_set_enabled(was);
}

BENCH(lock_mutex)
{
	bool was = lockdep_enabled();
	mutex_init(&bench_mutex, "bench.mutex");
	lockdep_set_enabled(false);
	bench_report("mutex_uncontended", mutex_pairs());
	lockdep_set_enabled(true);
	bench_report("mutex_uncontended_lockdep", mutex_pairs());
	lockdep_set_enabled(was);
}
