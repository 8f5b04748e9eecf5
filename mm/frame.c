/*
 * frame — boot-time set-up of the frame bitmap and the locked wrappers
 * around the pure pool (see frame.h).
 */
#include "mm/frame.h"

#include "arch/layout.h"
#include "arch/x86.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/frame_pool.h"
#include "mm/memmap.h"

#define LOW_MEMORY_END	 0x100000u /* the first MiB stays reserved */
#define FRAME_MAP_RANGES 64

static struct frame_pool pool;
static struct memmap_range ranges[FRAME_MAP_RANGES];
static struct memmap_result map_result;
static uint32_t bitmap_pa, bitmap_bytes;

static uint32_t pa_to_frame(uint32_t pa)
{
	return pa >> PAGE_SHIFT;
}

static uint32_t frames_spanning(uint32_t start, uint32_t end)
{
	return pa_to_frame(PAGE_ALIGN_UP(end)) - pa_to_frame(start);
}

static void read_memory_map(void)
{
	struct memmap_entry in[BOOTINFO_MMAP_MAX];
	int rc;
	for (uint32_t i = 0; i < bootinfo.mmap_count; i++) {
		in[i].base = bootinfo.mmap[i].base;
		in[i].len = bootinfo.mmap[i].len;
		in[i].type = bootinfo.mmap[i].type;
	}
	if (bootinfo.has_mmap)
		rc = memmap_normalise(in, bootinfo.mmap_count, ranges,
				      FRAME_MAP_RANGES, &map_result);
	else if (bootinfo.has_mem)
		rc = memmap_from_mem_fields(bootinfo.mem_lower_kib,
					    bootinfo.mem_upper_kib, ranges,
					    FRAME_MAP_RANGES, &map_result);
	else
		panic("frame: the boot loader gave neither a memory map nor "
		      "mem_lower/mem_upper; cannot tell where RAM is");
	if (rc == MEMMAP_ENOUSABLE)
		panic("frame: the memory map has no usable RAM above 1 MiB");
	if (map_result.dropped_ranges)
		kprintf("frame: warning: %u usable ranges (%u frames) did not "
			"fit the table; unused\n",
			map_result.dropped_ranges, map_result.dropped_frames);
}

/* Whether [pa, pa + len) overlaps a range the loader's data occupies. */
static bool overlaps_boot_data(uint32_t pa, uint32_t len)
{
	for (uint32_t i = 0; i < bootinfo.nranges; i++)
		if (pa < bootinfo.ranges[i].end &&
		    bootinfo.ranges[i].start < pa + len)
			return true;
	return false;
}

/*
 * The bitmaps go in the first usable, page-aligned place above the kernel
 * that the loader's data does not occupy and that the boot mapping reaches.
 */
static uint32_t place_bitmaps(uint32_t bytes)
{
	uint32_t kernel_end = PAGE_ALIGN_UP(KPHYS(__kernel_end));
	for (uint32_t r = 0; r < map_result.nranges; r++) {
		uint32_t pa = ranges[r].first << PAGE_SHIFT;
		uint32_t end = ranges[r].end << PAGE_SHIFT;
		if (pa < kernel_end)
			pa = kernel_end;
		while (pa + bytes <= end && pa + bytes <= BOOT_MAPPED_BYTES) {
			if (!overlaps_boot_data(pa, bytes))
				return pa;
			pa += PAGE_SIZE;
		}
	}
	panic("frame: no room below %u MiB for the %u-byte frame bitmap",
	      BOOT_MAPPED_BYTES >> 20, bytes);
}

static void reserve(uint32_t start, uint32_t end)
{
	uint32_t first = pa_to_frame(start);
	if (first >= pool.nframes || end <= start)
		return;
	uint32_t count = frames_spanning(start, end);
	if (first + count > pool.nframes)
		count = pool.nframes - first;
	frame_pool_reserve_range(&pool, first, count);
}

