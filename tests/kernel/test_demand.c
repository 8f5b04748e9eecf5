/*
 * Demand paging's kernel pieces (proc/vma.h, mm/shmem.h), tested without
 * a user program: what a file-backed page is filled with, which pages may
 * be dropped and refilled, and a shared area's frames — one frame for
 * every sharer, after copy-on-write and eager fork alike, freed with the
 * last sharer.  user/vmtests checks the same from a program's side.
 */
#include "arch/layout.h"
#include "arch/x86.h"
#include "kernel/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pageref.h"
#include "mm/shmem.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "proc/vma.h"

#define DVA 0x08048000u

static uint8_t file_bytes[PAGE_SIZE + 0x40];

/* A segment whose bytes start 0x123 into its first page and end 0x163
 * into its second; the third page is all bss. */
static struct vma file_area(void)
{
	for (uint32_t i = 0; i < sizeof(file_bytes); i++)
		file_bytes[i] = (uint8_t)(i * 7 + 1) | 1; /* never zero */
	return (struct vma){.start = DVA,
			    .end = DVA + 3 * PAGE_SIZE,
			    .prot = PROT_READ | PROT_WRITE,
			    .kind = VMA_IMAGE,
			    .file = file_bytes,
			    .file_va = DVA + 0x123,
			    .file_len = sizeof(file_bytes)};
}

