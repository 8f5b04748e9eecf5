/*
 * ubench [PREFIX...]: user-mode benchmarks (those whose name starts with a
 * PREFIX, or all), printed as keel's in-kernel
 * ones are: one `BENCH name value` line a figure, the value in guest
 * instructions an operation.
 *
 * Under `qemu -icount shift=0` the time-stamp counter advances by one per
 * guest instruction (tools/bench), and rdtsc works in ring 3, so a user
 * program can count the instructions of a whole round trip through the
 * kernel: the trap, the system call, the return-from-trap (limited direct
 * execution, OSTEP; seed 000), a fork with copy-on-write and a single
 * copying fault (seeds 003, 004).  On Linux the figures are cycles, not
 * instructions, and mean little.
 *
 * System calls are made with int $0x80 directly, not through musl, so the
 * figures are the kernel's (and the few instructions of the loop).
 *
 *   syscall_getpid    one getpid round trip from user mode
 *   fork_wait_small   fork of this small process, the child's _exit, the
 *                     parent's wait4 returning
 *   fork_16m          the same with 16 MiB of touched data: tools/bench
 *                     reports it as fork_cow_16m, and as fork_copy_16m
 *                     from a boot with the kernel's eager-copy option
 *                     (fork.copy) and the argument `fork`
 *   cow_fault         one write to a shared page: the fault that copies it
 *   fault_zero_page   the first touch (a write) of an anonymous page: the
 *                     demand-zero fault that maps a zeroed frame
 *   fault_file_page   the first touch (a read) of a page of the program's
 *                     initialised data: the fault that copies it from the
 *                     initrd
 *   exec_small        fork + execve(/bin/true) + exit + wait, less
 *                     fork_wait_small
 *   futex_wake_wait_pingpong
 *                     two threads hand a turn back and forth through raw
 *                     FUTEX_WAKE and FUTEX_WAIT calls: one round trip (two
 *                     wakes, two waits, two switches)
 *   thread_create_join
 *                     musl's pthread_create of a thread that returns at
 *                     once, and pthread_join (mmap of its stack, clone,
 *                     exit with CLONE_CHILD_CLEARTID's wake, munmap)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libkeel.h"

#define PAGE 4096u

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline long sys0(long nr)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr) : "memory");
	return r;
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

static inline long sys4(long nr, long a, long b, long c, long d)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
			 : "memory");
	return r;
}

static void report(const char *name, uint64_t value)
{
	printf("BENCH %s %llu\n", name, (unsigned long long)value);
	fflush(stdout);
}

static uint64_t bench_getpid(void)
{
	enum { N = 10000 };
	uint64_t t0 = rdtsc();

	for (int i = 0; i < N; i++)
		sys0(SYS_getpid);
	return (rdtsc() - t0) / N;
}

/* One fork + _exit in the child + wait4 in the parent; raw calls only, so
 * the child touches as few pages as it can (its stack, for the return
 * from int $0x80). */
static uint64_t fork_wait_once(void)
{
	uint64_t t0 = rdtsc();
	long pid = sys0(SYS_fork);

	if (pid == 0)
		for (;;)
			sys3(SYS_exit, 0, 0, 0);
	sys4(SYS_wait4, pid, 0, 0, 0);
	return rdtsc() - t0;
}

static uint64_t bench_fork_wait(int n)
{
	uint64_t sum = 0;

	fflush(stdout);
	for (int i = 0; i < n; i++)
		sum += fork_wait_once();
	return sum / (uint64_t)n;
}

static char *touched_16m(void)
{
	const size_t n = 16u << 20;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("ubench: mmap 16 MiB");
		exit(1);
	}
	for (size_t i = 0; i < n; i += PAGE)
		p[i] = 1;
	return p;
}

/* Writes to pages shared with a child (blocked on a pipe meanwhile): each
 * is one fault that copies a frame. */
static uint64_t bench_cow_fault(void)
{
	enum { PAGES = 64 };
	static char pages[PAGES][PAGE] __attribute__((aligned(4096)));
	int fd[2];
	char c;
	uint64_t sum = 0;

	for (int i = 0; i < PAGES; i++)
		pages[i][0] = 1;
	if (pipe(fd) < 0)
		return 0;
	fflush(stdout);
	long pid = sys0(SYS_fork);

	if (pid == 0) {
		sys3(SYS_close, fd[1], 0, 0);
		sys3(SYS_read, fd[0], (long)&c, 1);
		for (;;)
			sys3(SYS_exit, 0, 0, 0);
	}
	for (int i = 0; i < PAGES; i++) {
		uint64_t t0 = rdtsc();

		*(volatile char *)&pages[i][1] = 2;
		sum += rdtsc() - t0;
	}
	close(fd[1]);
	close(fd[0]);
	sys4(SYS_wait4, pid, 0, 0, 0);
	return sum / PAGES;
}

/* First writes to the pages of a fresh anonymous mapping: each is one
 * demand-zero fault (the page table's frame comes once, for all). */
