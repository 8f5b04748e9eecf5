/*
 * proc — process life cycle: spawn, fork, exit, wait (proc.h); signals
 * are proc/signal.c's.
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
#include "fs/pipe.h"
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
#include "sched/deadlock.h"

#define WNOHANG 1

bool proc_fork_eager;
static struct proc *all_procs;
static uint32_t nprocs;
static int next_pid = 1;
struct proc *proc_init_proc;

void proc_status_text(int wstatus, char *buf, size_t n)
{
	if ((wstatus & 0x7f) == 0)
		fmt_snprintf(buf, n, "exit %d", (wstatus >> 8) & 0xff);
	else
		fmt_snprintf(buf, n, "killed by %s",
			     proc_signame(wstatus & 0x7f));
}

int proc_next_id(void)
{
	return next_pid++;
}

struct proc *proc_first(void)
{
	return all_procs;
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
	p->vma = kcalloc(PROC_VMAS_MIN, sizeof(*p->vma));
	if (!p->vm || !p->vma || vm_space_init(p->vm) != VM_OK) {
		kfree(p->vma);
		kfree(p->vm);
		kfree(p);
		return NULL;
	}
	p->vma_cap = PROC_VMAS_MIN;
	strlcpy(p->name, name, sizeof(p->name));
	wq_init_named(&p->child_wq, "child");
	wq_init_named(&p->exit_wq, "process exit");
	wq_init_named(&p->threads_wq, "threads");
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
	thread_reap_dead(p);
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
	vma_drop_all(p);
	if (p->vm) {
		uvm_destroy(p->vm);
		kfree(p->vm);
	}
	kfree(p->tf);
	signal_proc_gone(p);
	kfree(p->vma);
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
	if (parent->vma_cap > c->vma_cap) {
		struct vma *v =
		    krealloc(c->vma, (size_t)parent->vma_cap * sizeof(*v));
		if (!v) {
			proc_discard(c);
			return -ENOMEM;
		}
		c->vma = v;
		c->vma_cap = parent->vma_cap;
	}
	memcpy(c->vma, parent->vma, (size_t)parent->nvma * sizeof(*c->vma));
	c->nvma = parent->nvma;
	vma_dup_all(c);
	c->brk_start = parent->brk_start;
	c->brk = parent->brk;
	for (int i = 0; i < PROC_FDS; i++)
		if (parent->fd[i])
			c->fd[i] = file_get(parent->fd[i]);
	c->cloexec = parent->cloexec;
	if (signal_fork(c) < 0) {
		proc_discard(c);
		return -ENOMEM;
	}
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
	signal_fork_task(c->task);
	c->task->space = c->vm;
	c->task->tls = task_current()->tls;
	fpu_copy(c->task, task_current());
	proc_publish(c, parent);
	thread_attach_main(c, c->task);
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
	/* One thread ends the group: another one already doing so ends
	 * this one; otherwise this one ends the others first. */
	if (p->group_killer && p->group_killer != t)
		thread_leave(p, t);
	if (p->nthreads > 1)
		thread_kill_others(p, t);
	p->threads = NULL;
	p->nthreads = 0;
	/* Then, with no other thread left to fault a page in, and while it
	 * is still itself (its space, its TLS segment): this may sleep until
	 * another process's page-out of one of its pages ends, and a task
	 * that sleeps after giving up its TLS would come back to a segment
	 * register the GDT no longer backs. */
	resident_exit(p);
	close_all(p);
	ipc_sem_exit(p); /* SEM_UNDO's adjustments */
	fpu_task_gone(t);
	signal_proc_gone(p);
	/* Leave the address space before it is freed. */
	t->space = vm_kernel_space();
	t->tls = 0;
	vm_switch(vm_kernel_space());
	uvm_destroy(p->vm);
	kfree(p->vm);
	p->vm = NULL;
	vma_drop_all(p);
	kfree(p->vma);
	p->vma = NULL;
	p->vma_cap = 0;
	reparent_children(p);
	p->wstatus = wstatus;
	p->state = PROC_ZOMBIE;
	if (p->parent) {
		wq_wake_all(&p->parent->child_wq);
		signal_child_exit(p->parent, p->pid, wstatus);
	} else if (p->kernel_waits)
		wq_wake_all(&p->exit_wq);
	t->proc = NULL; /* from here on a kernel thread on its way out */
	task_exit(0);
}

/* The wait-for graph's edge of a parent waiting for one child: that
 * child's task (sched/deadlock.h). */
static struct task *child_task(uintptr_t child)
{
	const struct proc *c = (const struct proc *)child;
	return c->state == PROC_ALIVE ? c->task : NULL;
}

/* ps shows "child"; with one child to wait for, its task is the owner. */
static void note_child_wait(struct proc *only, int n)
{
	struct task *me = task_current();
	me->wait_what = "child";
	if (n != 1)
		return; /* any of several may end the wait: not one edge */
	me->wait_obj = (uintptr_t)only;
	me->wait_owner = child_task;
	deadlock_note_wait(me);
}

int proc_wait4(int pid, int *wstatus, int options)
{
	struct proc *self = proc_current();
	proc_sweep();
	for (;;) {
		bool any = false;
		struct proc *last = NULL;
		int n = 0;
		for (struct proc *c = self->children; c; c = c->sibling) {
			if (pid > 0 && c->pid != pid)
				continue;
			any = true;
			last = c;
			n++;
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
		if (task_signal_pending())
			return -ERESTARTSYS; /* EINTR, or again (SA_RESTART) */
		note_child_wait(last, n);
		wq_block(&self->child_wq);
	}
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

/*
 * The one task whose process holds that end of the pipe (fs/pipe.h's
 * finder), or NULL when no process or several do.
 */
static struct task *pipe_holder(const void *pipe, bool write_end)
{
	struct task *found = NULL;
	for (struct proc *p = all_procs; p; p = p->all_next) {
		bool holds = false;
		if (p->state != PROC_ALIVE)
			continue;
		for (int i = 0; i < PROC_FDS && !holds; i++)
			holds = p->fd[i] &&
				pipe_file_is_end(p->fd[i], pipe, write_end);
		if (holds && found)
			return NULL; /* several: any may end the wait */
		if (holds)
			found = p->task;
	}
	return found;
}

void proc_init(void)
{
	if (!pageref_init())
		panic("proc_init: no memory for the frame reference counts");
	proc_fork_eager = cmdline_bool("fork.copy", false);
	fault_init();
	swap_init();
	tty_init();
	signal_init();
	pipe_set_holder_finder(pipe_holder);
}
