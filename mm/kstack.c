/*
 * kstack — the kernel-stack area (see kstack.h).
 */
#include "mm/kstack.h"

#include "arch/x86.h"
#include "lib/bitmap.h"
#include "mm/frame.h"

#define KSTACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

static uint32_t slot_bits[BITMAP_WORDS(KSTACK_SLOTS)];
static uint32_t slot_hint;

uint32_t kstack_slot_base(uint32_t slot)
{
	return VM_KSTACK_BASE + slot * KSTACK_SLOT_BYTES;
}

static void unmap_stack(uint32_t base, uint32_t pages)
{
	for (uint32_t i = 0; i < pages; i++) {
		uint32_t pa;
		if (vm_unmap(vm_kernel_space(), base + PAGE_SIZE * (i + 1),
			     &pa) == VM_OK)
			frame_free(pa);
	}
}

static bool map_stack(uint32_t base)
{
	for (uint32_t i = 0; i < KSTACK_PAGES; i++) {
		uint32_t pa = frame_alloc();
		if (!pa || vm_map(vm_kernel_space(), base + PAGE_SIZE * (i + 1),
				  pa, VM_WRITE) != VM_OK) {
			if (pa)
				frame_free(pa);
			unmap_stack(base, i);
			return false;
		}
	}
	return true;
}

static void release_slot(uint32_t s)
{
	bool on = irq_save();
	bitmap_clear(slot_bits, s);
	if (s < slot_hint)
		slot_hint = s;
	irq_restore(on);
}

bool kstack_alloc(uint32_t *slot, uint32_t *top)
{
	bool on = irq_save();
	uint32_t s = bitmap_find_zero(slot_bits, KSTACK_SLOTS, slot_hint);
	bool ok = s < KSTACK_SLOTS;
	if (ok) {
		bitmap_set(slot_bits, s);
		slot_hint = s + 1;
	}
	irq_restore(on);
	if (!ok)
		return false;
	if (!map_stack(kstack_slot_base(s))) {
		release_slot(s);
		return false;
	}
	*slot = s;
	*top = kstack_slot_base(s) + KSTACK_SLOT_BYTES;
	return true;
}

void kstack_free(uint32_t slot)
{
	unmap_stack(kstack_slot_base(slot), KSTACK_PAGES);
	release_slot(slot);
}

bool kstack_guard_hit(uint32_t esp, uint32_t *slot)
{
	uint32_t off, s;
	if (esp < VM_KSTACK_BASE || esp >= VM_KSTACK_LIMIT)
		return false;
	s = (esp - VM_KSTACK_BASE) / KSTACK_SLOT_BYTES;
	off = (esp - VM_KSTACK_BASE) % KSTACK_SLOT_BYTES;
	/* In the guard page, or within a trap frame's reach above it. */
	if (off >= PAGE_SIZE + 128 || !bitmap_test(slot_bits, s))
		return false;
	*slot = s;
	return true;
}
