/*
 * uvm — the user half of an address space, page by page.
 *
 * What processes (proc/) do to their pages, on top of mm/vm.c's mapping:
 * give a page a fresh zeroed frame, share every page with a child at
 * fork (copy-on-write) or copy them all (eager, the comparison the
 * benchmarks make), resolve a write to a shared page, unmap a range, and
 * tear a space down.  Every user frame is counted in mm/pageref.h.
 *
 * Copy-on-write (003_*, "copy-on-write"; CS:APP 9.8.3): fork clears the
 * writable bit of every writable page in *both* spaces and marks the entry
 * UVM_PTE_COW (an available bit the CPU ignores); the frame's count goes
 * up.  The first write faults; uvm_make_writable then takes the frame over
 * when its count is 1, or copies it into a fresh frame.  Fork copies page
 * *tables*, not pages: its cost is a table walk, not 4 KiB a page.
 *
 * Errors are VM_* codes (mm/vm.h); VM_ENOMEM leaves what was done so far
 * in place for uvm_destroy to undo.  Interrupts are disabled inside.
 */
#ifndef KEEL_MM_UVM_H
#define KEEL_MM_UVM_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/vm.h"

#define UVM_PTE_COW (1u << 9) /* available bit: shared copy-on-write */
/* available bit: a page of a shared mapping (mm/shmem.h): fork shares it
 * as it is (never copy-on-write), and a write never copies it. */
#define UVM_PTE_SHARED (1u << 10)
/*
 * A swapped-out page (001_*, 002_*: the present bit clear, the page "on
 * disk"): a PTE with PTE_PRESENT clear, this marker (bit 11) set and the swap
 * slot (mm/swapslot.h) in bits 12-31, where a present PTE keeps its frame.  The
 * CPU ignores every other bit of a not-present entry; the entry still
 * counts as used, so its page table stays.  The slot holds one reference
 * for the entry.
 */
#define UVM_PTE_SWAP	   (1u << 11)
#define UVM_PTE_SLOT_SHIFT 12

static inline bool uvm_pte_swapped(uint32_t pte)
{
	return !(pte & PTE_PRESENT) && (pte & UVM_PTE_SWAP);
}
static inline uint32_t uvm_pte_slot(uint32_t pte)
{
	return pte >> UVM_PTE_SLOT_SHIFT;
}

/* A zeroed frame at va (page-aligned, user half) with VM_USER | flags. */
int uvm_alloc_page(struct vm_space *s, uint32_t va, uint32_t flags);
/* The same, the frame's content written by fill(dst, ctx) (4 KiB, through
 * a temporary kernel mapping) instead of zeroed: demand paging's fill. */
typedef void (*uvm_fill_fn)(void *dst, const void *ctx);
int uvm_alloc_page_fill(struct vm_space *s, uint32_t va, uint32_t flags,
			uvm_fill_fn fill, const void *ctx);
/* Map frame pa (a shared object's) at va with VM_USER | flags, marked
 * UVM_PTE_SHARED; the frame's count goes up by one. */
int uvm_map_shared(struct vm_space *s, uint32_t va, uint32_t pa,
		   uint32_t flags);
/* The frame mapped at va, mapped for the kernel (vm_kmap); NULL if none.
 * vm_kunmap it. */
void *uvm_kmap_page(struct vm_space *s, uint32_t va);
/* Every user page of src into dst (empty): shared copy-on-write, or with
 * eager true, copied into fresh frames; UVM_PTE_SHARED pages are mapped
 * to the same frame either way. */
int uvm_fork(struct vm_space *dst, struct vm_space *src, bool eager);
/* A write to va may go ahead: take the frame over or copy it (a shared
 * page is neither: it only gains the bit); set the writable bit.
 * VM_ENOENT if nothing is mapped there. */
int uvm_make_writable(struct vm_space *s, uint32_t va);
/* Unmap [start, end) (page-aligned), dropping each frame's count. */
void uvm_unmap_range(struct vm_space *s, uint32_t start, uint32_t end);
/* Change the mapped pages of [start, end): clear the bits of clear, set
 * the bits of set (only PTE_WRITABLE and PTE_USER). */
void uvm_protect_range(struct vm_space *s, uint32_t start, uint32_t end,
		       uint32_t clear, uint32_t set);
/* Unmap every user page and free the tables and directory. */
void uvm_destroy(struct vm_space *s);

/* The raw page-table entry for va (0 where no table). */
uint32_t uvm_pte(struct vm_space *s, uint32_t va);

/*
 * Page-out in two steps around the disk write (proc/swap.c does the I/O).
 * uvm_evict_begin: the page at va must be present.  It pins the frame (one
 * more count, so an exit during the write cannot free it) and says whether
 * a write is needed: not when the frame is a clean copy of a slot (the
 * dirty bit clear since it was read or written).  Otherwise the stale copy
 * is forgotten and the dirty bit cleared (TLB entry dropped), so that a
 * write to the page during the I/O shows up at uvm_evict_end.
 * uvm_evict_end: slot is the slot just written (the caller's reference
 * moves to the frame) or SWAPSLOT_NONE for a clean page.  The PTE becomes
 * a swapped entry and the frame loses this mapping and the pin.  VM_EEXIST
 * if the page changed meanwhile (unmapped, remapped or written): the
 * caller's slot is put, the page stays, nothing else changes.
 */
struct uvm_victim {
	uint32_t va, pa;
	bool write; /* the frame must be written to a fresh slot */
};
int uvm_evict_begin(struct vm_space *s, uint32_t va, struct uvm_victim *v);
int uvm_evict_end(struct vm_space *s, struct uvm_victim *v, uint32_t slot);
/* Make the swapped page at va present on frame pa (its content read from
 * the entry's slot, count 0 in pageref) with VM_USER | flags; the frame
 * keeps the slot as its clean copy.  VM_ENOENT if va is not swapped. */
int uvm_swap_in(struct vm_space *s, uint32_t va, uint32_t pa, uint32_t flags);
/* Clear the user bit of the present page at va (hide) or set it again;
 * false if not present.  The access-tracing of proc/resident.c. */
bool uvm_set_user(struct vm_space *s, uint32_t va, bool user);
/* Read and clear the accessed and dirty bits' "accessed" part: returns
 * the PTE as it was (0 if not present). */
uint32_t uvm_test_clear_accessed(struct vm_space *s, uint32_t va);

struct uvm_usage {
	uint32_t pages;	  /* user pages mapped */
	uint32_t shared;  /* of which on a frame another mapping shares */
	uint32_t swapped; /* pages in swap slots */
};
void uvm_usage(struct vm_space *s, struct uvm_usage *u);

#endif
