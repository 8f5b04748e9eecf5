/*
 * sys_misc — process calls (fork, execve, wait4, exit), time, the
 * thread-area (TLS) call and keel's own calls (signals: sys_signal.c).
 */
#include "arch/gdt.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/swapslot.h"
#include "proc/exec.h"
#include "proc/proc.h"
#include "proc/swap.h"
#include "proc/syscall.h"
#include "proc/thread.h"
#include "proc/uaccess.h"

#define A1 (tf->ebx)
#define A2 (tf->ecx)
#define A3 (tf->edx)
#define A4 (tf->esi)
#define A5 (tf->edi)
#define A6 (tf->ebp)

#define SIGCHLD_ONLY	0x11 /* clone flags of a plain fork: SIGCHLD */
#define CLOCK_REALTIME	0
#define CLOCK_MONOTONIC 1
#define NSEC_PER_SEC	1000000000u

/* exit ends the calling thread (the process with its last thread);
 * exit_group ends every thread of the process. */
static int32_t sys_exit(struct trap_frame *tf)
{
	thread_exit((int)A1);
}

static int32_t sys_exit_group(struct trap_frame *tf)
{
	proc_exit(WSTATUS_EXITED(A1));
}

static int32_t sys_fork(struct trap_frame *tf)
{
	return proc_fork(tf);
}

/*
 * clone(flags, newsp, ptid, tls, ctid): a fork (flags SIGCHLD, no new
 * stack) or a thread (thread.h: the flags musl's pthread_create uses).
 * Anything else — vfork-style sharing without CLONE_THREAD, a fork with
 * other flags — is refused with -EINVAL.
 */
static int32_t sys_clone(struct trap_frame *tf)
{
	if (A1 & CLONE_THREAD)
		return thread_clone(tf, A1, A2, A3, A4, A5);
	if (A1 != SIGCHLD_ONLY || A2 != 0)
		return -EINVAL;
	return proc_fork(tf);
}

static int32_t sys_execve(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	struct exec_args args;
	struct exec_image img;
	char path[256];
	int rc;
	if (p->group_killer)
		return -EINTR; /* another thread ends the group: so this one */
	rc = copy_str_from_user(path, A1, sizeof(path));
	if (rc == 0)
		return -ENOENT;
	if (rc < 0)
		return rc;
	rc = exec_args_from_user(&args, A2, A3);
	if (rc < 0)
		return rc;
	rc = exec_load(path, &args, &img);
	exec_args_free(&args);
	if (rc < 0)
		return rc; /* the caller is as it was */
	/* Linux's rule: execve from one thread ends all the others, and the
	 * caller carries on as the group's first thread (tid = pid). */
	if (p->nthreads > 1)
		thread_kill_others(p, task_current());
	p->task = task_current();
	p->task->tid = p->pid;
	p->task->clear_child_tid = 0;
	exec_commit(p, &img);
	/* Return to the new program's entry on its new stack, registers
	 * cleared (the ABI leaves them unspecified; Linux zeroes them). */
	tf->edi = tf->esi = tf->ebp = tf->ebx = tf->edx = tf->ecx = 0;
	tf->eip = img.entry;
	tf->esp = img.sp;
	tf->gs = tf->fs = tf->es = tf->ds = SEL_UDATA;
	tf->eflags = EFLAGS_IF | EFLAGS_RESERVED1;
	return 0;
}

static int32_t do_wait(uint32_t pid, uint32_t ustatus, uint32_t options,
		       uint32_t rusage)
{
	int ws = 0, rc;
	if (options & ~1u)
		return -EINVAL; /* only WNOHANG */
	if ((int32_t)pid < -1 || pid == 0)
		return -EINVAL; /* process groups: not yet */
	/* Check the pointers before a child is reaped into them. */
	if ((ustatus && (rc = uaccess_check(ustatus, 4, true)) < 0) ||
	    (rusage && (rc = uaccess_check(rusage, 72, true)) < 0))
		return rc;
	rc = proc_wait4((int32_t)pid, &ws, (int)options);
	if (rc > 0 && ustatus)
		copy_to_user(ustatus, &ws, 4);
	if (rc > 0 && rusage) {
		uint8_t zero[72] = {0};
		copy_to_user(rusage, zero, sizeof(zero));
	}
	return rc;
}

static int32_t sys_wait4(struct trap_frame *tf)
{
	return do_wait(A1, A2, A3, A4);
}