void frame_init(void)
{
	uint32_t nframes, words;
	uint32_t *bits;

	read_memory_map();
	nframes = map_result.highest_frame + 1;
	words = FRAME_POOL_WORDS(nframes);
	bitmap_bytes = PAGE_ALIGN_UP(2 * words * sizeof(uint32_t));
	bitmap_pa = place_bitmaps(bitmap_bytes);
	bits = KVIRT(bitmap_pa);
	frame_pool_init(&pool, bits, bits + words, nframes);
	for (uint32_t r = 0; r < map_result.nranges; r++)
		frame_pool_release_range(&pool, ranges[r].first,
					 ranges[r].end - ranges[r].first);
	reserve(0, LOW_MEMORY_END);
	reserve(KERNEL_LOAD, KPHYS(__kernel_end));
	for (uint32_t i = 0; i < bootinfo.nranges; i++)
		reserve(bootinfo.ranges[i].start, bootinfo.ranges[i].end);
	reserve(bitmap_pa, bitmap_pa + bitmap_bytes);
}

uint32_t frame_alloc(void)
{
	uint32_t f;
	bool on = irq_save();
	int rc = frame_pool_alloc(&pool, &f);
	irq_restore(on);
	return rc == FRAME_OK ? f << PAGE_SHIFT : 0;
}

void frame_free(uint32_t pa)
{
	uintptr_t caller = (uintptr_t)__builtin_return_address(0);
	bool on = irq_save();
	if (pa & (PAGE_SIZE - 1))
		panic("frame_free: 0x%08x is not a frame address (caller %p)",
		      pa, (void *)caller);
	frame_pool_free(&pool, pa_to_frame(pa), caller);
	irq_restore(on);
}

uint32_t frame_alloc_contig(uint32_t count, uint32_t align_frames)
{
	uint32_t f;
	bool on = irq_save();
	int rc = frame_pool_alloc_contig(&pool, count, align_frames, &f);
	irq_restore(on);
	return rc == FRAME_OK ? f << PAGE_SHIFT : 0;
}

void frame_free_contig(uint32_t pa, uint32_t count)
{
	uintptr_t caller = (uintptr_t)__builtin_return_address(0);
	bool on = irq_save();
	frame_pool_free_contig(&pool, pa_to_frame(pa), count, caller);
	irq_restore(on);
}

uint32_t frame_total(void)
{
	return pool.total;
}

uint32_t frame_free_count(void)
{
	return pool.free;
}

uint32_t frame_reserved_count(void)
{
	return pool.reserved;
}

const struct frame_pool *frame_pool_get(void)
{
	return &pool;
}

void frame_bitmap_range(uint32_t *pa, uint32_t *bytes)
{
	*pa = bitmap_pa;
	*bytes = bitmap_bytes;
}

void frame_print_map(void)
{
	kprintf("memory map (%s):\n", bootinfo.has_mmap
					  ? "from the boot loader"
					  : "from mem_lower/mem_upper");
	/* Ends at or above 4 GiB take 9 hex digits: the columns are 9 wide
	 * so that such a line lines up with the others. */
	for (uint32_t i = 0; i < bootinfo.mmap_count; i++) {
		char lo[20], hi[20];
		fmt_snprintf(lo, sizeof(lo), "%08llx", bootinfo.mmap[i].base);
		fmt_snprintf(hi, sizeof(hi), "%08llx",
			     bootinfo.mmap[i].base + bootinfo.mmap[i].len);
		kprintf("  %9s-%-9s %-17s %llu KiB\n", lo, hi,
			memmap_type_name(bootinfo.mmap[i].type),
			bootinfo.mmap[i].len >> 10);
	}
	kprintf("usable frames: %u in %u ranges; bitmap %u bytes at 0x%08x\n",
		map_result.usable_frames, map_result.nranges, bitmap_bytes,
		bitmap_pa);
	kprintf("frames: %u total, %u free, %u reserved (%u MiB free)\n",
		pool.total, pool.free, pool.reserved,
		pool.free >> (20 - PAGE_SHIFT));
}
