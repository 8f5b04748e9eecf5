/*
 * Tests of the MLFQ policy alone (sched/mlfq.c): one case per rule of
 * mlfq.h, plus -S, -I, today's and the 2020 boost and the worked example of
 * mlfq-reference.md.  Pure: runs in the kernel at boot and on the host.
 *
 * Parameters are written as OSTEP's -Q/-A lists, highest priority first.
 */
#include "kernel/ktest.h"
#include "sched/mlfq.h"

#define NENTS 1000

static struct mlfq m;
static struct mlfq_ent ents[NENTS];

/* levels queues with quanta q[] and allotments a[], highest first. */
static void setup(int levels, const uint32_t *q, const uint32_t *a,
		  uint32_t boost)
{
	struct mlfq_params p;

	mlfq_params_ostep(&p);
	p.levels = levels;
	for (int i = 0; i < levels; i++) {
		p.quantum[levels - 1 - i] = q[i];
		p.allot[levels - 1 - i] = a[i];
	}
	p.boost = boost;
	KASSERT_TRUE(mlfq_params_check(&p) == NULL);
	mlfq_init(&m, &p);
	for (int i = 0; i < NENTS; i++)
		ents[i] = (struct mlfq_ent){0};
}

static const uint32_t q10[] = {10, 10, 10}, a1[] = {1, 1, 1};

/*
 * Rule 4, the long job: with -Q 10,20,40 -A 1,2,1 a CPU-bound job leaves
 * the top after 10 ticks and reaches the bottom after exactly
 * 1 x 10 + 2 x 20 = 50 ticks; the expiries fall on ticks 10, 30, 50.
 */
KTEST(mlfq, cpu_bound_reaches_bottom_after_allotments)
{
	static const uint32_t q[] = {10, 20, 40}, a[] = {1, 2, 1};
	struct mlfq_ent *e = &ents[0];

	setup(3, q, a, 0);
	mlfq_add(&m, e);
	for (int t = 0; t < 50; t++) {
		unsigned r;
		KASSERT_TRUE(mlfq_pick(&m) == e);
		KASSERT_EQ(mlfq_level(e), t < 10 ? 2 : 1);
		r = mlfq_charge(&m, e, MLFQ_CONTINUES);
		if (t == 9 || t == 49)
			KEXPECT_EQ(r,
				   MLFQ_CHARGE_EXPIRED | MLFQ_CHARGE_DEMOTED);
		else if (t == 29)
			KEXPECT_EQ(r, MLFQ_CHARGE_EXPIRED);
		else
			KEXPECT_EQ(r, 0);
	}
	KEXPECT_EQ(mlfq_level(e), 0);
	KEXPECT_EQ(mlfq_ticks_left(e), 40);
	KEXPECT_EQ(mlfq_allot_left(e), 1);
	KEXPECT_EQ(m.stats.demoted, 2);
}

/*
 * Rules 4 and 4b: a job that blocks after 3 ticks, well within its
 * quantum, stays at the top while its allotment (2 x 10 ticks) lasts,
 * and is demoted on its 20th tick all the same.
 */
KTEST(mlfq, interactive_stays_on_top_while_allotment_lasts)
{
	static const uint32_t a[] = {2, 1, 1};
	struct mlfq_ent *e = &ents[0];
	int charged = 0;

	setup(3, q10, a, 0);
	mlfq_add(&m, e);
	while (mlfq_level(e) == 2 && charged < 100) {
		KASSERT_TRUE(mlfq_pick(&m) == e);
		charged++;
		if (charged % 3) {
			mlfq_charge(&m, e, MLFQ_CONTINUES);
		} else {
			mlfq_charge(&m, e, MLFQ_STARTS_IO);
			KASSERT_EQ(mlfq_state(e), MLFQ_BLOCKED);
			KEXPECT_TRUE(mlfq_pick(&m) == NULL);
			mlfq_wake(&m, e);
		}
	}
	KEXPECT_EQ(charged, 20);
	KEXPECT_EQ(mlfq_level(e), 1);
}

