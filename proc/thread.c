/*
 * thread — clone for threads, one thread's exit, the end of a group
 * (thread.h).  Runs in system calls with interrupts off.
 */
#include "proc/thread.h"

#include "arch/gdt.h"
#include "arch/x86.h"
#include "lib/errno.h"
#include "mm/kheap.h"
#include "proc/proc.h"
#include "proc/uaccess.h"

/* struct user_desc's flags word: bit 0 seg_32bit, 1-2 contents,
 * 3 read_exec_only, 4 limit_in_pages, 5 seg_not_present, 6 useable. */
#define UD_CONTENTS(f)	  (((f) >> 1) & 3u)
#define UD_PAGES(f)	  (((f) >> 4) & 1u)
#define UD_NOT_PRESENT(f) (((f) >> 5) & 1u)
#define UD_ENTRY_ANY	  0xFFFFFFFFu

void thread_attach_main(struct proc *p, struct task *t)
{
	t->tid = p->pid;
	t->thread_next = NULL;
	p->threads = t;
	p->nthreads = 1;
}

int thread_read_tls(uint32_t uaddr, uint64_t *desc, uint32_t *flags)
{
	uint32_t d[4]; /* entry_number, base_addr, limit, flags */
	int rc = copy_from_user(d, uaddr, sizeof(d));
	if (rc < 0)
		return rc;
	if (d[0] == UD_ENTRY_ANY) {
		d[0] = GDT_TLS_INDEX; /* the one slot keel has */
		rc = copy_to_user(uaddr, d, 4);
		if (rc < 0)
			return rc;
	} else if (d[0] != GDT_TLS_INDEX) {
		return -EINVAL;
	}
	if (UD_CONTENTS(d[3]) != 0) /* only data segments */
		return -EINVAL;
	*desc =
	    gdt_tls_encode(d[1], d[2], UD_PAGES(d[3]), !UD_NOT_PRESENT(d[3]));
	*flags = d[3];
	return 0;
}

struct task *thread_find(struct proc *p, int tid)
{
	if (!p) {
		struct task *t = NULL;
		/* tids and pids come from one counter: a thread's group is
		 * whichever process holds it.  Few processes: a walk. */
		for (struct proc *q = proc_first(); q && !t; q = q->all_next)
			t = thread_find(q, tid);
		return t;
	}
	for (struct task *t = p->threads; t; t = t->thread_next)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* A new thread's first entry to ring 3: the frame clone built. */
static int thread_enter_user(void *arg)
{
	struct trap_frame tf = *(struct trap_frame *)arg;
	cli();
	kfree(arg);
	trap_return_to(&tf);
}

/* clone's arguments, checked before anything changes (seL4's decode
 * step): the flags, the TLS descriptor, the tid pointers. */
static int clone_check(uint32_t flags, uint32_t ptid, uint32_t tls,
		       uint32_t ctid, uint64_t *desc)
{
	uint32_t tls_flags;
	int rc;
	if ((flags & CLONE_THREAD_NEEDS) != CLONE_THREAD_NEEDS ||
	    (flags & ~(CLONE_THREAD_NEEDS | CLONE_THREAD_MAY)) != 0)
		return -EINVAL;
	if ((flags & CLONE_PARENT_SETTID) &&
	    (rc = uaccess_check(ptid, 4, true)) < 0)
		return rc;
	if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) &&
	    (rc = uaccess_check(ctid, 4, true)) < 0)
		return rc;
	*desc = task_current()->tls;
	if (flags & CLONE_SETTLS) {
		rc = thread_read_tls(tls, desc, &tls_flags);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int thread_clone(struct trap_frame *tf, uint32_t flags, uint32_t newsp,
		 uint32_t ptid, uint32_t tls, uint32_t ctid)
{
	struct proc *p = proc_current();
	struct task *t;
	struct trap_frame *ctf;
	uint64_t desc;
	int rc = clone_check(flags, ptid, tls, ctid, &desc);
	if (rc < 0)
		return rc;
	if (p->group_killer)
		return -EAGAIN; /* the group is ending */
	thread_reap_dead(p);
	ctf = kmalloc(sizeof(*ctf));
	t = ctf ? task_create_stopped(p->name, thread_enter_user, ctf) : NULL;
	if (!t) {
		kfree(ctf);
		return -ENOMEM;
	}
	*ctf = *tf;
	ctf->eax = 0; /* clone returns 0 in the new thread */
	if (newsp)
		ctf->esp = newsp;
	t->proc = p;
	t->space = p->vm;
	t->tls = desc;
	t->tid = proc_next_id();
	signal_fork_task(t); /* the creator's mask, nothing pending */
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = ctid;
	/* Checked above, and nothing since could unmap them. */
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(ptid, &t->tid, 4);
	if (flags & CLONE_CHILD_SETTID)
		copy_to_user(ctid, &t->tid, 4);
	t->thread_next = p->threads;
	p->threads = t;
	p->nthreads++;
	task_start(t);
	return t->tid;
}

void thread_reap_dead(struct proc *p)
{
	while (p->dead_threads) {
		struct task *t = p->dead_threads;
		p->dead_threads = t->thread_next;
		task_wait(t); /* a zombie already, or about to be */
	}
}

static void unlink_thread(struct proc *p, struct task *t)
{
	for (struct task **pp = &p->threads; *pp; pp = &(*pp)->thread_next)
		if (*pp == t) {
			*pp = t->thread_next;
			break;
		}
	p->nthreads--;
	if (p->task == t)
		p->task = p->threads; /* the process's face: a live thread */
}

void thread_leave(struct proc *p, struct task *t)
{
	uint32_t zero = 0;
	/* CLONE_CHILD_CLEARTID: tell a joiner (musl: the thread-list lock
	 * this thread holds as it dies) that the thread is gone. */
	if (t->clear_child_tid &&
	    copy_to_user(t->clear_child_tid, &zero, 4) == 0)
		futex_wake(p->vm, t->clear_child_tid, 1);
	fpu_task_gone(t);
	unlink_thread(p, t);
	thread_reap_dead(p); /* the others that went before */
	t->thread_next = p->dead_threads;
	p->dead_threads = t;
	wq_wake_all(&p->threads_wq);
	/* Leave the address space: the process may end before this task
	 * is freed. */
	t->space = vm_kernel_space();
	t->tls = 0;
	vm_switch(vm_kernel_space());
	t->proc = NULL;
	task_exit(0);
}

void thread_exit(int code)
{
	struct proc *p = proc_current();
	cli();
	if (p->nthreads == 1)
		proc_exit(WSTATUS_EXITED(code)); /* the last thread */
	thread_leave(p, task_current());
}

void thread_kill_others(struct proc *p, struct task *self)
{
	p->group_killer = self;
	for (struct task *t = p->threads; t; t = t->thread_next)
		if (t != self) {
			signal_kill_thread(t); /* out of any wait, to exit */
		}
	while (p->nthreads > 1)
		wq_block(&p->threads_wq);
	p->group_killer = NULL;
	thread_reap_dead(p);
}
