/*
 * vmpolicy: the page-replacement policies of the source notes behind one
 * interface (002_a995ac13012f81cc.txt "页面置换算法": OPT, NRU, FIFO,
 * second chance, clock, LRU, aging, working set, WSClock; 001_…
 * "页面置换算法"; OSTEP's chapter 22 and its simulator paging-policy.py).
 * Pure: no hardware, no kernel globals, no libc, no allocation; only lib/.
 * Compiled into the kernel (for its swap code, later) and into the host's
 * tools/paging-sim and tests.
 *
 * The model is "memory as a cache of pages" (OSTEP ch. 22): a resident set
 * of at most `capacity` pages, kept in an array in the policy's own order
 * (the order paging-policy.py prints: its Python list `memory`).  The
 * caller owns the storage and tells the policy what happens:
 *
 *   vmp_find     is the page resident?  its index, or -1
 *   vmp_access   the resident page at idx was used (a hit); bits are what
 *                the kernel read from the PTE: VMP_R (accessed) and VMP_M
 *                (dirty).  A simulator calls it on every hit; the kernel
 *                can call it when it scans the accessed bits.
 *   vmp_tick     a clock interrupt: NRU clears R bits, aging shifts them
 *                into its counters, working set stamps the pages used
 *                since the last tick.  The other policies ignore it.
 *   vmp_set_now  the virtual time: the index of the current reference in
 *                the reference string (OPT, UNOPT) or the process's virtual
 *                time (working set, WSClock).
 *   vmp_pick     a page must go: the index of the victim, or VMP_EEMPTY.
 *                It may change the policy's state (clock bits, the hand,
 *                second chance's list order) but leaves the page resident.
 *   vmp_remove   the page at idx leaves (the victim after its write-back,
 *                or a page unmapped by its process).
 *   vmp_insert   a page faulted in (there must be room); its index.
 *
 * One reference, for the simulator and the kernel alike:
 *   i = vmp_find(p); if (i >= 0) vmp_access(i, bits);
 *   else { if (full) vmp_remove(vmp_pick()); vmp_insert(p, bits); }
 *
 * The policies, what each needs and what each approximates:
 *
 *   OSTEP's seven, exactly as paging-policy.py behaves (same victims, same
 *   list order, the same draws from Python's random via lib/pyrandom):
 *   fifo      evict the page loaded first (list head)
 *   lru       a hit moves the page to the tail; evict the head (exact LRU,
 *             possible only where every access is seen)
 *   mru       as lru, but evict the tail
 *   opt       Belady's optimal: evict the page used furthest in the future
 *             (needs the reference string: params.future; ties go to the
 *             rightmost page, never-used-again counts as "at the end")
 *   unopt     the pessimal opposite: evict the page used soonest (ties:
 *             the leftmost)
 *   rand      evict memory[int(random() * count)]
 *   clock     OSTEP's clock: each page has a counter (1 when loaded, +1
 *             per use, at most params.clockbits: OSTEP's -b); the "hand"
 *             lands on random pages, decrementing counters, until one is
 *             0.  It approximates LRU with a few bits of history.
 *
 *   The textbook's (Modern Operating Systems §3.4, the notes 002_…):
 *   second-chance  FIFO, but a page with R set is moved to the tail with R
 *             cleared (approximates LRU with one bit; FIFO if all R are set)
 *   clock-hand  the same victims as second chance, without moving pages: a
 *             hand sweeps a circle of frames, clearing R; a new page takes
 *             the victim's place, just behind the hand
 *   nru       classes 2R+M (0: not used, clean ... 3: used, dirty); evict a
 *             page of the lowest non-empty class, at random (params.rng;
 *             without one, the first in list order).  R is cleared at every
 *             tick.  A coarse LRU that prefers clean pages.
 *   aging     a counter of params.aging_bits (1..32) per page; at each tick
 *             it shifts right and R enters at the top.  Evict the smallest
 *             (R set since the last tick counts above every counter; ties:
 *             the oldest loaded).  LRU approximated in software, with
 *             aging_bits ticks of memory.
 *   working-set  evict a page outside the working set: R clear and last
 *             used more than params.tau (virtual time) ago; else the page
 *             with R clear used longest ago; if all have R set, the first
 *             clean page (the book says "at random, preferably clean"; this
 *             one is deterministic), else the head.  Approximates keeping
 *             w(k, t), the pages of the last tau of virtual time.
 *   wsclock   the working-set rule on clock-hand's circle: R set: clear,
 *             stamp, advance; old and clean: the victim; old and dirty:
 *             schedule its write (params.write_back, the dirty bit is then
 *             clear: the caller feeds VMP_M again if the page is written)
 *             and advance.  After a full circle: with writes scheduled, the
 *             first old clean page; else the first clean page; else the
 *             page under the hand.
 *
 * Costs of vmp_pick (n resident pages): fifo, lru, mru, rand O(1); opt,
 * unopt O(n * future); clock O(clockbits * n) draws expected; clock-hand
 * and second chance O(1) amortised (each look at a referenced page clears
 * an R bit some use set); nru, aging, working-set O(n); wsclock O(n) worst.
 *
 * The resident set is a ring over the caller's array: logical index i (the
 * list order above, what vmp_at(v, i) returns) lives at frames[(head + i)
 * mod capacity].  So the list operations a fault makes often are O(1):
 * removing the head (fifo's victim, second chance's), appending at the
 * tail, and second chance's "move the head to the tail" (copy it behind the
 * tail and advance head; with the ring full, only head moves: the ring
 * turns under a fixed hand, which is exactly the clock).  A removal or
 * insertion elsewhere (an LRU hit, a victim mid-list, clock-hand's insert
 * behind the hand) shifts the shorter side: O(min(i, n - i)).
 *
 * Concurrency: none here; the kernel calls these with its VM lock held.
 */
