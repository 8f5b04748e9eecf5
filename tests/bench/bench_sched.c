/*
 * Scheduler benchmarks, in guest instructions: a timer tick that switches
 * nothing, a preemptive switch between two threads, a yield round trip,
 * and picking the next task with 2 and with 1,000 ready, by the MLFQ
 * (pick_2, pick_1000, and the same as pick_mlfq_*) and by every policy of
 * sched/policy.h (pick_fifo_2 ... pick_stride_1000).
 *
 * The first three run under the policy the kernel booted with
 * (sched.policy=; tools/bench boots once per policy); a policy that never
 * preempts an equal thread (fifo, sjf, and stcf, where the runner's work
 * left only shrinks) cannot show switch_preempt, which is then skipped.
 */
#include <stddef.h>

#include "arch/x86.h"
#include "init/bench.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "lib/fmt.h"
#include "sched/class.h"
#include "sched/mlfq.h"
#include "sched/policy.h"
#include "sched/task.h"

#define SAMPLES 64
#define GAP_MIN 100 /* a loop turn is ~10 instructions: more is a trap */

static uint32_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) /* insertion sort: n is small */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return (uint32_t)v[n / 2];
}

/* Spin reading the TSC; a turn that took far longer than the loop itself
 * contained a timer interrupt.  Only this thread is ready, so no tick
 * switches. */
BENCH(tick_noswitch)
{
	static uint64_t gap[SAMPLES];
	uint64_t prev = rdtsc(), base = UINT64_MAX;
	int n = 0;
	while (n < SAMPLES) {
		uint64_t now = rdtsc(), d = now - prev;
		prev = now;
		if (d < base)
			base = d;
		if (d > GAP_MIN)
			gap[n++] = d;
	}
	bench_report("tick_noswitch", median(gap, n) - base);
}

static volatile uint64_t last_tsc;
static volatile int last_id, samples;
static volatile bool stop;
static uint64_t switch_cost[SAMPLES];
static struct wait_queue done;

/*
 * Two of these alternate on the timer: the first TSC read after a switch
 * minus the other thread's last read is interrupt + switch + the few
 * instructions of the loop between sti and cli, the only place the timer
 * can strike.  Reading, recording and publishing happen with interrupts
 * off, so a sample is never taken against a reading made after it (which
 * once came out as 2^64 minus a tick and shifted the median), and the
 * loop's own bookkeeping stays out of the figure.
 */
static int switcher(void *arg)
{
	int me = (int)(uintptr_t)arg;
	while (!stop) {
		cli();
		uint64_t now = rdtsc();
		if (last_id != me && last_id != 0 && samples < SAMPLES) {
			switch_cost[samples++] = now - last_tsc;
			if (samples == SAMPLES)
				wq_wake_all(&done);
		}
		last_id = me;
		last_tsc = rdtsc();
		sti();
	}
	return 0;
}

static void one_tick_quanta(struct mlfq_params *saved)
{
	struct mlfq_params p;
	*saved = *sched_params();
	mlfq_params_default(&p);
	for (int l = 0; l < p.levels; l++)
		p.quantum[l] = 1;
	sched_set_params(&p);
}

/* Under fifo, sjf or stcf two equal threads never preempt each other. */
static bool never_preempts(void)
{
	const struct policy *p = sched_policy();
	return p && (p->p.kind == POLICY_FIFO || p->p.kind == POLICY_SJF ||
		     p->p.kind == POLICY_STCF);
}

BENCH(switch_preempt)
{
	struct mlfq_params saved;
	if (never_preempts()) {
		kprintf("bench: switch_preempt: %s never preempts; skipped\n",
			sched_policy_name());
		return;
	}
	one_tick_quanta(&saved);
	stop = false;
	samples = last_id = 0;
	wq_init(&done);
	struct task *a = task_create("switch-a", switcher, (void *)1);
	struct task *b = task_create("switch-b", switcher, (void *)2);
	bool on = irq_save();
	while (samples < SAMPLES)
		wq_block(&done);
	irq_restore(on);
	stop = true;
	task_wait(a);
	task_wait(b);
	sched_set_params(&saved);
	bench_report("switch_preempt", median(switch_cost, SAMPLES));
}

