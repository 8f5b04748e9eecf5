/*
 * kill [-SIGNAL] PID...: send a signal (TERM unless named: a number, or a
 * name such as KILL or INT) to each process.
 *
 * A signal with its default action ends the process; its parent's wait
 * then reports WIFSIGNALED with that number (OSTEP 5.5, process control
 * with signals; seeds 000 and 001).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkeel.h"

static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n > 0 && n < 65 ? (int)n : -1;
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < 32; sig++)
		if (strcmp(sig_name(sig) + 3, s) == 0)
			return sig;
	return -1;
}

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc > 1 && argv[1][0] == '-') {
		sig = parse_signal(argv[1] + 1);
		i = 2;
	}
	if (sig < 0 || i >= argc) {
		fprintf(stderr, "usage: kill [-SIGNAL] PID...\n");
		return 2;
	}
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);

		if (!*argv[i] || *end || kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: %s: %s\n", argv[i],
				*end ? "not a pid" : strerror(errno));
			status = 1;
		}
	}
	return status;
}
