/*
 * proc — process life cycle: spawn, fork, exit, wait, signals (proc.h).
 *
 * System calls run with interrupts off (the gate clears IF and nothing
 * here sets it): on one CPU that is the lock around every process
 * structure.  A process blocks only through wait queues, which give the
 * CPU away and come back with interrupts still off.
 */
#include "proc/proc.h"

#include "arch/gdt.h"
#include "arch/layout.h"
#include "arch/x86.h"
#include "fs/tty.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "mm/pageref.h"
#include "mm/uvm.h"

#define WNOHANG 1

bool proc_fork_eager;
static struct proc *all_procs;
static uint32_t nprocs;
static int next_pid = 1;
struct proc *proc_init_proc;

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

/* Signals whose default action does nothing here (signal(7): SIGCHLD,
 * SIGURG and SIGWINCH are ignored, SIGCONT continues; SIGSTOP, SIGTSTP,
 * SIGTTIN and SIGTTOU stop, which keel cannot do yet). */
static bool ignored_by_default(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGCONT || sig == SIGSTOP || sig == SIGTSTP ||
	       sig == SIGTTIN || sig == SIGTTOU;
}

void proc_status_text(int wstatus, char *buf, size_t n)
{
	if ((wstatus & 0x7f) == 0)
		fmt_snprintf(buf, n, "exit %d", (wstatus >> 8) & 0xff);
	else
		fmt_snprintf(buf, n, "killed by %s",
			     proc_signame(wstatus & 0x7f));
}

struct proc *proc_find(int pid)
{
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p->pid == pid)
			return p;
	return NULL;
}

void proc_for_each(void (*fn)(struct proc *p, void *ctx), void *ctx)
{
	for (struct proc *p = all_procs; p; p = p->all_next)
		fn(p, ctx);
}

struct proc *proc_alloc(const char *name)
{
	struct proc *p = kcalloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->vm = kcalloc(1, sizeof(*p->vm));
	if (!p->vm || vm_space_init(p->vm) != VM_OK) {
		kfree(p->vm);
		kfree(p);
		return NULL;
	}
	strlcpy(p->name, name, sizeof(p->name));
	wq_init(&p->child_wq);
	wq_init(&p->exit_wq);
	return p;
}

/* Put p in the tables; pids count up and are not reused. */
void proc_publish(struct proc *p, struct proc *parent)
{
	p->pid = next_pid++;
	p->parent = parent;
	if (parent) {
		p->sibling = parent->children;
		parent->children = p;
	}
	p->all_next = all_procs;
	all_procs = p;
	nprocs++;
}

static void unlink_proc(struct proc *p)
{
	struct proc **pp;
	for (pp = &all_procs; *pp; pp = &(*pp)->all_next)
		if (*pp == p) {
			*pp = p->all_next;
			break;
		}
	if (p->parent)
		for (pp = &p->parent->children; *pp; pp = &(*pp)->sibling)
			if (*pp == p) {
				*pp = p->sibling;
				break;
			}
	nprocs--;
}

/* Free a zombie: its task (waiting for it to be off the CPU) and itself. */
static int reap(struct proc *p)
{
	int ws = p->wstatus;
	unlink_proc(p);
	task_wait(p->task);
	if (p == proc_init_proc)
		proc_init_proc = NULL;
	kfree(p);
	return ws;
}

/* The first entry to ring 3: the frame built at spawn or fork. */
int proc_enter_user(void *arg)
{
	struct proc *p = arg;
	struct trap_frame tf = *p->tf;
	cli();
	kfree(p->tf);
	p->tf = NULL;
	trap_return_to(&tf);
}

static void close_all(struct proc *p)
{
	for (int i = 0; i < PROC_FDS; i++)
		if (p->fd[i]) {
			file_put(p->fd[i]);
			p->fd[i] = NULL;
		}
}

/* Undo a process that never ran (a failed spawn or fork). */
void proc_discard(struct proc *p)
{
	close_all(p);
	resident_exit(p);
	if (p->vm) {
		uvm_destroy(p->vm);
		kfree(p->vm);
	}
	kfree(p->tf);
	kfree(p->fpu);
	kfree(p);
}

struct trap_frame *proc_user_frame(uint32_t entry, uint32_t sp)
{
	struct trap_frame *tf = kcalloc(1, sizeof(*tf));
	if (!tf)
		return NULL;
	tf->cs = SEL_UCODE;
	tf->ds = tf->es = tf->fs = tf->gs = tf->ss = SEL_UDATA;
	tf->eflags = EFLAGS_IF | EFLAGS_RESERVED1;
	tf->eip = entry;
	tf->esp = sp;
	return tf;
}

int proc_wait(struct proc *p)
{
	bool on = irq_save();
	int ws;
	while (p->state != PROC_ZOMBIE)
		wq_block(&p->exit_wq);
	ws = reap(p);
	irq_restore(on);
	return ws;
}

