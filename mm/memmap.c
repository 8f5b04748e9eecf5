/*
 * memmap: normalising the multiboot memory map.  See memmap.h.
 *
 * The method, in frame units after rounding each entry (usable inward,
 * reserved outward):
 *   1. insert every usable range into a sorted array, merging ranges that
 *      overlap or touch;
 *   2. subtract every non-usable range from that array (a subtraction can
 *      remove, trim or split a range), so the entries' order never matters
 *      and reserved always wins;
 *   3. copy the result into the caller's buffer.
 * When the work array or the caller's buffer is full, the range with the
 * highest addresses is the one dropped.
 */
#include "mm/memmap.h"

#include <stdbool.h>

/* The multiboot mem_upper field counts RAM from 1 MiB up. */
#define MEMMAP_UPPER_BASE 0x100000u
#define MEMMAP_KIB	  1024u

struct memmap_work {
	struct memmap_range r[MEMMAP_WORK_RANGES];
	uint32_t n;
	uint32_t dropped_ranges;
	uint32_t dropped_frames;
};

/* The end of an entry, clipped at MEMMAP_LIMIT (and safe from overflow). */
static uint64_t entry_top(const struct memmap_entry *e)
{
	uint64_t top = e->base + e->len;

	if (top < e->base || top > MEMMAP_LIMIT)
		top = MEMMAP_LIMIT;
	return top;
}

/* Whole frames inside a usable entry (shrunk inward); false if none. */
static bool usable_frames(const struct memmap_entry *e, uint32_t *first,
			  uint32_t *end)
{
	uint64_t top = entry_top(e);
	uint64_t lo = (e->base + MEMMAP_FRAME_SIZE - 1) >> MEMMAP_FRAME_SHIFT;
	uint64_t hi = top >> MEMMAP_FRAME_SHIFT;

	if (e->len == 0 || e->base >= MEMMAP_LIMIT || lo >= hi)
		return false;
	*first = (uint32_t)lo;
	*end = (uint32_t)hi;
	return true;
}

/* Every frame a reserved entry touches (grown outward); false if none. */
static bool reserved_frames(const struct memmap_entry *e, uint32_t *first,
			    uint32_t *end)
{
	uint64_t top = entry_top(e);

	if (e->len == 0 || e->base >= MEMMAP_LIMIT)
		return false;
	*first = (uint32_t)(e->base >> MEMMAP_FRAME_SHIFT);
	*end = (uint32_t)((top + MEMMAP_FRAME_SIZE - 1) >> MEMMAP_FRAME_SHIFT);
	return true;
}

static void work_remove(struct memmap_work *w, uint32_t i)
{
	for (; i + 1 < w->n; i++)
		w->r[i] = w->r[i + 1];
	w->n--;
}

/* Opens a slot at index i (i <= n < MEMMAP_WORK_RANGES). */
static void work_open(struct memmap_work *w, uint32_t i)
{
	uint32_t j;

	for (j = w->n; j > i; j--)
		w->r[j] = w->r[j - 1];
	w->n++;
}

static void count_dropped(struct memmap_work *w, uint32_t first, uint32_t end)
{
	w->dropped_ranges++;
	w->dropped_frames += end - first;
}

/* Drops the highest range to make room for one more. */
static void work_drop_last(struct memmap_work *w)
{
	struct memmap_range *last = &w->r[w->n - 1];

	count_dropped(w, last->first, last->end);
	w->n--;
}

/* Merges range i with the ranges after it that it now overlaps or touches. */
static void work_merge_forward(struct memmap_work *w, uint32_t i)
{
	while (i + 1 < w->n && w->r[i + 1].first <= w->r[i].end) {
		if (w->r[i + 1].end > w->r[i].end)
			w->r[i].end = w->r[i + 1].end;
		work_remove(w, i + 1);
	}
}

/* Step 1: insert [first, end), keeping the array sorted and merged. */
static void work_add(struct memmap_work *w, uint32_t first, uint32_t end)
{
	uint32_t i = 0;

	while (i < w->n && w->r[i].end < first)
		i++;
	if (i < w->n && w->r[i].first <= end) {
		if (first < w->r[i].first)
			w->r[i].first = first;
		if (end > w->r[i].end)
			w->r[i].end = end;
		work_merge_forward(w, i);
		return;
	}
	if (w->n == MEMMAP_WORK_RANGES) {
		if (i == w->n) {
			count_dropped(w, first, end);
			return;
		}
		work_drop_last(w);
	}
	work_open(w, i);
	w->r[i].first = first;
	w->r[i].end = end;
}

