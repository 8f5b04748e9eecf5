/*
 * task — threads and the scheduler (see task.h).
 *
 * All scheduler state is touched with interrupts off: in the timer
 * interrupt, in the T_YIELD trap, or inside irq_save()/irq_restore().
 */
#include "sched/task.h"

#include "arch/gdt.h"
#include "arch/trap.h"
#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/ktest_runner.h"
#include "kernel/panic.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "mm/kstack.h"
#include "mm/vm.h"
#include "sched/class.h"
#include "sync/spinlock.h"

#define FIRST_RUN_NEVER UINT64_MAX

static struct mlfq mlfq;
/* The policy in force (sched.policy=, class.h): chosen once, at boot. */
static const struct sched_class *cls = &sched_mlfq_class;
static struct task main_task, *idle;
static struct task *current;
/*
 * Every task alive (not yet reaped), newest first, and its length: guarded
 * by the spinlock "tasks" (the panic path's stack namer reads the list
 * without it: the machine is stopping).
 */
static struct spinlock tasks_lock;
static struct task *all_tasks;
static uint64_t next_boost;   /* the tick of the next boost (plan_boost) */
static struct task *sleepers; /* sorted by wake_at */
/*
 * The task picked at the last timer interrupt: the tick belongs to it, even
 * if it blocks or yields half-way and another task runs the rest
 * ("whatever a task does between two interrupts belongs to the tick it was
 * picked for", ../shared/mlfq-reference.md).  NULL: the idle task's tick.
 */
static struct task *tick_owner;
static bool need_resched, tick_pick;
static int next_id;
static uint32_t ntasks;
static struct sched_stats stats;
static sched_takeover_t takeover;
static struct task *takeover_next; /* the takeover's pick for this tick */

struct task *task_of(const struct mlfq_ent *e)
{
	return (struct task *)((uintptr_t)e - offsetof(struct task, ent));
}

struct task *task_current(void)
{
	return current;
}

struct task *task_idle(void)
{
	return idle;
}

const struct mlfq *sched_mlfq(void)
{
	return &mlfq;
}

const struct mlfq_params *sched_params(void)
{
	return &mlfq.p;
}

const char *sched_policy_name(void)
{
	const struct policy *p = sched_policy();
	return p ? policy_name(p->p.kind) : "mlfq";
}

void sched_get_stats(struct sched_stats *s)
{
	bool on = irq_save();
	*s = stats;
	irq_restore(on);
}

/* ------------------------------------------------------------- trace -- */

/*
 * sched.trace=1: the schedule in OSTEP's trace vocabulary, one Run or IDLE
 * line per tick and a line per event, for tools/plot-sched.  Kernel
 * threads "start an I/O" when they block and "finish" when they exit.
 */
static bool trace_on;

static void trace_event(const char *what, const struct task *t)
{
	if (trace_on)
		kprintf("[ time %llu ] %s JOB %d (%s)\n", time_ticks(), what,
			t->id, t->name);
}

/* The tick that just ended (now - 1), with the counters after it. */
static void trace_run(uint64_t now, const struct task *t)
{
	if (!trace_on)
		return;
	if (!t) {
		kprintf("[ time %llu ] IDLE\n", now - 1);
		return;
	}
	if (cls != &sched_mlfq_class) {
		kprintf("[ time %llu ] Run JOB %d (%s)\n", now - 1, t->id,
			t->name);
		return;
	}
	kprintf("[ time %llu ] Run JOB %d at PRIORITY %d [ TICKS %u ALLOT %u ] "
		"(%s)\n",
		now - 1, t->id, t->ent.level, mlfq_ticks_left(&t->ent) - 1,
		mlfq_allot_left(&t->ent), t->name);
}

/* Voluntary switches enter the trap path like any interrupt. */
static void reschedule(void)
{
	need_resched = true;
	__asm__ volatile("int %0" : : "i"(T_YIELD) : "memory");
}

/* ---------------------------------------------------- the MLFQ class -- */

