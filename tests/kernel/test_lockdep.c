/*
 * The lock-order validator (sync/lockdep.h): an inverted order reported
 * the first time it is possible, though no deadlock happens (the two
 * orders are taken at different times); a cycle through three locks; two
 * locks of one class nested; a sleep with a spinlock held; and silence for
 * a consistent order.  Each report is captured (lockdep_capture_begin),
 * checked for the classes, tasks and call sites it must name, and the test
 * classes are forgotten afterwards so the next run starts clean.
 */
#include <stddef.h>

#include "kernel/ktest.h"
#include "lib/string.h"
#include "sched/mutex.h"
#include "sched/task.h"
#include "sync/lockdep.h"
#include "sync/spinlock.h"

#define REPORT_MAX 2048

static char report[REPORT_MAX];
static struct lock_class_key key_a, key_b, key_c, key_same, key_sleep,
    key_mutex;
static struct spinlock la, lb, lc;

static void need_lockdep(void)
{
	if (!lockdep_enabled())
		ktest_skip("booted with lockdep=off");
}

static void init_abc(void)
{
	spin_init_key(&la, "test.A", &key_a);
	spin_init_key(&lb, "test.B", &key_b);
	spin_init_key(&lc, "test.C", &key_c);
}

static void forget_all(void)
{
	lockdep_forget(&key_a);
	lockdep_forget(&key_b);
	lockdep_forget(&key_c);
	lockdep_forget(&key_same);
	lockdep_forget(&key_sleep);
	lockdep_forget(&key_mutex);
}

static bool has(const char *s)
{
	return strstr(report, s) != NULL;
}

/* Named functions, so the report's call sites can be checked. */
static __attribute__((noinline)) void lockdep_take_two(struct spinlock *x,
						       struct spinlock *y)
{
	spin_lock(x);
	spin_lock(y);
	spin_unlock(y);
	spin_unlock(x);
}

static __attribute__((noinline)) void lockdep_take_reversed(struct spinlock *x,
							    struct spinlock *y)
{
	spin_lock(x);
	spin_lock(y);
	spin_unlock(y);
	spin_unlock(x);
}

static int a_then_b(void *arg)
{
	(void)arg;
	lockdep_take_two(&la, &lb);
	return 0;
}

/* A -> B in one thread, later B -> A in another: reported at the second,
 * naming both tasks and both call sites, once. */
KTEST(lockdep, inverted_order_reported_with_both_chains)
{
	struct task *t;
	uint32_t before = lockdep_reports(LOCKDEP_R_CYCLE), n;
	need_lockdep();
	init_abc();
	lockdep_capture_begin(report, sizeof(report));
	t = task_create("ld-forward", a_then_b, NULL);
	KASSERT_NOT_NULL(t);
	KEXPECT_EQ(task_wait(t), 0);
	KEXPECT_EQ(lockdep_reports(LOCKDEP_R_CYCLE), before); /* no cycle yet */
	lockdep_take_reversed(&lb, &la);
	lockdep_take_reversed(&lb, &la); /* the same again: told once */
	n = lockdep_capture_end();
	forget_all();
	KEXPECT_EQ(n, 1);
	KEXPECT_EQ(lockdep_reports(LOCKDEP_R_CYCLE), before + 1);
	KEXPECT_TRUE(has("possible circular locking dependency"));
	/* the new chain: main takes A holding B, in lockdep_take_reversed */
	KEXPECT_TRUE(has("'main' takes 'test.A' at "
			 "lockdep_take_reversed+"));
	KEXPECT_TRUE(has("while holding 'test.B'"));
	/* the old one: the thread took A, then B, in lockdep_take_two */
	KEXPECT_TRUE(has("'test.A' -> 'test.B': task "));
	KEXPECT_TRUE(has("'ld-forward' took 'test.A' at lockdep_take_two+"));
	if (!has("possible circular"))
		ktest_diag("report was: %s", report);
}

/* A -> B, B -> C, then C -> A: the cycle is found at distance two, and
 * the report walks the whole old path. */
