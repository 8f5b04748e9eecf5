/*
 * sys_mem — brk, mmap2, munmap, mprotect: the shape of the address space.
 *
 * None of these allocates a page: they change the areas (proc/vma.c), and
 * the pages come at the first touch (demand-zero, 004_*: "demand paging"
 * without a disk yet) — which is why a program may ask for far more heap
 * than it uses.  Shrinking frees the pages at once.  A MAP_SHARED anonymous
 * mapping is backed by a shared memory object (mm/shmem.h): after a fork,
 * parent and child write the same frames.
 */
#include "arch/layout.h"
#include "lib/errno.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include "proc/vma.h"

#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20

#define A1 (tf->ebx)
#define A2 (tf->ecx)
#define A3 (tf->edx)
#define A4 (tf->esi)
#define A5 (tf->edi)

static struct vma *heap_vma(struct proc *p)
{
	for (int i = 0; i < p->nvma; i++)
		if (p->vma[i].kind == VMA_HEAP)
			return &p->vma[i];
	return NULL;
}

/* Does any area other than skip touch [lo, hi)? */
static bool overlaps(struct proc *p, uint32_t lo, uint32_t hi,
		     const struct vma *skip)
{
	for (int i = 0; i < p->nvma; i++)
		if (&p->vma[i] != skip && p->vma[i].start < hi &&
		    p->vma[i].end > lo)
			return true;
	return false;
}

/* brk(addr): the new break, or the old one when it cannot move (Linux's
 * rule: brk never returns an error code; musl compares). */
static int32_t sys_brk(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	uint32_t want = A1, old_top = PAGE_ALIGN_UP(p->brk), new_top;
	struct vma *heap = heap_vma(p);
	if (want < p->brk_start || want >= USER_MMAP_TOP)
		return (int32_t)p->brk;
	new_top = PAGE_ALIGN_UP(want);
	if (new_top > old_top) {
		if (overlaps(p, old_top, new_top, heap))
			return (int32_t)p->brk;
		if (heap)
			heap->end = new_top;
		else if (!vma_add(p, p->brk_start, new_top,
				  PROT_READ | PROT_WRITE, VMA_HEAP))
			return (int32_t)p->brk;
	} else if (new_top < old_top) {
		if (!vma_remove(p, new_top, old_top))
			return (int32_t)p->brk;
	}
	p->brk = want;
	return (int32_t)want;
}

static bool range_ok(uint32_t addr, uint32_t len)
{
	return addr >= USER_LO && addr < USER_HI && len <= USER_HI - addr;
}

static int32_t sys_mmap2(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	uint32_t addr = A1, len = A2, prot = A3, flags = A4;
	if (len == 0 || len > USER_HI)
		return -EINVAL;
	len = PAGE_ALIGN_UP(len);
	/* Exactly one of private and shared (Linux: EINVAL otherwise). */
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) != MAP_PRIVATE &&
	    (flags & (MAP_SHARED | MAP_PRIVATE)) != MAP_SHARED)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV; /* file mappings: not yet */
	if (prot & ~(uint32_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (flags & MAP_FIXED) {
		if ((addr & (PAGE_SIZE - 1)) || !range_ok(addr, len))
			return -EINVAL;
		if (!vma_remove(p, addr, addr + len))
			return -ENOMEM;
	} else {
		addr = vma_gap(p, len);
		if (addr == 0)
			return -ENOMEM;
	}
	if (flags & MAP_SHARED) {
		int rc = vma_add_shared(p, addr, addr + len, (uint8_t)prot,
					VMA_MMAP, NULL, 0);
		return rc < 0 ? rc : (int32_t)addr;
	}
	if (!vma_add(p, addr, addr + len, (uint8_t)prot, VMA_MMAP))
		return -ENOMEM;
	return (int32_t)addr;
}

static int32_t sys_munmap(struct trap_frame *tf)
{
	uint32_t addr = A1, len = PAGE_ALIGN_UP(A2);
	if ((addr & (PAGE_SIZE - 1)) || A2 == 0 || !range_ok(addr, len))
		return -EINVAL;
	return vma_remove(proc_current(), addr, addr + len) ? 0 : -ENOMEM;
}

static int32_t sys_mprotect(struct trap_frame *tf)
{
	uint32_t addr = A1, len = PAGE_ALIGN_UP(A2), prot = A3;
	if ((addr & (PAGE_SIZE - 1)) || !range_ok(addr, len))
		return -EINVAL;
	if (prot & ~(uint32_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (len == 0)
		return 0;
	return vma_protect(proc_current(), addr, addr + len, (uint8_t)prot);
}

static int32_t sys_madvise(struct trap_frame *tf)
{
	(void)tf;
	return 0; /* advice only */
}

void sys_mem_init(void)
{
	syscall_set(45, "brk", "p", sys_brk);
	syscall_set(91, "munmap", "px", sys_munmap);
	syscall_set(125, "mprotect", "pxd", sys_mprotect);
	syscall_set(192, "mmap2", "pxdxdd", sys_mmap2);
	syscall_set(219, "madvise", "pxd", sys_madvise);
}
