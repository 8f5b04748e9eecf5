/*
 * The list policies of the notes' §3 (000_4ce0ed622454299e.txt, "调度：
 * 介绍"), in the order the chapter builds them up.  All four keep the
 * runnable entities on one doubly linked list whose head is the one to run;
 * they differ in where an entity is inserted and when the runner gives up
 * the CPU.
 *
 * FIFO (先进先出): "the job that arrived first runs first".  Insert at the
 * tail; the head runs until it blocks or exits (assumption 3: once started,
 * a job runs to completion).  pick O(1): the head.  Bad for short jobs
 * stuck behind a long one (the convoy effect).
 *
 * SJF (最短任务优先): "run the shortest job, then the next shortest;
 * non-preemptive".  Insert in order of length (the run time is known,
 * assumption 5), after every job of the same length, so equal jobs run in
 * arrival order as scheduler.py's stable sort runs them.  The job picked
 * keeps the CPU even if a shorter one arrives (p->cur holds it), so it can
 * still suffer convoys when jobs arrive at different times.  pick O(1),
 * enqueue O(n).
 *
 * STCF (最短完成时间优先): "the preemptive SJF: whoever has the least time
 * left runs".  The list is kept in order of work left (length, counted
 * down by charge); an arrival shorter than the runner's remaining work goes
 * before it, and charge then reports a preemption.  Ties keep the earlier
 * entity first, so the runner is never preempted by an equal job.  pick
 * O(1), enqueue O(n).
 *
 * RR (轮转): "run each job for one time slice (quantum), then switch to the
 * next in the queue", good for response time.  Insert at the tail; charge
 * counts the quantum down and, when it runs out, moves the runner to the
 * tail with a fresh quantum and reports a preemption.  pick O(1).
 */
#include "sched/policy.h"

#include "lib/kassert.h"

static void list_init(struct policy *p)
{
	p->u.list.head = p->u.list.tail = NULL;
}

static void insert_before(struct policy *p, struct policy_ent *e,
			  struct policy_ent *at)
{
	/* at == NULL: append at the tail. */
	e->next = at;
	e->prev = at ? at->prev : p->u.list.tail;
	if (e->prev)
		e->prev->next = e;
	else
		p->u.list.head = e;
	if (at)
		at->prev = e;
	else
		p->u.list.tail = e;
}

static void unlink(struct policy *p, struct policy_ent *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		p->u.list.head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		p->u.list.tail = e->prev;
	e->next = e->prev = NULL;
}

static void tail_enqueue(struct policy *p, struct policy_ent *e)
{
	insert_before(p, e, NULL);
}

/* Before the first entity with more work left than e: after its equals. */
static void ordered_enqueue(struct policy *p, struct policy_ent *e)
{
	struct policy_ent *at = p->u.list.head;

	while (at && at->length <= e->length)
		at = at->next;
	insert_before(p, e, at);
}

static struct policy_ent *head_pick(struct policy *p)
{
	return p->u.list.head;
}

/* FIFO and SJF: the runner keeps the CPU until it blocks or exits. */
static bool never_preempt(struct policy *p, struct policy_ent *e)
{
	(void)p;
	if (e->length > 0)
		e->length--;
	return false;
}

static bool stcf_charge(struct policy *p, struct policy_ent *e)
{
	if (e->length > 0)
		e->length--;
	/* Less work left can only move e forward: re-insert it in order. */
	if (e->prev && e->prev->length > e->length) {
		unlink(p, e);
		ordered_enqueue(p, e);
	}
	/* Preempted if an arrival with less work left now heads the list. */
	p->cur = NULL;
	return p->u.list.head != e;
}

static bool rr_charge(struct policy *p, struct policy_ent *e)
{
	if (e->length > 0)
		e->length--;
	kassert(e->ticks_left >= 1);
	if (--e->ticks_left > 0)
		return false;
	e->ticks_left = p->p.quantum;
	unlink(p, e);
	tail_enqueue(p, e);
	p->cur = NULL;
	return true;
}

const struct policy_ops policy_fifo_ops = {
    .name = "fifo",
    .init = list_init,
    .enqueue = tail_enqueue,
    .dequeue = unlink,
    .pick = head_pick,
    .charge = never_preempt,
};

const struct policy_ops policy_sjf_ops = {
    .name = "sjf",
    .init = list_init,
    .enqueue = ordered_enqueue,
    .dequeue = unlink,
    .pick = head_pick,
    .charge = never_preempt,
};

const struct policy_ops policy_stcf_ops = {
    .name = "stcf",
    .init = list_init,
    .enqueue = ordered_enqueue,
    .dequeue = unlink,
    .pick = head_pick,
    .charge = stcf_charge,
};

const struct policy_ops policy_rr_ops = {
    .name = "rr",
    .init = list_init,
    .enqueue = tail_enqueue,
    .dequeue = unlink,
    .pick = head_pick,
    .charge = rr_charge,
};
