/*
 * policy.c: the dispatch of sched/policy.h, and the common checks.  Each
 * policy's rule is in its own file (policy_list.c: FIFO, SJF, STCF, RR;
 * policy_lottery.c; policy_stride.c).
 */
#include "sched/policy.h"

#include "lib/kassert.h"

static const struct policy_ops *const ops_of[POLICY_NKINDS] = {
    [POLICY_FIFO] = &policy_fifo_ops,
    [POLICY_SJF] = &policy_sjf_ops,
    [POLICY_STCF] = &policy_stcf_ops,
    [POLICY_RR] = &policy_rr_ops,
    [POLICY_LOTTERY] = &policy_lottery_ops,
    [POLICY_STRIDE] = &policy_stride_ops,
};

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int policy_kind_of(const char *name)
{
	for (int k = 0; k < POLICY_NKINDS; k++)
		if (streq(name, ops_of[k]->name))
			return k;
	return -1;
}

const char *policy_name(enum policy_kind kind)
{
	return (unsigned)kind < POLICY_NKINDS ? ops_of[kind]->name : "?";
}

const char *policy_params_check(const struct policy_params *pp)
{
	if ((unsigned)pp->kind >= POLICY_NKINDS)
		return "unknown policy";
	if (pp->quantum < 1 || pp->quantum > 1000000000u)
		return "quantum must be 1 .. 1000000000 ticks";
	return NULL;
}

void policy_init(struct policy *p, const struct policy_params *pp)
{
	kassert(policy_params_check(pp) == NULL);
	p->ops = ops_of[pp->kind];
	p->p = *pp;
	p->nqueued = 0;
	p->seq = 0;
	p->cur = NULL;
	p->ops->init(p);
}

void policy_enqueue(struct policy *p, struct policy_ent *e)
{
	kassert(e->state == POLICY_OUTSIDE);
	e->state = POLICY_QUEUED;
	e->seq = p->seq++;
	e->ticks_left = p->p.quantum;
	p->nqueued++;
	p->ops->enqueue(p, e);
}

void policy_dequeue(struct policy *p, struct policy_ent *e)
{
	kassert(e->state == POLICY_QUEUED && p->nqueued > 0);
	p->ops->dequeue(p, e);
	if (p->cur == e)
		p->cur = NULL;
	e->state = POLICY_OUTSIDE;
	p->nqueued--;
}

struct policy_ent *policy_pick(struct policy *p)
{
	if (p->cur)
		return p->cur;
	p->cur = p->ops->pick(p);
	return p->cur;
}

bool policy_charge(struct policy *p, struct policy_ent *e)
{
	kassert(e != NULL && e->state == POLICY_QUEUED);
	return p->ops->charge(p, e);
}

void policy_boost(struct policy *p)
{
	if (p->ops->boost)
		p->ops->boost(p);
}
