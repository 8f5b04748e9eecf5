/*
 * heap: segregated fit with boundary tags.  See heap.h for the layout, the
 * invariants and the policies; this file names, at each step, the rule of
 * CS:APP 9.9 (004_b0ae9d4f0844a55a.txt) it implements.
 */
#include "mm/heap.h"

#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/kassert.h"

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

static void set_alloc(struct heap_block *b, uint32_t size, bool prev_alloc,
		      uint32_t slack)
{
	write_tag(&b->hdr, size | HDR_ALLOC | prev_flag(prev_alloc), addr_of(b),
		  slack);
}

/* A free block: header, and a footer holding the size (9.9.11). */
static void set_free(struct heap_block *b, uint32_t size, bool prev_alloc)
{
	write_tag(&b->hdr, size | prev_flag(prev_alloc), addr_of(b), 0);
	write_tag(footer_of(b), size, addr_of(b), 0);
}

/* Updates b's PREV_ALLOC bit, keeping its size, state and slack. */
static void set_prev_bit(struct heap_block *b, bool prev_alloc)
{
	if (prev_is_alloc(b) != prev_alloc)
		flip_flags(&b->hdr, HDR_PREV_ALLOC);
}

static void write_epilogue(struct heap *h, bool prev_alloc)
{
	struct heap_block *e = at(h->end - HEAP_EPILOGUE);

	write_tag(&e->hdr, HDR_ALLOC | prev_flag(prev_alloc), addr_of(e), 0);
}

/* --------------------------------------------------- size classes --- */

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

/* The first non-empty class after c, or HEAP_NCLASSES. */
static uint32_t next_class(const struct heap *h, uint32_t c)
{
	uint32_t w = (c + 1u) / CLASS_BITS;
	uint32_t bits;

	if (c + 1u >= HEAP_NCLASSES)
		return HEAP_NCLASSES;
	bits = h->nonempty[w] & (~0u << ((c + 1u) % CLASS_BITS));
	while (bits == 0) {
		if (++w == HEAP_CLASS_WORDS)
			return HEAP_NCLASSES;
		bits = h->nonempty[w];
	}
	return w * CLASS_BITS + (uint32_t)__builtin_ctz(bits);
}

/* Explicit free lists, LIFO (9.9.13): a free block goes to the head. */
static void list_push(struct heap *h, struct heap_block *b)
{
	uint32_t c = class_of(size_of(b));
	struct heap_block *head = h->lists[c];

	b->next = head;
	b->prev = NULL;
	if (head)
		head->prev = b;
	h->lists[c] = b;
	h->nonempty[c / CLASS_BITS] |= 1u << (c % CLASS_BITS);
	h->listed_blocks++;
	h->listed_bytes += size_of(b);
}

static void list_remove(struct heap *h, struct heap_block *b)
{
	uint32_t c = class_of(size_of(b));

	if (h->rover[c] == b)
		h->rover[c] = b->next;
	if (b->prev)
		b->prev->next = b->next;
	else
		h->lists[c] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	if (!h->lists[c])
		h->nonempty[c / CLASS_BITS] &= ~(1u << (c % CLASS_BITS));
	h->listed_blocks--;
	h->listed_bytes -= size_of(b);
}

/* Is b the last block, the one before the epilogue? */
static inline bool is_last(const struct heap *h, const struct heap_block *b)
{
	return addr_of(b) + size_of(b) == h->end - HEAP_EPILOGUE;
}

/*
 * The wilderness: the free block at the end of the heap, if any.  It is the
 * one block that can grow, so it is kept off the free lists and used only
 * when no listed block fits ("wilderness preservation", Korn and Vo, in
 * Wilson et al.'s 1995 survey of allocators).  Without it, a best fit
 * happily carves small blocks off the end, and a buffer that could have
 * grown in place by extending the heap has to move instead.
 */
static struct heap_block *wilderness(const struct heap *h)
{
	const struct heap_block *e;

	if (h->end == h->start)
		return NULL;
	e = at(h->end - HEAP_EPILOGUE);
	if (prev_is_alloc(e) || is_quick(prev_of(e)))
		return NULL;
	return prev_of(e);
}

/* Takes a free block off its list; the wilderness is on none. */
static void unlink_free(struct heap *h, struct heap_block *b)
{
	if (!is_last(h, b))
		list_remove(h, b);
}

/* ---------------------------------------------------------- placement --- */

static struct heap_block *
first_in(struct heap_block *b, const struct heap_block *stop, uint32_t asize)
{
	for (; b && b != stop; b = b->next)
		if (size_of(b) >= asize)
			return b;
	return NULL;
}

/* Best fit within one list; an exact fit ends the scan. */
static struct heap_block *best_in(struct heap_block *b, uint32_t asize)
{
	struct heap_block *best = NULL;

	for (; b; b = b->next) {
		uint32_t s = size_of(b);

		if (s >= asize && (!best || s < size_of(best))) {
			best = b;
			if (s == asize)
				break;
		}
	}
	return best;
}

/* Next fit (9.9.7): resume at the rover, wrap around once. */
static struct heap_block *next_in(struct heap *h, uint32_t c, uint32_t asize)
{
	struct heap_block *rover = h->rover[c];
	struct heap_block *b;

	b = first_in(rover ? rover : h->lists[c], NULL, asize);
	if (!b && rover)
		b = first_in(h->lists[c], rover, asize);
	if (b)
		h->rover[c] = b;
	return b;
}

static struct heap_block *search_class(struct heap *h, uint32_t c,
				       uint32_t asize)
{
	switch (h->fit) {
	case HEAP_FIT_NEXT:
		return next_in(h, c, asize);
	case HEAP_FIT_BEST:
		return best_in(h->lists[c], asize);
	case HEAP_FIT_FIRST:
	default:
		return first_in(h->lists[c], NULL, asize);
	}
}

