/*
 * heap_internal.h: what the heap's files share, private to mm/heap*.c.
 *
 * The allocator (heap.h describes it whole) is split along its seams:
 *   heap_core.c   growing and trimming, coalescing, placing, the entry
 *                 points (alloc, free, realloc, aligned alloc, init) and
 *                 the checks of a caller's pointer;
 *   heap_lists.h  the segregated explicit free lists and the wilderness
 *                 (inline: every allocation and free runs them);
 *   heap_fit.c    the placement policies (first, next, best fit);
 *   heap_quick.c  deferred coalescing: quick lists and the deferred block;
 *   heap_stats.c  statistics and the block walk;
 *   heap_check.c  heap_check(), the whole-heap verifier.
 * This header holds the block and tag layout and the small inline helpers
 * every file uses; each helper is inline because the fast paths run it.
 *
 * Invariants (heap_check verifies all of them):
 *  - every block address is 8 mod 16, every size a multiple of 16 and at
 *    least HEAP_MIN_BLOCK; the blocks tile [start + 8, end - 8) exactly,
 *    ending at a zero-size allocated epilogue;
 *  - every header, and every footer (free and cached blocks only), passes
 *    tag_ok() for its block's address;
 *  - a header's PREV_ALLOC bit is set exactly when the block before is
 *    allocated, or is the deferred block;
 *  - no two free or cached blocks touch, except the deferred block (which
 *    looks allocated to its neighbours);
 *  - each free block but the wilderness is on exactly the list of its
 *    class; each cached block on exactly the quick list of its size.
 */
#ifndef KEEL_MM_HEAP_INTERNAL_H
#define KEEL_MM_HEAP_INTERNAL_H

#include "lib/kassert.h"
#include "mm/heap.h"

/* Header word flags; the size occupies the bits above them. */
#define HDR_ALLOC      0x1u
#define HDR_PREV_ALLOC 0x2u
#define HDR_QUICK      0x4u /* with HDR_ALLOC: freed, on a quick list */
#define HDR_FLAGS      (HEAP_ALIGN - 1u)
#define HDR_SIZE_MASK  (~HDR_FLAGS)
/* Check word: slack in the high bits, the tag in the low ones. */
#define TAG_BITS  20u
#define TAG_MASK  ((1u << TAG_BITS) - 1u)
#define SLACK_MAX ((1u << (32u - TAG_BITS)) - 1u)
/* Mixed into every tag: "keel" in ASCII. */
#define HEAP_MAGIC 0x6b65656cu
/*
 * The slack (12 bits) enters the tag shifted into bits 8..19, where no bit
 * of it is lost: changing the slack alone always changes the tag.
 */
#define SLACK_SHIFT 8u
/* The heap's own bytes: a pad before the first block, the epilogue after. */
#define HEAP_PAD      HEAP_TAG_SIZE
#define HEAP_EPILOGUE HEAP_TAG_SIZE
#define HEAP_OVERHEAD (HEAP_PAD + HEAP_EPILOGUE)
/* The most the heap may own: every block size stays below 2^30. */
#define HEAP_MAX_SIZE ((uintptr_t)1 << HEAP_TOP_LOG2)
#define CLASS_BITS    32u
/*
 * Blocks up to this size (requests up to 104 bytes) count as small for
 * placement; see place_new().  Measured with tools/heap-trace: 96..128 are
 * equally good, 64 or 192 lose 4 points of mean utilisation.
 */
#define HEAP_SMALL_MAX 112u

/* A header or a footer. */
struct heap_tag {
	uint32_t word;
	uint32_t check;
};

/* A block starts with its header; a free block's payload holds its links. */
struct heap_block {
	struct heap_tag hdr;
	struct heap_block *next; /* free blocks only: the class list */
	struct heap_block *prev;
};

_Static_assert(sizeof(struct heap_block) + HEAP_TAG_SIZE <= HEAP_MIN_BLOCK,
	       "a free block's header, links and footer fit a minimal block");
_Static_assert(sizeof(struct heap_tag) == HEAP_TAG_SIZE, "tag layout");
_Static_assert(HEAP_MIN_BLOCK % HEAP_ALIGN == 0, "block granularity");
_Static_assert(HEAP_MAX_REQUEST + HEAP_ALIGN + HEAP_MAX_ALIGN + HEAP_MIN_BLOCK <
		   HEAP_MAX_SIZE - HEAP_PAGE_SIZE,
	       "the largest request's block fits a maximal heap");

/* ------------------------------------------------------------ blocks --- */

static inline struct heap_block *at(uintptr_t a)
{
	return (struct heap_block *)a;
}

static inline uintptr_t addr_of(const struct heap_block *b)
{
	return (uintptr_t)b;
}

static inline uint32_t size_of(const struct heap_block *b)
{
	return b->hdr.word & HDR_SIZE_MASK;
}

