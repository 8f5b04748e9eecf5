/*
 * vm — page directories and page tables (see vm.h for the layout and the
 * rules).  Every function that changes a mapping runs with interrupts off.
 */
#include "mm/vm.h"

#include "arch/gdt.h"
#include "arch/layout.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/vm_internal.h"

#define PDE_TABLE_FLAGS	 (PTE_PRESENT | PTE_WRITABLE | PTE_USER)
#define KERNEL_PDE_FLAGS (PTE_PRESENT | PTE_WRITABLE)
#define VM_KMAP_PDI	 VM_PDI(VM_KMAP_BASE)
#define LOW_MEMORY_END	 0x100000u

extern uint32_t boot_page_directory[VM_PDE_COUNT];

static struct vm_space kernel_space;
static uint16_t kernel_pt_used[VM_PDE_COUNT];
static struct vm_space boot_space; /* the boot directory, until vm_init ends */
struct vm_space *vm_current_space;
static struct vm_space *all_spaces;
static uint32_t kmap_busy[(VM_KMAP_SLOTS + 31) / 32];
static uint32_t tables_in_use;

/* ------------------------------------------------------------ access -- */

static uint32_t *recursive_table(uint32_t pdi)
{
	return (uint32_t *)(VM_PAGE_TABLES + pdi * PAGE_SIZE);
}

static uint32_t *kmap_table(void)
{
	return recursive_table(VM_KMAP_PDI);
}

void *vm_kmap(uint32_t pa)
{
	bool on = irq_save();
	for (uint32_t i = 0; i < VM_KMAP_SLOTS; i++) {
		if (kmap_busy[i / 32] & (1u << (i % 32)))
			continue;
		kmap_busy[i / 32] |= 1u << (i % 32);
		uint32_t va = VM_KMAP_BASE + i * PAGE_SIZE;
		kmap_table()[i] = (pa & PTE_FRAME_MASK) | KERNEL_PDE_FLAGS;
		invlpg(va);
		irq_restore(on);
		return (void *)va;
	}
	panic(
	    "vm_kmap: all %u temporary slots are in use (a missing vm_kunmap?)",
	    VM_KMAP_SLOTS);
}

void vm_kunmap(void *p)
{
	uint32_t i = ((uint32_t)p - VM_KMAP_BASE) / PAGE_SIZE;
	bool on = irq_save();
	if ((uint32_t)p < VM_KMAP_BASE || i >= VM_KMAP_SLOTS ||
	    !(kmap_busy[i / 32] & (1u << (i % 32))))
		panic("vm_kunmap: %p is not a mapped temporary slot", p);
	kmap_table()[i] = 0;
	invlpg((uint32_t)p);
	kmap_busy[i / 32] &= ~(1u << (i % 32));
	irq_restore(on);
}

/* The directory of s: through the recursive slot if s is current, else
 * through a temporary mapping (release with table_release). */
uint32_t *vm_pd(struct vm_space *s)
{
	if (s == vm_current_space)
		return (uint32_t *)VM_PAGE_DIRECTORY;
	return vm_kmap(s->pd_pa);
}

uint32_t *vm_pt(struct vm_space *s, uint32_t pdi, uint32_t pde)
{
	if (s == vm_current_space)
		return recursive_table(pdi);
	return vm_kmap(pde & PTE_FRAME_MASK);
}

void vm_release(const uint32_t *p)
{
	if ((uint32_t)p >= VM_KMAP_BASE && (uint32_t)p < VM_PAGE_TABLES)
		vm_kunmap((void *)p);
}

uint16_t *vm_used_count(struct vm_space *s, uint32_t pdi)
{
	/* pdi is VM_PDI() of an address: 10 bits, always < VM_PDE_COUNT. */
	/* cppcheck-suppress arrayIndexOutOfBoundsCond */
	return pdi >= VM_KERNEL_PDI ? &kernel_pt_used[pdi] : &s->pt_used[pdi];
}

