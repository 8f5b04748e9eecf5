/*
 * Rule tests of the page-replacement policies (mm/vmpolicy*.c), one case
 * per rule of the notes (002_a995ac13012f81cc.txt "页面置换算法", OSTEP
 * ch. 22): FIFO evicts in load order, LRU the least recently used, OPT is
 * optimal (checked against a brute-force search on small strings), FIFO
 * shows Belady's anomaly and LRU cannot, the clock hand clears R bits on
 * its way, NRU's classes, aging's counters, the working-set window and
 * WSClock's write-backs.  Pure: runs in the kernel at boot and on the host.
 */
#include "kernel/ktest.h"
#include "lib/pyrandom.h"
#include "mm/vmpolicy.h"

#define NF 16

static struct vmp vm;
static struct vmp_frame frames[NF];
static struct pyrandom rng;

static void setup(enum vmp_kind kind, uint32_t cap, const vmp_page_t *future,
		  size_t len)
{
	struct vmp_params p = {.kind = kind,
			       .capacity = cap,
			       .clockbits = 2,
			       .aging_bits = VMP_AGING_BITS_DEFAULT,
			       .tau = VMP_TAU_DEFAULT,
			       .rng = &rng,
			       .future = future,
			       .future_len = len};

	pyrandom_seed(&rng, 0);
	KASSERT_EQ(vmp_init(&vm, &p, frames), VMP_OK);
}

/* One reference: hit or fault; the victim's page, or -1. */
static int64_t ref(vmp_page_t page, uint32_t bits, bool *hit)
{
	int i = vmp_find(&vm, page);
	int64_t victim = -1;

	*hit = i >= 0;
	if (i >= 0) {
		vmp_access(&vm, (uint32_t)i, bits);
		return -1;
	}
	if (vmp_full(&vm)) {
		i = vmp_pick(&vm);
		victim = vmp_at(&vm, i)->page;
		vmp_remove(&vm, (uint32_t)i);
	}
	vmp_insert(&vm, page, bits);
	return victim;
}

/* Faults of kind over s[0..n) with cap frames. */
static int faults(enum vmp_kind kind, uint32_t cap, const vmp_page_t *s,
		  size_t n)
{
	int f = 0;
	bool hit;

	setup(kind, cap, s, n);
	for (size_t i = 0; i < n; i++) {
		vmp_set_now(&vm, i);
		ref(s[i], VMP_R, &hit);
		f += !hit;
	}
	return f;
}

static bool resident_are(const vmp_page_t *want, uint32_t n)
{
	if (vm.count != n)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (vmp_at(&vm, i)->page != want[i])
			return false;
	return true;
}

KTEST(vmpolicy, names_and_params)
{
	struct vmp_params p = {.kind = VMP_RAND, .capacity = 3};
	struct vmp v;

	for (int k = 0; k < VMP_NKINDS; k++)
		KEXPECT_EQ(vmp_kind_of(vmp_name((enum vmp_kind)k)), k);
	KEXPECT_EQ(vmp_kind_of("belady"), -1);
	KEXPECT_NULL(vmp_name(VMP_NKINDS));
	KEXPECT_NOT_NULL(vmp_params_check(&p)); /* rand needs its rng */
	KEXPECT_EQ(vmp_init(&v, &p, frames), VMP_EINVAL);
	p = (struct vmp_params){.kind = VMP_AGING, .capacity = 1};
	KEXPECT_NOT_NULL(vmp_params_check(&p)); /* aging_bits 0 */
	p.aging_bits = 33;
	KEXPECT_NOT_NULL(vmp_params_check(&p));
	p.aging_bits = 8;
	KEXPECT_NULL(vmp_params_check(&p));
}

KTEST(vmpolicy, insert_needs_room_and_pick_needs_pages)
{
	setup(VMP_FIFO, 1, NULL, 0);
	KEXPECT_EQ(vmp_pick(&vm), VMP_EEMPTY);
	KEXPECT_EQ(vmp_insert(&vm, 7, 0), 0);
	KEXPECT_EQ(vmp_insert(&vm, 8, 0), VMP_EFULL);
	KEXPECT_EQ(vm.count, 1);
}