static int32_t sys_waitpid(struct trap_frame *tf)
{
	return do_wait(A1, A2, A3, 0);
}

static int32_t sys_getpid(struct trap_frame *tf)
{
	(void)tf;
	return proc_current()->pid;
}

static int32_t sys_getppid(struct trap_frame *tf)
{
	struct proc *parent = proc_current()->parent;
	(void)tf;
	return parent ? parent->pid : 0;
}

static int32_t sys_gettid(struct trap_frame *tf)
{
	(void)tf;
	return task_current()->tid;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3) (thread.h). */
static int32_t sys_futex(struct trap_frame *tf)
{
	return futex_call(A1, A2, A3, A4, A5, A6, false);
}

static int32_t sys_futex_time64(struct trap_frame *tf)
{
	return futex_call(A1, A2, A3, A4, A5, A6, true);
}

static int32_t sys_sched_yield(struct trap_frame *tf)
{
	(void)tf;
	task_yield();
	return 0;
}

/* Sleep for a 32-bit timespec: rounded up to whole ticks. */
static int32_t sleep_for(uint64_t sec, uint64_t nsec)
{
	uint64_t hz = time_hz(), ticks;
	if (nsec >= NSEC_PER_SEC)
		return -EINVAL;
	ticks = sec * hz + (nsec * hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
	if (ticks > 0xFFFFFFFFu)
		ticks = 0xFFFFFFFFu;
	task_sleep((uint32_t)ticks);
	return task_signal_pending() ? -EINTR : 0;
}

static int32_t sys_nanosleep(struct trap_frame *tf)
{
	int32_t ts[2];
	int rc = copy_from_user(ts, A1, sizeof(ts));
	if (rc < 0)
		return rc;
	if (ts[0] < 0 || ts[1] < 0)
		return -EINVAL;
	return sleep_for((uint32_t)ts[0], (uint32_t)ts[1]);
}

static int32_t sys_clock_nanosleep(struct trap_frame *tf)
{
	int32_t ts[2];
	int rc;
	if (A1 != CLOCK_REALTIME && A1 != CLOCK_MONOTONIC)
		return -EINVAL;
	if (A2 != 0)
		return -EINVAL; /* TIMER_ABSTIME: not yet */
	rc = copy_from_user(ts, A3, sizeof(ts));
	if (rc < 0)
		return rc;
	if (ts[0] < 0 || ts[1] < 0)
		return -EINVAL;
	return sleep_for((uint32_t)ts[0], (uint32_t)ts[1]);
}

/* Time since boot; keel has no calendar clock, so REALTIME starts at the
 * epoch at boot. */
static void now(uint64_t *sec, uint32_t *nsec)
{
	uint64_t t = time_ticks(), hz = time_hz();
	*sec = t / hz;
	*nsec = (uint32_t)((t % hz) * NSEC_PER_SEC / hz);
}

static int32_t sys_clock_gettime(struct trap_frame *tf)
{
	uint64_t s;
	uint32_t ns, ts[2];
	if (A1 > 7)
		return -EINVAL;
	now(&s, &ns);
	ts[0] = (uint32_t)s;
	ts[1] = ns;
	return copy_to_user(A2, ts, sizeof(ts));
}

static int32_t sys_clock_gettime64(struct trap_frame *tf)
{
	uint64_t s, ts[2];
	uint32_t ns;
	if (A1 > 7)
		return -EINVAL;
	now(&s, &ns);
	ts[0] = s;
	ts[1] = ns;
	return copy_to_user(A2, ts, sizeof(ts));
}

static int32_t sys_gettimeofday(struct trap_frame *tf)
{
	uint64_t s;
	uint32_t ns, tv[2];
	now(&s, &ns);
	tv[0] = (uint32_t)s;
	tv[1] = ns / 1000;
	return A1 ? copy_to_user(A1, tv, sizeof(tv)) : 0;
}

static int32_t sys_time(struct trap_frame *tf)
{
	uint64_t s;
	uint32_t ns, t;
	now(&s, &ns);
	t = (uint32_t)s;
	if (A1) {
		int rc = copy_to_user(A1, &t, 4);
		if (rc < 0)
			return rc;
	}
	return (int32_t)t;
}

static int32_t sys_uname(struct trap_frame *tf)
{
	/* struct new_utsname: six fields of 65 bytes. */
	char u[6][65];
	memset(u, 0, sizeof(u));
	strlcpy(u[0], "keel", 65);
	strlcpy(u[1], "keel", 65);
	strlcpy(u[2], "0.1", 65);
	strlcpy(u[3], "#1", 65);
	strlcpy(u[4], "i686", 65);
	strlcpy(u[5], "(none)", 65);
	return copy_to_user(A1, u, sizeof(u));
}

static int32_t sys_zero(struct trap_frame *tf)
{
	(void)tf;
	return 0; /* getuid and friends: everyone is root */
}

/*
 * set_thread_area: the TLS segment (struct user_desc).  musl points %gs at
 * a descriptor whose base is its thread block, so %gs:0 reads the thread
 * pointer: x86 segmentation's one remaining job in a flat model.  keel has
 * one TLS slot (GDT entry GDT_TLS_INDEX), reloaded at every switch.
 */
static int32_t sys_set_thread_area(struct trap_frame *tf)
{
	uint64_t desc;
	uint32_t flags;
	int rc = thread_read_tls(A1, &desc, &flags);
	if (rc < 0)
		return rc;
	task_current()->tls = desc; /* this thread's own */
	gdt_set_tls(desc);
	/* A segment register still holding the selector of a descriptor now
	 * marked not present would fault as the kernel reloads it on the way
	 * out (trap_return's pops, in ring 0): it is cleared instead. */
	if ((flags >> 5) & 1) {
		uint32_t *segs[] = {&tf->gs, &tf->fs, &tf->es, &tf->ds};
		for (int i = 0; i < 4; i++)
			if ((*segs[i] & 0xFFFF) == SEL_TLS)
				*segs[i] = 0;
	}
	return 0;
}

/* The address zeroed and futex-woken when this thread exits, as
 * CLONE_CHILD_CLEARTID sets it; returns the tid. */
static int32_t sys_set_tid_address(struct trap_frame *tf)
{
	task_current()->clear_child_tid = A1;
	return task_current()->tid;
}

/*
 * Free frames, for usertests' leak check: the kernel heap first gives
 * back its free tail, which it otherwise keeps up to three pages of (a
 * bigger struct task moves where the heap ends, not what it holds).
 */
static int32_t sys_keel_free_frames(struct trap_frame *tf)
{
	(void)tf;
	/* The heap's free pages at its end count as free: without this a
	 * leak check would see the trim hysteresis as a leak. */
	kheap_release();
	return (int32_t)frame_free_count();
}

/* keel_tickets(pid, n): a process's lottery/stride tickets (its share of
 * the CPU under sched.policy=lottery or stride); n 0 only reads them.
 * Returns the tickets now, -ESRCH, or -EINVAL for n past the limit. */
static int32_t sys_keel_tickets(struct trap_frame *tf)
{
	struct proc *p =
	    (int32_t)A1 == 0 ? proc_current() : proc_find((int32_t)A1);
	if (!p || p->state != PROC_ALIVE)
		return -ESRCH;
	if (A2 != 0 && sched_set_tickets(p->task, A2) < 0)
		return -EINVAL;
	return (int32_t)sched_tickets(p->task);
}

static int32_t sys_keel_kstat(struct trap_frame *tf)
{
	switch (A1) {
	case KSTAT_HEAP_BYTES:
		return (int32_t)kheap_bytes_in_use();
	case KSTAT_TASKS:
		return (int32_t)task_count();
	case KSTAT_FUTEX_WAITERS:
		return (int32_t)futex_waiters();
	default:
		return -EINVAL;
	}
}

static int32_t sys_keel_open_files(struct trap_frame *tf)
{
	(void)tf;
	return (int32_t)file_count();
}

/* keel_vm_limit(req): p's resident limit and policy (struct
 * keel_vm_limit_req, proc/swap.h).  0, -EFAULT, -EINVAL, -ENOMEM. */
static int32_t sys_keel_vm_limit(struct trap_frame *tf)
{
	struct keel_vm_limit_req r;
	int rc = copy_from_user(&r, A1, sizeof(r));
	if (rc < 0)
		return rc;
	return resident_set_limit(proc_current(), &r);
}

/* keel_vm_trace(buf, max): buf[0] references so far, [1] the last was a
 * hit, [2] its victim page (-1: none), [3] resident pages, then up to
 * max - 4 of them in the policy's order.  The pages given, or -errno. */
static int32_t sys_keel_vm_trace(struct trap_frame *tf)
{
	uint32_t buf[4 + 64];
	uint32_t max = A2 < 4 + 64 ? A2 : 4 + 64;
	int n = resident_trace_report(proc_current(), buf, max);
	if (n < 0)
		return n;
	int rc = copy_to_user(A1, buf, (4 + (uint32_t)n) * 4);
	return rc < 0 ? rc : n;
}

/* keel_vm_stat(pid, out): out[0..5] the counters of enum vm_event for
 * pid (0: the caller, -1: the whole kernel), [6] its resident pages,
 * [7] swap slots in use, [8] swap slots in all, [9] free frames. */
static int32_t sys_keel_vm_stat(struct trap_frame *tf)
{
	uint64_t out[10];
	struct proc *p = NULL;
	if ((int32_t)A1 == -1) {
		swap_totals(out);
	} else {
		p = (int32_t)A1 == 0 ? proc_current() : proc_find((int32_t)A1);
		if (!p || p->state != PROC_ALIVE)
			return -ESRCH;
		for (int i = 0; i < VM_NEVENTS; i++)
			out[i] = p->vmc.n[i];
	}
	out[6] = p ? resident_count(p) : 0;
	out[7] = swapslot_used();
	out[8] = swapslot_total();
	kheap_release(); /* as keel_free_frames: the trim hysteresis */
	out[9] = frame_free_count();
	return copy_to_user(A2, out, sizeof(out));
}

void sys_misc_init(void)
{
	syscall_set(1, "exit", "d", sys_exit);
	syscall_set(2, "fork", "", sys_fork);
	syscall_set(7, "waitpid", "dpx", sys_waitpid);
	syscall_set(11, "execve", "spp", sys_execve);
	syscall_set(13, "time", "p", sys_time);
	syscall_set(20, "getpid", "", sys_getpid);
	syscall_set(24, "getuid", "", sys_zero);
	syscall_set(47, "getgid", "", sys_zero);
	syscall_set(49, "geteuid", "", sys_zero);
	syscall_set(50, "getegid", "", sys_zero);
	syscall_set(64, "getppid", "", sys_getppid);
	syscall_set(78, "gettimeofday", "pp", sys_gettimeofday);
	syscall_set(114, "wait4", "dpxp", sys_wait4);
	syscall_set(120, "clone", "Cpppp", sys_clone);
	syscall_set(122, "uname", "p", sys_uname);
	syscall_set(158, "sched_yield", "", sys_sched_yield);
	syscall_set(162, "nanosleep", "pp", sys_nanosleep);
	syscall_set(199, "getuid32", "", sys_zero);
	syscall_set(200, "getgid32", "", sys_zero);
	syscall_set(201, "geteuid32", "", sys_zero);
	syscall_set(202, "getegid32", "", sys_zero);
	syscall_set(224, "gettid", "", sys_gettid);
	syscall_set(243, "set_thread_area", "p", sys_set_thread_area);
	syscall_set(240, "futex", "pFdppx", sys_futex);
	syscall_set(252, "exit_group", "d", sys_exit_group);
	syscall_set(258, "set_tid_address", "p", sys_set_tid_address);
	syscall_set(265, "clock_gettime", "dp", sys_clock_gettime);
	syscall_set(267, "clock_nanosleep", "dxpp", sys_clock_nanosleep);
	syscall_set(403, "clock_gettime64", "dp", sys_clock_gettime64);
	syscall_set(422, "futex_time64", "pFdppx", sys_futex_time64);
	syscall_set(SYS_KEEL_FREE_FRAMES, "keel_free_frames", "",
		    sys_keel_free_frames);
	syscall_set(SYS_KEEL_OPEN_FILES, "keel_open_files", "",
		    sys_keel_open_files);
	syscall_set(SYS_KEEL_TICKETS, "keel_tickets", "dd", sys_keel_tickets);
	syscall_set(SYS_KEEL_KSTAT, "keel_kstat", "d", sys_keel_kstat);
	syscall_set(SYS_KEEL_VM_LIMIT, "keel_vm_limit", "p", sys_keel_vm_limit);
	syscall_set(SYS_KEEL_VM_TRACE, "keel_vm_trace", "pd",
		    sys_keel_vm_trace);
	syscall_set(SYS_KEEL_VM_STAT, "keel_vm_stat", "dp", sys_keel_vm_stat);
}
