/*
 * proc — processes: a user address space, a thread, open files, a parent.
 *
 * The process abstraction of the source documents (000_*: a running
 * program, its address space, registers and open files; process states;
 * 001_*: fork, exec, wait): a process is one kernel task (sched/task.h)
 * that spends its life in ring 3 and enters the kernel by a trap — a
 * system call (int $0x80), a fault, or an interrupt — which is limited
 * direct execution: the program runs directly on the CPU, and the kernel
 * gets control back only through the trap table.
 *
 * Life cycle:
 *
 *   proc_spawn / fork -> RUNNING (its task READY/RUNNING/BLOCKED)
 *                     -> exit or a fatal signal -> ZOMBIE (resources gone,
 *                        the exit status kept) -> reaped by wait4 in the
 *                        parent (or proc_wait for a process the kernel
 *                        started) -> freed
 *
 * A process whose parent dies is handed to init (pid 1); without init, a
 * kernel reaper thread frees it when it exits.
 *
 * The address space (arch/layout.h has the map): the ELF segments, the
 * brk heap after them, anonymous mmap areas below USER_MMAP_TOP and the
 * stack, as a short sorted list of areas (struct vma) with their
 * permissions.  Pages inside an area but not yet present are given a
 * zeroed frame at the first touch (a "lazy" or demand-zero fault); pages
 * shared after a fork are copied at the first write (mm/uvm.h).
 */
#ifndef KEEL_PROC_PROC_H
#define KEEL_PROC_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/trap.h"
#include "fs/file.h"
#include "mm/vm.h"
#include "proc/vmstat.h"
#include "sched/task.h"

#define PROC_NAME_MAX 16
#define PROC_FDS      32
#define PROC_VMAS     48

/* Memory protections (mmap's PROT_*). */
#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

enum vma_kind { VMA_IMAGE, VMA_HEAP, VMA_MMAP, VMA_STACK };

struct vma {
	uint32_t start, end; /* page-aligned, [start, end) */
	uint8_t prot;	     /* PROT_* */
	uint8_t kind;	     /* enum vma_kind */
};

enum proc_state { PROC_ALIVE, PROC_ZOMBIE };

struct proc {
	int pid;
	char name[PROC_NAME_MAX];
	enum proc_state state;
	struct task *task;
	struct proc *parent; /* NULL: started by the kernel */
	struct proc *children, *sibling;
	struct proc *all_next;
	struct wait_queue child_wq; /* this process waits here for children */
	struct wait_queue exit_wq;  /* the kernel waits here (proc_wait) */
	bool kernel_waits;	    /* proc_wait will reap it */
	int wstatus;		    /* wait4's status word, once a zombie */

	struct vm_space *vm;
	struct vma vma[PROC_VMAS];
	int nvma;
	uint32_t brk_start, brk; /* the heap: [brk_start, brk) */

	struct file *fd[PROC_FDS];
	uint32_t cloexec; /* bit n: close fd n at execve */

	uint32_t sig_ignored;  /* bit n: signal n's disposition is SIG_IGN */
	uint32_t sig_blocked;  /* the signal mask (kept, not yet used) */
	struct trap_frame *tf; /* its first user frame, until it runs */
	uint8_t *fpu;	       /* saved x87 state (108 bytes), or NULL */
	bool fpu_used;
	uint64_t syscalls; /* system calls made */
	uint64_t cow_faults, lazy_faults;
	struct resident *rs;	/* its resident set (proc/resident.c) */
	struct vm_counters vmc; /* minor/major faults, swap-ins... */
};

/* Linux's wait status: exit code or signal (sys/wait.h's macros). */
#define WSTATUS_EXITED(code)  (((code)&0xff) << 8)
#define WSTATUS_SIGNALED(sig) ((sig)&0x7f)

#define SIGHUP	 1
#define SIGINT	 2
#define SIGQUIT	 3
#define SIGILL	 4
#define SIGTRAP	 5
#define SIGABRT	 6
#define SIGBUS	 7
#define SIGFPE	 8
#define SIGKILL	 9
#define SIGUSR1	 10
#define SIGSEGV	 11
#define SIGUSR2	 12
#define SIGPIPE	 13
#define SIGALRM	 14
#define SIGTERM	 15
#define SIGCHLD	 17
#define SIGCONT	 18
#define SIGSTOP	 19
#define SIGTSTP	 20
#define SIGTTIN	 21
#define SIGTTOU	 22
#define SIGURG	 23
#define SIGWINCH 28
#define NSIG	 65

