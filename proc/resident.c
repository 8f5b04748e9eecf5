/*
 * resident — resident sets and page replacement (swap.h).
 *
 * Local replacement (001_*, 002_*: "local vs global page replacement"):
 * each process has its own resident set, a vmpolicy instance over the
 * pages it holds (mm/vmpolicy.h, one reference = find, then access or
 * pick/remove/insert).  With a limit (vm.frames=N at boot, keel_vm_limit
 * for one process), a fault that would take the process past it evicts
 * the victim its policy picks.  Without one, the set still records the
 * pages, for global replacement: when free frames fall below RS_LOW_FRAMES,
 * the process with the largest resident set gives up its policy's victim
 * (the largest, because it is the one most likely to be holding pages it
 * no longer needs; the log says which pid and why, once).  Running many
 * processes whose working sets together exceed memory is how thrashing
 * begins: they steal each other's pages and spend their time waiting for
 * the disk.
 *
 * Which pages: those made present by a fault (demand-zero, swap-in) inside
 * the managed region ([lo, hi), all of user space unless keel_vm_limit
 * says otherwise), and a fork's copy of its parent's set.  Pages mapped by
 * exec (the program's image) are outside every set and never evicted.
 *
 * What the policy learns of accesses: the faults themselves (a miss is an
 * insert), and at each timer tick the accessed and dirty bits of the
 * running process's pages (read and cleared: vmp_access, then vmp_tick).
 * LRU is therefore approximated to the tick: pages used within the same
 * tick are not ordered among themselves.  Exact LRU (and OSTEP's CLOCK,
 * which counts every use) needs every reference, which only trace mode
 * sees:
 *
 * Trace mode (keel_vm_limit with KEEL_VM_TRACE, /bin/pagetouch): a page
 * of the region stays present but with its user bit clear, so ring 3
 * cannot touch it without a fault, while the kernel's tables, counts and
 * swap code see an ordinary present page.  A fault on such a page is a
 * hit (a "soft" fault): the user bit is set, the faulting instruction is
 * run again with EFLAGS.TF set, and the debug exception (#DB) after that
 * one instruction clears the user bit again.  A miss (demand-zero or
 * swap-in) is stepped the same way.  So every reference, repeats of one
 * page included, is one fault, and the policy hears each in order: the
 * kernel's faults give the same trace as paging-policy.py.
 */
#include "arch/layout.h"
#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/pyrandom.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "proc/swap.h"
#include "proc/uaccess.h"

#define RS_INITIAL     16u    /* entries of a set without a limit */
#define RS_MAX_FRAMES  65536u /* a limit above RAM is no limit */
#define RS_STEP_MAX    4      /* pages one stepped instruction touched */
#define RS_LOW_FRAMES  48u    /* keep this many for tables, stacks, heap */
#define RS_CLOCKBITS   2      /* OSTEP's -b default */
#define RS_EVICT_TRIES 4

struct resident {
	struct vmp v;
	struct vmp_frame *frames;
	uint32_t alloc;	 /* entries of frames */
	uint32_t limit;	 /* 0: none, the set grows */
	uint32_t lo, hi; /* the managed region */
	bool trace;
	uint64_t refs;	/* references so far (trace mode) */
	uint64_t vtime; /* ticks this process has run: its virtual time */
	int32_t last_victim;
	bool last_hit;
	uint32_t step[RS_STEP_MAX]; /* hide these after the step */
	int nstep;
	uint32_t pin_lo, pin_hi; /* not to be evicted now */
	uint32_t inflight;	 /* page-outs under way */
	struct wait_queue idle;	 /* resident_exit waits for them */
	vmp_page_t *future;
	struct pyrandom *rng; /* rand, clock, nru only: 2.5 KiB */
};

uint32_t resident_default_frames;
enum vmp_kind resident_default_policy = VMP_CLOCK_HAND;
static bool told_global;

static bool managed(const struct resident *rs, uint32_t va)
{
	return va >= rs->lo && va < rs->hi;
}

static uint32_t va_of(const struct resident *rs, vmp_page_t page)
{
	return rs->lo + (page << 12);
}

static vmp_page_t page_of(const struct resident *rs, uint32_t va)
{
	return (va - rs->lo) >> 12;
}

