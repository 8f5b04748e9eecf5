/*
 * The harness's own self-tests: a kernel built with KEEL_SELFTEST_FAIL
 * (build/selftest/keel.elf) carries these cases, each of which must be
 * reported as failing.  tools/harness boots that kernel once per case and
 * checks the verdict; a harness (or a runner) that passed them would be one
 * that cannot see failures.
 */
#ifdef KEEL_SELFTEST_FAIL
#include <stddef.h>

#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/kheap.h"

/* A plain failed expectation. */
KTEST(selftest, deliberately_fails)
{
	KEXPECT_EQ(1 + 1, 3);
}

/* Runs past its 5-tick budget: the watchdog must stop it (# TIMEOUT). */
KTEST_BUDGET(selftest, times_out, 5)
{
	for (;;)
		__asm__ volatile("pause");
}

/* Leaks one frame: the leak check after the case must say so. */
KTEST(selftest, leaks_a_frame)
{
	KEXPECT_NE(frame_alloc(), 0);
}

/* Leaks some heap bytes: the same check, on the heap's probe. */
KTEST(selftest, leaks_heap_bytes)
{
	KEXPECT_NOT_NULL(kmalloc(100));
}

/* Hangs with interrupts off: no tick arrives, so the watchdog (which runs
 * on the timer) cannot stop it.  The harness must see the tick count stand
 * still, end QEMU within seconds and name this case. */
KTEST(selftest, hangs_with_interrupts_off)
{
	__asm__ volatile("cli");
	for (;;)
		__asm__ volatile("pause");
}

/* Faults: the case is `not ok` after the panic report, and the run ends. */
KTEST(selftest, crashes)
{
	volatile int *p = NULL;
	*p = 1; /* cppcheck-suppress nullPointer ; the point of the case */
}
#endif
