/*
 * gdb_fixture — a known kernel state for the gdb helpers (tools/gdb/keel.py)
 * and their host test (tools/gdb-test).
 *
 * With the `gdb.fixture` option, kmain calls gdb_fixture_run() once the
 * kernel is up.  It builds a state whose every part the helpers can be
 * checked against, stops at gdb_fixture_checkpoint() (the test's
 * breakpoint), then undoes all of it and returns:
 *
 *  - two kernel threads, GDB_FIXTURE_NAME_A and _B, blocked on a wait
 *    queue: keel-ps shows them "blocked", and their saved trap frames are
 *    from the T_YIELD trap in ring 0 (keel-trapframe);
 *  - heap blocks of GDB_FIXTURE_SIZES bytes, the ones marked in
 *    GDB_FIXTURE_FREED freed again, so that the heap holds both free and
 *    allocated blocks between live ones (keel-heap);
 *  - one fresh frame mapped writable at GDB_FIXTURE_VA with
 *    GDB_FIXTURE_MAGIC in its first word (keel-vtop, keel-ptdump).
 *
 * Everything the test needs to know (pointers, the frame's address) is in
 * gdb_fixture_state, which gdb can print.  If a step fails (no memory, a
 * thread that never blocks), the fixture says so on the console, skips
 * the checkpoint and undoes what it built: the test then fails for want of
 * the breakpoint rather than on a half-built state.
 */
#ifndef KEEL_INIT_GDB_FIXTURE_H
#define KEEL_INIT_GDB_FIXTURE_H

#include <stdint.h>

#define GDB_FIXTURE_NAME_A "gdb-waiter-a"
#define GDB_FIXTURE_NAME_B "gdb-waiter-b"
/* Above the heap's range and below the kmap slots: nothing else maps it. */
#define GDB_FIXTURE_VA	   0xF8000000u
#define GDB_FIXTURE_MAGIC  0x600DF00Du /* in the mapped frame's first word */
#define GDB_FIXTURE_BLOCKS 5

struct task;

struct gdb_fixture_state {
	struct task *task[2];
	void *block[GDB_FIXTURE_BLOCKS];   /* what kmalloc returned */
	uint32_t size[GDB_FIXTURE_BLOCKS]; /* bytes asked of kmalloc */
	uint8_t live[GDB_FIXTURE_BLOCKS];  /* 0: freed again */
	uint32_t va, frame_pa;
	int ready; /* 1 while the state is complete (at the checkpoint) */
};

extern struct gdb_fixture_state gdb_fixture_state;

/* Build the state, stop at gdb_fixture_checkpoint(), undo it all. */
void gdb_fixture_run(void);
/* The breakpoint: does nothing, but is never inlined or dropped. */
void gdb_fixture_checkpoint(void);

#endif
