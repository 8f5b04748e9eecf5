/*
 * heap_fit: placement policies (heap_init's `fit`, the kernel's
 * heap.fit=first|next|best), CS:APP 9.9.7 and 9.9.14.
 *
 * Invariants:
 *  - heap_find_fit() returns a block still on its list, of at least the
 *    size asked, from the request's own class or the first non-empty
 *    larger one, or NULL; it never looks at the wilderness;
 *  - only next fit moves a rover, and only to a block on the same list.
 */

#include "mm/heap_lists.h"

/* The first non-empty class after c, or HEAP_NCLASSES. */
uint32_t heap_next_class(const struct heap *h, uint32_t c)
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
struct heap_block *heap_find_fit(struct heap *h, uint32_t asize)
{
	uint32_t c = class_of(asize);
	struct heap_block *b = NULL;

	if (h->lists[c])
		b = search_class(h, c, asize);
	if (!b) {
		c = heap_next_class(h, c);
		if (c < HEAP_NCLASSES)
			b = search_class(h, c, asize);
	}
	return b;
}

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
