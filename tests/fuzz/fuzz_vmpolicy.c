/*
 * Fuzz target: mm/vmpolicy*, every page-replacement policy, against the
 * rules every one must keep and the ones only some do.
 *
 * The input gives a capacity (1..12 frames), a seed, a window tau, aging
 * bits, clock bits, and a reference string of up to 96 references to pages
 * 0..15, each with its R/M bits, with clock ticks and unmaps (a page
 * removed by its process) mixed in.  Every policy runs the same string;
 * after every step:
 *   - the resident pages are distinct, at most the capacity, and the same
 *     set as a model's: a hit changes nothing, a fault adds the page and,
 *     when full, drops exactly the picked victim;
 *   - the hand (clock-hand, wsclock) is inside the resident set;
 *   - fifo, lru and mru keep the exact order their rule gives (a model
 *     list);
 * and at the end, over the string without unmaps:
 *   - no policy faults less than opt (Belady's MIN is optimal);
 *   - lru and opt are stack algorithms: one more frame never faults more
 *     (fifo may: Belady's anomaly).
 */
#include <string.h>

#include "lib/pyrandom.h"
#include "mm/vmpolicy.h"
#include "tests/fuzz/fuzz.h"

#define VF_MAXREF 96
#define VF_PAGES  16
#define VF_FRAMES 13 /* capacity + 1 for the stack check */

enum { OP_REF, OP_TICK, OP_UNMAP };

struct vf_input {
	uint32_t cap, aging_bits;
	int64_t clockbits;
	uint64_t tau, seed;
	int n;
	uint8_t op[VF_MAXREF], bits[VF_MAXREF];
	vmp_page_t page[VF_MAXREF];
	bool unmaps;
};

static void vf_decode(struct fz *in, struct vf_input *x)
{
	memset(x, 0, sizeof *x);
	x->cap = 1 + fz_below(in, VF_FRAMES - 1);
	x->seed = fz_u8(in);
	x->tau = fz_below(in, 20);
	x->aging_bits = 1 + fz_below(in, 32);
	x->clockbits = (int64_t)fz_below(in, 5) - 1;
	while (fz_more(in) && x->n < VF_MAXREF) {
		uint8_t b = fz_u8(in);
		x->op[x->n] = b >= 0xf0	  ? OP_TICK
			      : b >= 0xe8 ? OP_UNMAP
					  : OP_REF;
		x->page[x->n] = b % VF_PAGES;
		x->bits[x->n] = (b >> 4) & (VMP_R | VMP_M);
		x->unmaps |= x->op[x->n] == OP_UNMAP;
		x->n++;
	}
}

static void vf_check_set(const struct vmp *v, const bool *model, int kind)
{
	bool seen[VF_PAGES] = {false};
	uint32_t n = 0;

	FZ_CHECK(v->count <= v->p.capacity, "%d: %u pages in %u frames", kind,
		 v->count, v->p.capacity);
	for (uint32_t i = 0; i < v->count; i++) {
		vmp_page_t p = vmp_at(v, i)->page;
		FZ_CHECK(p < VF_PAGES && !seen[p], "%d: page %u twice", kind,
			 p);
		seen[p] = true;
		FZ_CHECK(model[p], "%d: page %u should not be resident", kind,
			 p);
	}
	for (int p = 0; p < VF_PAGES; p++)
		n += model[p];
	FZ_CHECK(n == v->count, "%d: %u resident, model %u", kind, v->count, n);
	FZ_CHECK(v->count == 0 ? v->hand == 0 : v->hand < v->count,
		 "%d: hand %u of %u", kind, v->hand, v->count);
}

/* The model list of fifo, lru, mru: head first. */
struct vf_list {
	vmp_page_t p[VF_FRAMES];
	uint32_t n;
};

static void list_remove(struct vf_list *l, vmp_page_t page)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->p[i] == page) {
			memmove(&l->p[i], &l->p[i + 1],
				(l->n - i - 1) * sizeof l->p[0]);
			l->n--;
			return;
		}
}

static void vf_check_list(const struct vmp *v, const struct vf_list *l)
{
	FZ_CHECK(l->n == v->count, "list %u, policy %u", l->n, v->count);
	for (uint32_t i = 0; i < l->n; i++)
		FZ_CHECK(vmp_at(v, i)->page == l->p[i],
			 "policy %d: at %u page %u, want %u", v->p.kind, i,
			 vmp_at(v, i)->page, l->p[i]);
}

