/*
 * Tests of mm/memmap on synthetic multiboot memory maps: a typical QEMU
 * map, overlaps (reserved wins), holes, zero-length entries, RAM above
 * 4 GiB, unaligned bounds, unsorted input, and buffers too small.
 */
#include "kernel/ktest.h"
#include "mm/memmap.h"

#define KIB	    1024ull
#define MIB	    (1024ull * KIB)
#define GIB	    (1024ull * MIB)
#define FRAME(addr) ((uint32_t)((addr) >> MEMMAP_FRAME_SHIFT))
#define OUT_CAP	    16u

#define USABLE	 MEMMAP_TYPE_USABLE
#define RESERVED MEMMAP_TYPE_RESERVED

static struct memmap_range out[OUT_CAP];
static struct memmap_result res;

static int normalise(const struct memmap_entry *e, uint32_t n)
{
	return memmap_normalise(e, n, out, OUT_CAP, &res);
}

/* QEMU -m 128: RAM below 640 KiB, the BIOS hole, RAM from 1 MiB. */
KTEST(memmap, typical_qemu_map)
{
	static const struct memmap_entry e[] = {
	    {0, 0x9fc00, USABLE},
	    {0x9fc00, 0x400, RESERVED},
	    {0xf0000, 0x10000, RESERVED},
	    {MIB, 127 * MIB - 0x20000, USABLE},
	    {128 * MIB - 0x20000, 0x20000, RESERVED},
	    {0xfffc0000, 0x40000, RESERVED},
	};

	KEXPECT_EQ(normalise(e, 6), MEMMAP_OK);
	KASSERT_EQ(res.nranges, 2);
	KEXPECT_EQ(out[0].first, 0);
	KEXPECT_EQ(out[0].end, 0x9f); /* 0x9fc00 rounds down */
	KEXPECT_EQ(out[1].first, FRAME(MIB));
	KEXPECT_EQ(out[1].end, FRAME(128 * MIB - 0x20000));
	KEXPECT_EQ(res.highest_frame, FRAME(128 * MIB - 0x20000) - 1);
	KEXPECT_EQ(res.usable_frames, 0x9f + FRAME(127 * MIB - 0x20000));
	KEXPECT_EQ(res.dropped_ranges, 0);
}

/* A reserved entry inside a usable one splits it; its frames round out. */
KTEST(memmap, reserved_wins_over_usable)
{
	static const struct memmap_entry e[] = {
	    {0, 16 * MIB, USABLE},
	    {4 * MIB + 100, 50, RESERVED}, /* one frame */
	    {8 * MIB - 1, 2, RESERVED},	   /* two frames */
	    {15 * MIB, 2 * MIB, MEMMAP_TYPE_ACPI_RECLAIMABLE},
	};

	KEXPECT_EQ(normalise(e, 4), MEMMAP_OK);
	KASSERT_EQ(res.nranges, 3);
	KEXPECT_EQ(out[0].first, 0);
	KEXPECT_EQ(out[0].end, FRAME(4 * MIB));
	KEXPECT_EQ(out[1].first, FRAME(4 * MIB) + 1);
	KEXPECT_EQ(out[1].end, FRAME(8 * MIB) - 1);
	KEXPECT_EQ(out[2].first, FRAME(8 * MIB) + 1);
	KEXPECT_EQ(out[2].end, FRAME(15 * MIB));
}

/* Overlapping and touching usable entries merge into one range. */
KTEST(memmap, overlapping_usable_entries_merge)
{
	static const struct memmap_entry e[] = {
	    {2 * MIB, 2 * MIB, USABLE},
	    {MIB, 2 * MIB, USABLE},
	    {4 * MIB, MIB, USABLE},
	    {10 * MIB, MIB, USABLE},
	};

	KEXPECT_EQ(normalise(e, 4), MEMMAP_OK);
	KASSERT_EQ(res.nranges, 2);
	KEXPECT_EQ(out[0].first, FRAME(MIB));
	KEXPECT_EQ(out[0].end, FRAME(5 * MIB));
	KEXPECT_EQ(out[1].first, FRAME(10 * MIB));
	KEXPECT_EQ(out[1].end, FRAME(11 * MIB));
}

