/*
 * Fuzz target: sched/mlfq, the MLFQ policy, against a model.
 *
 * The input picks the parameters (levels, quanta, allotments, boost period,
 * the -S/-I/boost_2020 switches; invalid ones must be refused by
 * mlfq_params_check) and then drives MF_ENTS entities through random
 * operations: add, attach, pick, charge with each mlfq_after, block, wake,
 * yield, remove, boost, and whole ticks in the order mlfq.h gives.  The
 * model is the policy as mlfq.h describes it, written out over plain
 * arrays: per level an ordered list of entities, per entity its state,
 * level, quantum left and allotment left.  After every operation the
 * policy's own structure must equal the model:
 *   - each queue, walked both ways, holds the model's entities in order,
 *     with the right length, and the non-empty bitmap matches;
 *   - each entity is in exactly the queue of its level when QUEUED and in
 *     none otherwise; the attached list holds exactly the non-OUTSIDE ones;
 *   - mlfq_pick() is the head of the highest non-empty level;
 *   - levels only fall, except at a boost or a fresh attach;
 *   - 1 <= ticks_left and 1 <= allot_left for attached entities, and
 *     neither exceeds the largest quantum or allotment in use;
 *   - the statistics count what the model counted.
 * Calls that break the rules of use (waking a queued entity, yielding a
 * blocked one, charging one that is not queued, adding one that is not
 * waiting or outside) must be refused by a kassert with nothing changed.
 */
#include <string.h>

#include "sched/mlfq.h"
#include "tests/fuzz/fuzz.h"

#define MF_ENTS 12

struct mf_model {
	int q[MLFQ_MAX_LEVELS][MF_ENTS]; /* entity numbers, head first */
	int len[MLFQ_MAX_LEVELS];
	uint8_t state[MF_ENTS];
	int level[MF_ENTS];
	uint32_t ticks[MF_ENTS], allot[MF_ENTS];
	struct mlfq_stats stats;
};

struct mf_run {
	struct mlfq m;
	struct mlfq_ent e[MF_ENTS];
	struct mf_model md;
	int last_level[MF_ENTS];
	uint32_t t; /* ticks run by the tick operation */
	int owner;  /* the tick owner, or -1 */
	uint32_t max_ticks, max_allot;
};

/* ------------------------------------------------------- the model -- */

static void md_push(struct mf_model *md, int i, bool head)
{
	int l = md->level[i];

	if (head) {
		memmove(&md->q[l][1], &md->q[l][0],
			(size_t)md->len[l] * sizeof(int));
		md->q[l][0] = i;
	} else {
		md->q[l][md->len[l]] = i;
	}
	md->len[l]++;
	md->state[i] = MLFQ_QUEUED;
}

static void md_unlink(struct mf_model *md, int i)
{
	int l = md->level[i], k = 0;

	while (md->q[l][k] != i)
		k++;
	memmove(&md->q[l][k], &md->q[l][k + 1],
		(size_t)(md->len[l] - k - 1) * sizeof(int));
	md->len[l]--;
}

static void md_refill(const struct mlfq_params *p, struct mf_model *md, int i)
{
	md->ticks[i] = p->quantum[md->level[i]];
	md->allot[i] = p->allot[md->level[i]];
}

static void md_attach(const struct mlfq_params *p, struct mf_model *md, int i)
{
	md->level[i] = p->levels - 1;
	md_refill(p, md, i);
	md->state[i] = MLFQ_WAITING;
}

static void md_remove(struct mf_model *md, int i)
{
	if (md->state[i] == MLFQ_QUEUED)
		md_unlink(md, i);
	md->state[i] = MLFQ_OUTSIDE;
}

