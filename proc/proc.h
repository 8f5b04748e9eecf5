/*
 * proc — processes: a user address space, its threads, open files, a
 * parent.
 *
 * The process abstraction of the source documents (000_*: a running
 * program, its address space, registers and open files; process states;
 * 001_*: fork, exec, wait): a process is a group of kernel tasks
 * (sched/task.h), its threads (proc/thread.h; one until it clones), each
 * of which spends its life in ring 3 and enters the kernel by a trap — a
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
#include "proc/signum.h"
#include "proc/vmstat.h"
#include "sched/task.h"

#define PROC_NAME_MAX 16
#define PROC_FDS      32
/* Areas: the table starts at PROC_VMAS_MIN and doubles up to PROC_VMAS
 * (each thread's stack and its guard page take two). */
#define PROC_VMAS_MIN 64 /* >= an exec image's areas (exec.c) */
#define PROC_VMAS     512

/* Memory protections (mmap's PROT_*). */
#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

/* VMA_SHM: a System V segment attached by shmat (proc/ipc.h). */
enum vma_kind { VMA_IMAGE, VMA_HEAP, VMA_MMAP, VMA_STACK, VMA_SHM };

#define VMA_SHARED 0x01 /* struct vma's flags: MAP_SHARED (or shmat) */

struct shmem;
struct sem_undo;

/*
 * One area.  A file-backed area (program text and data, loaded on first
 * touch) says where its bytes come from: [file_va, file_va + file_len)
 * holds file[0 .. file_len), every other byte of the area reads as zero
 * (bss).  A shared area's pages are the frames of a shared memory object
 * (mm/shmem.h), page (va - start) / PAGE_SIZE + shm_pgoff of it.
 */
struct vma {
	uint32_t start, end; /* page-aligned, [start, end) */
	uint8_t prot;	     /* PROT_* */
	uint8_t kind;	     /* enum vma_kind */
	uint8_t flags;	     /* VMA_SHARED */
	union {
		struct {		     /* file-backed (private) */
			const uint8_t *file; /* the initrd's bytes, or NULL */
			uint32_t file_va, file_len;
		};
		struct {		   /* VMA_SHARED */
			struct shmem *shm; /* holds one reference */
			uint32_t shm_pgoff;
		};
	};
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
	/* The thread group (proc/thread.h): the live threads, linked by
	 * task.thread_next (task is one of them, the first while it lives);
	 * threads that exited, until their tasks are freed; the thread
	 * ending all the others (exit_group, a fatal signal, execve), and
	 * where it waits for them. */
	struct task *threads;
	int nthreads;
	struct task *dead_threads;
	struct task *group_killer;
	struct wait_queue threads_wq;
	struct wait_queue child_wq; /* this process waits here for children */
	struct wait_queue exit_wq;  /* the kernel waits here (proc_wait) */
	bool kernel_waits;	    /* proc_wait will reap it */
	int wstatus;		    /* wait4's status word, once a zombie */

	struct vm_space *vm;
	struct vma *vma; /* nvma areas by address; room for vma_cap */
	int nvma, vma_cap;
	int vma_hint;		 /* vma_find's last answer: looked at first */
	uint32_t brk_start, brk; /* the heap: [brk_start, brk) */

	struct file *fd[PROC_FDS];
	uint32_t cloexec; /* bit n: close fd n at execve */

	/* Signals (proc/signal.h): the dispositions and who sent each
	 * pending signal (NULL until the first rt_sigaction: all SIG_DFL),
	 * shared by the threads; process-directed signals pending. */
	struct sighand *sighand;
	uint64_t sigpending;
	struct trap_frame *tf; /* its first user frame, until it runs */
	uint64_t syscalls;     /* system calls made */
	uint64_t cow_faults, lazy_faults;
	uint64_t file_faults;	   /* pages loaded from the program file */
	struct sem_undo *sem_undo; /* System V semaphores' SEM_UNDO (ipc.h) */
	struct resident *rs;	   /* its resident set (proc/resident.c) */
	struct vm_counters vmc;	   /* minor/major faults, swap-ins... */
};

