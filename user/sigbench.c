/*
 * sigbench [PREFIX...]: the signal and pipe figures of `make bench` (issue
 * 12), printed as ubench's are: one `BENCH name value` line a figure, the
 * value in guest instructions an operation (under `qemu -icount shift=0`
 * rdtsc counts guest instructions; on Linux the figures are cycles).
 *
 *   signal_deliver_return  kill(self, SIGUSR1) with a handler installed:
 *                          the call, the frame built on the user stack,
 *                          the (empty) handler, musl's restorer and
 *                          sigreturn putting the registers back
 *   pipe_pingpong_1byte    one byte to another process through a pipe and
 *                          one byte back through a second: two writes, two
 *                          reads, two blocking waits and two switches
 *
 * System calls are made with int $0x80 directly, so the figures are the
 * kernel's (and the few instructions of the loop).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libkeel.h"

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory");
	return r;
}

static void report(const char *name, uint64_t value)
{
	printf("BENCH %s %llu\n", name, (unsigned long long)value);
	fflush(stdout);
}

static volatile int hits;

static void on_usr1(int sig)
{
	(void)sig;
	hits++;
}

static uint64_t bench_signal(void)
{
	enum { N = 5000 };
	struct sigaction sa;
	long pid = getpid();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	uint64_t t0 = rdtsc();

	for (int i = 0; i < N; i++)
		sys3(SYS_kill, pid, SIGUSR1, 0);
	uint64_t t = rdtsc() - t0;

	if (hits != N) {
		fprintf(stderr, "sigbench: %d handler runs, expected %d\n",
			hits, N);
		return 0;
	}
	return t / N;
}

static uint64_t bench_pingpong(void)
{
	enum { N = 2000 };
	int there[2], back[2];
	char c = 'x';

	if (pipe(there) < 0 || pipe(back) < 0)
		return 0;
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0) {
		close(there[1]); /* else its own end keeps the pipe open */
		close(back[0]);
		while (sys3(SYS_read, there[0], (long)&c, 1) == 1)
			sys3(SYS_write, back[1], (long)&c, 1);
		_exit(0);
	}
	close(there[0]);
	close(back[1]);
	uint64_t t0 = rdtsc();

	for (int i = 0; i < N; i++) {
		sys3(SYS_write, there[1], (long)&c, 1);
		if (sys3(SYS_read, back[0], (long)&c, 1) != 1)
			return 0;
	}
	uint64_t t = rdtsc() - t0;

	close(there[1]);
	close(back[0]);
	sys3(SYS_waitpid, pid, 0, 0);
	return t / N;
}

int main(int argc, char **argv)
{
	if (arg_selects("signal_deliver_return", argc, argv))
		report("signal_deliver_return", bench_signal());
	if (arg_selects("pipe_pingpong_1byte", argc, argv))
		report("pipe_pingpong_1byte", bench_pingpong());
	return 0;
}