/* Kernel directory entries are the same everywhere: set one in all. */
static void set_kernel_pde(uint32_t pdi, uint32_t pde)
{
	for (struct vm_space *s = all_spaces; s; s = s->next) {
		uint32_t *pd = vm_pd(s);
		pd[pdi] = pde;
		vm_release(pd);
	}
	/* Never the boot directory: its entry 768 still maps the running
	 * kernel through the boot tables while vm_init fills new ones. */
	invlpg((uint32_t)recursive_table(pdi));
}

/* ------------------------------------------------------------- tables -- */

static void zero_frame(uint32_t pa)
{
	void *p = vm_kmap(pa);
	memset(p, 0, PAGE_SIZE);
	vm_kunmap(p);
}

/* Make sure the table for pdi exists in s; returns its directory entry. */
int vm_ensure_table(struct vm_space *s, uint32_t pdi, uint32_t *pde_out)
{
	uint32_t *pd = vm_pd(s);
	uint32_t pde = pd[pdi];
	vm_release(pd);
	if (pde & PTE_PRESENT) {
		*pde_out = pde;
		return VM_OK;
	}
	uint32_t pa = frame_alloc();
	if (pa == 0)
		return VM_ENOMEM;
	zero_frame(pa);
	tables_in_use++;
	if (pdi >= VM_KERNEL_PDI) {
		pde = pa | KERNEL_PDE_FLAGS;
		set_kernel_pde(pdi, pde);
	} else {
		pde = pa | PDE_TABLE_FLAGS;
		pd = vm_pd(s);
		pd[pdi] = pde;
		vm_release(pd);
		if (s == vm_current_space)
			invlpg((uint32_t)recursive_table(pdi));
	}
	*pde_out = pde;
	return VM_OK;
}

/* Give an empty table's frame back.  The kmap table never goes. */
void vm_drop_table(struct vm_space *s, uint32_t pdi, uint32_t pde)
{
	if (pdi == VM_KMAP_PDI)
		return;
	if (pdi >= VM_KERNEL_PDI) {
		set_kernel_pde(pdi, 0);
	} else {
		uint32_t *pd = vm_pd(s);
		pd[pdi] = 0;
		vm_release(pd);
		if (s == vm_current_space)
			invlpg((uint32_t)recursive_table(pdi));
	}
	frame_free(pde & PTE_FRAME_MASK);
	tables_in_use--;
}

static bool va_mappable(uint32_t va)
{
	return (va & (PAGE_SIZE - 1)) == 0 && va >= PAGE_SIZE &&
	       va < VM_KMAP_BASE;
}

/* --------------------------------------------------------- operations -- */

int vm_map(struct vm_space *s, uint32_t va, uint32_t pa, uint32_t flags)
{
	uint32_t pdi = VM_PDI(va), pti = VM_PTI(va), pde, *pt;
	int rc;
	if (!va_mappable(va) || (pa & (PAGE_SIZE - 1)) ||
	    (flags & ~VM_FLAGS_MASK))
		return VM_EINVAL;
	bool on = irq_save();
	rc = vm_ensure_table(s, pdi, &pde);
	if (rc == VM_OK) {
		pt = vm_pt(s, pdi, pde);
		if (pt[pti] & PTE_PRESENT) {
			rc = VM_EEXIST;
		} else {
			pt[pti] = pa | flags | PTE_PRESENT;
			(*vm_used_count(s, pdi))++;
		}
		vm_release(pt);
		if (rc == VM_OK &&
		    (s == vm_current_space || pdi >= VM_KERNEL_PDI))
			invlpg(va);
	}
	irq_restore(on);
	return rc;
}

/*
 * Clear the present PTE for va (clear), or point it at frame pa keeping its
 * flags; give back the old frame in *old_pa (may be NULL) and the directory
 * entry in *pde_out.  VM_ENOENT if va is not mapped.  Interrupts must be
 * off; invalidating the TLB is the caller's business.
 */
