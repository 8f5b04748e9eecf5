/*
 * kheap — the kernel heap: kmalloc, kfree, kcalloc, krealloc,
 * kmalloc_aligned.
 *
 * The allocator itself is mm/heap*.c (pure, host-tested: boundary tags,
 * segregated explicit free lists, split and coalesce; see its header).
 * This file gives it memory: the heap lives in the fixed kernel range
 * [VM_HEAP_BASE, VM_HEAP_LIMIT) and grows by mapping fresh frames at its end;
 * when the free block at its end spans enough whole pages, the heap shrinks
 * and those frames go back to the frame allocator (mingOS's "grow by pages",
 * 003_e27aa1c701da4391.txt, in both directions).
 *
 * Guarantees:
 *  - payloads are 16-byte aligned; kmalloc_aligned gives any power of two
 *    up to 4096;
 *  - running out of memory (no frame, or the heap range is full) returns
 *    NULL, never panics;
 *  - kfree of a pointer the heap never returned, a double free, or a block
 *    whose header was overwritten panics with the block and the caller;
 *  - callable with interrupts on or off (each call disables them).
 * The placement policy comes from `heap.fit=first|next|best`.
 */
#ifndef KEEL_MM_KHEAP_H
#define KEEL_MM_KHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct heap_stats;

/*
 * The two calls made most: arguments in registers (regparm), a few
 * instructions less a pair.  Callers see this declaration, so nothing else
 * changes for them.
 */
#define KHEAP_FASTCALL __attribute__((regparm(3)))

void kheap_init(void);
KHEAP_FASTCALL void *kmalloc(size_t size);
KHEAP_FASTCALL void kfree(void *p);
void *kcalloc(size_t n, size_t size);
void *krealloc(void *p, size_t size);
void *kmalloc_aligned(size_t size, size_t align);

/* Flush the quick lists and give back every free page at the heap's end
 * (heap_flush, heap_trim): free frames then no longer depend on layout. */
void kheap_release(void);
void kheap_stats(struct heap_stats *s);
/* Walk every block and list; false with a description of the first
 * broken invariant. */
bool kheap_check(char *err, size_t len);
/* Bytes in allocated blocks (the self-tests' leak probe). */
uint32_t kheap_bytes_in_use(void);
/* Pages the heap holds mapped right now. */
uint32_t kheap_pages(void);
/* The heap itself, for the console and the tests (read-only use). */
const struct heap *kheap_get(void);

#endif