/* FIFO: the victim is the page loaded first, whatever was used since. */
KTEST(vmpolicy, fifo_evicts_in_load_order)
{
	static const vmp_page_t after[] = {2, 3, 4};
	bool hit;

	setup(VMP_FIFO, 3, NULL, 0);
	ref(1, VMP_R, &hit);
	ref(2, VMP_R, &hit);
	ref(3, VMP_R, &hit);
	ref(1, VMP_R, &hit); /* a hit does not save page 1 */
	KEXPECT_TRUE(hit);
	KEXPECT_EQ(ref(4, VMP_R, &hit), 1);
	KEXPECT_FALSE(hit);
	KEXPECT_TRUE(resident_are(after, 3));
	KEXPECT_EQ(ref(5, VMP_R, &hit), 2);
}

/* LRU: a hit moves the page to the MRU end; the LRU end goes. */
KTEST(vmpolicy, lru_evicts_least_recently_used)
{
	static const vmp_page_t after[] = {3, 1, 4};
	bool hit;

	setup(VMP_LRU, 3, NULL, 0);
	ref(1, VMP_R, &hit);
	ref(2, VMP_R, &hit);
	ref(3, VMP_R, &hit);
	ref(1, VMP_R, &hit);
	KEXPECT_EQ(ref(4, VMP_R, &hit), 2);
	KEXPECT_TRUE(resident_are(after, 3));
}

/* MRU: the most recently used goes. */
KTEST(vmpolicy, mru_evicts_most_recently_used)
{
	bool hit;

	setup(VMP_MRU, 3, NULL, 0);
	ref(1, VMP_R, &hit);
	ref(2, VMP_R, &hit);
	ref(3, VMP_R, &hit);
	ref(1, VMP_R, &hit);
	KEXPECT_EQ(ref(4, VMP_R, &hit), 1);
}

/*
 * Belady's anomaly (OSTEP ch. 22, the notes 001_…): FIFO on
 * 1,2,3,4,1,2,5,1,2,3,4,5 faults 9 times with 3 frames, 10 with 4.  LRU
 * is a stack algorithm: more frames never fault more.
 */
