/*
 * The textbook's replacement policies (Modern Operating Systems §3.4; the
 * notes 002_a995ac13012f81cc.txt "页面置换算法": NRU, second chance, clock,
 * aging, working set, WSClock).  Each approximates LRU from what the
 * hardware offers: the R (accessed) and M (dirty) bits of the PTE, and a
 * clock interrupt that lets the kernel clear and sample them.
 */
#include "lib/kassert.h"
#include "lib/pyrandom.h"
#include "mm/vmpolicy_internal.h"

static uint64_t age(const struct vmp *v, const struct vmp_frame *f)
{
	return v->now > f->last ? v->now - f->last : 0;
}

static void advance(struct vmp *v)
{
	if (++v->hand >= v->count)
		v->hand = 0;
}

/*
 * Second chance: the head is the oldest page; if it was referenced, clear R
 * and move it to the tail as if just loaded, and look again.  After at most
 * count moves every R is clear, so the loop ends (as FIFO if all were set).
 * With the ring full, moving the head to the tail is only advancing head,
 * so each look is a test and an increment on the array itself.
 */
int vmp_pick_second_chance(struct vmp *v)
{
	if (!vmp_full(v)) {
		for (;;) {
			v->scans++;
			if (!(vmp_at(v, 0)->bits & VMP_R))
				return 0;
			vmp_at(v, 0)->bits &= ~VMP_R;
			vmp_move_to_tail(v, 0);
		}
	}
	struct vmp_frame *f = &v->frames[v->head], *end = v->frames + v->count;
	uint64_t looks = 1;

	while (f->bits & VMP_R) {
		f->bits &= ~VMP_R;
		if (++f == end)
			f = v->frames;
		looks++;
	}
	v->scans += looks;
	v->head = (uint32_t)(f - v->frames);
	return 0;
}

/*
 * Clock: the same rule with the hand moving instead of the pages.  The
 * walk goes over the array from the hand's slot; the logical hand follows.
 */
int vmp_pick_clock_hand(struct vmp *v)
{
	uint32_t cap = v->p.capacity, slot = v->head + v->hand;
	uint64_t looks = 1;

	if (slot >= cap)
		slot -= cap;
	if (vmp_full(v)) { /* the ring is the circle: walk the array */
		struct vmp_frame *f = &v->frames[slot], *end = v->frames + cap;
		while (f->bits & VMP_R) {
			f->bits &= ~VMP_R;
			if (++f == end)
				f = v->frames;
			looks++;
		}
		slot = (uint32_t)(f - v->frames);
		v->hand =
		    slot >= v->head ? slot - v->head : slot + cap - v->head;
		v->scans += looks;
		return (int)v->hand;
	}
	for (;;) {
		struct vmp_frame *f = &v->frames[slot];
		if (!(f->bits & VMP_R))
			break;
		f->bits &= ~VMP_R;
		advance(v);
		looks++;
		slot = v->head + v->hand;
		if (slot >= cap)
			slot -= cap;
	}
	v->scans += looks;
	return (int)v->hand;
}

/*
 * NRU: class 0 (R=0, M=0) before 1 (R=0, M=1) before 2 (R=1, M=0) before
 * 3: a page not used in this tick, even if dirty, goes before a used one.
 */
static int pick_nru(struct vmp *v)
{
	uint32_t n[4] = {0}, cls, k;
	int first[4] = {-1, -1, -1, -1};

	for (uint32_t i = 0; i < v->count; i++) {
		uint32_t b = vmp_at(v, i)->bits;
		cls = (b & VMP_R ? 2u : 0u) + (b & VMP_M ? 1u : 0u);
		if (first[cls] < 0)
			first[cls] = (int)i;
		n[cls]++;
		v->scans++;
	}
	for (cls = 0; n[cls] == 0; cls++)
		;
	if (!v->p.rng)
		return first[cls];
	k = (uint32_t)pyrandom_below(v->p.rng, n[cls]);
	for (uint32_t i = (uint32_t)first[cls];; i++) {
		uint32_t b = vmp_at(v, i)->bits;
		if ((b & VMP_R ? 2u : 0u) + (b & VMP_M ? 1u : 0u) == cls &&
		    k-- == 0)
			return (int)i;
	}
}

