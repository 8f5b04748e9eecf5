/*
 * vma — what an area's pages hold before anybody wrote them (demand
 * paging), for the fault path and for page replacement (swap).
 *
 * Demand paging (004_*: "virtual memory as a cache of the disk"; OSTEP
 * ch. 21; CS:APP 9.8): a page of an area is filled only when first
 * touched.  What it is filled with is the area's business: the program
 * file's bytes for a file-backed area (its text and data, straight from
 * the initrd, zero past p_filesz: the bss), zeros for an anonymous one,
 * the shared object's frame for a shared one (struct vma in proc/proc.h).
 *
 * Page replacement may drop a clean private page of a file-backed area
 * instead of writing it to swap: vma_fill_page makes it again, byte for
 * byte, at the next touch.  "Clean" is the replacement code's to know:
 * the PTE's dirty bit clear *and* the page filled by vma_fill_page (not
 * brought back from swap) since it was last written.
 */
#ifndef KEEL_PROC_VMA_H
#define KEEL_PROC_VMA_H

#include <stdbool.h>
#include <stdint.h>

#include "proc/proc.h"

/* Write into dst (4 KiB, a kernel address) what the page at va of v holds
 * before any write: file bytes, zero past them. */
void vma_fill_page(const struct vma *v, uint32_t va, void *dst);
/* Can a clean page at va of v be dropped and refilled by vma_fill_page?
 * True for private file-backed areas; shared pages never. */
bool vma_page_refillable(const struct vma *v, uint32_t va);
/* A shared area of [start, end) (kind VMA_MMAP or VMA_SHM) with a new
 * shared object, or with m, which gains a reference, its page pgoff at
 * start: 0, -ENOMEM. */
int vma_add_shared(struct proc *p, uint32_t start, uint32_t end, uint8_t prot,
		   uint8_t kind, struct shmem *m, uint32_t pgoff);

#endif
