/*
 * Paging: map, translate, unmap; page tables come and go; the kernel's
 * final directory has the protections vm.h promises.
 */
#include <stddef.h>

#include "arch/layout.h"
#include "arch/trap.h"
#include "arch/x86.h"
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/tlb_demo.h"
#include "mm/vm.h"

/* A kernel address in a 4 MiB region nothing else uses during the test. */
#define TEST_VA (VM_KSTACK_LIMIT - (4u << 20))

KTEST(vm, map_translate_unmap)
{
	struct vm_space *k = vm_kernel_space();
	uint32_t tables = vm_page_tables_in_use();
	uint32_t pa = frame_alloc(), got = 0, flags = 0, back = 0;
	KASSERT_NE(pa, 0);
	KEXPECT_FALSE(vm_translate(k, TEST_VA, NULL, NULL));
	KASSERT_EQ(vm_map(k, TEST_VA, pa, VM_WRITE), VM_OK);
	KEXPECT_EQ(vm_page_tables_in_use(), tables + 1); /* a new table */
	KEXPECT_TRUE(vm_translate(k, TEST_VA + 0x123, &got, &flags));
	KEXPECT_EQ(got, pa + 0x123);
	KEXPECT_TRUE(flags & PTE_WRITABLE);
	KEXPECT_FALSE(flags & PTE_USER);
	*(volatile uint32_t *)TEST_VA = 0xC0FFEE; /* really mapped */
	uint32_t *k2 = vm_kmap(pa);		  /* same frame, other VA */
	KEXPECT_EQ(*k2, 0xC0FFEE);
	vm_kunmap(k2);
	KEXPECT_EQ(vm_unmap(k, TEST_VA, &back), VM_OK);
	KEXPECT_EQ(back, pa);
	KEXPECT_FALSE(vm_translate(k, TEST_VA, NULL, NULL));
	KEXPECT_EQ(vm_page_tables_in_use(), tables); /* the table went back */
	frame_free(pa);
}

KTEST(vm, table_lives_while_any_entry_does)
{
	struct vm_space *k = vm_kernel_space();
	uint32_t tables = vm_page_tables_in_use();
	uint32_t a = frame_alloc(), b = frame_alloc();
	KASSERT_TRUE(a && b);
	KASSERT_EQ(vm_map(k, TEST_VA, a, 0), VM_OK);
	KASSERT_EQ(vm_map(k, TEST_VA + PAGE_SIZE * 7, b, 0), VM_OK);
	KEXPECT_EQ(vm_page_tables_in_use(), tables + 1);
	KEXPECT_EQ(vm_unmap(k, TEST_VA, NULL), VM_OK);
	KEXPECT_EQ(vm_page_tables_in_use(), tables + 1);
	KEXPECT_TRUE(vm_translate(k, TEST_VA + PAGE_SIZE * 7, NULL, NULL));
	KEXPECT_EQ(vm_unmap(k, TEST_VA + PAGE_SIZE * 7, NULL), VM_OK);
	KEXPECT_EQ(vm_page_tables_in_use(), tables);
	frame_free(a);
	frame_free(b);
}

KTEST(vm, bad_requests_change_nothing)
{
	struct vm_space *k = vm_kernel_space();
	uint32_t pa = frame_alloc();
	KASSERT_NE(pa, 0);
	KEXPECT_EQ(vm_map(k, TEST_VA + 1, pa, 0), VM_EINVAL); /* unaligned VA */
	KEXPECT_EQ(vm_map(k, TEST_VA, pa + 8, 0), VM_EINVAL); /* unaligned PA */
	KEXPECT_EQ(vm_map(k, 0, pa, 0), VM_EINVAL); /* the NULL page */
	KEXPECT_EQ(vm_map(k, VM_PAGE_TABLES, pa, 0),
		   VM_EINVAL); /* recursive area */
	KEXPECT_EQ(vm_map(k, TEST_VA, pa, PTE_DIRTY), VM_EINVAL); /* odd flag */
	KEXPECT_EQ(vm_unmap(k, TEST_VA, NULL), VM_ENOENT);
	KASSERT_EQ(vm_map(k, TEST_VA, pa, 0), VM_OK);
	KEXPECT_EQ(vm_map(k, TEST_VA, pa, 0), VM_EEXIST);
	KEXPECT_EQ(vm_unmap(k, TEST_VA, NULL), VM_OK);
	frame_free(pa);
}

