/*
 * The run-time deadlock detector (sched/deadlock.h) on a real deadlock:
 * two kernel threads take two mutexes in opposite orders and both block
 * for good (OSTEP ch. 32's first example).  The detector must name the
 * cycle — both tasks, both mutexes, who holds what — and the four
 * conditions; the automatic check must report it once; then the case
 * breaks the cycle by interrupting one waiter (it gives up its wait and
 * its lock, so the other finishes) and the graph must be clean again.
 *
 * lockdep sees the same inversion as it happens; its report is captured
 * and checked here too, so the kernel's log stays free of "lockdep:".
 */
#include <stdarg.h>
#include <stddef.h>

#include "kernel/ktest.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "sched/deadlock.h"
#include "sched/mutex.h"
#include "sched/task.h"
#include "sync/lockdep.h"

#define OUT_MAX 2048

static struct lock_class_key key1, key2;
static struct mutex m1, m2;
static volatile int holding; /* threads that hold their first mutex */
static char out[OUT_MAX], ld_report[OUT_MAX], want[64];
static size_t out_len;

static void out_print(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (out_len < sizeof(out))
		out_len += (size_t)fmt_vsnprintf(
		    out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
}

static bool has(const char *s)
{
	return strstr(out, s) != NULL;
}

struct pair {
	struct mutex *first, *second;
};

/* Take first, wait until the other thread holds its own, take second. */
static int take_both(void *arg)
{
	struct pair *p = arg;
	int r;
	mutex_lock(p->first);
	holding++;
	while (holding < 2)
		task_sleep(1);
	r = mutex_lock_interruptible(p->second);
	if (r == 0)
		mutex_unlock(p->second);
	mutex_unlock(p->first);
	return r;
}

static void wait_blocked(struct task *t)
{
	while (t->state != TASK_BLOCKED || !t->wait_what ||
	       strcmp(t->wait_what, "mutex") != 0)
		task_sleep(1);
}

KTEST_BUDGET(deadlock, two_threads_two_mutexes_cycle_named, 2000)
{
	static struct pair ab = {&m1, &m2}, ba = {&m2, &m1};
	static struct deadlock_cycle cycles[2];
	struct task *a, *b;
	uint32_t autos = deadlock_auto_reports(),
		 period = deadlock_check_period();
	int n, ida, idb;

	mutex_init_key(&m1, "dl.m1", &key1);
	mutex_init_key(&m2, "dl.m2", &key2);
	holding = 0;
	out_len = 0;
	out[0] = '\0';
	deadlock_set_check_period(5); /* ticks: see it within the case */
	lockdep_capture_begin(ld_report, sizeof(ld_report));
	a = task_create("dl-a", take_both, &ab);
	b = task_create("dl-b", take_both, &ba);
	KASSERT_NOT_NULL(a);
	KASSERT_NOT_NULL(b);
	ida = a->id;
	idb = b->id;
	wait_blocked(a);
	wait_blocked(b);

	/* The console's and gdb's view: one cycle of two. */
	n = deadlock_find(cycles, 2);
	KEXPECT_EQ(n, 1);
	if (n == 1) {
		KEXPECT_EQ(cycles[0].n, 2);
		deadlock_report(&cycles[0], out_print);
	}
	KEXPECT_TRUE(has("deadlock: 2 tasks wait for each other"));
	KEXPECT_TRUE(has("'dl-a' waits for mutex 'dl.m2'"));
	KEXPECT_TRUE(has("'dl-b' waits for mutex 'dl.m1'"));
	fmt_snprintf(want, 64, "held by task %d", idb);
	KEXPECT_TRUE(has(want)); /* a waits for b */
	fmt_snprintf(want, 64, "circular wait: %d -> %d -> %d", ida, idb, ida);
	if (!has(want)) { /* the walk may start at either */
		fmt_snprintf(want, 64, "circular wait: %d -> %d -> %d", idb,
			     ida, idb);
		KEXPECT_TRUE(has(want));
	}
	KEXPECT_TRUE(has("1. mutual exclusion"));
	KEXPECT_TRUE(has("2. hold and wait"));
	KEXPECT_TRUE(has("3. no preemption"));
	KEXPECT_TRUE(has("4. circular wait"));
	fmt_snprintf(want, sizeof(want),
		     "task %d holds mutex 'dl.m1', which task %d waits for",
		     ida, idb);
	KEXPECT_TRUE(has(want)); /* hold and wait, from the cycle itself */
	if (!has("circular wait"))
		ktest_diag("report was: %s", out);

	/* The automatic check reports it once, a few ticks later. */
	for (int i = 0; i < 50 && deadlock_auto_reports() == autos; i++)
		task_sleep(1);
	KEXPECT_EQ(deadlock_auto_reports(), autos + 1);
	task_sleep(20);
	KEXPECT_EQ(deadlock_auto_reports(), autos + 1); /* not twice */

	/* Break it: a gives up m2 (-EINTR) and so releases m1; b goes on. */
	KEXPECT_TRUE(task_interrupt(a));
	KEXPECT_EQ(task_wait(a), -EINTR);
	KEXPECT_EQ(task_wait(b), 0);
	KEXPECT_EQ(deadlock_find(cycles, 2), 0);
	KEXPECT_NULL(m1.owner);
	KEXPECT_NULL(m2.owner);
	deadlock_set_check_period(period);

	/* lockdep saw the inversion when the second order was taken. */
	KEXPECT_EQ(lockdep_capture_end(), lockdep_enabled() ? 1 : 0);
	lockdep_forget(&key1);
	lockdep_forget(&key2);
	if (lockdep_enabled()) {
		KEXPECT_TRUE(strstr(ld_report, "circular locking") != NULL);
		KEXPECT_TRUE(strstr(ld_report, "'dl.m1'") != NULL);
	}
}

/* Waits without a known owner (a semaphore) are not edges: no cycle. */
KTEST(deadlock, blocked_without_owner_is_no_cycle)
{
	static struct deadlock_cycle cycles[1];
	KEXPECT_EQ(deadlock_find(cycles, 1), 0);
}