/* With -S (old rule 4b), the same job never leaves the top. */
KTEST(mlfq, io_refill_keeps_interactive_job_on_top)
{
	static const uint32_t a[] = {2, 1, 1};
	struct mlfq_ent *e = &ents[0];

	setup(3, q10, a, 0);
	m.p.io_refill = true;
	mlfq_add(&m, e);
	for (int cycle = 0; cycle < 100; cycle++) {
		mlfq_charge(&m, e, MLFQ_CONTINUES);
		mlfq_charge(&m, e, MLFQ_CONTINUES);
		mlfq_charge(&m, e, MLFQ_STARTS_IO);
		mlfq_wake(&m, e);
	}
	KEXPECT_EQ(mlfq_level(e), 2);
	KEXPECT_EQ(mlfq_ticks_left(e), 10);
	KEXPECT_EQ(mlfq_allot_left(e), 2);
}

/*
 * Improved rule 4 against gaming: A yields the CPU after 9 ticks of each
 * 10-tick quantum; it is demoted on its 10th tick all the same, as is B.
 */
KTEST(mlfq, yielding_before_expiry_still_demotes)
{
	struct mlfq_ent *a = &ents[0], *b = &ents[1];
	int ran[2] = {0, 0};
	int a_demoted_at = -1;

	setup(3, q10, a1, 0);
	mlfq_add(&m, a);
	mlfq_add(&m, b);
	for (int t = 0; t < 40 && a_demoted_at < 0; t++) {
		struct mlfq_ent *e = mlfq_pick(&m);
		int i = (int)(e - ents);
		KASSERT_TRUE(e == a || e == b);
		ran[i]++;
		if (mlfq_charge(&m, e, MLFQ_CONTINUES) & MLFQ_CHARGE_DEMOTED) {
			if (e == a)
				a_demoted_at = ran[0];
		} else if (ran[i] % 9 == 0) {
			mlfq_yield(&m, e);
		}
	}
	KEXPECT_EQ(a_demoted_at, 10);
	KEXPECT_EQ(mlfq_level(a), 1);
}

/* The same game played with I/O: demoted without -S, never with -S. */
KTEST(mlfq, io_gaming_demoted_only_without_refill)
{
	for (int refill = 0; refill < 2; refill++) {
		struct mlfq_ent *e = &ents[0];
		setup(3, q10, a1, 0);
		m.p.io_refill = refill;
		mlfq_add(&m, e);
		for (int cycle = 0; cycle < 50; cycle++) {
			for (int t = 0; t < 8; t++)
				mlfq_charge(&m, e, MLFQ_CONTINUES);
			mlfq_charge(&m, e, MLFQ_STARTS_IO);
			mlfq_wake(&m, e);
		}
		KEXPECT_EQ(mlfq_level(e), refill ? 2 : 0);
	}
}

/*
 * Rule 5: B stays on top by doing 1-tick I/Os with -S, starving the
 * demoted A until the boost at tick 100, which puts A at the top with a
 * fresh quantum and allotment; A runs at tick 100.
 */
KTEST(mlfq, boost_lifts_starved_job)
{
	struct mlfq_ent *a = &ents[0], *b = &ents[1];
	bool b_in_io = false;

	setup(3, q10, a1, 100);
	m.p.io_refill = true;
	mlfq_add(&m, a);
	for (int t = 0; t < 20; t++)
		mlfq_charge(&m, a, MLFQ_CONTINUES);
	KASSERT_EQ(mlfq_level(a), 0);
	mlfq_add(&m, b);
	for (uint32_t t = 20; t <= 100; t++) {
		struct mlfq_ent *e;
		KEXPECT_EQ(mlfq_boost_due(&m, t), t == 100);
		if (mlfq_boost_due(&m, t)) {
			mlfq_boost(&m);
			KEXPECT_EQ(mlfq_level(a), 2);
			KEXPECT_EQ(mlfq_ticks_left(a), 10);
			KEXPECT_EQ(mlfq_allot_left(a), 1);
		}
		if (b_in_io)
			mlfq_wake(&m, b);
		e = mlfq_pick(&m);
		if (t < 100) {
			KASSERT_TRUE(e == b);
			mlfq_charge(&m, b, MLFQ_STARTS_IO);
			b_in_io = true;
		} else {
			KEXPECT_TRUE(e == a);
		}
	}
	KEXPECT_EQ(m.stats.boosts, 1);
	KEXPECT_FALSE(mlfq_boost_due(&m, 0));
}

