/*
 * ipc_shm — System V shared memory segments (ipc.h).
 *
 * A segment is a shared memory object (mm/shmem.h) with a key and an id;
 * shmat maps it as a shared area (VMA_SHM) exactly as MAP_SHARED maps an
 * anonymous object, so fork shares attachments and exit or exec detach
 * them.  The object counts its holders: the id (until IPC_RMID) and each
 * attached area; the number attached (shm_nattch) is the rest.  After
 * IPC_RMID the id is gone at once (EINVAL), but the pages stay for
 * whoever is still attached, until the last detach frees them.
 */
#include "arch/layout.h"
#include "arch/x86.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "mm/shmem.h"
#include "proc/ipc.h"
#include "proc/proc.h"
#include "proc/uaccess.h"
#include "proc/vma.h"

#define SHMLBA PAGE_SIZE

struct shmseg {
	struct ipc_obj o; /* first: the table holds &o */
	uint32_t size;	  /* bytes asked for */
	struct shmem *mem;
	int lpid; /* the last to attach or detach */
};

struct ipc_ids ipc_shm_ids;

static int seg_create(const void *arg, struct ipc_obj **out)
{
	uint32_t size = *(const uint32_t *)arg;
	struct shmseg *s;
	if (size < SHMMIN || size > SHMMAX)
		return -EINVAL;
	s = kcalloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mem = shmem_create(PAGE_ALIGN_UP(size) / PAGE_SIZE);
	if (!s->mem) {
		kfree(s);
		return -ENOMEM;
	}
	s->size = size;
	*out = &s->o;
	return 0;
}

static int seg_fits(const struct ipc_obj *o, const void *arg)
{
	const struct shmseg *s = (const struct shmseg *)o;
	return *(const uint32_t *)arg > s->size ? -EINVAL : 0;
}

static const struct ipc_get_ops seg_ops = {seg_create, seg_fits};

int ipc_shmget(int32_t key, uint32_t size, int flags)
{
	return ipc_get(&ipc_shm_ids, key, flags, &seg_ops, &size);
}

static struct shmseg *seg_lookup(int id)
{
	return (struct shmseg *)ipc_lookup(&ipc_shm_ids, id);
}

/* Does any area touch [lo, hi)? */
static bool overlaps(struct proc *p, uint32_t lo, uint32_t hi)
{
	for (int i = 0; i < p->nvma; i++)
		if (p->vma[i].start < hi && p->vma[i].end > lo)
			return true;
	return false;
}

/* shmat with interrupts off (the segment cannot go meanwhile). */
static int32_t attach(int id, uint32_t addr, int flags)
{
	struct proc *p = proc_current();
	struct shmseg *s = seg_lookup(id);
	uint8_t prot = PROT_READ;
	uint32_t len;
	int rc;
	if (!s)
		return -EINVAL;
	len = s->mem->npages * PAGE_SIZE;
	if (!(flags & SHM_RDONLY))
		prot |= PROT_WRITE;
	if (flags & SHM_EXEC)
		prot |= PROT_EXEC;
	if (addr & (SHMLBA - 1)) {
		if (!(flags & SHM_RND))
			return -EINVAL;
		addr &= ~(SHMLBA - 1);
	}
	if (addr == 0) {
		addr = vma_gap(p, len);
		if (addr == 0)
			return -ENOMEM;
	} else if (addr < USER_LO || addr >= USER_MMAP_TOP ||
		   len > USER_MMAP_TOP - addr ||
		   overlaps(p, addr, addr + len)) {
		return -EINVAL;
	}
	rc = vma_add_shared(p, addr, addr + len, prot, VMA_SHM, s->mem, 0);
	if (rc < 0)
		return rc;
	s->lpid = p->pid;
	return (int32_t)addr;
}

int32_t ipc_shmat(int id, uint32_t addr, int flags)
{
	bool on = irq_save();
	int32_t rc = attach(id, addr, flags);
	irq_restore(on);
	return rc;
}

int ipc_shmdt(uint32_t addr)
{
	struct proc *p = proc_current();
	struct vma *v = vma_find(p, addr);
	struct shmem *m;
	uint32_t end, pg;
	if (!v || v->start != addr || v->kind != VMA_SHM)
		return -EINVAL;
	/* The attachment may have been split (mprotect, munmap): take the
	 * areas that follow on with the same object and offsets. */
	m = v->shm;
	end = v->end;
	pg = v->shm_pgoff + (v->end - v->start) / PAGE_SIZE;
	while ((v = vma_find(p, end)) != NULL && v->kind == VMA_SHM &&
	       v->shm == m && v->shm_pgoff == pg) {
		pg += (v->end - v->start) / PAGE_SIZE;
		end = v->end;
	}
	return vma_remove(p, addr, end) ? 0 : -ENOMEM;
}

/* struct shmid64_ds, Linux's i386 layout (84 bytes), built into ds. */
static void seg_stat(const struct shmseg *s, uint8_t *ds)
{
	uint32_t nattch = s->mem->refs - 1; /* all but the id's own */
	uint32_t w[] = {(uint32_t)s->o.cpid, (uint32_t)s->lpid, nattch};
	ipc_fill_perm(ds, &s->o);
	memcpy(ds + 36, &s->size, 4);	      /* shm_segsz */
	memcpy(ds + 40 + 16, &s->o.ctime, 4); /* shm_ctime */
	memcpy(ds + 64, w, sizeof(w));	      /* cpid, lpid, nattch */
}

int ipc_shmctl(int id, int cmd, uint32_t buf)
{
	bool on = irq_save();
	struct shmseg *s = seg_lookup(id);
	uint8_t ds[84] = {0};
	if (!s) {
		irq_restore(on);
		return -EINVAL;
	}
	switch (cmd & ~IPC_64) {
	case IPC_RMID:
		ipc_unlist(&ipc_shm_ids, &s->o);
		shmem_put(s->mem); /* the pages live while attached */
		irq_restore(on);
		kfree(s);
		return 0;
	case IPC_STAT:
		seg_stat(s, ds);
		irq_restore(on);
		return copy_to_user(buf, ds, sizeof(ds)) < 0 ? -EFAULT : 0;
	default:
		irq_restore(on);
		return -EINVAL;
	}
}
