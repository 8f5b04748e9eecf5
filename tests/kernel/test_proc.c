/*
 * Processes' pieces, tested in the kernel without a user program: frame
 * reference counts, copy-on-write and eager fork of page tables, the
 * areas of an address space, and the checks on user pointers.  The user
 * programs themselves are tested by user/usertests (make test's user
 * group) and against Linux (the oracle group).
 */
#include "arch/layout.h"
#include "arch/x86.h"
#include "kernel/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/pageref.h"
#include "mm/uvm.h"
#include "proc/exec.h"
#include "proc/proc.h"
#include "proc/uaccess.h"

#define UVA 0x08048000u /* where a program's first page usually is */

static uint32_t frame_of(struct vm_space *s, uint32_t va, uint32_t *flags)
{
	uint32_t pa = 0;
	if (!vm_translate(s, va, &pa, flags))
		return 0;
	return pa & PTE_FRAME_MASK;
}

static void poke(struct vm_space *s, uint32_t va, uint32_t v)
{
	uint32_t *p = uvm_kmap_page(s, va);
	*p = v;
	vm_kunmap(p);
}

static uint32_t peek(struct vm_space *s, uint32_t va)
{
	uint32_t *p = uvm_kmap_page(s, va), v = *p;
	vm_kunmap(p);
	return v;
}

KTEST(pageref, counts_share_and_free)
{
	uint32_t free0 = frame_free_count(), pa = frame_alloc();
	KASSERT_NE(pa, 0);
	pageref_first(pa);
	KEXPECT_EQ(pageref_count(pa), 1);
	KEXPECT_TRUE(pageref_get_ref(pa));
	KEXPECT_EQ(pageref_count(pa), 2);
	KEXPECT_EQ(pageref_put(pa), 1);
	KEXPECT_EQ(frame_free_count(), free0 - 1); /* still in use */
	KEXPECT_EQ(pageref_put(pa), 0);
	KEXPECT_EQ(frame_free_count(), free0); /* the last put freed it */
}

KTEST(uvm, cow_fork_shares_then_copies_on_write)
{
	struct vm_space a, b;
	uint32_t fa, fb, fl = 0, free0;
	KASSERT_EQ(vm_space_init(&a), VM_OK);
	KASSERT_EQ(vm_space_init(&b), VM_OK);
	KASSERT_EQ(uvm_alloc_page(&a, UVA, VM_WRITE), VM_OK);
	poke(&a, UVA, 0x1234);
	free0 = frame_free_count();
	KASSERT_EQ(uvm_fork(&b, &a, false), VM_OK);
	fa = frame_of(&a, UVA, &fl);
	KEXPECT_FALSE(fl & PTE_WRITABLE); /* the parent lost write too */
	KEXPECT_TRUE(fl & UVM_PTE_COW);
	fb = frame_of(&b, UVA, &fl);
	KEXPECT_EQ(fa, fb); /* one frame, two mappings */
	KEXPECT_FALSE(fl & PTE_WRITABLE);
	KEXPECT_EQ(pageref_count(fa), 2);
	KEXPECT_EQ(frame_free_count(), free0 - 1); /* only b's table */
	/* The child writes: it gets a copy, the parent keeps the frame. */
	KASSERT_EQ(uvm_make_writable(&b, UVA), VM_OK);
	fb = frame_of(&b, UVA, &fl);
	KEXPECT_NE(fb, fa);
	KEXPECT_TRUE(fl & PTE_WRITABLE);
	KEXPECT_FALSE(fl & UVM_PTE_COW);
	KEXPECT_EQ(peek(&b, UVA), 0x1234);
	poke(&b, UVA, 0x5678);
	KEXPECT_EQ(peek(&a, UVA), 0x1234); /* isolation */
	KEXPECT_EQ(pageref_count(fa), 1);
	/* The parent writes last: it takes the frame over, no copy. */
	KASSERT_EQ(uvm_make_writable(&a, UVA), VM_OK);
	KEXPECT_EQ(frame_of(&a, UVA, &fl), fa);
	KEXPECT_TRUE(fl & PTE_WRITABLE);
	uvm_destroy(&a);
	uvm_destroy(&b);
}

KTEST(uvm, eager_fork_copies_every_page)
{
	struct vm_space a, b;
	uint32_t fl = 0;
	KASSERT_EQ(vm_space_init(&a), VM_OK);
	KASSERT_EQ(vm_space_init(&b), VM_OK);
	for (uint32_t i = 0; i < 3; i++) {
		KASSERT_EQ(uvm_alloc_page(&a, UVA + i * PAGE_SIZE,
					  i == 1 ? 0 : VM_WRITE),
			   VM_OK);
		poke(&a, UVA + i * PAGE_SIZE, 100 + i);
	}
	KASSERT_EQ(uvm_fork(&b, &a, true), VM_OK);
	for (uint32_t i = 0; i < 3; i++) {
		uint32_t va = UVA + i * PAGE_SIZE;
		KEXPECT_NE(frame_of(&a, va, NULL), frame_of(&b, va, &fl));
		KEXPECT_EQ(peek(&b, va), 100 + i);
		KEXPECT_EQ(!!(fl & PTE_WRITABLE), i != 1); /* flags kept */
		KEXPECT_EQ(pageref_count(frame_of(&b, va, NULL)), 1);
	}
	uvm_destroy(&a);
	uvm_destroy(&b);
}

