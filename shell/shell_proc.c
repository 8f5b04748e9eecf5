/*
 * shell_proc — the console's view of processes: the process table under
 * `ps` (with each process's threads and the futex each one waits on), `exec` to
 * run a program from the initrd, `strace` to watch the system calls go by.
 */
#include "arch/x86.h"
#include "fs/initrd.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "proc/swap.h"
#include "proc/syscall.h"
#include "shell/shell.h"
#include "shell/shell_cmd.h"

#define PROC_ROWS   32
#define THREAD_ROWS 8 /* threads shown under a process */

struct thread_row {
	int tid, task;
	const char *state;
	uint32_t futex; /* the address it waits on in futex_wait, or 0 */
};

struct proc_row {
	int pid, ppid;
	char name[PROC_NAME_MAX];
	const char *state;
	struct uvm_usage use;
	uint32_t vmas;
	uint64_t syscalls, cow, lazy;
	int nthreads;
	struct thread_row threads[THREAD_ROWS];
	struct vm_counters vmc;
	uint32_t resident;
};

struct proc_snap {
	int n, total;
	struct proc_row rows[PROC_ROWS];
};

static void take(struct proc *p, void *ctx)
{
	struct proc_snap *s = ctx;
	struct proc_row *r;
	s->total++;
	if (s->n == PROC_ROWS)
		return;
	r = &s->rows[s->n++];
	r->pid = p->pid;
	r->ppid = p->parent ? p->parent->pid : 0;
	strlcpy(r->name, p->name, sizeof(r->name));
	r->state = p->state == PROC_ZOMBIE ? "zombie"
		   : !p->task		   ? "new"
					   : task_state_name(p->task->state);
	if (p->vm)
		uvm_usage(p->vm, &r->use);
	else
		memset(&r->use, 0, sizeof(r->use));
	r->vmas = (uint32_t)p->nvma;
	r->syscalls = p->syscalls;
	r->cow = p->cow_faults;
	r->lazy = p->lazy_faults;
	r->vmc = p->vmc;
	r->resident = resident_count(p);
	r->nthreads = p->state == PROC_ALIVE ? p->nthreads : 0;
	int i = 0;
	for (struct task *t = p->threads; t && i < THREAD_ROWS;
	     t = t->thread_next, i++)
		r->threads[i] = (struct thread_row){
		    t->tid, t->id, task_state_name(t->state), t->futex_addr};
}

/* A process's threads, when it has several or one waits on a futex:
 * each thread's tid, task, state and what it waits on. */
static void list_threads(const struct proc_row *r)
{
	int shown = r->nthreads < THREAD_ROWS ? r->nthreads : THREAD_ROWS;
	if (r->nthreads < 2 && !(shown == 1 && r->threads[0].futex))
		return;
	for (int i = shown - 1; i >= 0; i--) { /* the list is newest first */
		const struct thread_row *t = &r->threads[i];
		shell_printf("      thread tid %d (task %d) %s", t->tid,
			     t->task, t->state);
		if (t->futex)
			shell_printf(" waits on futex 0x%08x", t->futex);
		shell_printf("\n");
	}
	if (r->nthreads > shown)
		shell_printf("      ... and %d more threads\n",
			     r->nthreads - shown);
}

void shell_proc_list(void)
{
	static struct proc_snap snap;
	bool on = irq_save();
	snap.n = snap.total = 0;
	proc_for_each(take, &snap);
	irq_restore(on);
	if (snap.total == 0)
		return;
	shell_printf("%d processes (pages: user pages mapped; shared: of them "
		     "shared copy-on-write)\n",
		     snap.total);
	shell_printf("  pid ppid name             state    pages shared areas "
		     "syscalls cow-faults zero-faults\n");
	for (int i = snap.n - 1; i >= 0; i--) {
		const struct proc_row *r = &snap.rows[i];
		shell_printf("%5d %4d %-16s %-8s %5u %6u %5u %8llu %10llu "
			     "%11llu\n",
			     r->pid, r->ppid, r->name, r->state, r->use.pages,
			     r->use.shared, r->vmas, r->syscalls, r->cow,
			     r->lazy);
		list_threads(r);
	}
	shell_printf("paging (vmstat: minor/major faults, pages swapped in, "
		     "evicted, written back; resident set; in swap):\n");
	shell_printf("  pid    minor    major  swapins swapouts writebacks "
		     "resident swapped\n");
	for (int i = snap.n - 1; i >= 0; i--) {
		const struct proc_row *r = &snap.rows[i];
		shell_printf("%5d %8u %8u %8u %8u %10u %8u %7u\n", r->pid,
			     r->vmc.n[VM_MINOR], r->vmc.n[VM_MAJOR],
			     r->vmc.n[VM_SWAP_IN], r->vmc.n[VM_SWAP_OUT],
			     r->vmc.n[VM_WRITEBACK], r->resident,
			     r->use.swapped);
	}
	if (snap.total > snap.n)
		shell_printf("... and %d more\n", snap.total - snap.n);
}

int shell_cmd_exec(int argc, char **argv)
{
	char how[24];
	int rc, ws;
	if (!initrd_present()) {
		shell_printf("exec: no initrd: boot with one (QEMU -initrd, "
			     "make run builds build/initrd.cpio)\n");
		return SHELL_EFAIL;
	}
	argv[argc] = NULL;
	rc = proc_run(argv[1], &argv[1], NULL, &ws);
	if (rc < 0) {
		shell_printf("exec: %s: %s\n", argv[1],
			     errno_name(-rc) ? errno_name(-rc) : "error");
		return SHELL_EFAIL;
	}
	proc_status_text(ws, how, sizeof(how));
	shell_printf("[%s: %s]\n", argv[1], how);
	return SHELL_OK;
}

int shell_cmd_strace(int argc, char **argv)
{
	uint32_t pid;
	if (argc == 1) {
		int t = syscall_traced();
		if (t == 0)
			shell_printf("strace: off\n");
		else if (t < 0)
			shell_printf("strace: every process\n");
		else
			shell_printf("strace: pid %d\n", t);
		return SHELL_OK;
	}
	if (strcmp(argv[1], "off") == 0)
		syscall_trace(0);
	else if (strcmp(argv[1], "all") == 0)
		syscall_trace(-1);
	else if (shell_number(argv[1], 1, 0x7fffffff, &pid))
		syscall_trace((int)pid);
	else
		return SHELL_EUSAGE;
	return SHELL_OK;
}
