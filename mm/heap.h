/*
 * heap: the kernel heap's algorithm, pure (no paging, no locks, no globals).
 *
 * A segregated-fit allocator with boundary tags, after CS:APP chapter 9
 * (004_b0ae9d4f0844a55a.txt, sections 6-14) and the improvements the mingOS
 * notes list for their first-fit heap (003_e27aa1c701da4391.txt, part 3):
 * alignment, boundary tags, explicit free lists, LIFO order.  The kernel's
 * kmalloc/kfree/krealloc are thin glue over heap_alloc/heap_free/
 * heap_realloc; the host tool tools/heap-trace replays malloc-lab traces
 * through these same files.  The code is split along its seams (blocks and
 * tags, free lists, placement, quick lists, statistics, checker):
 * mm/heap_internal.h says which file holds what.
 *
 * Memory.  The heap owns the virtual range [start, end).  It starts empty
 * (end == start) and asks ops->grow(ctx, new_end) for more, whole 4 KiB pages
 * at a time, only when no free block fits; when a free block at the end
 * spans at least trim_pages whole pages it gives them back through
 * ops->shrink(ctx, new_end).  grow() returning false makes the allocation
 * return NULL: running out is never fatal.
 *
 * Block layout.  Every address below is a multiple of 16 plus 8, so every
 * payload is 16-byte aligned on a 32-bit kernel and a 64-bit host alike:
 *
 *   start                                                              end
 *   | pad 8 | block | block | ... | block | epilogue 8 |
 *
 *   allocated block:  | header 8 | payload (size - 8) ..................... |
 *   free block:       | header 8 | next | prev | ........ | footer 8 |
 *
 *   header and footer, two 32-bit words:
 *     word   bits 4..31 block size in bytes (a multiple of 16, >= 32)
 *            bit 2      QUICK: (with ALLOC) freed, waiting on a quick list
 *            bit 1      PREV_ALLOC: the block before is allocated (and not
 *                       cached), so it has no footer
 *            bit 0      ALLOC: this block is allocated
 *     check  bits 20..31 slack: payload bytes beyond the request (header
 *                        only; 0 in footers and free blocks)
 *            bits 0..19  tag: a hash of (word, the block's address, slack)
 *
 *   CS:APP's block is a one-word header {size, allocated}; mingOS keeps
 *   {prev, next, allocated:1, length:31} in every block.  Ours differs in
 *   three ways.  The footer (Knuth's boundary tag) is written only in free
 *   blocks: the PREV_ALLOC bit of the next header says whether it is there,
 *   the CS:APP optimisation that gives allocated blocks 8 bytes of overhead.
 *   The list links live in the free block's payload, so allocated blocks
 *   carry none.  And the check word makes every header self-verifying:
 *   its tag depends on the header's own address, so a header overwritten by
 *   an overflow from the block before, a header copied or moved, or a
 *   "header" read at an address that is not a block start, all fail the
 *   check (a random word passes with probability 2^-20).  The slack field
 *   lets the heap know each live block's requested size, which CS:APP's
 *   peak utilisation needs.
 *
 *   The epilogue is a zero-size allocated header; the first block's
 *   PREV_ALLOC is always set.  Neither end of the heap is a special case in
 *   coalescing (CS:APP's prologue/epilogue trick, with the prologue replaced
 *   by that bit).
 *
 * Free lists.  HEAP_NCLASSES explicit doubly linked lists, one per size
 * class, in LIFO order (a free is O(1)): one class for each block size from
 * 32 to 1008 bytes, then eight classes per power of two.  A bitmap of
 * non-empty classes finds the next non-empty class with __builtin_ctz.
 * Coalescing with boundary tags: a free merges with both neighbours in
 * constant time, so no two free blocks are ever adjacent.  Splitting happens
 * only when the remainder is at least HEAP_MIN_BLOCK.
 *
 * The wilderness.  The free block at the end of the heap, if any, is on no
 * list and is used only when no listed block fits: it is the one block that
 * can grow, so keeping it whole lets a block at the end grow in place by
 * growing the heap (realloc-a: 33% -> 99% peak utilisation).
 *
 * Quick lists (deferred coalescing, 9.9.10).  A freed block of at most
 * HEAP_QUICK_MAX bytes whose neighbours are both in use would not merge with
 * anything, so instead of going on a free list it waits, still marked
 * allocated, on a short LIFO list of its exact size; the next request of
 * that size takes it back at once.  A cached block keeps a footer and is
 * merged as soon as a neighbour is freed or grown into, and all of them are
 * merged before the heap grows.  Caching blocks that had free neighbours
 * as well was tried and dropped: it pins the heap in pieces (peak
 * utilisation 0.72 -> 0.58 on tests/host's random run).
 *
 * The deferred block.  A freed small block that does have a free
 * neighbour is not merged at once either, but only one such block, and
 * only until the next call: it stays as it is (marked QUICK, so a second
 * free of it is a double free) and a request of its exact size gets it
 * back unchanged; any other call first merges it.  So the commonest
 * pattern, kmalloc and kfree of one size in turn, neither splits nor
 * merges, while the heap's layout between calls is what immediate merging
 * gives.  A free whose merge could give pages back is never deferred.
 * Statistics count it as a free (cached) block.
 *
 * Placement (heap_init's `fit`, the kernel's heap.fit=first|next|best).
 * Blocks are searched first in the request's own class, then in the first
 * non-empty larger class, then the wilderness is used, then it is grown:
 *   first  the first block that fits, from the head of each list;
 *   next   the same, but each list's search starts where the last one
 *          ended (a rover per class, Knuth's next fit);
 *   best   the smallest block that fits in the first class that has one.
 * In the exact classes (below 1 KiB) every block of a list has the same
 * size, so the three differ only for larger blocks: "a simple first fit on
 * segregated lists approximates best fit on the whole heap" (CS:APP 9.9.14).
 * Inside the chosen block, a small block (HEAP_SMALL_MAX bytes or less)
 * goes at the back and a larger one at the front, so small and large
 * blocks collect at opposite ends and the holes large ones leave merge
 * (binary-a: 54% -> 92%).
 *
 * Measured with tools/heap-trace over tools/gen-traces' ten traces, mean
 * peak utilisation over seeds 1-5 (libc malloc on the same traces: 73.5%):
 *   first 91.0%   next 91.1%   best 91.2%
 * and on the host test's random operations (sizes 0..64 KiB):
 *   first 73.6%   next 72.0%   best 72.8%
 * (before the deferred block: 91.1 / 91.2 / 91.1 and 69.8 / 73.4 / 72.7;
 * the random run moves by a few points with any change of layout).
 * Throughput differs by less than the noise (about 3-4e7 operations a
 * second on the build machine for all three).  The default is best fit: as
 * good as the others on the traces, within a point of the best on the
 * random run, and without next fit's per-class rovers, which the studies
 * CS:APP cites find worse in general.
 *
 * Cost (guest instructions, make bench): a kmalloc/kfree pair of 16 or 256
 * bytes that reuses the deferred block takes 189 / 194 (it was 744 / 613
 * when every pair split a free block and merged it back): 33 in the
 * kmalloc/kfree glue (interrupts off and on, calls), 46 in heap_alloc and
 * 105-110 in heap_free, of which about 45 are the pointer checks (bounds,
 * alignment, flags, and two tags: the block's own and its successor's),
 * 15 the test for a possible trim, the rest the deferral and the calls.  The
 * hot paths never recompute a tag to flip a flag or change the slack: the tag
 * is an XOR of the word's bits, so flipping bits in the word and the same bits
 * in the check word keeps it valid, and a damaged tag stays damaged.
 *
 * Integrity.  heap_free and heap_realloc check, before changing anything,
 * that the pointer lies inside the heap, is 16-byte aligned, sits after a
 * valid header of an allocated block, and that its successor's tag is
 * valid (with PREV_ALLOC set); the free block before it is checked (footer
 * and header) before the two merge, at once or when a deferred block is
 * settled, which also checks the deferred block's own header.  Otherwise
 * kfatal("heap: ... block %p ... caller %p") names the problem, the block
 * and the caller's return address (for a deferred block, the caller that
 * freed it).  The deferred block handed back unchanged is not checked: its
 * header is only ever updated by flipping bits, so damage stays and its
 * next free reports it.  A freed header is
 * marked free (or QUICK) before it can be merged away, so freeing it again
 * is reported as a double free even once it lies inside a neighbour.
 * heap_check() verifies every invariant of the whole heap.
 *
 * Not reentrant: the glue serialises all calls (interrupts off or a lock).
 * Stats are kept incrementally, so reading them is cheap.
 */
