/*
 * shell_mm — the console's memory commands: mem, heap, vm, tlb.
 *
 * The heap is not reentrant and its glue serialises with interrupts off,
 * so `heap blocks` copies the block list with interrupts off into a fixed
 * table and prints the copy afterwards.
 */
#include "arch/layout.h"
#include "arch/x86.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/dump.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "mm/kheap.h"
#include "mm/swapslot.h"
#include "mm/tlb_demo.h"
#include "mm/uvm.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "proc/swap.h"
#include "shell/shell.h"
#include "shell/shell_cmd.h"

#define HEAP_SHOW_BLOCKS 48
#define PAGE_OFFSET_MASK 0xFFFu
#define KIB(bytes)	 ((uint32_t)((bytes) >> 10))

/* ---------------------------------------------------------------- mem -- */

/* The swap area and the kernel-wide paging counters (vmstat). */
void shell_swap_summary(void)
{
	uint64_t c[VM_NEVENTS];
	swap_totals(c);
	if (swap_enabled())
		shell_printf("swap: %u of %u slots in use (4 KiB each)\n",
			     swapslot_used(), swapslot_total());
	else
		shell_printf("swap: none (no disk)\n");
	shell_printf("paging: %llu minor, %llu major faults, %llu swap-ins, "
		     "%llu swap-outs (%llu written back), %llu traced hits; "
		     "vm.frames=%u vm.policy=%s\n",
		     c[VM_MINOR], c[VM_MAJOR], c[VM_SWAP_IN], c[VM_SWAP_OUT],
		     c[VM_WRITEBACK], c[VM_SOFT], resident_default_frames,
		     vmp_name(resident_default_policy));
}

int shell_cmd_mem(int argc, char **argv)
{
	uint32_t total = frame_total(), free = frame_free_count();
	uint32_t reserved = frame_reserved_count();
	if (argc == 2 && strcmp(argv[1], "dump") != 0)
		return shell_bad("'%s' is not 'dump'", argv[1]);
	if (argc == 2) {
		mm_dump(); /* MEMDUMP lines for tools/plot-mem */
		return SHELL_OK;
	}
	frame_print_map(); /* straight to the console */
	shell_printf("in use: %u frames of %u KiB (%u KiB), among them %u "
		     "heap pages and %u page tables\n",
		     total - free - reserved, FRAME_SIZE >> 10,
		     (total - free - reserved) * (FRAME_SIZE >> 10),
		     kheap_pages(), vm_page_tables_in_use());
	shell_swap_summary();
	return SHELL_OK;
}

/* --------------------------------------------------------------- heap -- */

/* payload / heap size as a percentage with one decimal, "73.4%". */
static void print_permille(size_t num, size_t den)
{
	uint32_t pm;
	if (den == 0) {
		shell_printf("n/a");
		return;
	}
	pm = (uint32_t)(((uint64_t)num * 1000 + den / 2) / den);
	shell_printf("%u.%u%%", pm / 10, pm % 10);
}

/* "1 block", "2 blocks". */
static const char *plural(uint32_t n)
{
	return n == 1 ? "" : "s";
}

static void heap_stats_print(void)
{
	struct heap_stats s;
	const struct heap *h = kheap_get();
	kheap_stats(&s);
	shell_printf("kernel heap at 0x%08x: %u KiB now, high-water %u KiB; "
		     "placement: %s fit\n",
		     (uint32_t)h->start, KIB(s.heap_size), KIB(s.high_water),
		     heap_fit_name(h->fit));
	shell_printf(
	    "  allocated: %u block%s, %u bytes (%u asked for; the rest "
	    "is headers and rounding)\n",
	    s.alloc_blocks, plural(s.alloc_blocks), (uint32_t)s.block_bytes,
	    (uint32_t)s.payload_bytes);
	shell_printf("  free:      %u block%s, %u bytes, largest %u "
		     "(%u on quick lists)\n",
		     s.free_blocks, plural(s.free_blocks),
		     (uint32_t)s.free_bytes, (uint32_t)s.largest_free,
		     s.quick_blocks);
	shell_printf("  peak utilisation: ");
	print_permille(s.peak_payload, s.high_water);
	shell_printf(" (most payload ever live %u / high-water %u bytes)\n",
		     (uint32_t)s.peak_payload, (uint32_t)s.high_water);
	shell_printf("  the heap grew %u time%s, shrank %u time%s, could not "
		     "grow %u time%s\n",
		     s.grows, plural(s.grows), s.shrinks, plural(s.shrinks),
		     s.grow_failures, plural(s.grow_failures));
}

struct heap_snap {
	struct heap_block_info b[HEAP_SHOW_BLOCKS];
	uint32_t n, total, allocated;
};

