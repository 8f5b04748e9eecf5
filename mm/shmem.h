/*
 * shmem — a shared memory object: pages several address spaces map at once.
 *
 * Private pages are copied at the first write after a fork (copy-on-write,
 * mm/uvm.h); a *shared* mapping (mmap's MAP_SHARED, System V's shmat) is
 * the opposite: every process that maps it sees every other's writes, so
 * its pages cannot belong to one page table.  They belong to this object
 * (CS:APP 9.8.1, "shared objects"; Linux's shmem inode), which holds one
 * frame per page, given a zeroed frame at the first touch from any
 * mapping (demand-zero), each frame counted once for the object and once
 * for every page-table entry that maps it (mm/pageref.h).  The object
 * lives while anything refers to it (mappings, a System V segment's id);
 * the last shmem_put frees the object and drops its frame counts, so a
 * frame still mapped somewhere goes only when that mapping does.
 *
 * Interrupts are disabled inside; callers need no lock.
 */
#ifndef KEEL_MM_SHMEM_H
#define KEEL_MM_SHMEM_H

#include <stdint.h>

struct shmem {
	uint32_t refs;	   /* areas mapping it, plus other holders */
	uint32_t npages;   /* its size */
	uint32_t frames[]; /* physical address of page i, or 0: untouched */
};

/* A new object of npages untouched pages (one reference), or NULL. */
struct shmem *shmem_create(uint32_t npages);
void shmem_get(struct shmem *m);
/* Drop a reference; the last frees the object and its frame counts. */
void shmem_put(struct shmem *m);
/* Page i's frame, given a zeroed one at the first call: its physical
 * address, or 0 without memory (or i out of range). */
uint32_t shmem_frame(struct shmem *m, uint32_t i);
/* Frames the object holds (pages touched). */
uint32_t shmem_resident(const struct shmem *m);

#endif