KTEST(lockdep, three_lock_cycle_reported)
{
	uint32_t n;
	need_lockdep();
	init_abc();
	lockdep_capture_begin(report, sizeof(report));
	lockdep_take_two(&la, &lb);
	lockdep_take_two(&lb, &lc);
	KEXPECT_EQ(lockdep_capture_end(), 0);
	lockdep_capture_begin(report, sizeof(report));
	lockdep_take_reversed(&lc, &la);
	n = lockdep_capture_end();
	forget_all();
	KEXPECT_EQ(n, 1);
	KEXPECT_TRUE(has("takes 'test.A'"));
	KEXPECT_TRUE(has("while holding 'test.C'"));
	KEXPECT_TRUE(has("'test.A' -> 'test.B'"));
	KEXPECT_TRUE(has("'test.B' -> 'test.C'"));
}

/* The same orders from many places: silence. */
KTEST(lockdep, consistent_order_is_silent)
{
	need_lockdep();
	init_abc();
	lockdep_capture_begin(report, sizeof(report));
	for (int i = 0; i < 3; i++) {
		lockdep_take_two(&la, &lb);
		lockdep_take_reversed(&la, &lc);
		lockdep_take_two(&lb, &lc);
	}
	KEXPECT_EQ(lockdep_capture_end(), 0);
	forget_all();
	KEXPECT_STREQ(report, "");
}

/* Two locks of one class nested: possible recursion. */
KTEST(lockdep, recursion_on_a_class_reported)
{
	static struct spinlock one, two;
	uint32_t before = lockdep_reports(LOCKDEP_R_RECURSION);
	need_lockdep();
	spin_init_key(&one, "test.same", &key_same);
	spin_init_key(&two, "test.same", &key_same);
	lockdep_capture_begin(report, sizeof(report));
	lockdep_take_two(&one, &two);
	KEXPECT_EQ(lockdep_capture_end(), 1);
	forget_all();
	KEXPECT_EQ(lockdep_reports(LOCKDEP_R_RECURSION), before + 1);
	KEXPECT_TRUE(has("possible recursive locking"));
	KEXPECT_TRUE(has("takes 'test.same'"));
	KEXPECT_TRUE(has("at lockdep_take_two+"));
}

/* A mutex (a sleeping lock) taken under a spinlock. */
KTEST(lockdep, sleep_while_holding_a_spinlock_reported)
{
	static struct spinlock s;
	static struct mutex m;
	uint32_t before = lockdep_reports(LOCKDEP_R_SLEEP);
	need_lockdep();
	spin_init_key(&s, "test.spin", &key_sleep);
	mutex_init_key(&m, "test.sleepy", &key_mutex);
	lockdep_capture_begin(report, sizeof(report));
	spin_lock(&s);
	mutex_lock(&m); /* free: it does not really sleep, but it may */
	mutex_unlock(&m);
	spin_unlock(&s);
	KEXPECT_EQ(lockdep_capture_end(), 1);
	forget_all();
	KEXPECT_EQ(lockdep_reports(LOCKDEP_R_SLEEP), before + 1);
	KEXPECT_TRUE(has("sleeping function mutex_lock called at"));
	KEXPECT_TRUE(has("'test.spin'"));
}

/* The held-lock stack follows acquisitions and releases in any order. */
KTEST(lockdep, held_stack_tracks_the_task)
{
	struct lockdep_task *me = &task_current()->ld;
	int depth = me->depth;
	need_lockdep();
	init_abc();
	spin_lock(&la);
	spin_lock(&lb);
	KEXPECT_EQ(me->depth, depth + 2);
	KEXPECT_PTR_EQ(me->held[depth + 1].map, &lb.dep);
	spin_unlock(&la);
	KEXPECT_EQ(me->depth, depth + 1);
	KEXPECT_PTR_EQ(me->held[depth].map, &lb.dep);
	spin_unlock(&lb);
	KEXPECT_EQ(me->depth, depth);
	forget_all();
}
