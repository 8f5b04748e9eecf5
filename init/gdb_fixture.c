/*
 * gdb_fixture — a known state for the gdb helpers' test (see the header).
 *
 * Each step records what it built in gdb_fixture_state, and the undo steps
 * look only there, so a run that stops half-way still undoes exactly what
 * it built: the fixture leaves the machine as it found it.
 */
#include "init/gdb_fixture.h"

#include <stdbool.h>

#include "arch/x86.h"
#include "kernel/console.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/vm.h"
#include "sched/task.h"

/* Ticks to wait for both threads to block: they need one pick each. */
#define BLOCK_WAIT_TICKS 100

struct gdb_fixture_state gdb_fixture_state;

/*
 * Sizes spread over the heap's classes: exact classes (1000, 48, 64), and
 * size-range classes above 1 KiB (2000, 3000).  The freed ones make a
 * listed free block (2000 bytes) and a block small enough for a quick list
 * (48 bytes), with live blocks around them.
 */
static const uint32_t block_sizes[GDB_FIXTURE_BLOCKS] = {1000, 2000, 48, 3000,
							 64};
static const bool block_freed[GDB_FIXTURE_BLOCKS] = {false, true, true, false,
						     false};

static struct wait_queue release_wq;
static volatile bool released;

/* A thread that blocks until gdb_fixture_run releases it. */
static int waiter(void *arg)
{
	bool on = irq_save();
	(void)arg;
	while (!released)
		wq_block(&release_wq); /* interrupts off: no lost wake-up */
	irq_restore(on);
	return 0;
}

static bool start_threads(void)
{
	released = false;
	gdb_fixture_state.task[0] =
	    task_create(GDB_FIXTURE_NAME_A, waiter, NULL);
	gdb_fixture_state.task[1] =
	    task_create(GDB_FIXTURE_NAME_B, waiter, NULL);
	return gdb_fixture_state.task[0] && gdb_fixture_state.task[1];
}

/* Main sleeps, so that each thread runs once and blocks on the queue. */
static bool threads_blocked(void)
{
	struct task **t = gdb_fixture_state.task;
	for (int i = 0; i < BLOCK_WAIT_TICKS; i++) {
		if (t[0]->state == TASK_BLOCKED && t[1]->state == TASK_BLOCKED)
			return true;
		task_sleep(1);
	}
	return false;
}

static void stop_threads(void)
{
	bool on = irq_save();
	released = true;
	irq_restore(on);
	wq_wake_all(&release_wq);
	for (int i = 0; i < 2; i++) {
		if (gdb_fixture_state.task[i])
			task_wait(gdb_fixture_state.task[i]);
		gdb_fixture_state.task[i] = NULL;
	}
}

/* All blocks first, then the frees: the freed ones lie between live ones. */
static bool alloc_blocks(void)
{
	struct gdb_fixture_state *s = &gdb_fixture_state;
	for (int i = 0; i < GDB_FIXTURE_BLOCKS; i++) {
		s->size[i] = block_sizes[i];
		s->block[i] = kmalloc(block_sizes[i]);
		s->live[i] = s->block[i] != NULL;
		if (!s->live[i])
			return false;
	}
	for (int i = 0; i < GDB_FIXTURE_BLOCKS; i++)
		if (block_freed[i]) {
			kfree(s->block[i]);
			s->live[i] = 0;
		}
	return true;
}

static void free_blocks(void)
{
	struct gdb_fixture_state *s = &gdb_fixture_state;
	for (int i = 0; i < GDB_FIXTURE_BLOCKS; i++) {
		if (s->live[i])
			kfree(s->block[i]);
		s->live[i] = 0;
		s->block[i] = NULL;
	}
}

static bool map_frame(void)
{
	uint32_t pa = frame_alloc();
	if (pa == 0)
		return false;
	if (vm_map(vm_kernel_space(), GDB_FIXTURE_VA, pa, VM_WRITE) != VM_OK) {
		frame_free(pa);
		return false;
	}
	gdb_fixture_state.va = GDB_FIXTURE_VA;
	gdb_fixture_state.frame_pa = pa;
	*(volatile uint32_t *)GDB_FIXTURE_VA = GDB_FIXTURE_MAGIC;
	return true;
}

static void unmap_frame(void)
{
	uint32_t pa;
	if (gdb_fixture_state.va &&
	    vm_unmap(vm_kernel_space(), gdb_fixture_state.va, &pa) == VM_OK)
		frame_free(pa);
	gdb_fixture_state.va = 0;
	gdb_fixture_state.frame_pa = 0;
}

/* The empty asm keeps the call: a function with no effect may be dropped. */
__attribute__((noinline)) void gdb_fixture_checkpoint(void)
{
	__asm__ volatile("" : : : "memory");
}

void gdb_fixture_run(void)
{
	const char *failed = NULL;
	if (!start_threads())
		failed = "no memory for the threads";
	else if (!alloc_blocks())
		failed = "no memory for the heap blocks";
	else if (!map_frame())
		failed = "no frame or page table for the mapping";
	else if (!threads_blocked())
		failed = "the threads did not block";
	if (failed) {
		kprintf("gdb-fixture: %s; no checkpoint\n", failed);
	} else {
		kprintf("gdb-fixture: ready at gdb_fixture_checkpoint\n");
		gdb_fixture_state.ready = 1;
		gdb_fixture_checkpoint();
		gdb_fixture_state.ready = 0;
	}
	unmap_frame();
	free_blocks();
	stop_threads();
	kprintf("gdb-fixture: state undone\n");
}
