/*
 * kheap — kernel glue for the heap algorithm (see kheap.h).
 */
#include "mm/kheap.h"

#include "arch/layout.h"
#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "mm/vm.h"

/*
 * The heap's first page stays mapped from kheap_init on, whatever the heap
 * gives back: it keeps the heap range's first page table alive, so growing
 * and shrinking never allocate and free that table on the way, and the
 * self-tests' frame probe (free frames + heap pages) stays exact.
 */
#define KHEAP_PINNED_END (VM_HEAP_BASE + PAGE_SIZE)

static struct heap kheap;
static uintptr_t mapped_end = VM_HEAP_BASE;

static void unmap_down_to(uintptr_t end)
{
	if (end < KHEAP_PINNED_END)
		end = KHEAP_PINNED_END;
	while (mapped_end > end) {
		uint32_t pa;
		mapped_end -= PAGE_SIZE;
		if (vm_unmap(vm_kernel_space(), mapped_end, &pa) == VM_OK)
			frame_free(pa);
	}
}

/* The heap asks for [mapped_end, new_end): map a fresh frame per page. */
static bool kheap_grow(void *ctx, uintptr_t new_end)
{
	uintptr_t start = mapped_end;
	(void)ctx;
	if (new_end > VM_HEAP_LIMIT)
		return false;
	while (mapped_end < new_end) {
		uint32_t pa = frame_alloc();
		if (pa == 0 || vm_map(vm_kernel_space(), mapped_end, pa,
				      VM_WRITE) != VM_OK) {
			if (pa)
				frame_free(pa);
			unmap_down_to(start); /* all or nothing */
			return false;
		}
		mapped_end += PAGE_SIZE;
	}
	return true;
}

static void kheap_shrink(void *ctx, uintptr_t new_end)
{
	(void)ctx;
	unmap_down_to(new_end);
}

static const struct heap_ops kheap_ops = {NULL, kheap_grow, kheap_shrink};

void kheap_init(void)
{
	static const char *const fits[] = {"first", "next", "best"};
	int fit = cmdline_choice("heap.fit", fits, 3, HEAP_FIT_DEFAULT);
	if (!kheap_grow(NULL, KHEAP_PINNED_END))
		panic("kheap: no frame for the heap's first page");
	heap_init(&kheap, VM_HEAP_BASE, &kheap_ops, (enum heap_fit)fit);
}

KHEAP_FASTCALL void *kmalloc(size_t size)
{
	bool on = irq_save();
	void *p = heap_alloc(&kheap, size);
	irq_restore(on);
	return p;
}

KHEAP_FASTCALL void kfree(void *p)
{
	uintptr_t caller = (uintptr_t)__builtin_return_address(0);
	bool on = irq_save(); /* heap_free ignores NULL */
	heap_free(&kheap, p, caller);
	irq_restore(on);
}

void *kcalloc(size_t n, size_t size)
{
	void *p;
	if (size && n > SIZE_MAX / size)
		return NULL; /* n * size would overflow */
	p = kmalloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *krealloc(void *p, size_t size)
{
	uintptr_t caller = (uintptr_t)__builtin_return_address(0);
	bool on = irq_save();
	void *q = heap_realloc(&kheap, p, size, caller);
	irq_restore(on);
	return q;
}

void *kmalloc_aligned(size_t size, size_t align)
{
	bool on = irq_save();
	void *p = heap_alloc_aligned(&kheap, size, align);
	irq_restore(on);
	return p;
}

void kheap_release(void)
{
	bool on = irq_save();
	heap_flush(&kheap);
	heap_trim(&kheap);
	irq_restore(on);
}

void kheap_stats(struct heap_stats *s)
{
	bool on = irq_save();
	heap_get_stats(&kheap, s);
	irq_restore(on);
}

bool kheap_check(char *err, size_t len)
{
	bool on = irq_save();
	bool ok = heap_check(&kheap, err, len);
	irq_restore(on);
	return ok;
}

uint32_t kheap_bytes_in_use(void)
{
	struct heap_stats s;
	kheap_stats(&s);
	return (uint32_t)s.block_bytes;
}

uint32_t kheap_pages(void)
{
	return (uint32_t)((mapped_end - VM_HEAP_BASE) / PAGE_SIZE);
}

const struct heap *kheap_get(void)
{
	return &kheap;
}
