/*
 * swapslot — the slots of the swap area, and which frame holds a clean
 * copy of which slot.  Bookkeeping only: the disk I/O is proc/swap.c's
 * (mm/ may not name fs/, tools/layers).
 *
 * The swap area (001_*, 002_*: "swap area", the backing store of virtual
 * memory as a cache of the disk): the disk is cut into slots of one page
 * (8 sectors); slot n starts at sector n * 8.  Slots are handed out with
 * the kernel's bitmap (lib/bitmap.h: 1 = in use), and each has a count of
 * the references to it, like pageref's frame counts:
 *
 *  - a swapped-out PTE (uvm.h: UVM_PTE_SWAP) holds one reference; fork
 *    copies the PTE and takes another, so parent and child share the slot
 *    until one of them touches the page (swap-in gives it a private frame);
 *  - a frame read back from a slot, or just written to one, keeps the slot
 *    as its "clean copy" (one reference): while the frame is not written
 *    (the PTE's dirty bit clear), evicting it again needs no write, the
 *    dirty bit's whole point.  The copy goes when the frame is freed
 *    (pageref_put calls swapslot_frame_drop) or found dirty.
 *
 * A slot is free again when its count reaches 0.  Interrupts are disabled
 * inside each call.  Before swapslot_init (no disk), every allocation fails.
 */
#ifndef KEEL_MM_SWAPSLOT_H
#define KEEL_MM_SWAPSLOT_H

#include <stdbool.h>
#include <stdint.h>

#define SWAPSLOT_SECTORS 8u	     /* 4 KiB / 512-byte sectors */
#define SWAPSLOT_NONE	 0xFFFFFFFFu /* no slot */
#define SWAPSLOT_MAX	 0xFFFFFu /* slot numbers fit a PTE's 20 frame bits */

/* Slots for a disk of `sectors` sectors (at most SWAPSLOT_MAX + 1); the
 * frame table sized for nframes frames.  false without memory. */
bool swapslot_init(uint32_t sectors, uint32_t nframes);
/* A free slot with count 1, or SWAPSLOT_NONE when the area is full. */
uint32_t swapslot_alloc(void);
void swapslot_get(uint32_t slot);
/* One reference fewer; the slot is free at 0.  The count left. */
uint32_t swapslot_put(uint32_t slot);
uint32_t swapslot_count(uint32_t slot);
uint32_t swapslot_total(void);
uint32_t swapslot_used(void);

/* The frame at pa holds slot's data: the caller's reference moves to it. */
void swapslot_frame_set(uint32_t pa, uint32_t slot);
/* The slot the frame at pa is a clean copy of, or SWAPSLOT_NONE. */
uint32_t swapslot_frame_get(uint32_t pa);
/* Forget the frame's copy (its reference put), if any. */
void swapslot_frame_drop(uint32_t pa);
/* The area is full: forget every clean copy that is its slot's only
 * reference (the page is in memory; it will be written again if evicted),
 * freeing those slots.  The number freed. */
uint32_t swapslot_reclaim_copies(void);

#endif
