/*
 * pipewait: two ways to deadlock with pipes (seed 001: pipes, and the four
 * conditions of deadlock), for the kernel's detector to find.  Neither
 * ever returns; the console's `deadlock` (or `deadlock.check=`) names the
 * cycle, and Ctrl-C or a kill ends it.
 *
 *   pipewait        read a pipe whose only write end this process holds
 *                   itself: the end of file can never come (it forgot to
 *                   close the end it does not use) - a cycle of one;
 *   pipewait pair   parent and child each read a pipe only the other
 *                   writes, both first: each waits for the other - a
 *                   cycle of two, circular wait through the pipes.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int make_pipe(int fd[2])
{
	if (pipe(fd) == 0)
		return 0;
	perror("pipe");
	return -1;
}

static int alone(void)
{
	int fd[2];
	char c;
	if (make_pipe(fd) < 0)
		return 1;
	printf("pipewait: reading a pipe whose write end I still hold\n");
	fflush(stdout);
	return read(fd[0], &c, 1) == 1 ? 0 : 1;
}

static int pair(void)
{
	int to_child[2], to_parent[2];
	char c;
	pid_t pid;
	if (make_pipe(to_child) < 0 || make_pipe(to_parent) < 0)
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) { /* reads to_child, would then write to_parent */
		close(to_child[1]);
		close(to_parent[0]);
		if (read(to_child[0], &c, 1) == 1)
			write(to_parent[1], "x", 1);
		_exit(0);
	}
	close(to_child[0]); /* reads to_parent, would then write to_child */
	close(to_parent[1]);
	printf("pipewait: parent %d and child %d each read first\n",
	       (int)getpid(), (int)pid);
	fflush(stdout);
	if (read(to_parent[0], &c, 1) == 1)
		write(to_child[1], "x", 1);
	waitpid(pid, NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "pair") == 0)
		return pair();
	return alone();
}
