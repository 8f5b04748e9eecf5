/*
 * futex — the kernel half of user-space locks (thread.h).
 *
 * OSTEP's lock chapter (000_*) ends with Linux's futex: a lock word in
 * user memory that threads take with an atomic instruction, and two
 * system calls for the slow path only — sleep if the word still says
 * "taken" (the check and the sleep are one step for the kernel, so no
 * wake-up is lost between them), and wake someone sleeping on that word.
 * musl builds every pthread mutex, condition variable, semaphore, barrier
 * and join on them.
 *
 * The table: waiters hash by (address space, address) into buckets, each
 * a list oldest first.  A waiter lives on its own kernel stack for as long
 * as it sleeps; the waker unlinks it, marks it woken and wakes its task,
 * so a waiter that comes back unmarked was interrupted (a signal) or
 * timed out.  Interrupts are off throughout (system calls run so).
 */
#include "arch/x86.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "proc/proc.h"
#include "proc/thread.h"
#include "proc/uaccess.h"

#define FUTEX_BUCKETS 64 /* a power of two */
#define NSEC_PER_SEC  1000000000u

struct futex_waiter {
	struct task *task;
	struct vm_space *space;
	uint32_t addr;
	bool woken;
	struct futex_waiter *next;
	struct wait_queue wq; /* just this task, when it has no timeout */
};

static struct futex_waiter *buckets[FUTEX_BUCKETS];
static uint32_t nwaiters;

uint32_t futex_waiters(void)
{
	return nwaiters;
}

static struct futex_waiter **bucket(struct vm_space *space, uint32_t addr)
{
	uint32_t h = (addr >> 2) ^ ((uint32_t)(uintptr_t)space >> 4);
	h ^= h >> 11;
	return &buckets[h & (FUTEX_BUCKETS - 1)];
}

/* Append at the tail: a bucket's list is oldest first. */
static void enqueue(struct futex_waiter *w)
{
	struct futex_waiter **pp = bucket(w->space, w->addr);
	while (*pp)
		pp = &(*pp)->next;
	w->next = NULL;
	*pp = w;
	nwaiters++;
}

static void dequeue(struct futex_waiter *w)
{
	for (struct futex_waiter **pp = bucket(w->space, w->addr); *pp;
	     pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			nwaiters--;
			return;
		}
}

/* A timespec (32- or 64-bit seconds) as ticks, rounded up. */
static int timeout_ticks(uint32_t uts, bool time64, uint32_t *ticks)
{
	int64_t sec;
	int32_t nsec;
	uint64_t hz = time_hz(), t;
	int rc;
	if (time64) {
		int64_t ts[2];
		rc = copy_from_user(ts, uts, sizeof(ts));
		sec = ts[0];
		nsec = (int32_t)ts[1];
	} else {
		int32_t ts[2];
		rc = copy_from_user(ts, uts, sizeof(ts));
		sec = ts[0];
		nsec = ts[1];
	}
	if (rc < 0)
		return rc;
	if (sec < 0 || nsec < 0 || (uint32_t)nsec >= NSEC_PER_SEC)
		return -EINVAL;
	t = (uint64_t)sec * hz +
	    ((uint64_t)nsec * hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
	*ticks = t > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)t;
	return 0;
}

static int futex_wait(uint32_t uaddr, uint32_t val, uint32_t uts, bool time64)
{
	struct task *self = task_current();
	struct futex_waiter w = {
	    .task = self, .space = self->space, .addr = uaddr};
	uint32_t now, ticks = 0;
	int rc = copy_from_user(&now, uaddr, 4);
	if (rc < 0)
		return rc;
	if (uts && (rc = timeout_ticks(uts, time64, &ticks)) < 0)
		return rc;
	if (now != val)
		return -EAGAIN; /* it changed: the caller looks again */
	if (uts && ticks == 0)
		return -ETIMEDOUT;
	if (task_signal_pending())
		return -EINTR;
	wq_init(&w.wq);
	enqueue(&w);
	self->futex_addr = uaddr;
	if (uts)
		task_sleep(ticks); /* futex_wake ends it early */
	else
		wq_block(&w.wq);
	self->futex_addr = 0;
	if (w.woken)
		return 0;
	dequeue(&w);
	if (task_signal_pending())
		return -EINTR;
	return uts ? -ETIMEDOUT : -EINTR;
}

/* Wake up to n waiters on (space, addr), then move up to m more to
 * addr2 (m 0: none).  The number woken; *moved (if not NULL) the number
 * moved. */
static int wake_requeue(struct vm_space *space, uint32_t addr, int n, int m,
			uint32_t addr2, int *moved)
{
	struct futex_waiter **pp = bucket(space, addr), *w;
	int woken = 0;
	if (moved)
		*moved = 0;
	while ((w = *pp) != NULL && (woken < n || m > 0)) {
		if (w->space != space || w->addr != addr) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		nwaiters--;
		if (woken < n) {
			w->woken = true;
			task_interrupt(w->task); /* off its queue or sleep */
			woken++;
		} else {
			w->addr = addr2;
			enqueue(w);
			m--;
			if (moved)
				(*moved)++;
		}
	}
	return woken;
}

int futex_wake(struct vm_space *space, uint32_t uaddr, int n)
{
	bool on = irq_save();
	int woken = wake_requeue(space, uaddr, n, 0, 0, NULL);
	irq_restore(on);
	return woken;
}

int futex_call(uint32_t uaddr, uint32_t op, uint32_t val, uint32_t arg4,
	       uint32_t uaddr2, uint32_t val3, bool time64)
{
	struct vm_space *space = task_current()->space;
	uint32_t cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	uint32_t now;
	int rc, woken, moved;
	if (uaddr & 3)
		return -EINVAL;
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		if (op & FUTEX_CLOCK_REALTIME)
			return -ENOSYS; /* only with WAIT_BITSET in Linux */
		return futex_wait(uaddr, val, arg4, time64);
	case FUTEX_WAKE:
		return wake_requeue(space, uaddr, (int)(val & 0x7fffffff), 0, 0,
				    NULL);
	case FUTEX_CMP_REQUEUE:
		rc = copy_from_user(&now, uaddr, 4);
		if (rc < 0)
			return rc;
		if (now != val3)
			return -EAGAIN;
		/* fall through */
	case FUTEX_REQUEUE:
		if (uaddr2 & 3)
			return -EINVAL;
		woken = wake_requeue(space, uaddr, (int)(val & 0x7fffffff),
				     (int)(arg4 & 0x7fffffff), uaddr2, &moved);
		/* Linux: REQUEUE counts the woken, CMP_REQUEUE both. */
		return cmd == FUTEX_CMP_REQUEUE ? woken + moved : woken;
	default:
		return -ENOSYS;
	}
}