KTEST(uvm, unmap_range_drops_counts_and_tables)
{
	struct vm_space a, b;
	uint32_t free0 = frame_free_count(), tables = vm_page_tables_in_use();
	KASSERT_EQ(vm_space_init(&a), VM_OK);
	KASSERT_EQ(vm_space_init(&b), VM_OK);
	for (uint32_t i = 0; i < 4; i++)
		KASSERT_EQ(uvm_alloc_page(&a, UVA + i * PAGE_SIZE, VM_WRITE),
			   VM_OK);
	KASSERT_EQ(uvm_fork(&b, &a, false), VM_OK);
	uvm_unmap_range(&a, UVA, UVA + 4 * PAGE_SIZE);
	KEXPECT_FALSE(vm_translate(&a, UVA, NULL, NULL));
	/* b still maps all four, each frame now counted once. */
	for (uint32_t i = 0; i < 4; i++)
		KEXPECT_EQ(
		    pageref_count(frame_of(&b, UVA + i * PAGE_SIZE, NULL)), 1);
	struct uvm_usage u;
	uvm_usage(&b, &u);
	KEXPECT_EQ(u.pages, 4);
	KEXPECT_EQ(u.shared, 0);
	uvm_destroy(&a);
	uvm_destroy(&b);
	KEXPECT_EQ(frame_free_count(), free0);
	KEXPECT_EQ(vm_page_tables_in_use(), tables);
}

/* A process with no program, made current on this task for a test. */
struct borrowed {
	struct proc *p;
	struct vm_space *space;
};

static struct proc *borrow_process(struct borrowed *b)
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

KTEST(uaccess, rejects_what_a_program_may_not_name)
{
	struct borrowed b;
	struct proc *p = borrow_process(&b);
	char buf[8] = {0};
	KASSERT_TRUE(p != NULL);
	KASSERT_TRUE(vma_add(p, UVA, UVA + PAGE_SIZE, PROT_READ, VMA_IMAGE));
	KASSERT_EQ(uvm_alloc_page(p->vm, UVA, 0), VM_OK);
	KEXPECT_EQ(copy_from_user(buf, 0, 4), -EFAULT);		 /* NULL */
	KEXPECT_EQ(copy_from_user(buf, KERNEL_VMA, 4), -EFAULT); /* kernel */
	KEXPECT_EQ(copy_from_user(buf, (uint32_t)buf, 4), -EFAULT);
	KEXPECT_EQ(copy_from_user(buf, UVA + PAGE_SIZE, 4), -EFAULT);
	KEXPECT_EQ(copy_from_user(buf, 0xFFFFFFF0u, 32), -EFAULT); /* wrap */
	KEXPECT_EQ(copy_from_user(buf, UVA + PAGE_SIZE - 2, 4), -EFAULT);
	KEXPECT_EQ(copy_to_user(UVA, "x", 1), -EFAULT); /* read-only */
	KEXPECT_EQ(copy_from_user(buf, UVA, 8), 0);
	KEXPECT_EQ(uaccess_check(UVA, 0, true), 0); /* nothing to check */
	/* Lengths that run into the kernel half, or wrap past 4 GiB to an
	 * end below the start (the page walk alone would check nothing). */
	KEXPECT_EQ(uaccess_check(UVA, KERNEL_VMA - UVA + 1, false), -EFAULT);
	KEXPECT_EQ(uaccess_check(UVA, 0xFFFFFFFFu - UVA + 2, false), -EFAULT);
	KEXPECT_FALSE(uaccess_range_ok(UVA, 0u - UVA));
	KEXPECT_EQ(copy_str_from_user(buf, UVA, sizeof(buf)), 0);
	poke(p->vm, UVA, 0x41414141); /* "AAAA", no NUL in the buffer */
	KEXPECT_EQ(copy_str_from_user(buf, UVA, 4), -ENAMETOOLONG);
	give_back(&b);
}