/* Rule 4's bookkeeping when the quantum ran out (mlfq_charge in mlfq.h). */
static unsigned md_expire(const struct mlfq_params *p, struct mf_model *md,
			  int i)
{
	bool queued = md->state[i] == MLFQ_QUEUED;
	unsigned r = MLFQ_CHARGE_EXPIRED;

	md->stats.expired++;
	if (queued)
		md_unlink(md, i);
	if (--md->allot[i] == 0) {
		if (md->level[i] > 0) {
			md->level[i]--;
			md->stats.demoted++;
			r |= MLFQ_CHARGE_DEMOTED;
		}
		md_refill(p, md, i);
	} else {
		md->ticks[i] = p->quantum[md->level[i]];
	}
	if (queued)
		md_push(md, i, false);
	return r;
}

static unsigned md_charge(const struct mlfq_params *p, struct mf_model *md,
			  int i, enum mlfq_after what)
{
	bool expired;

	md->stats.charged++;
	expired = --md->ticks[i] == 0;
	if (what == MLFQ_FINISHED) {
		md_remove(md, i);
		return 0;
	}
	if (what == MLFQ_STARTS_IO) {
		md_unlink(md, i);
		md->state[i] = MLFQ_BLOCKED;
	}
	if ((what == MLFQ_STARTS_IO || what == MLFQ_BLOCKS) && p->io_refill)
		md_refill(p, md, i);
	return expired ? md_expire(p, md, i) : 0;
}

/* Rule 5: lower queues appended to the top, lowest first; all refilled. */
static void md_boost(const struct mlfq_params *p, struct mf_model *md)
{
	int top = p->levels - 1;

	md->stats.boosts++;
	for (int l = 0; l < top; l++) {
		memcpy(&md->q[top][md->len[top]], md->q[l],
		       (size_t)md->len[l] * sizeof(int));
		md->len[top] += md->len[l];
		md->len[l] = 0;
	}
	for (int i = 0; i < MF_ENTS; i++) {
		if (md->state[i] == MLFQ_OUTSIDE)
			continue;
		md->level[i] = top;
		if (p->boost_2020)
			md->ticks[i] = p->allot[top];
		else
			md_refill(p, md, i);
	}
}

/* ---------------------------------------------------- comparing -- */

static int mf_index(const struct mf_run *r, const struct mlfq_ent *e)
{
	FZ_CHECK(e >= r->e && e < r->e + MF_ENTS, "foreign entity %p",
		 (const void *)e);
	return (int)(e - r->e);
}

static void mf_check_queue(const struct mf_run *r, int l)
{
	const struct mlfq_queue *q = &r->m.q[l];
	const struct mlfq_ent *e = q->head, *prev = NULL;
	int n = 0;

	FZ_CHECK((int)q->len == r->md.len[l], "level %d: length %u, model %d",
		 l, q->len, r->md.len[l]);
	for (; e; prev = e, e = e->next, n++) {
		FZ_CHECK(n < r->md.len[l] && mf_index(r, e) == r->md.q[l][n],
			 "level %d position %d: entity %d, model %d", l, n,
			 mf_index(r, e), n < r->md.len[l] ? r->md.q[l][n] : -1);
		FZ_CHECK(e->prev == prev, "level %d position %d: bad prev", l,
			 n);
	}
	FZ_CHECK(n == r->md.len[l] && q->tail == prev,
		 "level %d: %d linked, model %d, or bad tail", l, n,
		 r->md.len[l]);
	FZ_CHECK(!!(r->m.nonempty & (1u << l)) == (n > 0),
		 "level %d: bitmap %#x for %d entities", l, r->m.nonempty, n);
}

