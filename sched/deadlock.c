/*
 * deadlock — cycles of the wait-for graph (see deadlock.h).
 *
 * The search runs with interrupts off from the snapshot to the copy of each
 * cycle's tasks, so the graph it walks is one moment of the kernel.  With
 * one edge out of each task, a walk from an unvisited task marks the tasks
 * it passes "on the path"; meeting one of those again closes a cycle, and
 * meeting an already finished task or a runnable one ends the walk.
 */
#include "sched/deadlock.h"

#include <stdarg.h>

#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "lib/string.h"

#define DEADLOCK_CHECK_DEFAULT_S 5
#define DEADLOCK_REMEMBER	 8 /* cycles the automatic check has told */

struct node {
	struct task *t, *owner;
	int next;  /* index of owner in the snapshot, -1: none */
	int state; /* 0 unvisited, 1 on the walk, 2 finished */
};

static struct node nodes[DEADLOCK_MAX_TASKS];
static int nnodes;
static uint32_t period; /* ticks; 0: no automatic check */
static uint64_t next_check;
static bool armed, hooked; /* a cycle is suspected; the tick hook is in */
static uint32_t auto_reports;
static uint32_t told[DEADLOCK_REMEMBER];
static uint32_t ntold; /* all told so far; the last few are remembered */

static void collect(struct task *t, void *ctx)
{
	(void)ctx;
	if (nnodes == DEADLOCK_MAX_TASKS)
		return;
	nodes[nnodes].t = t;
	nodes[nnodes].owner = NULL;
	if (t->state == TASK_BLOCKED && t->wait_owner)
		nodes[nnodes].owner = t->wait_owner(t->wait_obj);
	nodes[nnodes].state = 0;
	nnodes++;
}

static int index_of(const struct task *t)
{
	for (int i = 0; t && i < nnodes; i++)
		if (nodes[i].t == t)
			return i;
	return -1;
}

static void copy_link(struct deadlock_link *l, const struct task *t,
		      const struct task *owner)
{
	int n = t->ld.depth < LOCKDEP_MAX_HELD ? t->ld.depth : LOCKDEP_MAX_HELD;
	l->id = t->id;
	strlcpy(l->name, t->name, sizeof(l->name));
	l->what = t->wait_what;
	l->obj = t->wait_obj;
	l->label = t->wait_name;
	l->owner_id = owner->id;
	l->since = t->wait_since;
	/* lockdep records a lock before its owner sleeps for it: the one it
	 * waits for is on its stack too, and is not "held". */
	l->nheld = 0;
	for (int i = 0; i < n; i++) {
		if (t->ld.held[i].map->name == t->wait_name)
			continue;
		if (l->nheld < 4) {
			l->held[l->nheld] = t->ld.held[i].map->name;
			l->held_site[l->nheld] = t->ld.held[i].site;
		}
		l->nheld++;
	}
}

/* The cycle that starts and ends at node `start`, into c. */
static void copy_cycle(struct deadlock_cycle *c, int start)
{
	int i = start;
	c->n = 0;
	do {
		if (c->n < DEADLOCK_MAX_CYCLE)
			copy_link(&c->link[c->n++], nodes[i].t, nodes[i].owner);
		i = nodes[i].next;
	} while (i != start && i >= 0);
}

int deadlock_find(struct deadlock_cycle *out, int max)
{
	int found = 0;
	bool on = irq_save();
	nnodes = 0;
	task_for_each(collect, NULL);
	for (int i = 0; i < nnodes; i++)
		nodes[i].next = index_of(nodes[i].owner);
	for (int i = 0; i < nnodes && found < max; i++) {
		int j = i;
		while (j >= 0 && nodes[j].state == 0) {
			nodes[j].state = 1;
			j = nodes[j].next;
		}
		if (j >= 0 && nodes[j].state == 1) /* came back round */
			copy_cycle(&out[found++], j);
		for (j = i; j >= 0 && nodes[j].state == 1; j = nodes[j].next)
			nodes[j].state = 2;
	}
	irq_restore(on);
	return found;
}

/* ------------------------------------------------------------ report -- */

static void print_link(const struct deadlock_link *l, deadlock_print_t print)
{
	print("  task %d '%s' waits for %s", l->id, l->name,
	      l->what ? l->what : "?");
	if (l->label)
		print(" '%s'", l->label);
	if (l->label)
		print(" (%p), held by task %d\n", (void *)l->obj, l->owner_id);
	else /* a pipe's other end, a child: not "held" */
		print(" (%p), which only task %d can end\n", (void *)l->obj,
		      l->owner_id);
}

/*
 * What a task of the cycle holds: the cycle itself says it (the task the
 * previous link waits for owns what that link waits on), lockdep or not;
 * lockdep's stack adds any other lock it holds.
 */
