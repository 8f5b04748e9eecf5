/*
 * fmt: the printf formatting engine, shared by the kernel's console and the
 * host tools.
 *
 * Guarantees:
 *  - fmt_vformat() hands each character it produces to put(), in order, and
 *    returns how many it produced.  It allocates nothing, keeps no state
 *    between calls and uses a small, bounded amount of stack, so it may be
 *    called from an interrupt handler or a panic whenever put() may.
 *  - The conversions are the integer, string and character subset of C99
 *    printf: %d %i %u %x %X %p %s %c %%, the flags - 0 + space #, a width and
 *    a precision (digits or *), and the length modifiers hh h l ll z j t.
 *    There is no floating point: the kernel is built -mgeneral-regs-only.
 *  - Three differences from C, on purpose:
 *      %p prints 0x and all 2 * sizeof(void *) hex digits, so a kernel
 *      address is always 0x + 8 digits and NULL is 0x00000000 (glibc
 *      prints "(nil)");
 *      a NULL %s prints "(null)", cut short by a precision like any string;
 *      an unknown or unfinished conversion such as %q is printed literally,
 *      spec and all, where C leaves the behaviour undefined.
 *  - fmt_snprintf() and fmt_vsnprintf() follow C99: they store at most size
 *    bytes, always NUL-terminate when size > 0, and return the length the
 *    whole output would have had, so `ret >= size` means "truncated".
 *    buf may be NULL when size is 0, to measure.
 */
#ifndef KEEL_LIB_FMT_H
#define KEEL_LIB_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Receives one output character; ctx is the caller's, passed through. */
typedef void (*fmt_put_fn)(char c, void *ctx);

__attribute__((format(printf, 3, 0))) int
fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

__attribute__((format(printf, 3, 0))) int
fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/*
 * "<prefix><formatted message>" into buf, for error reports ("heap: bad
 * header ..."); nothing is written when buf is NULL or too small for the
 * prefix.  Returns false, so a checker can `return fmt_vfail(...)`.
 */
bool fmt_vfail(char *buf, size_t size, const char *prefix, const char *fmt,
	       va_list ap);

__attribute__((format(printf, 3, 4))) int fmt_snprintf(char *buf, size_t size,
						       const char *fmt, ...);

#endif
