/*
 * The proportional-share policies (000_4ce0ed622454299e.txt, §5 "调度：
 * 比例份额"): lottery's long-run shares approach the ticket ratio, and its
 * Fenwick-tree winner is the job the textbook's list walk finds; stride's
 * shares are exact.  Pure: runs in the kernel at boot and on the host.
 */
#include "kernel/ktest.h"
#include "sched/policy.h"

static struct policy pol;
static struct policy_ent ents[64];

static void setup(enum policy_kind kind, uint32_t quantum, uint64_t seed)
{
	struct policy_params pp = {
	    .kind = kind, .quantum = quantum, .seed = seed};

	policy_init(&pol, &pp);
	for (int i = 0; i < 64; i++)
		ents[i] = (struct policy_ent){0};
}

/*
 * Lottery, tickets 400:200:100 (4:2:1), 70000 quanta: each share within
 * 0.01 of 4/7, 2/7, 1/7.  The binomial standard deviation of a share is
 * sqrt(p(1-p)/70000) <= 0.0019, so 0.01 is more than 5 deviations: a
 * fair lottery fails this with probability below 1e-6, whatever the seed,
 * and one whose walk favours the first slot by even one ticket in 50 fails.
 */
KTEST(policy_share, lottery_long_run_shares)
{
	static const uint32_t tix[3] = {400, 200, 100};
	uint32_t ran[3] = {0, 0, 0};
	const uint32_t turns = 70000;

	setup(POLICY_LOTTERY, 1, 12345);
	for (int i = 0; i < 3; i++) {
		ents[i].tickets = tix[i];
		ents[i].length = turns;
		policy_enqueue(&pol, &ents[i]);
	}
	for (uint32_t t = 0; t < turns; t++) {
		struct policy_ent *e = policy_pick(&pol);
		KASSERT_NOT_NULL(e);
		ran[e - ents]++;
		KEXPECT_TRUE(policy_charge(&pol, e));
	}
	for (int i = 0; i < 3; i++) {
		/* |ran/turns - tix/700| <= 0.01, in integers (x 700 x turns) */
		int64_t diff = (int64_t)ran[i] * 700 - (int64_t)tix[i] * turns;
		if (diff < 0)
			diff = -diff;
		KEXPECT_LE(diff, (int64_t)turns * 7);
	}
}

/* The winner of the textbook's walk over slots in order. */
static int walk_winner(const uint32_t *tix, int n, uint32_t winner)
{
	uint32_t current = 0;

	for (int i = 0; i < n; i++) {
		current += tix[i];
		if (current > winner)
			return i;
	}
	return -1;
}

struct fixed_draw {
	uint32_t next;
};

static uint32_t fixed(void *ctx, uint32_t total)
{
	struct fixed_draw *d = ctx;
	return d->next % total;
}

/*
 * The Fenwick search and the walk agree on every winning ticket, with
 * zero-ticket slots and after removals (a removed job's slot keeps 0).
 */
KTEST(policy_share, fenwick_matches_the_walk)
{
	uint32_t tix[40];
	struct fixed_draw d = {0};
	struct policy_params pp = {.kind = POLICY_LOTTERY,
				   .quantum = 1,
				   .draw = fixed,
				   .draw_ctx = &d};
	int bad = 0;

	policy_init(&pol, &pp);
	for (int i = 0; i < 40; i++) {
		ents[i] = (struct policy_ent){0};
		tix[i] = (uint32_t)((i * 37) % 11); /* some zeros */
		ents[i].tickets = tix[i];
		policy_enqueue(&pol, &ents[i]);
	}
	for (int round = 0; round < 3; round++) {
		uint32_t total = 0;
		for (int i = 0; i < 40; i++)
			total += tix[i];
		for (uint32_t w = 0; w < total; w++) {
			d.next = w;
			struct policy_ent *e = policy_pick(&pol);
			if (!e || e - ents != walk_winner(tix, 40, w))
				bad++;
			policy_charge(&pol, e); /* quantum 1: redraw next */
		}
		/* Remove a few; their tickets become 0 in the walk. */
		for (int i = round; i < 40; i += 7)
			if (policy_state(&ents[i]) == POLICY_QUEUED) {
				policy_dequeue(&pol, &ents[i]);
				tix[i] = 0;
			}
	}
	KEXPECT_EQ(bad, 0);
}

