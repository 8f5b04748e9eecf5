/*
 * vmstat — the paging counters of one process (struct proc's vmc) and of
 * the whole kernel, like vmstat(8)'s: what proc/swap.c and proc/vma.c
 * count, the console's ps and mem and keel_vm_stat show.  A header of
 * its own so that proc.h can hold the counters without the swap code.
 */
#ifndef KEEL_PROC_VMSTAT_H
#define KEEL_PROC_VMSTAT_H

#include <stdint.h>

/* vmstat's counters, per process (struct proc's vmc) and in total. */
enum vm_event {
	VM_MINOR,     /* faults resolved without the disk (zero, COW) */
	VM_MAJOR,     /* faults that read a page back from swap */
	VM_SWAP_IN,   /* pages read from swap */
	VM_SWAP_OUT,  /* pages evicted (written, or dropped clean) */
	VM_WRITEBACK, /* of those, written: dirty or never on disk */
	VM_SOFT,      /* traced hits: faults on a resident, hidden page */
	VM_NEVENTS
};
/* 32 bits a process (struct proc stays small: a 4-billion-fault process
 * wraps its own count, not the totals, which are 64-bit). */
struct vm_counters {
	uint32_t n[VM_NEVENTS];
};
#endif
