/*
 * crash — deliberate faults, one per `crash=NAME` boot, so the host harness
 * can check that each ends in a panic report naming the right exception and
 * the function that faulted, and that QEMU exits instead of rebooting or
 * hanging.  `crash=list` prints the names.
 */
#ifndef KEEL_INIT_CRASH_H
#define KEEL_INIT_CRASH_H

/* Run the named crash; returns only if the name is unknown (after saying
 * so) or if the crash failed to fault. */
void crash_run(const char *name);

#endif