static void rs_free(struct resident *rs)
{
	if (!rs)
		return;
	kfree(rs->rng);
	kfree(rs->frames);
	kfree(rs->future);
	kfree(rs);
}

/* A set with no pages yet; NULL without memory or with bad parameters. */
static struct resident *rs_new(const struct keel_vm_limit_req *r,
			       vmp_page_t *future)
{
	struct resident *rs = kcalloc(1, sizeof(*rs));
	struct vmp_params pp;
	if (!rs)
		return NULL;
	rs->limit = r->frames;
	rs->alloc = r->frames ? r->frames : RS_INITIAL;
	rs->lo = r->lo;
	rs->hi = r->pages ? r->lo + r->pages * PAGE_SIZE : USER_HI;
	rs->trace = (r->flags & KEEL_VM_TRACE) != 0;
	rs->last_victim = -1;
	rs->future = future;
	wq_init(&rs->idle);
	rs->frames = kcalloc(rs->alloc, sizeof(*rs->frames));
	pp = (struct vmp_params){
	    .kind = r->policy < 0 ? resident_default_policy
				  : (enum vmp_kind)r->policy,
	    .capacity = rs->alloc,
	    .clockbits = r->clockbits > 0 ? r->clockbits : RS_CLOCKBITS,
	    .aging_bits = VMP_AGING_BITS_DEFAULT,
	    .tau = VMP_TAU_DEFAULT,
	    .future = future,
	    .future_len = future ? r->future_len : 0};
	if (pp.kind == VMP_RAND || pp.kind == VMP_CLOCK || pp.kind == VMP_NRU) {
		rs->rng = pp.rng = kmalloc(sizeof(*rs->rng));
		if (rs->rng) {
			pyrandom_seed(rs->rng, r->seed);
			for (uint32_t i = 0; i < r->skip; i++)
				pyrandom_random53(rs->rng);
		}
	}
	if (!rs->frames || vmp_init(&rs->v, &pp, rs->frames) != VMP_OK) {
		rs->future = NULL; /* the caller's */
		rs_free(rs);
		return NULL;
	}
	return rs;
}

/* p's set, made with the boot defaults at its first fault: only when
 * there is something to manage (a swap area, or a limit).  Without, a
 * process has no set, and costs nothing here. */
static struct resident *rs_of(struct proc *p)
{
	if (!p->rs && (swap_enabled() || resident_default_frames)) {
		struct keel_vm_limit_req r = {
		    .frames = resident_default_frames, .policy = -1, .lo = 0};
		p->rs = rs_new(&r, NULL);
	}
	return p->rs;
}

/* A set without a limit doubles when full.  false without memory. */
static bool rs_grow(struct resident *rs)
{
	uint32_t n = rs->alloc * 2;
	struct vmp_frame *f = kcalloc(n, sizeof(*f));
	if (!f)
		return false;
	bool on = irq_save();
	/* The ring (mm/vmpolicy.h) unrolled into the new array, head at 0. */
	for (uint32_t i = 0; i < rs->v.count; i++)
		f[i] = *vmp_at(&rs->v, i);
	kfree(rs->frames);
	rs->frames = rs->v.frames = f;
	rs->v.head = 0;
	rs->alloc = rs->v.p.capacity = n;
	irq_restore(on);
	return true;
}

static bool pinned(const struct resident *rs, uint32_t va)
{
	return va >= rs->pin_lo && va < rs->pin_hi;
}

/* The victim: the policy's pick, or (when that page is pinned for a
 * system call's copy) the first unpinned page in list order; -1. */
static int pick(struct resident *rs)
{
	int i = vmp_pick(&rs->v);
	if (i < 0 || !pinned(rs, va_of(rs, vmp_at(&rs->v, i)->page)))
		return i;
	for (uint32_t j = 0; j < rs->v.count; j++)
		if (!pinned(rs, va_of(rs, vmp_at(&rs->v, j)->page)))
			return (int)j;
	return -1;
}

static void inflight_done(struct resident *rs)
{
	bool on = irq_save();
	if (--rs->inflight == 0)
		wq_wake_all(&rs->idle);
	irq_restore(on);
}

/* Evict one page of p's set (its policy's victim): 0 (room made, or
 * nothing to evict), -ENOSPC, -EIO. */
