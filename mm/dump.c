/*
 * dump — print the memory map, the frame bitmap and the heap's blocks as
 * MEMDUMP lines (see dump.h for the format and the guarantees).
 *
 * The work is in two halves.  The snapshot walks the frame pool and the
 * heap with interrupts off, so no thread allocates or frees in the middle
 * of the walk, and merges what it sees into two small static tables (run-
 * length encoding: a run of frames, or of heap blocks, in one state is one
 * entry).  The printing happens afterwards with interrupts back on, because
 * at 115200 baud five hundred lines take about two seconds, far too long
 * to keep the timer waiting.
 */
#include "mm/dump.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch/layout.h"
#include "arch/x86.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "mm/frame.h"
#include "mm/frame_pool.h"
#include "mm/heap.h"
#include "mm/kheap.h"

enum frame_state { FS_FREE, FS_ALLOCATED, FS_RESERVED, FS_KERNEL, FS_MIXED };

static const char *const frame_state_names[] = {
    [FS_FREE] = "free",		[FS_ALLOCATED] = "allocated",
    [FS_RESERVED] = "reserved", [FS_KERNEL] = "kernel",
    [FS_MIXED] = "mixed",
};

struct frame_run {
	uint32_t first, count;
	enum frame_state state;
};

struct heap_run {
	uintptr_t addr;
	uint32_t size, count;
	char state; /* 'A', 'F', 'Q' or 'M' */
};

/* The snapshot, filled with interrupts off and printed after. */
static struct {
	struct frame_run frames[MM_DUMP_FRAME_RUNS];
	uint32_t nframes;
	uint32_t total, free, reserved, allocated;
	uint32_t kernel_start, kernel_end; /* physical */
	struct heap_run heap[MM_DUMP_HEAP_LINES];
	uint32_t nheap;
	uintptr_t heap_start, heap_end;
} snap;

static bool busy; /* a dump is between its snapshot and its last line */

/* ------------------------------------------------------------ frames -- */

static enum frame_state frame_state(const struct frame_pool *p, uint32_t f)
{
	uint32_t pa = frame_pool_addr(f);
	if (frame_pool_is_free(p, f))
		return FS_FREE;
	if (!frame_pool_is_reserved(p, f))
		return FS_ALLOCATED;
	if (pa >= snap.kernel_start && pa < snap.kernel_end)
		return FS_KERNEL;
	return FS_RESERVED;
}

/*
 * Extends the last run with frame f or starts a new one.  Once the table is
 * full, the last run turns into a "mixed" run that absorbs every frame to
 * the end: the picture stays complete, only coarser at the top.
 */
static void add_frame(uint32_t f, enum frame_state s)
{
	struct frame_run *last =
	    snap.nframes ? &snap.frames[snap.nframes - 1] : NULL;
	if (last && (last->state == s || last->state == FS_MIXED)) {
		last->count++;
		return;
	}
	if (snap.nframes == MM_DUMP_FRAME_RUNS) {
		last->state = FS_MIXED;
		last->count++;
		return;
	}
	snap.frames[snap.nframes++] = (struct frame_run){f, 1, s};
}

static void snapshot_frames(void)
{
	const struct frame_pool *p = frame_pool_get();
	snap.kernel_start = KERNEL_LOAD;
	snap.kernel_end = PAGE_ALIGN_UP(KPHYS(__kernel_end));
	snap.nframes = 0;
	for (uint32_t f = 0; f < p->nframes; f++)
		add_frame(f, frame_state(p, f));
	snap.total = p->total;
	snap.free = p->free;
	snap.reserved = p->reserved;
	snap.allocated = frame_pool_allocated(p);
}

/* -------------------------------------------------------------- heap -- */

static char block_state(const struct heap_block_info *b)
{
	if (b->cached)
		return 'Q';
	return b->allocated ? 'A' : 'F';
}

/*
 * One block into the table.  `merge` joins it to the last entry when that
 * is in the same state; a full table makes the last entry 'M' (mixed), as
 * for the frames.  heap_walk only reads the heap, and nothing here calls
 * anything that allocates.
 */
static void add_block(const struct heap_block_info *b, bool merge)
{
	char s = block_state(b);
	struct heap_run *last = snap.nheap ? &snap.heap[snap.nheap - 1] : NULL;
	if (last && (last->state == 'M' || (merge && last->state == s))) {
		last->size += b->size;
		last->count++;
		return;
	}
	if (snap.nheap == MM_DUMP_HEAP_LINES) {
		last->state = 'M';
		last->size += b->size;
		last->count++;
		return;
	}
	snap.heap[snap.nheap++] =
	    (struct heap_run){b->addr, (uint32_t)b->size, 1, s};
}

static void snapshot_heap(void)
{
	const struct heap *h = kheap_get();
	struct heap_block_info b;
	uintptr_t cursor = 0;
	uint32_t blocks = 0;
	bool merge;

	while (heap_walk(h, &cursor, &b))
		blocks++;
	merge = blocks > MM_DUMP_HEAP_LINES; /* one line a block if they fit */
	snap.nheap = 0;
	cursor = 0;
	while (heap_walk(h, &cursor, &b))
		add_block(&b, merge);
	snap.heap_start = h->start;
	snap.heap_end = h->end;
}

/* ---------------------------------------------------------- printing -- */

static void print_map(void)
{
	for (uint32_t i = 0; i < bootinfo.mmap_count; i++)
		kprintf("MEMDUMP map 0x%llx 0x%llx %u\n", bootinfo.mmap[i].base,
			bootinfo.mmap[i].len, bootinfo.mmap[i].type);
}

static void print_frames(void)
{
	kprintf("MEMDUMP kernel 0x%08x 0x%08x\n", snap.kernel_start,
		snap.kernel_end);
	for (uint32_t i = 0; i < snap.nframes; i++)
		kprintf("MEMDUMP frames %u %u %s\n", snap.frames[i].first,
			snap.frames[i].count,
			frame_state_names[snap.frames[i].state]);
	kprintf("MEMDUMP totals %u %u %u %u\n", snap.total, snap.free,
		snap.allocated, snap.reserved);
}

static void print_heap(void)
{
	kprintf("MEMDUMP heaprange 0x%08x 0x%08x\n", (uint32_t)snap.heap_start,
		(uint32_t)snap.heap_end);
	for (uint32_t i = 0; i < snap.nheap; i++)
		kprintf("MEMDUMP heap 0x%08x %u %c %u\n",
			(uint32_t)snap.heap[i].addr, snap.heap[i].size,
			snap.heap[i].state, snap.heap[i].count);
}

void mm_dump(void)
{
	bool on = irq_save();
	if (busy) {
		irq_restore(on);
		kprintf("mm_dump: another dump is being printed; try again\n");
		return;
	}
	busy = true;
	snapshot_frames();
	snapshot_heap();
	irq_restore(on);
	kprintf("MEMDUMP begin\n");
	print_map();
	print_frames();
	print_heap();
	kprintf("MEMDUMP end\n");
	busy = false;
}
