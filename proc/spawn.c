/*
 * spawn — a process the kernel starts (init, or a program the console
 * runs): a fresh process, the program loaded by exec, the console on
 * descriptors 0, 1 and 2, and its first trip to ring 3.
 */
#include "arch/x86.h"
#include "fs/tty.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "proc/exec.h"
#include "proc/proc.h"
#include "proc/thread.h"

int proc_spawn(const char *path, char *const argv[], char *const envp[],
	       struct proc **out)
{
	struct exec_args args;
	struct exec_image img;
	struct proc *p;
	const char *base = strrchr(path, '/');
	int rc;
	proc_sweep();
	rc = exec_args_from_kernel(&args, argv, envp);
	if (rc < 0)
		return rc;
	p = proc_alloc(base ? base + 1 : path);
	if (!p) {
		exec_args_free(&args);
		return -ENOMEM;
	}
	rc = exec_load(path, &args, &img);
	exec_args_free(&args);
	if (rc < 0) {
		proc_discard(p);
		return rc;
	}
	exec_commit(p, &img);
	for (int i = 0; i < 3; i++)
		if (!(p->fd[i] = tty_open())) {
			proc_discard(p);
			return -ENOMEM;
		}
	p->tf = proc_user_frame(img.entry, img.sp);
	p->task =
	    p->tf ? task_create_stopped(p->name, proc_enter_user, p) : NULL;
	if (!p->task) {
		proc_discard(p);
		return -ENOMEM;
	}
	p->task->proc = p;
	p->task->space = p->vm;
	bool on = irq_save();
	proc_publish(p, NULL);
	thread_attach_main(p, p->task);
	p->kernel_waits = true;
	if (p->pid == 1)
		proc_init_proc = p;
	irq_restore(on);
	task_start(p->task);
	*out = p;
	return 0;
}

int proc_run(const char *path, char *const argv[], char *const envp[],
	     int *wstatus)
{
	static char *const default_env[] = {"PATH=/bin", "HOME=/", "TERM=vt100",
					    NULL};
	struct proc *p;
	int rc = proc_spawn(path, argv, envp ? envp : default_env, &p);
	if (rc < 0)
		return rc;
	tty_set_active(true);
	*wstatus = proc_wait(p);
	tty_set_active(false);
	return 0;
}
