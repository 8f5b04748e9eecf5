/*
 * swapslot — slot allocation and counts (swapslot.h).
 */
#include "mm/swapslot.h"

#include "arch/layout.h"
#include "arch/x86.h"
#include "kernel/panic.h"
#include "lib/bitmap.h"
#include "lib/string.h"
#include "mm/kheap.h"

static uint32_t *used_bits;  /* 1 = slot in use */
static uint16_t *counts;     /* references per slot */
static uint32_t *frame_copy; /* per frame: slot + 1, or 0 */
static uint32_t nslots, nused, nframes_known;

bool swapslot_init(uint32_t sectors, uint32_t nframes)
{
	uint32_t n = sectors / SWAPSLOT_SECTORS;
	if (n > SWAPSLOT_MAX + 1)
		n = SWAPSLOT_MAX + 1;
	used_bits = kcalloc(BITMAP_WORDS(n) + 1, sizeof(uint32_t));
	counts = kcalloc(n + 1, sizeof(uint16_t));
	frame_copy = kcalloc(nframes + 1, sizeof(uint32_t));
	if (!used_bits || !counts || !frame_copy) {
		kfree(used_bits);
		kfree(counts);
		kfree(frame_copy);
		used_bits = NULL;
		counts = NULL;
		frame_copy = NULL;
		return false;
	}
	nslots = n;
	nframes_known = nframes;
	return true;
}

static uint32_t usable(void)
{
	return nslots;
}

uint32_t swapslot_alloc(void)
{
	bool on = irq_save();
	uint32_t s = SWAPSLOT_NONE;
	if (used_bits && nused < usable()) {
		s = bitmap_find_zero(used_bits, nslots, 0);
		if (s != BITMAP_NONE) {
			bitmap_set(used_bits, s);
			counts[s] = 1;
			nused++;
		} else {
			s = SWAPSLOT_NONE;
		}
	}
	irq_restore(on);
	return s;
}

static void check(uint32_t slot, const char *who)
{
	if (slot >= nslots || counts[slot] == 0)
		panic("%s: slot %u is not in use", who, slot);
}

void swapslot_get(uint32_t slot)
{
	bool on = irq_save();
	check(slot, "swapslot_get");
	if (counts[slot] == 0xFFFFu)
		panic("swapslot_get: slot %u's count would wrap", slot);
	counts[slot]++;
	irq_restore(on);
}

uint32_t swapslot_put(uint32_t slot)
{
	bool on = irq_save();
	uint32_t left;
	check(slot, "swapslot_put");
	left = --counts[slot];
	if (left == 0) {
		bitmap_clear(used_bits, slot);
		nused--;
	}
	irq_restore(on);
	return left;
}

uint32_t swapslot_count(uint32_t slot)
{
	return slot < nslots ? counts[slot] : 0;
}

uint32_t swapslot_total(void)
{
	return usable();
}

uint32_t swapslot_used(void)
{
	return nused;
}

static uint32_t *copy_of(uint32_t pa)
{
	uint32_t f = pa / PAGE_SIZE;
	return frame_copy && f < nframes_known ? &frame_copy[f] : NULL;
}

void swapslot_frame_set(uint32_t pa, uint32_t slot)
{
	bool on = irq_save();
	uint32_t *c = copy_of(pa);
	if (!c)
		panic("swapslot_frame_set: frame 0x%08x out of range", pa);
	if (*c)
		swapslot_put(*c - 1);
	*c = slot + 1;
	irq_restore(on);
}

uint32_t swapslot_frame_get(uint32_t pa)
{
	uint32_t *c = copy_of(pa);
	return c && *c ? *c - 1 : SWAPSLOT_NONE;
}

void swapslot_frame_drop(uint32_t pa)
{
	bool on = irq_save();
	uint32_t *c = copy_of(pa);
	if (c && *c) {
		uint32_t s = *c - 1;
		*c = 0;
		swapslot_put(s);
	}
	irq_restore(on);
}

uint32_t swapslot_reclaim_copies(void)
{
	uint32_t freed = 0;
	bool on = irq_save();
	for (uint32_t f = 0; frame_copy && f < nframes_known; f++) {
		uint32_t c = frame_copy[f];
		if (c && counts[c - 1] == 1) {
			frame_copy[f] = 0;
			swapslot_put(c - 1);
			freed++;
		}
	}
	irq_restore(on);
	return freed;
}
