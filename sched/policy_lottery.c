/*
 * Lottery scheduling (000_4ce0ed622454299e.txt, §5 "调度：比例份额",
 * "彩票数表示份额"): every runnable entity holds tickets; each turn the
 * scheduler draws a winning ticket uniformly from all the tickets held and
 * the holder runs for one quantum.  An entity's share of the CPU is its
 * share of the tickets, in expectation: the notes warn that over few
 * quanta the unfairness is large, and only long runs approach the ratio.
 *
 * The textbook (and OSTEP's lottery.py) finds the winner by walking the job
 * list and summing tickets until the sum passes the winning number: O(n).
 * Here the tickets sit in a Fenwick tree (binary indexed tree) over slots,
 * in the order the entities were enqueued: fw[i] holds the sum of a range
 * of slots ending at i, so "the first slot whose running sum exceeds the
 * winning ticket" is found by descending one bit of the slot number at a
 * time, O(log n) (10 steps for POLICY_MAX_ENTS = 1024), and adding or
 * removing an entity costs O(log n) too.  This is the same slot the walk
 * finds, because both look for the least prefix sum above the winner:
 * tools/lottery-sim relies on that to reproduce lottery.py's choices.
 * Slots with 0 tickets never win (their prefix sum equals the one before).
 *
 * The draw is made once per turn, in pick; the winner keeps the CPU until
 * its quantum runs out (charge) or it leaves (dequeue).
 */
#include "sched/policy.h"

#include "lib/kassert.h"

#define N POLICY_MAX_ENTS

static void fw_add(struct policy *p, uint32_t slot, int64_t delta)
{
	for (uint32_t i = slot + 1; i <= N; i += i & -i)
		p->u.lot.fw[i] = (uint32_t)((int64_t)p->u.lot.fw[i] + delta);
}

/* The least slot whose prefix sum (itself included) exceeds winner. */
static uint32_t fw_find(const struct policy *p, uint32_t winner)
{
	uint32_t pos = 0;

	for (uint32_t step = N; step; step >>= 1)
		if (pos + step <= N && p->u.lot.fw[pos + step] <= winner) {
			pos += step;
			winner -= p->u.lot.fw[pos];
		}
	return pos; /* 1-based pos of the last prefix <= winner = slot */
}

static void lot_init(struct policy *p)
{
	for (uint32_t i = 0; i <= N; i++)
		p->u.lot.fw[i] = 0;
	p->u.lot.total = 0;
	p->u.lot.nslots = 0;
	p->u.lot.nfree = 0;
	/* xorshift64* must not start at 0. */
	p->u.lot.rng = p->p.seed ? p->p.seed : 0x9E3779B97F4A7C15ull;
}

static void lot_enqueue(struct policy *p, struct policy_ent *e)
{
	uint32_t s;

	kassert(e->tickets <= POLICY_MAX_TICKETS);
	if (p->u.lot.nfree > 0) {
		s = p->u.lot.freeslot[--p->u.lot.nfree];
	} else {
		kassert(p->u.lot.nslots < N);
		s = p->u.lot.nslots++;
	}
	e->slot = s;
	p->u.lot.slot[s] = e;
	p->u.lot.total += e->tickets;
	fw_add(p, s, e->tickets);
}

static void lot_dequeue(struct policy *p, struct policy_ent *e)
{
	kassert(p->u.lot.slot[e->slot] == e);
	fw_add(p, e->slot, -(int64_t)e->tickets);
	p->u.lot.total -= e->tickets;
	p->u.lot.slot[e->slot] = NULL;
	p->u.lot.freeslot[p->u.lot.nfree++] = e->slot;
}

/* xorshift64* (Vigna): a winning ticket in [0, total), by multiply-high. */
static uint32_t own_draw(struct policy *p, uint32_t total)
{
	uint64_t x = p->u.lot.rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	p->u.lot.rng = x;
	return (uint32_t)(((x * 0x2545F4914F6CDD1Dull) >> 32) * total >> 32);
}

static struct policy_ent *lot_pick(struct policy *p)
{
	uint32_t total = p->u.lot.total, winner, s;

	if (total == 0)
		return NULL;
	winner =
	    p->p.draw ? p->p.draw(p->p.draw_ctx, total) : own_draw(p, total);
	kassert(winner < total);
	s = fw_find(p, winner);
	kassert(s < p->u.lot.nslots && p->u.lot.slot[s]);
	return p->u.lot.slot[s];
}

static bool lot_charge(struct policy *p, struct policy_ent *e)
{
	if (e->length > 0)
		e->length--;
	kassert(e->ticks_left >= 1);
	if (--e->ticks_left > 0)
		return false;
	e->ticks_left = p->p.quantum;
	p->cur = NULL; /* the next pick draws again */
	return true;
}

const struct policy_ops policy_lottery_ops = {
    .name = "lottery",
    .init = lot_init,
    .enqueue = lot_enqueue,
    .dequeue = lot_dequeue,
    .pick = lot_pick,
    .charge = lot_charge,
};
