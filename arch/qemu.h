/*
 * qemu — leaving QEMU with an exit status, through the isa-debug-exit
 * device (`-device isa-debug-exit,iobase=0xf4,iosize=0x04`).  Writing v to
 * its port makes QEMU exit with status (v << 1) | 1.  Without the device
 * (real hardware, or `make run`), the write goes nowhere and the caller
 * carries on, so every caller halts afterwards.
 *
 * The harness (tools/harness) knows these statuses.
 */
#ifndef KEEL_ARCH_QEMU_H
#define KEEL_ARCH_QEMU_H

#include "arch/x86.h"

#define QEMU_EXIT_PORT	0xF4
#define QEMU_EXIT_PASS	0x10 /* status 33: every self-test passed */
#define QEMU_EXIT_FAIL	0x11 /* status 35: a self-test failed */
#define QEMU_EXIT_PANIC 0x12 /* status 37: the kernel panicked */
#define QEMU_EXIT_HALT	0x13 /* status 39: an orderly halt */
/* With `poweroff` and an init program: status 1 when init exited with 0,
 * status 3 for any other exit or a death by a signal. */
#define QEMU_EXIT_INIT_OK   0x00
#define QEMU_EXIT_INIT_FAIL 0x01

static inline void qemu_exit(uint8_t code)
{
	outl(QEMU_EXIT_PORT, code);
}

#endif
