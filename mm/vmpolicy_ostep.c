/*
 * The victims of OSTEP's paging-policy.py (ostep-homework,
 * vm-beyondphys-policy/), rule for rule, so that tools/paging-sim prints
 * what the script prints and the kernel can fault as the script predicts
 * (OSTEP ch. 22 "Beyond Physical Memory: Policies"; the notes 001_… and
 * 002_… "页面置换算法").  The list order is the script's `memory`: the
 * head is the first loaded (FIFO) or least recently used (LRU, MRU).
 */
#include "lib/kassert.h"
#include "lib/pyrandom.h"
#include "mm/vmpolicy_internal.h"

/*
 * When is page next used after reference v->now?  future_len if never:
 * the script's `whenReferenced = len(addrList)`.
 */
static size_t next_use(const struct vmp *v, vmp_page_t page)
{
	for (size_t i = v->now + 1; i < v->p.future_len; i++)
		if (v->p.future[i] == page)
			return i;
	return v->p.future_len;
}

/*
 * OPT, Belady's optimal (MIN): the page whose next use is furthest away.
 * The script compares with >=, so of equals (pages never used again) the
 * rightmost goes.
 */
static int pick_opt(struct vmp *v)
{
	size_t best = 0;
	int idx = 0;

	for (uint32_t i = 0; i < v->count; i++) {
		size_t when = next_use(v, vmp_at(v, i)->page);
		v->scans++;
		if (i == 0 || when >= best) {
			best = when;
			idx = (int)i;
		}
	}
	return idx;
}

/* UNOPT: the page used soonest; strict <, so the leftmost of equals. */
static int pick_unopt(struct vmp *v)
{
	size_t best = 0;
	int idx = 0;

	for (uint32_t i = 0; i < v->count; i++) {
		size_t when = next_use(v, vmp_at(v, i)->page);
		v->scans++;
		if (i == 0 || when < best) {
			best = when;
			idx = (int)i;
		}
	}
	return idx;
}

/*
 * OSTEP's clock: look at memory[int(random() * count)]; a counter of 1 or
 * more is decremented (a second chance per bit), a counter of 0 or less
 * makes the victim.  Every look draws once, as the script does.
 */
static int pick_clock(struct vmp *v)
{
	for (;;) {
		uint32_t i = pyrandom_int_times(v->p.rng, v->count);
		struct vmp_frame *f = vmp_at(v, i);

		v->scans++;
		if (f->ref < 1)
			return (int)i;
		f->ref--;
	}
}

int vmp_pick_ostep(struct vmp *v)
{
	switch (v->p.kind) {
	case VMP_FIFO:
	case VMP_LRU:
		return 0; /* memory.pop(0) */
	case VMP_MRU:
		return (int)v->count - 1; /* memory.pop(count - 1) */
	case VMP_RAND:
		return (int)pyrandom_int_times(v->p.rng, v->count);
	case VMP_CLOCK:
		return pick_clock(v);
	case VMP_OPT:
		return pick_opt(v);
	case VMP_UNOPT:
		return pick_unopt(v);
	default:
		kassert(!"not an OSTEP policy");
		return 0;
	}
}
