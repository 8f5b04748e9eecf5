/*
 * cowdemo: after fork, parent and child write the same pages and each
 * sees only its own writes.
 *
 * fork does not copy memory.  It maps every user page of the parent into
 * the child as well, read-only in both, and counts the frame's sharers;
 * the first write to a shared page faults, and the fault handler gives the
 * writer a private copy (or, when it is the last sharer, makes the page
 * writable again).  This is copy-on-write: seed 003 (mingOS: COW, fork and
 * execve) and seed 004 (CS:APP 9.8.2, private copy-on-write objects).  On
 * keel, `ps` and `vm` show the shared frames while both processes live.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGES 4
#define PAGE  4096

static char pages[PAGES][PAGE] __attribute__((aligned(PAGE)));

static void fill(const char *who)
{
	for (int i = 0; i < PAGES; i++)
		snprintf(pages[i], PAGE, "page %d written by the %s", i, who);
}

static void show(const char *who)
{
	for (int i = 0; i < PAGES; i++)
		printf("%-27s %s\n", who, pages[i]);
}

int main(void)
{
	int pipefd[2];
	char token;

	fill("parent");
	printf("before fork: %s\n", pages[0]);
	if (pipe(pipefd) < 0) {
		perror("pipe");
		return 1;
	}
	fflush(stdout);
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		/* Wait until the parent has written its pages, then write
		 * the same pages: each write faults and copies. */
		close(pipefd[1]);
		if (read(pipefd[0], &token, 1) != 1)
			exit(1);
		show("child, before its writes:");
		fill("child");
		show("child, after its writes:");
		exit(0);
	}
	close(pipefd[0]);
	/* The parent writes first: its own faults copy (or take back) the
	 * shared frames, and the child must not see these writes. */
	for (int i = 0; i < PAGES; i++)
		snprintf(pages[i], PAGE,
			 "page %d written by the parent, after fork", i);
	if (write(pipefd[1], "go", 1) != 1)
		perror("write");
	close(pipefd[1]);
	waitpid(pid, NULL, 0);
	show("parent, after the child:");
	return 0;
}
