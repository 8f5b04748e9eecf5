/*
 * pipedemo: a pipe is a kernel buffer with a read end and a write end
 * (seed 001: IPC, pipes).  A reader blocks while it is empty, a writer
 * while it is full; read returns 0 (end of file) once every write end is
 * closed — which is why each process must close the ends it does not use.
 *
 * Part 1: a child writes lines into a pipe, the parent reads them.
 * Part 2: two children wired as `echo ... | wc`, the shell's pipeline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void part1(void)
{
	int fd[2];
	char buf[256];
	ssize_t n;
	long total = 0;

	if (pipe(fd) < 0) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0) {
		close(fd[0]);
		for (int i = 1; i <= 3; i++) {
			char line[64];
			int len = snprintf(line, sizeof(line),
					   "message %d through the pipe\n", i);

			if (write(fd[1], line, (size_t)len) != len)
				exit(1);
		}
		exit(0); /* exit closes the write end: the reader sees EOF */
	}
	close(fd[1]); /* else the parent's own write end keeps EOF away */
	while ((n = read(fd[0], buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		total += n;
	}
	close(fd[0]);
	waitpid(pid, NULL, 0);
	printf("parent: read %ld bytes, then end of file\n", total);
}

/* Start PATH in a child with stdin from IN and stdout to OUT. */
static pid_t spawn(char *const argv[], int in, int out, int unused)
{
	fflush(stdout);
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (in != 0) {
		dup2(in, 0);
		close(in);
	}
	if (out != 1) {
		dup2(out, 1);
		close(out);
	}
	close(unused);
	execve(argv[0], argv, environ);
	perror(argv[0]);
	exit(127);
}

static void part2(void)
{
	char *echo[] = {"/bin/echo", "one two three", "four", NULL};
	char *wc[] = {"/bin/wc", NULL};
	int fd[2];

	if (pipe(fd) < 0) {
		perror("pipe");
		exit(1);
	}
	printf("echo 'one two three' four | wc:\n");
	pid_t a = spawn(echo, 0, fd[1], fd[0]);
	pid_t b = spawn(wc, fd[0], 1, fd[1]);

	close(fd[0]);
	close(fd[1]);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
}

int main(void)
{
	part1();
	part2();
	return 0;
}