static int mlfq_c_attach(struct task *t)
{
	mlfq_attach(&mlfq, &t->ent);
	return 0;
}

static void mlfq_c_add(struct task *t)
{
	mlfq_add(&mlfq, &t->ent);
}

static void mlfq_c_wake(struct task *t)
{
	mlfq_wake(&mlfq, &t->ent);
}

static void mlfq_c_block(struct task *t)
{
	mlfq_block(&mlfq, &t->ent);
}

/* Rule 4: a yield keeps the quantum and allotment left. */
static void mlfq_c_yield(struct task *t)
{
	if (mlfq_state(&t->ent) == MLFQ_QUEUED)
		mlfq_yield(&mlfq, &t->ent);
}

static void mlfq_c_remove(struct task *t)
{
	mlfq_remove(&mlfq, &t->ent);
}

/*
 * An owner still in its queue ran on ("continues"); one that blocked
 * during the tick is charged as blocking, which is when -S's refill
 * applies.
 */
static TRAP_CALL void mlfq_c_charge(struct task *t)
{
	enum mlfq_after what;
	t->ticks_at_level[t->ent.level]++;
	what =
	    mlfq_state(&t->ent) == MLFQ_QUEUED ? MLFQ_CONTINUES : MLFQ_BLOCKS;
	if (mlfq_state(&t->ent) != MLFQ_OUTSIDE)
		mlfq_charge(&mlfq, &t->ent, what);
}

/* Rules 1 and 2 are mlfq_pick's. */
static TRAP_CALL struct task *mlfq_c_pick(void)
{
	struct mlfq_ent *e = mlfq_pick(&mlfq);
	return e ? task_of(e) : NULL;
}

static uint32_t mlfq_c_boost_period(void)
{
	return mlfq.p.boost;
}

static TRAP_CALL void mlfq_c_boost(void)
{
	mlfq_boost(&mlfq);
}

const struct sched_class sched_mlfq_class = {
    .name = "mlfq",
    .attach = mlfq_c_attach,
    .add = mlfq_c_add,
    .wake = mlfq_c_wake,
    .block = mlfq_c_block,
    .yield = mlfq_c_yield,
    .remove = mlfq_c_remove,
    .charge = mlfq_c_charge,
    .pick = mlfq_c_pick,
    .boost_period = mlfq_c_boost_period,
    .boost = mlfq_c_boost,
};

/*
 * The three calls on the timer's and yield's paths go to the default class
 * directly, so that the compiler inlines them, and to any other through
 * the table: two instructions more than a plain call for the MLFQ, where
 * the table's indirect call and the wrapper's frame cost about a dozen
 * (yield_roundtrip 400 -> 426).  Linux's pick_next_task takes the same
 * shortcut for its fair class.
 */
static inline struct task *class_pick(void)
{
	if (__builtin_expect(cls == &sched_mlfq_class, 1))
		return mlfq_c_pick();
	return cls->pick();
}

static inline void class_charge(struct task *t)
{
	if (__builtin_expect(cls == &sched_mlfq_class, 1))
		mlfq_c_charge(t);
	else
		cls->charge(t);
}

static inline void class_yield(struct task *t)
{
	if (__builtin_expect(cls == &sched_mlfq_class, 1))
		mlfq_c_yield(t);
	else
		cls->yield(t);
}

/* ------------------------------------------------------------ picking -- */

/* The class's pick; idle runs only when nothing is ready.  While a
 * workload has taken over, its pick for this tick runs. */
static struct task *pick_next(void)
{
	struct task *t;
	if (takeover)
		return takeover_next ? takeover_next : idle;
	t = class_pick();
	return t ? t : idle;
}

static void no_user_switch(struct task *prev, struct task *next)
{
	(void)prev, (void)next;
}
static sched_switch_hook_t user_switch = no_user_switch;

void sched_set_switch_hook(sched_switch_hook_t hook)
{
	user_switch = hook ? hook : no_user_switch;
}

