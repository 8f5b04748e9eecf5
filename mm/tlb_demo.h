/*
 * tlb_demo — the TLB made visible: a stale translation, and its two cures.
 *
 * The TLB caches virtual-to-physical translations.  When the kernel changes
 * a page-table entry, the CPU may go on using the cached one until the
 * kernel invalidates it: `invlpg` for one page, or a CR3 reload for every
 * non-global entry (002_… and 004_… on the TLB; 001_… on why the OS must
 * keep it coherent).  tlb_demo_run maps one page, then retargets its PTE to
 * another frame three times and reads through the same virtual address
 * after each step:
 *
 *   1. PTE -> frame A, invalidated        the read sees A
 *   2. PTE -> frame B, NOT invalidated    the read may still see A (stale)
 *   3. invlpg                             the read sees B (cure 1)
 *   4. PTE -> frame A, NOT invalidated    the read may still see B (stale)
 *   5. CR3 reloaded                       the read sees A (cure 2)
 *
 * Steps 2 and 4 show what a missing invalidation does; whether the old
 * entry survives is up to the CPU (QEMU's and Bochs's TLBs keep it; a real
 * CPU usually does too, but is free to refill the entry at any moment).
 * The whole run happens with interrupts off and leaves no frame or mapping
 * behind.
 */
#ifndef KEEL_MM_TLB_DEMO_H
#define KEEL_MM_TLB_DEMO_H

#include <stdint.h>

#define TLB_DEMO_STEPS 5

struct tlb_demo {
	uint32_t va;		       /* the page the reads go through */
	uint32_t frame_a, frame_b;     /* the two frames it points at */
	char seen[TLB_DEMO_STEPS];     /* 'A' or 'B': what each read saw */
	char expected[TLB_DEMO_STEPS]; /* what the page table said */
};

/* Run the five steps; 0, or -1 without a frame or page table. */
int tlb_demo_run(struct tlb_demo *d);

#endif
