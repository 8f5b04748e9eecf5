/*
 * sigframe — the frames a signal handler runs on, Linux's i386 layout.
 *
 * Delivering a signal to a handler changes the saved user context (the
 * trap frame, arch/trap.h) so that the return to user mode lands in the
 * handler, and keeps the old context on the user stack; sigreturn puts it
 * back.  The kernel itself keeps nothing: everything the handler's return
 * needs is in the frame, so handlers nest simply by stacking frames.
 *
 * Two frames, as Linux builds them and musl expects (musl's restorers in
 * src/signal/i386/restore.s: __restore calls sigreturn 119, __restore_rt
 * rt_sigreturn 173):
 *
 *   plain (no SA_SIGINFO)           rt (SA_SIGINFO)
 *   +0  return address (restorer)   +0  return address (restorer)
 *   +4  signal number               +4  signal number
 *   +8  struct sigcontext (88)      +8  &info   +12 &uc
 *       x87 area (unused, 624)      +16 siginfo_t (128)
 *       extramask (mask bits 32-63) +144 ucontext: flags, link, stack,
 *       retcode (8)                      sigcontext, sigmask (116)
 *                                       retcode (8)
 *
 * sigcontext holds the trap frame's registers in the trap frame's own
 * order (gs fs es ds edi esi ebp esp ebx edx ecx eax trapno err eip cs
 * eflags esp ss), then the address of the x87 state (fnsave's image,
 * placed above the frame, 64-byte aligned; 0 if the program had not used
 * the FPU), the old mask and cr2.  The frame is aligned so that at the
 * handler's first instruction esp + 4 is a multiple of 16 (the i386 ABI's
 * rule at a call).  Without SA_RESTORER the return address is the frame's
 * retcode, which makes the same call.
 */
#ifndef KEEL_PROC_SIGFRAME_H
#define KEEL_PROC_SIGFRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/trap.h"
#include "proc/signum.h"

/* tf->error of a system call's frame is the call number (the gate keeps it
 * there, Linux's orig_eax); this value says "not a call to run again". */
#define SIGFRAME_NO_RESTART 0xFFFFFFFFu

/*
 * Build sig's frame for act on the user stack under tf->esp and point tf
 * at the handler (eax = sig; with SA_SIGINFO edx = &info, ecx = &uc, the
 * regparm arguments Linux also passes).  oldmask is the mask sigreturn
 * restores.  False, with tf unchanged, if the stack cannot take the frame.
 */
bool sigframe_setup(struct trap_frame *tf, int sig,
		    const struct k_sigaction *act, const struct sig_info *info,
		    uint64_t oldmask);
/*
 * sigreturn and rt_sigreturn: restore tf and *mask from the frame the
 * handler has returned from (rt: true for rt_sigreturn).  False for a
 * frame that cannot be read or does not check out (a selector other than
 * the user ones, a TLS selector without a TLS descriptor); tf is then
 * unchanged.  EFLAGS keeps IF, IOPL, NT and VM from tf: only the flags a
 * program may change (the arithmetic ones, TF, DF, RF, AC) come from the
 * frame.
 */
bool sigframe_restore(struct trap_frame *tf, bool rt, uint64_t *mask);

#endif