/* Always inlined into sched_trap_exit, as docs/gdb-walkthrough.md steps
 * through it (without the attribute GCC may make it a tail call). */
static inline __attribute__((always_inline)) struct trap_frame *
switch_to(struct task *next, struct trap_frame *tf)
{
	struct task *prev = current;
	prev->tf = tf;
	if (prev->state == TASK_RUNNING) {
		prev->state = TASK_READY;
		if (prev != idle)
			prev->preempted++;
	}
	next->state = TASK_RUNNING;
	next->scheduled++;
	/* FIRST_RUN_NEVER is all ones, and no tick count reaches 2^32 in its
	 * upper half: one 32-bit compare instead of two. */
	if ((uint32_t)(next->first_run >> 32) == UINT32_MAX)
		next->first_run = time_ticks();
	stats.switches++;
	current = next;
	gdt_set_kernel_stack(next->kstack_top);
	/* Another address space means a process on one side at least: its
	 * TLS segment and FPU go with the thread (proc/).  Kernel threads
	 * share one space, so their switches skip both; two threads of one
	 * process share a space but not their TLS and FPU registers, so a
	 * switch to a user thread always calls the hook. */
	if (next->space != vm_current_space) {
		user_switch(prev, next);
		vm_switch_slow(next->space);
	} else if (next->proc) {
		user_switch(prev, next);
	}
	return next->tf;
}

/* The trap-exit hook: the one place where the CPU changes tasks. */
static TRAP_CALL struct trap_frame *sched_trap_exit(struct trap_frame *tf)
{
	struct task *next;
	if (!need_resched)
		return tf;
	need_resched = false;
	next = pick_next();
	if (tick_pick) {
		tick_pick = false;
		tick_owner = (next == idle || takeover) ? NULL : next;
	}
	if (next == current)
		return tf;
	return switch_to(next, tf);
}

static TRAP_CALL struct trap_frame *yield_trap(struct trap_frame *tf)
{
	return tf; /* the work is sched_trap_exit's, which runs next */
}

/* ------------------------------------------------------------- ticks -- */

static void wake_sleepers(uint64_t now)
{
	while (sleepers && sleepers->wake_at <= now) {
		struct task *t = sleepers;
		sleepers = t->sleep_link;
		t->sleep_link = NULL;
		t->wait_what = NULL;
		t->state = TASK_READY;
		cls->wake(t);
		trace_event("IO_DONE by", t);
	}
}

/*
 * Step 4 for the tick that just ended, charged to its owner (the task
 * picked for it) by the class in force; an idle tick charges nobody.  One
 * that exited is gone (task_exit cleared tick_owner).  A workload job's
 * fate is decided by the workload runner's hook instead.
 */
static void charge_tick(uint64_t now)
{
	struct task *t = tick_owner;
	trace_run(now, t);
	if (!t) {
		stats.idle_ticks++;
		return;
	}
	class_charge(t);
}

/*
 * Rule 5's next boost: the first multiple of the period after now (the
 * boost is due at every t > 0 that the period divides); never without a
 * period.  Kept as a tick number so that the timer path compares instead
 * of dividing.
 */
static void plan_boost(uint64_t now)
{
	uint32_t s = cls->boost_period();
	next_boost = s ? (now / s + 1) * s : UINT64_MAX;
}

static TRAP_CALL void sched_tick(uint64_t now, struct trap_frame *tf)
{
	(void)tf;
	stats.ticks++;
	if (takeover) {
		/* The workload runner does steps 4, 1, 2 and 3 itself. */
		takeover_next = takeover(now);
		need_resched = tick_pick = true;
		tick_owner = NULL;
		return;
	}
	charge_tick(now);
	if (now >= next_boost) { /* mlfq_boost_due, without a division */
		next_boost += cls->boost_period();
		cls->boost(); /* rule 5 */
		stats.boosts++;
		if (trace_on)
			kprintf("[ time %llu ] BOOST ( every %u )\n", now,
				cls->boost_period());
	}
	wake_sleepers(now);
	need_resched = true; /* step 3: pick, in sched_trap_exit */
	tick_pick = true;
}

