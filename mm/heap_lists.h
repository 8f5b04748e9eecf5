/*
 * heap_lists.h: the segregated explicit free lists (CS:APP 9.9.13-14) and
 * the wilderness.
 *
 * Invariants:
 *  - lists[c] holds exactly the free blocks of class c but the wilderness,
 *    doubly linked (b->next->prev == b), LIFO: a free is O(1);
 *  - bit c of nonempty[] is set exactly when lists[c] is not empty;
 *  - rover[c] (next fit) is NULL or a block on lists[c];
 *  - listed_blocks and listed_bytes count what the lists hold;
 *  - the wilderness, the free block right before the epilogue, is on no
 *    list and is used only when no listed block fits.
 *
 * Inline: every allocation and free runs these.
 */
#ifndef KEEL_MM_HEAP_LISTS_H
#define KEEL_MM_HEAP_LISTS_H

#include "mm/heap_internal.h"

/* Explicit free lists, LIFO (9.9.13): a free block goes to the head. */
static inline void heap_list_push(struct heap *h, struct heap_block *b)
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

static inline void heap_list_remove(struct heap *h, struct heap_block *b)
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

/*
 * The wilderness: the free block at the end of the heap, if any.  It is the
 * one block that can grow, so it is kept off the free lists and used only
 * when no listed block fits ("wilderness preservation", Korn and Vo, in
 * Wilson et al.'s 1995 survey of allocators).  Without it, a best fit
 * happily carves small blocks off the end, and a buffer that could have
 * grown in place by extending the heap has to move instead.
 */
static inline struct heap_block *heap_wilderness(const struct heap *h)
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
static inline void heap_unlink_free(struct heap *h, struct heap_block *b)
{
	if (!is_last(h, b))
		heap_list_remove(h, b);
}

#endif