static void mf_check_ent(struct mf_run *r, int i)
{
	const struct mlfq_ent *e = &r->e[i];
	const struct mf_model *md = &r->md;

	FZ_CHECK(mlfq_state(e) == md->state[i], "entity %d: state %d, model %d",
		 i, mlfq_state(e), md->state[i]);
	if (md->state[i] == MLFQ_OUTSIDE)
		return;
	FZ_CHECK(mlfq_level(e) == md->level[i] &&
		     mlfq_ticks_left(e) == md->ticks[i] &&
		     mlfq_allot_left(e) == md->allot[i],
		 "entity %d: level %d ticks %u allot %u, model %d %u %u", i,
		 mlfq_level(e), mlfq_ticks_left(e), mlfq_allot_left(e),
		 md->level[i], md->ticks[i], md->allot[i]);
	FZ_CHECK(
	    mlfq_ticks_left(e) >= 1 && mlfq_ticks_left(e) <= r->max_ticks &&
		mlfq_allot_left(e) >= 1 && mlfq_allot_left(e) <= r->max_allot,
	    "entity %d: ticks %u allot %u out of bounds", i, mlfq_ticks_left(e),
	    mlfq_allot_left(e));
	FZ_CHECK(mlfq_level(e) <= r->last_level[i],
		 "entity %d rose from level %d to %d without a boost", i,
		 r->last_level[i], mlfq_level(e));
	r->last_level[i] = mlfq_level(e);
}

/* The attached list holds each non-OUTSIDE entity once, linked both ways. */
static void mf_check_all(const struct mf_run *r)
{
	bool seen[MF_ENTS] = {0};
	const struct mlfq_ent *e, *prev = NULL;
	uint32_t n = 0, want = 0, queued = 0;

	for (e = r->m.all; e && n <= MF_ENTS; prev = e, e = e->all_next) {
		int i = mf_index(r, e);

		FZ_CHECK(!seen[i] && e->all_prev == prev,
			 "entity %d twice on the attached list, or bad link",
			 i);
		seen[i] = true;
		n++;
	}
	for (int i = 0; i < MF_ENTS; i++) {
		FZ_CHECK(seen[i] == (r->md.state[i] != MLFQ_OUTSIDE),
			 "entity %d: on the attached list %d, state %d", i,
			 seen[i], r->md.state[i]);
		want += r->md.state[i] != MLFQ_OUTSIDE;
		queued += r->md.state[i] == MLFQ_QUEUED;
	}
	FZ_CHECK(r->m.nattached == want && r->m.nqueued == queued,
		 "nattached %u nqueued %u, model %u %u", r->m.nattached,
		 r->m.nqueued, want, queued);
}

static void mf_check(struct mf_run *r)
{
	const struct mlfq_ent *pick = mlfq_pick(&r->m);
	int top = -1;

	for (int l = 0; l < MLFQ_MAX_LEVELS; l++) {
		mf_check_queue(r, l);
		if (r->md.len[l])
			top = l;
	}
	FZ_CHECK(top < 0 ? pick == NULL
			 : pick && mf_index(r, pick) == r->md.q[top][0],
		 "pick: %d, the head of level %d is %d",
		 pick ? mf_index(r, pick) : -1, top,
		 top < 0 ? -1 : r->md.q[top][0]);
	for (int i = 0; i < MF_ENTS; i++)
		mf_check_ent(r, i);
	mf_check_all(r);
	FZ_CHECK(memcmp(&r->m.stats, &r->md.stats, sizeof r->md.stats) == 0,
		 "stats: charged %u expired %u demoted %u boosts %u, model "
		 "%u %u %u %u",
		 r->m.stats.charged, r->m.stats.expired, r->m.stats.demoted,
		 r->m.stats.boosts, r->md.stats.charged, r->md.stats.expired,
		 r->md.stats.demoted, r->md.stats.boosts);
}

/* -------------------------------------------------- the parameters -- */

static uint32_t mf_small(struct fz *in, uint32_t hi)
{
	uint8_t sel = fz_u8(in);

	if (sel < 8)
		return sel % 2 ? 0 : MLFQ_MAX_QUANTUM + 1 - sel % 4;
	if (sel < 16)
		return MLFQ_MAX_QUANTUM;
	return 1 + sel % hi;
}