/* A free block of at least asize bytes, still on its list, or NULL. */
static struct heap_block *find_fit(struct heap *h, uint32_t asize)
{
	uint32_t c = class_of(asize);
	struct heap_block *b = NULL;

	if (h->lists[c])
		b = search_class(h, c, asize);
	if (!b) {
		c = next_class(h, c);
		if (c < HEAP_NCLASSES)
			b = search_class(h, c, asize);
	}
	return b;
}

/* ----------------------------------------------------- growing memory --- */

static bool grow_to(struct heap *h, uintptr_t new_end)
{
	if (!h->ops.grow(h->ops.ctx, new_end)) {
		h->grow_failures++;
		return false;
	}
	h->end = new_end;
	h->grows++;
	if (h->end - h->start > h->high_water)
		h->high_water = h->end - h->start;
	return true;
}

/* Can the heap own `extra` more bytes (plus rounding) without overflow? */
static bool room_for(const struct heap *h, uintptr_t extra)
{
	uintptr_t used = h->end - h->start;

	return extra <= HEAP_MAX_SIZE - HEAP_PAGE_SIZE - used &&
	       extra <= UINTPTR_MAX - HEAP_PAGE_SIZE - h->end;
}

/* The first growth lays out the pad, one free block and the epilogue. */
static struct heap_block *extend_empty(struct heap *h, uint32_t need)
{
	struct heap_block *b = at(h->start + HEAP_PAD);
	uintptr_t new_end;

	if (!room_for(h, (uintptr_t)need + HEAP_OVERHEAD))
		return NULL;
	new_end = page_up(h->start + HEAP_OVERHEAD + need);
	if (!grow_to(h, new_end))
		return NULL;
	set_free(b, (uint32_t)(new_end - h->start - HEAP_OVERHEAD), true);
	write_epilogue(h, false);
	return b;
}

/*
 * Getting more heap memory (9.9.9): grows the heap by whole pages until its
 * last block is free and at least `need` bytes, merging the new pages with
 * the wilderness.  Returns the new wilderness, or NULL.
 */
static struct heap_block *extend(struct heap *h, uint32_t need)
{
	struct heap_block *epi, *last = NULL, *b;
	uintptr_t old_end = h->end;
	uint32_t have = 0;
	bool pa;

	if (h->end == h->start)
		return extend_empty(h, need);
	epi = at(old_end - HEAP_EPILOGUE);
	pa = prev_is_alloc(epi);
	last = wilderness(h);
	if (last)
		have = size_of(last);
	if (!room_for(h, need - have) ||
	    !grow_to(h, page_up(old_end + (need - have))))
		return NULL;
	b = epi;
	if (last) {
		b = last;
		pa = prev_is_alloc(last);
	}
	set_free(b, (uint32_t)(h->end - HEAP_EPILOGUE - addr_of(b)), pa);
	write_epilogue(h, false);
	return b;
}

/*
 * Gives back whole pages at the end of the heap, where b is the wilderness,
 * when it spans at least trim_pages of them.  Keeps the part of b below the
 * first page boundary it can cut at, so that what stays is a valid block
 * (the new wilderness) or nothing.
 */
static void trim(struct heap *h, struct heap_block *b)
{
	uintptr_t a = addr_of(b), new_end, rest;
	bool pa = prev_is_alloc(b);

	if (!h->ops.shrink || h->keep_pages)
		return;
	if (a == h->start + HEAP_PAD) {
		new_end = h->start;
	} else {
		new_end = page_up(a + HEAP_EPILOGUE);
		rest = new_end - HEAP_EPILOGUE - a;
		if (rest != 0 && rest < HEAP_MIN_BLOCK)
			new_end += HEAP_PAGE_SIZE;
	}
	if ((h->end - new_end) / HEAP_PAGE_SIZE < h->trim_pages)
		return;
	h->ops.shrink(h->ops.ctx, new_end);
	h->end = new_end;
	h->shrinks++;
	if (new_end == h->start)
		return;
	rest = new_end - HEAP_EPILOGUE - a;
	if (rest) {
		set_free(b, (uint32_t)rest, pa);
		pa = false;
	}
	write_epilogue(h, pa);
}

/* ------------------------------------------------ freeing, coalescing --- */

/* Puts a free, coalesced block on its list, or leaves it as the wilderness
 * (and maybe trims it). */
static void file_free(struct heap *h, struct heap_block *b)
{
	if (is_last(h, b))
		trim(h, b);
	else
		list_push(h, b);
}

static void quick_unlink(struct heap *h, struct heap_block *b);

/* Takes a free or cached neighbour off its list, to be merged. */
static void absorb(struct heap *h, struct heap_block *b)
{
	if (is_quick(b))
		quick_unlink(h, b);
	else
		unlink_free(h, b);
}

/*
 * Turns [b, b + size) into a free block and merges it with free neighbours:
 * the four cases of coalescing with boundary tags (9.9.11), in constant
 * time.  A cached neighbour (quick lists) is merged too.  The loops run at
 * most once each, because no free or cached block ever touches another
 * (heap_check verifies it); they are loops so that the code does not have
 * to rely on that.  b's header must hold the right PREV_ALLOC bit.  When b
 * merges into its predecessor, its old header is rewritten as free, so that
 * a later free of the same pointer is still seen as a double free.
 */
static void make_free(struct heap *h, struct heap_block *b, uint32_t size)
{
	bool pa = prev_is_alloc(b);
	struct heap_block *n = at(addr_of(b) + size);

	while (is_unused(n)) {
		absorb(h, n);
		size += size_of(n);
		n = at(addr_of(b) + size);
	}
	if (!pa)
		write_tag(&b->hdr, size_of(b), addr_of(b), 0);
	while (!pa) {
		struct heap_block *p = prev_of(b);

		absorb(h, p);
		size += size_of(p);
		b = p;
		pa = prev_is_alloc(p);
	}
	set_free(b, size, pa);
	set_prev_bit(next_of(b), false);
	file_free(h, b);
}