/*
 * Rule 5 as mlfq.py does it since ee2e067 (2023-09): every unfinished job
 * -- demoted and queued, already at the top mid-quantum, in I/O, not yet
 * arrived -- gets the top level with a fresh quantum AND allotment of the
 * top level.  The queued ones below the top go to the tail of the top
 * queue, lowest level first; the one already there keeps its place.
 * (The 2020 boost leaves e1 with 1 tick and 1 unit of allotment.)
 */
KTEST(mlfq, boost_refills_quantum_and_allotment)
{
	static const uint32_t q[] = {10, 20, 40}, a[] = {3, 2, 1};
	struct mlfq_ent *e1 = &ents[0], *top = &ents[1], *io = &ents[2];
	struct mlfq_ent *waiting = &ents[3];

	setup(3, q, a, 50);
	mlfq_add(&m, e1);
	for (int t = 0; t < 35; t++) /* 3 top quanta, 5 ticks at level 1 */
		mlfq_charge(&m, e1, MLFQ_CONTINUES);
	KASSERT_EQ(mlfq_level(e1), 1);
	KEXPECT_EQ(mlfq_ticks_left(e1), 15);
	KEXPECT_EQ(mlfq_allot_left(e1), 2);
	mlfq_add(&m, top);
	mlfq_charge(&m, top, MLFQ_CONTINUES); /* top: 9 ticks, allot 3 */
	mlfq_add(&m, io);
	for (int t = 0; t < 14; t++) /* io: 1 quantum + 4 ticks, in I/O */
		mlfq_charge(&m, io, t == 13 ? MLFQ_STARTS_IO : MLFQ_CONTINUES);
	KEXPECT_EQ(mlfq_allot_left(io), 2);
	mlfq_attach(&m, waiting);
	mlfq_boost(&m);
	for (int i = 0; i < 4; i++) {
		KEXPECT_EQ(mlfq_level(&ents[i]), 2);
		KEXPECT_EQ(mlfq_ticks_left(&ents[i]), 10);
		KEXPECT_EQ(mlfq_allot_left(&ents[i]), 3);
	}
	KEXPECT_EQ(mlfq_state(io), MLFQ_BLOCKED);
	KEXPECT_EQ(mlfq_state(waiting), MLFQ_WAITING);
	KEXPECT_TRUE(mlfq_pick(&m) == top); /* kept its place at the head */
	KEXPECT_TRUE(top->next == e1);	    /* e1 came from below */
	KEXPECT_EQ(mlfq_queue_len(&m, 2), 2);
}

/*
 * boost_2020, mlfq.py before ee2e067: quantum left := allot[top] (the
 * allotment, not the quantum), allotment left kept.
 */
KTEST(mlfq, boost_2020_quirk)
{
	static const uint32_t a[] = {3, 2, 1};
	struct mlfq_ent *e = &ents[0], *waiting = &ents[1];

	setup(3, q10, a, 50);
	m.p.boost_2020 = true;
	mlfq_add(&m, e);
	mlfq_attach(&m, waiting);
	for (int t = 0; t < 33; t++)
		mlfq_charge(&m, e, MLFQ_CONTINUES);
	KASSERT_EQ(mlfq_level(e), 1);
	KEXPECT_EQ(mlfq_ticks_left(e), 7);
	KEXPECT_EQ(mlfq_allot_left(e), 2);
	mlfq_boost(&m);
	KEXPECT_EQ(mlfq_level(e), 2);
	KEXPECT_EQ(mlfq_ticks_left(e), 3);
	KEXPECT_EQ(mlfq_allot_left(e), 2);
	KEXPECT_EQ(mlfq_state(waiting), MLFQ_WAITING);
	KEXPECT_EQ(mlfq_ticks_left(waiting), 3);
	KEXPECT_EQ(mlfq_allot_left(waiting), 3);
	mlfq_add(&m, waiting);
	KEXPECT_EQ(mlfq_ticks_left(waiting), 3); /* arrival keeps them */
}

