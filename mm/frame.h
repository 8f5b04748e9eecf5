/*
 * frame — the kernel's physical frame allocator.
 *
 * One bit per 4 KiB frame over all RAM below 4 GiB, kept by the pure core
 * mm/frame_pool.c: a set bit is a frame in use or reserved
 * (002_a995ac13012f81cc.txt on bitmaps: one bit per allocation unit; the cost
 * is the search for free bits, which a next-free hint and a word-at-a-time scan
 * keep O(1) amortised).
 *
 * At boot, frame_init() reads the memory map the loader gave (or, without
 * one, mem_lower/mem_upper), normalises it (mm/memmap.c: sorted, clipped,
 * reserved wins over usable, page-aligned), places the two bitmaps in low
 * usable RAM, and reserves: the first MiB (BIOS data, VGA, ROMs), the kernel
 * image, the loader's structures and modules, and the bitmaps themselves.
 *
 * Guarantees:
 *  - frame_alloc never hands out a reserved frame or one in use; it returns
 *    0 when memory is exhausted (physical address 0 is never allocatable);
 *  - freeing a frame that is free, reserved or out of range panics, naming
 *    the frame's address and the caller;
 *  - total == free + reserved + allocated, always.
 * All functions may be called with interrupts on (they disable them).
 */
#ifndef KEEL_MM_FRAME_H
#define KEEL_MM_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#define FRAME_SIZE 4096u

struct frame_pool;

void frame_init(void);
/* A free frame's physical address, or 0 when none is left. */
uint32_t frame_alloc(void);
void frame_free(uint32_t pa);
/*
 * `count` physically contiguous frames whose first address is a multiple of
 * align_frames * FRAME_SIZE (a power of two); the first address, or 0.
 */
uint32_t frame_alloc_contig(uint32_t count, uint32_t align_frames);
void frame_free_contig(uint32_t pa, uint32_t count);

uint32_t frame_total(void);
uint32_t frame_free_count(void);
uint32_t frame_reserved_count(void);
/* The pool itself, for the tests and the console (read-only use). */
const struct frame_pool *frame_pool_get(void);
/* Print the normalised map and the totals (at boot, and on demand). */
void frame_print_map(void);
/* The physical range the bitmaps occupy (for mapping them). */
void frame_bitmap_range(uint32_t *pa, uint32_t *bytes);

#endif
