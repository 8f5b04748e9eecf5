/*
 * mlfq: the policy.  See mlfq.h for the rules and which function
 * implements which.  Invariants, checked by kassert where they matter:
 *  - e is in q[e->level] iff e->state == MLFQ_QUEUED;
 *  - bit L of m->nonempty is set iff q[L] is not empty;
 *  - e is on the all-list iff e->state != MLFQ_OUTSIDE;
 *  - between ticks, an attached entity has ticks_left >= 1 and
 *    allot_left >= 1 (params_check forbids zero quanta and allotments;
 *    not so in the wide build, see mlfq.h).
 */
#include "sched/mlfq.h"

#include "lib/kassert.h"

void mlfq_params_default(struct mlfq_params *p)
{
	*p = (struct mlfq_params){0};
	p->levels = 3;
	p->quantum[2] = 10;
	p->quantum[1] = 20;
	p->quantum[0] = 40;
	p->allot[2] = 1;
	p->allot[1] = 2;
	p->allot[0] = 1;
	p->boost = 1000;
}

void mlfq_params_ostep(struct mlfq_params *p)
{
	*p = (struct mlfq_params){0};
	p->levels = 3;
	for (int l = 0; l < p->levels; l++) {
		p->quantum[l] = 10;
		p->allot[l] = 1;
	}
}

#ifdef MLFQ_WIDE
/*
 * Wide: any value; levels only bounded by the arrays.  mlfq.py prints a
 * count of 0 or less and has no queue then (no job may be attached).
 */
const char *mlfq_params_check(const struct mlfq_params *p)
{
	if (p->levels > MLFQ_MAX_LEVELS)
		return "the number of levels must be at most 4096";
	return NULL;
}
#else
const char *mlfq_params_check(const struct mlfq_params *p)
{
	if (p->levels < 1 || p->levels > MLFQ_MAX_LEVELS)
		return "the number of levels must be between 1 and 32";
	for (int l = 0; l < p->levels; l++) {
		if (p->quantum[l] < 1 || p->quantum[l] > MLFQ_MAX_QUANTUM)
			return "a quantum must be between 1 and 1000000000 "
			       "ticks";
		if (p->allot[l] < 1 || p->allot[l] > MLFQ_MAX_ALLOT)
			return "an allotment must be between 1 and 1000000000 "
			       "quanta";
	}
	return NULL;
}
#endif

void mlfq_init(struct mlfq *m, const struct mlfq_params *p)
{
	kassert(mlfq_params_check(p) == NULL);
	*m = (struct mlfq){0};
	m->p = *p;
}

/* ---------------------------------------------------- queue primitives -- */

#ifdef MLFQ_WIDE
static void bit_set(struct mlfq *m, int l)
{
	m->nonempty[l / 32] |= 1u << (l % 32);
}
static void bit_clear(struct mlfq *m, int l)
{
	m->nonempty[l / 32] &= ~(1u << (l % 32));
}
static int bit_highest(const struct mlfq *m)
{
	for (int w = MLFQ_BITMAP_WORDS - 1; w >= 0; w--)
		if (m->nonempty[w])
			return w * 32 + 31 - __builtin_clz(m->nonempty[w]);
	return -1;
}
#else
static void bit_set(struct mlfq *m, int l)
{
	m->nonempty |= 1u << l;
}
static void bit_clear(struct mlfq *m, int l)
{
	m->nonempty &= ~(1u << l);
}
static int bit_highest(const struct mlfq *m)
{
	return m->nonempty ? 31 - __builtin_clz(m->nonempty) : -1;
}
#endif

static void q_push_tail(struct mlfq *m, struct mlfq_ent *e)
{
	struct mlfq_queue *q = &m->q[e->level];

	e->next = NULL;
	e->prev = q->tail;
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	q->len++;
	bit_set(m, e->level);
	m->nqueued++;
	e->state = MLFQ_QUEUED;
}

static void q_push_head(struct mlfq *m, struct mlfq_ent *e)
{
	struct mlfq_queue *q = &m->q[e->level];

	e->prev = NULL;
	e->next = q->head;
	if (q->head)
		q->head->prev = e;
	else
		q->tail = e;
	q->head = e;
	q->len++;
	bit_set(m, e->level);
	m->nqueued++;
	e->state = MLFQ_QUEUED;
}