/* Rule 2: two CPU-bound jobs at one level alternate every quantum. */
KTEST(mlfq, equal_jobs_alternate_with_quantum)
{
	static const uint32_t q[] = {5}, a[] = {1};
	struct mlfq_ent *a0 = &ents[0], *b0 = &ents[1];

	setup(1, q, a, 0);
	mlfq_add(&m, a0);
	mlfq_add(&m, b0);
	for (int t = 0; t < 40; t++) {
		struct mlfq_ent *e = mlfq_pick(&m);
		KASSERT_TRUE(e == ((t / 5) % 2 ? b0 : a0));
		mlfq_charge(&m, e, MLFQ_CONTINUES);
	}
	KEXPECT_EQ(mlfq_level(a0), 0);
}

/*
 * Rule 1, and picking in O(1) with 1 and with 1000 ready entities: one
 * at the top beats 999 at the bottom; FIFO order holds at the bottom and
 * survives a boost.
 */
KTEST(mlfq, pick_with_one_and_with_a_thousand)
{
	static const uint32_t q[] = {1, 1, 1};

	setup(3, q, a1, 0);
	KEXPECT_TRUE(mlfq_pick(&m) == NULL);
	mlfq_add(&m, &ents[0]);
	KEXPECT_TRUE(mlfq_pick(&m) == &ents[0]);
	for (int i = 1; i < NENTS; i++)
		mlfq_add(&m, &ents[i]);
	KEXPECT_EQ(m.nqueued, NENTS);
	for (int i = 1; i < NENTS; i++) {
		mlfq_charge(&m, &ents[i], MLFQ_CONTINUES);
		mlfq_charge(&m, &ents[i], MLFQ_CONTINUES);
	}
	KEXPECT_EQ(mlfq_queue_len(&m, 2), 1);
	KEXPECT_EQ(mlfq_queue_len(&m, 1), 0);
	KEXPECT_EQ(mlfq_queue_len(&m, 0), NENTS - 1);
	KEXPECT_EQ(m.nonempty, 5u);
	KEXPECT_TRUE(mlfq_pick(&m) == &ents[0]);
	mlfq_remove(&m, &ents[0]);
	KEXPECT_EQ(mlfq_state(&ents[0]), MLFQ_OUTSIDE);
	KEXPECT_TRUE(mlfq_pick(&m) == &ents[1]);
	mlfq_boost(&m);
	KEXPECT_EQ(mlfq_queue_len(&m, 2), NENTS - 1);
	KEXPECT_EQ(m.nonempty, 4u);
	for (int i = 1; i < NENTS; i++) {
		KASSERT_TRUE(mlfq_pick(&m) == &ents[i]);
		mlfq_remove(&m, &ents[i]);
	}
	KEXPECT_TRUE(mlfq_pick(&m) == NULL);
	KEXPECT_EQ(m.nattached, 0);
	KEXPECT_EQ(m.nonempty, 0u);
}

/* -I: a woken entity goes to the head of its queue; without, the tail. */
KTEST(mlfq, io_to_head_puts_woken_job_first)
{
	for (int head = 0; head < 2; head++) {
		struct mlfq_ent *a = &ents[0], *b = &ents[1], *c = &ents[2];
		setup(3, q10, a1, 0);
		m.p.io_to_head = head;
		mlfq_add(&m, c);
		mlfq_charge(&m, c, MLFQ_STARTS_IO);
		mlfq_add(&m, a);
		mlfq_add(&m, b);
		mlfq_wake(&m, c);
		KEXPECT_TRUE(mlfq_pick(&m) == (head ? c : a));
		KEXPECT_TRUE(m.q[2].tail == (head ? b : c));
	}
}

