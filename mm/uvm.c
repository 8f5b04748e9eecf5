/*
 * uvm — user pages: allocation, copy-on-write fork, unmapping (uvm.h).
 */
#include "mm/uvm.h"

#include "arch/layout.h"
#include "arch/x86.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/pageref.h"
#include "mm/swapslot.h"
#include "mm/vm_internal.h"

#define USER_PDES VM_KERNEL_PDI

/*
 * The demand-zero fault's path (fault_zero_page in `make bench`): in the
 * current space the fresh frame is zeroed through its own new user
 * address, mapped writable for the kernel a moment with interrupts off (no
 * other thread can run and see it unzeroed), which saves the temporary
 * mapping's map, unmap and two invlpg.  Another space goes through
 * vm_kmap.
 */
int uvm_alloc_page(struct vm_space *s, uint32_t va, uint32_t flags)
{
	uint32_t pa;
	int rc;
	if (s != vm_current_space)
		return uvm_alloc_page_fill(s, va, flags, NULL, NULL);
	bool on = irq_save();
	pa = frame_alloc();
	if (pa == 0) {
		irq_restore(on);
		return VM_ENOMEM;
	}
	rc = vm_map(s, va, pa, VM_USER | VM_WRITE | flags);
	if (rc != VM_OK) {
		frame_free(pa);
		irq_restore(on);
		return rc;
	}
	stosl_zero((void *)va, PAGE_SIZE / 4);
	if (!(flags & VM_WRITE))
		uvm_protect_range(s, va, va + PAGE_SIZE, PTE_WRITABLE, 0);
	pageref_first(pa);
	irq_restore(on);
	return VM_OK;
}

int uvm_alloc_page_fill(struct vm_space *s, uint32_t va, uint32_t flags,
			uvm_fill_fn fill, const void *ctx)
{
	uint32_t pa = frame_alloc();
	void *p;
	int rc;
	if (pa == 0)
		return VM_ENOMEM;
	p = vm_kmap(pa);
	if (fill)
		fill(p, ctx);
	else
		stosl_zero(p, PAGE_SIZE / 4);
	vm_kunmap(p);
	rc = vm_map(s, va, pa, VM_USER | flags);
	if (rc != VM_OK) {
		frame_free(pa);
		return rc;
	}
	pageref_first(pa);
	return VM_OK;
}

int uvm_map_shared(struct vm_space *s, uint32_t va, uint32_t pa, uint32_t flags)
{
	int rc;
	if (!pageref_get_ref(pa))
		return VM_ENOMEM;
	rc = vm_map(s, va, pa, VM_USER | flags);
	if (rc != VM_OK) {
		pageref_put(pa);
		return rc;
	}
	/* vm_map takes only VM_FLAGS_MASK: mark the entry afterwards. */
	bool on = irq_save();
	uint32_t *pd = vm_pd(s), *pt = vm_pt(s, VM_PDI(va), pd[VM_PDI(va)]);
	vm_release(pd);
	pt[VM_PTI(va)] |= UVM_PTE_SHARED;
	vm_release(pt);
	irq_restore(on);
	return VM_OK;
}

void *uvm_kmap_page(struct vm_space *s, uint32_t va)
{
	uint32_t pa;
	if (!vm_translate(s, va, &pa, NULL))
		return NULL;
	return vm_kmap(pa & PTE_FRAME_MASK);
}

static void copy_frame(uint32_t dst_pa, uint32_t src_pa)
{
	void *d = vm_kmap(dst_pa), *s = vm_kmap(src_pa);
	memcpy(d, s, PAGE_SIZE);
	vm_kunmap(s);
	vm_kunmap(d);
}

/* One page table of src into dst's (empty) table: returns the entries
 * made, or -1 without memory (entries made so far stay counted). */