static inline bool is_alloc(const struct heap_block *b)
{
	return b->hdr.word & HDR_ALLOC;
}

static inline bool prev_is_alloc(const struct heap_block *b)
{
	return b->hdr.word & HDR_PREV_ALLOC;
}

/* A freed block waiting on a quick list (it still looks allocated). */
static inline bool is_quick(const struct heap_block *b)
{
	return b->hdr.word & HDR_QUICK;
}

/* Free or cached: a block a neighbour's coalescing may absorb. */
static inline bool is_unused(const struct heap_block *b)
{
	return (b->hdr.word & (HDR_ALLOC | HDR_QUICK)) != HDR_ALLOC;
}

static inline uint32_t slack_of(const struct heap_block *b)
{
	return b->hdr.check >> TAG_BITS;
}

/* Payload bytes of an allocated block: all but the header. */
static inline uint32_t capacity_of(const struct heap_block *b)
{
	return size_of(b) - HEAP_TAG_SIZE;
}

static inline void *payload_of(const struct heap_block *b)
{
	return (void *)(addr_of(b) + HEAP_TAG_SIZE);
}

static inline struct heap_block *next_of(const struct heap_block *b)
{
	return at(addr_of(b) + size_of(b));
}

static inline struct heap_tag *footer_of(const struct heap_block *b)
{
	return (struct heap_tag *)(addr_of(b) + size_of(b) - HEAP_TAG_SIZE);
}

/* The footer of the block before b: only there when !prev_is_alloc(b). */
static inline const struct heap_tag *prev_footer(const struct heap_block *b)
{
	return (const struct heap_tag *)(addr_of(b) - HEAP_TAG_SIZE);
}

/* Boundary tags: the previous block, found through its footer (9.9.11). */
static inline struct heap_block *prev_of(const struct heap_block *b)
{
	return at(addr_of(b) - (prev_footer(b)->word & HDR_SIZE_MASK));
}

static inline uintptr_t page_up(uintptr_t a)
{
	return (a + HEAP_PAGE_SIZE - 1) & ~(uintptr_t)(HEAP_PAGE_SIZE - 1);
}

/* --------------------------------------------------------------- tags --- */

/*
 * The tag of a header or footer: word, owner address and slack folded into
 * TAG_BITS bits.  The fold (t ^ t >> TAG_BITS) makes every bit of the word
 * and of the address matter.
 */
static inline uint32_t tag_of(uint32_t word, uintptr_t owner, uint32_t slack)
{
	uint32_t t = word ^ (uint32_t)owner ^
		     (uint32_t)((uint64_t)owner >> 32) ^ HEAP_MAGIC;

	t ^= t >> TAG_BITS;
	return (t ^ slack << SLACK_SHIFT) & TAG_MASK;
}

static inline void write_tag(struct heap_tag *t, uint32_t word, uintptr_t owner,
			     uint32_t slack)
{
	t->word = word;
	t->check = slack << TAG_BITS | tag_of(word, owner, slack);
}

static inline bool tag_ok(const struct heap_tag *t, uintptr_t owner)
{
	uint32_t slack = t->check >> TAG_BITS;

	return (t->check & TAG_MASK) == tag_of(t->word, owner, slack);
}

/*
 * Flips flag bits of a tag's word, keeping the tag valid: the tag is an XOR
 * of the word's bits, and flag bits (below TAG_BITS) land on the same bits
 * of the tag, so flipping them in both is what write_tag would compute.
 */
static inline void flip_flags(struct heap_tag *t, uint32_t bits)
{
	t->word ^= bits;
	t->check ^= bits;
}

/* Replaces an allocated header's slack, keeping the tag valid (likewise). */
static inline void swap_slack(struct heap_tag *t, uint32_t slack)
{
	uint32_t old = t->check >> TAG_BITS, d = old ^ slack;

	t->check ^= d << TAG_BITS | d << SLACK_SHIFT;
}

static inline uint32_t prev_flag(bool prev_alloc)
{
	return prev_alloc ? HDR_PREV_ALLOC : 0;
}

static inline void set_alloc(struct heap_block *b, uint32_t size,
			     bool prev_alloc, uint32_t slack)
{
	write_tag(&b->hdr, size | HDR_ALLOC | prev_flag(prev_alloc), addr_of(b),
		  slack);
}

/* A free block: header, and a footer holding the size (9.9.11). */
static inline void set_free(struct heap_block *b, uint32_t size,
			    bool prev_alloc)
{
	write_tag(&b->hdr, size | prev_flag(prev_alloc), addr_of(b), 0);
	write_tag(footer_of(b), size, addr_of(b), 0);
}