static int evict_one(struct proc *p, struct resident *rs)
{
	for (int tries = 0; tries < RS_EVICT_TRIES; tries++) {
		bool on = irq_save();
		int i = pick(rs);
		if (i < 0) {
			irq_restore(on);
			return 0;
		}
		vmp_page_t page = vmp_at(&rs->v, i)->page;
		uint32_t va = va_of(rs, page);
		vmp_remove(&rs->v, (uint32_t)i);
		rs->inflight++;
		irq_restore(on);
		if (rs->trace)
			rs->last_victim = (int32_t)page;
		int rc = swap_out(p, va);
		if (rc == -EAGAIN && (uvm_pte(p->vm, va) & PTE_PRESENT)) {
			on = irq_save(); /* written during its write: keep it */
			if (!vmp_full(&rs->v))
				vmp_insert(&rs->v, page, VMP_M);
			irq_restore(on);
			inflight_done(rs);
			continue;
		}
		inflight_done(rs);
		return rc == -EAGAIN ? 0 : rc;
	}
	return 0;
}

struct largest {
	struct proc *p;
	uint32_t count;
};

static void find_largest(struct proc *p, void *ctx)
{
	struct largest *l = ctx;
	if (p->state == PROC_ALIVE && p->rs && p->rs->v.count > l->count) {
		l->p = p;
		l->count = p->rs->v.count;
	}
}

/* Global replacement: free frames below the low mark take pages from the
 * largest resident set, whoever owns it.  0 or a page-out's error. */