static bool has_list(enum vmp_kind k)
{
	return k == VMP_FIFO || k == VMP_LRU || k == VMP_MRU;
}

/* One reference on the model list: the rule of fifo, lru and mru. */
static void list_ref(struct vf_list *l, enum vmp_kind k, vmp_page_t page,
		     uint32_t cap, bool hit)
{
	if (hit) {
		if (k != VMP_FIFO) {
			list_remove(l, page);
			l->p[l->n++] = page;
		}
		return;
	}
	if (l->n == cap)
		list_remove(l, k == VMP_MRU ? l->p[l->n - 1] : l->p[0]);
	l->p[l->n++] = page;
}

/* Runs the string under kind with cap frames; returns the faults. */
static int vf_run(const struct vf_input *x, enum vmp_kind kind, uint32_t cap)
{
	struct vmp_frame frames[VF_FRAMES];
	vmp_page_t future[VF_MAXREF];
	bool model[VF_PAGES] = {false};
	struct pyrandom g = {0};
	struct vf_list list = {.n = 0};
	struct vmp v;
	int faults = 0;
	struct vmp_params p = {.kind = kind,
			       .capacity = cap,
			       .clockbits = x->clockbits,
			       .aging_bits = x->aging_bits,
			       .tau = x->tau,
			       .rng = &g,
			       .future = future,
			       .future_len = (size_t)x->n};

	for (int i = 0; i < x->n; i++) /* ticks and unmaps never match */
		future[i] = x->op[i] == OP_REF ? x->page[i] : VF_PAGES;
	pyrandom_seed(&g, (int64_t)x->seed);
	FZ_CHECK(vmp_init(&v, &p, frames) == VMP_OK, "init %d", kind);
	for (int t = 0; t < x->n; t++) {
		vmp_page_t page = x->page[t];
		int i = vmp_find(&v, page);
		vmp_set_now(&v, (uint64_t)t);
		if (x->op[t] == OP_TICK) {
			vmp_tick(&v);
		} else if (x->op[t] == OP_UNMAP) {
			if (i >= 0) {
				vmp_remove(&v, (uint32_t)i);
				model[page] = false;
				list_remove(&list, page);
			}
		} else if (i >= 0) {
			vmp_access(&v, (uint32_t)i, x->bits[t]);
			if (has_list(kind))
				list_ref(&list, kind, page, cap, true);
		} else {
			faults++;
			if (vmp_full(&v)) {
				int victim = vmp_pick(&v);
				FZ_CHECK(victim >= 0 &&
					     (uint32_t)victim < v.count,
					 "%d: victim %d", kind, victim);
				model[vmp_at(&v, victim)->page] = false;
				vmp_remove(&v, (uint32_t)victim);
			}
			FZ_CHECK(vmp_insert(&v, page, x->bits[t]) >= 0,
				 "%d: insert", kind);
			model[page] = true;
			if (has_list(kind))
				list_ref(&list, kind, page, cap, false);
		}
		vf_check_set(&v, model, kind);
		if (has_list(kind))
			vf_check_list(&v, &list);
	}
	return faults;
}

static int fuzz_vmpolicy(const uint8_t *data, size_t size)
{
	struct fz in = fz_init(data, size);
	struct vf_input x;
	int f[VMP_NKINDS];

	vf_decode(&in, &x);
	for (int k = 0; k < VMP_NKINDS; k++)
		f[k] = vf_run(&x, (enum vmp_kind)k, x.cap);
	if (x.unmaps)
		return 0; /* optimality holds for a plain reference string */
	for (int k = 0; k < VMP_NKINDS; k++)
		FZ_CHECK(f[k] >= f[VMP_OPT], "policy %d: %d faults, opt %d", k,
			 f[k], f[VMP_OPT]);
	FZ_CHECK(vf_run(&x, VMP_LRU, x.cap + 1) <= f[VMP_LRU],
		 "lru faults more with more frames");
	FZ_CHECK(vf_run(&x, VMP_OPT, x.cap + 1) <= f[VMP_OPT],
		 "opt faults more with more frames");
	return 0;
}

FUZZ_ENTRY(vmpolicy, fuzz_vmpolicy)