/* ------------------------------------------------------------ threads -- */

static void task_list_add(struct task *t)
{
	spin_lock(&tasks_lock);
	t->all_link = all_tasks;
	all_tasks = t;
	ntasks++;
	spin_unlock(&tasks_lock);
}

static void task_list_remove(struct task *t)
{
	spin_lock(&tasks_lock);
	for (struct task **p = &all_tasks; *p; p = &(*p)->all_link)
		if (*p == t) {
			*p = t->all_link;
			ntasks--;
			break;
		}
	spin_unlock(&tasks_lock);
}

/* Where every new task begins: the hand-built trap frame "returns" here. */
static __attribute__((noreturn)) void task_trampoline(void)
{
	struct task *t = current;
	task_exit(t->entry(t->arg));
}

/*
 * The first trap frame of a new task, at the top of its stack: iret will
 * load EIP = task_trampoline, kernel CS, and EFLAGS with interrupts on.
 * From ring 0 to ring 0, iret pops no ESP: the task's stack starts just
 * above the frame's EFLAGS.
 */
static void build_first_frame(struct task *t)
{
	struct trap_frame *tf =
	    (struct trap_frame *)(t->kstack_top - sizeof(struct trap_frame));
	memset(tf, 0, sizeof(*tf));
	tf->ds = tf->es = tf->fs = tf->gs = SEL_KDATA;
	tf->cs = SEL_KCODE;
	tf->eip = (uint32_t)task_trampoline;
	tf->eflags = EFLAGS_RESERVED1 | EFLAGS_IF;
	tf->ebp = 0; /* the end of this task's backtraces */
	t->tf = tf;
}

static void task_init_fields(struct task *t, const char *name)
{
	t->id = next_id++;
	strlcpy(t->name, name, sizeof(t->name));
	t->first_run = FIRST_RUN_NEVER;
	t->space = vm_kernel_space();
	t->tickets = SCHED_TICKETS_DEFAULT;
	wq_init_named(&t->exited, "task exit");
	lockdep_task_init(&t->ld, t->id, t->name);
}

struct task *task_create_stopped(const char *name, int (*entry)(void *),
				 void *arg)
{
	struct task *t = kcalloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (!kstack_alloc(&t->kstack_slot, &t->kstack_top)) {
		kfree(t);
		return NULL;
	}
	t->entry = entry;
	t->arg = arg;
	t->state = TASK_NEW;
	bool on = irq_save();
	task_init_fields(t, name);
	build_first_frame(t);
	task_list_add(t);
	if (cls->attach(t) != 0) {
		task_list_remove(t);
		irq_restore(on);
		kstack_free(t->kstack_slot);
		kfree(t);
		return NULL;
	}
	irq_restore(on);
	return t;
}

void task_start(struct task *t)
{
	bool on = irq_save();
	t->state = TASK_READY;
	t->arrival = time_ticks();
	cls->add(t); /* MLFQ rule 3: a new task enters at the top */
	trace_event("JOB BEGINS by", t);
	irq_restore(on);
}

struct task *task_create(const char *name, int (*entry)(void *), void *arg)
{
	struct task *t = task_create_stopped(name, entry, arg);
	if (t)
		task_start(t);
	return t;
}

void task_exit(int status)
{
	struct task *t = current;
	cli();
	if (t == &main_task || t == idle)
		panic("task_exit: the %s task cannot exit", t->name);
	lockdep_task_exit(&t->ld);
	t->exit_status = status;
	t->finish = time_ticks();
	t->state = TASK_ZOMBIE;
	cls->remove(t);
	if (tick_owner == t)
		tick_owner = NULL; /* it may be reaped before the tick ends */
	trace_event("FINISHED", t);
	wq_wake_all(&t->exited);
	reschedule();
	panic("task_exit: zombie '%s' was scheduled again", t->name);
}

