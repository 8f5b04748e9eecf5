/*
 * thrash: N processes share the machine's memory, each touching its own
 * P pages over and over for a fixed time; the total number of pages touched
 * per millisecond is the system's throughput.
 *
 *   thrash [-n PROCS] [-p PAGES] [-t MS]      (defaults 2, 256, 2000)
 *
 * While the working sets (PROCS x PAGES) fit in memory, more processes do
 * more work.  Once they do not, every process keeps faulting out pages the
 * others need next: the disk becomes the bottleneck and throughput
 * collapses.  That is thrashing (the notes 002 "页面置换算法", working sets;
 * OSTEP ch. 22 "thrashing"); the cure is to run fewer processes at once
 * (admission control) or to give each its working set.  tools/plot-vm
 * thrash draws the curve from the lines this prints, one run per N.
 *
 * Each page holds a pattern naming its owner, its index and how many times
 * it was written; at the end every process checks all its pages, so a
 * swap that loses or mixes up pages fails the run (exit 1).
 *
 * Output, one line:
 *   THRASH procs N pages P frames F touches T ms K
 * F is the free frames the kernel reported before the children started
 * (keel call 1000; 0 under Linux, where the call does not exist).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libkeel.h"

#define PAGE	  4096
#define MAX_PROCS 64

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static uint32_t pattern(int who, long page, uint32_t round)
{
	return (uint32_t)who * 0x9E3779B1u ^ (uint32_t)page * 0x85EBCA77u ^
	       round * 0xC2B2AE3Du;
}

/*
 * One process: write a word at the start and at the end of each page in
 * turn until the time is up; then check every page.  The touch count goes
 * to the parent through the pipe.
 */
static int worker(int who, long pages, long ms, int out)
{
	unsigned char *mem =
	    mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t *rounds = calloc((size_t)pages, sizeof *rounds);
	long deadline, touches = 0;

	if (mem == MAP_FAILED || !rounds) {
		fprintf(stderr, "thrash: process %d: no memory for %ld pages\n",
			who, pages);
		return 1;
	}
	deadline = now_ms() + ms;
	for (long p = 0;; p = p + 1 == pages ? 0 : p + 1) {
		uint32_t v = pattern(who, p, ++rounds[p]);
		memcpy(mem + p * PAGE, &v, sizeof v);
		memcpy(mem + p * PAGE + PAGE - sizeof v, &v, sizeof v);
		touches++;
		if (p + 1 == pages && now_ms() >= deadline)
			break;
	}
	for (long p = 0; p < pages; p++) {
		uint32_t want = pattern(who, p, rounds[p]), a, b;
		memcpy(&a, mem + p * PAGE, sizeof a);
		memcpy(&b, mem + p * PAGE + PAGE - sizeof b, sizeof b);
		if (a != want || b != want) {
			fprintf(stderr,
				"thrash: process %d: page %ld holds %08x/%08x, "
				"wrote %08x\n",
				who, p, a, b, want);
			return 1;
		}
	}
	return write_all(out, &touches, sizeof touches) == 0 ? 0 : 1;
}

static long number(const char *flag, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr,
			"thrash: %s wants a number from %ld to %ld, not "
			"'%s'\n",
			flag, lo, hi, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long procs = 2, pages = 256, ms = 2000, total = 0, frames, start;
	int fds[2], opt, bad = 0;

	while ((opt = getopt(argc, argv, "n:p:t:")) != -1) {
		switch (opt) {
		case 'n':
			procs = number("-n", optarg, 1, MAX_PROCS);
			break;
		case 'p':
			pages = number("-p", optarg, 1, 1L << 18);
			break;
		case 't':
			ms = number("-t", optarg, 1, 3600000);
			break;
		default:
			fprintf(
			    stderr,
			    "usage: thrash [-n PROCS] [-p PAGES] [-t MS]\n");
			return 2;
		}
	}
	frames = keel_free_frames();
	if (frames < 0)
		frames = 0;
	if (pipe(fds) < 0) {
		perror("thrash: pipe");
		return 1;
	}
	start = now_ms();
	for (int i = 0; i < procs; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			_exit(worker(i, pages, ms, fds[1]));
		}
		if (pid < 0) {
			perror("thrash: fork");
			bad = 1;
			procs = i;
			break;
		}
	}
	close(fds[1]);
	for (long got; read_full(fds[0], &got, sizeof got) == sizeof got;)
		total += got;
	for (int status; wait(&status) > 0;)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad = 1;
	printf("THRASH procs %ld pages %ld frames %ld touches %ld ms %ld\n",
	       procs, pages, frames, total, now_ms() - start);
	return bad;
}
