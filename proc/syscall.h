/*
 * syscall — the system-call gate: Linux's i386 ABI on int $0x80.
 *
 * Limited direct execution's "trap table" for programs (000_*): a program
 * asks the kernel for a service by loading the call number into EAX and
 * its arguments into EBX, ECX, EDX, ESI, EDI and EBP, and executing
 * `int $0x80`; the gate (privilege level 3, so ring 3 may use it) enters
 * the kernel through the common trap path, and the result comes back in
 * EAX: a value, or a negative Linux errno (lib/errno.h).  The numbers are
 * Linux i386's (arch/x86/entry/syscalls/syscall_32.tbl), so musl's static
 * programs run unchanged; an unknown number gives -ENOSYS.
 *
 * keel's own calls take numbers far above Linux's (which end below 500):
 *   1000  keel_free_frames()   free physical frames (usertests' baseline)
 *   1001  keel_open_files()    open-file objects in the whole system
 *   1002  keel_tickets(pid, n) a process's lottery/stride tickets: set
 *                              them (n > 0) and read them (pid 0: self)
 *   1003  keel_vm_limit(lim)   a resident limit and replacement policy
 *                              for the caller (proc/swap.h)
 *   1004  keel_vm_trace(...)   the last traced reference (pagetouch)
 *   1005  keel_vm_stat(...)    vmstat counters
 *   1010  keel_kstat(which)    a kernel figure (KSTAT_*): heap bytes in
 *                              use, tasks, futex waiters; -EINVAL else
 *   1011  keel_ipc_objects()   System V IPC objects alive (proc/ipc.h)
 *
 * Tracing: the boot options `strace=1` (every process) and `strace.pid=N`
 * (pid N only), and the console's `strace` command, print each call with its
 * decoded arguments and result, as strace(1) does.
 */
#ifndef KEEL_PROC_SYSCALL_H
#define KEEL_PROC_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/trap.h"

#define T_SYSCALL	     0x80
#define SYS_KEEL_FREE_FRAMES 1000
#define SYS_KEEL_OPEN_FILES  1001
#define SYS_KEEL_TICKETS     1002
#define SYS_KEEL_VM_LIMIT    1003 /* resident limit, policy (proc/swap.h) */
#define SYS_KEEL_VM_TRACE    1004 /* the last traced reference */
#define SYS_KEEL_VM_STAT     1005 /* vmstat counters */
#define SYS_KEEL_KSTAT	     1010
/* keel_kstat(which)'s figures (threadtests' leak checks). */
#define KSTAT_HEAP_BYTES     0 /* kernel heap bytes in use */
#define KSTAT_TASKS	     1 /* tasks not yet freed */
#define KSTAT_FUTEX_WAITERS  2 /* threads asleep in futex_wait */
#define SYS_KEEL_IPC_OBJECTS 1011

void syscall_init(void);
/* Trace pid's calls (-1: every process, 0: none). */
void syscall_trace(int pid);
int syscall_traced(void);
/* Are pid's calls traced?  (The signal code adds its own lines.) */
bool syscall_traces(int pid);

/* One system call: its arguments are in tf, its result goes in EAX. */
typedef int32_t (*syscall_fn_t)(struct trap_frame *tf);

/* The groups of calls (proc/sys_*.c) fill the table with these. */
void syscall_set(uint32_t nr, const char *name, const char *args,
		 syscall_fn_t fn);
void sys_file_init(void);
void sys_mem_init(void);
void sys_misc_init(void);
void sys_signal_init(void); /* proc/sys_signal.c */
void sys_ipc_init(void);

#endif