/* ---------------------------------------------- allocating, splitting --- */

/* Block size for a request: header + payload, rounded up (9.9.12). */
static uint32_t adjust(size_t req)
{
	size_t asize;

	if (req > HEAP_MAX_REQUEST)
		return 0;
	asize = (req + HEAP_TAG_SIZE + HEAP_ALIGN - 1) & ~(size_t)HDR_FLAGS;
	return asize < HEAP_MIN_BLOCK ? HEAP_MIN_BLOCK : (uint32_t)asize;
}

static void account_alloc(struct heap *h, const struct heap_block *b,
			  size_t req)
{
	h->payload_bytes += req;
	if (h->payload_bytes > h->peak_payload)
		h->peak_payload = h->payload_bytes;
	h->block_bytes += size_of(b);
	h->alloc_blocks++;
}

static void account_free(struct heap *h, const struct heap_block *b)
{
	h->payload_bytes -= capacity_of(b) - slack_of(b);
	h->block_bytes -= size_of(b);
	h->alloc_blocks--;
}

/* ------------------------------------------------------- quick lists --- */

/*
 * Deferred coalescing (9.9.10; the mingOS notes' second improvement): a
 * freed block of at most HEAP_QUICK_MAX bytes whose neighbours are both in
 * use (so it would not merge with anything now) is kept, marked HDR_ALLOC |
 * HDR_QUICK, on a LIFO list of its exact size, up to HEAP_QUICK_DEPTH blocks
 * a size.  The next request of that size takes it back without splitting,
 * merging or searching: the usual kmalloc/kfree pair costs a pop and a push.
 *
 * A cached block gets a footer and clears its successor's PREV_ALLOC bit,
 * like a free block, so that a neighbour being freed, or a block being grown
 * by realloc, merges it at once.  Before the heap would grow, quick_flush()
 * frees every cached block for real.  Caching every small block, whatever
 * its neighbours, pinned the heap in pieces: peak utilisation 0.72 -> 0.58
 * on the random host test.
 */
static bool quick_push(struct heap *h, struct heap_block *b)
{
	uint32_t size = size_of(b), c = class_of(size);

	if (h->quick_count[c] >= HEAP_QUICK_DEPTH)
		return false;
	write_tag(&b->hdr, b->hdr.word | HDR_QUICK, addr_of(b), 0);
	write_tag(footer_of(b), size, addr_of(b), 0);
	set_prev_bit(next_of(b), false);
	b->next = h->quick[c];
	h->quick[c] = b;
	h->quick_count[c]++;
	h->quick_blocks++;
	h->quick_bytes += size;
	return true;
}

/* A cached block of exactly asize bytes, taken off its quick list. */
static struct heap_block *quick_pop(struct heap *h, uint32_t asize)
{
	uint32_t c = class_of(asize);
	struct heap_block *b = h->quick[c];

	if (!b)
		return NULL;
	if (!tag_ok(&b->hdr, addr_of(b)) ||
	    (b->next &&
	     (addr_of(b->next) < h->start || addr_of(b->next) >= h->end)))
		kfatal("heap: cached block %p corrupted (written after free?)",
		       payload_of(b));
	h->quick[c] = b->next;
	h->quick_count[c]--;
	h->quick_blocks--;
	h->quick_bytes -= asize;
	set_prev_bit(next_of(b), true);
	return b;
}

/* Takes a cached block off its quick list (at most HEAP_QUICK_DEPTH long). */
static void quick_unlink(struct heap *h, struct heap_block *b)
{
	uint32_t c = class_of(size_of(b));
	struct heap_block **link = &h->quick[c];

	while (*link && *link != b)
		link = &(*link)->next;
	if (!*link)
		kfatal("heap: cached block %p is on no quick list",
		       payload_of(b));
	*link = b->next;
	h->quick_count[c]--;
	h->quick_blocks--;
	h->quick_bytes -= size_of(b);
}

/* Frees every cached block for real, merging it with its neighbours. */
static void quick_flush(struct heap *h)
{
	uint32_t c;

	for (c = 0; c < HEAP_QUICK_CLASSES; c++) {
		while (h->quick[c]) {
			struct heap_block *b = h->quick[c];

			h->quick[c] = b->next;
			h->quick_count[c]--;
			h->quick_blocks--;
			h->quick_bytes -= size_of(b);
			make_free(h, b, size_of(b));
		}
	}
}

/*
 * The deferred block (9.9.10 again, one block deep): a freed small block
 * that has a free neighbour, so that freeing it means merging, and maybe
 * trimming.  Instead it waits, marked HDR_ALLOC | HDR_QUICK (so that a
 * second free of it is a double free) and with its neighbours untouched,
 * until the next call that changes the heap: a request of its exact size
 * takes it back as it is, every other call first frees it for real
 * (settle).  So a kmalloc/kfree pair of one size, the commonest pattern,
 * neither splits nor merges, yet nothing stays unmerged past the next call:
 * the layout, and so utilisation, is what immediate merging gives.  A free
 * whose merge could give pages back is never deferred (could_trim), so the
 * heap's pages are as without deferring, too.
 */
static inline void check_prev(const struct heap *h, const struct heap_block *b,
			      uintptr_t caller, const char *op);

static void settle_deferred(struct heap *h)
{
	struct heap_block *d = h->deferred;

	check_prev(h, d, h->deferred_caller, "free");
	h->deferred = NULL;
	make_free(h, d, size_of(d));
}

static inline void settle(struct heap *h)
{
	if (h->deferred)
		settle_deferred(h);
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
	return h->ops.shrink && h->end - from + HEAP_PAD >=
				    (uintptr_t)h->trim_pages * HEAP_PAGE_SIZE;
}