#ifndef KEEL_MM_HEAP_H
#define KEEL_MM_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The calling convention of the two hot entry points: on 32-bit x86,
 * arguments in registers (regparm) instead of on the stack, which saves a
 * dozen instructions a kmalloc/kfree pair; elsewhere the usual one.
 */
#if defined(__i386__)
#define HEAP_FASTCALL __attribute__((regparm(3)))
#else
#define HEAP_FASTCALL
#endif

/* Payload alignment and block-size granularity. */
#define HEAP_ALIGN 16u
/* The heap grows and shrinks in whole pages. */
#define HEAP_PAGE_SIZE 4096u
/* A header or a footer: two 32-bit words. */
#define HEAP_TAG_SIZE 8u
/*
 * The smallest block: a free block holds a header, two list links (up to 8
 * bytes each on a 64-bit host) and a footer, 8 + 16 + 8 = 32 bytes.
 */
#define HEAP_MIN_BLOCK 32u
/* The largest alignment heap_alloc_aligned() accepts. */
#define HEAP_MAX_ALIGN 4096u
/* The largest request: keeps every size computation far from overflow. */
#define HEAP_MAX_REQUEST (((size_t)1 << 30) - (size_t)4 * HEAP_PAGE_SIZE)
/* Give back the end of the heap once it holds this many free pages. */
#define HEAP_TRIM_PAGES_DEFAULT 4u