static int reclaim(struct proc *self)
{
	while (swap_enabled() && frame_free_count() < RS_LOW_FRAMES) {
		struct largest l = {NULL, 0};
		int rc;
		bool on = irq_save();
		proc_for_each(find_largest, &l);
		if (l.p)
			l.p->rs->inflight++; /* held: it cannot exit under us */
		irq_restore(on);
		if (!l.p)
			return 0; /* nothing to take: frame_alloc decides */
		if (!told_global) {
			told_global = true;
			kprintf("swap: %u frames free: evicting from pid %d "
				"(largest resident set, %u pages) for pid %d "
				"(global replacement; said once)\n",
				frame_free_count(), l.p->pid, l.count,
				self ? self->pid : 0);
		}
		rc = evict_one(l.p, l.p->rs);
		inflight_done(l.p->rs);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int resident_reserve(struct proc *p)
{
	return reclaim(p);
}

int resident_make_room(struct proc *p, uint32_t va)
{
	struct resident *rs = rs_of(p);
	int rc;
	if (rs && managed(rs, va)) {
		if (rs->trace) {
			rs->refs++;
			rs->last_hit = false;
			rs->last_victim = -1;
			vmp_set_now(&rs->v, rs->refs - 1);
		} else {
			vmp_set_now(&rs->v, rs->vtime);
		}
		if (vmp_full(&rs->v) && (rs->limit || !rs_grow(rs))) {
			rc = evict_one(p, rs);
			if (rc < 0)
				return rc;
		}
	}
	return reclaim(p);
}

void resident_note(struct proc *p, uint32_t va)
{
	struct resident *rs = p->rs;
	if (!rs || !managed(rs, va))
		return;
	bool on = irq_save();
	/* Full only when every page was pinned: the set stretches. */
	if (vmp_find(&rs->v, page_of(rs, va)) < 0 &&
	    (!vmp_full(&rs->v) || rs_grow(rs)))
		vmp_insert(&rs->v, page_of(rs, va), 0);
	irq_restore(on);
}

void resident_hit(struct proc *p, uint32_t va)
{
	struct resident *rs = p->rs;
	int i;
	uvm_set_user(p->vm, va, true);
	if (!rs || !rs->trace || !managed(rs, va))
		return;
	bool on = irq_save();
	rs->refs++;
	rs->last_hit = true;
	rs->last_victim = -1;
	vmp_set_now(&rs->v, rs->refs - 1);
	i = vmp_find(&rs->v, page_of(rs, va));
	if (i >= 0)
		vmp_access(&rs->v, (uint32_t)i, VMP_R);
	irq_restore(on);
	vm_count(p, VM_SOFT);
}

bool resident_trace_step(struct proc *p, uint32_t va)
{
	struct resident *rs = p->rs;
	va = PAGE_ALIGN_DOWN(va);
	if (!rs || !rs->trace || !managed(rs, va))
		return false;
	for (int i = 0; i < rs->nstep; i++)
		if (rs->step[i] == va)
			return true;
	if (rs->nstep < RS_STEP_MAX)
		rs->step[rs->nstep++] = va;
	return true;
}

bool resident_trace_done(struct proc *p)
{
	struct resident *rs = p->rs;
	if (!rs || rs->nstep == 0)
		return false;
	for (int i = 0; i < rs->nstep; i++)
		uvm_set_user(p->vm, rs->step[i], false);
	rs->nstep = 0;
	return true;
}

void resident_forget(struct proc *p, uint32_t start, uint32_t end)
{
	struct resident *rs = p->rs;
	if (!rs)
		return;
	bool on = irq_save();
	for (uint32_t i = 0; i < rs->v.count;) {
		uint32_t va = va_of(rs, vmp_at(&rs->v, i)->page);
		if (va >= start && va < end)
			vmp_remove(&rs->v, i);
		else
			i++;
	}
	irq_restore(on);
}

int resident_fork(struct proc *child, struct proc *parent)
{
	struct resident *ps = parent->rs, *cs;
	vmp_page_t *future = NULL;
	if (!ps)
		return 0;
	if (ps->future) {
		future = kmalloc(ps->v.p.future_len * sizeof(*future));
		if (!future)
			return -ENOMEM;
		memcpy(future, ps->future,
		       ps->v.p.future_len * sizeof(*future));
	}
	cs = kmalloc(sizeof(*cs));
	struct vmp_frame *f = kcalloc(ps->alloc, sizeof(*f));
	struct pyrandom *rng = ps->rng ? kmalloc(sizeof(*rng)) : NULL;
	if (!cs || !f || (ps->rng && !rng)) {
		kfree(cs);
		kfree(f);
		kfree(rng);
		kfree(future);
		return -ENOMEM;
	}
	bool on = irq_save();
	*cs = *ps;
	memcpy(f, ps->frames, ps->alloc * sizeof(*f)); /* the ring, as is */
	cs->frames = cs->v.frames = f;
	cs->future = future;
	cs->v.p.future = future;
	if (rng)
		*rng = *ps->rng;
	cs->rng = rng;
	cs->v.p.rng = rng;
	cs->trace = false; /* the child's hidden pages are unhidden */
	cs->nstep = 0;
	cs->inflight = 0;
	cs->pin_lo = cs->pin_hi = 0;
	wq_init(&cs->idle);
	irq_restore(on);
	child->rs = cs;
	return 0;
}

void resident_exit(struct proc *p)
{
	struct resident *rs = p->rs;
	if (!rs)
		return;
	bool on = irq_save();
	while (rs->inflight > 0)
		wq_block(&rs->idle);
	p->rs = NULL;
	irq_restore(on);
	rs_free(rs);
}

void resident_pin(struct proc *p, uint32_t lo, uint32_t hi)
{
	struct resident *rs = p->rs;
	if (!rs)
		return;
	if (lo >= hi) {
		rs->pin_lo = rs->pin_hi = 0;
	} else if (rs->pin_lo >= rs->pin_hi) {
		rs->pin_lo = lo;
		rs->pin_hi = hi;
	} else {
		if (lo < rs->pin_lo)
			rs->pin_lo = lo;
		if (hi > rs->pin_hi)
			rs->pin_hi = hi;
	}
}

static const char *check_req(const struct keel_vm_limit_req *r)
{
	if (r->frames > RS_MAX_FRAMES)
		return "frames";
	if (r->policy < -1 || r->policy >= VMP_NKINDS)
		return "policy";
	if (r->flags & ~KEEL_VM_TRACE)
		return "flags";
	if ((r->lo & (PAGE_SIZE - 1)) || (r->pages && r->lo < USER_LO) ||
	    r->lo >= USER_HI || r->pages > (USER_HI - r->lo) / PAGE_SIZE)
		return "region";
	if ((r->flags & KEEL_VM_TRACE) && (!r->pages || !r->frames))
		return "trace needs a region and a limit";
	if (r->future_len > KEEL_VM_FUTURE_MAX)
		return "future";
	return NULL;
}

/* The pages of the old set that the new one manages move over in the
 * old set's order; if they are too many, the new policy evicts. */
static int migrate(struct proc *p, struct resident *old, struct resident *rs)
{
	for (uint32_t i = 0; old && i < old->v.count; i++) {
		uint32_t va = va_of(old, vmp_at(&old->v, i)->page);
		if (!managed(rs, va) || !(uvm_pte(p->vm, va) & PTE_PRESENT))
			continue;
		if (vmp_full(&rs->v) && (rs->limit || !rs_grow(rs))) {
			int rc = evict_one(p, rs);
			if (rc < 0)
				return rc;
		}
		resident_note(p, va);
	}
	return 0;
}

int resident_set_limit(struct proc *p, const struct keel_vm_limit_req *r)
{
	struct resident *old, *rs;
	vmp_page_t *future = NULL;
	int rc;
	if (check_req(r))
		return -EINVAL;
	if (r->future_len) {
		future = kmalloc(r->future_len * sizeof(*future));
		if (!future)
			return -ENOMEM;
		rc = copy_from_user(future, r->future,
				    r->future_len * sizeof(*future));
		if (rc < 0) {
			kfree(future);
			return rc;
		}
	}
	rs = rs_new(r, future);
	if (!rs) {
		kfree(future);
		return -ENOMEM;
	}
	old = p->rs;
	p->rs = NULL;
	rc = 0;
	if (old) {
		p->rs = rs; /* resident_note and evict_one use p->rs */
		rc = migrate(p, old, rs);
		p->rs = old;
		resident_exit(p);
	}
	p->rs = rs;
	return rc;
}

int resident_trace_report(struct proc *p, uint32_t *buf, uint32_t max)
{
	struct resident *rs = p->rs;
	uint32_t n;
	if (max < 4)
		return -EINVAL;
	if (!rs)
		return -ENOENT;
	bool on = irq_save();
	buf[0] = (uint32_t)rs->refs;
	buf[1] = rs->last_hit;
	buf[2] = (uint32_t)rs->last_victim;
	buf[3] = rs->v.count;
	for (n = 0; n < rs->v.count && 4 + n < max; n++)
		buf[4 + n] = vmp_at(&rs->v, n)->page;
	irq_restore(on);
	return (int)n;
}

uint32_t resident_count(struct proc *p)
{
	return p->rs ? p->rs->v.count : 0;
}

/* The tick: the running process's accessed and dirty bits go to its
 * policy (not in trace mode: there every reference was counted). */
static TRAP_CALL void resident_tick(uint64_t now, struct trap_frame *tf)
{
	struct proc *p;
	struct resident *rs;
	(void)now;
	(void)tf;
	if (!task_current() || !(p = proc_current()) || !(rs = p->rs) ||
	    rs->trace || p->state != PROC_ALIVE)
		return;
	rs->vtime++;
	vmp_set_now(&rs->v, rs->vtime);
	/* From the end: an LRU hit moves its page to the end, past the
	 * pages still to be looked at. */
	for (uint32_t i = rs->v.count; i-- > 0;) {
		uint32_t pte = uvm_test_clear_accessed(
		    p->vm, va_of(rs, vmp_at(&rs->v, i)->page));
		if (pte & PTE_ACCESSED)
			vmp_access(&rs->v, i,
				   VMP_R | ((pte & PTE_DIRTY) ? VMP_M : 0));
	}
	vmp_tick(&rs->v);
}

void resident_init(void)
{
	const char *pol = cmdline_str("vm.policy");
	resident_default_frames =
	    cmdline_uint("vm.frames", 0, 0, RS_MAX_FRAMES);
	if (pol) {
		int k = vmp_kind_of(pol);
		if (k < 0)
			cmdline_warn("vm.policy",
				     "vm.policy=%s: no such policy (fifo, "
				     "second-chance, clock-hand, clock, lru, "
				     "nru, aging, working-set, wsclock, "
				     "random, opt, mru, unopt); keeping %s",
				     pol, vmp_name(resident_default_policy));
		else
			resident_default_policy = (enum vmp_kind)k;
	}
	if (resident_default_frames || pol)
		kprintf("vm: resident limit %u frames (0: none), policy %s\n",
			resident_default_frames,
			vmp_name(resident_default_policy));
	time_add_tick_hook(resident_tick);
}
