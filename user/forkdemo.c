/*
 * forkdemo: fork makes a second process that is a copy of the first, and
 * the two learn which is which from fork's return value: 0 in the child,
 * the child's pid in the parent (OSTEP 5.1, p1.c; seed 000).  wait makes
 * the parent's output come after the child's, so the order is always the
 * same (OSTEP's p2.c).
 *
 * The copy is cheap: keel's fork shares every page copy-on-write (003,
 * 004), see cowdemo.  Pids are not printed: they differ between Linux and
 * keel, and this program's output must not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int x = 100;

	printf("parent: before fork, x = %d\n", x);
	/* Empty stdio's buffer first: fork copies it, and an unflushed line
	 * would then be printed twice, once by each process. */
	fflush(stdout);
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		x += 1;
		printf("child: fork returned 0; x = %d (my own copy)\n", x);
		exit(0);
	}
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	printf("parent: fork returned the child's pid; child exited with %d\n",
	       WEXITSTATUS(status));
	printf("parent: x = %d (the child's change is not here)\n", x);
	return 0;
}
