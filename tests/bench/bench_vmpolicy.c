/*
 * Page-replacement benchmarks: the cost of choosing a victim (vmp_pick)
 * with 1,000 resident pages, for every policy of mm/vmpolicy.h, in the
 * steady state of one reference string: 12,000 references, three in four
 * to a hot set of 800 pages and one in four anywhere in 1,600.  Hits set R
 * as the MMU would (vmp_access), a clock tick comes every 50 references
 * (vmp_tick: NRU, aging and working set clear or sample R there), and
 * virtual time is the reference's index.  The first 4,000 references warm
 * the set up and are not measured (the first victim search after the set
 * fills finds every R bit set, a one-off sweep of all 1,000 pages).
 *
 * policy_pick_<name>: instructions per vmp_pick, averaged over the misses
 * of the last 8,000 references (OPT and UNOPT: over their first 20, each
 * a scan of the future for every resident page).
 * policy_victim_<name>: per vmp_pick + vmp_remove, the whole cost of
 * making room (the ring makes fifo's and second chance's removal O(1);
 * a victim mid-list costs a shift).
 *
 * The target: clock (the hand: clock-hand) and second chance
 * within 2x of FIFO.  OPT looks into the future for every resident page,
 * so its figure is large by nature; it runs over the same string.
 */
#include <stddef.h>

#include "arch/x86.h"
#include "init/bench.h"
#include "lib/fmt.h"
#include "lib/pyrandom.h"
#include "mm/vmpolicy.h"

#define VB_FRAMES 1000u
#define VB_REFS	  12000u
#define VB_WARM	  4000u
#define VB_SLOW	  20u
#define VB_HOT	  800u
#define VB_PAGES  1600u
#define VB_TICK	  50u

static struct vmp_frame vb_frames[VB_FRAMES];
static vmp_page_t vb_refs[VB_REFS];
static struct pyrandom vb_rng;

static uint32_t vb_lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void vb_string(void)
{
	uint32_t s = 42;

	for (uint32_t i = 0; i < VB_REFS; i++) {
		uint32_t r = vb_lcg(&s);
		vb_refs[i] = r % 4 ? r / 4 % VB_HOT : r / 4 % VB_PAGES;
	}
}

/* Runs the string under kind; averages over its misses. */
static void vb_run(enum vmp_kind kind, uint64_t *pick, uint64_t *victim)
{
	struct vmp v;
	struct vmp_params p = {.kind = kind,
			       .capacity = VB_FRAMES,
			       .clockbits = 2,
			       .aging_bits = VMP_AGING_BITS_DEFAULT,
			       .tau = 200,
			       .rng = &vb_rng,
			       .future = vb_refs,
			       .future_len = VB_REFS};
	uint64_t picks = 0, t_pick = 0, t_victim = 0;

	pyrandom_seed(&vb_rng, 0);
	if (vmp_init(&v, &p, vb_frames) != VMP_OK) {
		*pick = *victim = 0;
		return;
	}
	for (uint32_t t = 0; t < VB_REFS; t++) {
		vmp_page_t page = vb_refs[t];
		int i;

		vmp_set_now(&v, t);
		if (t % VB_TICK == 0)
			vmp_tick(&v);
		i = vmp_find(&v, page);
		if (i >= 0) {
			vmp_access(&v, (uint32_t)i,
				   VMP_R | (t % 3 ? 0 : VMP_M));
			continue;
		}
		if (vmp_full(&v) &&
		    (t < VB_WARM || (picks >= VB_SLOW &&
				     (kind == VMP_OPT || kind == VMP_UNOPT)))) {
			vmp_remove(&v, (uint32_t)vmp_pick(&v));
		} else if (vmp_full(&v)) {
			uint64_t t0 = rdtsc(), t1, t2;
			i = vmp_pick(&v);
			t1 = rdtsc();
			vmp_remove(&v, (uint32_t)i);
			t2 = rdtsc();
			t_pick += t1 - t0;
			t_victim += t2 - t0;
			picks++;
		}
		vmp_insert(&v, page, t % 3 ? 0 : VMP_M);
	}
	*pick = picks ? t_pick / picks : 0;
	*victim = picks ? t_victim / picks : 0;
}

BENCH(vmpolicy)
{
	static char name[40];

	vb_string();
	for (int k = 0; k < VMP_NKINDS; k++) {
		uint64_t pick, victim;
		const char *pn = vmp_name((enum vmp_kind)k);

		vb_run((enum vmp_kind)k, &pick, &victim);
		fmt_snprintf(name, sizeof name, "policy_pick_%s", pn);
		bench_report(name, pick);
		fmt_snprintf(name, sizeof name, "policy_victim_%s", pn);
		bench_report(name, victim);
	}
}
