/*
 * kassert: the invariant check shared by pure code and the kernel.
 *
 * kassert(expr) is for broken invariants only (a corrupted heap header, a
 * frame freed twice): running out of something is an error value, never a
 * kassert.  The failure hook is provided once per build: the kernel's panics
 * with the message and a backtrace; the host's prints it and aborts, so
 * AddressSanitizer shows the stack.
 */
#ifndef KEEL_LIB_KASSERT_H
#define KEEL_LIB_KASSERT_H

__attribute__((noreturn)) void kassert_fail(const char *expr, const char *file,
					    int line, const char *func);

/*
 * A formatted fatal error from pure code, for invariant failures that need
 * to say more than the expression (which block, which caller).
 */
__attribute__((noreturn, format(printf, 1, 2))) void kfatal(const char *fmt,
							    ...);

#define kassert(expr)                                                          \
	((expr) ? (void)0 : kassert_fail(#expr, __FILE__, __LINE__, __func__))

#endif
