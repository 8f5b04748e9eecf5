/*
 * console — kprintf and friends: one output path to the serial port and the
 * VGA screen together.
 *
 * Formatting is lib/fmt.c (pure, host-tested); this file only delivers the
 * characters.  Each kprintf runs with interrupts off, so lines from a thread
 * and an interrupt handler never interleave mid-line (there is one CPU).
 * On serial, "\n" goes out as "\r\n" for terminals in raw mode.
 */
#ifndef KEEL_KERNEL_CONSOLE_H
#define KEEL_KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/vga.h"

void console_init(void);
__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);
int kvprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t n);
/*
 * The `quiet` boot option: kprintf prints nothing (a panic report still
 * does), so the console carries only what programs write through
 * console_write.
 */
void console_set_quiet(bool quiet);
/* Bytes sent to the serial line so far (the system-call trace uses it to
 * see that a call's line was interrupted by other output). */
uint32_t console_bytes_out(void);
/* Colour for VGA output from now on (serial output is plain). */
void console_set_color(enum vga_color fg, enum vga_color bg);

#endif
