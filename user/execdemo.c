/*
 * execdemo: fork, then execve in the child — the pair a shell uses to run
 * a command (OSTEP 5.3, p3.c; seed 000).  execve replaces the child's
 * whole address space with the program read from the file (CS:APP 9.8.3,
 * 004) and, on success, never returns; the parent's wait gets the new
 * program's exit status.  A file that does not exist, or is not a program,
 * makes execve return -1 and leaves the caller as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Run PATH with ARGV in a child; print how it ended. */
static void run(const char *path, char *const argv[])
{
	fflush(stdout);
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		execve(path, argv, environ);
		/* Only reached when execve failed: the old image is intact. */
		printf("child: execve %s failed: %s\n", path, strerror(errno));
		exit(127);
	}
	int status;

	waitpid(pid, &status, 0);
	if (WIFEXITED(status))
		printf("parent: %s exited with %d\n", path,
		       WEXITSTATUS(status));
	else
		printf("parent: %s was killed by signal %d\n", path,
		       WTERMSIG(status));
}

int main(void)
{
	char *echo[] = {"echo", "hello", "from", "a", "new", "program", NULL};
	char *wc[] = {"wc", "/etc/motd", NULL};
	char *falsy[] = {"false", NULL};
	char *missing[] = {"nosuch", NULL};
	char *notelf[] = {"not-elf", NULL};

	run("/bin/echo", echo);
	run("/bin/wc", wc);
	run("/bin/false", falsy);
	run("/bin/nosuch", missing);
	run("/tests/not-elf", notelf);
	return 0;
}
