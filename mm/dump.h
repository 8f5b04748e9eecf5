/*
 * dump — the state of memory as machine-readable lines, for
 * tools/plot-mem: the loader's memory map, the frame bitmap as runs of
 * frames in one state, and the kernel heap's blocks.
 *
 * mm_dump() prints, with kprintf, only lines that start with "MEMDUMP ":
 *
 *   MEMDUMP begin
 *   MEMDUMP map BASE LEN TYPE         one per loader map entry, BASE and LEN
 *                                     in hex bytes, TYPE the multiboot type
 *                                     (1 usable, 2 reserved, 3 ACPI
 *                                     reclaimable, 4 ACPI NVS, 5 bad RAM)
 *   MEMDUMP kernel START END          the kernel image, physical [START, END)
 *   MEMDUMP frames FIRST COUNT STATE  COUNT frames from frame number FIRST
 *                                     (decimal), all in STATE: free,
 *                                     allocated, reserved, kernel (reserved
 *                                     for the kernel image) or mixed
 *   MEMDUMP totals FRAMES FREE ALLOCATED RESERVED   the pool's counters
 *   MEMDUMP heaprange START END       the heap's virtual [START, END)
 *   MEMDUMP heap ADDR SIZE STATE COUNT  COUNT adjacent blocks from ADDR
 *                                     (hex), SIZE bytes in all (decimal),
 *                                     STATE A allocated, F free, Q freed
 *                                     but waiting on a quick list, M mixed
 *   MEMDUMP end
 *
 * Guarantees:
 *  - the frame runs tile frames 0 .. FRAMES-1 in order, and their counts
 *    per state add up to the totals line (both are read in one stretch
 *    with interrupts off);
 *  - the heap lines tile the heap's blocks in address order, from START + 8
 *    (the heap's pad) to END - 8 (its epilogue), read in one stretch with
 *    interrupts off;
 *  - the output is bounded: at most MM_DUMP_FRAME_RUNS frame lines (the
 *    rest of memory, once they are used up, becomes one "mixed" run) and
 *    MM_DUMP_HEAP_LINES heap lines (one per block while the heap has at
 *    most that many; else runs of adjacent blocks in one state are merged,
 *    and past the limit the rest is one M line);
 *  - nothing is allocated: the snapshot goes into static tables, and is
 *    printed after interrupts are back on, so a long dump over a slow
 *    serial line does not hold off the timer.
 * Callable from any thread with interrupts on; a second caller while a
 * dump is being printed is refused with a message (the tables are shared).
 */
#ifndef KEEL_MM_DUMP_H
#define KEEL_MM_DUMP_H

#define MM_DUMP_FRAME_RUNS 256
#define MM_DUMP_HEAP_LINES 256

void mm_dump(void);

#endif
