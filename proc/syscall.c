/*
 * syscall — the int $0x80 gate, the call table and the trace (syscall.h).
 */
#include "proc/syscall.h"

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "lib/errno.h"
#include "proc/ipc.h"
#include "proc/proc.h"
#include "proc/swap.h"
#include "proc/uaccess.h"

#define NSYSCALLS 1012 /* numbers 0 .. 1011 */

struct syscall_entry {
	syscall_fn_t fn;
	const char *name;
	/* One letter per argument, for the trace: d decimal, x hex, s a
	 * string (shown if readable), p a pointer, o octal, S a signal
	 * number (SIGUSR1), C clone's flags, F a futex operation. */
	const char *args;
};

static struct syscall_entry table[NSYSCALLS];
static int trace_pid; /* 0: none, -1: every process */

void syscall_set(uint32_t nr, const char *name, const char *args,
		 syscall_fn_t fn)
{
	table[nr] = (struct syscall_entry){fn, name, args};
}

bool syscall_traces(int pid)
{
	return trace_pid && (trace_pid < 0 || trace_pid == pid);
}

void syscall_trace(int pid)
{
	trace_pid = pid;
}

int syscall_traced(void)
{
	return trace_pid;
}

/* clone's flags as strace(1) writes them: CLONE_VM|CLONE_FS|...|SIGCHLD. */
static void trace_clone_flags(uint32_t v)
{
	static const char *const names[32] = {
	    [8] = "CLONE_VM",
	    [9] = "CLONE_FS",
	    [10] = "CLONE_FILES",
	    [11] = "CLONE_SIGHAND",
	    [12] = "CLONE_PIDFD",
	    [13] = "CLONE_PTRACE",
	    [14] = "CLONE_VFORK",
	    [15] = "CLONE_PARENT",
	    [16] = "CLONE_THREAD",
	    [17] = "CLONE_NEWNS",
	    [18] = "CLONE_SYSVSEM",
	    [19] = "CLONE_SETTLS",
	    [20] = "CLONE_PARENT_SETTID",
	    [21] = "CLONE_CHILD_CLEARTID",
	    [22] = "CLONE_DETACHED",
	    [23] = "CLONE_UNTRACED",
	    [24] = "CLONE_CHILD_SETTID",
	};
	const char *sep = "";
	for (int b = 8; b < 32; b++)
		if (v & (1u << b)) {
			if (names[b])
				kprintf("%s%s", sep, names[b]);
			else
				kprintf("%s0x%x", sep, 1u << b);
			sep = "|";
		}
	if (v & 0xff)
		kprintf("%s%s", sep, proc_signame((int)(v & 0xff)));
	else if (!*sep)
		kprintf("0");
}

/* futex's operation: FUTEX_WAIT_PRIVATE, FUTEX_WAKE, ... */
static void trace_futex_op(uint32_t v)
{
	static const char *const ops[] = {
	    "FUTEX_WAIT",	 "FUTEX_WAKE",	      "FUTEX_FD",
	    "FUTEX_REQUEUE",	 "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP",
	    "FUTEX_LOCK_PI",	 "FUTEX_UNLOCK_PI",   "FUTEX_TRYLOCK_PI",
	    "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET",
	};
	uint32_t cmd = v & 127;
	if (cmd < sizeof(ops) / sizeof(ops[0]))
		kprintf("%s", ops[cmd]);
	else
		kprintf("%u", cmd);
	if (v & 128)
		kprintf("_PRIVATE");
	if (v & 256)
		kprintf("|FUTEX_CLOCK_REALTIME");
	if (v & ~511u)
		kprintf("|0x%x", v & ~511u);
}

static void trace_arg(char kind, uint32_t v)
{
	char s[48];
	int n;
	switch (kind) {
	case 'd':
		kprintf("%d", (int)v);
		break;
	case 'o':
		kprintf("0%o", v);
		break;
	case 'S':
		if (v > 0 && v < NSIG && proc_signame((int)v)[0] == 'S')
			kprintf("%s", proc_signame((int)v));
		else
			kprintf("%d", (int)v);
		break;
	case 'C':
		trace_clone_flags(v);
		break;
	case 'F':
		trace_futex_op(v);
		break;
	case 's':
		n = copy_str_from_user(s, v, sizeof(s));
		if (n >= 0)
			kprintf("\"%s\"", s);
		else if (n == -ENAMETOOLONG)
			kprintf("\"%.*s\"...", (int)sizeof(s) - 1, s);
		else
			kprintf("0x%08x", v);
		break;
	case 'I': /* ipc(2)'s operation */
		if (ipc_call_name(v))
			kprintf("%s", ipc_call_name(v));
		else
			kprintf("%u", v);
		break;
	default:
		kprintf(v ? "0x%08x" : "NULL", v);
	}
}

