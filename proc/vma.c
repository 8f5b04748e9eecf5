/*
 * vma — a process's memory areas, and the faults that fill them in.
 *
 * An address space is a few areas, not a page list (CS:APP 9.7.2, Linux's
 * vm_area_struct; OSTEP's segments in 002_*): each says where it is and
 * what may be done there.  The page tables hold only the pages touched so
 * far.  A page fault inside an area with the right permission is the
 * kernel's to resolve (demand-zero, a file page loaded on first touch, a
 * shared object's page, copy-on-write); anywhere else it is the program's
 * error, and it gets SIGSEGV.
 */
#include "proc/vma.h"
#include "arch/layout.h"
#include "arch/x86.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "mm/shmem.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "proc/swap.h"

struct vma *vma_find(struct proc *p, uint32_t va)
{
	/* Faults come in runs on one area: try the last one found first.
	 * Areas never overlap, so whichever holds va is the answer, even
	 * if the table changed since (the hint is only an index). */
	int h = p->vma_hint;
	if (h < p->nvma && va >= p->vma[h].start && va < p->vma[h].end)
		return &p->vma[h];
	for (int i = 0; i < p->nvma; i++)
		if (va >= p->vma[i].start && va < p->vma[i].end) {
			p->vma_hint = i;
			return &p->vma[i];
		}
	return NULL;
}

/* Room for one more area: the table doubles, up to PROC_VMAS. */
static bool vma_room(struct proc *p)
{
	struct vma *bigger;
	int cap;
	if (p->nvma < p->vma_cap)
		return true;
	if (p->vma_cap >= PROC_VMAS)
		return false;
	cap = p->vma_cap ? p->vma_cap * 2 : PROC_VMAS_MIN;
	bigger = krealloc(p->vma, (size_t)cap * sizeof(*bigger));
	if (!bigger)
		return false;
	p->vma = bigger;
	p->vma_cap = cap;
	return true;
}

static void vma_insert_at(struct proc *p, int i, const struct vma *v)
{
	memmove(&p->vma[i + 1], &p->vma[i],
		(size_t)(p->nvma - i) * sizeof(p->vma[0]));
	p->vma[i] = *v;
	p->nvma++;
}

static bool vma_add_area(struct proc *p, const struct vma *v)
{
	int i = 0;
	if (!vma_room(p))
		return false;
	while (i < p->nvma && p->vma[i].start < v->start)
		i++;
	vma_insert_at(p, i, v);
	return true;
}

bool vma_add(struct proc *p, uint32_t start, uint32_t end, uint8_t prot,
	     uint8_t kind)
{
	struct vma v = {.start = start, .end = end, .prot = prot, .kind = kind};
	return vma_add_area(p, &v);
}

int vma_add_shared(struct proc *p, uint32_t start, uint32_t end, uint8_t prot,
		   uint8_t kind, struct shmem *m, uint32_t pgoff)
{
	struct vma v = {.start = start,
			.end = end,
			.prot = prot,
			.kind = kind,
			.flags = VMA_SHARED,
			.shm_pgoff = pgoff};
	if (p->nvma == PROC_VMAS)
		return -ENOMEM;
	if (m) {
		shmem_get(m);
	} else if (!(m = shmem_create((end - start) / PAGE_SIZE))) {
		return -ENOMEM;
	}
	v.shm = m;
	vma_add_area(p, &v);
	return 0;
}

void vma_dup_all(struct proc *p)
{
	for (int i = 0; i < p->nvma; i++)
		if (p->vma[i].flags & VMA_SHARED)
			shmem_get(p->vma[i].shm);
}

static void vma_drop(struct vma *v)
{
	if (v->flags & VMA_SHARED)
		shmem_put(v->shm);
	v->flags &= (uint8_t)~VMA_SHARED;
	v->shm = NULL;
}

void vma_drop_all(struct proc *p)
{
	for (int i = 0; i < p->nvma; i++)
		vma_drop(&p->vma[i]);
	p->nvma = 0;
}

/* memcpy, a word per string-instruction step when both ends allow it (a
 * page of text is 1,024 of them, not a loop's 4,096-odd instructions). */
static void copy_bytes(uint8_t *d, const uint8_t *s, uint32_t n)
{
	if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
		movsl_copy(d, s, n / 4);
		d += n & ~3u;
		s += n & ~3u;
		n &= 3;
	}
	memcpy(d, s, n);
}

