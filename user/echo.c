/*
 * echo [-n] [ARG...]: print the arguments, separated by one space.
 *
 * The arguments reach main through the System V i386 initial stack that
 * execve builds (argc, argv[], NULL, envp[], NULL, the auxiliary vector):
 * the exec half of OSTEP's process API (000) and CS:APP's execve (004).
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int i = 1;
	int newline = 1;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = 0;
		i = 2;
	}
	for (int first = i; i < argc; i++)
		printf("%s%s", i > first ? " " : "", argv[i]);
	if (newline)
		putchar('\n');
	return fflush(stdout) == 0 ? 0 : 1;
}