static void trace_call(uint32_t nr, const struct trap_frame *tf)
{
	const uint32_t a[6] = {tf->ebx, tf->ecx, tf->edx,
			       tf->esi, tf->edi, tf->ebp};
	const struct syscall_entry *e = nr < NSYSCALLS ? &table[nr] : NULL;
	kprintf("[pid %d] ", task_current()->tid); /* strace -f: the tid */
	if (!e || !e->name) {
		kprintf("syscall_%u(0x%x, 0x%x, 0x%x)", nr, a[0], a[1], a[2]);
		return;
	}
	kprintf("%s(", e->name);
	for (int i = 0; e->args[i]; i++) {
		if (i)
			kprintf(", ");
		trace_arg(e->args[i], a[i]);
	}
	kprintf(")");
}

static void trace_result(int32_t r)
{
	const char *name = r < 0 && r >= -4095 ? errno_name(-r) : NULL;
	if (name)
		kprintf(" = -1 %s\n", name);
	else if (r < 0 || r > 0xFFFF)
		kprintf(" = 0x%x\n", (uint32_t)r);
	else
		kprintf(" = %d\n", r);
}

/* Calls that write to the console, block, or do not return (exit,
 * execve): their trace line is ended before they run. */
static bool may_interleave(uint32_t nr)
{
	switch (nr) {
	case 1:	  /* exit */
	case 2:	  /* fork */
	case 3:	  /* read */
	case 4:	  /* write */
	case 7:	  /* waitpid */
	case 11:  /* execve */
	case 114: /* wait4 */
	case 117: /* ipc: msgsnd, msgrcv, semop may wait */
	case 120: /* clone */
	case 145: /* readv */
	case 146: /* writev */
	case 158: /* sched_yield */
	case 162: /* nanosleep */
	case 29:  /* pause */
	case 179: /* rt_sigsuspend */
	case 240: /* futex */
	case 252: /* exit_group */
	case 267: /* clock_nanosleep */
	case 422: /* futex_time64 */
	case 400: /* msgsnd */
	case 401: /* msgrcv */
		return true;
	default:
		return false;
	}
}

static TRAP_CALL struct trap_frame *syscall_trap(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	uint32_t nr = tf->eax;
	syscall_fn_t fn;
	bool traced, broken = false;
	uint32_t out = 0;
	int32_t r;
	if (!p) /* int $0x80 from a kernel thread: nothing to serve */
		return tf->eax = (uint32_t)-ENOSYS, tf;
	p->syscalls++;
	tf->error = nr; /* orig_eax: to run the call again (signal.c) */
	fn = nr < NSYSCALLS ? table[nr].fn : NULL;
	traced = trace_pid && (trace_pid < 0 || trace_pid == p->pid);
	if (traced) {
		trace_call(nr, tf);
		/* A call that may print, block or not come back ends its line
		 * now; its result follows on a line of its own, as strace(1)
		 * writes an interrupted call. */
		broken = may_interleave(nr);
		if (nr == 1 || nr == 252)
			kprintf(" = ?\n"); /* no result: strace(1)'s way */
		else if (broken)
			kprintf(" ...\n");
		out = console_bytes_out();
	}
	r = fn ? fn(tf) : -ENOSYS;
	resident_pin(p, 0, 0); /* its user buffers may be evicted again */
	if (traced && nr != 1 && nr != 252) {
		if (!broken && console_bytes_out() != out)
			kprintf(" ...\n"), broken = true;
		if (broken)
			kprintf("[pid %d] <... %s resumed>",
				task_current()->tid,
				table[nr].name ? table[nr].name : "syscall");
		trace_result(r);
	}
	tf->eax = (uint32_t)r;
	return tf;
}

void syscall_init(void)
{
	trap_register(T_SYSCALL, syscall_trap);
	idt_set_user(T_SYSCALL);
	sys_file_init();
	sys_mem_init();
	sys_misc_init();
	sys_signal_init();
	sys_ipc_init();
	if (cmdline_bool("strace", false))
		trace_pid = -1;
	if (cmdline_has("strace.pid"))
		trace_pid = (int)cmdline_uint("strace.pid", 0, 1, 0x7fffffff);
}