/* The same entries in any order give the same result. */
KTEST(memmap, order_does_not_matter)
{
	static const struct memmap_entry e[] = {
	    {32 * MIB, 32 * MIB, USABLE}, {40 * MIB, MIB, MEMMAP_TYPE_BAD},
	    {MIB, 15 * MIB, USABLE},	  {0, MIB, RESERVED},
	    {16 * MIB, 16 * MIB, USABLE},
	};
	static const struct memmap_entry r[] = {
	    {16 * MIB, 16 * MIB, USABLE}, {0, MIB, RESERVED},
	    {MIB, 15 * MIB, USABLE},	  {40 * MIB, MIB, MEMMAP_TYPE_BAD},
	    {32 * MIB, 32 * MIB, USABLE},
	};

	KEXPECT_EQ(normalise(e, 5), MEMMAP_OK);
	KASSERT_EQ(res.nranges, 2);
	KEXPECT_EQ(out[0].first, FRAME(MIB));
	KEXPECT_EQ(out[0].end, FRAME(40 * MIB));
	KEXPECT_EQ(out[1].first, FRAME(41 * MIB));
	KEXPECT_EQ(out[1].end, FRAME(64 * MIB));
	KEXPECT_EQ(normalise(r, 5), MEMMAP_OK);
	KASSERT_EQ(res.nranges, 2);
	KEXPECT_EQ(out[0].end, FRAME(40 * MIB));
	KEXPECT_EQ(out[1].first, FRAME(41 * MIB));
}

KTEST(memmap, zero_length_and_unaligned_entries)
{
	static const struct memmap_entry e[] = {
	    {MIB, 0, USABLE},
	    {3 * MIB, 0, RESERVED},	     /* must not reserve anything */
	    {2 * MIB + 1, 3 * MIB, USABLE},  /* shrinks inward */
	    {10 * MIB, 4095, USABLE},	     /* no whole frame */
	    {12 * MIB + 4095, 4097, USABLE}, /* exactly one frame */
	};

	KEXPECT_EQ(normalise(e, 5), MEMMAP_OK);
	KASSERT_EQ(res.nranges, 2);
	KEXPECT_EQ(out[0].first, FRAME(2 * MIB) + 1);
	KEXPECT_EQ(out[0].end, FRAME(5 * MIB));
	KEXPECT_EQ(out[1].first, FRAME(12 * MIB) + 1);
	KEXPECT_EQ(out[1].end, FRAME(12 * MIB) + 2);
}

KTEST(memmap, ram_above_4_gib_is_clipped)
{
	static const struct memmap_entry e[] = {
	    {MIB, 3 * GIB - MIB, USABLE},
	    {3 * GIB + 512 * MIB, GIB, USABLE}, /* crosses 4 GiB */
	    {4 * GIB, 4 * GIB, USABLE},		/* wholly above */
	    {5 * GIB, MIB, RESERVED},
	    {~0ull - 10, 100, USABLE}, /* wraps around */
	};

	KEXPECT_EQ(normalise(e, 5), MEMMAP_OK);
	KASSERT_EQ(res.nranges, 2);
	KEXPECT_EQ(out[1].first, FRAME(3 * GIB + 512 * MIB));
	KEXPECT_EQ(out[1].end, MEMMAP_MAX_FRAMES);
	KEXPECT_EQ(res.highest_frame, MEMMAP_MAX_FRAMES - 1);
}

