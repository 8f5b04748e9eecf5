/*
 * sleep SECONDS: block for that long (a whole number, or with a fraction:
 * `sleep 0.5`).
 *
 * A blocked process is not runnable: the scheduler runs others until the
 * timer wakes it — the process states of OSTEP 4.4 (running, ready,
 * blocked; seed 000).  Try `sleep 2 | echo done` at the shell.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	char *end;
	double secs = argc == 2 ? strtod(argv[1], &end) : -1;

	if (argc != 2 || *end || secs < 0 || secs > 1e6) {
		fprintf(stderr, "usage: sleep SECONDS\n");
		return 2;
	}
	struct timespec ts = {(time_t)secs,
			      (long)((secs - (double)(time_t)secs) * 1e9)};

	while (nanosleep(&ts, &ts) < 0)
		if (errno != EINTR)
			return 1;
	return 0;
}