static int pte_replace(struct vm_space *s, uint32_t va, uint32_t pa, bool clear,
		       uint32_t *old_pa, uint32_t *pde_out)
{
	uint32_t pdi = VM_PDI(va), pti = VM_PTI(va), *pd, *pt;
	int rc = VM_ENOENT;
	pd = vm_pd(s);
	*pde_out = pd[pdi];
	vm_release(pd);
	if (!(*pde_out & PTE_PRESENT))
		return rc;
	pt = vm_pt(s, pdi, *pde_out);
	if (pt[pti] & PTE_PRESENT) {
		if (old_pa)
			*old_pa = pt[pti] & PTE_FRAME_MASK;
		pt[pti] = clear ? 0 : pa | (pt[pti] & ~PTE_FRAME_MASK);
		rc = VM_OK;
	}
	vm_release(pt);
	return rc;
}

/* Whether the CPU may hold a translation of va (in this space's TLB). */
static bool may_be_cached(struct vm_space *s, uint32_t va)
{
	return s == vm_current_space || VM_PDI(va) >= VM_KERNEL_PDI;
}

int vm_unmap(struct vm_space *s, uint32_t va, uint32_t *pa_out)
{
	uint32_t pdi = VM_PDI(va), pde;
	if (!va_mappable(va))
		return VM_EINVAL;
	bool on = irq_save();
	int rc = pte_replace(s, va, 0, true, pa_out, &pde);
	if (rc == VM_OK) {
		if (may_be_cached(s, va))
			invlpg(va);
		if (--(*vm_used_count(s, pdi)) == 0)
			vm_drop_table(s, pdi, pde);
	}
	irq_restore(on);
	return rc;
}

int vm_retarget(struct vm_space *s, uint32_t va, uint32_t pa, bool flush,
		uint32_t *old_pa)
{
	uint32_t pde;
	if (!va_mappable(va) || (pa & ~PTE_FRAME_MASK))
		return VM_EINVAL;
	bool on = irq_save();
	int rc = pte_replace(s, va, pa, false, old_pa, &pde);
	if (rc == VM_OK && flush && may_be_cached(s, va))
		invlpg(va);
	irq_restore(on);
	return rc;
}

void vm_flush_tlb(void)
{
	write_cr3(read_cr3());
}

void vm_walk(struct vm_space *s, uint32_t va, uint32_t *pde_out,
	     uint32_t *pte_out)
{
	uint32_t pdi = VM_PDI(va), *pd, *pt, pde, pte = 0;
	bool on = irq_save();
	pd = vm_pd(s);
	pde = pd[pdi];
	vm_release(pd);
	if ((pde & PTE_PRESENT) && pdi != VM_RECURSIVE_PDI) {
		pt = vm_pt(s, pdi, pde);
		pte = pt[VM_PTI(va)];
		vm_release(pt);
	}
	irq_restore(on);
	*pde_out = pde;
	*pte_out = pte;
}

bool vm_translate(struct vm_space *s, uint32_t va, uint32_t *pa,
		  uint32_t *pte_flags)
{
	uint32_t pde, pte;
	vm_walk(s, va, &pde, &pte);
	if (!(pde & PTE_PRESENT) || !(pte & PTE_PRESENT))
		return false;
	if (pa)
		*pa = (pte & PTE_FRAME_MASK) | (va & (PAGE_SIZE - 1));
	if (pte_flags)
		*pte_flags = pte & ~PTE_FRAME_MASK;
	return true;
}

uint32_t vm_page_tables_in_use(void)
{
	return tables_in_use;
}

/* ------------------------------------------------------------- spaces -- */

struct vm_space *vm_kernel_space(void)
{
	return &kernel_space;
}

struct vm_space *vm_current(void)
{
	return vm_current_space;
}

void vm_switch_slow(struct vm_space *s)
{
	vm_current_space = s;
	write_cr3(s->pd_pa);
}

/* A fresh directory: no user half, the kernel half copied from kernel_space,
 * and its own recursive entry. */
static uint32_t new_directory(void)
{
	uint32_t pa = frame_alloc();
	uint32_t *pd, *kpd;
	if (pa == 0)
		return 0;
	pd = vm_kmap(pa);
	memset(pd, 0, PAGE_SIZE);
	if (kernel_space.pd_pa) {
		kpd = vm_pd(&kernel_space);
		for (uint32_t i = VM_KERNEL_PDI; i < VM_RECURSIVE_PDI; i++)
			pd[i] = kpd[i];
		vm_release(kpd);
	}
	pd[VM_RECURSIVE_PDI] = pa | KERNEL_PDE_FLAGS;
	vm_kunmap(pd);
	return pa;
}

