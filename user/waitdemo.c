/*
 * waitdemo: a parent collects its children's ends with waitpid (OSTEP 5.2,
 * seed 000).  A process that has exited stays a zombie, holding its exit
 * status, until its parent waits for it; the status word says whether the
 * child called exit (WIFEXITED, WEXITSTATUS) or was killed by a signal
 * (WIFSIGNALED, WTERMSIG) — here by its own divide by zero, a fault the
 * kernel turns into SIGFPE for that child alone.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libkeel.h"

#define NCHILD 4

/* A divide error (#DE, vector 0) in user mode: the kernel sends SIGFPE.
 * Written in assembly because a compiler may turn 1 / x into compares. */
static void divide_by_zero(void)
{
	unsigned int eax = 1, edx = 0, zero = 0;

	__asm__ volatile("divl %2" : "+a"(eax), "+d"(edx) : "r"(zero));
}

static void child(int i)
{
	switch (i) {
	case 0:
		exit(0);
	case 1:
		exit(7);
	case 2:
		exit(42);
	default:
		/* stderr closed: QEMU's user mode would report the signal
		 * there, and keel prints its fault report on its own log. */
		close(2);
		divide_by_zero();
		exit(0);
	}
}

int main(void)
{
	pid_t pids[NCHILD];

	for (int i = 0; i < NCHILD; i++) {
		fflush(stdout);
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[i] == 0)
			child(i);
	}
	printf("parent: %d children started; waiting for each in turn\n",
	       NCHILD);
	for (int i = 0; i < NCHILD; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) != pids[i]) {
			perror("waitpid");
			return 1;
		}
		if (WIFEXITED(status))
			printf("child %d: exited, status %d\n", i,
			       WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			printf("child %d: killed by signal %d (%s)\n", i,
			       WTERMSIG(status), sig_name(WTERMSIG(status)));
	}
	if (waitpid(-1, NULL, 0) < 0)
		printf("parent: no child left to wait for (ECHILD)\n");
	return 0;
}
