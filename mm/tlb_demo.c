/*
 * tlb_demo — see tlb_demo.h.
 */
#include "mm/tlb_demo.h"

#include <stdbool.h>
#include <stddef.h>

#include "arch/layout.h"
#include "arch/x86.h"
#include "mm/frame.h"
#include "mm/vm.h"

/* A page in the kernel-stack region's last 4 MiB, which stacks never reach
 * (the kernel tests use the same region, never at the same time). */
#define DEMO_VA (VM_KSTACK_LIMIT - (4u << 20) + 16 * PAGE_SIZE)

/* Write a marker at the start of a frame through a temporary mapping. */
static void mark(uint32_t pa, char c)
{
	volatile char *p = vm_kmap(pa);
	*p = c;
	vm_kunmap((void *)p);
}

/* Read through the demo page: what the CPU's translation says is there. */
static char look(uint32_t va)
{
	return *(volatile const char *)va;
}

int tlb_demo_run(struct tlb_demo *d)
{
	struct vm_space *k = vm_kernel_space();
	uint32_t a = frame_alloc(), b = frame_alloc();

	d->va = DEMO_VA;
	d->frame_a = a;
	d->frame_b = b;
	if (!a || !b || vm_map(k, DEMO_VA, a, 0) != VM_OK) {
		if (a)
			frame_free(a);
		if (b)
			frame_free(b);
		return -1;
	}
	mark(a, 'A');
	mark(b, 'B');
	bool on = irq_save(); /* nothing else may touch the TLB meanwhile */
	d->expected[0] = 'A';
	d->seen[0] = look(DEMO_VA); /* the translation is now cached */
	vm_retarget(k, DEMO_VA, b, false, NULL);
	d->expected[1] = 'B';
	d->seen[1] = look(DEMO_VA);
	invlpg(DEMO_VA);
	d->expected[2] = 'B';
	d->seen[2] = look(DEMO_VA);
	vm_retarget(k, DEMO_VA, a, false, NULL);
	d->expected[3] = 'A';
	d->seen[3] = look(DEMO_VA);
	vm_flush_tlb();
	d->expected[4] = 'A';
	d->seen[4] = look(DEMO_VA);
	irq_restore(on);
	vm_unmap(k, DEMO_VA, NULL);
	frame_free(a);
	frame_free(b);
	return 0;
}