int proc_fork(struct trap_frame *tf)
{
	proc_sweep();
	struct proc *parent = proc_current(), *c = proc_alloc(parent->name);
	if (!c)
		return -ENOMEM;
	if (uvm_fork(c->vm, parent->vm, proc_fork_eager) != VM_OK ||
	    resident_fork(c, parent) < 0) {
		proc_discard(c);
		return -ENOMEM;
	}
	memcpy(c->vma, parent->vma, sizeof(c->vma));
	c->nvma = parent->nvma;
	c->brk_start = parent->brk_start;
	c->brk = parent->brk;
	for (int i = 0; i < PROC_FDS; i++)
		if (parent->fd[i])
			c->fd[i] = file_get(parent->fd[i]);
	c->cloexec = parent->cloexec;
	c->sig_ignored = parent->sig_ignored;
	c->sig_blocked = parent->sig_blocked;
	fpu_copy(c, parent);
	c->tf = kmalloc(sizeof(*c->tf));
	c->task =
	    c->tf ? task_create_stopped(c->name, proc_enter_user, c) : NULL;
	if (!c->task) {
		proc_discard(c);
		return -ENOMEM;
	}
	*c->tf = *tf;
	c->tf->eax = 0; /* fork returns 0 in the child */
	c->task->proc = c;
	c->task->space = c->vm;
	c->task->tls = task_current()->tls;
	proc_publish(c, parent);
	task_start(c->task);
	return c->pid;
}

/* Hand p's children to init (or to nobody: proc_sweep frees them). */
static void reparent_children(struct proc *p)
{
	struct proc *heir = (proc_init_proc && proc_init_proc != p &&
			     proc_init_proc->state == PROC_ALIVE)
				? proc_init_proc
				: NULL;
	while (p->children) {
		struct proc *c = p->children;
		p->children = c->sibling;
		c->parent = heir;
		if (heir) {
			c->sibling = heir->children;
			heir->children = c;
			if (c->state == PROC_ZOMBIE)
				wq_wake_all(&heir->child_wq);
		} else {
			c->sibling = NULL;
		}
	}
}

void proc_exit(int wstatus)
{
	struct proc *p = proc_current();
	struct task *t = task_current();
	cli();
	/* First, while it is still itself (its space, its TLS segment): this
	 * may sleep until another process's page-out of one of its pages
	 * ends, and a task that sleeps after giving up its TLS would come
	 * back to a segment register the GDT no longer backs. */
	resident_exit(p);
	close_all(p);
	fpu_proc_gone(p);
	/* Leave the address space before it is freed. */
	t->space = vm_kernel_space();
	t->tls = 0;
	vm_switch(vm_kernel_space());
	uvm_destroy(p->vm);
	kfree(p->vm);
	p->vm = NULL;
	p->nvma = 0;
	reparent_children(p);
	p->wstatus = wstatus;
	p->state = PROC_ZOMBIE;
	if (p->parent)
		wq_wake_all(&p->parent->child_wq);
	else if (p->kernel_waits)
		wq_wake_all(&p->exit_wq);
	t->proc = NULL; /* from here on a kernel thread on its way out */
	task_exit(0);
}

int proc_wait4(int pid, int *wstatus, int options)
{
	struct proc *self = proc_current();
	proc_sweep();
	for (;;) {
		bool any = false;
		for (struct proc *c = self->children; c; c = c->sibling) {
			if (pid > 0 && c->pid != pid)
				continue;
			any = true;
			if (c->state == PROC_ZOMBIE) {
				int cpid = c->pid;
				*wstatus = reap(c);
				return cpid;
			}
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (task_current()->sigpending)
			return -EINTR;
		wq_block(&self->child_wq);
	}
}

int proc_signal(struct proc *p, int sig)
{
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (sig == 0 || p->state != PROC_ALIVE)
		return 0;
	/* Stopping (SIGSTOP, SIGTSTP) and continuing are not there yet: they
	 * do nothing, as an ignored signal does. */
	if (sig != SIGKILL &&
	    ((p->sig_ignored & (1u << (sig & 31))) || ignored_by_default(sig)))
		return 0; /* ignored: nothing happens */
	p->task->sigpending |= 1u << (sig & 31);
	task_interrupt(p->task); /* out of any interruptible wait */
	return 0;
}

/* The trap path's last word before ring 3: act on a pending signal (all
 * that are not ignored terminate, their default action). */
static TRAP_CALL struct trap_frame *user_return(struct trap_frame *tf)
{
	uint32_t pending = task_current()->sigpending;
	if (pending && proc_current()) {
		int sig = __builtin_ctz(pending);
		if (pending & (1u << SIGKILL))
			sig = SIGKILL;
		proc_exit(WSTATUS_SIGNALED(sig));
	}
	return tf;
}

/* Ctrl-C at the console: SIGINT to every process but init. */
static void console_interrupt(void)
{
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p != proc_init_proc && p->state == PROC_ALIVE)
			proc_signal(p, SIGINT);
}

/*
 * Zombies with no parent and no kernel waiter (orphans when init is gone)
 * are freed lazily, by the next spawn, fork or wait: there is no reaper
 * thread to keep alive.
 */
void proc_sweep(void)
{
	bool on = irq_save();
	for (struct proc *p = all_procs, *next; p; p = next) {
		next = p->all_next;
		if (p->state == PROC_ZOMBIE && !p->parent && !p->kernel_waits)
			reap(p);
	}
	irq_restore(on);
}

void proc_init(void)
{
	if (!pageref_init())
		panic("proc_init: no memory for the frame reference counts");
	proc_fork_eager = cmdline_bool("fork.copy", false);
	fault_init();
	swap_init();
	tty_init();
	tty_set_interrupt(console_interrupt);
	trap_set_user_hook(user_return);
}