KTEST(vm, kernel_image_protections)
{
	struct vm_space *k = vm_kernel_space();
	uint32_t flags, pde, pte;
	KASSERT_TRUE(vm_translate(k, (uint32_t)__text_start, NULL, &flags));
	KEXPECT_FALSE(flags & PTE_WRITABLE); /* text read-only */
	KASSERT_TRUE(vm_translate(k, (uint32_t)__rodata_start, NULL, &flags));
	KEXPECT_FALSE(flags & PTE_WRITABLE);
	KASSERT_TRUE(vm_translate(k, (uint32_t)__data_start, NULL, &flags));
	KEXPECT_TRUE(flags & PTE_WRITABLE);
	KEXPECT_FALSE(vm_translate(k, 0, NULL, NULL)); /* NULL unmapped */
	KEXPECT_FALSE(
	    vm_translate(k, KERNEL_LOAD, NULL, NULL)); /* no identity map */
	KEXPECT_FALSE(vm_translate(k, (uint32_t)boot_stack_guard, NULL, NULL));
	KEXPECT_TRUE(read_cr0() & CR0_WP);
	KEXPECT_EQ(read_cr3(), k->pd_pa);
	vm_walk(k, VM_PAGE_DIRECTORY, &pde, &pte);
	KEXPECT_EQ(pde & PTE_FRAME_MASK, k->pd_pa); /* the recursive slot */
}

KTEST(vm, second_space_shares_the_kernel_half)
{
	uint32_t before = frame_free_count(), pa = 0, got;
	static struct vm_space space;
	struct vm_space *s = &space;
	KASSERT_EQ(vm_space_init(s), VM_OK);
	KEXPECT_NE(s->pd_pa, vm_kernel_space()->pd_pa);
	/* The kernel text is visible in it, at the same frame. */
	uint32_t kpa, spa;
	KEXPECT_TRUE(vm_translate(vm_kernel_space(), (uint32_t)__text_start,
				  &kpa, NULL));
	KEXPECT_TRUE(vm_translate(s, (uint32_t)__text_start, &spa, NULL));
	KEXPECT_EQ(kpa, spa);
	/* A user page in s is not in the kernel space. */
	pa = frame_alloc();
	KASSERT_NE(pa, 0);
	KEXPECT_EQ(vm_map(s, 0x400000, pa, VM_WRITE | VM_USER), VM_OK);
	KEXPECT_TRUE(vm_translate(s, 0x400000, &got, NULL));
	KEXPECT_EQ(got, pa);
	KEXPECT_FALSE(vm_translate(vm_kernel_space(), 0x400000, NULL, NULL));
	/* Switch to it and back: CR3 follows. */
	vm_switch(s);
	KEXPECT_EQ(read_cr3(), s->pd_pa);
	KEXPECT_EQ(*(volatile uint32_t *)0x400000,
		   *(volatile uint32_t *)0x400000);
	vm_switch(vm_kernel_space());
	KEXPECT_EQ(vm_unmap(s, 0x400000, NULL), VM_OK);
	frame_free(pa);
	vm_space_fini(s);
	KEXPECT_EQ(frame_free_count(), before);
}

/*
 * The TLB caches translations, so unmapping must invalidate (002_…, 004_…).
 * A read through a page just unmapped must fault; a #PF handler registered
 * for the case catches it and resumes at probe_read_fixup.  Another page
 * keeps the page table alive, so nothing but vm_unmap's own invlpg can drop
 * the cached entry.
 */
__asm__(".text\n"
	".globl probe_read\n"
	"probe_read:\n"
	"	movl 4(%esp), %ecx\n"
	".globl probe_read_insn\n"
	"probe_read_insn:\n"
	"	movl (%ecx), %eax\n"
	"	ret\n"
	".globl probe_read_fixup\n"
	"probe_read_fixup:\n"
	"	movl $0xFA017ED, %eax\n"
	"	ret\n");