static bool zero(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

KTEST(vma, fill_page_copies_file_bytes_and_zeros_the_rest)
{
	struct vma v = file_area();
	uint8_t *page = kmalloc(PAGE_SIZE);
	uint32_t first = PAGE_SIZE - 0x123; /* file bytes in page 0 */
	KASSERT_TRUE(page != NULL);
	memset(page, 0xee, PAGE_SIZE);
	vma_fill_page(&v, DVA + 5, page); /* any address in the page */
	KEXPECT_TRUE(zero(page, 0x123));
	KEXPECT_EQ(memcmp(page + 0x123, file_bytes, first), 0);
	memset(page, 0xee, PAGE_SIZE);
	vma_fill_page(&v, DVA + PAGE_SIZE, page);
	KEXPECT_EQ(memcmp(page, file_bytes + first, sizeof(file_bytes) - first),
		   0);
	KEXPECT_TRUE(zero(page + (sizeof(file_bytes) - first),
			  PAGE_SIZE - (sizeof(file_bytes) - first)));
	memset(page, 0xee, PAGE_SIZE);
	vma_fill_page(&v, DVA + 2 * PAGE_SIZE, page); /* bss */
	KEXPECT_TRUE(zero(page, PAGE_SIZE));
	kfree(page);
}

KTEST(vma, only_private_file_pages_are_refillable)
{
	struct vma v = file_area(), anon = {.start = DVA,
					    .end = DVA + PAGE_SIZE,
					    .prot = PROT_READ,
					    .kind = VMA_MMAP};
	KEXPECT_TRUE(vma_page_refillable(&v, DVA));
	KEXPECT_TRUE(vma_page_refillable(&v, DVA + 2 * PAGE_SIZE));
	KEXPECT_FALSE(vma_page_refillable(&v, DVA + 3 * PAGE_SIZE));
	KEXPECT_FALSE(vma_page_refillable(&anon, DVA));
	v.flags = VMA_SHARED;
	v.shm = NULL;
	KEXPECT_FALSE(vma_page_refillable(&v, DVA));
}

struct borrowed {
	struct proc *p;
	struct vm_space *space;
};

static struct proc *borrow(struct borrowed *b)
{
	struct task *t = task_current();
	b->p = proc_alloc("ktest");
	if (!b->p)
		return NULL;
	b->space = t->space;
	cli();
	t->proc = b->p;
	t->space = b->p->vm;
	vm_switch(b->p->vm);
	sti();
	return b->p;
}

static void give_back(struct borrowed *b)
{
	struct task *t = task_current();
	cli();
	t->proc = NULL;
	t->space = b->space;
	vm_switch(b->space);
	sti();
	proc_discard(b->p);
}

static uint32_t frame_at(struct vm_space *s, uint32_t va, uint32_t *flags)
{
	uint32_t pa = 0;
	if (!vm_translate(s, va, &pa, flags))
		return 0;
	return pa & PTE_FRAME_MASK;
}

static uint32_t free_now(void)
{
	kheap_release();
	return frame_free_count();
}

/* Fork of a shared area, copy-on-write or eager: the child maps the
 * parent's frame, writable, not marked copy-on-write. */
static void expect_forked_shared(struct vm_space *parent, uint32_t frame,
				 bool eager)
{
	struct vm_space *c = kcalloc(1, sizeof(*c));
	uint32_t fl = 0;
	KASSERT_TRUE(c != NULL);
	KASSERT_EQ(vm_space_init(c), VM_OK);
	KEXPECT_EQ(uvm_fork(c, parent, eager), VM_OK);
	KEXPECT_EQ(frame_at(c, DVA, &fl), frame);
	KEXPECT_TRUE(fl & PTE_WRITABLE);
	KEXPECT_FALSE(fl & UVM_PTE_COW);
	KEXPECT_EQ(frame_at(parent, DVA, &fl), frame);
	KEXPECT_TRUE(fl & PTE_WRITABLE);
	uvm_destroy(c);
	kfree(c);
}

KTEST(shmem, shared_area_keeps_one_frame_across_fork)
{
	uint32_t free0 = free_now(), frame;
	struct borrowed b;
	struct proc *p = borrow(&b);
	KASSERT_TRUE(p != NULL);
	KASSERT_EQ(vma_add_shared(p, DVA, DVA + 2 * PAGE_SIZE,
				  PROT_READ | PROT_WRITE, VMA_MMAP, NULL, 0),
		   0);
	KEXPECT_EQ(proc_resolve(p, DVA, true), 0);
	frame = frame_at(p->vm, DVA, NULL);
	KASSERT_NE(frame, 0);
	KEXPECT_EQ(pageref_count(frame), 2); /* the object and the PTE */
	KEXPECT_EQ(shmem_resident(p->vma[0].shm), 1);
	expect_forked_shared(p->vm, frame, false);
	expect_forked_shared(p->vm, frame, true);
	/* Unmapping the page leaves the object's frame (a sharer may map
	 * it again and find its bytes). */
	uvm_unmap_range(p->vm, DVA, DVA + PAGE_SIZE);
	KEXPECT_EQ(pageref_count(frame), 1);
	KEXPECT_EQ(proc_resolve(p, DVA, false), 0);
	KEXPECT_EQ(frame_at(p->vm, DVA, NULL), frame);
	give_back(&b);
	KEXPECT_EQ(free_now(), free0);
}

KTEST(shmem, split_area_keeps_page_offsets)
{
	uint32_t free0 = free_now(), frame;
	struct borrowed b;
	struct proc *p = borrow(&b);
	struct shmem *m;
	KASSERT_TRUE(p != NULL);
	KASSERT_EQ(vma_add_shared(p, DVA, DVA + 4 * PAGE_SIZE,
				  PROT_READ | PROT_WRITE, VMA_MMAP, NULL, 0),
		   0);
	m = p->vma[0].shm;
	KEXPECT_EQ(proc_resolve(p, DVA + 3 * PAGE_SIZE, true), 0);
	frame = frame_at(p->vm, DVA + 3 * PAGE_SIZE, NULL);
	/* A hole in the middle: two areas, one object, refs 2. */
	KEXPECT_TRUE(vma_remove(p, DVA + PAGE_SIZE, DVA + 2 * PAGE_SIZE));
	KEXPECT_EQ(p->nvma, 2);
	KEXPECT_EQ(m->refs, 2);
	KEXPECT_EQ(p->vma[1].shm_pgoff, 2);
	uvm_unmap_range(p->vm, DVA + 3 * PAGE_SIZE, DVA + 4 * PAGE_SIZE);
	KEXPECT_EQ(proc_resolve(p, DVA + 3 * PAGE_SIZE, false), 0);
	KEXPECT_EQ(frame_at(p->vm, DVA + 3 * PAGE_SIZE, NULL), frame);
	give_back(&b);
	KEXPECT_EQ(free_now(), free0);
}