/* Takes e out of its queue; the caller sets its new state. */
static void q_unlink(struct mlfq *m, struct mlfq_ent *e)
{
	struct mlfq_queue *q = &m->q[e->level];

	kassert(e->state == MLFQ_QUEUED && q->len > 0);
	if (e->prev)
		e->prev->next = e->next;
	else
		q->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		q->tail = e->prev;
	e->next = e->prev = NULL;
	if (--q->len == 0)
		bit_clear(m, e->level);
	m->nqueued--;
}

static void all_link(struct mlfq *m, struct mlfq_ent *e)
{
	e->all_prev = NULL;
	e->all_next = m->all;
	if (m->all)
		m->all->all_prev = e;
	m->all = e;
	m->nattached++;
}

static void all_unlink(struct mlfq *m, struct mlfq_ent *e)
{
	if (e->all_prev)
		e->all_prev->all_next = e->all_next;
	else
		m->all = e->all_next;
	if (e->all_next)
		e->all_next->all_prev = e->all_prev;
	e->all_next = e->all_prev = NULL;
	m->nattached--;
}

/* A fresh quantum and allotment of the entity's current level. */
static void refill(const struct mlfq *m, struct mlfq_ent *e)
{
	e->ticks_left = m->p.quantum[e->level];
	e->allot_left = m->p.allot[e->level];
}

/* ------------------------------------------------------------- rule 3 -- */

void mlfq_attach(struct mlfq *m, struct mlfq_ent *e)
{
	kassert(e->state == MLFQ_OUTSIDE);
	e->level = (mlfq_level_t)mlfq_top(m);
	refill(m, e);
	e->next = e->prev = NULL;
	e->state = MLFQ_WAITING;
	all_link(m, e);
}

void mlfq_add(struct mlfq *m, struct mlfq_ent *e)
{
	if (e->state == MLFQ_OUTSIDE)
		mlfq_attach(m, e);
	kassert(e->state == MLFQ_WAITING);
	q_push_tail(m, e);
}

/* ------------------------------------------------------------- rule 1 -- */

MLFQ_CALL struct mlfq_ent *mlfq_pick(const struct mlfq *m)
{
	int l = bit_highest(m);

	return l < 0 ? NULL : m->q[l].head;
}

/* ------------------------------------------------------ rules 2 and 4 -- */

/*
 * The quantum ran out: use one unit of allotment; the last one moves the
 * entity down a level (the bottom level keeps it) with fresh counters.
 * A queued entity goes to the tail of its (new) level: rule 2.
 */
/*
 * Round robin within a level (rule 2): a queued entity whose quantum ran
 * out goes to the tail of the same queue.  Done in place — the queue's
 * length, the non-empty bitmap and the counters do not change — because
 * it happens on most timer ticks and is on the preemptive-switch path.
 */
static inline __attribute__((always_inline)) void
q_move_to_tail(struct mlfq *m, struct mlfq_ent *e)
{
	struct mlfq_queue *q = &m->q[e->level];

	if (q->tail == e)
		return;
	if (q->head == e) { /* the usual case: the entity that just ran */
		struct mlfq_ent *n = e->next;
		q->head = n;
		n->prev = NULL;
		e->prev = q->tail;
		q->tail->next = e;
		e->next = NULL;
		q->tail = e;
		return;
	}
	if (e->prev)
		e->prev->next = e->next;
	else
		q->head = e->next;
	e->next->prev = e->prev; /* e is not the tail, so it has a next */
	e->prev = q->tail;
	e->next = NULL;
	q->tail->next = e;
	q->tail = e;
}

static unsigned expire(struct mlfq *m, struct mlfq_ent *e)
{
	bool queued = e->state == MLFQ_QUEUED;
	bool demote = e->allot_left == 1 && e->level > 0;
	unsigned r = MLFQ_CHARGE_EXPIRED;

	m->stats.expired++;
	if (queued && demote)
		q_unlink(m, e);
	if (--e->allot_left == 0) {
		if (e->level > 0) {
			e->level--;
			r |= MLFQ_CHARGE_DEMOTED;
			m->stats.demoted++;
		}
		refill(m, e);
	} else {
		e->ticks_left = m->p.quantum[e->level];
	}
	if (queued && demote)
		q_push_tail(m, e);
	else if (queued)
		q_move_to_tail(m, e);
	return r;
}

