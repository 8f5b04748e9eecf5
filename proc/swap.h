/*
 * swap — paging to the swap disk, and the resident sets that decide what
 * goes there (issue 11, items 3, 4 and 6).
 *
 * Virtual memory as a cache of the disk (001_*, 002_*, OSTEP ch. 21-22):
 * a process's pages live in frames while it uses them; when it holds more
 * than its limit, or free frames run out, the replacement policy picks a
 * victim page, which is written to a slot of the swap area (mm/swapslot.h)
 * - only if it is dirty or has no copy there yet - and its PTE records the
 * slot with the present bit clear.  The next touch is a page fault that
 * reads it back (a "major" fault; a demand-zero or copy-on-write fault is
 * "minor").
 *
 * proc/swap.c     the disk side: page-out and page-in of one page, the
 *                 counters, the boot-time set-up (swap_init).
 * proc/resident.c the resident sets: per process, a vmpolicy instance
 *                 (mm/vmpolicy.h) over the pages it holds - local
 *                 replacement - with a limit from vm.frames= or
 *                 keel_vm_limit; and global replacement when free frames
 *                 run low.
 *
 * Concurrency: one CPU; every change to a resident set or a PTE is made
 * with interrupts off.  Disk I/O sleeps with interrupts on; the page being
 * written stays mapped (its frame pinned) and uvm_evict_end checks that it
 * did not change meanwhile.  A process with a page-out in flight is not
 * torn down until it ends (resident_exit waits).
 */
#ifndef KEEL_PROC_SWAP_H
#define KEEL_PROC_SWAP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/trap.h"
#include "mm/vmpolicy.h"
#include "proc/vmstat.h"

struct proc;

/* The kernel-wide counts, by enum vm_event (proc/swap.c). */
extern uint64_t vm_totals[VM_NEVENTS];
/* One event for p (its struct vm_counters; may be NULL) and the totals.
 * A macro, so that this header need not see struct proc. */
#define vm_count(p, e)                                                         \
	do {                                                                   \
		struct proc *vm_count_p_ = (p);                                \
		vm_totals[(e)]++;                                              \
		if (vm_count_p_)                                               \
			vm_count_p_->vmc.n[(e)]++;                             \
	} while (0)
/* "minor", "major", ... */
const char *vm_event_name(enum vm_event e);

/* keel_vm_limit's request (user/libkeel.h has the same layout). */
#define KEEL_VM_TRACE 1u /* trace: see every reference (resident.c) */
struct keel_vm_limit_req {
	uint32_t frames;     /* the most resident pages; 0: no limit */
	int32_t policy;	     /* enum vmp_kind, or -1: the boot default */
	uint32_t flags;	     /* KEEL_VM_TRACE */
	uint32_t lo, pages;  /* the managed region; pages 0: all of it */
	int32_t seed;	     /* rand, clock: random.seed(seed) */
	uint32_t skip;	     /* draws of random() to discard first (-n) */
	int32_t clockbits;   /* OSTEP's -b */
	uint32_t future;     /* opt, unopt: user pointer to the page list */
	uint32_t future_len; /* its length */
};
#define KEEL_VM_FUTURE_MAX 4096u

extern bool swap_on;
static inline bool swap_enabled(void)
{
	return swap_on;
}

/* Page out the present page va of p (a victim): 0, -EAGAIN (it changed
 * or went: pick again), -ENOSPC (no free slot), -EIO. */
int swap_out(struct proc *p, uint32_t va);
/* Page in the swapped page at va: 0, -ENOMEM, -EIO. */
int swap_in(struct proc *p, uint32_t va, uint32_t flags);
/* The kernel-wide totals, by enum vm_event. */
void swap_totals(uint64_t out[VM_NEVENTS]);

/* ---- resident sets (proc/resident.c) ----
 * (resident_fork, resident_exit and swap_init are declared in proc.h,
 * for proc.c, which may not include this header: tools/layers.) */
extern uint32_t resident_default_frames;      /* vm.frames= */
extern enum vmp_kind resident_default_policy; /* vm.policy= */

/* Before a fault makes va present: a hit on a hidden traced page is
 * handled here (returns 1); otherwise room is made in p's resident set
 * (evicting its victim) and in free frames (global replacement): 0, or
 * -ENOSPC / -EIO / -ENOMEM. */
int resident_make_room(struct proc *p, uint32_t va);
/* Only global replacement: free frames above the low mark (before a
 * copy-on-write copy takes a frame). */
int resident_reserve(struct proc *p);
/* After: va is present now (a new resident page). */
void resident_note(struct proc *p, uint32_t va);
/* A hidden traced page was touched: a hit (exact reference counting). */
void resident_hit(struct proc *p, uint32_t va);
/* The user page fault at va was resolved: true if the faulting
 * instruction must be single-stepped (trace mode: hide va after it). */
bool resident_trace_step(struct proc *p, uint32_t va);
/* The #DB after a traced instruction: hide its pages again; false if p
 * was not stepping (a real debug exception). */
bool resident_trace_done(struct proc *p);
/* [start, end) of p's pages went (munmap, brk): forget them. */
void resident_forget(struct proc *p, uint32_t start, uint32_t end);
/* Pages of [lo, hi) the kernel may not evict now (copy_*_user). */
void resident_pin(struct proc *p, uint32_t lo, uint32_t hi);
/* keel_vm_limit: 0 or -EINVAL / -ENOMEM / -EFAULT. */
int resident_set_limit(struct proc *p, const struct keel_vm_limit_req *r);
/* keel_vm_trace: the last reference into buf (see sys_misc.c). */
int resident_trace_report(struct proc *p, uint32_t *buf, uint32_t max);
/* Resident pages p holds in its set. */
uint32_t resident_count(struct proc *p);
/* Boot: the tick hook that feeds accessed/dirty bits of the running
 * process's pages to its policy (vmp_access, vmp_tick). */
void resident_init(void);

#endif
