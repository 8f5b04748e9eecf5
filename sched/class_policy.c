/*
 * class_policy: the scheduler class over sched/policy.h (see class.h), and
 * the choice of class at boot.
 *
 * A kernel thread maps onto a policy entity (struct policy_ent in the
 * task) this way:
 *
 *   add, wake      policy_enqueue: runnable (arrival, or back from I/O)
 *   block, remove  policy_dequeue: gone from the policy until it is back
 *   yield          dequeue, then enqueue: to the back of the line (RR's
 *                  rotation, done early; FIFO: behind every ready task)
 *   charge         policy_charge for the tick owner if it is still queued
 *   pick           policy_pick
 *
 * Kernel threads have no known run time, so SJF and STCF see each one as
 * SCHED_LENGTH_UNKNOWN ticks long (then FIFO among them; STCF counts the
 * runner's ticks down, so it keeps the CPU against an equal newcomer).
 * Lottery and stride read the tickets in the entity: SCHED_TICKETS_DEFAULT
 * at creation, sched_set_tickets() to change them.
 */
#include "sched/class.h"

#include <stddef.h>

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "mm/kheap.h"
#include "sched/policy.h"
#include "sched/task.h"

/* The one policy of the kernel's threads (12 KiB: lottery's tree). */
static struct policy kpol;

const struct policy *sched_policy(void)
{
	return kpol.ops ? &kpol : NULL;
}

static struct task *task_of_pent(struct policy_ent *e)
{
	return ((struct sched_pent *)((uintptr_t)e -
				      offsetof(struct sched_pent, e)))
	    ->task;
}

/* The entity, with an unknown length; task_free frees it. */
static int pc_attach(struct task *t)
{
	struct sched_pent *p = kmalloc(sizeof(*p));
	if (!p)
		return -1;
	*p = (struct sched_pent){.e = {.length = SCHED_LENGTH_UNKNOWN},
				 .task = t};
	t->pent = p;
	return 0;
}

/* The policy reads the tickets as the entity joins it. */
static void pc_enqueue(struct task *t)
{
	struct policy_ent *e = &t->pent->e;
	if (e->state == POLICY_OUTSIDE) {
		e->tickets = t->tickets;
		policy_enqueue(&kpol, e);
	}
}

static void pc_dequeue(struct task *t)
{
	if (t->pent && t->pent->e.state == POLICY_QUEUED)
		policy_dequeue(&kpol, &t->pent->e);
}

static void pc_yield(struct task *t)
{
	if (t->pent->e.state != POLICY_QUEUED)
		return;
	policy_dequeue(&kpol, &t->pent->e);
	policy_enqueue(&kpol, &t->pent->e);
}

static TRAP_CALL void pc_charge(struct task *t)
{
	if (t->pent->e.state == POLICY_QUEUED)
		policy_charge(&kpol, &t->pent->e);
}

static TRAP_CALL struct task *pc_pick(void)
{
	struct policy_ent *e = policy_pick(&kpol);
	return e ? task_of_pent(e) : NULL;
}

static uint32_t pc_no_boost(void)
{
	return 0;
}

static TRAP_CALL void pc_boost(void)
{
	policy_boost(&kpol);
}

const struct sched_class sched_policy_class = {
    .name = "policy",
    .attach = pc_attach,
    .add = pc_enqueue,
    .wake = pc_enqueue,
    .block = pc_dequeue,
    .yield = pc_yield,
    .remove = pc_dequeue,
    .charge = pc_charge,
    .pick = pc_pick,
    .boost_period = pc_no_boost,
    .boost = pc_boost,
};

int sched_set_tickets(struct task *t, uint32_t tickets)
{
	bool on, queued;
	if (tickets < 1 || tickets > POLICY_MAX_TICKETS)
		return -1;
	on = irq_save();
	/* The lottery's tree and the stride heap hold the tickets of a
	 * queued entity: take it out and put it back with the new ones. */
	queued = t->pent && t->pent->e.state == POLICY_QUEUED;
	if (queued)
		policy_dequeue(&kpol, &t->pent->e);
	t->tickets = tickets;
	if (queued)
		pc_enqueue(t);
	irq_restore(on);
	return 0;
}

uint32_t sched_tickets(const struct task *t)
{
	return t->tickets;
}

const struct sched_class *sched_class_from_cmdline(void)
{
	static const char *const names[] = {"mlfq", "fifo",    "sjf",	"stcf",
					    "rr",   "lottery", "stride"};
	struct policy_params pp = {0};
	int k = cmdline_choice("sched.policy", names, 7, 0);
	pp.quantum =
	    cmdline_uint("sched.quantum", SCHED_QUANTUM_DEFAULT, 1, 1000000);
	pp.seed = cmdline_uint("sched.seed", 0, 0, UINT32_MAX);
	if (k <= 0)
		return &sched_mlfq_class;
	pp.kind = (enum policy_kind)policy_kind_of(names[k]);
	policy_init(&kpol, &pp);
	return &sched_policy_class;
}