MLFQ_CALL unsigned mlfq_charge(struct mlfq *m, struct mlfq_ent *e,
			       enum mlfq_after what)
{
	bool expired;

	/*
	 * The common case, on almost every timer tick: the entity ran on.
	 * Its quantum shrinks; when it runs out with allotment to spare, or at
	 * the bottom level where nothing lower waits, the entity gets a fresh
	 * quantum there and goes to the tail of its queue (rule 2) -- what
	 * expire() would do, without its demotion branches.
	 */
	if (what == MLFQ_CONTINUES) {
		kassert(e->state == MLFQ_QUEUED);
		m->stats.charged++;
		if (--e->ticks_left != 0)
			return 0;
		if (e->allot_left != 1) { /* allotment to spare: same level */
			e->allot_left--;
			e->ticks_left = m->p.quantum[e->level];
		} else if (e->level == 0) { /* the bottom keeps it: refill */
			refill(m, e);
		} else {
			return expire(m, e); /* rule 4: down a level */
		}
		m->stats.expired++;
		q_move_to_tail(m, e);
		return MLFQ_CHARGE_EXPIRED;
	}

	if (what == MLFQ_BLOCKS)
		kassert(e->state == MLFQ_BLOCKED || e->state == MLFQ_QUEUED);
	else
		kassert(e->state == MLFQ_QUEUED);
#ifndef MLFQ_WIDE
	kassert(e->ticks_left >= 1); /* wide: mlfq.py lets it go negative */
#endif
	m->stats.charged++;
	expired = --e->ticks_left == 0;
	if (what == MLFQ_FINISHED) {
		mlfq_remove(m, e);
		return 0;
	}
	if (what == MLFQ_STARTS_IO) {
		q_unlink(m, e);
		e->state = MLFQ_BLOCKED;
	}
	if ((what == MLFQ_STARTS_IO || what == MLFQ_BLOCKS) && m->p.io_refill)
		refill(m, e);
	return expired ? expire(m, e) : 0;
}

/* ------------------------------------------------- mid-tick changes -- */

void mlfq_block(struct mlfq *m, struct mlfq_ent *e)
{
	q_unlink(m, e);
	e->state = MLFQ_BLOCKED;
}

void mlfq_wake(struct mlfq *m, struct mlfq_ent *e)
{
	kassert(e->state == MLFQ_BLOCKED);
	if (m->p.io_to_head)
		q_push_head(m, e);
	else
		q_push_tail(m, e);
}

void mlfq_yield(struct mlfq *m, struct mlfq_ent *e)
{
	q_unlink(m, e);
	q_push_tail(m, e);
}

void mlfq_remove(struct mlfq *m, struct mlfq_ent *e)
{
	if (e->state == MLFQ_OUTSIDE)
		return;
	if (e->state == MLFQ_QUEUED)
		q_unlink(m, e);
	all_unlink(m, e);
	e->state = MLFQ_OUTSIDE;
}

/* ------------------------------------------------------------- rule 5 -- */

/* Appends q[from] to the tail of q[to], keeping its order; O(1). */
static void q_splice(struct mlfq *m, int from, int to)
{
	struct mlfq_queue *src = &m->q[from], *dst = &m->q[to];

	if (src->len == 0)
		return;
	if (dst->tail) {
		dst->tail->next = src->head;
		src->head->prev = dst->tail;
	} else {
		dst->head = src->head;
	}
	dst->tail = src->tail;
	dst->len += src->len;
	*src = (struct mlfq_queue){0};
	bit_clear(m, from);
	bit_set(m, to);
}

void mlfq_boost(struct mlfq *m)
{
	int top = mlfq_top(m);

	m->stats.boosts++;
	for (int l = 0; l < top; l++)
		q_splice(m, l, top);
	for (struct mlfq_ent *e = m->all; e; e = e->all_next) {
		e->level = (mlfq_level_t)top;
		if (m->p.boost_2020)
			e->ticks_left = m->p.allot[top]; /* mlfq.py, 2020 */
		else
			refill(m, e); /* mlfq.py since ee2e067 (2023) */
	}
}