static int fork_table(uint32_t *dpt, uint32_t *spt, bool eager, uint16_t *used)
{
	for (uint32_t i = 0; i < VM_PTE_COUNT; i++) {
		uint32_t pte = spt[i], pa = pte & PTE_FRAME_MASK;
		if (uvm_pte_swapped(pte)) {
			/* Both share the slot until one touches the page. */
			swapslot_get(uvm_pte_slot(pte));
			dpt[i] = pte;
			(*used)++;
			continue;
		}
		if (!(pte & PTE_PRESENT))
			continue;
		/* A frame written since its swap copy: the copy is stale, and
		 * after this fork no PTE of it may be dirty any more. */
		if (pte & PTE_DIRTY)
			swapslot_frame_drop(pa);
		if (pte & UVM_PTE_SHARED) {
			/* A shared mapping stays shared: same frame, same
			 * bits, in both spaces. */
			if (!pageref_get_ref(pa))
				return -1;
			dpt[i] = pte;
		} else if (eager) {
			uint32_t npa = frame_alloc();
			if (npa == 0)
				return -1;
			copy_frame(npa, pa);
			pageref_first(npa);
			/* A shared page the parent may write is the child's
			 * own now: writable, no longer marked. */
			if (pte & UVM_PTE_COW)
				pte = (pte & ~UVM_PTE_COW) | PTE_WRITABLE;
			dpt[i] = npa | (pte & ~PTE_FRAME_MASK);
		} else {
			if (!pageref_get_ref(pa))
				return -1;
			if (pte & PTE_WRITABLE) {
				pte = (pte & ~PTE_WRITABLE) | UVM_PTE_COW;
				spt[i] = pte;
			}
			dpt[i] = pte;
		}
		(*used)++;
	}
	return 0;
}

int uvm_fork(struct vm_space *dst, struct vm_space *src, bool eager)
{
	int rc = VM_OK;
	bool on = irq_save();
	for (uint32_t pdi = 0; pdi < USER_PDES && rc == VM_OK; pdi++) {
		uint32_t *spd = vm_pd(src), spde = spd[pdi], dpde;
		uint32_t *spt, *dpt;
		vm_release(spd);
		if (!(spde & PTE_PRESENT))
			continue;
		rc = vm_ensure_table(dst, pdi, &dpde);
		if (rc != VM_OK)
			break;
		spt = vm_pt(src, pdi, spde);
		dpt = vm_pt(dst, pdi, dpde);
		if (fork_table(dpt, spt, eager, vm_used_count(dst, pdi)) < 0)
			rc = VM_ENOMEM;
		vm_release(dpt);
		vm_release(spt);
		/* A table left empty by a failure at its first page. */
		if (*vm_used_count(dst, pdi) == 0)
			vm_drop_table(dst, pdi, dpde);
	}
	/* src lost its writable bits: no stale writable TLB entry may stay. */
	if (src == vm_current_space)
		vm_flush_tlb();
	irq_restore(on);
	return rc;
}

int uvm_make_writable(struct vm_space *s, uint32_t va)
{
	uint32_t pde, pte, pa, npa;
	int rc = VM_OK;
	bool on = irq_save();
	vm_walk(s, va, &pde, &pte);
	if (!(pde & PTE_PRESENT) || !(pte & PTE_PRESENT)) {
		irq_restore(on);
		return VM_ENOENT;
	}
	pa = pte & PTE_FRAME_MASK;
	/* A shared mapping's frame is every sharer's to write; a
	 * copy-on-write frame with one mapping left is taken over. */
	if ((pte & UVM_PTE_SHARED) || pageref_count(pa) == 1) {
		npa = pa;
	} else {
		npa = frame_alloc();
		if (npa == 0) {
			irq_restore(on);
			return VM_ENOMEM;
		}
		copy_frame(npa, pa);
		pageref_first(npa);
		pageref_put(pa);
	}
	uint32_t *pd = vm_pd(s), *pt = vm_pt(s, VM_PDI(va), pd[VM_PDI(va)]);
	vm_release(pd);
	pt[VM_PTI(va)] =
	    npa | ((pte & ~PTE_FRAME_MASK & ~UVM_PTE_COW) | PTE_WRITABLE);
	vm_release(pt);
	if (s == vm_current_space)
		invlpg(va);
	irq_restore(on);
	return rc;
}

/* Is the table covering va present?  (Skips 4 MiB at a time.) */
static bool table_present(struct vm_space *s, uint32_t va)
{
	uint32_t *pd = vm_pd(s), pde = pd[VM_PDI(va)];
	vm_release(pd);
	return (pde & PTE_PRESENT) != 0;
}