/*
 * A freed block goes to its quick list, or is deferred, or is freed for
 * real.  Any deferred block is settled first, so that b sees its
 * neighbours as they are.
 */
static inline __attribute__((always_inline)) void
release(struct heap *h, struct heap_block *b, uintptr_t caller)
{
	uint32_t size = size_of(b);
	struct heap_block *n;

	settle(h);
	n = next_of(b);
	if (size <= HEAP_QUICK_MAX) {
		if (prev_is_alloc(b) && !is_unused(n)) {
			account_free(h, b);
			if (!quick_push(h, b))
				make_free(h, b, size);
			return;
		}
		if (!could_trim(h, b, n)) {
			account_free(h, b);
			flip_flags(&b->hdr, HDR_QUICK); /* tag stays valid */
			h->deferred = b;
			h->deferred_caller = caller;
			return;
		}
	}
	check_prev(h, b, caller, "free");
	account_free(h, b);
	make_free(h, b, size);
}

void heap_flush(struct heap *h)
{
	settle(h);
	quick_flush(h);
}

/*
 * Makes the region [b, b + size) (off the lists; b's header holds its
 * PREV_ALLOC bit) an allocated block of asize bytes for a request of req
 * bytes, splitting off the rest as a free block only if the rest can be a
 * block of its own (9.9.8); otherwise the whole region is allocated.
 */
static void place(struct heap *h, struct heap_block *b, uint32_t size,
		  uint32_t asize, size_t req)
{
	bool pa = prev_is_alloc(b);
	uint32_t rest = size - asize;

	if (rest >= HEAP_MIN_BLOCK) {
		struct heap_block *r = at(addr_of(b) + asize);

		set_alloc(b, asize, pa, asize - HEAP_TAG_SIZE - (uint32_t)req);
		r->hdr.word = rest | HDR_PREV_ALLOC;
		make_free(h, r, rest);
	} else {
		set_alloc(b, size, pa, size - HEAP_TAG_SIZE - (uint32_t)req);
		set_prev_bit(next_of(b), true);
	}
	account_alloc(h, b, req);
}

/*
 * Where a new block goes inside the free block chosen for it (when that
 * block is split): blocks of HEAP_SMALL_MAX bytes or less at the back,
 * larger ones at the front.  Within each free block (and so within each
 * stretch of newly grown heap) small and large blocks collect at opposite
 * ends, and when the large ones are freed their holes merge into one
 * instead of staying separate between small survivors.  This is what keeps
 * malloc-lab's binary traces (small and large in turn, the large freed,
 * larger ones asked for) from nearly doubling the heap: 54% -> 92% peak
 * utilisation on binary-a.  Large blocks go to the front so that carving
 * them out of the wilderness leaves the rest of it at the end, where the
 * next growth merges with it (the other way round loses the tail of every
 * grown page: 99% -> 88% on coalescing).
 */
static struct heap_block *place_new(struct heap *h, struct heap_block *b,
				    uint32_t asize, size_t req)
{
	uint32_t size = size_of(b), rest = size - asize;
	struct heap_block *a = at(addr_of(b) + rest);

	if (asize > HEAP_SMALL_MAX || rest < HEAP_MIN_BLOCK) {
		place(h, b, size, asize, req);
		return b;
	}
	set_alloc(a, asize, false, asize - HEAP_TAG_SIZE - (uint32_t)req);
	set_prev_bit(next_of(a), true);
	account_alloc(h, a, req);
	b->hdr.word = rest | prev_flag(prev_is_alloc(b));
	make_free(h, b, rest);
	return a;
}

/*
 * A free block of at least asize bytes, taken off its list: a listed block
 * if one fits, else the wilderness, else the same after flushing the quick
 * lists, else the wilderness grown.  NULL when the heap cannot grow.
 */
static struct heap_block *take_free(struct heap *h, uint32_t asize)
{
	struct heap_block *b = find_fit(h, asize);

	if (b) {
		list_remove(h, b);
		return b;
	}
	b = wilderness(h);
	return b && size_of(b) >= asize ? b : NULL;
}

static struct heap_block *take_block(struct heap *h, uint32_t asize)
{
	struct heap_block *b = take_free(h, asize);

	if (!b && h->quick_blocks) {
		h->keep_pages = true; /* no shrinking just before growing */
		quick_flush(h);
		h->keep_pages = false;
		b = take_free(h, asize);
	}
	return b ? b : extend(h, asize);
}

