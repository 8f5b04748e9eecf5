/*
 * pageref — per-frame mapping counts for copy-on-write (see pageref.h).
 */
#include "mm/pageref.h"
#include "mm/swapslot.h"

#include "arch/layout.h"
#include "arch/x86.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/frame_pool.h"
#include "mm/vm.h"

static uint16_t *refs;
static uint32_t nframes;

/* The counts live in frames of their own, mapped at VM_PAGEREF_BASE (2
 * MiB covers 4 GiB of frames), not in the kernel heap. */
bool pageref_init(void)
{
	uint32_t bytes;
	if (refs)
		return true;
	nframes = frame_pool_get()->nframes;
	bytes = PAGE_ALIGN_UP(nframes * (uint32_t)sizeof(*refs));
	for (uint32_t off = 0; off < bytes; off += PAGE_SIZE) {
		uint32_t pa = frame_alloc();
		uint32_t *p;
		if (pa == 0 || vm_map(vm_kernel_space(), VM_PAGEREF_BASE + off,
				      pa, VM_WRITE) != VM_OK)
			return false;
		p = (uint32_t *)(VM_PAGEREF_BASE + off);
		memset(p, 0, PAGE_SIZE);
	}
	refs = (uint16_t *)VM_PAGEREF_BASE;
	return true;
}

static uint16_t *slot(uint32_t pa)
{
	uint32_t f = pa / FRAME_SIZE;
	if (!refs || f >= nframes)
		panic("pageref: frame 0x%08x is outside the counted range", pa);
	return &refs[f];
}

uint32_t pageref_count(uint32_t pa)
{
	return *slot(pa);
}

void pageref_first(uint32_t pa)
{
	*slot(pa) = 1;
}

bool pageref_get_ref(uint32_t pa)
{
	uint16_t *r = slot(pa);
	if (*r == PAGEREF_MAX)
		return false;
	(*r)++;
	return true;
}

uint32_t pageref_put(uint32_t pa)
{
	bool on = irq_save();
	uint16_t *r = slot(pa);
	if (*r == 0)
		panic("pageref_put: frame 0x%08x has no mapping left", pa);
	if (--*r == 0) {
		swapslot_frame_drop(pa); /* its clean swap copy, if any */
		frame_free(pa);
	}
	irq_restore(on);
	return *r;
}
