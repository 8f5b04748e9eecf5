/*
 * Rule tests of the list policies (sched/policy_list.c), one case per rule
 * of the notes' §3 (000_4ce0ed622454299e.txt): FIFO runs in arrival order
 * to completion, SJF picks the shortest and is not preempted, STCF
 * preempts on a shorter arrival, RR rotates at the quantum.  Pure: runs in
 * the kernel at boot and on the host.
 */
#include "kernel/ktest.h"
#include "sched/policy.h"

#define NE 1000

static struct policy pol;
static struct policy_ent ents[NE];

static void setup(enum policy_kind kind, uint32_t quantum)
{
	struct policy_params pp = {.kind = kind, .quantum = quantum};

	KASSERT_TRUE(policy_params_check(&pp) == NULL);
	policy_init(&pol, &pp);
	for (int i = 0; i < NE; i++)
		ents[i] = (struct policy_ent){0};
}

static void add(int i, uint64_t length, uint32_t tickets)
{
	ents[i].length = length;
	ents[i].tickets = tickets;
	policy_enqueue(&pol, &ents[i]);
}

/*
 * Runs until the queue is empty, one tick at a time, finishing each entity
 * when its length runs out; order[] gets the index run in each tick.
 */
static int run_all(int *order, int max)
{
	int t = 0;

	while (policy_nqueued(&pol) > 0 && t < max) {
		struct policy_ent *e = policy_pick(&pol);
		if (!e)
			break;
		order[t++] = (int)(e - ents);
		policy_charge(&pol, e);
		if (policy_length_left(e) == 0)
			policy_dequeue(&pol, e);
	}
	return t;
}

KTEST(policy, names_and_params)
{
	struct policy_params pp = {.kind = POLICY_RR, .quantum = 0};

	KEXPECT_EQ(policy_kind_of("stcf"), POLICY_STCF);
	KEXPECT_EQ(policy_kind_of("stride"), POLICY_STRIDE);
	KEXPECT_EQ(policy_kind_of("mlfq"), -1);
	KEXPECT_STREQ(policy_name(POLICY_LOTTERY), "lottery");
	KEXPECT_TRUE(policy_params_check(&pp) != NULL);
	pp.quantum = 1;
	pp.kind = POLICY_NKINDS;
	KEXPECT_TRUE(policy_params_check(&pp) != NULL);
}

/* FIFO: arrival order, each to completion; lengths do not matter. */
KTEST(policy, fifo_runs_in_arrival_order)
{
	int order[64], t;

	setup(POLICY_FIFO, 1);
	add(0, 10, 0);
	add(1, 2, 0);
	add(2, 5, 0);
	t = run_all(order, 64);
	KASSERT_EQ(t, 17);
	for (int i = 0; i < 17; i++)
		KEXPECT_EQ(order[i], i < 10 ? 0 : i < 12 ? 1 : 2);
}

/* SJF picks the shortest; equal lengths keep arrival order. */
KTEST(policy, sjf_picks_the_shortest)
{
	int order[64], t;

	setup(POLICY_SJF, 1);
	add(0, 10, 0);
	add(1, 3, 0);
	add(2, 7, 0);
	add(3, 3, 0);
	t = run_all(order, 64);
	KASSERT_EQ(t, 23);
	/* 1 (3), 3 (3), 2 (7), 0 (10) */
	KEXPECT_EQ(order[0], 1);
	KEXPECT_EQ(order[2], 1);
	KEXPECT_EQ(order[3], 3);
	KEXPECT_EQ(order[5], 3);
	KEXPECT_EQ(order[6], 2);
	KEXPECT_EQ(order[12], 2);
	KEXPECT_EQ(order[13], 0);
}

/* SJF is not preemptive: a shorter arrival waits for the runner. */
KTEST(policy, sjf_does_not_preempt)
{
	setup(POLICY_SJF, 1);
	add(0, 10, 0);
	KASSERT_TRUE(policy_pick(&pol) == &ents[0]);
	KEXPECT_FALSE(policy_charge(&pol, &ents[0]));
	add(1, 1, 0);
	KEXPECT_TRUE(policy_pick(&pol) == &ents[0]);
	for (int i = 0; i < 9; i++)
		KEXPECT_FALSE(policy_charge(&pol, &ents[0]));
	policy_dequeue(&pol, &ents[0]);
	KEXPECT_TRUE(policy_pick(&pol) == &ents[1]);
}