void *heap_alloc(struct heap *h, size_t size)
{
	uint32_t asize = adjust(size);
	struct heap_block *b;

	if (!asize)
		return NULL;
	if ((b = h->deferred) != NULL) {
		if (size_of(b) == asize && tag_ok(&b->hdr, addr_of(b))) {
			/* The fast path: the block freed last, back as is. */
			h->deferred = NULL;
			flip_flags(&b->hdr, HDR_QUICK);
			swap_slack(&b->hdr,
				   asize - HEAP_TAG_SIZE - (uint32_t)size);
			account_alloc(h, b, size);
			return payload_of(b);
		}
		if (!tag_ok(&b->hdr, addr_of(b)))
			kfatal("heap: deferred block %p corrupted (written "
			       "after free?)",
			       payload_of(b));
		settle(h);
	}
	if (asize <= HEAP_QUICK_MAX && (b = quick_pop(h, asize))) {
		set_alloc(b, asize, prev_is_alloc(b),
			  asize - HEAP_TAG_SIZE - (uint32_t)size);
		account_alloc(h, b, size);
		return payload_of(b);
	}
	if (!(b = take_block(h, asize)))
		return NULL;
	return payload_of(place_new(h, b, asize, size));
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

/* The free block before b, through its footer, checked like a header. */
static bool prev_sane(const struct heap *h, const struct heap_block *b)
{
	const struct heap_tag *f = prev_footer(b);
	uint32_t size = f->word & HDR_SIZE_MASK;
	const struct heap_block *p;

	if (size < HEAP_MIN_BLOCK || size > addr_of(b) - h->start - HEAP_PAD)
		return false;
	p = at(addr_of(b) - size);
	return tag_ok(f, addr_of(p)) && header_sane(h, p) && is_unused(p) &&
	       size_of(p) == size;
}

/* Before b merges with the block before it: is that one sane? */
static inline void check_prev(const struct heap *h, const struct heap_block *b,
			      uintptr_t caller, const char *op)
{
	if (!prev_is_alloc(b) && !prev_sane(h, b))
		HEAP_FATAL(op, "free block before it corrupted", payload_of(b),
			   caller);
}

/*
 * Validates a pointer handed back by a caller before anything changes: in
 * range, aligned, a valid allocated header, sane neighbours.  Any failure is
 * a broken invariant (a foreign pointer, a double free, an overflow).
 */
static inline __attribute__((always_inline)) struct heap_block *
checked_self(const struct heap *h, const void *p, uintptr_t caller,
	     const char *op)
{
	uintptr_t a = (uintptr_t)p;
	struct heap_block *b = at(a - HEAP_TAG_SIZE);

	if (h->end == h->start || a < h->start + HEAP_PAD + HEAP_TAG_SIZE ||
	    a >= h->end - HEAP_EPILOGUE)
		HEAP_FATAL(op, "pointer outside the heap", p, caller);
	if (a % HEAP_ALIGN)
		HEAP_FATAL(op, "misaligned pointer", p, caller);
	if (!header_sane(h, b) || size_of(b) == 0)
		HEAP_FATAL(op, "bad header (corrupted, or not a block start)",
			   p, caller);
	if (!is_alloc(b) || (b->hdr.word & HDR_QUICK))
		HEAP_FATAL(op, "double free (block is already free)", p,
			   caller);
	if (!header_sane(h, next_of(b)) || !prev_is_alloc(next_of(b)))
		HEAP_FATAL(op, "next header corrupted (overflow from block?)",
			   p, caller);
	return b;
}

/*
 * checked_self and the free block before p, which only a merge reads: a
 * free checks it when it merges, which a deferred free does later (settle).
 */
static struct heap_block *checked_block(const struct heap *h, const void *p,
					uintptr_t caller, const char *op)
{
	struct heap_block *b = checked_self(h, p, caller, op);

	check_prev(h, b, caller, op);
	return b;
}

void heap_free(struct heap *h, void *p, uintptr_t caller)
{
	if (p)
		release(h, checked_self(h, p, caller, "free"), caller);
}

size_t heap_usable_size(const struct heap *h, const void *p, uintptr_t caller)
{
	return capacity_of(checked_block(h, p, caller, "usable_size"));
}

/* ---------------------------------------------------------- realloc --- */

/*
 * Makes b (allocated, already unaccounted) span at least asize bytes
 * without moving it: by taking the next block when it is free, and by
 * growing the heap when b or that free block is the last one.  Returns the
 * new span, or 0 if b cannot grow in place.
 */
static uint32_t grow_in_place(struct heap *h, struct heap_block *b,
			      uint32_t asize)
{
	uint32_t size = size_of(b);
	struct heap_block *n = next_of(b);
	bool n_free;

	if (is_quick(n)) { /* free it for real, merged with what follows */
		quick_unlink(h, n);
		make_free(h, n, size_of(n));
		n = next_of(b);
	}
	n_free = !is_alloc(n);
	if (n_free && size + size_of(n) >= asize) {
		unlink_free(h, n);
		return size + size_of(n);
	}
	if (addr_of(n) == h->end - HEAP_EPILOGUE ||
	    (n_free && addr_of(next_of(n)) == h->end - HEAP_EPILOGUE)) {
		n = extend(h, asize - size);
		if (n)
			return size + size_of(n);
	}
	return 0;
}

/* Realloc without moving; false if the block must move. */
static bool resize_in_place(struct heap *h, struct heap_block *b,
			    uint32_t asize, size_t req)
{
	uint32_t span = size_of(b);

	if (asize > span) {
		span = grow_in_place(h, b, asize);
		if (!span)
			return false;
	}
	account_free(h, b);
	place(h, b, span, asize, req);
	return true;
}

void *heap_realloc(struct heap *h, void *p, size_t size, uintptr_t caller)
{
	struct heap_block *b;
	uint32_t asize;
	size_t old;
	void *q;

	if (!p)
		return heap_alloc(h, size);
	b = checked_block(h, p, caller, "realloc");
	settle(h);
	if (size == 0) {
		release(h, b, caller);
		return NULL;
	}
	asize = adjust(size);
	if (!asize)
		return NULL;
	if (resize_in_place(h, b, asize, size))
		return p;
	/*
	 * Moving.  One request replaces the old payload by the new one, so
	 * the old payload leaves the aggregate before the new one joins it:
	 * the peak must not count both (CS:APP's P is taken between requests).
	 */
	old = capacity_of(b) - slack_of(b);
	h->payload_bytes -= old;
	q = heap_alloc(h, size);
	h->payload_bytes += old;
	if (!q)
		return NULL;
	__builtin_memcpy(q, p, old < size ? old : size);
	release(h, b, caller);
	return q;
}

/* ---------------------------------------------------- aligned alloc --- */

/*
 * Over-allocates asize + align + HEAP_ALIGN bytes, then cuts the front off
 * as a free block so that the payload lands on a multiple of align.  The
 * front is either empty or at least HEAP_MIN_BLOCK, hence at most
 * align + HEAP_ALIGN bytes, which the over-allocation covers.  The block
 * came off a free list, so the one before it is allocated and the front
 * needs no coalescing.
 */
void *heap_alloc_aligned(struct heap *h, size_t size, size_t align)
{
	uint32_t asize = adjust(size), need, front;
	struct heap_block *b, *a;
	uintptr_t q;

	if (align <= HEAP_ALIGN)
		return heap_alloc(h, size);
	if (!asize || align > HEAP_MAX_ALIGN || (align & (align - 1)) != 0)
		return NULL;
	settle(h);
	need = asize + (uint32_t)align + HEAP_ALIGN;
	b = take_block(h, need);
	if (!b)
		return NULL;
	q = ((uintptr_t)payload_of(b) + align - 1) & ~(uintptr_t)(align - 1);
	if (q != (uintptr_t)payload_of(b) &&
	    q - (uintptr_t)payload_of(b) < HEAP_MIN_BLOCK)
		q += align;
	front = (uint32_t)(q - (uintptr_t)payload_of(b));
	if (front == 0) {
		place(h, b, size_of(b), asize, size);
		return payload_of(b);
	}
	a = at(q - HEAP_TAG_SIZE);
	a->hdr.word = HDR_ALLOC; /* PREV_ALLOC clear: the front is free */
	place(h, a, size_of(b) - front, asize, size);
	set_free(b, front, prev_is_alloc(b));
	list_push(h, b);
	return payload_of(a);
}

/* ------------------------------------------------------- init, stats --- */

void heap_init(struct heap *h, uintptr_t start, const struct heap_ops *ops,
	       enum heap_fit fit)
{
	kassert(start % HEAP_PAGE_SIZE == 0);
	kassert(ops && ops->grow);
	__builtin_memset(h, 0, sizeof *h);
	h->start = start;
	h->end = start;
	h->ops = *ops;
	h->fit = fit;
	h->trim_pages = HEAP_TRIM_PAGES_DEFAULT;
}

void heap_set_trim(struct heap *h, uint32_t pages)
{
	h->trim_pages = pages ? pages : 1;
}

/* The largest free block: the wilderness, a cached one, or on a list. */
static size_t largest_free(const struct heap *h)
{
	const struct heap_block *b = wilderness(h);
	size_t best = b ? size_of(b) : 0;
	int w;

	for (w = HEAP_QUICK_CLASSES - 1; w >= 0 && !h->quick[w]; w--)
		;
	if (w >= 0 && size_of(h->quick[w]) > best)
		best = size_of(h->quick[w]);
	if (h->deferred && size_of(h->deferred) > best)
		best = size_of(h->deferred);
	for (w = HEAP_CLASS_WORDS - 1; w >= 0 && !h->nonempty[w]; w--)
		;
	if (w < 0)
		return best;
	b = h->lists[(uint32_t)w * CLASS_BITS + 31u -
		     (uint32_t)__builtin_clz(h->nonempty[w])];
	for (; b; b = b->next)
		if (size_of(b) > best)
			best = size_of(b);
	return best;
}

void heap_get_stats(const struct heap *h, struct heap_stats *s)
{
	const struct heap_block *w = wilderness(h);

	s->heap_size = h->end - h->start;
	s->high_water = h->high_water;
	s->payload_bytes = h->payload_bytes;
	s->peak_payload = h->peak_payload;
	s->block_bytes = h->block_bytes;
	const struct heap_block *d = h->deferred;

	s->free_bytes = h->listed_bytes + h->quick_bytes +
			(w ? size_of(w) : 0) + (d ? size_of(d) : 0);
	s->largest_free = largest_free(h);
	s->alloc_blocks = h->alloc_blocks;
	s->free_blocks =
	    h->listed_blocks + h->quick_blocks + (w ? 1 : 0) + (d ? 1 : 0);
	s->quick_blocks = h->quick_blocks + (d ? 1 : 0);
	s->grows = h->grows;
	s->shrinks = h->shrinks;
	s->grow_failures = h->grow_failures;
}

/* ------------------------------------------------------------ walking --- */

bool heap_walk(const struct heap *h, uintptr_t *cursor,
	       struct heap_block_info *info)
{
	uintptr_t a = *cursor ? *cursor : h->start + HEAP_PAD;
	const struct heap_block *b = at(a);
	uint32_t size;

	if (h->end == h->start || a >= h->end - HEAP_EPILOGUE)
		return false;
	size = size_of(b);
	if (size < HEAP_MIN_BLOCK || size > h->end - HEAP_EPILOGUE - a)
		return false;
	info->addr = a;
	info->payload = payload_of(b);
	info->size = size;
	info->cached = (b->hdr.word & HDR_QUICK) != 0;
	info->allocated = is_alloc(b) && !info->cached;
	info->payload_size = info->allocated ? capacity_of(b) - slack_of(b) : 0;
	*cursor = a + size;
	return true;
}

/* ------------------------------------------------------ fit policies --- */

static const char *const fit_names[] = {
    [HEAP_FIT_FIRST] = "first",
    [HEAP_FIT_NEXT] = "next",
    [HEAP_FIT_BEST] = "best",
};

const char *heap_fit_name(enum heap_fit fit)
{
	if ((unsigned)fit >= sizeof fit_names / sizeof fit_names[0])
		return "?";
	return fit_names[fit];
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

bool heap_fit_parse(const char *s, enum heap_fit *fit)
{
	unsigned i;

	for (i = 0; i < sizeof fit_names / sizeof fit_names[0]; i++) {
		if (str_eq(s, fit_names[i])) {
			*fit = (enum heap_fit)i;
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------ checking --- */

/* What one pass over the blocks (or over the lists) adds up. */
struct heap_tally {
	size_t alloc_bytes, free_bytes, payload, quick_bytes;
	uint32_t alloc_blocks, free_blocks, quick_blocks;
	uintptr_t addr_sum, addr_sq_sum;   /* checksums of free blocks' and */
	uintptr_t quick_sum, quick_sq_sum; /* cached blocks' addresses */
	size_t deferred_bytes;		   /* the deferred block, if seen */
	uint32_t deferred_blocks;
};

/* Writes "heap: <message>" into err (if given) and returns false. */
__attribute__((format(printf, 3, 4))) static bool bad(char *err, size_t len,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vfail(err, len, "heap: ", fmt, ap);
	va_end(ap);
	return false;
}

static void tally_free(struct heap_tally *t, const struct heap_block *b)
{
	t->free_blocks++;
	t->free_bytes += size_of(b);
	t->addr_sum += addr_of(b);
	t->addr_sq_sum += addr_of(b) * addr_of(b);
}

static void tally_quick(struct heap_tally *t, const struct heap_block *b)
{
	t->quick_blocks++;
	t->quick_bytes += size_of(b);
	t->quick_sum += addr_of(b);
	t->quick_sq_sum += addr_of(b) * addr_of(b);
}

/* An allocated or cached block of the address-order walk. */
static bool check_alloc(const struct heap *h, const struct heap_block *b,
			struct heap_tally *t, char *err, size_t len)
{
	const struct heap_tag *f = footer_of(b);

	if (b == h->deferred) { /* no footer, neighbours untouched */
		if (!is_quick(b) || size_of(b) > HEAP_QUICK_MAX ||
		    slack_of(b) > capacity_of(b))
			return bad(err, len, "deferred block %p of %u bytes",
				   (void *)b, size_of(b));
		t->deferred_blocks++;
		t->deferred_bytes += size_of(b);
		return true;
	}
	if (is_quick(b)) {
		if (size_of(b) > HEAP_QUICK_MAX || slack_of(b) != 0 ||
		    !tag_ok(f, addr_of(b)) || f->word != size_of(b))
			return bad(err, len, "cached block %p of %u bytes",
				   (void *)b, size_of(b));
		tally_quick(t, b);
		return true;
	}
	if (slack_of(b) > capacity_of(b))
		return bad(err, len, "slack beyond block %p", (void *)b);
	t->alloc_blocks++;
	t->alloc_bytes += size_of(b);
	t->payload += capacity_of(b) - slack_of(b);
	return true;
}

/* One block of the address-order walk. */
static bool check_block(const struct heap *h, const struct heap_block *b,
			bool prev_alloc, bool *prev_unused,
			struct heap_tally *t, char *err, size_t len)
{
	const struct heap_tag *f;

	if (!header_sane(h, b) || size_of(b) == 0)
		return bad(err, len, "bad header at block %p", (void *)b);
	if ((b->hdr.word & HDR_FLAGS &
	     ~(HDR_ALLOC | HDR_PREV_ALLOC | HDR_QUICK)) != 0 ||
	    (b->hdr.word & (HDR_ALLOC | HDR_QUICK)) == HDR_QUICK)
		return bad(err, len, "unknown flag bits in block %p",
			   (void *)b);
	if (prev_is_alloc(b) != prev_alloc)
		return bad(err, len, "wrong PREV_ALLOC bit in block %p",
			   (void *)b);
	/* The deferred block alone may touch free ones: it looks allocated. */
	if (is_unused(b) && b != h->deferred && *prev_unused)
		return bad(err, len, "free or cached block %p follows one",
			   (void *)b);
	*prev_unused = is_unused(b) && b != h->deferred;
	if (is_alloc(b))
		return check_alloc(h, b, t, err, len);
	f = footer_of(b);
	if (!tag_ok(f, addr_of(b)) || f->word != size_of(b))
		return bad(err, len, "footer does not match block %p",
			   (void *)b);
	tally_free(t, b);
	return true;
}

/* Every block in address order, ending exactly at a valid epilogue. */
static bool check_blocks(const struct heap *h, struct heap_tally *t, char *err,
			 size_t len)
{
	uintptr_t a = h->start + HEAP_PAD, limit = h->end - HEAP_EPILOGUE;
	bool prev_alloc = true, prev_unused = false;

	while (a < limit) {
		if (a % HEAP_ALIGN != HEAP_TAG_SIZE)
			return bad(err, len, "misaligned block %p", (void *)a);
		if (!check_block(h, at(a), prev_alloc, &prev_unused, t, err,
				 len))
			return false;
		prev_alloc = !is_unused(at(a)) || at(a) == h->deferred;
		a += size_of(at(a));
	}
	if (a != limit || !header_sane(h, at(a)) || size_of(at(a)) != 0 ||
	    prev_is_alloc(at(a)) != prev_alloc)
		return bad(err, len, "bad epilogue at %p", (void *)limit);
	return true;
}

/* A block found on list c: really free, in the heap, of class c. */
static bool check_listed(const struct heap *h, const struct heap_block *b,
			 uint32_t c, char *err, size_t len)
{
	uintptr_t a = addr_of(b);

	if (a < h->start + HEAP_PAD || a >= h->end - HEAP_EPILOGUE ||
	    a % HEAP_ALIGN != HEAP_TAG_SIZE)
		return bad(err, len, "list %u holds %p, not a heap block", c,
			   (void *)b);
	if (!header_sane(h, b) || size_of(b) == 0 || is_alloc(b))
		return bad(err, len, "list %u holds %p, not a free block", c,
			   (void *)b);
	if (class_of(size_of(b)) != c)
		return bad(err, len, "free block %p of %u bytes on list %u",
			   (void *)b, size_of(b), c);
	if (is_last(h, b))
		return bad(err, len, "the wilderness %p is on list %u",
			   (void *)b, c);
	return true;
}

/* One class list: members, back links, bounded length, rover, bitmap. */
static bool check_list(const struct heap *h, uint32_t c, uint32_t limit,
		       struct heap_tally *t, char *err, size_t len)
{
	const struct heap_block *b, *prev = NULL;
	bool bit = (h->nonempty[c / CLASS_BITS] >> (c % CLASS_BITS)) & 1u;
	bool rover_seen = h->rover[c] == NULL;

	if (bit != (h->lists[c] != NULL))
		return bad(err, len, "non-empty bit of list %u is wrong", c);
	for (b = h->lists[c]; b; prev = b, b = b->next) {
		if (t->free_blocks >= limit)
			return bad(err, len,
				   "list %u holds more blocks than "
				   "the heap has free (a cycle?)",
				   c);
		if (!check_listed(h, b, c, err, len))
			return false;
		if (b->prev != prev)
			return bad(err, len, "bad back link in %p on list %u",
				   (void *)b, c);
		rover_seen |= b == h->rover[c];
		tally_free(t, b);
	}
	if (!rover_seen)
		return bad(err, len, "rover of list %u is not on it", c);
	return true;
}

/* One quick list: cached blocks of one size, as many as counted. */
static bool check_quick(const struct heap *h, uint32_t c, uint32_t limit,
			struct heap_tally *t, char *err, size_t len)
{
	const struct heap_block *b;
	uint32_t n = 0;

	for (b = h->quick[c]; b; b = b->next, n++) {
		uintptr_t a = addr_of(b);

		if (n >= limit || a < h->start + HEAP_PAD ||
		    a >= h->end - HEAP_EPILOGUE ||
		    a % HEAP_ALIGN != HEAP_TAG_SIZE || !header_sane(h, b) ||
		    (b->hdr.word & (HDR_ALLOC | HDR_QUICK)) !=
			(HDR_ALLOC | HDR_QUICK) ||
		    class_of(size_of(b)) != c)
			return bad(err, len,
				   "quick list %u holds %p, not a "
				   "cached block of its size",
				   c, (void *)b);
		tally_quick(t, b);
	}
	if (n != h->quick_count[c])
		return bad(err, len,
			   "quick list %u holds %u blocks, counted "
			   "%u",
			   c, n, h->quick_count[c]);
	return true;
}

/* The quick lists hold exactly the cached blocks the walk found. */
static bool check_quick_lists(const struct heap *h,
			      const struct heap_tally *walk, char *err,
			      size_t len)
{
	struct heap_tally q = {0};
	uint32_t c;

	for (c = 0; c < HEAP_QUICK_CLASSES; c++)
		if (!check_quick(h, c, walk->quick_blocks, &q, err, len))
			return false;
	if (q.quick_blocks != walk->quick_blocks ||
	    q.quick_bytes != walk->quick_bytes ||
	    q.quick_sum != walk->quick_sum ||
	    q.quick_sq_sum != walk->quick_sq_sum ||
	    q.quick_blocks != h->quick_blocks ||
	    q.quick_bytes != h->quick_bytes)
		return bad(err, len,
			   "quick lists hold %u blocks, the heap %u "
			   "cached (or not the same ones), counted %u",
			   q.quick_blocks, walk->quick_blocks, h->quick_blocks);
	return true;
}

/* The statistics kept incrementally, against the walk's tally. */
static bool check_stats(const struct heap *h, const struct heap_tally *t,
			char *err, size_t len)
{
	size_t size = h->end - h->start;

	if (t->alloc_blocks != h->alloc_blocks ||
	    t->alloc_bytes != h->block_bytes)
		return bad(err, len,
			   "allocated: %u blocks, %zu bytes; stats "
			   "say %u, %zu",
			   t->alloc_blocks, t->alloc_bytes, h->alloc_blocks,
			   h->block_bytes);
	if (t->payload != h->payload_bytes)
		return bad(err, len, "payload %zu bytes; stats say %zu",
			   t->payload, h->payload_bytes);
	if (t->deferred_blocks != (h->deferred ? 1u : 0u))
		return bad(err, len, "deferred block %p not found in the heap",
			   (void *)h->deferred);
	if (size && size != t->alloc_bytes + t->free_bytes + t->quick_bytes +
				t->deferred_bytes + HEAP_OVERHEAD)
		return bad(err, len, "blocks do not add up to the heap size");
	if (h->high_water < size || h->peak_payload < h->payload_bytes)
		return bad(err, len, "a high-water mark is below its value");
	return true;
}

bool heap_check(const struct heap *h, char *err, size_t len)
{
	struct heap_tally walk = {0}, lists = {0};
	uint32_t c;

	if (h->end < h->start || (h->end - h->start) % HEAP_PAGE_SIZE)
		return bad(err, len, "bad bounds %p..%p", (void *)h->start,
			   (void *)h->end);
	if (h->end != h->start && !check_blocks(h, &walk, err, len))
		return false;
	for (c = 0; c < HEAP_NCLASSES; c++)
		if (!check_list(h, c, walk.free_blocks, &lists, err, len))
			return false;
	if (lists.free_blocks != h->listed_blocks ||
	    lists.free_bytes != h->listed_bytes)
		return bad(err, len,
			   "lists hold %u blocks, %zu bytes; stats "
			   "say %u, %zu",
			   lists.free_blocks, lists.free_bytes,
			   h->listed_blocks, h->listed_bytes);
	if (wilderness(h))
		tally_free(&lists, wilderness(h));
	if (lists.free_blocks != walk.free_blocks ||
	    lists.free_bytes != walk.free_bytes ||
	    lists.addr_sum != walk.addr_sum ||
	    lists.addr_sq_sum != walk.addr_sq_sum)
		return bad(err, len,
			   "the lists and the wilderness hold %u "
			   "blocks, the heap %u (or not the same ones)",
			   lists.free_blocks, walk.free_blocks);
	return check_quick_lists(h, &walk, err, len) &&
	       check_stats(h, &walk, err, len);
}