static void print_holds(const struct deadlock_cycle *c, int i,
			deadlock_print_t print)
{
	const struct deadlock_link *l = &c->link[i];
	const struct deadlock_link *before = &c->link[(i + c->n - 1) % c->n];
	if (before->label)
		print("     task %d holds %s '%s', which task %d waits for",
		      l->id, before->what, before->label, before->id);
	else
		print("     task %d holds what task %d's %s waits for (%p)",
		      l->id, before->id, before->what ? before->what : "wait",
		      (void *)before->obj);
	for (int k = 0; k < l->nheld && k < 4; k++)
		if (!before->label || strcmp(l->held[k], before->label) != 0)
			print(", and '%s'", l->held[k]);
	print(", while it waits itself\n");
}

void deadlock_report(const struct deadlock_cycle *c, deadlock_print_t print)
{
	uint64_t now = time_ticks();
	if (c->n == 1)
		print("deadlock: task %d waits for itself:\n", c->link[0].id);
	else
		print("deadlock: %d tasks wait for each other in a cycle:\n",
		      c->n);
	for (int i = 0; i < c->n; i++)
		print_link(&c->link[i], print);
	print("the four conditions of deadlock (001_99f86f884551d980.txt 2.5), "
	      "all met:\n");
	print("  1. mutual exclusion: each of these is held by one task at "
	      "a time\n");
	print("  2. hold and wait: each task keeps what it holds while it "
	      "waits\n");
	for (int i = 0; i < c->n; i++)
		print_holds(c, i, print);
	print("  3. no preemption: only an owner releases; the kernel takes "
	      "nothing back\n");
	print("  4. circular wait:");
	for (int i = 0; i < c->n; i++)
		print(" %d ->", c->link[i].id);
	print(" %d (blocked for %llu ticks and more)\n", c->link[0].id,
	      (unsigned long long)(now - c->link[0].since));
}

/* --------------------------------------------------- automatic check -- */

static void kprint(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/* A cycle's identity: its tasks and objects, in any rotation. */
static uint32_t signature(const struct deadlock_cycle *c)
{
	uint32_t s = 0;
	for (int i = 0; i < c->n; i++)
		s += (uint32_t)c->link[i].id * 2654435761u ^
		     (uint32_t)c->link[i].obj;
	return s;
}

static bool told_before(uint32_t sig)
{
	for (uint32_t i = 0; i < ntold && i < DEADLOCK_REMEMBER; i++)
		if (told[i] == sig)
			return true;
	told[ntold++ % DEADLOCK_REMEMBER] = sig;
	return false;
}

static bool old_enough(const struct deadlock_cycle *c, uint64_t now)
{
	for (int i = 0; i < c->n; i++)
		if (now - c->link[i].since < period)
			return false;
	return true;
}

static TRAP_CALL void deadlock_tick(uint64_t now, struct trap_frame *tf)
{
	static struct deadlock_cycle cycles[2];
	int n;
	(void)tf;
	if (!armed || now < next_check)
		return;
	next_check = now + period;
	n = deadlock_find(cycles, 2);
	armed = n > 0; /* gone (broken, interrupted): stand down */
	for (int i = 0; i < n; i++)
		if (old_enough(&cycles[i], now) &&
		    !told_before(signature(&cycles[i]))) {
			auto_reports++;
			deadlock_report(&cycles[i], kprint);
		}
}

uint32_t deadlock_auto_reports(void)
{
	return auto_reports;
}

uint32_t deadlock_check_period(void)
{
	return period;
}

void deadlock_set_check_period(uint32_t ticks)
{
	bool on = irq_save();
	period = ticks;
	if (!ticks)
		armed = false;
	irq_restore(on);
}

/*
 * Called with interrupts off by a task about to block on an object with a
 * known owner: if the owners lead back to t, its wait closes a cycle and
 * the automatic check is armed to look again `period` ticks from now.
 * Most waits end long before: the cost is one walk down a short chain.
 * The tick hook goes in only at the first suspicion, so a boot without a
 * deadlock keeps the timer's path as it was.
 */
void deadlock_note_wait(struct task *t)
{
	struct task *o = t;
	for (int steps = 0; steps < DEADLOCK_MAX_TASKS; steps++) {
		if (o != t && (o->state != TASK_BLOCKED || !o->wait_owner))
			return; /* the chain ends at a task that can run */
		o = o->wait_owner(o->wait_obj);
		if (!o)
			return;
		if (o == t)
			break;
	}
	if (o != t || !period)
		return;
	if (!armed)
		next_check = time_ticks() + period;
	armed = true;
	if (!hooked) {
		hooked = true;
		time_add_tick_hook(deadlock_tick);
	}
}

void deadlock_init(void)
{
	uint32_t s =
	    cmdline_uint("deadlock.check", DEADLOCK_CHECK_DEFAULT_S, 0, 3600);
	deadlock_set_check_period(s * time_hz());
}