/* STCF: an arrival with less work left than the runner preempts it. */
KTEST(policy, stcf_preempts_on_a_shorter_arrival)
{
	setup(POLICY_STCF, 1);
	add(0, 10, 0);
	for (int i = 0; i < 4; i++) {
		KASSERT_TRUE(policy_pick(&pol) == &ents[0]);
		KEXPECT_FALSE(policy_charge(&pol, &ents[0]));
	}
	KEXPECT_EQ(policy_length_left(&ents[0]), 6);
	/* 6 left: a job of 6 does not preempt (ties keep the runner)... */
	add(1, 6, 0);
	KEXPECT_TRUE(policy_pick(&pol) == &ents[0]);
	KEXPECT_FALSE(policy_charge(&pol, &ents[0]));
	/* ... 5 left: a job of 2 does, at once. */
	add(2, 2, 0);
	KEXPECT_TRUE(policy_pick(&pol) == &ents[2]);
	KEXPECT_FALSE(policy_charge(&pol, &ents[2]));
	KEXPECT_TRUE(policy_pick(&pol) == &ents[2]);
	policy_charge(&pol, &ents[2]);
	policy_dequeue(&pol, &ents[2]);
	/* Then the least left: job 0 (5) before job 1 (6). */
	KEXPECT_TRUE(policy_pick(&pol) == &ents[0]);
}

/* STCF charge reports the preemption when the runner is overtaken. */
KTEST(policy, stcf_charge_reports_preemption)
{
	setup(POLICY_STCF, 1);
	add(0, 5, 0);
	KASSERT_TRUE(policy_pick(&pol) == &ents[0]);
	add(1, 2, 0);
	/* Job 0 was picked before job 1 arrived; at the end of its tick
	   it has 4 left and job 1 heads the queue. */
	KEXPECT_TRUE(policy_charge(&pol, &ents[0]));
	KEXPECT_TRUE(policy_pick(&pol) == &ents[1]);
}

/* RR rotates at the quantum, not before, in arrival order. */
KTEST(policy, rr_rotates_at_the_quantum)
{
	int order[64], t;

	setup(POLICY_RR, 3);
	add(0, 5, 0);
	add(1, 4, 0);
	add(2, 1, 0);
	t = run_all(order, 64);
	KASSERT_EQ(t, 10);
	/* 0 0 0 | 1 1 1 | 2 | 0 0 | 1 */
	static const int want[] = {0, 0, 0, 1, 1, 1, 2, 0, 0, 1};
	for (int i = 0; i < 10; i++)
		KEXPECT_EQ(order[i], want[i]);
}

KTEST(policy, rr_charge_says_when_the_quantum_ends)
{
	setup(POLICY_RR, 2);
	add(0, 100, 0);
	add(1, 100, 0);
	KASSERT_TRUE(policy_pick(&pol) == &ents[0]);
	KEXPECT_FALSE(policy_charge(&pol, &ents[0]));
	KEXPECT_TRUE(policy_pick(&pol) == &ents[0]);
	KEXPECT_TRUE(policy_charge(&pol, &ents[0]));
	KEXPECT_TRUE(policy_pick(&pol) == &ents[1]);
	/* A blocked runner leaves; the next one gets a whole quantum. */
	policy_dequeue(&pol, &ents[1]);
	KEXPECT_TRUE(policy_pick(&pol) == &ents[0]);
	KEXPECT_FALSE(policy_charge(&pol, &ents[0]));
}

/* Dequeue from the middle, re-enqueue at the tail (a wake-up). */
KTEST(policy, dequeue_and_wake)
{
	setup(POLICY_FIFO, 1);
	for (int i = 0; i < 4; i++)
		add(i, 1, 0);
	policy_dequeue(&pol, &ents[1]);
	KEXPECT_EQ(policy_state(&ents[1]), POLICY_OUTSIDE);
	policy_enqueue(&pol, &ents[1]);
	int order[8];
	KASSERT_EQ(run_all(order, 8), 4);
	KEXPECT_EQ(order[0], 0);
	KEXPECT_EQ(order[1], 2);
	KEXPECT_EQ(order[2], 3);
	KEXPECT_EQ(order[3], 1);
}

/* Every policy picks from 1000 runnable entities and empties cleanly. */
KTEST(policy, a_thousand_entities_each_policy)
{
	for (int k = 0; k < POLICY_NKINDS; k++) {
		int ran = 0;
		setup((enum policy_kind)k, 1);
		for (int i = 0; i < NE; i++)
			add(i, 1 + (uint64_t)(i * 7 % 13), 1 + i % 5);
		KEXPECT_EQ(policy_nqueued(&pol), NE);
		while (policy_nqueued(&pol) > 0 && ran < 20000) {
			struct policy_ent *e = policy_pick(&pol);
			KASSERT_NOT_NULL(e);
			policy_charge(&pol, e);
			if (policy_length_left(e) == 0)
				policy_dequeue(&pol, e);
			ran++;
		}
		/* 1000 entities of 1 + (7i mod 13) ticks: 7000 in all. */
		KEXPECT_EQ(ran, 7000);
		KEXPECT_TRUE(policy_pick(&pol) == NULL);
	}
}
