/*
 * vma — a process's memory areas, and the faults that fill them in.
 *
 * An address space is a few areas, not a page list (CS:APP 9.7.2, Linux's
 * vm_area_struct; OSTEP's segments in 002_*): each says where it is and
 * what may be done there.  The page tables hold only the pages touched so
 * far.  A page fault inside an area with the right permission is the
 * kernel's to resolve (demand-zero, copy-on-write); anywhere else it is the
 * program's error, and it gets SIGSEGV.
 */
#include "arch/layout.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "proc/swap.h"

struct vma *vma_find(struct proc *p, uint32_t va)
{
	for (int i = 0; i < p->nvma; i++)
		if (va >= p->vma[i].start && va < p->vma[i].end)
			return &p->vma[i];
	return NULL;
}

static void vma_insert_at(struct proc *p, int i, const struct vma *v)
{
	memmove(&p->vma[i + 1], &p->vma[i],
		(size_t)(p->nvma - i) * sizeof(p->vma[0]));
	p->vma[i] = *v;
	p->nvma++;
}

bool vma_add(struct proc *p, uint32_t start, uint32_t end, uint8_t prot,
	     uint8_t kind)
{
	struct vma v = {start, end, prot, kind};
	int i = 0;
	if (p->nvma == PROC_VMAS)
		return false;
	while (i < p->nvma && p->vma[i].start < start)
		i++;
	vma_insert_at(p, i, &v);
	return true;
}

/* Split the area holding addr so that one starts at addr. */
static bool split_at(struct proc *p, uint32_t addr)
{
	for (int i = 0; i < p->nvma; i++) {
		struct vma *v = &p->vma[i];
		if (addr > v->start && addr < v->end) {
			struct vma hi = *v;
			if (p->nvma == PROC_VMAS)
				return false;
			hi.start = addr;
			v->end = addr;
			vma_insert_at(p, i + 1, &hi);
			return true;
		}
	}
	return true;
}

bool vma_remove(struct proc *p, uint32_t start, uint32_t end)
{
	if (!split_at(p, start) || !split_at(p, end))
		return false;
	for (int i = 0; i < p->nvma;) {
		if (p->vma[i].start >= start && p->vma[i].end <= end) {
			memmove(&p->vma[i], &p->vma[i + 1],
				(size_t)(p->nvma - i - 1) * sizeof(p->vma[0]));
			p->nvma--;
		} else {
			i++;
		}
	}
	uvm_unmap_range(p->vm, start, end);
	resident_forget(p, start, end);
	return true;
}

int vma_protect(struct proc *p, uint32_t start, uint32_t end, uint8_t prot)
{
	/* The range must be covered without holes (Linux: ENOMEM). */
	for (uint32_t a = start; a < end;) {
		struct vma *v = vma_find(p, a);
		if (!v)
			return -ENOMEM;
		a = v->end;
	}
	if (!split_at(p, start) || !split_at(p, end))
		return -ENOMEM;
	for (int i = 0; i < p->nvma; i++)
		if (p->vma[i].start >= start && p->vma[i].end <= end)
			p->vma[i].prot = prot;
	/* Present pages: no access at all hides them from ring 3; losing
	 * write clears the bit.  Gaining write sets nothing: the next write
	 * faults and proc_resolve decides (a shared page is copied first). */
	if (prot == PROT_NONE)
		uvm_protect_range(p->vm, start, end, PTE_USER | PTE_WRITABLE,
				  0);
	else if (!(prot & PROT_WRITE))
		uvm_protect_range(p->vm, start, end, PTE_WRITABLE, PTE_USER);
	else
		uvm_protect_range(p->vm, start, end, 0, PTE_USER);
	return 0;
}

uint32_t vma_gap(struct proc *p, uint32_t len)
{
	uint32_t top = USER_MMAP_TOP;
	/* Areas are sorted by start: walk down from the highest, taking the
	 * first gap of len bytes below the top (top-down, as Linux does). */
	for (int i = p->nvma - 1; i >= 0; i--) {
		const struct vma *v = &p->vma[i];
		if (v->start >= top)
			continue;
		if (v->end <= top && top - v->end >= len)
			return top - len;
		top = v->start;
	}
	return top - USER_LO >= len ? top - len : 0;
}

int proc_resolve(struct proc *p, uint32_t va, bool write)
{
	struct vma *v = vma_find(p, va);
	uint32_t pde, pte, page = PAGE_ALIGN_DOWN(va);
	int rc;
	if (!v || !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EFAULT;
	if (write && !(v->prot & PROT_WRITE))
		return -EFAULT;
	vm_walk(p->vm, page, &pde, &pte);
	if (!(pde & PTE_PRESENT))
		pte = 0;
	if (pte & PTE_PRESENT) {
		if (!(pte & PTE_USER)) {
			/* Hidden by trace mode (the area allows access, so
			 * nothing else clears the bit): a hit. */
			resident_hit(p, page);
			pte |= PTE_USER;
		}
		if (!write || (pte & PTE_WRITABLE))
			return 0;
		rc = resident_reserve(p);
		if (rc < 0)
			return rc;
		rc = uvm_make_writable(p->vm, page); /* copy-on-write */
		if (rc == VM_OK) {
			p->cow_faults++;
			vm_count(p, VM_MINOR);
		}
		return rc == VM_OK ? 0 : -ENOMEM;
	}
	rc = resident_make_room(p, page);
	if (rc < 0)
		return rc;
	if (uvm_pte_swapped(uvm_pte(p->vm, page))) {
		/* A major fault: the page comes back from its swap slot. */
		rc = swap_in(p, page, (v->prot & PROT_WRITE) ? VM_WRITE : 0);
		if (rc < 0)
			return rc;
	} else {
		rc = uvm_alloc_page(p->vm, page,
				    (v->prot & PROT_WRITE) ? VM_WRITE : 0);
		if (rc != VM_OK)
			return -ENOMEM;
		p->lazy_faults++;
		vm_count(p, VM_MINOR);
	}
	resident_note(p, page);
	return 0;
}
