/*
 * shell_sync — the console's lock commands: `locks` (the lock-order
 * validator's state and every task's held locks) and `deadlock` (cycles
 * of the wait-for graph, with the four conditions).
 *
 * Both copy what they show with interrupts off and print afterwards.
 */
#include "arch/x86.h"
#include "kernel/ksyms.h"
#include "lib/string.h"
#include "sched/deadlock.h"
#include "sched/mutex.h"
#include "sched/task.h"
#include "shell/shell.h"
#include "shell/shell_cmd.h"
#include "sync/lockdep.h"

#define LOCKS_MAX_ROWS 24
#define LOCKS_MAX_HELD 4

struct held_row {
	int id;
	char name[TASK_NAME_MAX];
	int depth;
	const char *lock[LOCKS_MAX_HELD];
	uintptr_t site[LOCKS_MAX_HELD];
	const char *waits; /* the lock it sleeps for (on its stack already) */
};

struct held_snap {
	struct held_row rows[LOCKS_MAX_ROWS];
	int n;
};

static void held_take(struct task *t, void *ctx)
{
	struct held_snap *s = ctx;
	struct held_row *r = &s->rows[s->n];
	if (t->ld.depth == 0 || s->n == LOCKS_MAX_ROWS)
		return;
	r->id = t->id;
	strlcpy(r->name, t->name, sizeof(r->name));
	r->depth = t->ld.depth;
	if (t == task_current())
		r->depth--; /* the top is "tasks", this listing's own */
	if (r->depth == 0)
		return;
	r->waits = t->state == TASK_BLOCKED ? t->wait_name : NULL;
	for (int i = 0; i < r->depth && i < LOCKS_MAX_HELD; i++) {
		r->lock[i] = t->ld.held[i].map->name;
		r->site[i] = t->ld.held[i].site;
	}
	s->n++;
}

static void print_site(uintptr_t site)
{
	uint32_t off;
	const char *fn = ksym_lookup((uint32_t)site, &off);
	if (fn)
		shell_printf("%s+0x%x", fn, (unsigned)off);
	else
		shell_printf("%p", (void *)site);
}

static void print_order(uint16_t from, uint16_t to, void *ctx)
{
	(void)ctx;
	shell_printf("  '%s' -> '%s'\n", lockdep_class_name(from),
		     lockdep_class_name(to));
}

int shell_cmd_locks(int argc, char **argv)
{
	static struct held_snap snap;
	struct lockdep_stats st;
	bool orders = argc == 2 && strcmp(argv[1], "orders") == 0;
	if (argc == 2 && !orders)
		return shell_bad("'%s' is not 'orders'", argv[1]);
	lockdep_get_stats(&st);
	shell_printf(
	    "lockdep %s: %u classes, %u orders, %u acquisitions; "
	    "reports: %u cycles, %u recursions, %u sleeps in a "
	    "spinlock, %u other\n",
	    lockdep_enabled() ? "on" : "off", st.classes, st.orders,
	    st.acquisitions, st.reports[LOCKDEP_R_CYCLE],
	    st.reports[LOCKDEP_R_RECURSION], st.reports[LOCKDEP_R_SLEEP],
	    st.reports[LOCKDEP_R_UNBALANCED] + st.reports[LOCKDEP_R_EXIT_HELD] +
		st.reports[LOCKDEP_R_LIMIT]);
	snap.n = 0;
	task_for_each(held_take, &snap); /* with interrupts off */
	if (snap.n == 0)
		shell_printf("no task holds a lock\n");
	for (int i = 0; i < snap.n; i++) {
		const struct held_row *r = &snap.rows[i];
		shell_printf("task %d '%s' holds %d:", r->id, r->name,
			     r->depth);
		for (int j = 0; j < r->depth && j < LOCKS_MAX_HELD; j++) {
			shell_printf(" '%s' at ", r->lock[j]);
			print_site(r->site[j]);
			if (r->lock[j] == r->waits)
				shell_printf(" (waiting for it)");
		}
		shell_printf("\n");
	}
	if (orders) {
		shell_printf("orders seen (first -> then):\n");
		lockdep_for_each_order(print_order, NULL);
	}
	return SHELL_OK;
}

/* ------------------------------------------------------ the demonstration --
 */

/*
 * `deadlock demo`: two kernel threads each take one mutex and then want
 * the other's (OSTEP ch. 32's first example), and stay blocked, so ps,
 * deadlock, locks and gdb's keel-deadlock can be tried on a real
 * deadlock; `deadlock break` interrupts one of them (it gives up its wait
 * and its mutex, so the other finishes) and reaps both.
 */
static struct mutex demo_m[2];
static struct task *demo_t[2];
static volatile int demo_holding;

static int demo_thread(void *arg)
{
	int me = (int)(uintptr_t)arg;
	int r;
	mutex_lock(&demo_m[me]);
	demo_holding++;
	while (demo_holding < 2)
		task_sleep(1);
	r = mutex_lock_interruptible(&demo_m[1 - me]);
	if (r == 0)
		mutex_unlock(&demo_m[1 - me]);
	mutex_unlock(&demo_m[me]);
	return r;
}

static int demo_start(void)
{
	if (demo_t[0])
		return shell_bad(
		    "a demonstration is running: 'deadlock break'");
	mutex_init(&demo_m[0], "demo.first");
	mutex_init(&demo_m[1], "demo.second");
	demo_holding = 0;
	demo_t[0] = task_create("demo-a", demo_thread, (void *)0);
	demo_t[1] = task_create("demo-b", demo_thread, (void *)1);
	if (!demo_t[0] || !demo_t[1]) {
		shell_printf("deadlock: no memory for the threads\n");
		return SHELL_EFAIL;
	}
	while (demo_t[0]->state != TASK_BLOCKED ||
	       demo_t[1]->state != TASK_BLOCKED || demo_holding < 2)
		task_sleep(1);
	shell_printf("tasks %d and %d now wait for each other's mutex; try "
		     "ps, deadlock, locks; 'deadlock break' ends it\n",
		     demo_t[0]->id, demo_t[1]->id);
	return SHELL_OK;
}

static int demo_break(void)
{
	int a, b;
	if (!demo_t[0])
		return shell_bad("no demonstration is running");
	task_interrupt(demo_t[0]);
	a = task_wait(demo_t[0]);
	b = task_wait(demo_t[1]);
	demo_t[0] = demo_t[1] = NULL;
	shell_printf("task demo-a gave up its wait (%d) and its mutex; demo-b "
		     "took it and finished (%d)\n",
		     a, b);
	return SHELL_OK;
}

int shell_cmd_deadlock(int argc, char **argv)
{
	static struct deadlock_cycle cycles[4];
	int n;
	if (argc == 2 && strcmp(argv[1], "demo") == 0)
		return demo_start();
	if (argc == 2 && strcmp(argv[1], "break") == 0)
		return demo_break();
	if (argc == 2)
		return shell_bad("'%s' is not 'demo' or 'break'", argv[1]);
	n = deadlock_find(cycles, 4);
	if (n == 0) {
		shell_printf("no deadlock: no cycle in the wait-for graph "
			     "(automatic check %s)\n",
			     deadlock_check_period() ? "on" : "off");
		return SHELL_OK;
	}
	for (int i = 0; i < n; i++)
		deadlock_report(&cycles[i], shell_printf);
	return SHELL_OK;
}
