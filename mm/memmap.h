/*
 * memmap: turns the firmware's memory map into clean usable frame ranges.
 *
 * The multiboot loader hands over a list of raw entries {base, length, type}
 * copied from the BIOS (E820).  Such maps are messy: unsorted, overlapping,
 * zero-length, partly above 4 GiB, not page aligned.  The frame allocator
 * (frame_pool.h) wants the opposite: "these whole 4 KiB frames are RAM that
 * nobody else uses".  This module is the translation, a pure function of its
 * input.
 *
 * Guarantees of memmap_normalise():
 *  - The output is sorted by frame number, non-overlapping and non-adjacent
 *    (touching ranges are merged), and every range is non-empty.
 *  - A frame is in the output only if some type-1 ("usable") entry covers it
 *    completely and no entry of any other type touches any byte of it:
 *    reserved wins over usable, so usable ranges shrink inward to whole
 *    frames and reserved ranges grow outward to whole frames.  ACPI
 *    reclaimable memory (type 3) counts as reserved: the kernel never
 *    reclaims the ACPI tables.
 *  - Only RAM below 4 GiB is reported (the frame bitmap covers 32-bit
 *    physical addresses without PAE): entries are clipped at 4 GiB and
 *    entries wholly above it are ignored.
 *  - The caller's buffer is never written past `cap`.  What does not fit is
 *    dropped, highest addresses first, and counted in the result; dropping
 *    usable RAM is always safe, reporting reserved RAM as usable never
 *    happens.
 *  - No allocation: a fixed work array of MEMMAP_WORK_RANGES ranges lives on
 *    the stack (512 bytes).  The algorithm is O(n * MEMMAP_WORK_RANGES):
 *    insertion into a sorted array and one subtraction pass per reserved
 *    entry.  Quadratic, which is fine for the ~10-30 entries real maps have.
 */
#ifndef KEEL_MM_MEMMAP_H
#define KEEL_MM_MEMMAP_H

#include <stdint.h>

/* Entry types, as multiboot (and the BIOS's E820 call) numbers them. */
#define MEMMAP_TYPE_USABLE	     1u
#define MEMMAP_TYPE_RESERVED	     2u
#define MEMMAP_TYPE_ACPI_RECLAIMABLE 3u
#define MEMMAP_TYPE_ACPI_NVS	     4u
#define MEMMAP_TYPE_BAD		     5u

/* A frame is one 4 KiB page of physical memory. */
#define MEMMAP_FRAME_SHIFT 12u
#define MEMMAP_FRAME_SIZE  (1u << MEMMAP_FRAME_SHIFT)
/* Physical memory the frame bitmap can describe: the 32-bit space. */
#define MEMMAP_LIMIT ((uint64_t)1 << 32)
/* Frames below MEMMAP_LIMIT: 2^20. */
#define MEMMAP_MAX_FRAMES ((uint32_t)(MEMMAP_LIMIT >> MEMMAP_FRAME_SHIFT))
/* Distinct usable ranges the normaliser can hold while it works. */
#define MEMMAP_WORK_RANGES 64u

/* Results of memmap_normalise() and memmap_from_mem_fields(). */
#define MEMMAP_OK	  0
#define MEMMAP_ETRUNCATED (-1) /* some usable ranges were dropped */
#define MEMMAP_ENOUSABLE  (-2) /* no usable frame at all */

/* One raw entry, as read from the multiboot mmap (its size field aside). */
struct memmap_entry {
	uint64_t base;
	uint64_t len;
	uint32_t type;
};

/* Usable frames [first, end): frame f is physical [f << 12, (f + 1) << 12). */
struct memmap_range {
	uint32_t first;
	uint32_t end;
};

struct memmap_result {
	uint32_t nranges;	 /* ranges written to the caller's buffer */
	uint32_t usable_frames;	 /* frames in those ranges */
	uint32_t highest_frame;	 /* the highest usable frame (0 if none) */
	uint32_t dropped_ranges; /* usable ranges left out for lack of room */
	uint32_t dropped_frames; /* frames in them */
};

/*
 * Normalises n raw entries into at most cap ranges in out (see above).
 * Returns MEMMAP_OK, MEMMAP_ETRUNCATED (the output is still valid, just
 * incomplete) or MEMMAP_ENOUSABLE.  *res is always filled in.
 */
int memmap_normalise(const struct memmap_entry *in, uint32_t n,
		     struct memmap_range *out, uint32_t cap,
		     struct memmap_result *res);

/*
 * The fallback when the loader gives no memory map, only the multiboot
 * mem_lower / mem_upper fields: mem_lower KiB of RAM from address 0 and
 * mem_upper KiB from 1 MiB.  Same output and results as memmap_normalise().
 */
int memmap_from_mem_fields(uint32_t mem_lower_kib, uint32_t mem_upper_kib,
			   struct memmap_range *out, uint32_t cap,
			   struct memmap_result *res);

/* An entry type in words: "usable", "reserved", "ACPI reclaimable", ... */
const char *memmap_type_name(uint32_t type);

#endif
