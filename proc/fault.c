/*
 * fault — what happens when user code traps: its faults and the FPU.
 *
 * Isolation (000_*: limited direct execution must not let a program take
 * over the machine): an exception raised in ring 3 is the program's, not
 * the kernel's.  A page fault the kernel can resolve (demand-zero,
 * copy-on-write: proc_resolve) resumes the program at the faulting
 * instruction; any other fault kills only that process, with the signal
 * Linux would send, and one line on the kernel log naming the process,
 * the fault, the address and the instruction.  An exception in ring 0 is
 * still a kernel bug, and panics as before.
 *
 * The FPU is switched lazily (the classic x86 way): the switch sets CR0.TS
 * when a process other than the FPU's owner is about to run, and that
 * process's first x87 instruction raises #NM; only then are the owner's
 * registers saved (fnsave) and the newcomer's restored (frstor).  A
 * process that never touches the FPU costs nothing.  The registers are
 * each thread's own (struct task), as a thread's general registers are.
 */
#include "arch/gdt.h"
#include "arch/trap.h"
#include "arch/x86.h"
#include "kernel/console.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "proc/swap.h"

static struct task *fpu_owner;
static bool ts_set;

static void set_ts(bool on)
{
	uint32_t cr0 = read_cr0();
	if (on)
		write_cr0(cr0 | CR0_TS);
	else
		__asm__ volatile("clts");
	ts_set = on;
}

/* The switch hook (sched_set_switch_hook): TLS and the FPU trap. */
static void proc_switch(struct task *prev, struct task *next)
{
	(void)prev;
	gdt_set_tls(next->tls);
	if ((next->proc && next != fpu_owner) != ts_set)
		set_ts(!ts_set);
}

static void fnsave(uint8_t *buf) // NOLINT(readability-non-const-parameter)
{
	__asm__ volatile("fnsave %0; fwait"
			 : "=m"(*(uint8_t(*)[FPU_STATE_SIZE])buf));
}

static void frstor(const uint8_t *buf)
{
	__asm__ volatile("frstor %0"
			 :
			 : "m"(*(const uint8_t(*)[FPU_STATE_SIZE])buf));
}

static bool fpu_buffer(struct task *t)
{
	if (!t->fpu)
		t->fpu = kmalloc(FPU_STATE_SIZE);
	return t->fpu != NULL;
}

void fpu_task_gone(struct task *t)
{
	if (fpu_owner == t) {
		fpu_owner = NULL;
		set_ts(true);
	}
	kfree(t->fpu);
	t->fpu = NULL;
	t->fpu_used = false;
}

void fpu_copy(struct task *dst, struct task *src)
{
	if (fpu_owner == src) {
		set_ts(false);
		fnsave(src->fpu); /* also resets the FPU: src restores it */
		fpu_owner = NULL;
		set_ts(true);
	}
	if (src->fpu_used && fpu_buffer(dst)) {
		memcpy(dst->fpu, src->fpu, FPU_STATE_SIZE);
		dst->fpu_used = true;
	}
}

bool fpu_take(struct task *t, uint8_t *buf)
{
	if (fpu_owner == t) {
		set_ts(false);
		fnsave(t->fpu); /* also resets the FPU */
		fpu_owner = NULL;
		set_ts(true);
	}
	if (!t->fpu_used)
		return false;
	memcpy(buf, t->fpu, FPU_STATE_SIZE);
	t->fpu_used = false; /* the handler's first x87 use: fninit */
	return true;
}

bool fpu_give(struct task *t, const uint8_t *buf)
{
	if (fpu_owner == t) { /* the handler's state: dropped */
		fpu_owner = NULL;
		set_ts(true);
	}
	t->fpu_used = false;
	if (!buf)
		return true;
	if (!fpu_buffer(t))
		return false;
	memcpy(t->fpu, buf, FPU_STATE_SIZE);
	t->fpu_used = true;
	return true;
}

static const int signal_of[T_EXCEPTIONS] = {
    [T_DIVIDE] = SIGFPE,       [T_DEBUG] = SIGTRAP,
    [T_BREAKPOINT] = SIGTRAP,  [T_OVERFLOW] = SIGSEGV,
    [T_BOUND] = SIGSEGV,       [T_INVALID_OP] = SIGILL,
    [T_NO_FPU] = SIGFPE,       [T_COPROC_SEG] = SIGFPE,
    [T_INVALID_TSS] = SIGSEGV, [T_NO_SEGMENT] = SIGBUS,
    [T_STACK_FAULT] = SIGBUS,  [T_GPF] = SIGSEGV,
    [T_PAGE_FAULT] = SIGSEGV,  [T_FPU_ERROR] = SIGFPE,
    [T_ALIGNMENT] = SIGBUS,    [T_MACHINE_CHECK] = SIGBUS,
    [T_SIMD] = SIGFPE,
};