/* Block sizes 32 .. 1008 each have a class of their own. */
#define HEAP_EXACT_LIMIT   1024u
#define HEAP_EXACT_CLASSES ((HEAP_EXACT_LIMIT - HEAP_MIN_BLOCK) / HEAP_ALIGN)
/* Above that, 2^HEAP_SUB_BITS classes per power of two up to 2^30. */
#define HEAP_SUB_BITS	 3u
#define HEAP_SUB_CLASSES (1u << HEAP_SUB_BITS)
#define HEAP_EXACT_LOG2	 10u /* log2(HEAP_EXACT_LIMIT) */
#define HEAP_TOP_LOG2	 30u /* blocks are smaller than 2^30 */
#define HEAP_NCLASSES                                                          \
	(HEAP_EXACT_CLASSES +                                                  \
	 (HEAP_TOP_LOG2 - HEAP_EXACT_LOG2) * HEAP_SUB_CLASSES)
#define HEAP_CLASS_WORDS ((HEAP_NCLASSES + 31u) / 32u)

/*
 * Quick lists (deferred coalescing): freed blocks of up to HEAP_QUICK_MAX
 * bytes (requests up to 264 bytes) wait, unmerged, on a list of their exact
 * size, at most HEAP_QUICK_DEPTH of them a size: at most 8 * (32 + 48 + ...
 * + 272) = 19456 bytes held back in all.
 */
#define HEAP_QUICK_MAX	   272u
#define HEAP_QUICK_CLASSES ((HEAP_QUICK_MAX - HEAP_MIN_BLOCK) / HEAP_ALIGN + 1)
#define HEAP_QUICK_DEPTH   8u

enum heap_fit {
	HEAP_FIT_FIRST,
	HEAP_FIT_NEXT,
	HEAP_FIT_BEST,
};