uint32_t probe_read(uint32_t va);
extern const char probe_read_insn[], probe_read_fixup[];

static volatile uint32_t pf_hits, pf_addr;

static TRAP_CALL struct trap_frame *catch_probe_fault(struct trap_frame *tf)
{
	if (tf->eip != (uint32_t)probe_read_insn)
		trap_fatal(tf); /* not the probe: report it as usual */
	pf_hits++;
	pf_addr = read_cr2();
	tf->eip = (uint32_t)probe_read_fixup;
	return tf;
}

KTEST(vm, unmap_invalidates_the_tlb)
{
	struct vm_space *k = vm_kernel_space();
	trap_handler_t old = trap_handler(T_PAGE_FAULT);
	uint32_t a = frame_alloc(), keep = frame_alloc(), seen;
	KASSERT_TRUE(a && keep);
	KASSERT_EQ(vm_map(k, TEST_VA, a, VM_WRITE), VM_OK);
	KASSERT_EQ(vm_map(k, TEST_VA + PAGE_SIZE, keep, 0), VM_OK);
	*(volatile uint32_t *)TEST_VA = 0x7EB0;
	pf_hits = 0;
	trap_register(T_PAGE_FAULT, catch_probe_fault);
	KEXPECT_EQ(probe_read(TEST_VA), 0x7EB0); /* cached now */
	KEXPECT_EQ(vm_unmap(k, TEST_VA, NULL), VM_OK);
	seen = probe_read(TEST_VA);
	trap_register(T_PAGE_FAULT, old);
	KEXPECT_EQ(seen, 0xFA017ED); /* faulted, not the stale 0x7EB0 */
	KEXPECT_EQ(pf_hits, 1);
	KEXPECT_EQ(pf_addr, TEST_VA);
	KEXPECT_EQ(vm_unmap(k, TEST_VA + PAGE_SIZE, NULL), VM_OK);
	frame_free(a);
	frame_free(keep);
}

/* vm_retarget with flush: the very next read sees the new frame. */
KTEST(vm, retarget_with_flush_sees_the_new_frame)
{
	struct vm_space *k = vm_kernel_space();
	uint32_t a = frame_alloc(), b = frame_alloc(), old = 0;
	KASSERT_TRUE(a && b);
	KASSERT_EQ(vm_map(k, TEST_VA, a, VM_WRITE), VM_OK);
	*(volatile uint32_t *)TEST_VA = 0xAAAA;
	KEXPECT_EQ(vm_retarget(k, TEST_VA, b, true, &old), VM_OK);
	KEXPECT_EQ(old, a);
	*(volatile uint32_t *)TEST_VA = 0xBBBB;
	uint32_t *pa = vm_kmap(a), *pb = vm_kmap(b);
	KEXPECT_EQ(*pa, 0xAAAA);
	KEXPECT_EQ(*pb, 0xBBBB);
	vm_kunmap(pb);
	vm_kunmap(pa);
	KEXPECT_EQ(vm_retarget(k, TEST_VA + PAGE_SIZE, a, true, NULL),
		   VM_ENOENT);
	KEXPECT_EQ(vm_unmap(k, TEST_VA, NULL), VM_OK);
	frame_free(a);
	frame_free(b);
}

/* The console's `tlb` demonstration: both cures work.  (Whether the stale
 * reads of steps 2 and 4 happen is the CPU's business: reported, not
 * asserted.) */
KTEST(vm, tlb_demo_cures_work)
{
	struct tlb_demo d;
	KASSERT_EQ(tlb_demo_run(&d), 0);
	KEXPECT_EQ(d.seen[0], 'A');
	KEXPECT_EQ(d.seen[2], 'B'); /* after invlpg */
	KEXPECT_EQ(d.seen[4], 'A'); /* after the CR3 reload */
	ktest_diag(
	    "stale reads: step 2 saw %c (PTE %c), step 4 saw %c (PTE %c)",
	    d.seen[1], d.expected[1], d.seen[3], d.expected[3]);
}
