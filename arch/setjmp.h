/*
 * setjmp — non-local exits for the kernel's self-test runner: a failed
 * KASSERT_*, a skipped case or a case past its tick budget jumps back to the
 * runner.  Saves only what the i386 System V ABI says a callee preserves
 * (EBX, ESI, EDI, EBP, ESP) and the return address.
 */
#ifndef KEEL_ARCH_SETJMP_H
#define KEEL_ARCH_SETJMP_H

typedef struct {
	unsigned long ebx, esi, edi, ebp, esp, eip;
} kjmp_buf[1];

int ksetjmp(kjmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void klongjmp(kjmp_buf env, int val);

#endif
