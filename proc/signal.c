/*
 * signal — sending, blocking and delivering signals (signal.h); the
 * frames handlers run on are proc/sigframe.c's.
 */
#include "proc/signal.h"

#include "fs/tty.h"
#include "kernel/console.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "proc/proc.h"
#include "proc/sigframe.h"
#include "proc/syscall.h"
#include "sched/task.h"

/* Where rt_sigsuspend and pause wait: only a signal wakes them (through
 * task_interrupt), so one queue serves every process. */
static struct wait_queue sig_waiters;

static const char *const signames[] = {
    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",	  [SIGQUIT] = "SIGQUIT",
    [SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
    [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",	  [SIGKILL] = "SIGKILL",
    [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
    [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
    [SIGTSTP] = "SIGTSTP", [SIGURG] = "SIGURG",	  [SIGWINCH] = "SIGWINCH",
};

const char *proc_signame(int sig)
{
	if (sig > 0 && sig < (int)(sizeof(signames) / sizeof(signames[0])) &&
	    signames[sig])
		return signames[sig];
	return "a signal";
}

/* signal(7): SIGCHLD, SIGURG and SIGWINCH are ignored by default; SIGCONT
 * continues and SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU stop, which keel cannot
 * do: they are ignored as well.  Every other default terminates ("core"
 * ones too: keel writes no core file). */
bool signal_default_ignores(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGCONT || sig == SIGSTOP || sig == SIGTSTP ||
	       sig == SIGTTIN || sig == SIGTTOU;
}

const struct k_sigaction *signal_action(const struct proc *p, int sig)
{
	static const struct k_sigaction dfl;
	return p->sighand ? &p->sighand->act[sig] : &dfl;
}

struct sighand *signal_hand(struct proc *p)
{
	if (!p->sighand)
		p->sighand = kcalloc(1, sizeof(*p->sighand));
	return p->sighand;
}

void signal_proc_gone(struct proc *p)
{
	kfree(p->sighand);
	p->sighand = NULL;
}

static bool is_ignored(const struct proc *p, int sig)
{
	uint32_t h = signal_action(p, sig)->handler;
	if (sig == SIGKILL)
		return false;
	return h == SIG_IGN || (h == SIG_DFL && signal_default_ignores(sig));
}

/* Linux's recalc_sigpending: does t have a signal to act on? */
static void recalc(struct task *t)
{
	uint64_t pend = t->sigpending | (t->proc ? t->proc->sigpending : 0);
	t->sigwake = (pend & ~t->sigblocked) != 0;
}

/* Tell t a signal is there for it: out of any interruptible wait. */
static void wake(struct task *t, int sig)
{
	if (sig == SIGKILL || !(t->sigblocked & SIG_BIT(sig))) {
		t->sigwake = true;
		task_interrupt(t);
	}
}

static void store_info(struct proc *p, int sig, const struct sig_info *info)
{
	static const struct sig_info kernel = {SI_KERNEL, 0, 0, 0};
	if (p->sighand) /* else no handler can see it */
		p->sighand->info[sig] = info ? *info : kernel;
}

/* Linux keeps init safe from signals it did not ask for. */
static bool init_protected(const struct proc *p, int sig)
{
	return p == proc_init_proc && signal_action(p, sig)->handler == SIG_DFL;
}

int signal_send(struct proc *p, int sig, const struct sig_info *info)
{
	struct task *t;
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (sig == 0 || p->state != PROC_ALIVE || !p->threads)
		return 0;
	/* A process-directed signal is pending for the whole group; the
	 * thread woken to take it is the first that does not block it (or
	 * the first thread, if all do: it stays pending).  SIGKILL ends the
	 * group, so every thread is woken. */
	t = p->threads;
	for (struct task *u = p->threads; u; u = u->thread_next)
		if (!(u->sigblocked & SIG_BIT(sig))) {
			t = u;
			break;
		}
	/* A blocked signal is kept even if ignored now: its disposition may
	 * change before it is unblocked (Linux's sig_ignored). */
	if (!(t->sigblocked & SIG_BIT(sig)) && is_ignored(p, sig))
		return 0;
	if (init_protected(p, sig) && sig != SIGKILL)
		return 0;
	p->sigpending |= SIG_BIT(sig);
	store_info(p, sig, info);
	if (sig == SIGKILL) {
		for (struct task *u = p->threads; u; u = u->thread_next)
			wake(u, sig);
		return 0;
	}
	wake(t, sig);
	return 0;
}

void signal_kill_thread(struct task *t)
{
	t->sigpending |= SIG_BIT(SIGKILL);
	wake(t, SIGKILL);
}

int signal_send_task(struct task *t, int sig, const struct sig_info *info)
{
	struct proc *p = t->proc;
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (sig == 0 || !p || p->state != PROC_ALIVE)
		return 0;
	if (!(t->sigblocked & SIG_BIT(sig)) && is_ignored(p, sig))
		return 0;
	if (init_protected(p, sig) && sig != SIGKILL)
		return 0;
	t->sigpending |= SIG_BIT(sig);
	store_info(p, sig, info);
	wake(t, sig);
	return 0;
}

int proc_signal(struct proc *p, int sig)
{
	return signal_send(p, sig, NULL);
}

int proc_signal_thread(struct proc *p, struct task *t, int sig)
{
	return t->proc == p ? signal_send_task(t, sig, NULL) : -ESRCH;
}

bool signal_fault(int sig, int code, uint32_t addr)
{
	struct task *t = task_current();
	struct proc *p = t->proc;
	uint32_t h = signal_action(p, sig)->handler;
	struct sig_info info = {code, 0, 0, addr};
	if (h == SIG_DFL || h == SIG_IGN || (t->sigblocked & SIG_BIT(sig)))
		return false;
	t->sigpending |= SIG_BIT(sig);
	store_info(p, sig, &info);
	t->sigwake = true;
	return true;
}

void signal_child_exit(struct proc *parent, int pid, int wstatus)
{
	struct sig_info info = {CLD_EXITED, pid, (wstatus >> 8) & 0xff, 0};
	if (wstatus & 0x7f) {
		info.code = CLD_KILLED;
		info.status = wstatus & 0x7f;
	}
	signal_send(parent, SIGCHLD, &info);
}

int signal_fork(struct proc *child)
{
	struct sighand *parent = proc_current()->sighand;
	child->sigpending = 0;
	if (parent) {
		child->sighand = kmalloc(sizeof(*parent));
		if (!child->sighand)
			return -ENOMEM;
		memcpy(child->sighand, parent, sizeof(*parent));
	}
	return 0;
}

void signal_fork_task(struct task *child_task)
{
	child_task->sigpending = 0;
	child_task->sigblocked = task_current()->sigblocked;
	child_task->sigwake = false;
}

void signal_exec(struct proc *p)
{
	bool any_ignored = false;
	if (!p->sighand)
		return;
	for (int s = 1; s < NSIG; s++) {
		struct k_sigaction *a = &p->sighand->act[s];
		if (a->handler != SIG_IGN) {
			memset(a, 0, sizeof(*a));
		} else {
			a->flags = 0;
			any_ignored = true;
		}
	}
	if (!any_ignored)
		signal_proc_gone(p);
}

void signal_set_mask(struct task *t, uint64_t mask)
{
	t->sigblocked = mask & ~SIG_UNBLOCKABLE;
	recalc(t);
}

void signal_discard(struct proc *p, int sig)
{
	p->sigpending &= ~SIG_BIT(sig);
	for (struct task *t = p->threads; t; t = t->thread_next) {
		t->sigpending &= ~SIG_BIT(sig);
		recalc(t);
	}
}

uint64_t signal_pending_set(void)
{
	struct task *t = task_current();
	return t->sigpending | t->proc->sigpending;
}

/* ------------------------------------------------------------ delivery -- */

/* Take the next signal the current thread acts on: SIGKILL first, then
 * the lowest number; its own before its process's.  0 if none. */
static int dequeue(struct task *t, struct sig_info *info)
{
	struct proc *p = t->proc;
	uint64_t mine = t->sigpending & ~t->sigblocked;
	uint64_t shared = p->sigpending & ~t->sigblocked;
	uint64_t all = mine | shared;
	int sig;
	if (!all) {
		recalc(t); /* what woke it was taken back (ignored since) */
		return 0;
	}
	sig = (all & SIG_BIT(SIGKILL)) ? SIGKILL : __builtin_ctzll(all) + 1;
	if (mine & SIG_BIT(sig))
		t->sigpending &= ~SIG_BIT(sig);
	else
		p->sigpending &= ~SIG_BIT(sig);
	if (p->sighand)
		*info = p->sighand->info[sig];
	else
		*info = (struct sig_info){SI_KERNEL, 0, 0, 0};
	recalc(t);
	return sig;
}

/*
 * A system call that gave up for a signal (an -ERESTART* result): with a
 * handler about to run (act), EINTR or again (SA_RESTART); with none
 * (act NULL), always again.  Again means back to the `int $0x80` with the
 * call number (kept in tf->error by the gate: Linux's orig_eax).
 */
static void restart_fixup(struct trap_frame *tf, const struct k_sigaction *act)
{
	int32_t r = (int32_t)tf->eax;
	bool again;
	if (tf->vector != T_SYSCALL || tf->error == SIGFRAME_NO_RESTART)
		return;
	if (r != -ERESTARTSYS && r != -ERESTARTNOINTR && r != -ERESTARTNOHAND)
		return;
	if (!act)
		again = true;
	else if (r == -ERESTARTSYS)
		again = (act->flags & SA_RESTART) != 0;
	else
		again = r == -ERESTARTNOINTR;
	if (again) {
		tf->eax = tf->error;
		tf->eip -= 2; /* the length of `int $0x80` (CD 80) */
	} else {
		tf->eax = (uint32_t)-EINTR;
	}
	tf->error = SIGFRAME_NO_RESTART; /* once only */
}

/* Run the handler of sig: its frame on the user stack (old: the mask its
 * return restores), the mask while it runs.  False if the frame could not
 * be written (a bad stack). */
static bool handle(struct trap_frame *tf, int sig, const struct sig_info *info,
		   uint64_t old)
{
	struct task *t = task_current();
	struct k_sigaction *act = &t->proc->sighand->act[sig];
	restart_fixup(tf, act);
	if (syscall_traces(t->proc->pid))
		kprintf("[pid %d] --- %s {si_code=%d, si_pid=%d} ---\n",
			t->proc->pid, proc_signame(sig), info->code, info->pid);
	if (!sigframe_setup(tf, sig, act, info, old))
		return false;
	t->sigblocked |= act->mask;
	if (!(act->flags & SA_NODEFER))
		t->sigblocked |= SIG_BIT(sig);
	t->sigblocked &= ~SIG_UNBLOCKABLE;
	if (act->flags & SA_RESETHAND) {
		act->handler = SIG_DFL;
		act->flags &= ~SA_SIGINFO;
	}
	recalc(t);
	return true;
}

/* Act on the pending signals: ignore, terminate, or one handler's frame
 * (true).  saved: the mask the handler's return restores (rt_sigsuspend's
 * old one), NULL for the mask in force. */
static bool deliver(struct trap_frame *tf, const uint64_t *saved)
{
	struct task *t = task_current();
	struct proc *p = t->proc;
	struct sig_info info;
	int sig;
	while (t->sigwake && (sig = dequeue(t, &info)) != 0) {
		uint32_t h = signal_action(p, sig)->handler;
		if (sig != SIGKILL && h == SIG_IGN)
			continue;
		if (sig == SIGKILL || h == SIG_DFL) {
			if (signal_default_ignores(sig) && sig != SIGKILL)
				continue;
			if (syscall_traces(p->pid))
				kprintf("[pid %d] +++ killed by %s +++\n",
					p->pid, proc_signame(sig));
			proc_exit(WSTATUS_SIGNALED(sig));
		}
		if (handle(tf, sig, &info, saved ? *saved : t->sigblocked))
			return true;
		/* No room for the frame: Linux's force_sigsegv. */
		proc_exit(WSTATUS_SIGNALED(SIGSEGV));
	}
	return false;
}

/* The trap path's last word before ring 3: act on the pending signals,
 * then finish an interrupted system call no handler took. */
static TRAP_CALL struct trap_frame *user_return(struct trap_frame *tf)
{
	struct task *t = task_current();
	/* The common case, a fault or interrupt with nothing pending, in a
	 * test or two (deliver and restart_fixup would say the same). */
	if (!t->sigwake && tf->vector != T_SYSCALL)
		return tf;
	if (t->proc && !deliver(tf, NULL))
		restart_fixup(tf, NULL);
	return tf;
}

int32_t signal_suspend(struct trap_frame *tf, uint64_t mask)
{
	struct task *t = task_current();
	uint64_t saved = t->sigblocked;
	signal_set_mask(t, mask);
	for (;;) {
		while (!t->sigwake)
			wq_block(&sig_waiters);
		tf->eax = (uint32_t)-EINTR; /* what the frame keeps */
		tf->error = SIGFRAME_NO_RESTART;
		if (deliver(tf, &saved))
			return (int32_t)tf->eax; /* the handler's argument */
	}
}

static void interrupt_one(struct proc *p, void *ctx)
{
	(void)ctx;
	if (p->state == PROC_ALIVE)
		signal_send(p, SIGINT, NULL);
}

/* Ctrl-C at the console: SIGINT to every process (see signal.h). */
static void console_interrupt(void)
{
	proc_for_each(interrupt_one, NULL);
}

void signal_init(void)
{
	wq_init(&sig_waiters);
	tty_set_interrupt(console_interrupt);
	trap_set_user_hook(user_return);
}
