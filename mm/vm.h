/*
 * vm — two-level paging: address spaces, mapping, translation.
 *
 * The x86 two-level page table (002_a995ac13012f81cc.txt: the 10/10/12
 * split; 004_b0ae9d4f0844a55a.txt: multi-level page tables): a 32-bit
 * virtual address is a 10-bit page-directory index, a 10-bit page-table
 * index and a 12-bit offset.  A page directory of 1024 entries points to
 * page tables of 1024 entries, each mapping one 4 KiB page.  Tables exist
 * only where something is mapped, which is the whole point of two levels: a
 * sparse address space costs a few tables, not a 4 MiB linear array.
 *
 * Virtual memory layout (every address space):
 *
 *   0x00000000 - 0x00000FFF   never mapped: a NULL dereference faults
 *   0x00001000 - 0xBFFFFFFF   user space (for processes, later)
 *   0xC0000000 - 0xC00FFFFF   the first MiB of RAM (VGA text at 0xC00B8000)
 *   0xC0100000 - ...          the kernel image: text and rodata read-only,
 *                             data and bss read-write, the boot stack's
 *                             guard page unmapped; then the frame bitmaps
 *   VM_KSTACK_BASE ...        kernel stacks, each under an unmapped guard page
 *   VM_HEAP_BASE ... LIMIT    the kernel heap, grown and shrunk page by page
 *   VM_PAGEREF_BASE ...       frame reference counts (mm/pageref.c)
 *   VM_INITRD_BASE ...        the initrd archive, read-only (fs/initrd.c)
 *   VM_KMAP_BASE ...          temporary mapping slots (vm_kmap)
 *   0xFFC00000 - 0xFFFFFFFF   the current page tables (recursive mapping)
 *
 * How page tables are reached, since RAM is not all mapped:
 *  - the *current* address space's tables through the recursive mapping:
 *    the last directory entry points at the directory itself, so table i
 *    appears at 0xFFC00000 + i * 4096 and the directory at 0xFFFFF000;
 *  - any other frame (another space's tables, a frame to zero or copy)
 *    through a temporary mapping slot: vm_kmap(pa) maps it at a fixed kernel
 *    address until vm_kunmap.
 *
 * The kernel half is the same in every address space: kernel page tables
 * are shared, and when one is created or freed, every address space's
 * directory entry is updated (spaces are kept on a list for that).
 *
 * A page table's frame goes back to the frame allocator when its last entry
 * is unmapped; each space counts the present entries of each of its tables.
 *
 * Errors: vm_map returns VM_ENOMEM when no frame is left for a new page
 * table, VM_EEXIST if the page is already mapped, VM_EINVAL for an
 * unaligned address; nothing is changed then.  Interrupts are disabled
 * inside each call.
 */
#ifndef KEEL_MM_VM_H
#define KEEL_MM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86.h"

#define VM_PDE_COUNT	  1024
#define VM_PTE_COUNT	  1024
#define VM_PD_SHIFT	  22
#define VM_PDI(va)	  ((uint32_t)(va) >> VM_PD_SHIFT)
#define VM_PTI(va)	  (((uint32_t)(va) >> 12) & 0x3FF)
#define VM_KERNEL_PDI	  VM_PDI(0xC0000000u) /* 768: first kernel entry */
#define VM_RECURSIVE_PDI  1023u
#define VM_PAGE_TABLES	  0xFFC00000u /* table i at + i * 4096 */
#define VM_PAGE_DIRECTORY 0xFFFFF000u

#define VM_KSTACK_BASE	0xC8000000u
#define VM_KSTACK_LIMIT 0xD0000000u
#define VM_HEAP_BASE	0xD0000000u
#define VM_HEAP_LIMIT	0xF0000000u
#define VM_PAGEREF_BASE 0xF0000000u /* frame reference counts (pageref) */
#define VM_INITRD_BASE	0xF0200000u /* the boot archive, read-only (fs/) */
#define VM_INITRD_LIMIT 0xF8000000u
#define VM_KMAP_BASE	0xFF800000u /* one page table's worth of slots */
#define VM_KMAP_SLOTS	64u

/* Mapping flags: the PTE bits a caller may ask for. */
#define VM_WRITE      PTE_WRITABLE
#define VM_USER	      PTE_USER
#define VM_NOCACHE    PTE_NOCACHE
#define VM_FLAGS_MASK (PTE_WRITABLE | PTE_USER | PTE_NOCACHE | PTE_WRITETHROUGH)

#define VM_OK	  0
#define VM_ENOMEM (-1)
#define VM_EEXIST (-2)
#define VM_EINVAL (-3)
#define VM_ENOENT (-4)

struct vm_space {
	uint32_t pd_pa;	       /* physical address of the page directory */
	struct vm_space *next; /* all spaces, for kernel-half updates */
	/* present entries per user page table (the kernel half's counts are
	 * shared, in vm.c) */
	uint16_t pt_used[VM_KERNEL_PDI];
};

/* Build the kernel's final page directory and switch to it. */
void vm_init(void);
/* The kernel's own address space (kernel threads run in it). */
struct vm_space *vm_kernel_space(void);
/*
 * Make *s a new address space sharing the kernel half: VM_OK, or VM_ENOMEM
 * without a frame for its directory.  The caller owns the memory of *s (a
 * process embeds it, a test may keep it anywhere): paging sits below the
 * kernel heap and never allocates from it.
 */
int vm_space_init(struct vm_space *s);
/* Free a space's user page tables and directory (not the mapped frames). */
void vm_space_fini(struct vm_space *s);
/* The current address space: vm.c's, read through vm_current(). */
extern struct vm_space *vm_current_space;
void vm_switch_slow(struct vm_space *s);
/* Make s the current address space (reloads CR3 only if it changes).
 * Inline: it is on every context switch's path. */
static inline void vm_switch(struct vm_space *s)
{
	if (s != vm_current_space)
		vm_switch_slow(s);
}
struct vm_space *vm_current(void);

int vm_map(struct vm_space *s, uint32_t va, uint32_t pa, uint32_t flags);
/* Unmap one page; returns its frame's address in *pa (may be NULL). */
int vm_unmap(struct vm_space *s, uint32_t va, uint32_t *pa);
/*
 * Point an existing mapping of va at another frame, keeping its flags;
 * returns the old frame in *old_pa (may be NULL).  With flush false the TLB
 * is left as it is, so the CPU may go on using the old translation: only
 * the TLB demonstration (mm/tlb_demo.c) asks for that.
 */
int vm_retarget(struct vm_space *s, uint32_t va, uint32_t pa, bool flush,
		uint32_t *old_pa);
/* Drop every (non-global) TLB entry by reloading CR3. */
void vm_flush_tlb(void);
/* The physical address and PTE flags that va maps to, if mapped. */
bool vm_translate(struct vm_space *s, uint32_t va, uint32_t *pa,
		  uint32_t *pte_flags);
/* The raw directory and table entries for va (0 where absent). */
void vm_walk(struct vm_space *s, uint32_t va, uint32_t *pde, uint32_t *pte);

/* Map a physical frame at a temporary kernel address, and unmap it. */
void *vm_kmap(uint32_t pa);
void vm_kunmap(void *p);
/* Page tables currently allocated for user halves plus kernel tables. */
uint32_t vm_page_tables_in_use(void);

#endif