/* A winner keeps the CPU for its whole quantum: one draw a quantum. */
KTEST(policy_share, lottery_draws_once_a_quantum)
{
	struct fixed_draw d = {0};
	struct policy_params pp = {.kind = POLICY_LOTTERY,
				   .quantum = 3,
				   .draw = fixed,
				   .draw_ctx = &d};

	policy_init(&pol, &pp);
	for (int i = 0; i < 2; i++) {
		ents[i] = (struct policy_ent){.tickets = 10};
		policy_enqueue(&pol, &ents[i]);
	}
	d.next = 15; /* job 1 */
	KASSERT_TRUE(policy_pick(&pol) == &ents[1]);
	d.next = 0; /* would be job 0, but no new draw until the end */
	KEXPECT_FALSE(policy_charge(&pol, &ents[1]));
	KEXPECT_TRUE(policy_pick(&pol) == &ents[1]);
	KEXPECT_FALSE(policy_charge(&pol, &ents[1]));
	KEXPECT_TRUE(policy_charge(&pol, &ents[1]));
	KEXPECT_TRUE(policy_pick(&pol) == &ents[0]);
}

/*
 * Stride, ten thousand ticks: at the end each job's ticks are within one
 * quantum of t x tickets/total, and at every tick each pair (i, j) is
 * within one quantum of its ratio: |ran_i x tix_j - ran_j x tix_i| <=
 * quantum x max(tix_i, tix_j), the pairwise bound of stride scheduling.
 * (The share of one job against all can stray further for a moment: with
 * n equal passes, the last of them waits n-1 quanta for its first turn.)
 */
static void stride_exact(const uint32_t *tix, int n, uint32_t quantum)
{
	uint32_t ran[8] = {0}, total = 0, bad_pairs = 0, bad_shares = 0;
	const uint32_t T = 10000;

	setup(POLICY_STRIDE, quantum, 0);
	for (int i = 0; i < n; i++) {
		ents[i].tickets = tix[i];
		ents[i].length = 1000000;
		total += tix[i];
		policy_enqueue(&pol, &ents[i]);
	}
	for (uint32_t t = 1; t <= T; t++) {
		struct policy_ent *e = policy_pick(&pol);
		KASSERT_NOT_NULL(e);
		ran[e - ents]++;
		policy_charge(&pol, e);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++) {
				int64_t d = (int64_t)ran[i] * tix[j] -
					    (int64_t)ran[j] * tix[i];
				uint32_t m = tix[i] > tix[j] ? tix[i] : tix[j];
				if (d < 0)
					d = -d;
				bad_pairs += d > (int64_t)quantum * m;
			}
	}
	for (int i = 0; i < n; i++) {
		/* |ran - T tix/total| x total, against quantum x total */
		int64_t d = (int64_t)ran[i] * total - (int64_t)T * tix[i];
		if (d < 0)
			d = -d;
		bad_shares += d > (int64_t)quantum * total;
	}
	KEXPECT_EQ(bad_pairs, 0);
	KEXPECT_EQ(bad_shares, 0);
}

KTEST(policy_share, stride_within_one_quantum)
{
	static const uint32_t a[] = {250, 100, 50}, b[] = {3, 2, 1},
			      c[] = {1, 1, 1, 1, 7}, d[] = {13, 7, 5, 3, 2};

	stride_exact(a, 3, 1);
	stride_exact(b, 3, 1);
	stride_exact(c, 5, 4);
	stride_exact(d, 5, 3);
}

/* A newcomer starts at the least pass, not at 0: no monopoly. */
KTEST(policy_share, stride_newcomer_does_not_monopolise)
{
	int ran1 = 0;

	setup(POLICY_STRIDE, 1, 0);
	ents[0].tickets = 100;
	policy_enqueue(&pol, &ents[0]);
	for (int t = 0; t < 1000; t++) {
		struct policy_ent *e = policy_pick(&pol);
		KASSERT_TRUE(e == &ents[0]);
		policy_charge(&pol, e);
	}
	ents[1].tickets = 100;
	policy_enqueue(&pol, &ents[1]);
	KEXPECT_GE(policy_pass(&ents[1]), policy_pass(&ents[0]));
	for (int t = 0; t < 100; t++) {
		struct policy_ent *e = policy_pick(&pol);
		ran1 += e == &ents[1];
		policy_charge(&pol, e);
	}
	KEXPECT_EQ(ran1, 50);
}