void vma_fill_page(const struct vma *v, uint32_t va, void *dst)
{
	uint32_t page = PAGE_ALIGN_DOWN(va), lo = page, hi = page + PAGE_SIZE;
	uint8_t *d = dst;
	if ((v->flags & VMA_SHARED) || !v->file || v->file_va >= hi ||
	    v->file_va + v->file_len <= lo) {
		stosl_zero(d, PAGE_SIZE / 4);
		return;
	}
	/* The file's bytes cover [lo, hi) of the page; zero around them. */
	if (v->file_va > lo)
		lo = v->file_va;
	if (v->file_va + v->file_len < hi)
		hi = v->file_va + v->file_len;
	memset(d, 0, lo - page);
	copy_bytes(d + (lo - page), v->file + (lo - v->file_va), hi - lo);
	memset(d + (hi - page), 0, page + PAGE_SIZE - hi);
}

bool vma_page_refillable(const struct vma *v, uint32_t va)
{
	return v->file && !(v->flags & VMA_SHARED) && va >= v->start &&
	       va < v->end;
}

/* Split the area holding addr so that one starts at addr. */
static bool split_at(struct proc *p, uint32_t addr)
{
	for (int i = 0; i < p->nvma; i++) {
		if (addr > p->vma[i].start && addr < p->vma[i].end) {
			struct vma *v, hi;
			if (!vma_room(p)) /* may move the table */
				return false;
			v = &p->vma[i];
			hi = *v;
			hi.start = addr;
			if (hi.flags & VMA_SHARED) {
				hi.shm_pgoff += (addr - v->start) / PAGE_SIZE;
				shmem_get(hi.shm);
			}
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
			vma_drop(&p->vma[i]);
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

/* A shared area's page: the object's frame (one for every sharer). */
static int resolve_shared(struct proc *p, const struct vma *v, uint32_t page)
{
	uint32_t pa =
	    shmem_frame(v->shm, (page - v->start) / PAGE_SIZE + v->shm_pgoff);
	int rc;
	if (pa == 0)
		return VM_ENOMEM;
	rc = uvm_map_shared(p->vm, page, pa,
			    (v->prot & PROT_WRITE) ? VM_WRITE : 0);
	if (rc == VM_OK)
		p->lazy_faults++;
	return rc;
}

struct fill_ctx {
	const struct vma *v;
	uint32_t page;
};

static void fill_cb(void *dst, const void *ctx)
{
	const struct fill_ctx *c = ctx;
	vma_fill_page(c->v, c->page, dst);
}

/* A private page: zeros, or the file's bytes copied into a frame of its
 * own (so a write changes this process's copy, never the file: private
 * file mappings are copy-on-write from the file image). */
static int fill_page(struct proc *p, const struct vma *v, uint32_t page)
{
	uint32_t flags = (v->prot & PROT_WRITE) ? VM_WRITE : 0;
	int rc;
	if (!(v->flags & VMA_SHARED) && v->file) {
		struct fill_ctx c = {v, page};
		rc = uvm_alloc_page_fill(p->vm, page, flags, fill_cb, &c);
		if (rc == VM_OK)
			p->file_faults++;
	} else {
		rc = uvm_alloc_page(p->vm, page, flags);
		if (rc == VM_OK)
			p->lazy_faults++;
	}
	return rc;
}

/* Does p keep a resident set (it has one, or will at its next fault: a
 * swap area or vm.frames= exists)?  Without one a fault skips the
 * bookkeeping (proc_resolve's fast path). */
static inline bool resident_wanted(const struct proc *p)
{
	return p->rs || swap_enabled() || resident_default_frames;
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
	if (v->flags & VMA_SHARED) {
		/* A shared object's page joins no resident set: shared pages
		 * are never evicted (their sharers would part). */
		if (resolve_shared(p, v, page) != VM_OK)
			return -ENOMEM;
		vm_count(p, VM_MINOR);
		return 0;
	}
	if (!resident_wanted(p)) {
		/* No swap area, no limit: nothing to evict, nothing swapped
		 * (the fast path of a first touch: fault_zero_page). */
		if (!v->file) {
			if (uvm_alloc_page(p->vm, page,
					   (v->prot & PROT_WRITE) ? VM_WRITE
								  : 0) != VM_OK)
				return -ENOMEM;
			p->lazy_faults++;
		} else if (fill_page(p, v, page) != VM_OK) {
			return -ENOMEM;
		}
		vm_count(p, VM_MINOR);
		return 0;
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
		/* Zeros, or the program file's bytes (fill_page). */
		if (fill_page(p, v, page) != VM_OK)
			return -ENOMEM;
		vm_count(p, VM_MINOR);
	}
	resident_note(p, page);
	return 0;
}
