/*
 * tickets — run a command with a share of the CPU, or show and set a
 * process's tickets: proportional-share scheduling (000_*: lottery and
 * stride scheduling; OSTEP's "tickets represent your share").
 *
 *   tickets N CMD [ARG]...   run CMD with N tickets (as nice runs a
 *                            command at a priority)
 *   tickets -p PID [N]       show PID's tickets, or set them to N
 *
 * Tickets matter under `sched.policy=lottery` or `stride`: over a long run
 * a process gets about tickets / (all tickets) of the CPU.  keel-specific
 * (call 1002, keel_tickets); on Linux the call is ENOSYS and tickets says
 * so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEEL_SYS_TICKETS 1002

static long keel_tickets(long pid, long n)
{
	long r;
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(KEEL_SYS_TICKETS), "b"(pid), "c"(n)
			 : "memory");
	return r;
}

static long number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "tickets: '%s' is not a number\n", s);
		exit(2);
	}
	return v;
}

static long call(long pid, long n)
{
	long r = keel_tickets(pid, n);
	if (r == -ENOSYS) {
		fprintf(stderr, "tickets: this kernel has no tickets (keel's "
				"call 1002)\n");
		exit(1);
	}
	if (r < 0) {
		fprintf(stderr, "tickets: %s\n", strerror((int)-r));
		exit(1);
	}
	return r;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "-p") == 0 && argc <= 4) {
		long pid = number(argv[2]);
		long t = call(pid, argc == 4 ? number(argv[3]) : 0);
		printf("pid %ld: %ld tickets\n", pid, t);
		return 0;
	}
	if (argc >= 3) {
		call(0, number(argv[1]));
		execvp(argv[2], &argv[2]);
		fprintf(stderr, "tickets: %s: %s\n", argv[2], strerror(errno));
		return 127;
	}
	fprintf(stderr, "usage: tickets N CMD [ARG]... | tickets -p PID [N]\n");
	return 2;
}