static void heap_take(struct heap_snap *s)
{
	struct heap_block_info info;
	uintptr_t cursor = 0;
	bool on = irq_save();
	const struct heap *h = kheap_get();
	s->n = s->total = s->allocated = 0;
	while (heap_walk(h, &cursor, &info)) {
		if (s->n < HEAP_SHOW_BLOCKS)
			s->b[s->n++] = info;
		s->total++;
		s->allocated += info.allocated && !info.cached;
	}
	irq_restore(on);
}

static void heap_blocks_print(void)
{
	static struct heap_snap s;
	heap_take(&s);
	shell_printf("heap blocks in address order (size includes the header; "
		     "payload is what was asked for):\n");
	shell_printf("  block       size     payload  state\n");
	for (uint32_t i = 0; i < s.n; i++) {
		const struct heap_block_info *b = &s.b[i];
		shell_printf("  0x%08x %8u ", (uint32_t)b->addr,
			     (uint32_t)b->size);
		if (b->allocated && !b->cached)
			shell_printf("%8u  allocated\n",
				     (uint32_t)b->payload_size);
		else
			shell_printf("%8s  %s\n", "-",
				     b->cached ? "free (on a quick list)"
					       : "free");
	}
	if (s.total > s.n)
		shell_printf("  ... %u more\n", s.total - s.n);
	shell_printf("%u block%s: %u allocated, %u free\n", s.total,
		     plural(s.total), s.allocated, s.total - s.allocated);
}

int shell_cmd_heap(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "blocks") != 0)
		return shell_bad("'%s' is not 'blocks'", argv[1]);
	if (argc == 2)
		heap_blocks_print();
	else
		heap_stats_print();
	return SHELL_OK;
}

/* ----------------------------------------------------------------- vm -- */

/* An entry's flag bits in words (SDM 3A table 4-5 and 4-6). */
static void print_flags(uint32_t e, bool is_pte)
{
	if (!(e & PTE_PRESENT)) {
		shell_printf("not present");
		return;
	}
	shell_printf("present, %s, %s",
		     e & PTE_WRITABLE ? "writable" : "read-only",
		     e & PTE_USER ? "user" : "supervisor (kernel only)");
	if (e & PTE_WRITETHROUGH)
		shell_printf(", write-through");
	if (e & PTE_NOCACHE)
		shell_printf(", cache disabled");
	if (e & PTE_ACCESSED)
		shell_printf(", accessed");
	if (is_pte && (e & PTE_DIRTY))
		shell_printf(", dirty");
	if (is_pte && (e & PTE_GLOBAL))
		shell_printf(", global");
	if (is_pte && (e & UVM_PTE_COW))
		shell_printf(", copy-on-write (shared since a fork)");
}

static int vm_stop(const char *what, uint32_t lo, uint32_t hi)
{
	shell_printf("  the walk stops here: %s 0x%08x-0x%08x, so an access "
		     "raises a page fault\n",
		     what, lo, hi);
	return SHELL_OK;
}

/*
 * Why nothing is mapped at va: what the layout (README, "Virtual layout")
 * keeps there.  A fault at such an address is the kernel's own bug, and
 * the region names the likely one.
 */
static const char *vm_why_unmapped(uint32_t va, struct proc *p)
{
	uint32_t page = va & PTE_FRAME_MASK;
	static const char *const kinds[] = {"program image", "brk heap", "mmap",
					    "stack"};
	static char why[120];
	if (va < KERNEL_VMA && p) {
		const struct vma *v = vma_find(p, va);
		if (!v)
			return "in none of the process's areas: an access "
			       "would be killed with SIGSEGV";
		fmt_snprintf(why, sizeof(why),
			     "inside its %s area, not touched yet: the first "
			     "access faults and gets a zeroed page",
			     kinds[v->kind]);
		return why;
	}
	if (va < KERNEL_VMA)
		return "user space: the kernel's own address space maps "
		       "nothing below 0xC0000000 (a process's: vm ADDR PID)";
	if (va >= (uint32_t)__kernel_start && va < (uint32_t)__text_start)
		return "the image's first page, .boot (Multiboot header and "
		       "_start): it runs before paging at physical 1 MiB and "
		       "is not mapped in the higher half";
	if (page == (uint32_t)boot_stack_guard)
		return "the boot stack's guard page, unmapped on purpose so "
		       "an overflow faults";
	if (va >= (uint32_t)__kernel_start && va < (uint32_t)__bss_end)
		return "a gap between the image's sections";
	if (va >= VM_KSTACK_BASE && va < VM_KSTACK_LIMIT)
		return "the kernel-stack area: a slot's lowest page is its "
		       "guard, the rest is mapped while a task owns the slot";
	if (va >= VM_HEAP_BASE && va < VM_HEAP_LIMIT)
		return "the kernel heap: pages are mapped as the heap grows "
		       "and may be returned when it shrinks";
	if (va >= VM_KMAP_BASE && va < VM_KMAP_BASE + VM_KMAP_SLOTS * PAGE_SIZE)
		return "a temporary mapping slot (vm_kmap), mapped only while "
		       "in use";
	if (va < VM_KSTACK_BASE)
		return "past the kernel image and the frame bitmap: unused";
	return "outside every region of the layout: unused";
}