/* Parameters from the input; those check refuses are replaced. */
static void mf_params(struct fz *in, struct mlfq_params *p)
{
	uint8_t flags = fz_u8(in);
	const char *why;
	bool legal = true;

	*p = (struct mlfq_params){0};
	p->levels = flags < 8 ? (int)fz_u8(in) - 64 : 1 + (int)fz_below(in, 6);
	for (int l = 0; l < MLFQ_MAX_LEVELS; l++) {
		p->quantum[l] = mf_small(in, 5);
		p->allot[l] = mf_small(in, 3);
		if (l < p->levels)
			legal &= p->quantum[l] >= 1 && p->allot[l] >= 1 &&
				 p->quantum[l] <= MLFQ_MAX_QUANTUM &&
				 p->allot[l] <= MLFQ_MAX_ALLOT;
		if (l >= 6 && l >= p->levels)
			break;
	}
	legal &= p->levels >= 1 && p->levels <= MLFQ_MAX_LEVELS;
	why = mlfq_params_check(p);
	FZ_CHECK((why == NULL) == legal, "params_check: '%s' for levels %d",
		 why ? why : "ok", p->levels);
	if (!legal)
		mlfq_params_default(p);
	p->boost = fz_u8(in) % 40;
	p->io_refill = flags & 1;
	p->io_to_head = flags & 2;
	p->boost_2020 = flags & 4;
	FZ_CHECK(mlfq_params_check(p) == NULL, "repaired params refused");
}

/* --------------------------------------------------------- operations -- */

/* A call mlfq.h forbids; it must be stopped by a kassert, changing nothing. */
struct mf_bad {
	struct mf_run *r;
	int op, i;
};

static void mf_do_bad(void *arg)
{
	struct mf_bad *b = arg;
	struct mlfq_ent *e = &b->r->e[b->i];

	switch (b->op) {
	case 0:
		mlfq_wake(&b->r->m, e);
		break;
	case 1:
		mlfq_yield(&b->r->m, e);
		break;
	case 2:
		mlfq_block(&b->r->m, e);
		break;
	case 3:
		mlfq_add(&b->r->m, e);
		break;
	case 4:
		mlfq_attach(&b->r->m, e);
		break;
	default:
		mlfq_charge(&b->r->m, e, (enum mlfq_after)(b->op - 5));
		break;
	}
}

/* Is op (numbered as in mf_do_bad) legal for an entity in state s? */
static bool mf_legal(int op, uint8_t s)
{
	switch (op) {
	case 0:
		return s == MLFQ_BLOCKED;
	case 1:
	case 2:
		return s == MLFQ_QUEUED;
	case 3:
		return s == MLFQ_OUTSIDE || s == MLFQ_WAITING;
	case 4:
		return s == MLFQ_OUTSIDE;
	case 5 + MLFQ_BLOCKS:
		return s == MLFQ_QUEUED || s == MLFQ_BLOCKED;
	default:
		return s == MLFQ_QUEUED;
	}
}

static void mf_illegal(struct mf_run *r, int op, int i)
{
	static struct mlfq before;
	struct mlfq_ent ents[MF_ENTS];
	struct mf_bad b = {r, op, i};

	memcpy(&before, &r->m, sizeof before);
	memcpy(ents, r->e, sizeof ents);
	FZ_CHECK(fz_catch_fatal(mf_do_bad, &b),
		 "call %d on entity %d in state %d was not refused", op, i,
		 r->md.state[i]);
	/* Both were copied with memcpy: padding bytes match too. */
	FZ_CHECK(memcmp(&before, &r->m, sizeof before) == 0 &&
		     memcmp(ents, r->e, sizeof ents) == 0,
		 "refused call %d on entity %d changed the policy", op, i);
}