/*
 * -S with an I/O exactly at quantum expiry: the refill comes first and
 * the expiry still uses a unit of allotment.  With -A 1,1 the job is
 * demoted anyway; with -A 2,1, after a first plain expiry, it keeps its
 * level with one unit left (without -S it would be demoted).
 */
KTEST(mlfq, io_refill_at_expiry_still_uses_allotment)
{
	static const uint32_t q[] = {10, 10}, a11[] = {1, 1}, a21[] = {2, 1};
	struct mlfq_ent *e = &ents[0];

	setup(2, q, a11, 0);
	m.p.io_refill = true;
	mlfq_add(&m, e);
	for (int t = 0; t < 9; t++)
		mlfq_charge(&m, e, MLFQ_CONTINUES);
	KEXPECT_EQ(mlfq_charge(&m, e, MLFQ_STARTS_IO),
		   MLFQ_CHARGE_EXPIRED | MLFQ_CHARGE_DEMOTED);
	KEXPECT_EQ(mlfq_level(e), 0);
	KEXPECT_EQ(mlfq_ticks_left(e), 10);

	for (int refill = 0; refill < 2; refill++) {
		setup(2, q, a21, 0);
		m.p.io_refill = refill;
		mlfq_add(&m, e);
		for (int t = 0; t < 19; t++)
			mlfq_charge(&m, e, MLFQ_CONTINUES);
		KEXPECT_EQ(mlfq_allot_left(e), 1);
		mlfq_charge(&m, e, MLFQ_STARTS_IO);
		KEXPECT_EQ(mlfq_level(e), refill ? 1 : 0);
		KEXPECT_EQ(mlfq_allot_left(e), 1);
		KEXPECT_EQ(mlfq_state(e), MLFQ_BLOCKED);
	}
}

/*
 * The worked example of mlfq-reference.md: -Q 10,20,40 -A 1,2,1, one job
 * of 200 ticks: 10 ticks at priority 2, two 20-tick slices at priority 1,
 * then 40-tick slices at priority 0 (the last one 30 ticks).
 */
KTEST(mlfq, worked_example_one_long_job)
{
	static const uint32_t q[] = {10, 20, 40}, a[] = {1, 2, 1};
	struct mlfq_ent *e = &ents[0];
	int at_level[3] = {0, 0, 0}, expiries = 0;

	setup(3, q, a, 0);
	mlfq_add(&m, e);
	for (int t = 0; t < 200; t++) {
		unsigned r;
		KASSERT_TRUE(mlfq_pick(&m) == e);
		at_level[mlfq_level(e)]++;
		r = mlfq_charge(&m, e,
				t == 199 ? MLFQ_FINISHED : MLFQ_CONTINUES);
		if (r & MLFQ_CHARGE_EXPIRED) {
			static const int when[] = {9, 29, 49, 89, 129, 169};
			KASSERT_LT(expiries, 6);
			KEXPECT_EQ(t, when[expiries]);
			expiries++;
		}
	}
	KEXPECT_EQ(expiries, 6);
	KEXPECT_EQ(at_level[2], 10);
	KEXPECT_EQ(at_level[1], 40);
	KEXPECT_EQ(at_level[0], 150);
	KEXPECT_EQ(mlfq_state(e), MLFQ_OUTSIDE);
	KEXPECT_TRUE(mlfq_pick(&m) == NULL);
	KEXPECT_EQ(m.nattached, 0);
}

/*
 * The kernel's mid-tick calls: a task blocks during its tick and is
 * charged for it afterwards (BLOCKS), keeping its counters; one woken
 * again before the charge is moved to the tail if its quantum ran out.
 */