/* The placement policy used when heap.fit= is not given. */
#define HEAP_FIT_DEFAULT HEAP_FIT_BEST

/*
 * Where the heap's memory comes from.  The heap calls
 *   grow(ctx, new_end)    to own [start, new_end) instead of [start, end):
 *                         the glue maps fresh pages at [end, new_end) and
 *                         returns true, or maps nothing and returns false;
 *   shrink(ctx, new_end)  after which [new_end, end) is no longer used:
 *                         the glue unmaps it and frees its frames.
 * new_end is always a multiple of HEAP_PAGE_SIZE.  shrink may be NULL (the
 * heap then never gives memory back).  The heap reads and writes only
 * inside [start, end) and only between these calls.
 */
struct heap_ops {
	void *ctx;
	bool (*grow)(void *ctx, uintptr_t new_end);
	void (*shrink)(void *ctx, uintptr_t new_end);
};

struct heap_block; /* private: see heap_internal.h */

struct heap {
	uintptr_t start;
	uintptr_t end;
	struct heap_ops ops;
	enum heap_fit fit;
	uint32_t trim_pages;
	uintptr_t trim_span; /* trim_pages pages; UINTPTR_MAX without shrink */
	bool keep_pages;     /* set while flushing to make room: no shrinking */
	struct heap_block *lists[HEAP_NCLASSES];
	struct heap_block *rover[HEAP_NCLASSES]; /* next fit only */
	uint32_t nonempty[HEAP_CLASS_WORDS];	 /* bit c: lists[c] != NULL */
	struct heap_block *quick[HEAP_QUICK_CLASSES]; /* LIFO, via ->next */
	uint32_t quick_count[HEAP_QUICK_CLASSES];
	uint32_t quick_blocks;
	size_t quick_bytes;
	struct heap_block *deferred; /* a freed block not merged yet, or NULL */
	uintptr_t deferred_caller;   /* who freed it */
	/* Incremental statistics; heap_check() recomputes and compares them. */
	size_t payload_bytes;
	size_t peak_payload;
	size_t block_bytes;
	size_t listed_bytes; /* free blocks on lists (not the wilderness) */
	size_t high_water;
	uint32_t alloc_blocks;
	uint32_t listed_blocks;
	uint32_t grows;
	uint32_t shrinks;
	uint32_t grow_failures;
};

/*
 * Statistics.  "payload" is what callers asked for (the sum of the sizes
 * passed to the live allocations); "block" bytes are what those allocations
 * occupy, headers and rounding included.  So block_bytes - payload_bytes is
 * the internal fragmentation, and heap_size == block_bytes + free_bytes + 16
 * (the pad and the epilogue) whenever the heap is not empty.
 *
 * Peak utilisation as CS:APP defines it (section 9.9.3): U = max over time
 * of the aggregate payload P, divided by the heap's size H, where H is
 * monotonically non-decreasing, i.e. the high-water mark of heap_size.  Both
 * numerator (peak_payload) and denominator (high_water) are kept, because
 * the kernel has no floating point.
 */
struct heap_stats {
	size_t heap_size;     /* end - start */
	size_t high_water;    /* the largest heap_size so far */
	size_t payload_bytes; /* requested bytes of live allocations */
	size_t peak_payload;  /* the largest payload_bytes so far */
	size_t block_bytes;   /* bytes of allocated blocks */
	size_t free_bytes;    /* bytes of free blocks, cached ones included */
	size_t largest_free;  /* the largest free block (payload: size - 8) */
	uint32_t alloc_blocks;
	uint32_t free_blocks;	/* cached ones included */
	uint32_t quick_blocks;	/* freed blocks waiting on quick lists */
	uint32_t grows;		/* successful grow() calls */
	uint32_t shrinks;	/* shrink() calls */
	uint32_t grow_failures; /* grow() calls that returned false */
};

