/*
 * vmpolicy: the resident set every policy shares (a ring over an array, in
 * the policy's order, like paging-policy.py's list `memory`), names,
 * parameters and the dispatch of each hook.  The rules themselves are in
 * vmpolicy_ostep.c and vmpolicy_book.c; mm/vmpolicy.h says what each policy
 * does.
 *
 * Invariants: count <= p.capacity; head < capacity (or 0 with no
 * capacity); the pages vmp_at(v, 0 .. count - 1) are distinct; hand <
 * count, or hand == 0 when count == 0.
 */
#include "mm/vmpolicy.h"

#include "lib/kassert.h"
#include "lib/string.h"
#include "mm/vmpolicy_internal.h"

static const char *const names[VMP_NKINDS] = {
    [VMP_FIFO] = "fifo",
    [VMP_LRU] = "lru",
    [VMP_MRU] = "mru",
    [VMP_OPT] = "opt",
    [VMP_UNOPT] = "unopt",
    [VMP_RAND] = "random",
    [VMP_CLOCK] = "clock",
    [VMP_SECOND_CHANCE] = "second-chance",
    [VMP_CLOCK_HAND] = "clock-hand",
    [VMP_NRU] = "nru",
    [VMP_AGING] = "aging",
    [VMP_WORKING_SET] = "working-set",
    [VMP_WSCLOCK] = "wsclock",
};

const char *vmp_name(enum vmp_kind kind)
{
	return (unsigned)kind < VMP_NKINDS ? names[kind] : NULL;
}

int vmp_kind_of(const char *s)
{
	for (int k = 0; k < VMP_NKINDS; k++)
		if (strcmp(s, names[k]) == 0)
			return k;
	return -1;
}

static bool is_ostep(enum vmp_kind k)
{
	return k <= VMP_CLOCK;
}

const char *vmp_params_check(const struct vmp_params *p)
{
	if ((unsigned)p->kind >= VMP_NKINDS)
		return "no such policy";
	if ((p->kind == VMP_RAND || p->kind == VMP_CLOCK) && !p->rng)
		return "rand and clock draw from a random generator: rng";
	if ((p->kind == VMP_OPT || p->kind == VMP_UNOPT) && !p->future &&
	    p->future_len)
		return "opt and unopt need the reference string: future";
	if (p->kind == VMP_AGING && (p->aging_bits < 1 || p->aging_bits > 32))
		return "aging_bits must be 1..32";
	return NULL;
}

int vmp_init(struct vmp *v, const struct vmp_params *p,
	     struct vmp_frame *frames)
{
	if (vmp_params_check(p))
		return VMP_EINVAL;
	if (p->capacity > 0 && !frames)
		return VMP_EINVAL;
	*v = (struct vmp){.p = *p, .frames = frames};
	return VMP_OK;
}

int vmp_find(const struct vmp *v, vmp_page_t page)
{
	for (uint32_t i = 0; i < v->count; i++)
		if (vmp_at(v, i)->page == page)
			return (int)i;
	return -1;
}

static uint32_t ring_next(const struct vmp *v, uint32_t j)
{
	return j + 1 >= v->p.capacity ? 0 : j + 1;
}

static uint32_t ring_prev(const struct vmp *v, uint32_t j)
{
	return j == 0 ? v->p.capacity - 1 : j - 1;
}

/*
 * Close the hole at logical idx (its page leaves): pages before it move one
 * place up and head advances, or pages after it move one place down,
 * whichever side is shorter.  count is the caller's to lower.
 */
static void close_gap(struct vmp *v, uint32_t idx)
{
	if (idx < v->count - 1 - idx) {
		for (uint32_t i = idx; i > 0; i--)
			*vmp_at(v, i) = *vmp_at(v, i - 1);
		v->head = ring_next(v, v->head);
	} else {
		for (uint32_t i = idx; i + 1 < v->count; i++)
			*vmp_at(v, i) = *vmp_at(v, i + 1);
	}
}

/*
 * Open a hole at logical idx <= count < capacity: the shorter side moves
 * away from it (before it: one place down, head retreats; after it: one
 * place up).  count is the caller's to raise.
 */
