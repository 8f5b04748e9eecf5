/*
 * signal — signals: asynchronous notifications to a process, with
 * handlers that run in user mode (001_99f86f884551d980.txt, IPC: "a
 * signal is a software interrupt sent to a process").
 *
 * The model is Linux's, and so is the ABI (i386, as musl uses it):
 *
 *  - A signal is *sent* (kill, a fault, a child's exit, a write to a pipe
 *    without readers, Ctrl-C at the console), becomes *pending*, and is
 *    *delivered* on the target's next return to user mode (the trap path's
 *    user hook, arch/trap.h): the same place limited direct execution
 *    hands the CPU back to a program.
 *  - What delivery does is the signal's *disposition* (rt_sigaction):
 *    SIG_DFL (the default action: terminate, or ignore for SIGCHLD,
 *    SIGURG, SIGWINCH; SIGCONT and the stop signals are ignored too, keel
 *    has no stopped state), SIG_IGN, or a handler.
 *  - A handler runs on a frame the kernel builds on the user stack: the
 *    return address (sa_restorer, which calls sigreturn), the signal
 *    number, a copy of the interrupted registers (the trap frame: the same
 *    saved context the scheduler switches with), the mask to restore and
 *    the x87 state.  sigreturn (119, the plain frame) or rt_sigreturn
 *    (173, the SA_SIGINFO frame with siginfo and ucontext) copies them back
 *    after checking them: a forged frame that would return to ring 0, raise
 *    IOPL or load a bad segment ends the process with SIGSEGV instead.
 *  - A blocked signal (rt_sigprocmask) stays pending until unblocked;
 *    SIGKILL and SIGSTOP cannot be blocked, caught or ignored.
 *  - A system call waiting when a signal arrives gives up with
 *    -ERESTARTSYS (lib/errno.h): if a handler runs, the program sees
 *    EINTR, or the call runs again under SA_RESTART (Linux's rule for
 *    read and write on pipes and the terminal, and wait4); nanosleep says
 *    EINTR, rt_sigsuspend and pause EINTR after a handler.
 *
 * Threads (struct proc is the thread group, struct task the thread): the
 * dispositions and process-directed pending signals belong to the
 * process; the mask and thread-directed pending signals (tkill, faults)
 * to the thread.  A process-directed signal goes to a thread that does not
 * block it.  Ordinary signals are not queued: a second one sent while the
 * first is pending is merged with it (signal(7)); that holds for the
 * real-time signals 32..64 here too.
 *
 * Process groups do not exist in keel: kill(0, ...) and kill(-pgid, ...)
 * answer -EINVAL; kill(-1, sig) signals every process but init and the
 * caller.  Ctrl-C at the console sends SIGINT to every process; init
 * (pid 1) gets only signals it has a handler for (Linux's rule), and the
 * shell ignores SIGINT (user/sh.c) while its children take the default,
 * so the job in the foreground — every stage of a pipeline — ends and the
 * shell survives.
 *
 * Everything here runs with interrupts off (system calls and the trap
 * path do): on one CPU, the lock around the signal state.
 */
#ifndef KEEL_PROC_SIGNAL_H
#define KEEL_PROC_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/trap.h"
#include "proc/signum.h"

struct proc;
struct task;

/* Also signal.c's, declared in proc/proc.h for proc.c: signal_init,
 * signal_child_exit, signal_fork, signal_fork_task, signal_proc_gone. */

/*
 * Send sig to the process p (to one of its threads that does not block
 * it), with info (NULL: sent by the kernel, SI_KERNEL).  0, or -EINVAL for
 * a bad number.  Ignored signals are dropped at once, and so are signals
 * to init it has no handler for.
 */
int signal_send(struct proc *p, int sig, const struct sig_info *info);
/* The same to one thread (tkill, faults). */
int signal_send_task(struct task *t, int sig, const struct sig_info *info);
/*
 * A fault in user mode raises sig in the current thread: true if a handler
 * will run (the faulting instruction runs again after it), false if the
 * process must die of it (no handler, or the signal blocked or ignored:
 * Linux's force_sig).
 */
bool signal_fault(int sig, int code, uint32_t addr);

/* p's disposition of sig (all SIG_DFL without a table). */
const struct k_sigaction *signal_action(const struct proc *p, int sig);
/* p's table, made at the first need: NULL without memory. */
struct sighand *signal_hand(struct proc *p);
/* execve: handlers back to SIG_DFL (SIG_IGN stays); mask and pending
 * signals are kept (POSIX). */
void signal_exec(struct proc *p);

/* Set t's mask (SIGKILL and SIGSTOP stay unblocked); a newly unblocked
 * pending signal is then acted on at the return to user mode. */
void signal_set_mask(struct task *t, uint64_t mask);
/* Drop sig wherever it is pending in p (its disposition became ignore). */
void signal_discard(struct proc *p, int sig);
/* The signals pending for the current thread (its own and its process's). */
uint64_t signal_pending_set(void);
/*
 * rt_sigsuspend and pause: wait with mask in force until a signal's
 * handler is to run, and return into it (the call's result, EINTR, is in
 * its frame; the frame restores the mask the call replaced).  A signal
 * that terminates ends the process here; one that is ignored does not end
 * the wait.  Returns what tf->eax must hold.
 */
int32_t signal_suspend(struct trap_frame *tf, uint64_t mask);
/* Is sig's default action to ignore it? */
bool signal_default_ignores(int sig);

#endif