/* Linux's wait status: exit code or signal (sys/wait.h's macros). */
#define WSTATUS_EXITED(code)  (((code)&0xff) << 8)
#define WSTATUS_SIGNALED(sig) ((sig)&0x7f)

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
/* Send a signal from the kernel (signal_send): 0, or -EINVAL. */
int proc_signal(struct proc *p, int sig);
/* The same, directed at thread t of p (tkill, tgkill). */
int proc_signal_thread(struct proc *p, struct task *t, int sig);
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

/* The next pid or tid: one counter for both, as in Linux. */
int proc_next_id(void);
/* The head of the list of every process (linked by all_next). */
struct proc *proc_first(void);

/* For proc/spawn.c: the pieces of a new process (proc.c). */
extern struct proc *proc_init_proc; /* pid 1 while it lives */
struct proc *proc_alloc(const char *name);
void proc_publish(struct proc *p, struct proc *parent);
void proc_discard(struct proc *p);
struct trap_frame *proc_user_frame(uint32_t entry, uint32_t sp);
int proc_enter_user(void *arg);
/* Free parentless zombies nobody waits for. */
void proc_sweep(void);

/* The thread group (proc/thread.c; thread.h has the rest). */
/* The first thread of a new process (spawn, fork): tid = pid. */
void thread_attach_main(struct proc *p, struct task *t);
/*
 * Leave the group without ending the process (an exit of one thread, or
 * a thread the group's killer ended).  Interrupts off.  Never returns.
 */
__attribute__((noreturn)) void thread_leave(struct proc *p, struct task *t);
/*
 * Make the calling thread the only one of p: SIGKILL to every other
 * thread, then wait until they have left.  For exit_group, a fatal
 * signal and execve.  Interrupts off.
 */
void thread_kill_others(struct proc *p, struct task *self);
/* Free the tasks of p's exited threads. */
void thread_reap_dead(struct proc *p);
/* The thread with this tid in p, or in any process (p NULL); NULL. */
struct task *thread_find(struct proc *p, int tid);

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
/* A process ends: apply and drop its System V semaphores' SEM_UNDO
 * adjustments (proc/ipc_sem.c). */
void ipc_sem_exit(struct proc *p);
/* After copying a parent's areas into a child (fork): each shared
 * object gains the child's references. */
void vma_dup_all(struct proc *p);
/* Drop every area (exit, exec's old program): shared objects lose their
 * references.  The pages themselves go with the address space. */
void vma_drop_all(struct proc *p);
/* Make va present (and writable if write): a lazy zero page, a page of
 * the program file, a shared object's page or a copy-on-write copy
 * (proc/vma.h).  0, -EFAULT (no area, no permission), -ENOMEM. */
int proc_resolve(struct proc *p, uint32_t va, bool write);

/* The signal code's part in a process's life (proc/signal.c; the rest
 * of it is proc/signal.h's). */
/* Install the trap path's user hook and the console's Ctrl-C. */
void signal_init(void);
/* A child of p ended with wait status wstatus: SIGCHLD. */
void signal_child_exit(struct proc *parent, int pid, int wstatus);
/* fork: the child gets the parent's dispositions (0, or -ENOMEM), and
 * its thread the calling thread's mask, nothing pending. */
int signal_fork(struct proc *child);
void signal_fork_task(struct task *child_task);
/* SIGKILL to one thread of a group being ended (thread_kill_others): it
 * leaves any wait and exits on its way back to user mode. */
void signal_kill_thread(struct task *t);
/* The process is gone (exit, or a fork that failed): its table too. */
void signal_proc_gone(struct proc *p);
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
/* FPU ownership (proc/fault.c): the lazy x87 switch, per thread. */
void fpu_task_gone(struct task *t);
void fpu_copy(struct task *dst, struct task *src);
/* fnsave's 32-bit protected-mode image: the x87 state a signal frame
 * carries (proc/sigframe.c). */
#define FPU_STATE_SIZE 108
/* Before a handler runs: thread t's x87 state into buf, if it has one
 * (true), and a fresh FPU for the handler. */
bool fpu_take(struct task *t, uint8_t *buf);
/* At sigreturn: buf (NULL: none) becomes t's x87 state.  False without
 * memory for it. */
bool fpu_give(struct task *t, const uint8_t *buf);

#endif