KTEST(mlfq, block_then_charge_blocks)
{
	static const uint32_t q[] = {2, 2}, a[] = {1, 1};
	struct mlfq_ent *a0 = &ents[0], *b0 = &ents[1];

	setup(2, q, a, 0);
	mlfq_add(&m, a0);
	mlfq_add(&m, b0);
	mlfq_block(&m, a0);
	KEXPECT_TRUE(mlfq_pick(&m) == b0);
	KEXPECT_EQ(mlfq_charge(&m, a0, MLFQ_BLOCKS), 0);
	KEXPECT_EQ(mlfq_ticks_left(a0), 1);
	KEXPECT_EQ(mlfq_state(a0), MLFQ_BLOCKED);
	mlfq_wake(&m, a0);
	KEXPECT_TRUE(m.q[1].head == b0);
	mlfq_block(&m, a0);
	mlfq_wake(&m, a0);
	KEXPECT_EQ(mlfq_charge(&m, a0, MLFQ_BLOCKS),
		   MLFQ_CHARGE_EXPIRED | MLFQ_CHARGE_DEMOTED);
	KEXPECT_EQ(mlfq_state(a0), MLFQ_QUEUED);
	KEXPECT_EQ(mlfq_level(a0), 0);
	KEXPECT_TRUE(mlfq_pick(&m) == b0);
	mlfq_remove(&m, b0);
	KEXPECT_TRUE(mlfq_pick(&m) == a0);
	mlfq_block(&m, a0);
	mlfq_remove(&m, a0);
	mlfq_remove(&m, a0);
	KEXPECT_EQ(m.nattached, 0);
	KEXPECT_EQ(m.nqueued, 0);
}

KTEST(mlfq, params_check)
{
	struct mlfq_params p;

	mlfq_params_default(&p);
	KEXPECT_TRUE(mlfq_params_check(&p) == NULL);
	KEXPECT_EQ(p.levels, 3);
	KEXPECT_EQ(p.quantum[2], 10);
	KEXPECT_EQ(p.allot[1], 2);
	KEXPECT_FALSE(p.boost_2020);
	mlfq_params_ostep(&p);
	KEXPECT_TRUE(mlfq_params_check(&p) == NULL);
	KEXPECT_EQ(p.boost, 0);
	KEXPECT_FALSE(p.boost_2020); /* today's mlfq.py boost */
	p.levels = 0;
	KEXPECT_TRUE(mlfq_params_check(&p) != NULL);
	p.levels = MLFQ_MAX_LEVELS + 1;
	KEXPECT_TRUE(mlfq_params_check(&p) != NULL);
	mlfq_params_ostep(&p);
	p.quantum[1] = 0;
	KEXPECT_TRUE(mlfq_params_check(&p) != NULL);
	mlfq_params_ostep(&p);
	p.allot[0] = 0;
	KEXPECT_TRUE(mlfq_params_check(&p) != NULL);
	mlfq_params_ostep(&p);
	p.levels = MLFQ_MAX_LEVELS;
	for (int l = 0; l < MLFQ_MAX_LEVELS; l++)
		p.quantum[l] = p.allot[l] = 1;
	KEXPECT_TRUE(mlfq_params_check(&p) == NULL);
}

/* 32 levels: the bitmap's top bit works, and a job walks all the way down. */
KTEST(mlfq, thirty_two_levels)
{
	struct mlfq_params p;
	struct mlfq_ent *e = &ents[0];

	mlfq_params_ostep(&p);
	p.levels = MLFQ_MAX_LEVELS;
	for (int l = 0; l < MLFQ_MAX_LEVELS; l++)
		p.quantum[l] = p.allot[l] = 1;
	mlfq_init(&m, &p);
	ents[0] = (struct mlfq_ent){0};
	mlfq_add(&m, e);
	KEXPECT_EQ(m.nonempty, 0x80000000u);
	for (int l = 31; l >= 0; l--) {
		KASSERT_TRUE(mlfq_pick(&m) == e);
		KEXPECT_EQ(mlfq_level(e), l);
		mlfq_charge(&m, e, MLFQ_CONTINUES);
	}
	KEXPECT_EQ(mlfq_level(e), 0);
	mlfq_remove(&m, e);
}