uint32_t uvm_pte(struct vm_space *s, uint32_t va)
{
	uint32_t pde, pte;
	bool on = irq_save();
	vm_walk(s, va, &pde, &pte);
	irq_restore(on);
	return (pde & PTE_PRESENT) ? pte : 0;
}

/* Set va's entry (its table must exist) to val; the old entry. */
static uint32_t pte_set(struct vm_space *s, uint32_t va, uint32_t val)
{
	uint32_t *pd = vm_pd(s), pde = pd[VM_PDI(va)], *pt, old;
	vm_release(pd);
	if (!(pde & PTE_PRESENT))
		return 0;
	pt = vm_pt(s, VM_PDI(va), pde);
	old = pt[VM_PTI(va)];
	pt[VM_PTI(va)] = val;
	vm_release(pt);
	if (s == vm_current_space)
		invlpg(va);
	return old;
}

/* A swapped entry goes: its slot reference, and the table if now empty. */
static void clear_swapped(struct vm_space *s, uint32_t va)
{
	uint32_t pde, pte;
	vm_walk(s, va, &pde, &pte);
	pte_set(s, va, 0);
	swapslot_put(uvm_pte_slot(pte));
	if (--(*vm_used_count(s, VM_PDI(va))) == 0)
		vm_drop_table(s, VM_PDI(va), pde);
}

void uvm_unmap_range(struct vm_space *s, uint32_t start, uint32_t end)
{
	bool on = irq_save();
	uint32_t va = start;
	while (va < end && va >= start) {
		uint32_t pa;
		if (!table_present(s, va)) {
			uint32_t next = (va & ~((1u << VM_PD_SHIFT) - 1)) +
					(1u << VM_PD_SHIFT);
			if (next == 0)
				break;
			va = next;
			continue;
		}
		if (uvm_pte_swapped(uvm_pte(s, va)))
			clear_swapped(s, va);
		else if (vm_unmap(s, va, &pa) == VM_OK)
			pageref_put(pa & PTE_FRAME_MASK);
		va += PAGE_SIZE;
	}
	irq_restore(on);
}

void uvm_protect_range(struct vm_space *s, uint32_t start, uint32_t end,
		       uint32_t clear, uint32_t set)
{
	bool on = irq_save();
	clear &= PTE_WRITABLE | PTE_USER;
	set &= PTE_WRITABLE | PTE_USER;
	for (uint32_t va = start; va < end && va >= start; va += PAGE_SIZE) {
		uint32_t *pd = vm_pd(s), pde = pd[VM_PDI(va)], *pt;
		vm_release(pd);
		if (!(pde & PTE_PRESENT))
			continue;
		pt = vm_pt(s, VM_PDI(va), pde);
		if (pt[VM_PTI(va)] & PTE_PRESENT)
			pt[VM_PTI(va)] = (pt[VM_PTI(va)] & ~clear) | set;
		vm_release(pt);
		if (s == vm_current_space)
			invlpg(va);
	}
	irq_restore(on);
}

/* The whole space goes: drop every frame's count, table by table (one
 * temporary mapping a table, no TLB work: nobody runs in s any more), then
 * vm_space_fini frees the tables and the directory. */
void uvm_destroy(struct vm_space *s)
{
	bool on;
	if (s->pd_pa == 0)
		return;
	on = irq_save();
	uint32_t *pd = vm_pd(s);
	for (uint32_t pdi = 0; pdi < USER_PDES; pdi++) {
		uint32_t pde = pd[pdi], *pt;
		if (!(pde & PTE_PRESENT))
			continue;
		pt = vm_pt(s, pdi, pde);
		for (uint32_t i = 0; i < VM_PTE_COUNT; i++)
			if (pt[i] & PTE_PRESENT) {
				pageref_put(pt[i] & PTE_FRAME_MASK);
				pt[i] = 0;
			} else if (uvm_pte_swapped(pt[i])) {
				swapslot_put(uvm_pte_slot(pt[i]));
				pt[i] = 0;
			}
		vm_release(pt);
		*vm_used_count(s, pdi) = 0;
	}
	vm_release(pd);
	irq_restore(on);
	vm_space_fini(s);
}