KTEST(vmpolicy, belady_anomaly_for_fifo_not_lru)
{
	static const vmp_page_t s[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

	KEXPECT_EQ(faults(VMP_FIFO, 3, s, 12), 9);
	KEXPECT_EQ(faults(VMP_FIFO, 4, s, 12), 10);
	KEXPECT_GT(faults(VMP_FIFO, 4, s, 12), faults(VMP_FIFO, 3, s, 12));
	KEXPECT_EQ(faults(VMP_LRU, 3, s, 12), 10);
	KEXPECT_EQ(faults(VMP_LRU, 4, s, 12), 8);
	KEXPECT_EQ(faults(VMP_OPT, 3, s, 12), 7);
	KEXPECT_EQ(faults(VMP_OPT, 4, s, 12), 6);
}

/*
 * The fewest faults any replacement choices can give: every choice of
 * victim at every fault, depth first.  Strings of at most 9 references.
 */
static int brute_min(const vmp_page_t *s, size_t n, size_t i, vmp_page_t *res,
		     uint32_t nres, uint32_t cap)
{
	int best = 1 << 20;

	for (; i < n; i++) {
		uint32_t k = 0;
		while (k < nres && res[k] != s[i])
			k++;
		if (k < nres)
			continue; /* a hit */
		if (nres < cap) {
			res[nres++] = s[i];
			return 1 + brute_min(s, n, i + 1, res, nres, cap);
		}
		for (k = 0; k < nres; k++) {
			vmp_page_t old = res[k];
			int f;
			res[k] = s[i];
			f = 1 + brute_min(s, n, i + 1, res, nres, cap);
			res[k] = old;
			if (f < best)
				best = f;
		}
		return best;
	}
	return 0;
}

/* OPT (Belady's MIN) is optimal: never more faults than any choice. */
KTEST(vmpolicy, opt_is_optimal_by_brute_force)
{
	struct pyrandom g = {0};
	vmp_page_t s[9], res[4];

	pyrandom_seed(&g, 22);
	for (int round = 0; round < 60; round++) {
		uint32_t cap = 2 + (uint32_t)pyrandom_below(&g, 2);
		for (int i = 0; i < 9; i++)
			s[i] = (vmp_page_t)pyrandom_below(&g, 5);
		int best = brute_min(s, 9, 0, res, 0, cap);
		KEXPECT_EQ(faults(VMP_OPT, cap, s, 9), best);
		KEXPECT_GE(faults(VMP_UNOPT, cap, s, 9), best);
		KEXPECT_GE(faults(VMP_FIFO, cap, s, 9), best);
		KEXPECT_GE(faults(VMP_LRU, cap, s, 9), best);
	}
}

/* paging-policy.py's OPT: of pages never used again, the rightmost goes. */
KTEST(vmpolicy, opt_ties_go_right_unopt_ties_go_left)
{
	static const vmp_page_t s[] = {1, 2, 3, 4};
	bool hit;

	setup(VMP_OPT, 3, s, 4);
	for (size_t i = 0; i < 3; i++)
		ref(s[i], VMP_R, &hit);
	vmp_set_now(&vm, 3);
	KEXPECT_EQ(vmp_pick(&vm), 2);
	setup(VMP_UNOPT, 3, s, 4);
	for (size_t i = 0; i < 3; i++)
		ref(s[i], VMP_R, &hit);
	vmp_set_now(&vm, 3);
	KEXPECT_EQ(vmp_pick(&vm), 0);
}

/*
 * OSTEP's clock: each look lands on a random page and takes one off its
 * counter; the victim's counter is 0.  A page is loaded at 1, and uses
 * raise it to clockbits at most.
 */
KTEST(vmpolicy, ostep_clock_counts_down_to_a_victim)
{
	int64_t before = 0, after = 0;
	bool hit;
	int v;

	setup(VMP_CLOCK, 4, NULL, 0);
	for (vmp_page_t p = 0; p < 4; p++)
		ref(p, VMP_R, &hit);
	for (int k = 0; k < 5; k++)
		ref(1, VMP_R, &hit);
	KEXPECT_EQ(vmp_at(&vm, 1)->ref, 2); /* capped at -b 2 */
	KEXPECT_EQ(vmp_at(&vm, 0)->ref, 1);
	for (int i = 0; i < 4; i++)
		before += vmp_at(&vm, i)->ref;
	v = vmp_pick(&vm);
	for (int i = 0; i < 4; i++)
		after += vmp_at(&vm, i)->ref;
	KEXPECT_EQ(vmp_at(&vm, v)->ref, 0);
	KEXPECT_EQ(before - after, (int64_t)vm.scans - 1);
	KEXPECT_GE(vm.scans, 2); /* every counter started at 1 or more */
}

/* The resident pages in the order the hand will reach them. */
static bool circle_is(const vmp_page_t *want, uint32_t n)
{
	if (vm.count != n)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (vmp_at(&vm, (vm.hand + i) % n)->page != want[i])
			return false;
	return true;
}

/*
 * The textbook clock: the hand clears R on its way and stops at the first
 * page with R clear; the new page takes that place, just behind the hand
 * (the last the hand will reach).
 */
KTEST(vmpolicy, clock_hand_clears_r_and_replaces_in_place)
{
	static const vmp_page_t c1[] = {2, 3, 4, 5}, c2[] = {3, 4, 5, 6},
				c3[] = {5, 6, 3, 7}, after[] = {1, 2, 9, 4};
	bool hit;

	setup(VMP_CLOCK_HAND, 4, NULL, 0);
	for (vmp_page_t p = 1; p <= 4; p++)
		ref(p, VMP_R, &hit);
	KEXPECT_EQ(vm.hand, 0);
	/* All R set: a full turn clears them, then page 1 goes. */
	KEXPECT_EQ(ref(5, VMP_R, &hit), 1);
	KEXPECT_TRUE(circle_is(c1, 4));
	vmp_access(&vm, (uint32_t)vmp_find(&vm, 3), VMP_R);
	/* The hand at page 2 (R clear): it goes at once. */
	KEXPECT_EQ(ref(6, VMP_R, &hit), 2);
	KEXPECT_TRUE(circle_is(c2, 4));
	/* Page 3 has R: cleared, skipped; page 4 goes. */
	KEXPECT_EQ(ref(7, VMP_R, &hit), 4);
	KEXPECT_TRUE(circle_is(c3, 4));
	KEXPECT_EQ(vmp_at(&vm, vmp_find(&vm, 3))->bits & VMP_R, 0u);
	setup(VMP_CLOCK_HAND, 4, NULL, 0);
	for (vmp_page_t p = 1; p <= 4; p++)
		ref(p, 0, &hit);
	for (int i = 0; i < 4; i++)
		vmp_at(&vm, i)->bits = i == 2 ? 0 : VMP_R;
	KEXPECT_EQ(ref(9, VMP_R, &hit), 3);
	KEXPECT_TRUE(resident_are(after, 4));
	KEXPECT_EQ(vm.hand, 3);
}

/* Second chance picks clock's victims, moving pages instead of a hand. */
KTEST(vmpolicy, second_chance_moves_referenced_pages_to_the_tail)
{
	static const vmp_page_t after[] = {3, 1, 4};
	bool hit;

	setup(VMP_SECOND_CHANCE, 3, NULL, 0);
	for (vmp_page_t p = 1; p <= 3; p++)
		ref(p, VMP_R, &hit);
	vmp_at(&vm, 1)->bits &= ~VMP_R; /* page 2 not used since loading */
	KEXPECT_EQ(ref(4, VMP_R, &hit), 2);
	KEXPECT_TRUE(resident_are(after, 3));
	KEXPECT_EQ(vmp_at(&vm, 1)->bits & VMP_R, 0u); /* page 1's chance used */
	KEXPECT_EQ(vmp_at(&vm, 0)->bits & VMP_R,
		   VMP_R); /* page 3 not reached */
}

/* NRU: class 1 (not used, dirty) goes before class 2 (used, clean). */
KTEST(vmpolicy, nru_prefers_the_lowest_class)
{
	bool hit;

	setup(VMP_NRU, 3, NULL, 0);
	ref(1, VMP_R | VMP_M, &hit);
	ref(2, VMP_R, &hit);
	ref(3, VMP_R, &hit);
	vmp_tick(&vm);	     /* every R cleared: classes 1, 0, 0 */
	ref(2, VMP_R, &hit); /* class 2 */
	vm.p.rng = NULL;     /* the first of the class, deterministically */
	KEXPECT_EQ(vmp_at(&vm, vmp_pick(&vm))->page, 3);
	ref(3, VMP_R, &hit); /* classes 1, 2, 2 */
	KEXPECT_EQ(vmp_at(&vm, vmp_pick(&vm))->page, 1);
	vm.p.rng = &rng;
	for (int k = 0; k < 20; k++) /* at random, but always class 1 */
		KEXPECT_EQ(vmp_at(&vm, vmp_pick(&vm))->page, 1);
}

/* Aging: counters shift right at each tick, R entering at the top. */
KTEST(vmpolicy, aging_shifts_r_into_counters)
{
	bool hit;

	setup(VMP_AGING, 3, NULL, 0);
	ref(1, VMP_R, &hit);
	ref(2, VMP_R, &hit);
	ref(3, VMP_R, &hit);
	vmp_tick(&vm); /* all 0x80 */
	ref(1, VMP_R, &hit);
	ref(3, VMP_R, &hit);
	vmp_tick(&vm); /* 1: 0xc0, 2: 0x40, 3: 0xc0 */
	ref(3, VMP_R, &hit);
	vmp_tick(&vm); /* 1: 0x60, 2: 0x20, 3: 0xe0 */
	KEXPECT_EQ(vmp_at(&vm, 0)->ref, 0x60);
	KEXPECT_EQ(vmp_at(&vm, 1)->ref, 0x20);
	KEXPECT_EQ(vmp_at(&vm, 2)->ref, 0xe0);
	KEXPECT_EQ(vmp_at(&vm, vmp_pick(&vm))->page, 2);
	ref(2, VMP_R, &hit); /* R since the tick outranks any counter */
	KEXPECT_EQ(vmp_at(&vm, vmp_pick(&vm))->page, 1);
}

/* Working set: a page unused for more than tau is outside, and goes. */
KTEST(vmpolicy, working_set_evicts_outside_the_window)
{
	bool hit;

	setup(VMP_WORKING_SET, 3, NULL, 0);
	vm.p.tau = 5;
	for (vmp_page_t p = 1; p <= 3; p++) {
		vmp_set_now(&vm, p);
		ref(p, VMP_R, &hit);
	}
	vmp_set_now(&vm, 4);
	vmp_tick(&vm);
	vmp_set_now(&vm, 8);
	ref(1, VMP_R, &hit); /* page 1 used at 8 */
	vmp_tick(&vm);
	vmp_set_now(&vm, 10); /* pages 2, 3: last used at 4, age 6 > 5 */
	KEXPECT_EQ(vmp_at(&vm, vmp_pick(&vm))->page, 2);
	vmp_set_now(&vm, 9); /* ages 1, 5, 4: all inside; the oldest goes */
	vmp_at(&vm, 2)->last = 5;
	KEXPECT_EQ(vmp_at(&vm, vmp_pick(&vm))->page, 2);
}

static int writes_seen;
static vmp_page_t written;

static void note_write(void *ctx, vmp_page_t page)
{
	(void)ctx;
	writes_seen++;
	written = page;
}

/* WSClock: an old dirty page is written back, not evicted; old clean goes. */
KTEST(vmpolicy, wsclock_writes_back_dirty_pages)
{
	bool hit;

	setup(VMP_WSCLOCK, 3, NULL, 0);
	vm.p.tau = 2;
	vm.p.write_back = note_write;
	writes_seen = 0;
	ref(1, VMP_R | VMP_M, &hit);
	ref(2, VMP_R, &hit);
	ref(3, VMP_R | VMP_M, &hit);
	vmp_set_now(&vm, 1);
	/* First turn: R cleared and stamped at 1; nothing old: any clean. */
	KEXPECT_EQ(vmp_at(&vm, vmp_pick(&vm))->page, 2);
	KEXPECT_EQ(writes_seen, 0);
	KEXPECT_EQ(vm.hand, 1);	       /* the hand stays on the victim */
	vmp_at(&vm, 1)->bits |= VMP_R; /* page 2 used again */
	vmp_set_now(&vm, 10);
	/* Page 2 R: cleared, stamped; pages 3 and 1 old and dirty: writes
	   scheduled; second turn: page 3, clean now, goes. */
	KEXPECT_EQ(vmp_at(&vm, vmp_pick(&vm))->page, 3);
	KEXPECT_EQ(writes_seen, 2);
	KEXPECT_EQ(written, 1);
	KEXPECT_EQ(vm.writes, 2);
}

/* Removing any page keeps the hand on the page it pointed at. */
KTEST(vmpolicy, remove_keeps_the_hand)
{
	bool hit;

	setup(VMP_CLOCK_HAND, 4, NULL, 0);
	for (vmp_page_t p = 1; p <= 4; p++)
		ref(p, 0, &hit);
	vm.hand = 2; /* at page 3 */
	vmp_remove(&vm, 0);
	KEXPECT_EQ(vmp_at(&vm, vm.hand)->page, 3);
	vmp_remove(&vm, 2); /* page 4, after the hand */
	KEXPECT_EQ(vmp_at(&vm, vm.hand)->page, 3);
	vmp_remove(&vm, 1); /* page 3 itself: wraps to the start */
	KEXPECT_EQ(vm.hand, 0);
	KEXPECT_EQ(vm.count, 1);
}

/* The list order as a number: pages as digits, head first. */
static uint32_t order(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < vm.count; i++)
		n = n * 10 + vmp_at(&vm, i)->page;
	return n;
}

