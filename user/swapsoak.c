/*
 * swapsoak: several processes over-committing memory, for a long time
 * (tools/swap-soak boots it as init: `swapsoak TICKS HZ [WORKERS]`).
 *
 * Global replacement and thrashing (001_*, 002_*): WORKERS processes, no
 * resident limit of their own, whose pages together are about 1.4 times
 * the free frames at the start.  The kernel must take frames from one to
 * give them to another (proc/resident.c: the largest resident set loses
 * its policy's victim) and every page must come back from the swap disk
 * with its data.  Each worker sweeps its pages in a new order each round,
 * checking the previous round's value in every page and writing the next,
 * for two rounds at least and until TICKS timer ticks (TICKS / HZ seconds
 * of the kernel's monotonic clock) have passed.
 *
 * Verdict, one line: `swapsoak: PASS after N ticks: ...` when every worker
 * saw right data and exited 0, pages really went to swap and came back,
 * and the free frames and swap slots are back at their values before;
 * `swapsoak: FAIL ...` with the reason otherwise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libkeel.h"

#define PAGE	       4096u
#define MAX_WORKERS    8
#define PROGRESS_TICKS 10000

enum {
	ST_MAJOR = 1,
	ST_SWAPOUT = 3,
	ST_WRITEBACK = 4,
	ST_SLOTS_USED = 7,
	ST_SLOTS = 8,
	ST_FREE = 9
};

static int vm_stat(int pid, uint64_t *out)
{
	return (int)syscall(KEEL_SYS_VM_STAT, pid, out);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t value(uint32_t w, uint32_t page, uint32_t round)
{
	uint32_t x = (w + 1) * 0x9E3779B9u ^ page * 2654435761u ^ round;
	return x ^ (x >> 15);
}

static int coprime(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;
		a = b;
		b = t;
	}
	return a == 1;
}

/* One worker: sweep until the deadline; 0 if every page was right. */
static int worker(uint32_t w, uint32_t pages, double deadline)
{
	uint32_t *base = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return 2;
	/* A stride coprime to `pages` visits each page once a round. */
	uint32_t stride = 1;
	for (uint32_t round = 1; round <= 2 || now_s() < deadline; round++) {
		stride = (stride * 7 + 3) % pages;
		while (!coprime(stride, pages))
			stride = (stride + 1) % pages;
		for (uint32_t k = 0, pg = round % pages; k < pages; k++) {
			uint32_t *p = base + pg * (PAGE / 4);
			uint32_t want =
			    round == 1 ? 0 : value(w, pg, round - 1);
			uint32_t want1 = round == 1 ? 0 : ~want;
			if (p[0] != want || p[1] != want1) {
				printf("swapsoak: worker %u page %u round %u: "
				       "%#x, want %#x\n",
				       w, pg, round, p[0], want);
				return 1;
			}
			p[0] = value(w, pg, round);
			p[1] = ~p[0];
			pg = (pg + stride) % pages;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t before[10], after[10];
	uint32_t pages;
	double start, deadline;
	long ticks = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	long hz = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
	int nw = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
	pid_t pids[MAX_WORKERS];
	const char *why = NULL;
	if (argc > 5 && strcmp(argv[4], "--coordinator") == 0 &&
	    vm_stat(-1, before) == 0) {
		pages = (uint32_t)strtoul(argv[5], NULL, 10);
		start = now_s();
		deadline = start + (double)ticks / (double)hz;
		goto coordinator;
	}
	/* Its own first touches must not look like leaked frames, and
	 * this process shares no page with the soak (see below). */
	keel_prefault_image();
	if (nw < 1 || nw > MAX_WORKERS || hz < 1 || ticks < 1 ||
	    vm_stat(-1, before) < 0 || before[ST_SLOTS] == 0) {
		printf("swapsoak: FAIL: bad arguments or no swap area\n");
		return 1;
	}
	/* 1.4 times the free frames, but no more than swap can take. */
	uint64_t total = before[ST_FREE] * 7 / 5;
	if (total > before[ST_FREE] + before[ST_SLOTS] / 2)
		total = before[ST_FREE] + before[ST_SLOTS] / 2;
	pages = (uint32_t)(total / (uint64_t)nw);
	start = now_s(); /* the coordinator keeps its own deadline */
	printf(
	    "swapsoak: %d workers x %u pages, %llu frames free, %llu slots\n",
	    nw, pages, (unsigned long long)before[ST_FREE],
	    (unsigned long long)before[ST_SLOTS]);
	fflush(stdout);
	/*
	 * A coordinator process runs the workers and watches them; this one
	 * only waits for it.  So when the leak check below runs, every
	 * process the soak made has ended: what the kernel still holds then
	 * is a leak, not memory a live process of the soak still holds.
	 */
	pid_t coord = fork();
	if (coord < 0) {
		printf("swapsoak: FAIL: fork: %s\n", strerror(errno));
		return 1;
	}
	if (coord == 0) {
		/* A fresh image: no page of it is shared with this process,
		 * so no swap slot of the soak outlives the soak (a frame
		 * shared with a worker keeps the copy a worker's eviction
		 * wrote, as a clean copy, as long as the frame lives). */
		char a[4][24];
		snprintf(a[0], sizeof a[0], "%ld", ticks);
		snprintf(a[1], sizeof a[1], "%ld", hz);
		snprintf(a[2], sizeof a[2], "%d", nw);
		snprintf(a[3], sizeof a[3], "%u", pages);
		char *args[] = {argv[0],	 a[0], a[1], a[2],
				"--coordinator", a[3], NULL};
		execv(argv[0][0] == '/' ? argv[0] : "/bin/swapsoak", args);
		_exit(127);
	}
	int cs;
	if (waitpid(coord, &cs, 0) != coord || !WIFEXITED(cs) ||
	    WEXITSTATUS(cs) != 0)
		why = "a worker failed";
	goto check;
coordinator:
	for (int i = 0; i < nw; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(worker((uint32_t)i, pages, deadline));
		if (pids[i] < 0)
			why = "fork failed";
	}
	/* A progress line every PROGRESS_TICKS, so that a watcher can tell a
	 * long soak from a hung one. */
	long next = PROGRESS_TICKS;
	for (int left = nw; left > 0;) {
		int ws;
		pid_t pid = waitpid(-1, &ws, WNOHANG);
		if (pid > 0) {
			left--;
			if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
				printf("swapsoak: pid %d: status %#x\n", pid,
				       ws);
				why = "a worker failed";
			}
			continue;
		}
		if (pid < 0)
			break;
		struct timespec ts = {0, 50000000};
		nanosleep(&ts, NULL);
		if ((now_s() - start) * (double)hz >= (double)next) {
			vm_stat(-1, after);
			printf(
			    "swapsoak: %ld ticks: %llu swap-outs, %llu major "
			    "faults\n",
			    next,
			    (unsigned long long)(after[ST_SWAPOUT] -
						 before[ST_SWAPOUT]),
			    (unsigned long long)(after[ST_MAJOR] -
						 before[ST_MAJOR]));
			fflush(stdout);
			next += PROGRESS_TICKS;
		}
	}
	fflush(stdout);
	_exit(why ? 1 : 0); /* the coordinator: the parent checks the rest */
check:;
	double secs = now_s() - start;
	for (int i = 0; i < 100; i++) {
		vm_stat(-1, after);
		if (after[ST_FREE] >= before[ST_FREE] &&
		    after[ST_SLOTS_USED] <= before[ST_SLOTS_USED])
			break;
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	}
	if (!why && after[ST_SWAPOUT] - before[ST_SWAPOUT] == 0)
		why = "nothing was swapped out: no over-commitment";
	if (!why && after[ST_MAJOR] - before[ST_MAJOR] == 0)
		why = "nothing came back from swap";
	if (!why && after[ST_FREE] < before[ST_FREE]) {
		static char msg[96];
		snprintf(msg, sizeof msg,
			 "frames leaked (%llu free, were %llu)",
			 (unsigned long long)after[ST_FREE],
			 (unsigned long long)before[ST_FREE]);
		why = msg;
	}
	if (!why && after[ST_SLOTS_USED] > before[ST_SLOTS_USED])
		why = "swap slots leaked";
	printf("swapsoak: %s after %ld ticks: %llu swap-outs (%llu written), "
	       "%llu major faults%s%s\n",
	       why ? "FAIL" : "PASS", (long)(secs * (double)hz),
	       (unsigned long long)(after[ST_SWAPOUT] - before[ST_SWAPOUT]),
	       (unsigned long long)(after[ST_WRITEBACK] - before[ST_WRITEBACK]),
	       (unsigned long long)(after[ST_MAJOR] - before[ST_MAJOR]),
	       why ? ": " : "", why ? why : "");
	return why ? 1 : 0;
}