#ifndef KEEL_MM_VMPOLICY_H
#define KEEL_MM_VMPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pyrandom;

typedef uint32_t vmp_page_t; /* a virtual page number, or any page id */

enum vmp_kind {
	/* OSTEP's paging-policy.py */
	VMP_FIFO,
	VMP_LRU,
	VMP_MRU,
	VMP_OPT,
	VMP_UNOPT,
	VMP_RAND,
	VMP_CLOCK,
	/* the textbook's */
	VMP_SECOND_CHANCE,
	VMP_CLOCK_HAND,
	VMP_NRU,
	VMP_AGING,
	VMP_WORKING_SET,
	VMP_WSCLOCK,
	VMP_NKINDS
};

/* The page-table bits the kernel feeds in (its PTE's A and D bits). */
#define VMP_R 1u /* referenced (accessed) since last cleared */
#define VMP_M 2u /* modified (dirty): eviction needs a write-back */

#define VMP_OK	   0
#define VMP_EEMPTY (-1) /* no resident page to pick */
#define VMP_EINVAL (-2) /* bad parameters */
#define VMP_EFULL  (-3) /* insert without room */

#define VMP_AGING_BITS_DEFAULT 8u  /* eight ticks of history (MOS fig. 3-17) */
#define VMP_TAU_DEFAULT	       10u /* working-set window, in virtual time */

struct vmp_frame {
	vmp_page_t page;
	uint32_t bits; /* VMP_R | VMP_M */
	int64_t ref;   /* clock: OSTEP's ref[page]; aging: the counter */
	uint64_t last; /* working set, wsclock: virtual time of last use */
};

struct vmp_params {
	enum vmp_kind kind;
	uint32_t capacity;	  /* frames: the most pages resident at once */
	int64_t clockbits;	  /* clock: the counter's ceiling (OSTEP -b) */
	uint32_t aging_bits;	  /* aging: counter width, 1..32 */
	uint64_t tau;		  /* working set, wsclock: the window */
	struct pyrandom *rng;	  /* rand, clock (required); nru (optional) */
	const vmp_page_t *future; /* opt, unopt: the whole reference string */
	size_t future_len;
	/* wsclock: start writing a dirty page back (may be NULL). */
	void (*write_back)(void *ctx, vmp_page_t page);
	void *ctx;
};

struct vmp {
	struct vmp_params p;
	struct vmp_frame *frames; /* the ring: see vmp_at */
	uint32_t head;		  /* frames[head] is logical index 0 */
	uint32_t count;
	uint32_t hand;	 /* clock-hand, wsclock: the next frame examined */
	uint64_t now;	 /* see vmp_set_now */
	uint64_t scans;	 /* frames examined by pick (for benchmarks) */
	uint64_t writes; /* wsclock: write-backs scheduled */
};

/* "fifo", "second-chance", ... (the names of vm.policy=); NULL if none. */
const char *vmp_name(enum vmp_kind kind);
/* The kind named s, or -1. */
int vmp_kind_of(const char *s);
/* NULL if p is usable, else what is wrong with it. */
const char *vmp_params_check(const struct vmp_params *p);
/* frames: p->capacity entries of the caller's.  VMP_OK or VMP_EINVAL. */
int vmp_init(struct vmp *v, const struct vmp_params *p,
	     struct vmp_frame *frames);

/* The resident page at logical index i < count, in the policy's order. */
static inline struct vmp_frame *vmp_at(const struct vmp *v, uint32_t i)
{
	uint32_t j = v->head + i;

	return &v->frames[j >= v->p.capacity ? j - v->p.capacity : j];
}

int vmp_find(const struct vmp *v, vmp_page_t page);
static inline bool vmp_full(const struct vmp *v)
{
	return v->count >= v->p.capacity;
}
void vmp_access(struct vmp *v, uint32_t idx, uint32_t bits);
void vmp_tick(struct vmp *v);
void vmp_set_now(struct vmp *v, uint64_t now);
int vmp_pick(struct vmp *v);
void vmp_remove(struct vmp *v, uint32_t idx);
int vmp_insert(struct vmp *v, vmp_page_t page, uint32_t bits);

#endif