/* Updates b's PREV_ALLOC bit, keeping its size, state and slack. */
static inline void set_prev_bit(struct heap_block *b, bool prev_alloc)
{
	if (prev_is_alloc(b) != prev_alloc)
		flip_flags(&b->hdr, HDR_PREV_ALLOC);
}

static inline void write_epilogue(struct heap *h, bool prev_alloc)
{
	struct heap_block *e = at(h->end - HEAP_EPILOGUE);

	write_tag(&e->hdr, HDR_ALLOC | prev_flag(prev_alloc), addr_of(e), 0);
}

/* ------------------------------------------------ classes, the end --- */

/* Segregated lists (9.9.14): exact classes, then 8 per power of two. */
static inline uint32_t class_of(uint32_t size)
{
	uint32_t log2, sub;

	if (size < HEAP_EXACT_LIMIT)
		return (size - HEAP_MIN_BLOCK) / HEAP_ALIGN;
	log2 = 31u - (uint32_t)__builtin_clz(size);
	sub = (size >> (log2 - HEAP_SUB_BITS)) & (HEAP_SUB_CLASSES - 1u);
	return HEAP_EXACT_CLASSES +
	       (log2 - HEAP_EXACT_LOG2) * HEAP_SUB_CLASSES + sub;
}

/* Is b the last block, the one before the epilogue? */
static inline bool is_last(const struct heap *h, const struct heap_block *b)
{
	return addr_of(b) + size_of(b) == h->end - HEAP_EPILOGUE;
}

/* ----------------------------------------------------- bookkeeping --- */

static inline void account_alloc(struct heap *h, const struct heap_block *b,
				 size_t req)
{
	h->payload_bytes += req;
	if (h->payload_bytes > h->peak_payload)
		h->peak_payload = h->payload_bytes;
	h->block_bytes += size_of(b);
	h->alloc_blocks++;
}

static inline void account_free(struct heap *h, const struct heap_block *b)
{
	h->payload_bytes -= capacity_of(b) - slack_of(b);
	h->block_bytes -= size_of(b);
	h->alloc_blocks--;
}

/* ------------------------------------------------- checking pointers --- */

/*
 * A plausible header at b: its tag matches and its size stays inside.
 * Always inlined: it is half the cost of a free.
 */
static inline __attribute__((always_inline)) bool
header_sane(const struct heap *h, const struct heap_block *b)
{
	uint32_t size = size_of(b);
	uintptr_t limit = h->end - HEAP_EPILOGUE;

	if (!tag_ok(&b->hdr, addr_of(b)))
		return false;
	if (size == 0)
		return addr_of(b) == limit && is_alloc(b);
	return size >= HEAP_MIN_BLOCK && size <= limit - addr_of(b);
}

#define HEAP_FATAL(op, what, p, caller)                                        \
	kfatal("heap: %s: %s: block %p, caller %p", (op), (what), (p),         \
	       (void *)(caller))

/* ------------------------------------- shared between the heap's files --- */

/* heap_fit.c */
uint32_t heap_next_class(const struct heap *h, uint32_t c);
struct heap_block *heap_find_fit(struct heap *h, uint32_t asize);
/* heap_core.c */
void heap_make_free(struct heap *h, struct heap_block *b, uint32_t size);
bool heap_prev_sane(const struct heap *h, const struct heap_block *b);
/* heap_quick.c */
bool heap_quick_push(struct heap *h, struct heap_block *b);
struct heap_block *heap_quick_pop(struct heap *h, uint32_t asize);
void heap_quick_unlink(struct heap *h, struct heap_block *b);
void heap_quick_flush(struct heap *h);
void heap_settle_deferred(struct heap *h);

/* ------------------------------------------------ inline glue --- */

/* Before b merges with the block before it: is that one sane? */
static inline void check_prev(const struct heap *h, const struct heap_block *b,
			      uintptr_t caller, const char *op)
{
	if (!prev_is_alloc(b) && !heap_prev_sane(h, b))
		HEAP_FATAL(op, "free block before it corrupted", payload_of(b),
			   caller);
}

static inline void settle(struct heap *h)
{
	if (h->deferred)
		heap_settle_deferred(h);
}

/*
 * Could merging b (with its free neighbours) give pages back?  Only when the
 * merged block is the wilderness and the span from its start to the end of
 * the heap reaches trim_pages pages (trim() needs that many whole free
 * pages past the block's start).
 */
static inline bool could_trim(const struct heap *h, const struct heap_block *b,
			      const struct heap_block *n)
{
	uintptr_t limit = h->end - HEAP_EPILOGUE, from;

	if (addr_of(n) != limit &&
	    (!is_unused(n) || addr_of(n) + size_of(n) != limit))
		return false;
	from = prev_is_alloc(b) ? addr_of(b) : addr_of(prev_of(b));
	return h->end - from + HEAP_PAD >= h->trim_span;
}

#endif
