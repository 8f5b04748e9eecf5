/*
 * soak — a long run of the real scheduler and allocators, checked for leaks.
 *
 * `soak=TICKS` runs, on the real timer and scheduler, a workload that never
 * stops changing for TICKS timer ticks: kernel threads created and reaped
 * all the time (a dozen alive at once), sleepers, heap churners (random
 * kmalloc, krealloc and kfree, each block filled with a pattern that is
 * checked before it is resized or freed), short CPU-bound spinners that the
 * MLFQ demotes, producer/consumer pairs on a wait queue (wq_wake_one), and
 * gates where a leader releases its followers at once (wq_wake_all).
 * Threads create threads too: pair and gate leaders create and reap their
 * own partners.
 *
 * Every 50,000 ticks it prints a progress line (ticks, threads created and
 * reaped, heap bytes in use, free frames) and checks the heap's structure.
 * At the end, with every thread reaped, it checks that
 *  - free frames, heap bytes in use and the task count are back to their
 *    values before the soak (a leak of one block or one frame shows; the
 *    few pages the heap keeps mapped after a free count as free, as in the
 *    self-tests' probe, mm_free_frames_probe);
 *  - kheap_check finds the heap consistent;
 *  - every thread created was reaped, each with the exit status its serial
 *    number calls for (a lost, doubled or mixed-up exit shows), and no
 *    thread saw a pattern, a wake-up or a message go wrong.
 * The verdict is one line, `soak: PASS ...` or `soak: FAIL ...`.  On FAIL the
 * kernel leaves QEMU with the failure status (arch/qemu.h) and halts; on
 * PASS soak_run returns and the boot goes on (`poweroff` ends it).
 *
 * Call from task "main" with interrupts on, no other thread alive.  Running
 * out of memory is not a failure: a kmalloc or task_create that returns NULL
 * is counted and retried later.  Everything is driven by a fixed seed
 * (option `soak.seed=`), so under `qemu -icount` a run repeats exactly.
 */
#ifndef KEEL_INIT_SOAK_H
#define KEEL_INIT_SOAK_H

#include <stdint.h>

#define SOAK_DEFAULT_TICKS  1000000u
#define SOAK_MIN_TICKS	    1000u /* the range `soak=` accepts */
#define SOAK_MAX_TICKS	    100000000u
#define SOAK_PROGRESS_TICKS 50000u

void soak_run(uint32_t ticks);
/*
 * The options: `soak` runs SOAK_DEFAULT_TICKS, `soak=TICKS` that many; a
 * TICKS outside SOAK_MIN_TICKS..SOAK_MAX_TICKS is refused with a warning
 * (no soak at all).  `soak.seed=N` sets the seed; alone it only warns.
 */
void soak_from_cmdline(void);

#endif