KTEST(uaccess, resolves_lazy_and_shared_pages)
{
	struct borrowed b;
	struct proc *p = borrow_process(&b);
	uint32_t v = 7, fl = 0, frame;
	KASSERT_TRUE(p != NULL);
	KASSERT_TRUE(vma_add(p, UVA, UVA + 4 * PAGE_SIZE,
			     PROT_READ | PROT_WRITE, VMA_HEAP));
	KEXPECT_FALSE(vm_translate(p->vm, UVA + PAGE_SIZE, NULL, NULL));
	KEXPECT_EQ(copy_to_user(UVA + PAGE_SIZE, &v, 4), 0); /* demand-zero */
	KEXPECT_EQ(p->lazy_faults, 1);
	KEXPECT_EQ(peek(p->vm, UVA + PAGE_SIZE), 7);
	/* Share the page as fork would, then write through the kernel. */
	frame = frame_of(p->vm, UVA + PAGE_SIZE, NULL);
	KASSERT_TRUE(pageref_get_ref(frame));
	uvm_protect_range(p->vm, UVA + PAGE_SIZE, UVA + 2 * PAGE_SIZE,
			  PTE_WRITABLE, 0);
	v = 9;
	KEXPECT_EQ(copy_to_user(UVA + PAGE_SIZE, &v, 4), 0);
	KEXPECT_EQ(p->cow_faults, 1);
	KEXPECT_NE(frame_of(p->vm, UVA + PAGE_SIZE, &fl), frame);
	KEXPECT_TRUE(fl & PTE_WRITABLE);
	KEXPECT_EQ(pageref_put(frame), 0); /* the other sharer lets go */
	give_back(&b);
}

KTEST(vma, remove_and_protect_split_areas)
{
	struct borrowed b;
	struct proc *p = borrow_process(&b);
	KASSERT_TRUE(p != NULL);
	KASSERT_TRUE(vma_add(p, UVA, UVA + 8 * PAGE_SIZE,
			     PROT_READ | PROT_WRITE, VMA_MMAP));
	KEXPECT_TRUE(vma_remove(p, UVA + 2 * PAGE_SIZE, UVA + 3 * PAGE_SIZE));
	KEXPECT_EQ(p->nvma, 2);
	KEXPECT_TRUE(vma_find(p, UVA + 2 * PAGE_SIZE) == NULL);
	KEXPECT_TRUE(vma_find(p, UVA + PAGE_SIZE) != NULL);
	KEXPECT_EQ(
	    vma_protect(p, UVA + 4 * PAGE_SIZE, UVA + 5 * PAGE_SIZE, PROT_READ),
	    0);
	KEXPECT_EQ(p->nvma, 4);
	KEXPECT_EQ(vma_find(p, UVA + 4 * PAGE_SIZE)->prot, PROT_READ);
	KEXPECT_EQ(vma_find(p, UVA + 5 * PAGE_SIZE)->prot,
		   PROT_READ | PROT_WRITE);
	/* A hole inside the range: nothing changes (Linux: ENOMEM). */
	KEXPECT_EQ(vma_protect(p, UVA, UVA + 4 * PAGE_SIZE, PROT_NONE),
		   -ENOMEM);
	KEXPECT_EQ(proc_resolve(p, UVA + 4 * PAGE_SIZE, true), -EFAULT);
	KEXPECT_EQ(proc_resolve(p, UVA + 4 * PAGE_SIZE, false), 0);
	KEXPECT_EQ(proc_resolve(p, UVA + 2 * PAGE_SIZE, false), -EFAULT);
	give_back(&b);
}

KTEST(vma, mmap_gaps_are_taken_top_down)
{
	struct borrowed b;
	struct proc *p = borrow_process(&b);
	uint32_t g1, g2;
	KASSERT_TRUE(p != NULL);
	g1 = vma_gap(p, 2 * PAGE_SIZE);
	KEXPECT_EQ(g1, USER_MMAP_TOP - 2 * PAGE_SIZE);
	KASSERT_TRUE(vma_add(p, g1, g1 + 2 * PAGE_SIZE, PROT_READ, VMA_MMAP));
	g2 = vma_gap(p, PAGE_SIZE);
	KEXPECT_EQ(g2, g1 - PAGE_SIZE);
	KEXPECT_EQ(vma_gap(p, USER_MMAP_TOP), 0); /* too big: no gap */
	give_back(&b);
}

KTEST(exec, arguments_are_limited)
{
	static char big[EXEC_ARGS_MAX / 2];
	char *argv[] = {"/bin/x", big, big, NULL};
	char *small[] = {"/bin/x", "-l", NULL};
	char *envp[] = {"PATH=/bin", NULL};
	struct exec_args a;
	memset(big, 'a', sizeof(big) - 1);
	KEXPECT_EQ(exec_args_from_kernel(&a, argv, envp), -E2BIG);
	KASSERT_EQ(exec_args_from_kernel(&a, small, envp), 0);
	KEXPECT_EQ(a.argc, 2);
	KEXPECT_EQ(a.envc, 1);
	KEXPECT_EQ(a.len,
		   sizeof("/bin/x") + sizeof("-l") + sizeof("PATH=/bin"));
	exec_args_free(&a);
}
