/*
 * sys_signal — the signal system calls (proc/signal.h): dispositions,
 * masks, waiting, sending, and the return from a handler.
 *
 * Each call checks every argument and pointer before it changes anything
 * (validate, then change state).  A sigset is 8 bytes (signals 1..64);
 * another sigsetsize is -EINVAL, as on Linux.
 */
#include "kernel/console.h"
#include "lib/errno.h"
#include "proc/proc.h"
#include "proc/sigframe.h"
#include "proc/signal.h"
#include "proc/syscall.h"
#include "proc/thread.h"
#include "proc/uaccess.h"

#define A1 (tf->ebx)
#define A2 (tf->ecx)
#define A3 (tf->edx)
#define A4 (tf->esi)

#define SIGSET_SIZE 8
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* The user's struct sigaction as the kernel takes it on i386. */
struct user_sigaction {
	uint32_t handler, flags, restorer, mask[2];
};

static bool bad_signal(uint32_t sig)
{
	return sig == 0 || sig >= NSIG;
}

static int32_t sys_rt_sigaction(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	uint32_t sig = A1;
	struct user_sigaction in, out;
	struct k_sigaction *a;
	int rc;
	if (bad_signal(sig) || A4 != SIGSET_SIZE)
		return -EINVAL;
	if (A2 && (rc = copy_from_user(&in, A2, sizeof(in))) < 0)
		return rc;
	if (A2 && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (A3 && (rc = uaccess_check(A3, sizeof(out), true)) < 0)
		return rc;
	a = (struct k_sigaction *)signal_action(p, (int)sig);
	out = (struct user_sigaction){
	    a->handler,
	    a->flags,
	    a->restorer,
	    {(uint32_t)a->mask, (uint32_t)(a->mask >> 32)}};
	if (A2) {
		if (!p->sighand && in.handler == SIG_DFL)
			goto done; /* already so: no table needed */
		if (!signal_hand(p))
			return -ENOMEM;
		a = &p->sighand->act[sig];
		a->handler = in.handler;
		a->flags = in.flags;
		a->restorer = in.restorer;
		a->mask = (in.mask[0] | (uint64_t)in.mask[1] << 32) &
			  ~SIG_UNBLOCKABLE;
		/* POSIX: setting ignore discards the pending signal. */
		if (in.handler == SIG_IGN ||
		    (in.handler == SIG_DFL && signal_default_ignores((int)sig)))
			signal_discard(p, (int)sig);
	}
done:
	return A3 ? copy_to_user(A3, &out, sizeof(out)) : 0;
}

static int32_t sys_rt_sigprocmask(struct trap_frame *tf)
{
	struct task *t = task_current();
	uint32_t how = A1, set[2];
	uint64_t old = t->sigblocked, mask;
	int rc;
	if (A4 != SIGSET_SIZE)
		return -EINVAL;
	if (A2 && (rc = copy_from_user(set, A2, sizeof(set))) < 0)
		return rc;
	if (A2 && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	if (A3 && (rc = uaccess_check(A3, SIGSET_SIZE, true)) < 0)
		return rc;
	if (A2) {
		mask = set[0] | (uint64_t)set[1] << 32;
		if (how == SIG_BLOCK)
			mask |= old;
		else if (how == SIG_UNBLOCK)
			mask = old & ~mask;
		signal_set_mask(t, mask);
	}
	return A3 ? copy_to_user(A3, &old, SIGSET_SIZE) : 0;
}

/* The pending signals the thread blocks (Linux: pending & blocked). */
static int32_t sys_rt_sigpending(struct trap_frame *tf)
{
	uint64_t set = signal_pending_set() & task_current()->sigblocked;
	if (A2 > SIGSET_SIZE)
		return -EINVAL;
	return copy_to_user(A1, &set, A2);
}

/* Wait with a temporary mask until a handler has run: EINTR.  The old
 * mask comes back when the handler returns (it is the frame's). */
static int32_t sys_rt_sigsuspend(struct trap_frame *tf)
{
	uint32_t set[2];
	int rc;
	if (A2 != SIGSET_SIZE)
		return -EINVAL;
	if ((rc = copy_from_user(set, A1, sizeof(set))) < 0)
		return rc;
	return signal_suspend(tf, set[0] | (uint64_t)set[1] << 32);
}

static int32_t sys_pause(struct trap_frame *tf)
{
	return signal_suspend(tf, task_current()->sigblocked);
}

/* A frame that does not check out: Linux's force_sigsegv. */
__attribute__((noreturn)) static void bad_frame(struct trap_frame *tf,
						const char *call)
{
	struct proc *p = proc_current();
	kprintf("keel: pid %d (%s): bad %s frame at 0x%08x: killed by "
		"SIGSEGV\n",
		p->pid, p->name, call, tf->esp);
	proc_exit(WSTATUS_SIGNALED(SIGSEGV));
}

static int32_t do_sigreturn(struct trap_frame *tf, bool rt)
{
	uint64_t mask;
	if (!sigframe_restore(tf, rt, &mask))
		bad_frame(tf, rt ? "rt_sigreturn" : "sigreturn");
	signal_set_mask(task_current(), mask);
	return (int32_t)tf->eax; /* the interrupted eax, put back */
}

static int32_t sys_sigreturn(struct trap_frame *tf)
{
	return do_sigreturn(tf, false);
}

static int32_t sys_rt_sigreturn(struct trap_frame *tf)
{
	return do_sigreturn(tf, true);
}

struct kill_all {
	int sig;
	const struct sig_info *info;
	struct proc *self;
	int found;
};

static void kill_one(struct proc *p, void *arg)
{
	struct kill_all *k = arg;
	if (p == k->self || p == proc_init_proc || p->state != PROC_ALIVE)
		return;
	k->found++;
	signal_send(p, k->sig, k->info);
}

/* kill(-1, sig): every process but init and the caller; -ESRCH if none. */
static int32_t kill_all(int sig, const struct sig_info *info)
{
	struct kill_all k = {sig, info, proc_current(), 0};
	proc_for_each(kill_one, &k);
	return k.found ? 0 : -ESRCH;
}

static int32_t sys_kill(struct trap_frame *tf)
{
	int32_t pid = (int32_t)A1;
	struct sig_info info = {SI_USER, proc_current()->pid, 0, 0};
	struct proc *p;
	if (A2 >= NSIG)
		return -EINVAL;
	if (pid == -1)
		return kill_all((int)A2, &info);
	if (pid <= 0)
		return -EINVAL; /* process groups: keel has none */
	p = proc_find(pid);
	if (!p)
		return -ESRCH;
	return signal_send(p, (int)A2, &info);
}

/* A signal to one thread (proc/thread.h); tgid 0: whichever process
 * holds tid (tkill), else it must be tgid's (tgkill). */
static int32_t do_tkill(int32_t tgid, int32_t tid, uint32_t sig)
{
	struct sig_info info = {SI_TKILL, proc_current()->pid, 0, 0};
	struct proc *p = NULL;
	struct task *t;
	if (tid <= 0 || tgid < 0 || sig >= NSIG)
		return -EINVAL;
	if (tgid > 0 && !(p = proc_find(tgid)))
		return -ESRCH;
	t = thread_find(p, tid);
	if (!t || !t->proc || t->proc->state != PROC_ALIVE)
		return -ESRCH;
	return signal_send_task(t, (int)sig, &info);
}

static int32_t sys_tkill(struct trap_frame *tf)
{
	return do_tkill(0, (int32_t)A1, A2);
}

static int32_t sys_tgkill(struct trap_frame *tf)
{
	if ((int32_t)A1 <= 0)
		return -EINVAL;
	return do_tkill((int32_t)A1, (int32_t)A2, A3);
}

void sys_signal_init(void)
{
	syscall_set(29, "pause", "", sys_pause);
	syscall_set(37, "kill", "dS", sys_kill);
	syscall_set(119, "sigreturn", "", sys_sigreturn);
	syscall_set(173, "rt_sigreturn", "", sys_rt_sigreturn);
	syscall_set(174, "rt_sigaction", "Sppd", sys_rt_sigaction);
	syscall_set(175, "rt_sigprocmask", "dppd", sys_rt_sigprocmask);
	syscall_set(176, "rt_sigpending", "pd", sys_rt_sigpending);
	syscall_set(179, "rt_sigsuspend", "pd", sys_rt_sigsuspend);
	syscall_set(238, "tkill", "dS", sys_tkill);
	syscall_set(270, "tgkill", "ddS", sys_tgkill);
}