/* Too small a buffer: the lowest ranges are kept, the rest counted. */
KTEST(memmap, buffer_too_small_drops_the_highest)
{
	static const struct memmap_entry e[] = {
	    {MIB, MIB, USABLE},
	    {3 * MIB, MIB, USABLE},
	    {5 * MIB, 2 * MIB, USABLE},
	};

	KEXPECT_EQ(memmap_normalise(e, 3, out, 2, &res), MEMMAP_ETRUNCATED);
	KEXPECT_EQ(res.nranges, 2);
	KEXPECT_EQ(res.dropped_ranges, 1);
	KEXPECT_EQ(res.dropped_frames, FRAME(2 * MIB));
	KEXPECT_EQ(out[1].first, FRAME(3 * MIB));
	KEXPECT_EQ(res.highest_frame, FRAME(4 * MIB) - 1);
	KEXPECT_EQ(memmap_normalise(e, 3, out, 0, &res), MEMMAP_ENOUSABLE);
	KEXPECT_EQ(res.dropped_ranges, 3);
}

/* More distinct ranges than the work array holds: still safe. */
KTEST(memmap, more_ranges_than_the_work_array)
{
	static struct memmap_entry e[MEMMAP_WORK_RANGES + 6];
	uint32_t i;

	for (i = 0; i < MEMMAP_WORK_RANGES + 6; i++) {
		e[i].base = (uint64_t)(MEMMAP_WORK_RANGES + 6 - i) * 2 * MIB;
		e[i].len = MIB;
		e[i].type = USABLE;
	}
	KEXPECT_EQ(normalise(e, MEMMAP_WORK_RANGES + 6), MEMMAP_ETRUNCATED);
	KEXPECT_EQ(res.nranges, OUT_CAP);
	KEXPECT_EQ(res.dropped_ranges, 6 + MEMMAP_WORK_RANGES - OUT_CAP);
	KEXPECT_EQ(out[0].first, FRAME(2 * MIB));
	KEXPECT_EQ(out[OUT_CAP - 1].first, FRAME(2 * MIB * OUT_CAP));
}

KTEST(memmap, nothing_usable)
{
	static const struct memmap_entry e[] = {
	    {0, 16 * MIB, RESERVED},
	    {MIB, MIB, USABLE},
	};

	KEXPECT_EQ(normalise(e, 2), MEMMAP_ENOUSABLE);
	KEXPECT_EQ(res.nranges, 0);
	KEXPECT_EQ(res.usable_frames, 0);
	KEXPECT_EQ(normalise(e, 0), MEMMAP_ENOUSABLE);
}

KTEST(memmap, fallback_from_mem_lower_and_mem_upper)
{
	KEXPECT_EQ(memmap_from_mem_fields(639, 130048, out, OUT_CAP, &res),
		   MEMMAP_OK);
	KASSERT_EQ(res.nranges, 2);
	KEXPECT_EQ(out[0].first, 0);
	KEXPECT_EQ(out[0].end, FRAME(639 * KIB));
	KEXPECT_EQ(out[1].first, FRAME(MIB));
	KEXPECT_EQ(out[1].end, FRAME(MIB + 130048 * KIB));
	KEXPECT_EQ(memmap_from_mem_fields(0, 0, out, OUT_CAP, &res),
		   MEMMAP_ENOUSABLE);
}

KTEST(memmap, type_names)
{
	KEXPECT_STREQ(memmap_type_name(MEMMAP_TYPE_USABLE), "usable");
	KEXPECT_STREQ(memmap_type_name(MEMMAP_TYPE_RESERVED), "reserved");
	KEXPECT_STREQ(memmap_type_name(MEMMAP_TYPE_ACPI_RECLAIMABLE),
		      "ACPI reclaimable");
	KEXPECT_STREQ(memmap_type_name(MEMMAP_TYPE_ACPI_NVS), "ACPI NVS");
	KEXPECT_STREQ(memmap_type_name(MEMMAP_TYPE_BAD), "bad RAM");
	KEXPECT_STREQ(memmap_type_name(77), "unknown (reserved)");
}