void proc_init(void);
/* The calling task's process, or NULL for a kernel thread. */
static inline struct proc *proc_current(void)
{
	return task_current()->proc;
}
/*
 * Start path as a new process with no parent (init, or a program the
 * console runs): descriptors 0-2 on the console.  argv and envp are
 * NULL-terminated kernel arrays.  0 with *out, or a negative errno
 * (-ENOENT, -ENOEXEC, -ENOMEM, -E2BIG), having printed why.
 */
int proc_spawn(const char *path, char *const argv[], char *const envp[],
	       struct proc **out);
/* Wait for a process proc_spawn made; its wait status.  Frees it. */
int proc_wait(struct proc *p);
/*
 * Run path in the foreground, as init or the console's `exec` does:
 * spawned (envp NULL: PATH=/bin, HOME=/, TERM=vt100), given the console,
 * waited for.  0 with *wstatus, or proc_spawn's negative errno.
 */
int proc_run(const char *path, char *const argv[], char *const envp[],
	     int *wstatus);
/* A wait status in words: "exit 3", "killed by SIGSEGV". */
void proc_status_text(int wstatus, char *buf, size_t n);
/* The process with this pid (alive or zombie), or NULL. */
struct proc *proc_find(int pid);
/* Send a signal: 0, or -EINVAL for a bad number. */
int proc_signal(struct proc *p, int sig);
/* End the calling process with this wait status; never returns. */
__attribute__((noreturn)) void proc_exit(int wstatus);
void proc_for_each(void (*fn)(struct proc *p, void *ctx), void *ctx);
const char *proc_signame(int sig);
/* fork(): the child's pid, or a negative errno. */
int proc_fork(struct trap_frame *tf);
/* wait4(): see proc.c. */
int proc_wait4(int pid, int *wstatus, int options);

/* Boot options: eager copying at fork (`fork.copy`), for the benchmarks'
 * comparison with copy-on-write. */
extern bool proc_fork_eager;

/* For proc/spawn.c: the pieces of a new process (proc.c). */
extern struct proc *proc_init_proc; /* pid 1 while it lives */
struct proc *proc_alloc(const char *name);
void proc_publish(struct proc *p, struct proc *parent);
void proc_discard(struct proc *p);
struct trap_frame *proc_user_frame(uint32_t entry, uint32_t sp);
int proc_enter_user(void *arg);
/* Free parentless zombies nobody waits for. */
void proc_sweep(void);

/* The areas (proc/vma.c). */
struct vma *vma_find(struct proc *p, uint32_t va);
/* Add [start, end) with prot; false if the table is full. */
bool vma_add(struct proc *p, uint32_t start, uint32_t end, uint8_t prot,
	     uint8_t kind);
/* Remove [start, end) from every area (splitting them); false if a split
 * needs a slot the table does not have.  Pages are unmapped too. */
bool vma_remove(struct proc *p, uint32_t start, uint32_t end);
/* Set prot on [start, end), which must be fully covered: 0 or -errno. */
int vma_protect(struct proc *p, uint32_t start, uint32_t end, uint8_t prot);
/* A free gap of len bytes for mmap, top-down below USER_MMAP_TOP; 0. */
uint32_t vma_gap(struct proc *p, uint32_t len);
/* Make va present (and writable if write): a lazy zero page, a
 * copy-on-write copy, a page read back from swap, or a traced page made
 * visible (proc/resident.c).  0, -EFAULT (no area, no permission),
 * -ENOMEM, -ENOSPC (out of swap), -EIO (swap I/O failed). */
int proc_resolve(struct proc *p, uint32_t va, bool write);

/* Swap (proc/swap.h has the rest).  Boot: slots on the disk (if any),
 * vm.frames= and vm.policy= (proc/swap.c). */
void swap_init(void);
/* The child's resident set: a copy of the parent's (proc/resident.c). */
int resident_fork(struct proc *child, struct proc *parent);
/* p's address space is about to go (exit, exec): wait for its page-outs
 * in flight, free its resident set (proc/resident.c). */
void resident_exit(struct proc *p);

/* The exceptions of user code (proc/fault.c). */
void fault_init(void);
/* FPU ownership (proc/fault.c): the lazy x87 switch. */
void fpu_proc_gone(struct proc *p);
void fpu_copy(struct proc *dst, struct proc *src);

#endif