/* One legal call on entity i, on the policy and on the model. */
static void mf_legal_call(struct mf_run *r, int op, int i)
{
	struct mf_model *md = &r->md;
	const struct mlfq_params *p = &r->m.p;
	unsigned got, want;

	switch (op) {
	case 0:
		mlfq_wake(&r->m, &r->e[i]);
		md_push(md, i, p->io_to_head);
		break;
	case 1:
		mlfq_yield(&r->m, &r->e[i]);
		md_unlink(md, i);
		md_push(md, i, false);
		break;
	case 2:
		mlfq_block(&r->m, &r->e[i]);
		md_unlink(md, i);
		md->state[i] = MLFQ_BLOCKED;
		break;
	case 3:
	case 4:
		if (md->state[i] == MLFQ_OUTSIDE) {
			md_attach(p, md, i);
			r->last_level[i] = md->level[i];
		}
		if (op == 3) {
			mlfq_add(&r->m, &r->e[i]);
			md_push(md, i, false);
		} else {
			mlfq_attach(&r->m, &r->e[i]);
		}
		break;
	default:
		got = mlfq_charge(&r->m, &r->e[i], (enum mlfq_after)(op - 5));
		want = md_charge(p, md, i, (enum mlfq_after)(op - 5));
		FZ_CHECK(got == want, "charge %d of entity %d: %#x, model %#x",
			 op - 5, i, got, want);
		break;
	}
	if (op == 5 + MLFQ_FINISHED && r->owner == i)
		r->owner = -1;
}

static void mf_boost(struct mf_run *r)
{
	mlfq_boost(&r->m);
	md_boost(&r->m.p, &r->md);
	for (int i = 0; i < MF_ENTS; i++)
		r->last_level[i] = r->md.level[i];
}

/*
 * A whole tick as the kernel runs it (mlfq.h): charge the owner of the
 * last tick, boost if due, pick the new owner.
 */
static void mf_tick(struct mf_run *r, struct fz *in)
{
	const struct mlfq_ent *pick;
	bool due;

	uint8_t what = (uint8_t)fz_below(in, 4);

	if (r->owner >= 0 && r->md.state[r->owner] == MLFQ_BLOCKED)
		mf_legal_call(r, 5 + MLFQ_BLOCKS, r->owner);
	else if (r->owner >= 0 && r->md.state[r->owner] == MLFQ_QUEUED)
		mf_legal_call(r, 5 + what, r->owner);
	r->t++;
	due = r->m.p.boost > 0 && r->t % r->m.p.boost == 0;
	FZ_CHECK(mlfq_boost_due(&r->m, r->t) == due, "boost_due(%u)", r->t);
	if (due)
		mf_boost(r);
	pick = mlfq_pick(&r->m);
	r->owner = pick ? mf_index(r, pick) : -1;
}

static void mf_step(struct mf_run *r, struct fz *in)
{
	uint8_t sel = fz_u8(in);
	int i = (int)fz_below(in, MF_ENTS);
	int op = (int)(sel % 9);

	if (sel >= 240) {
		mlfq_remove(&r->m, &r->e[i]);
		md_remove(&r->md, i);
		if (r->owner == i)
			r->owner = -1;
	} else if (sel >= 228) {
		mf_boost(r);
	} else if (sel >= 160) {
		mf_tick(r, in);
	} else if (mf_legal(op, r->md.state[i])) {
		mf_legal_call(r, op, i);
	} else {
		mf_illegal(r, op, i);
	}
}

static int fuzz_mlfq(const uint8_t *data, size_t size)
{
	static struct mf_run r;
	struct fz in = fz_init(data, size);
	struct mlfq_params p;

	memset(&r, 0, sizeof r);
	r.owner = -1;
	mf_params(&in, &p);
	mlfq_init(&r.m, &p);
	for (int l = 0; l < p.levels; l++) {
		r.max_ticks =
		    p.quantum[l] > r.max_ticks ? p.quantum[l] : r.max_ticks;
		r.max_allot =
		    p.allot[l] > r.max_allot ? p.allot[l] : r.max_allot;
	}
	if (p.boost_2020 && p.allot[p.levels - 1] > r.max_ticks)
		r.max_ticks = p.allot[p.levels - 1];
	while (fz_more(&in)) {
		mf_step(&r, &in);
		mf_check(&r);
	}
	return 0;
}

FUZZ_ENTRY(mlfq, fuzz_mlfq)
