/*
 * ktest_runner — the in-kernel side of kernel/ktest.h: runs the cases,
 * prints KTAP version 1 over the console, and leaves QEMU with a status
 * that tells pass from fail (arch/qemu.h).
 *
 * Guarantees:
 *  - every selected case yields exactly one `ok`/`not ok` line, numbered
 *    in the plan's order; the stream ends with `N passed, N failed`;
 *  - a case that calls KASSERT_* and fails, that skips, or that outruns its
 *    tick budget (`# TIMEOUT`) is stopped with klongjmp and the run goes on;
 *  - a case that panics is reported `not ok` after the panic report, and the
 *    run ends there as a failure (the machine state is not trusted after a
 *    panic);
 *  - around every case the runner reads each registered resource probe
 *    (free frames, heap bytes in use, ...) and fails the case if a value
 *    did not come back: a suite leaves the machine as it found it.
 */
#ifndef KEEL_KERNEL_KTEST_RUNNER_H
#define KEEL_KERNEL_KTEST_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

/* Read the runner's boot options (ktest.announce=1: print `# case N: name`
 * before each case, for a harness that must name a hung case). */
void ktest_configure(void);

/* Run every case whose `suite.name` matches glob (NULL: all); exits QEMU. */
__attribute__((noreturn)) void ktest_run(const char *glob);

/*
 * The same run without leaving: prints the KTAP stream and the totals and
 * returns the number of cases that failed (a glob that matches nothing
 * counts as one failure).  For the console's `test` command; call it from
 * the main task, the one the watchdog watches (sched/task.c installs that
 * check).  A case that panics still ends the machine, as in ktest_run.
 */
int ktest_run_here(const char *glob);

/* A named counter that every case must leave as it found it. */
typedef uint32_t (*ktest_probe_t)(void);
void ktest_add_probe(const char *name, ktest_probe_t probe);

/*
 * Whether the given context belongs to the running case (the watchdog only
 * stops that one); sched/ installs the real test once threads exist.
 */
typedef bool (*ktest_context_check_t)(void);
void ktest_set_context_check(ktest_context_check_t f);

/* Whether a case is running right now. */
bool ktest_active(void);

#endif
