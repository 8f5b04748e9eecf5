/*
 * hello: the program a student writes first — printf and malloc from an
 * ordinary C library (musl), nothing keel-specific.
 *
 * malloc grows the heap with brk and mmap, the two ways a Linux process
 * asks for more of its address space (CS:APP 9.9, 004; OSTEP's address
 * spaces, 000); printf ends in write(1, ...), a system call through
 * int $0x80 (limited direct execution, 000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *who = argc > 1 ? argv[1] : "world";
	size_t n = 1000;
	/* Small blocks come from the brk heap, a large one from mmap. */
	long *squares = malloc(n * sizeof(*squares));
	char *big = malloc(256 * 1024);
	char *greeting = malloc(strlen(who) + 16);

	if (!squares || !big || !greeting) {
		fprintf(stderr, "hello: out of memory\n");
		free(greeting);
		free(big);
		free(squares);
		return 1;
	}
	sprintf(greeting, "hello, %s!", who);
	puts(greeting);
	long sum = 0;
	for (size_t i = 0; i < n; i++) {
		squares[i] = (long)i * (long)i;
		sum += squares[i];
	}
	memset(big, 'x', 256 * 1024);
	printf("sum of the first %zu squares: %ld\n", n, sum);
	printf("a 256 KiB block, filled: %s\n",
	       big[0] == 'x' && big[256 * 1024 - 1] == 'x' ? "yes" : "no");
	free(greeting);
	free(big);
	free(squares);
	return 0;
}
