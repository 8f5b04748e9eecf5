/*
 * frame_pool: the physical frame allocator's pure core.
 *
 * One bit per 4 KiB frame (the bitmap method of 002_a995ac13012f81cc.txt),
 * in two bitmaps of caller storage, FRAME_POOL_WORDS(nframes) words each:
 *
 *   bits           1 = the frame is not free: reserved or allocated;
 *   reserved_bits  1 = the frame is reserved: not RAM, or RAM that something
 *                  else owns (the first MiB, the kernel image, the multiboot
 *                  data, the bitmaps themselves).
 *
 * So a frame is in exactly one of three states:
 *
 *   bits  reserved_bits  state
 *    0         0         free
 *    1         0         allocated (handed out by frame_pool_alloc*)
 *    1         1         reserved
 *
 * and (0, 1) never occurs: reserved_bits is a subset of bits.  Allocation
 * scans only `bits`; the second bitmap exists so that frame_pool_free() can
 * tell "allocated" (fine) from "reserved" (a broken invariant) and so the
 * counters can be re-derived and checked.  It costs one more bit per frame:
 * 32 KiB per GiB of RAM.
 *
 * Guarantees:
 *  - Counters: total == nframes and free + reserved + allocated == total at
 *    every return; free == number of 0 bits in `bits`, reserved == number of
 *    1 bits in `reserved_bits` (frame_pool_check() verifies all of it).
 *  - The hint: every frame below `hint` is used.  An allocation scans from
 *    the hint a word at a time, skipping full words, and leaves the hint just
 *    past the frame it took; a free below the hint moves the hint down.  So
 *    one allocation costs O(1) amortised word reads: the hint only moves up
 *    past frames that are in use, and each free can move it down only to the
 *    frame it freed.  Allocation does not slow down as memory fills.
 *  - Allocation returns the lowest free frame (lowest suitable run for
 *    frame_pool_alloc_contig), so results are deterministic.
 *  - Running out is FRAME_ENOMEM, never fatal.  Freeing a frame that is out
 *    of range, reserved or already free is a broken invariant: kfatal() with
 *    the frame's physical address and the caller's return address.  Every
 *    check happens before any state changes.
 *  - Not reentrant: the kernel glue serialises calls (interrupts off or a
 *    lock).  Nothing here touches the frames themselves.
 *
 * How the kernel uses it at boot:
 *   frame_pool_init(p, bits, rbits, nframes)      nframes = highest usable
 *                                                 frame + 1 (memmap.h)
 *   frame_pool_release_range(p, r.first, r.end - r.first)  for each range
 *                                                 memmap_normalise() gave
 *   frame_pool_reserve_range(p, ...)              the first MiB, the kernel
 *                                                 image, the multiboot info,
 *                                                 modules and command line,
 *                                                 the two bitmaps
 * after which frame_pool_alloc()/frame_pool_free() are the frame allocator.
 */
#ifndef KEEL_MM_FRAME_POOL_H
#define KEEL_MM_FRAME_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/bitmap.h"

/* A frame is 4 KiB: frame f is physical [f << 12, (f + 1) << 12). */
#define FRAME_POOL_SHIFT      12u
#define FRAME_POOL_FRAME_SIZE (1u << FRAME_POOL_SHIFT)
/* Storage words for one of the pool's bitmaps. */
#define FRAME_POOL_WORDS(nframes) BITMAP_WORDS(nframes)
/* Frames below 4 GiB: the most a pool may describe. */
#define FRAME_POOL_MAX_FRAMES (1u << (32u - FRAME_POOL_SHIFT))

/* Results. */
#define FRAME_OK     0
#define FRAME_ENOMEM (-1) /* no free frame (or no suitable run) */
#define FRAME_EINVAL (-2) /* a bad count or alignment */

struct frame_pool {
	uint32_t *bits;		 /* "used": 1 = reserved or allocated */
	uint32_t *reserved_bits; /* "reserved": 1 = reserved */
	uint32_t nframes;	 /* frames described: 0 .. nframes - 1 */
	uint32_t total;		 /* == nframes */
	uint32_t free;		 /* frames free */
	uint32_t reserved;	 /* frames reserved */
	uint32_t hint;		 /* every frame below it is used */
};

/* The physical address of a frame (frames are below 4 GiB). */
static inline uint32_t frame_pool_addr(uint32_t frame)
{
	return frame << FRAME_POOL_SHIFT;
}

/* Frames allocated: neither free nor reserved. */
static inline uint32_t frame_pool_allocated(const struct frame_pool *p)
{
	return p->total - p->free - p->reserved;
}

/* Starts a pool of nframes frames, every one reserved. */
void frame_pool_init(struct frame_pool *p, uint32_t *bits,
		     uint32_t *reserved_bits, uint32_t nframes);

/*
 * Boot-time: marks [first, first + count) free (clipped to the pool).
 * Frames already free stay free; an allocated frame in the range is a
 * broken invariant (kfatal).
 */
void frame_pool_release_range(struct frame_pool *p, uint32_t first,
			      uint32_t count);

/*
 * Boot-time: marks [first, first + count) reserved (clipped to the pool).
 * Frames already reserved stay reserved; an allocated frame in the range is
 * a broken invariant (kfatal).
 */
void frame_pool_reserve_range(struct frame_pool *p, uint32_t first,
			      uint32_t count);

/* Takes the lowest free frame into *out: FRAME_OK or FRAME_ENOMEM. */
int frame_pool_alloc(struct frame_pool *p, uint32_t *out);

/*
 * Takes `count` contiguous free frames, the first a multiple of
 * align_frames (a power of two; 1 = any), the lowest such run, into *out:
 * FRAME_OK, FRAME_ENOMEM, or FRAME_EINVAL for count 0 or a bad alignment.
 */
int frame_pool_alloc_contig(struct frame_pool *p, uint32_t count,
			    uint32_t align_frames, uint32_t *out);

/*
 * Gives back one allocated frame.  caller: the return address of whoever
 * asked (the glue passes __builtin_return_address(0)), printed on a kfatal.
 */
void frame_pool_free(struct frame_pool *p, uint32_t frame, uintptr_t caller);

/* Gives back [first, first + count), all of which must be allocated. */
void frame_pool_free_contig(struct frame_pool *p, uint32_t first,
			    uint32_t count, uintptr_t caller);

/* True when the frame is free (false for out-of-range frames). */
bool frame_pool_is_free(const struct frame_pool *p, uint32_t frame);
/* True when the frame is reserved (false for out-of-range frames). */
bool frame_pool_is_reserved(const struct frame_pool *p, uint32_t frame);

/*
 * Recounts both bitmaps and checks every invariant above.  Returns true if
 * all hold; otherwise false with a description in err (len bytes).
 * O(nframes / 32).
 */
bool frame_pool_check(const struct frame_pool *p, char *err, size_t len);

#endif