static uint64_t bench_fault_zero_page(void)
{
	enum { PAGES = 256 };
	uint64_t sum = 0;
	char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	for (int i = 0; i < PAGES; i++) {
		uint64_t t0 = rdtsc();

		*(volatile char *)(p + i * PAGE) = 1;
		sum += rdtsc() - t0;
	}
	munmap(p, PAGES * PAGE);
	return sum / PAGES;
}

/* 16 pages of initialised data nothing else reads. */
static const uint32_t file_pages[16][PAGE / 4] __attribute__((
    aligned(4096))) = {[0 ... 15] = {[0 ... PAGE / 4 - 1] = 0x5a5a5a5a}};

/* First reads of pages of the program's file: each copies one page from
 * the initrd into a fresh frame. */
static uint64_t bench_fault_file_page(void)
{
	uint64_t sum = 0;
	uint32_t x = 0;

	for (int i = 0; i < 16; i++) {
		uint64_t t0 = rdtsc();

		x += *(volatile const uint32_t *)&file_pages[i][0];
		sum += rdtsc() - t0;
	}
	return x == 16u * 0x5a5a5a5a ? sum / 16 : 0;
}

static uint64_t bench_exec(int n)
{
	static char *argv[] = {"true", NULL};
	static char *envp[] = {NULL};
	uint64_t sum = 0;

	fflush(stdout);
	for (int i = 0; i < n; i++) {
		uint64_t t0 = rdtsc();
		long pid = sys0(SYS_fork);

		if (pid == 0) {
			sys3(SYS_execve, (long)"/bin/true", (long)argv,
			     (long)envp);
			for (;;)
				sys3(SYS_exit, 127, 0, 0);
		}
		sys4(SYS_wait4, pid, 0, 0, 0);
		sum += rdtsc() - t0;
	}
	return sum / (uint64_t)n;
}

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long r;

	/* EBP is the frame pointer: saved and loaded around the call. */
	__asm__ volatile("push %%ebp\n\tmov %7, %%ebp\n\tint $0x80\n\t"
			 "pop %%ebp"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e),
			   "m"(f)
			 : "memory");
	return r;
}

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define PINGPONG_ROUNDS	   2000

static volatile int turn; /* 0: the main thread's, 1: the partner's */

static void futex_wait(volatile int *addr, int val)
{
	while (*addr == val)
		sys6(SYS_futex, (long)addr, FUTEX_WAIT_PRIVATE, val, 0, 0, 0);
}

static void *pong(void *arg)
{
	(void)arg;
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		futex_wait(&turn, 0);
		turn = 0;
		sys6(SYS_futex, (long)&turn, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
	}
	return NULL;
}

static uint64_t bench_futex_pingpong(void)
{
	pthread_t t;
	uint64_t t0;

	turn = 0;
	if (pthread_create(&t, NULL, pong, NULL) != 0)
		return 0;
	t0 = rdtsc();
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		turn = 1;
		sys6(SYS_futex, (long)&turn, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
		futex_wait(&turn, 1);
	}
	uint64_t per = (rdtsc() - t0) / PINGPONG_ROUNDS;
	pthread_join(t, NULL);
	return per;
}

static void *nothing(void *arg)
{
	return arg;
}

static uint64_t bench_thread_create_join(void)
{
	enum { N = 200 };
	pthread_t t;
	uint64_t t0 = rdtsc();

	for (int i = 0; i < N; i++) {
		if (pthread_create(&t, NULL, nothing, NULL) != 0)
			return 0;
		pthread_join(t, NULL);
	}
	return (rdtsc() - t0) / N;
}

int main(int argc, char **argv)
{
	uint64_t small = 0;

	if (arg_selects("syscall_getpid", argc, argv))
		report("syscall_getpid", bench_getpid());
	if (arg_selects("fork_wait_small", argc, argv) ||
	    arg_selects("exec_small", argc, argv)) {
		small = bench_fork_wait(50);
		if (arg_selects("fork_wait_small", argc, argv))
			report("fork_wait_small", small);
	}
	if (arg_selects("cow_fault", argc, argv))
		report("cow_fault", bench_cow_fault());
	if (arg_selects("fault_zero_page", argc, argv))
		report("fault_zero_page", bench_fault_zero_page());
	if (arg_selects("fault_file_page", argc, argv))
		report("fault_file_page", bench_fault_file_page());
	if (arg_selects("exec_small", argc, argv)) {
		uint64_t e = bench_exec(20);

		report("exec_small", e > small ? e - small : 0);
	}
	if (arg_selects("futex_wake_wait_pingpong", argc, argv))
		report("futex_wake_wait_pingpong", bench_futex_pingpong());
	if (arg_selects("thread_create_join", argc, argv))
		report("thread_create_join", bench_thread_create_join());
	if (arg_selects("fork_16m", argc, argv)) {
		char *p = touched_16m();

		report("fork_16m", bench_fork_wait(5));
		munmap(p, 16u << 20);
	}
	return 0;
}
