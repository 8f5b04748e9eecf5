/*
 * pageref — how many user mappings share each physical frame.
 *
 * Copy-on-write fork (003_*: "copy-on-write"; CS:APP 9.8.3, private
 * copy-on-write objects) lets parent and child map the same frame
 * read-only; the frame may be freed, or written in place, only when one
 * mapping is left.  One 16-bit count per frame, in an array sized at boot
 * for the highest frame the allocator knows.  A frame mapped into user
 * space has a count of at least 1; pageref_put frees it at 0.
 *
 * Guarantees: a count never wraps (pageref_get_ref fails at 65535, and
 * fork then reports ENOMEM); a put at 0 panics (a bug, not bad input).
 */
#ifndef KEEL_MM_PAGEREF_H
#define KEEL_MM_PAGEREF_H

#include <stdbool.h>
#include <stdint.h>

#define PAGEREF_MAX 0xFFFFu

/* Size the array (after the heap is up); false without memory. */
bool pageref_init(void);
uint32_t pageref_count(uint32_t pa);
/* Set a fresh frame's count to 1. */
void pageref_first(uint32_t pa);
/* One more mapping of pa; false if its count is at PAGEREF_MAX. */
bool pageref_get_ref(uint32_t pa);
/* One mapping fewer; the frame is freed when none is left.  Returns the
 * count left. */
uint32_t pageref_put(uint32_t pa);

#endif
