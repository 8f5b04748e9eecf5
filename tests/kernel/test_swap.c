/*
 * The swap area's bookkeeping in the page tables (mm/uvm.c, mm/swapslot.c):
 * a page evicted to a slot, that slot shared by fork, put by unmap and
 * exit, read back into a private frame that keeps the slot as its clean
 * copy, and evicted again without a write.  No disk I/O here (the slots
 * are allocated, not written): user/swaptests checks the data through
 * the disk.  Needs the swap area, so the cases skip without a disk; make
 * test runs them with one (tools/harness swap, test=swap.*).
 */
#include "arch/layout.h"
#include "arch/x86.h"
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/pageref.h"
#include "mm/swapslot.h"
#include "mm/uvm.h"
#include "proc/swap.h"

#define UVA 0x08048000u

/* Evict the page at UVA of s "to" a fresh slot (no write): the slot. */
static uint32_t evict(struct vm_space *s)
{
	struct uvm_victim v;
	uint32_t slot;
	if (uvm_evict_begin(s, UVA, &v) != VM_OK)
		return SWAPSLOT_NONE;
	slot = v.write ? swapslot_alloc() : SWAPSLOT_NONE;
	if (uvm_evict_end(s, &v, slot) != VM_OK)
		return SWAPSLOT_NONE;
	return uvm_pte_slot(uvm_pte(s, UVA));
}

KTEST(swap, evicted_slot_shared_by_fork_and_put_by_unmap)
{
	struct vm_space a, b;
	uint32_t used0 = swapslot_used(), slot, pa;
	if (!swap_enabled())
		ktest_skip("no swap area (no disk)");
	KASSERT_EQ(vm_space_init(&a), VM_OK);
	KASSERT_EQ(vm_space_init(&b), VM_OK);
	KASSERT_EQ(uvm_alloc_page(&a, UVA, VM_WRITE), VM_OK);
	slot = evict(&a);
	KASSERT_NE(slot, SWAPSLOT_NONE);
	KEXPECT_TRUE(uvm_pte_swapped(uvm_pte(&a, UVA)));
	KEXPECT_EQ(swapslot_count(slot), 1); /* the entry's; frame freed */
	KASSERT_EQ(uvm_fork(&b, &a, false), VM_OK);
	KEXPECT_EQ(swapslot_count(slot), 2); /* shared with the child */
	uvm_unmap_range(&a, UVA, UVA + PAGE_SIZE);
	KEXPECT_EQ(uvm_pte(&a, UVA), 0);
	KEXPECT_EQ(swapslot_count(slot), 1);
	/* The child reads it back: a private frame, the slot its copy. */
	pa = frame_alloc();
	KASSERT_NE(pa, 0);
	KASSERT_EQ(uvm_swap_in(&b, UVA, pa, VM_WRITE), VM_OK);
	KEXPECT_TRUE(uvm_pte(&b, UVA) & PTE_PRESENT);
	KEXPECT_EQ(swapslot_frame_get(pa), slot);
	KEXPECT_EQ(pageref_count(pa), 1);
	/* Clean: evicted again without a new slot (no write). */
	KEXPECT_EQ(evict(&b), slot);
	KEXPECT_EQ(swapslot_count(slot), 1);
	uvm_destroy(&b);
	uvm_destroy(&a);
	KEXPECT_EQ(swapslot_used(), used0);
}

KTEST(swap, a_page_changed_during_its_write_stays)
{
	struct vm_space a;
	struct uvm_victim v;
	uint32_t used0 = swapslot_used(), free0, slot;
	if (!swap_enabled())
		ktest_skip("no swap area (no disk)");
	KASSERT_EQ(vm_space_init(&a), VM_OK);
	KASSERT_EQ(uvm_alloc_page(&a, UVA, VM_WRITE), VM_OK);
	free0 = frame_free_count();
	KASSERT_EQ(uvm_evict_begin(&a, UVA, &v), VM_OK);
	KEXPECT_TRUE(v.write);
	slot = swapslot_alloc();
	KASSERT_NE(slot, SWAPSLOT_NONE);
	/* Unmapped while "written": the end gives up, the slot goes. */
	uvm_unmap_range(&a, UVA, UVA + PAGE_SIZE);
	KEXPECT_EQ(uvm_evict_end(&a, &v, slot), VM_EEXIST);
	KEXPECT_EQ(swapslot_used(), used0);
	KEXPECT_EQ(uvm_pte(&a, UVA), 0);
	KEXPECT_EQ(frame_free_count(), free0 + 1 + 1); /* frame, table */
	uvm_destroy(&a);
}

KTEST(swap, full_area_reclaims_only_sole_clean_copies)
{
	struct vm_space a, b;
	uint32_t used0 = swapslot_used(), slot, pa;
	if (!swap_enabled())
		ktest_skip("no swap area (no disk)");
	KASSERT_EQ(vm_space_init(&a), VM_OK);
	KASSERT_EQ(vm_space_init(&b), VM_OK);
	KASSERT_EQ(uvm_alloc_page(&a, UVA, VM_WRITE), VM_OK);
	slot = evict(&a);
	KASSERT_EQ(uvm_fork(&b, &a, false), VM_OK); /* count 2 */
	pa = frame_alloc();
	KASSERT_NE(pa, 0);
	KASSERT_EQ(uvm_swap_in(&a, UVA, pa, VM_WRITE), VM_OK);
	/* a's copy shares the slot with b's entry: not reclaimable. */
	KEXPECT_EQ(swapslot_reclaim_copies(), 0);
	KEXPECT_EQ(swapslot_frame_get(pa), slot);
	uvm_destroy(&b); /* now the copy is the only reference */
	KEXPECT_EQ(swapslot_reclaim_copies(), 1);
	KEXPECT_EQ(swapslot_frame_get(pa), SWAPSLOT_NONE);
	KEXPECT_EQ(swapslot_used(), used0);
	uvm_destroy(&a);
}