static void task_free(struct task *t)
{
	kstack_free(t->kstack_slot);
	kfree(t->pent); /* the class's entity, if it has one */
	kfree(t);
}

int task_wait(struct task *t)
{
	int status;
	bool on = irq_save();
	if (t == current)
		panic("task_wait: task '%s' waits for itself", t->name);
	while (t->state != TASK_ZOMBIE)
		wq_block(&t->exited);
	status = t->exit_status;
	task_list_remove(t);
	irq_restore(on);
	task_free(t);
	return status;
}

void task_yield(void)
{
	bool on = irq_save();
	class_yield(current);
	reschedule();
	irq_restore(on);
}

static void sleepers_insert(struct task *t)
{
	struct task **p = &sleepers;
	while (*p && (*p)->wake_at <= t->wake_at)
		p = &(*p)->sleep_link;
	t->sleep_link = *p;
	*p = t;
}

void task_sleep(uint32_t n)
{
	bool on;
	lockdep_might_sleep("task_sleep",
			    (uintptr_t)__builtin_return_address(0));
	on = irq_save();
	if (n > 0 && current != idle) {
		current->wait_what = "sleep";
		current->wait_since = time_ticks();
		current->wake_at = time_ticks() + n;
		current->state = TASK_BLOCKED;
		cls->block(current);
		trace_event("IO_START by", current);
		sleepers_insert(current);
		reschedule(); /* wake_sleepers or task_interrupt clears the why
			       */
	}
	irq_restore(on);
}

bool task_interrupt(struct task *t)
{
	bool on = irq_save(), woken = false;
	if (t->state == TASK_BLOCKED && t->blocked_on) {
		struct wait_queue *wq = t->blocked_on;
		struct task **p = &wq->head, *prev = NULL;
		while (*p && *p != t) {
			prev = *p;
			p = &(*p)->waiter_link;
		}
		if (*p) {
			*p = t->waiter_link;
			if (wq->tail == t)
				wq->tail = prev;
			woken = true;
		}
	} else if (t->state == TASK_BLOCKED && !t->job) {
		for (struct task **p = &sleepers; *p; p = &(*p)->sleep_link)
			if (*p == t) {
				*p = t->sleep_link;
				t->wait_what = NULL;
				woken = true;
				break;
			}
	}
	if (woken) {
		t->waiter_link = NULL;
		t->blocked_on = NULL;
		t->state = TASK_READY;
		cls->wake(t);
	}
	irq_restore(on);
	return woken;
}

/* ------------------------------------------------------- wait queues -- */

void wq_init(struct wait_queue *wq)
{
	wq->head = wq->tail = NULL;
	wq->name = NULL;
}

void wq_init_named(struct wait_queue *wq, const char *name)
{
	wq_init(wq);
	wq->name = name;
}

void wq_block(struct wait_queue *wq)
{
	struct task *t = current;
	if (irq_enabled())
		panic("wq_block: called with interrupts on (a wake-up could be "
		      "lost)");
	if (t == idle)
		panic("wq_block: the idle task must never block");
	lockdep_might_sleep("wq_block", (uintptr_t)__builtin_return_address(0));
	if (!t->wait_what) {
		t->wait_what = wq->name ? wq->name : "wait queue";
		t->wait_obj = (uintptr_t)wq;
	}
	t->wait_since = time_ticks();
	t->waiter_link = NULL;
	t->blocked_on = wq;
	if (wq->tail)
		wq->tail->waiter_link = t;
	else
		wq->head = t;
	wq->tail = t;
	t->state = TASK_BLOCKED;
	cls->block(t);
	trace_event("IO_START by", t);
	reschedule();
	t->wait_what = NULL;
	t->wait_obj = 0;
	t->wait_name = NULL;
	t->wait_owner = NULL;
}