void uvm_usage(struct vm_space *s, struct uvm_usage *u)
{
	bool on = irq_save();
	uint32_t *pd = vm_pd(s);
	u->pages = u->shared = u->swapped = 0;
	for (uint32_t pdi = 0; pdi < USER_PDES; pdi++) {
		uint32_t pde = pd[pdi], *pt;
		if (!(pde & PTE_PRESENT))
			continue;
		pt = vm_pt(s, pdi, pde);
		for (uint32_t i = 0; i < VM_PTE_COUNT; i++) {
			if (uvm_pte_swapped(pt[i]))
				u->swapped++;
			if (!(pt[i] & PTE_PRESENT))
				continue;
			u->pages++;
			/* A shared mapping's frame is the object's too:
			 * not copy-on-write sharing. */
			if (!(pt[i] & UVM_PTE_SHARED) &&
			    pageref_count(pt[i] & PTE_FRAME_MASK) > 1)
				u->shared++;
		}
		vm_release(pt);
	}
	vm_release(pd);
	irq_restore(on);
}

int uvm_evict_begin(struct vm_space *s, uint32_t va, struct uvm_victim *v)
{
	bool on = irq_save();
	uint32_t pte = uvm_pte(s, va), copy;
	if (!(pte & PTE_PRESENT)) {
		irq_restore(on);
		return VM_ENOENT;
	}
	v->va = va;
	v->pa = pte & PTE_FRAME_MASK;
	if (!pageref_get_ref(v->pa)) {
		irq_restore(on);
		return VM_ENOMEM;
	}
	copy = swapslot_frame_get(v->pa);
	v->write = copy == SWAPSLOT_NONE || (pte & PTE_DIRTY);
	if (v->write) {
		swapslot_frame_drop(v->pa);
		pte_set(s, va, pte & ~PTE_DIRTY);
	}
	irq_restore(on);
	return VM_OK;
}

int uvm_evict_end(struct vm_space *s, struct uvm_victim *v, uint32_t slot)
{
	bool on = irq_save();
	uint32_t pte = uvm_pte(s, v->va);
	int rc = VM_OK;
	if (!(pte & PTE_PRESENT) || (pte & PTE_FRAME_MASK) != v->pa ||
	    (v->write && (slot == SWAPSLOT_NONE || (pte & PTE_DIRTY))) ||
	    (!v->write && swapslot_frame_get(v->pa) == SWAPSLOT_NONE)) {
		if (slot != SWAPSLOT_NONE)
			swapslot_put(slot);
		rc = VM_EEXIST;
	} else {
		if (slot != SWAPSLOT_NONE)
			swapslot_frame_set(v->pa, slot);
		slot = swapslot_frame_get(v->pa);
		swapslot_get(slot); /* the entry's reference */
		pte_set(s, v->va, (slot << UVM_PTE_SLOT_SHIFT) | UVM_PTE_SWAP);
		pageref_put(v->pa); /* this mapping */
	}
	pageref_put(v->pa); /* the pin */
	irq_restore(on);
	return rc;
}

int uvm_swap_in(struct vm_space *s, uint32_t va, uint32_t pa, uint32_t flags)
{
	bool on = irq_save();
	uint32_t pte = uvm_pte(s, va);
	if (!uvm_pte_swapped(pte)) {
		irq_restore(on);
		return VM_ENOENT;
	}
	pageref_first(pa);
	/* The entry's reference moves to the frame: its clean copy. */
	swapslot_frame_set(pa, uvm_pte_slot(pte));
	pte_set(s, va, pa | VM_USER | (flags & VM_WRITE) | PTE_PRESENT);
	irq_restore(on);
	return VM_OK;
}

bool uvm_set_user(struct vm_space *s, uint32_t va, bool user)
{
	bool on = irq_save();
	uint32_t pte = uvm_pte(s, va);
	bool ok = (pte & PTE_PRESENT) != 0;
	if (ok)
		pte_set(s, va, user ? pte | PTE_USER : pte & ~PTE_USER);
	irq_restore(on);
	return ok;
}

uint32_t uvm_test_clear_accessed(struct vm_space *s, uint32_t va)
{
	bool on = irq_save();
	uint32_t pte = uvm_pte(s, va);
	if (!(pte & PTE_PRESENT))
		pte = 0;
	else if (pte & PTE_ACCESSED)
		pte_set(s, va, pte & ~PTE_ACCESSED);
	irq_restore(on);
	return pte;
}