/*
 * The resident set is a ring (head moves instead of the pages): the list
 * order must survive the head wrapping round the array, removals at either
 * end and in the middle (the shorter side shifts), and insertions.
 */
KTEST(vmpolicy, ring_keeps_list_order)
{
	setup(VMP_LRU, 5, NULL, 0);
	for (vmp_page_t p = 1; p <= 5; p++)
		vmp_insert(&vm, p, 0);
	KEXPECT_EQ(order(), 12345u);
	vmp_remove(&vm, 0); /* head advances */
	vmp_remove(&vm, 0);
	KEXPECT_EQ(order(), 345u);
	vmp_insert(&vm, 6, 0); /* the tail wraps to frames[0] */
	vmp_insert(&vm, 7, 0);
	KEXPECT_EQ(order(), 34567u);
	KEXPECT_EQ(vm.head, 2u);
	vmp_access(&vm, 1, VMP_R); /* LRU hit: 4 to the tail */
	KEXPECT_EQ(order(), 35674u);
	vmp_remove(&vm, 1); /* near the head: the front shifts up */
	KEXPECT_EQ(order(), 3674u);
	vmp_remove(&vm, 2); /* near the tail: the back shifts down */
	KEXPECT_EQ(order(), 364u);
	KEXPECT_EQ(vmp_find(&vm, 4), 2);
	KEXPECT_EQ(vmp_find(&vm, 7), -1);
	/* Second chance on a full ring only turns it: 8 in, 3 and 6 spared. */
	setup(VMP_SECOND_CHANCE, 3, NULL, 0);
	vmp_insert(&vm, 3, 0);
	vmp_insert(&vm, 6, 0);
	vmp_insert(&vm, 4, 0);
	vmp_at(&vm, 2)->bits &= ~VMP_R; /* 4 not used since loading */
	KEXPECT_EQ(vmp_pick(&vm), 0);
	KEXPECT_EQ(order(), 436u);
	KEXPECT_EQ(vmp_at(&vm, 1)->bits & VMP_R, 0u); /* 3's chance used */
}