bool wq_wake_one(struct wait_queue *wq)
{
	bool on = irq_save();
	struct task *t = wq->head;
	if (t) {
		wq->head = t->waiter_link;
		if (!wq->head)
			wq->tail = NULL;
		t->waiter_link = NULL;
		t->blocked_on = NULL;
		t->state = TASK_READY;
		cls->wake(t);
		trace_event("IO_DONE by", t);
		/* Woken while the CPU idles (an interrupt handler's wake-up,
		 * IRQ 14 for a disk request): switch at this interrupt's exit,
		 * not at the next tick, or every sector costs a tick. */
		if (current == idle)
			need_resched = true;
	}
	irq_restore(on);
	return t != NULL;
}

int wq_wake_all(struct wait_queue *wq)
{
	int n = 0;
	while (wq_wake_one(wq))
		n++;
	return n;
}

/* ------------------------------------------------- workload support -- */

void sched_set_takeover(sched_takeover_t tick)
{
	bool on = irq_save();
	takeover = tick;
	takeover_next = NULL;
	irq_restore(on);
}

void sched_detach(struct task *t)
{
	bool on = irq_save();
	cls->remove(t);
	t->state = TASK_READY;
	irq_restore(on);
}

void sched_finish(struct task *t, int status)
{
	bool on = irq_save();
	t->exit_status = status;
	t->finish = time_ticks();
	t->state = TASK_ZOMBIE;
	wq_wake_all(&t->exited);
	irq_restore(on);
}

/* ------------------------------------------------------------ set-up -- */

static struct lockdep_task *current_locks(void)
{
	return &current->ld;
}

static int idle_loop(void *arg)
{
	(void)arg;
	for (;;)
		sti_hlt(); /* sleep until the next interrupt */
	return 0;
}

/* "kernel stack overflow ... in the guard page of task 'x'" */
static const char *stack_owner(uint32_t esp)
{
	static char buf[TASK_NAME_MAX + 16];
	uint32_t slot;
	if (!kstack_guard_hit(esp, &slot))
		return NULL;
	for (struct task *t = all_tasks; t; t = t->all_link)
		if (t != &main_task && t->kstack_slot == slot) {
			strlcpy(buf, "task '", sizeof(buf));
			strlcpy(buf + 6, t->name, sizeof(buf) - 6);
			strlcpy(buf + strlen(buf), "'",
				sizeof(buf) - strlen(buf));
			return buf;
		}
	return "a kernel stack";
}

static bool ktest_in_main(void)
{
	return current == &main_task;
}

/*
 * A per-level list from the command line, highest level first (as OSTEP's
 * -Q and -A): one value applies to every level; otherwise there must be one
 * per level.  Returns false (and warns, leaving by_level alone) when the
 * list does not fit.
 */
static bool read_level_list(const char *key, uint32_t *by_level, int levels)
{
	uint32_t list[MLFQ_MAX_LEVELS];
	int n =
	    cmdline_uint_list(key, list, MLFQ_MAX_LEVELS, 1, MLFQ_MAX_QUANTUM);
	if (n <= 0)
		return n == 0;
	if (n != 1 && n != levels) {
		cmdline_warn(key,
			     "%s has %d values for %d levels; using the "
			     "defaults",
			     key, n, levels);
		return false;
	}
	for (int i = 0; i < levels; i++)
		by_level[levels - 1 - i] = list[n == 1 ? 0 : i];
	return true;
}

/* The mlfq.* options over the defaults of mlfq.h; a quantum list sets the
 * number of levels, as -Q overrides -n in OSTEP's simulator. */
