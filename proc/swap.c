/*
 * swap — page-out and page-in through the swap disk (swap.h).
 *
 * Slot n of the swap area is sectors [8n, 8n + 8) of the ATA disk
 * (fs/disk.h): the whole disk is the swap area, as a swap partition is.
 * One page-sized bounce buffer, used under a sleeping lock, carries the
 * page between its frame (reached through a temporary kernel mapping,
 * which may not be held across a sleep) and the disk.  Requests are one
 * page each: a teaching kernel's swap does no clustering.
 *
 * A read past the disk's end, a drive error or a timeout comes back from
 * disk_read/disk_write as -ENXIO/-EIO/-ETIMEDOUT (already reported on the
 * log by fs/disk.c); the page stays where it was (page-out) or the
 * faulting process gets SIGBUS (page-in, proc/fault.c).
 */
#include "proc/swap.h"

#include "arch/layout.h"
#include "arch/x86.h"
#include "fs/disk.h"
#include "kernel/console.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/frame_pool.h"
#include "mm/swapslot.h"
#include "mm/uvm.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "sched/task.h"

uint64_t vm_totals[VM_NEVENTS]; /* swap.h */
bool swap_on; /* a swap area is there (swap.h's swap_enabled) */
static uint8_t bounce[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static bool bounce_busy;
static struct wait_queue bounce_wq;

static const char *const event_names[VM_NEVENTS] = {
    [VM_MINOR] = "minor",	  [VM_MAJOR] = "major",
    [VM_SWAP_IN] = "swapin",	  [VM_SWAP_OUT] = "swapout",
    [VM_WRITEBACK] = "writeback", [VM_SOFT] = "soft",
};

const char *vm_event_name(enum vm_event e)
{
	return (unsigned)e < VM_NEVENTS ? event_names[e] : "?";
}

void swap_totals(uint64_t out[VM_NEVENTS])
{
	memcpy(out, vm_totals, sizeof(vm_totals));
}

void swap_init(void)
{
	wq_init(&bounce_wq);
	if (!disk_present()) {
		kprintf("swap: no disk, no swap area: pages stay in memory\n");
	} else if (!swapslot_init(disk_sectors(), frame_pool_get()->nframes)) {
		kprintf("swap: no memory for the slot tables: no swap\n");
	} else {
		swap_on = true;
		kprintf("swap: %u slots of 4 KiB on the disk\n",
			swapslot_total());
	}
	resident_init();
}

static void bounce_lock(void)
{
	bool on = irq_save();
	while (bounce_busy)
		wq_block(&bounce_wq);
	bounce_busy = true;
	irq_restore(on);
}

static void bounce_unlock(void)
{
	bool on = irq_save();
	bounce_busy = false;
	wq_wake_all(&bounce_wq);
	irq_restore(on);
}

static int write_slot(uint32_t slot, uint32_t pa)
{
	int rc;
	bounce_lock();
	void *f = vm_kmap(pa);
	memcpy(bounce, f, PAGE_SIZE);
	vm_kunmap(f);
	rc = disk_write(slot * SWAPSLOT_SECTORS, SWAPSLOT_SECTORS, bounce);
	bounce_unlock();
	return rc;
}

static int read_slot(uint32_t slot, uint32_t pa)
{
	int rc;
	bounce_lock();
	rc = disk_read(slot * SWAPSLOT_SECTORS, SWAPSLOT_SECTORS, bounce);
	if (rc == 0) {
		void *f = vm_kmap(pa);
		memcpy(f, bounce, PAGE_SIZE);
		vm_kunmap(f);
	}
	bounce_unlock();
	return rc;
}

int swap_out(struct proc *p, uint32_t va)
{
	struct uvm_victim v;
	uint32_t slot = SWAPSLOT_NONE;
	if (!swap_on)
		return -ENOSPC;
	if (uvm_evict_begin(p->vm, va, &v) != VM_OK)
		return -EAGAIN;
	if (v.write) {
		int rc;
		slot = swapslot_alloc();
		/* Full: slots that only back pages now in memory go first
		 * (those pages lose their clean copy, and cost a write when
		 * they are evicted again). */
		if (slot == SWAPSLOT_NONE && swapslot_reclaim_copies() > 0)
			slot = swapslot_alloc();
		if (slot == SWAPSLOT_NONE) {
			uvm_evict_end(p->vm, &v, SWAPSLOT_NONE);
			return -ENOSPC;
		}
		rc = write_slot(slot, v.pa);
		if (rc < 0) {
			swapslot_put(slot);
			uvm_evict_end(p->vm, &v, SWAPSLOT_NONE);
			return -EIO;
		}
	}
	if (uvm_evict_end(p->vm, &v, slot) != VM_OK)
		return -EAGAIN;
	vm_count(p, VM_SWAP_OUT);
	if (v.write)
		vm_count(p, VM_WRITEBACK);
	return 0;
}

int swap_in(struct proc *p, uint32_t va, uint32_t flags)
{
	uint32_t pte = uvm_pte(p->vm, va), pa;
	if (!uvm_pte_swapped(pte))
		return 0; /* resolved meanwhile */
	pa = frame_alloc();
	if (pa == 0)
		return -ENOMEM;
	if (read_slot(uvm_pte_slot(pte), pa) < 0) {
		frame_free(pa);
		return -EIO;
	}
	if (uvm_swap_in(p->vm, va, pa, flags) != VM_OK) {
		frame_free(pa);
		return 0;
	}
	vm_count(p, VM_MAJOR);
	vm_count(p, VM_SWAP_IN);
	return 0;
}