static void open_gap(struct vmp *v, uint32_t idx)
{
	if (idx < v->count - idx) {
		v->head = ring_prev(v, v->head);
		for (uint32_t i = 0; i < idx; i++)
			*vmp_at(v, i) = *vmp_at(v, i + 1);
	} else {
		for (uint32_t i = v->count; i > idx; i--)
			*vmp_at(v, i) = *vmp_at(v, i - 1);
	}
}

void vmp_move_to_tail(struct vmp *v, uint32_t idx)
{
	struct vmp_frame f = *vmp_at(v, idx);

	if (idx == 0) {			  /* second chance's move: O(1) */
		*vmp_at(v, v->count) = f; /* with the ring full, itself */
		v->head = ring_next(v, v->head);
		return;
	}
	close_gap(v, idx);
	*vmp_at(v, v->count - 1) = f;
}

/*
 * A hit.  OSTEP's LRU and MRU move the page to the MRU end (its
 * memory.remove(n); memory.append(n)); its clock counts the use, capped at
 * -b (ref[n] += 1; if ref[n] > clockbits: ref[n] = clockbits).
 */
void vmp_access(struct vmp *v, uint32_t idx, uint32_t bits)
{
	struct vmp_frame *f;

	kassert(idx < v->count);
	f = vmp_at(v, idx);
	f->bits |= bits & (VMP_R | VMP_M);
	switch (v->p.kind) {
	case VMP_LRU:
	case VMP_MRU:
		vmp_move_to_tail(v, idx);
		break;
	case VMP_CLOCK:
		if (++f->ref > v->p.clockbits)
			f->ref = v->p.clockbits;
		break;
	default:
		if (!is_ostep(v->p.kind))
			vmp_access_book(v, f, bits);
		break;
	}
}

void vmp_tick(struct vmp *v)
{
	if (!is_ostep(v->p.kind))
		vmp_tick_book(v);
}

void vmp_set_now(struct vmp *v, uint64_t now)
{
	v->now = now;
}

int vmp_pick(struct vmp *v)
{
	int i;

	if (v->count == 0)
		return VMP_EEMPTY;
	switch (v->p.kind) {
	case VMP_SECOND_CHANCE:
		i = vmp_pick_second_chance(v);
		break;
	case VMP_CLOCK_HAND:
		i = vmp_pick_clock_hand(v);
		break;
	default:
		i = is_ostep(v->p.kind) ? vmp_pick_ostep(v) : vmp_pick_book(v);
		break;
	}
	kassert(i >= 0 && (uint32_t)i < v->count);
	return i;
}

/* The hand keeps pointing at the same page, or at the one after idx. */
void vmp_remove(struct vmp *v, uint32_t idx)
{
	kassert(idx < v->count);
	close_gap(v, idx);
	v->count--;
	if (idx < v->hand)
		v->hand--;
	if (v->hand >= v->count)
		v->hand = 0;
}

/*
 * A page faulted in: appended at the tail (the list policies' "last in"),
 * or, on the hand's circle, just behind the hand: into the place of the
 * victim just removed, the last frame the hand will reach again.  OSTEP's
 * clock counter starts at 1 (ref[n] = 1, not capped); a new page has been
 * referenced, so R is set.
 */
int vmp_insert(struct vmp *v, vmp_page_t page, uint32_t bits)
{
	uint32_t at = v->count;
	struct vmp_frame *f;

	if (vmp_full(v))
		return VMP_EFULL;
	/* Just behind the hand: with the hand at 0, that is the end. */
	if ((v->p.kind == VMP_CLOCK_HAND || v->p.kind == VMP_WSCLOCK) &&
	    v->hand > 0) {
		at = v->hand;
		v->hand = at + 1;
	}
	open_gap(v, at);
	v->count++;
	f = vmp_at(v, at);
	*f = (struct vmp_frame){.page = page,
				.bits = VMP_R | (bits & VMP_M),
				.ref = v->p.kind == VMP_CLOCK ? 1 : 0,
				.last = v->now};
	return (int)at;
}
