/*
 * thread — user threads: clone, thread exit, futexes (issue 12, item 4).
 *
 * The thread model of the source documents (000_*, the threads chapter:
 * a thread is a second point of execution in one address space, with its
 * own registers and stack; 001_*, thread states): a process (struct proc)
 * is a thread group.  Its pid is the group id; its address space, open
 * files, signal dispositions and process-wide pending signals belong to
 * all its threads.  Each thread is a kernel task (sched/task.h) with its
 * own kernel stack, trap frame, thread id (tid), TLS descriptor
 * (set_thread_area / CLONE_SETTLS), FPU registers, signal mask,
 * thread-directed pending signals and clear_child_tid.  Threads are tasks
 * under the MLFQ like any other: each one is scheduled on its own.
 *
 * Life of a thread:
 *
 *   clone(CLONE_VM|...|CLONE_THREAD) -> a new task in the same space
 *   exit (one thread)     -> clear_child_tid zeroed and futex-woken, the
 *                            task leaves the group; the last thread's exit
 *                            ends the process with its exit code
 *   exit_group, a fatal signal, execve
 *                         -> the calling thread becomes the group's killer:
 *                            every other thread gets SIGKILL, leaves the
 *                            group at its next return to user mode (or out
 *                            of an interruptible wait), and the killer
 *                            waits until it is alone
 *
 * An exited thread's task (kernel stack, struct) is freed by the next
 * clone, a later thread exit, the group's end, or the reaping of the
 * process (its dead_threads list): nobody joins tasks in the kernel.
 *
 * The group's own bookkeeping (thread_attach_main, thread_leave,
 * thread_kill_others, thread_reap_dead, thread_find) is declared in
 * proc.h, which proc.c uses; it lives in thread.c.
 *
 * All of it runs in system calls, with interrupts off: on one CPU that is
 * the lock around the thread lists and the futex table.
 */
#ifndef KEEL_PROC_THREAD_H
#define KEEL_PROC_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/trap.h"

struct proc;
struct task;
struct vm_space;

/* clone's flags (Linux's include/uapi/linux/sched.h). */
#define CLONE_VM	     0x00000100u
#define CLONE_FS	     0x00000200u
#define CLONE_FILES	     0x00000400u
#define CLONE_SIGHAND	     0x00000800u
#define CLONE_VFORK	     0x00004000u
#define CLONE_PARENT	     0x00008000u
#define CLONE_THREAD	     0x00010000u
#define CLONE_SYSVSEM	     0x00040000u
#define CLONE_SETTLS	     0x00080000u
#define CLONE_PARENT_SETTID  0x00100000u
#define CLONE_CHILD_CLEARTID 0x00200000u
#define CLONE_DETACHED	     0x00400000u
#define CLONE_CHILD_SETTID   0x01000000u
#define CLONE_SIGNAL_MASK    0x000000ffu /* the exit signal of a fork */

/* What a thread must share (musl's pthread_create asks for all five). */
#define CLONE_THREAD_NEEDS                                                     \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
/* What a thread may add; any other bit is refused with -EINVAL. */
#define CLONE_THREAD_MAY                                                       \
	(CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |                  \
	 CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID)

/*
 * clone(flags, newsp, ptid, tls, ctid) for a thread (i386 argument order;
 * tls points at a struct user_desc).  The new thread's tid, or -EINVAL
 * (flags other than a thread's), -EFAULT (a bad pointer), -ENOMEM, or
 * -EAGAIN (the group is being ended).
 */
int thread_clone(struct trap_frame *tf, uint32_t flags, uint32_t newsp,
		 uint32_t ptid, uint32_t tls, uint32_t ctid);
/* exit(code): end the calling thread only (the process if it is the
 * last).  Never returns. */
__attribute__((noreturn)) void thread_exit(int code);
/*
 * Read a struct user_desc (set_thread_area, CLONE_SETTLS) at uaddr: the
 * encoded descriptor in *desc and its flags word in *flags; writes the
 * slot back when entry_number is -1.  0, -EFAULT or -EINVAL.
 */
int thread_read_tls(uint32_t uaddr, uint64_t *desc, uint32_t *flags);

/* Futex operations (Linux's include/uapi/linux/futex.h). */
#define FUTEX_WAIT	     0
#define FUTEX_WAKE	     1
#define FUTEX_REQUEUE	     3
#define FUTEX_CMP_REQUEUE    4
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256

/*
 * futex(uaddr, op, val, timeout or val2, uaddr2, val3) — a fast
 * user-space mutex's slow path (000_*, locks: "a queue and a flag", the
 * Linux futex as OSTEP describes it).  Waiters are keyed by (address
 * space, address): FUTEX_PRIVATE_FLAG changes nothing, since keel has no
 * memory shared between spaces yet.
 *
 *   WAIT(val, timeout): if *uaddr still holds val, sleep until woken, the
 *     relative timeout (struct timespec; time64 with time64 true) passes
 *     (-ETIMEDOUT), or a signal arrives (-EINTR); -EAGAIN if it differs.
 *   WAKE(n): wake up to n waiters, oldest first; the number woken.
 *   REQUEUE(n, m, uaddr2): wake n, move up to m more to uaddr2's queue;
 *     the number woken.
 *   CMP_REQUEUE(n, m, uaddr2, val3): the same if *uaddr == val3 (else
 *     -EAGAIN); the number woken and moved.
 * -EINVAL for a misaligned address or bad timespec, -EFAULT for a bad
 * pointer, -ENOSYS for other operations.
 */
int futex_call(uint32_t uaddr, uint32_t op, uint32_t val, uint32_t arg4,
	       uint32_t uaddr2, uint32_t val3, bool time64);
/* Wake up to n waiters on (space, uaddr); the number woken. */
int futex_wake(struct vm_space *space, uint32_t uaddr, int n);
/* Waiters now in the futex table (tests: back to 0 after each case). */
uint32_t futex_waiters(void);

#endif
