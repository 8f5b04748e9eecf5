/*
 * mm — bring-up of memory management, in order: frames (the bitmap from the
 * memory map), paging (the kernel's final page directory), the heap.
 */
#ifndef KEEL_MM_MM_H
#define KEEL_MM_MM_H

#include <stdint.h>

void mm_init(void);
/* Free frames, counting the heap's own pages as free: the heap keeps a
 * few pages mapped after a free (hysteresis), which is not a leak.  The
 * self-tests' frame probe. */
uint32_t mm_free_frames_probe(void);

#endif