int vm_space_init(struct vm_space *s)
{
	memset(s, 0, sizeof(*s));
	bool on = irq_save();
	s->pd_pa = new_directory();
	if (s->pd_pa) {
		s->next = all_spaces;
		all_spaces = s;
	}
	irq_restore(on);
	return s->pd_pa ? VM_OK : VM_ENOMEM;
}

void vm_space_fini(struct vm_space *s)
{
	bool on = irq_save();
	uint32_t *pd;
	if (s == &kernel_space || s == vm_current_space)
		panic("vm_space_fini: cannot destroy the %s address space",
		      s == &kernel_space ? "kernel" : "current");
	for (struct vm_space **p = &all_spaces; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	pd = vm_kmap(s->pd_pa);
	for (uint32_t i = 0; i < VM_KERNEL_PDI; i++)
		if (pd[i] & PTE_PRESENT) {
			frame_free(pd[i] & PTE_FRAME_MASK);
			tables_in_use--;
		}
	vm_kunmap(pd);
	frame_free(s->pd_pa);
	s->pd_pa = 0;
	irq_restore(on);
}

/* --------------------------------------------------------------- boot -- */

static void map_range(uint32_t va, uint32_t pa, uint32_t end_va, uint32_t flags)
{
	for (; va < end_va; va += PAGE_SIZE, pa += PAGE_SIZE) {
		if (va == (uint32_t)boot_stack_guard)
			continue; /* stays unmapped: the boot stack's guard */
		if (vm_map(&kernel_space, va, pa, flags) != VM_OK)
			panic("vm_init: cannot map 0x%08x", va);
	}
}

/*
 * From the boot page directory to the kernel's final one.  First the boot
 * directory gets a recursive entry and the kmap table, so the generic code
 * above works on it; then a new directory is built with the generic code
 * and loaded, which drops the identity map for good.
 */
void vm_init(void)
{
	uint32_t kmap_pa, bm_pa, bm_bytes;

	boot_space.pd_pa = KPHYS(boot_page_directory);
	vm_current_space = &boot_space;
	boot_page_directory[VM_RECURSIVE_PDI] =
	    boot_space.pd_pa | KERNEL_PDE_FLAGS;
	write_cr3(boot_space.pd_pa);
	kmap_pa = frame_alloc();
	if (kmap_pa == 0)
		panic("vm_init: no frame for the temporary-mapping table");
	boot_page_directory[VM_KMAP_PDI] = kmap_pa | KERNEL_PDE_FLAGS;
	invlpg((uint32_t)kmap_table());
	memset(kmap_table(), 0, PAGE_SIZE);
	tables_in_use = 1;

	kernel_space.pd_pa = new_directory();
	if (kernel_space.pd_pa == 0)
		panic("vm_init: no frame for the kernel page directory");
	all_spaces = &kernel_space;
	set_kernel_pde(VM_KMAP_PDI, kmap_pa | KERNEL_PDE_FLAGS);
	kernel_pt_used[VM_KMAP_PDI] = 1; /* pinned: never dropped */

	map_range(KERNEL_VMA, 0, KERNEL_VMA + LOW_MEMORY_END, VM_WRITE);
	map_range((uint32_t)__text_start, KPHYS(__text_start),
		  (uint32_t)__rodata_end, 0);
	map_range((uint32_t)__data_start, KPHYS(__data_start),
		  PAGE_ALIGN_UP((uint32_t)__bss_end), VM_WRITE);
	frame_bitmap_range(&bm_pa, &bm_bytes);
	map_range((uint32_t)KVIRT(bm_pa), bm_pa,
		  (uint32_t)KVIRT(bm_pa + bm_bytes), VM_WRITE);

	vm_current_space = &kernel_space;
	write_cr3(kernel_space.pd_pa);
	gdt_set_double_fault_cr3(kernel_space.pd_pa);
}
