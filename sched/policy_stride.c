/*
 * Stride scheduling (OSTEP ch. 9, the deterministic counterpart of the
 * lottery in the notes' §5 "调度：比例份额"): each entity's stride is
 * inversely proportional to its tickets, stride = BIG / tickets
 * (POLICY_STRIDE_BIG = 2^20), and it keeps a pass value.  Each turn the
 * entity with the least pass runs for a quantum, then its pass grows by its
 * stride.  An entity with twice the tickets advances half as fast, so it is
 * picked twice as often: over any long run each share is within one
 * quantum of tickets/total, with no randomness.
 *
 * The entities sit in a binary min-heap keyed by (pass, enqueue order), so
 * pick reads the root in O(1) and the charge at the end of a turn, which
 * moves the runner down the heap, costs O(log n); so do enqueue and
 * dequeue.  Ties in pass go to the entity enqueued first.
 *
 * A newcomer (or a task waking from sleep) would otherwise keep its old, low
 * pass and monopolise the CPU until it caught up: enqueue raises its pass to
 * the least pass among the runnable ones (the pass of the last entity
 * picked when none is runnable), as the chapter advises.
 */
#include "sched/policy.h"

#include "lib/kassert.h"

static bool before(const struct policy_ent *a, const struct policy_ent *b)
{
	return a->pass < b->pass || (a->pass == b->pass && a->seq < b->seq);
}

static void put(struct policy *p, uint32_t i, struct policy_ent *e)
{
	p->u.str.heap[i] = e;
	e->slot = i;
}

static void sift_up(struct policy *p, uint32_t i)
{
	struct policy_ent *e = p->u.str.heap[i];

	while (i > 0) {
		uint32_t up = (i - 1) / 2;
		if (!before(e, p->u.str.heap[up]))
			break;
		put(p, i, p->u.str.heap[up]);
		i = up;
	}
	put(p, i, e);
}

static void sift_down(struct policy *p, uint32_t i, uint32_t n)
{
	struct policy_ent *e = p->u.str.heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(p->u.str.heap[c + 1], p->u.str.heap[c]))
			c++;
		if (!before(p->u.str.heap[c], e))
			break;
		put(p, i, p->u.str.heap[c]);
		i = c;
	}
	put(p, i, e);
}

static void str_init(struct policy *p)
{
	p->u.str.global_pass = 0;
}

/* policy_enqueue has already counted e in nqueued. */
static void str_enqueue(struct policy *p, struct policy_ent *e)
{
	uint32_t n = p->nqueued - 1;
	uint64_t floor = n ? p->u.str.heap[0]->pass : p->u.str.global_pass;

	kassert(n < POLICY_MAX_ENTS);
	kassert(e->tickets >= 1 && e->tickets <= POLICY_MAX_TICKETS);
	if (e->pass < floor)
		e->pass = floor;
	put(p, n, e);
	sift_up(p, n);
}

static void str_dequeue(struct policy *p, struct policy_ent *e)
{
	uint32_t n = p->nqueued, i = e->slot;

	kassert(i < n && p->u.str.heap[i] == e);
	if (i != n - 1) {
		put(p, i, p->u.str.heap[n - 1]);
		sift_down(p, i, n - 1);
		sift_up(p, i);
	}
}

static struct policy_ent *str_pick(struct policy *p)
{
	if (p->nqueued == 0)
		return NULL;
	p->u.str.global_pass = p->u.str.heap[0]->pass;
	return p->u.str.heap[0];
}

static bool str_charge(struct policy *p, struct policy_ent *e)
{
	if (e->length > 0)
		e->length--;
	kassert(e->ticks_left >= 1);
	if (--e->ticks_left > 0)
		return false;
	e->ticks_left = p->p.quantum;
	e->pass += POLICY_STRIDE_BIG / e->tickets;
	sift_down(p, e->slot, p->nqueued);
	p->cur = NULL;
	return true;
}

const struct policy_ops policy_stride_ops = {
    .name = "stride",
    .init = str_init,
    .enqueue = str_enqueue,
    .dequeue = str_dequeue,
    .pick = str_pick,
    .charge = str_charge,
};