static uint64_t yield_cost[SAMPLES];

static int yield_measure(void *arg)
{
	(void)arg;
	for (int i = 0; i < SAMPLES; i++) {
		uint64_t t0 = rdtsc();
		task_yield();
		yield_cost[i] = rdtsc() - t0;
	}
	stop = true;
	return 0;
}

static int yield_partner(void *arg)
{
	(void)arg;
	while (!stop)
		task_yield();
	return 0;
}

/* A yields, B runs and yields, A runs again: two voluntary switches. */
BENCH(yield_roundtrip)
{
	stop = false;
	struct task *a = task_create("yield-a", yield_measure, NULL);
	struct task *b = task_create("yield-b", yield_partner, NULL);
	task_wait(a);
	task_wait(b);
	bench_report("yield_roundtrip", median(yield_cost, SAMPLES));
}

#define PICKS 10000
static struct mlfq_ent ents[1000];

/* mlfq_pick with n entities ready, spread over the levels. */
static uint64_t pick_cost(int n)
{
	static struct mlfq m;
	struct mlfq_params p;
	volatile uintptr_t sink = 0;
	mlfq_params_default(&p);
	mlfq_init(&m, &p);
	for (int i = 0; i < n; i++) {
		mlfq_add(&m, &ents[i]);
		for (int d = 0; d < i % p.levels;
		     d++) /* push it down a level */
			for (uint32_t t = 0; t < p.quantum[ents[i].level] *
						     p.allot[ents[i].level];
			     t++)
				mlfq_charge(&m, &ents[i], MLFQ_CONTINUES);
	}
	uint64_t t0 = rdtsc();
	for (int i = 0; i < PICKS; i++)
		sink += (uintptr_t)mlfq_pick(&m);
	uint64_t cost = (rdtsc() - t0) / PICKS;
	for (int i = 0; i < n; i++)
		mlfq_remove(&m, &ents[i]);
	(void)sink;
	return cost;
}

/*
 * A policy's own pick (ops->pick: the choice itself, not policy_pick's
 * answer cached for the rest of the turn) with n entities queued, of
 * lengths and tickets that differ.  Lottery draws from its own generator.
 */
static uint64_t policy_pick_cost(enum policy_kind kind, int n)
{
	static struct policy p;
	static struct policy_ent pe[1000];
	struct policy_params pp = {.kind = kind, .quantum = 1, .seed = 1};
	volatile uintptr_t sink = 0;
	policy_init(&p, &pp);
	for (int i = 0; i < n; i++) {
		pe[i] =
		    (struct policy_ent){.length = (uint64_t)(i * 7 % 1000) + 1,
					.tickets = (uint32_t)(i % 50) + 1};
		policy_enqueue(&p, &pe[i]);
	}
	uint64_t t0 = rdtsc();
	for (int i = 0; i < PICKS; i++)
		sink += (uintptr_t)p.ops->pick(&p);
	uint64_t cost = (rdtsc() - t0) / PICKS;
	for (int i = 0; i < n; i++)
		policy_dequeue(&p, &pe[i]);
	(void)sink;
	return cost;
}

BENCH(pick)
{
	static char name[32];
	uint64_t two = pick_cost(2), thousand = pick_cost(1000);
	bench_report("pick_2", two);
	bench_report("pick_1000", thousand);
	bench_report("pick_mlfq_2", two);
	bench_report("pick_mlfq_1000", thousand);
	for (int k = 0; k < POLICY_NKINDS; k++) {
		const char *pn = policy_name((enum policy_kind)k);
		fmt_snprintf(name, sizeof(name), "pick_%s_2", pn);
		bench_report(name, policy_pick_cost((enum policy_kind)k, 2));
		fmt_snprintf(name, sizeof(name), "pick_%s_1000", pn);
		bench_report(name, policy_pick_cost((enum policy_kind)k, 1000));
	}
}