__attribute__((noreturn)) static void kill_for(struct trap_frame *tf, int sig,
					       uint32_t addr, const char *why)
{
	struct proc *p = proc_current();
	kprintf("keel: pid %d (%s): %s at eip 0x%08x", p->pid, p->name,
		trap_name(tf->vector), tf->eip);
	if (tf->vector == T_PAGE_FAULT)
		kprintf(", address 0x%08x (%s, %s)", addr,
			tf->error & PF_WRITE ? "write" : "read", why);
	kprintf(": killed by %s\n", proc_signame(sig));
	proc_exit(WSTATUS_SIGNALED(sig));
}

/* The fault's signal: its handler runs (the trap returns into it, and
 * after it the instruction runs again), or the process dies of it. */
static TRAP_CALL struct trap_frame *raise_or_kill(struct trap_frame *tf,
						  int sig, int code,
						  uint32_t addr,
						  const char *why)
{
	if (signal_fault(sig, code, addr))
		return tf;
	kill_for(tf, sig, addr, why);
}

static TRAP_CALL struct trap_frame *user_exception(struct trap_frame *tf)
{
	if (!(tf->cs & 3) || !proc_current())
		trap_fatal(tf); /* a kernel bug: the panic report */
	return raise_or_kill(
	    tf, signal_of[tf->vector] ? signal_of[tf->vector] : SIGSEGV,
	    SI_KERNEL, 0, "");
}

static TRAP_CALL struct trap_frame *page_fault(struct trap_frame *tf)
{
	uint32_t addr = read_cr2();
	struct proc *p = proc_current();
	int rc;
	if (!(tf->cs & 3) || !p)
		trap_fatal(tf);
	rc = proc_resolve(p, addr, (tf->error & PF_WRITE) != 0);
	if (rc == 0) {
		/* Trace mode: step this one instruction, then hide the page
		 * again at the #DB (proc/resident.c). */
		if (p->rs && resident_trace_step(p, addr))
			tf->eflags |= EFLAGS_TF;
		return tf; /* resolved: the instruction runs again */
	}
	if (rc == -ENOMEM)
		kill_for(tf, SIGKILL, addr, "out of memory");
	if (rc == -ENOSPC)
		kill_for(tf, SIGKILL, addr, "out of swap space");
	if (rc == -EIO)
		return raise_or_kill(tf, SIGBUS, BUS_ADRERR, addr,
				     "swap I/O error");
	if (tf->error & PF_PRESENT)
		return raise_or_kill(tf, SIGSEGV, SEGV_ACCERR, addr,
				     "protection");
	return raise_or_kill(tf, SIGSEGV, SEGV_MAPERR, addr, "not mapped");
}

/* #DB: the end of a traced instruction's single step, or a real debug
 * trap (SIGTRAP, as before). */
static TRAP_CALL struct trap_frame *debug_trap(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	if ((tf->cs & 3) && p && resident_trace_done(p)) {
		tf->eflags &= ~EFLAGS_TF;
		return tf;
	}
	return user_exception(tf);
}

static TRAP_CALL struct trap_frame *no_fpu(struct trap_frame *tf)
{
	struct task *t = task_current();
	if (!(tf->cs & 3) || !t->proc)
		trap_fatal(tf);
	if (!fpu_buffer(t))
		kill_for(tf, SIGKILL, 0, "");
	set_ts(false);
	if (fpu_owner && fpu_owner != t)
		fnsave(fpu_owner->fpu);
	if (t->fpu_used)
		frstor(t->fpu);
	else
		__asm__ volatile("fninit");
	t->fpu_used = true;
	fpu_owner = t;
	return tf;
}

void fault_init(void)
{
	for (unsigned v = 0; v < T_EXCEPTIONS; v++) {
		if (v == T_NMI || v == T_DOUBLE_FAULT || v == T_MACHINE_CHECK)
			continue;
		if (v < T_VIRT && !trap_handler(v))
			trap_register(v, user_exception);
	}
	trap_register(T_PAGE_FAULT, page_fault);
	trap_register(T_DEBUG, debug_trap);
	trap_register(T_NO_FPU, no_fpu);
	sched_set_switch_hook(proc_switch);
}
