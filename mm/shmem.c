/*
 * shmem — shared memory objects (shmem.h).
 */
#include "mm/shmem.h"

#include "arch/layout.h"
#include "arch/x86.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pageref.h"
#include "mm/vm.h"

struct shmem *shmem_create(uint32_t npages)
{
	struct shmem *m;
	if (npages == 0 || npages > KERNEL_VMA / PAGE_SIZE)
		return NULL;
	m = kcalloc(1, sizeof(*m) + npages * sizeof(uint32_t));
	if (!m)
		return NULL;
	m->refs = 1;
	m->npages = npages;
	return m;
}

void shmem_get(struct shmem *m)
{
	bool on = irq_save();
	m->refs++;
	irq_restore(on);
}

void shmem_put(struct shmem *m)
{
	bool on = irq_save();
	if (--m->refs > 0) {
		irq_restore(on);
		return;
	}
	for (uint32_t i = 0; i < m->npages; i++)
		if (m->frames[i])
			pageref_put(m->frames[i]);
	irq_restore(on);
	kfree(m);
}

uint32_t shmem_frame(struct shmem *m, uint32_t i)
{
	bool on = irq_save();
	uint32_t pa = 0;
	if (i < m->npages) {
		pa = m->frames[i];
		if (pa == 0 && (pa = frame_alloc()) != 0) {
			void *p = vm_kmap(pa);
			stosl_zero(p, PAGE_SIZE / 4);
			vm_kunmap(p);
			pageref_first(pa);
			m->frames[i] = pa;
		}
	}
	irq_restore(on);
	return pa;
}

uint32_t shmem_resident(const struct shmem *m)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->npages; i++)
		n += m->frames[i] != 0;
	return n;
}