/* Aging: R since the last tick is the newest bit, above the counter. */
static int pick_aging(struct vmp *v)
{
	uint64_t best = UINT64_MAX;
	int idx = 0;

	for (uint32_t i = 0; i < v->count; i++) {
		const struct vmp_frame *f = vmp_at(v, i);
		uint64_t key =
		    (uint64_t)(f->bits & VMP_R) << 32 | (uint32_t)f->ref;
		v->scans++;
		if (key < best) {
			best = key;
			idx = (int)i;
		}
	}
	return idx;
}

/*
 * Working set: at a fault, scan every page.  R set: used in this tick,
 * in the working set; stamp it.  R clear and older than tau: outside the
 * working set, evict it.  Otherwise remember the oldest with R clear.
 */
static int pick_working_set(struct vmp *v)
{
	int oldest = -1, clean = -1;

	for (uint32_t i = 0; i < v->count; i++) {
		struct vmp_frame *f = vmp_at(v, i);
		v->scans++;
		if (f->bits & VMP_R) {
			f->last = v->now;
			if (clean < 0 && !(f->bits & VMP_M))
				clean = (int)i;
			continue;
		}
		if (age(v, f) > v->p.tau)
			return (int)i;
		if (oldest < 0 || f->last < vmp_at(v, oldest)->last)
			oldest = (int)i;
	}
	if (oldest >= 0)
		return oldest;
	return clean >= 0 ? clean : 0;
}

/* One revolution of WSClock's hand, looking for an old clean page. */
static int wsclock_sweep(struct vmp *v, bool schedule, uint32_t *scheduled)
{
	for (uint32_t n = 0; n < v->count; n++) {
		struct vmp_frame *f = vmp_at(v, v->hand);
		v->scans++;
		if (f->bits & VMP_R) {
			f->bits &= ~VMP_R;
			f->last = v->now;
		} else if (age(v, f) > v->p.tau) {
			if (!(f->bits & VMP_M))
				return (int)v->hand;
			if (schedule) {
				f->bits &= ~VMP_M;
				v->writes++;
				(*scheduled)++;
				if (v->p.write_back)
					v->p.write_back(v->p.ctx, f->page);
			}
		}
		advance(v);
	}
	return -1;
}

static int pick_wsclock(struct vmp *v)
{
	uint32_t scheduled = 0;
	int i = wsclock_sweep(v, true, &scheduled);

	if (i < 0 && scheduled) /* the writes are done: those pages are clean */
		i = wsclock_sweep(v, false, &scheduled);
	for (uint32_t n = 0; i < 0 && n < v->count; n++) {
		if (!(vmp_at(v, v->hand)->bits & VMP_M))
			i = (int)v->hand;
		else
			advance(v);
	}
	return i >= 0 ? i : (int)v->hand;
}

int vmp_pick_book(struct vmp *v)
{
	switch (v->p.kind) {
	case VMP_NRU:
		return pick_nru(v);
	case VMP_AGING:
		return pick_aging(v);
	case VMP_WORKING_SET:
		return pick_working_set(v);
	case VMP_WSCLOCK:
		return pick_wsclock(v);
	default:
		kassert(!"not a textbook policy");
		return 0;
	}
}

/* Working set and WSClock: a use seen now stamps the page at once. */
void vmp_access_book(struct vmp *v, struct vmp_frame *f, uint32_t bits)
{
	if ((bits & VMP_R) &&
	    (v->p.kind == VMP_WORKING_SET || v->p.kind == VMP_WSCLOCK))
		f->last = v->now;
}

/*
 * The clock interrupt.  NRU: R is cleared, so R means "used in this
 * tick".  Aging: counter = counter >> 1 | R << (bits - 1), R cleared.
 * Working set: pages used in the tick are stamped, R cleared.
 */
void vmp_tick_book(struct vmp *v)
{
	for (uint32_t i = 0; i < v->count; i++) {
		struct vmp_frame *f = vmp_at(v, i);
		bool r = f->bits & VMP_R;

		if (v->p.kind == VMP_AGING)
			f->ref =
			    (int64_t)((uint32_t)f->ref >> 1 |
				      (r ? 1u << (v->p.aging_bits - 1) : 0u));
		else if (v->p.kind == VMP_WORKING_SET && r)
			f->last = v->now;
		if (v->p.kind == VMP_NRU || v->p.kind == VMP_AGING ||
		    v->p.kind == VMP_WORKING_SET)
			f->bits &= ~VMP_R;
	}
}