/* Splits range i around the hole [hole, hole_end) strictly inside it. */
static void work_split(struct memmap_work *w, uint32_t i, uint32_t hole,
		       uint32_t hole_end)
{
	uint32_t top = w->r[i].end;

	w->r[i].end = hole;
	if (w->n == MEMMAP_WORK_RANGES) {
		if (i + 1 == w->n) {
			uint32_t above = hole_end; /* [above, top) is dropped */
			count_dropped(w, above, top);
			return;
		}
		work_drop_last(w);
	}
	work_open(w, i + 1);
	w->r[i + 1].first = hole_end;
	w->r[i + 1].end = top;
}

/* Step 2: remove [first, end) from every range it touches. */
static void work_subtract(struct memmap_work *w, uint32_t first, uint32_t end)
{
	uint32_t i = 0;

	while (i < w->n) {
		struct memmap_range *r = &w->r[i];

		if (r->end <= first || r->first >= end) {
			i++;
		} else if (r->first >= first && r->end <= end) {
			work_remove(w, i);
		} else if (r->first < first && r->end > end) {
			work_split(w, i, first, end);
			return;
		} else {
			if (r->first < first)
				r->end = first;
			else
				r->first = end;
			i++;
		}
	}
}

/* Step 3: copy what fits into the caller's buffer and fill in *res. */
static int work_output(struct memmap_work *w, struct memmap_range *out,
		       uint32_t cap, struct memmap_result *res)
{
	uint32_t i;

	while (w->n > cap)
		work_drop_last(w);
	res->nranges = w->n;
	res->usable_frames = 0;
	res->highest_frame = w->n ? w->r[w->n - 1].end - 1 : 0;
	res->dropped_ranges = w->dropped_ranges;
	res->dropped_frames = w->dropped_frames;
	for (i = 0; i < w->n; i++) {
		out[i] = w->r[i];
		res->usable_frames += w->r[i].end - w->r[i].first;
	}
	if (w->n == 0)
		return MEMMAP_ENOUSABLE;
	return w->dropped_ranges ? MEMMAP_ETRUNCATED : MEMMAP_OK;
}

int memmap_normalise(const struct memmap_entry *in, uint32_t n,
		     struct memmap_range *out, uint32_t cap,
		     struct memmap_result *res)
{
	struct memmap_work w;
	uint32_t i, first, end;

	w.n = 0;
	w.dropped_ranges = 0;
	w.dropped_frames = 0;
	for (i = 0; i < n; i++)
		if (in[i].type == MEMMAP_TYPE_USABLE &&
		    usable_frames(&in[i], &first, &end))
			work_add(&w, first, end);
	for (i = 0; i < n; i++)
		if (in[i].type != MEMMAP_TYPE_USABLE &&
		    reserved_frames(&in[i], &first, &end))
			work_subtract(&w, first, end);
	return work_output(&w, out, cap, res);
}

int memmap_from_mem_fields(uint32_t mem_lower_kib, uint32_t mem_upper_kib,
			   struct memmap_range *out, uint32_t cap,
			   struct memmap_result *res)
{
	struct memmap_entry e[2] = {
	    {0, (uint64_t)mem_lower_kib * MEMMAP_KIB, MEMMAP_TYPE_USABLE},
	    {MEMMAP_UPPER_BASE, (uint64_t)mem_upper_kib * MEMMAP_KIB,
	     MEMMAP_TYPE_USABLE},
	};

	return memmap_normalise(e, 2, out, cap, res);
}

const char *memmap_type_name(uint32_t type)
{
	switch (type) {
	case MEMMAP_TYPE_USABLE:
		return "usable";
	case MEMMAP_TYPE_RESERVED:
		return "reserved";
	case MEMMAP_TYPE_ACPI_RECLAIMABLE:
		return "ACPI reclaimable";
	case MEMMAP_TYPE_ACPI_NVS:
		return "ACPI NVS";
	case MEMMAP_TYPE_BAD:
		return "bad RAM";
	default:
		return "unknown (reserved)";
	}
}