/*
 * The page table for va, read through the recursive mapping when va lies
 * in it: there the page directory itself serves as the table, so the
 * "page table entry" is directory entry PTI(va).
 */
static uint32_t vm_pte_for(struct vm_space *s, uint32_t va, uint32_t pte)
{
	uint32_t pde_as_pte, unused;
	if (VM_PDI(va) != VM_RECURSIVE_PDI)
		return pte;
	vm_walk(s, VM_PTI(va) << VM_PD_SHIFT, &pde_as_pte, &unused);
	return pde_as_pte;
}

int shell_cmd_vm(int argc, char **argv)
{
	struct vm_space *s = vm_current();
	struct proc *proc = NULL;
	uint32_t va, pde, pte, pdi, pti, base, pid;
	if (!shell_number(argv[1], 0, UINT32_MAX, &va))
		return SHELL_EUSAGE;
	if (argc == 3) {
		struct proc *p;
		if (!shell_number(argv[2], 1, 0x7fffffff, &pid))
			return SHELL_EUSAGE;
		p = proc_find((int)pid);
		if (!p || !p->vm) {
			shell_printf(
			    "vm: no process %u with an address space\n", pid);
			return SHELL_EFAIL;
		}
		s = p->vm;
		proc = p;
		shell_printf("process %u (%s):\n", pid, p->name);
	}
	pdi = VM_PDI(va);
	pti = VM_PTI(va);
	vm_walk(s, va, &pde, &pte);
	shell_printf("virtual 0x%08x = directory index %u, table index %u, "
		     "offset 0x%03x\n",
		     va, pdi, pti, va & PAGE_OFFSET_MASK);
	shell_printf("  page directory entry %u: 0x%08x  ", pdi, pde);
	print_flags(pde, false);
	shell_printf("\n");
	base = pdi << VM_PD_SHIFT;
	if (!(pde & PTE_PRESENT)) {
		vm_stop("no page table covers", base,
			base + (1u << VM_PD_SHIFT) - 1);
		shell_printf("  why: %s\n", vm_why_unmapped(va, proc));
		return SHELL_OK;
	}
	shell_printf("    -> page table at physical 0x%08x%s\n",
		     pde & PTE_FRAME_MASK,
		     pdi == VM_RECURSIVE_PDI
			 ? " (the directory itself: the recursive entry)"
			 : "");
	pte = vm_pte_for(s, va, pte);
	shell_printf("  page table entry %u: 0x%08x  ", pti, pte);
	print_flags(pte, true);
	shell_printf("\n");
	base = va & PTE_FRAME_MASK;
	if (!(pte & PTE_PRESENT)) {
		vm_stop("nothing is mapped at", base, base + PAGE_OFFSET_MASK);
		shell_printf("  why: %s\n", vm_why_unmapped(va, proc));
		return SHELL_OK;
	}
	shell_printf("    -> page frame at physical 0x%08x\n",
		     pte & PTE_FRAME_MASK);
	shell_printf("  physical address: 0x%08x\n",
		     (pte & PTE_FRAME_MASK) | (va & PAGE_OFFSET_MASK));
	return SHELL_OK;
}

/* ---------------------------------------------------------------- tlb -- */

static const char *const tlb_steps[TLB_DEMO_STEPS] = {
    "map the page to frame A",
    "point the PTE at frame B, no invlpg",
    "invlpg the page",
    "point the PTE back at frame A, no invlpg",
    "reload CR3",
};

int shell_cmd_tlb(int argc, char **argv)
{
	struct tlb_demo d;
	(void)argc;
	(void)argv;
	if (tlb_demo_run(&d) != 0) {
		shell_printf("tlb: no free frame for the demonstration\n");
		return SHELL_EFAIL;
	}
	shell_printf("page 0x%08x; frame A at 0x%08x holds 'A', frame B at "
		     "0x%08x holds 'B'\n",
		     d.va, d.frame_a, d.frame_b);
	for (int i = 0; i < TLB_DEMO_STEPS; i++)
		shell_printf(
		    "%d. %-42s PTE says %c, read sees %c%s\n", i + 1,
		    tlb_steps[i], d.expected[i], d.seen[i],
		    d.seen[i] == d.expected[i] ? "" : "  <- stale TLB entry");
	return SHELL_OK;
}
