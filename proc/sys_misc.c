/*
 * sys_misc — process calls (fork, execve, wait4, exit, kill), time, the
 * thread-area (TLS) call, signal dispositions, and keel's own calls.
 */
#include "arch/gdt.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "proc/exec.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include "proc/uaccess.h"

#define A1 (tf->ebx)
#define A2 (tf->ecx)
#define A3 (tf->edx)
#define A4 (tf->esi)

#define SIG_DFL		0u
#define SIG_IGN		1u
#define SIGCHLD_ONLY	0x11 /* clone flags of a plain fork: SIGCHLD */
#define CLOCK_REALTIME	0
#define CLOCK_MONOTONIC 1
#define NSEC_PER_SEC	1000000000u

static int32_t sys_exit(struct trap_frame *tf)
{
	proc_exit(WSTATUS_EXITED(A1));
}

static int32_t sys_fork(struct trap_frame *tf)
{
	return proc_fork(tf);
}

static int32_t sys_clone(struct trap_frame *tf)
{
	/* Only clone's fork: threads (CLONE_VM ...) come with the
	 * concurrency work. */
	if (A1 != SIGCHLD_ONLY || A2 != 0)
		return -ENOSYS;
	return proc_fork(tf);
}

static int32_t sys_execve(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	struct exec_args args;
	struct exec_image img;
	char path[256];
	int rc = copy_str_from_user(path, A1, sizeof(path));
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

static int32_t do_kill(int32_t pid, uint32_t sig)
{
	struct proc *p;
	if (sig >= NSIG)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL; /* process groups and "everyone": not yet */
	p = proc_find(pid);
	if (!p)
		return -ESRCH;
	return proc_signal(p, (int)sig);
}

static int32_t sys_kill(struct trap_frame *tf)
{
	return do_kill((int32_t)A1, A2);
}

static int32_t sys_tkill(struct trap_frame *tf)
{
	return do_kill((int32_t)A1, A2); /* one thread a process: tid = pid */
}

static int32_t sys_tgkill(struct trap_frame *tf)
{
	if (A1 != A2)
		return -ESRCH;
	return do_kill((int32_t)A2, A3);
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
	return task_current()->sigpending ? -EINTR : 0;
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
	uint32_t d[4];
	int rc = copy_from_user(d, A1, sizeof(d));
	uint32_t flags;
	if (rc < 0)
		return rc;
	if (d[0] == 0xFFFFFFFFu) {
		d[0] = GDT_TLS_INDEX;
		rc = copy_to_user(A1, d, 4);
		if (rc < 0)
			return rc;
	} else if (d[0] != GDT_TLS_INDEX) {
		return -EINVAL;
	}
	flags = d[3];
	/* bits: 0 seg_32bit, 1-2 contents, 3 read_exec_only,
	 * 4 limit_in_pages, 5 seg_not_present, 6 useable */
	if (((flags >> 1) & 3) != 0) /* only data segments */
		return -EINVAL;
	task_current()->tls =
	    gdt_tls_encode(d[1], d[2], (flags >> 4) & 1, !((flags >> 5) & 1));
	gdt_set_tls(task_current()->tls);
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

static int32_t sys_set_tid_address(struct trap_frame *tf)
{
	/* One thread a process: nobody waits on the address yet (threads,
	 * with CLONE_CHILD_CLEARTID, will). */
	(void)tf;
	return proc_current()->pid;
}

/* rt_sigaction: default and ignored dispositions only (handlers come
 * with the signals work); struct k_sigaction {handler, flags, restorer,
 * mask}. */
static int32_t sys_rt_sigaction(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	uint32_t sig = A1, act[4], bit;
	int rc;
	if (sig == 0 || sig >= 32 || (A4 != 8 && A4 != 0))
		return -EINVAL;
	bit = 1u << sig;
	if (A2) {
		rc = copy_from_user(act, A2, 12);
		if (rc < 0)
			return rc;
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (act[0] != SIG_DFL && act[0] != SIG_IGN)
			return -EINVAL; /* handlers: not yet */
	}
	if (A3) {
		uint32_t old[5] = {(p->sig_ignored & bit) ? SIG_IGN : SIG_DFL};
		rc = copy_to_user(A3, old, 20);
		if (rc < 0)
			return rc;
	}
	if (A2) {
		if (act[0] == SIG_IGN) {
			p->sig_ignored |= bit;
			task_current()->sigpending &= ~bit;
		} else {
			p->sig_ignored &= ~bit;
		}
	}
	return 0;
}

static int32_t sys_rt_sigprocmask(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	uint32_t set[2], how = A1;
	int rc;
	if (A4 != 8)
		return -EINVAL;
	if (A3) {
		uint32_t old[2] = {p->sig_blocked, 0};
		rc = copy_to_user(A3, old, 8);
		if (rc < 0)
			return rc;
	}
	if (A2) {
		rc = copy_from_user(set, A2, 8);
		if (rc < 0)
			return rc;
		set[0] &= ~((1u << SIGKILL) | (1u << SIGSTOP));
		if (how == 0)
			p->sig_blocked |= set[0];
		else if (how == 1)
			p->sig_blocked &= ~set[0];
		else if (how == 2)
			p->sig_blocked = set[0];
		else
			return -EINVAL;
	}
	return 0;
}

/*
 * Free frames, for usertests' leak check: the kernel heap first gives
 * back its free tail, which it otherwise keeps up to three pages of (a
 * bigger struct task moves where the heap ends, not what it holds).
 */
static int32_t sys_keel_free_frames(struct trap_frame *tf)
{
	(void)tf;
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

static int32_t sys_keel_open_files(struct trap_frame *tf)
{
	(void)tf;
	return (int32_t)file_count();
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
	syscall_set(37, "kill", "dd", sys_kill);
	syscall_set(47, "getgid", "", sys_zero);
	syscall_set(49, "geteuid", "", sys_zero);
	syscall_set(50, "getegid", "", sys_zero);
	syscall_set(64, "getppid", "", sys_getppid);
	syscall_set(78, "gettimeofday", "pp", sys_gettimeofday);
	syscall_set(114, "wait4", "dpxp", sys_wait4);
	syscall_set(120, "clone", "xpppp", sys_clone);
	syscall_set(122, "uname", "p", sys_uname);
	syscall_set(158, "sched_yield", "", sys_sched_yield);
	syscall_set(162, "nanosleep", "pp", sys_nanosleep);
	syscall_set(174, "rt_sigaction", "dppd", sys_rt_sigaction);
	syscall_set(175, "rt_sigprocmask", "dppd", sys_rt_sigprocmask);
	syscall_set(199, "getuid32", "", sys_zero);
	syscall_set(200, "getgid32", "", sys_zero);
	syscall_set(201, "geteuid32", "", sys_zero);
	syscall_set(202, "getegid32", "", sys_zero);
	syscall_set(224, "gettid", "", sys_getpid);
	syscall_set(238, "tkill", "dd", sys_tkill);
	syscall_set(243, "set_thread_area", "p", sys_set_thread_area);
	syscall_set(252, "exit_group", "d", sys_exit);
	syscall_set(258, "set_tid_address", "p", sys_set_tid_address);
	syscall_set(265, "clock_gettime", "dp", sys_clock_gettime);
	syscall_set(267, "clock_nanosleep", "dxpp", sys_clock_nanosleep);
	syscall_set(270, "tgkill", "ddd", sys_tgkill);
	syscall_set(403, "clock_gettime64", "dp", sys_clock_gettime64);
	syscall_set(SYS_KEEL_FREE_FRAMES, "keel_free_frames", "",
		    sys_keel_free_frames);
	syscall_set(SYS_KEEL_OPEN_FILES, "keel_open_files", "",
		    sys_keel_open_files);
	syscall_set(SYS_KEEL_TICKETS, "keel_tickets", "dd", sys_keel_tickets);
}