static void read_params(struct mlfq_params *p)
{
	uint32_t list[MLFQ_MAX_LEVELS];
	const char *err;
	mlfq_params_default(p);
	int n = cmdline_uint_list("mlfq.quantum", list, MLFQ_MAX_LEVELS, 1,
				  MLFQ_MAX_QUANTUM);
	p->levels =
	    (int)cmdline_uint("mlfq.levels", (uint32_t)(n > 0 ? n : p->levels),
			      1, MLFQ_MAX_LEVELS);
	/* Levels beyond the defaults': each quantum twice the one above. */
	for (int l = 0; l < p->levels; l++) {
		int above = p->levels - 1 - l;
		if (p->quantum[l] == 0)
			p->quantum[l] = 10u << (above < 10 ? above : 10);
		if (p->allot[l] == 0)
			p->allot[l] = 1;
	}
	/* Each list on its own: a bad one keeps its defaults (and says so)
	 * without taking a good one down with it, and both are always read,
	 * since an option never read is reported as unknown. */
	read_level_list("mlfq.quantum", p->quantum, p->levels);
	read_level_list("mlfq.allotment", p->allot, p->levels);
	p->boost = cmdline_uint("mlfq.boost", p->boost, 0, MLFQ_MAX_QUANTUM);
	p->io_refill = cmdline_bool("mlfq.io_refill", p->io_refill);
	p->io_to_head = cmdline_bool("mlfq.io_head", p->io_to_head);
	err = mlfq_params_check(p);
	if (err) {
		kprintf(
		    "cmdline: warning: mlfq options: %s; using the defaults\n",
		    err);
		mlfq_params_default(p);
	}
}

int sched_set_params(const struct mlfq_params *p)
{
	bool on;
	if (mlfq_params_check(p))
		return -1;
	on = irq_save();
	if (cls != &sched_mlfq_class || ntasks != 2 ||
	    mlfq.nattached != 1) { /* main and idle only */
		irq_restore(on);
		return -1;
	}
	/* New parameters, but the counters still count since boot (`mlfq`
	 * shows them as such; the tests change parameters and back). */
	struct mlfq_stats kept = mlfq.stats;
	mlfq_remove(&mlfq, &main_task.ent);
	mlfq_init(&mlfq, p);
	mlfq.stats = kept;
	mlfq_add(&mlfq, &main_task.ent);
	plan_boost(time_ticks());
	irq_restore(on);
	return 0;
}

void sched_init(void)
{
	struct mlfq_params p;
	lockdep_init(); /* lockdep=: before the first lock (tasks_lock) */
	read_params(&p);
	mlfq_init(&mlfq, &p);
	cls = sched_class_from_cmdline();
	plan_boost(time_ticks());
	trace_on = cmdline_bool("sched.trace", false);
	if (trace_on)
		kprintf("SCHED levels %d policy %s\n", p.levels,
			sched_policy_name());
	spin_init(&tasks_lock, "tasks");
	task_init_fields(&main_task, "main");
	main_task.kstack_top = (uint32_t)boot_stack_top;
	main_task.state = TASK_RUNNING;
	main_task.first_run = 0;
	main_task.scheduled = 1;
	task_list_add(&main_task);
	if (cls->attach(&main_task) != 0)
		panic("sched_init: no memory for main's policy entity");
	cls->add(&main_task);
	current = tick_owner = &main_task;
	lockdep_set_current(current_locks);
	idle = task_create_stopped("idle", idle_loop, NULL);
	if (!idle)
		panic("sched_init: no memory for the idle task");
	sched_detach(idle); /* idle is not an MLFQ job */
	trap_register(T_YIELD, yield_trap);
	trap_set_exit_hook(sched_trap_exit);
	panic_set_stack_namer(stack_owner);
	ktest_set_context_check(ktest_in_main);
	time_add_tick_hook(sched_tick);
}

/* ------------------------------------------------------------ listing -- */

const char *task_state_name(enum task_state s)
{
	static const char *const names[] = {"new", "ready", "running",
					    "blocked", "zombie"};
	return (unsigned)s < 5 ? names[s] : "?";
}

uint32_t task_count(void)
{
	return ntasks;
}

void task_for_each(void (*fn)(struct task *t, void *ctx), void *ctx)
{
	spin_lock(&tasks_lock); /* interrupts off too: no task changes */
	for (struct task *t = all_tasks; t; t = t->all_link)
		fn(t, ctx);
	spin_unlock(&tasks_lock);
}