/* One block, as heap_walk() reports it. */
struct heap_block_info {
	uintptr_t addr;	     /* the block (its header) */
	void *payload;	     /* what heap_alloc returned for it */
	size_t size;	     /* block bytes, header included */
	size_t payload_size; /* requested bytes; 0 for a free block */
	bool allocated;
	bool cached; /* free, but waiting on a quick list */
};

/*
 * Starts an empty heap at `start` (a multiple of HEAP_PAGE_SIZE): nothing is
 * touched or grown until the first allocation.
 */
void heap_init(struct heap *h, uintptr_t start, const struct heap_ops *ops,
	       enum heap_fit fit);

/* Sets how many whole free pages at the end trigger a shrink (>= 1). */
void heap_set_trim(struct heap *h, uint32_t pages);

/*
 * A 16-byte-aligned block of at least `size` bytes, or NULL when the heap
 * cannot grow (or size > HEAP_MAX_REQUEST).  size 0 gives a minimal block.
 */
HEAP_FASTCALL void *heap_alloc(struct heap *h, size_t size);

/*
 * A block of at least `size` bytes whose address is a multiple of align (a
 * power of two, at most HEAP_MAX_ALIGN), or NULL.  It over-allocates and
 * gives the front back as a free block.  Freed with heap_free as usual.
 */
void *heap_alloc_aligned(struct heap *h, size_t size, size_t align);

/*
 * Frees p (NULL is ignored).  caller is the return address of whoever asked
 * (kfree passes __builtin_return_address(0)); a foreign pointer, a double
 * free or a corrupted header is kfatal, naming the block and the caller.
 */
HEAP_FASTCALL void heap_free(struct heap *h, void *p, uintptr_t caller);

/*
 * C's realloc: p NULL is heap_alloc(size); size 0 frees p and returns NULL.
 * Shrinks in place (splitting off the tail), grows in place when the next
 * block is free or is the end of the heap, else moves.  On failure returns
 * NULL and p is untouched.  The alignment of heap_alloc_aligned is not kept
 * when the block moves.  Checks p like heap_free.
 */
void *heap_realloc(struct heap *h, void *p, size_t size, uintptr_t caller);

/*
 * Frees every block waiting on the quick lists for real (merging it with
 * its neighbours, giving pages back); the heap does this by itself before
 * it grows.  For a caller that wants an exact picture: a leak check, a
 * block dump, a test that ends with an empty heap.
 */
void heap_flush(struct heap *h);
/*
 * Gives back every whole free page at the end of the heap now, however few
 * (a free normally gives them back only from HEAP_TRIM_PAGES_DEFAULT on,
 * so that a heap hovering at a page boundary does not map and unmap it
 * again and again).  After heap_flush, for a count of free memory that
 * does not depend on where the heap's last block happened to fall.
 */
void heap_trim(struct heap *h);

/* The bytes usable at p (>= what was asked).  Checks p like heap_free. */
size_t heap_usable_size(const struct heap *h, const void *p, uintptr_t caller);

void heap_get_stats(const struct heap *h, struct heap_stats *s);

/*
 * Walks every block and every free list and verifies every invariant: tags,
 * sizes, alignment, footers equal headers, PREV_ALLOC bits, no two adjacent
 * free blocks, each free block on exactly the list of its class, links
 * consistent both ways, the non-empty bitmap, and every statistic.  Returns
 * true if the heap is sound, else false with a description of the first
 * problem in err (len bytes).  O(number of blocks).
 */
bool heap_check(const struct heap *h, char *err, size_t len);

/*
 * The block iterator, for a block-list dump: set *cursor = 0, then each call
 * fills *info with the next block and returns true, until the end.
 */
bool heap_walk(const struct heap *h, uintptr_t *cursor,
	       struct heap_block_info *info);

/* "first", "next" or "best". */
const char *heap_fit_name(enum heap_fit fit);
/* Parses "first", "next" or "best" into *fit; false if it is none of them. */
bool heap_fit_parse(const char *s, enum heap_fit *fit);

#endif
