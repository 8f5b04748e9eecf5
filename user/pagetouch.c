/*
 * pagetouch — OSTEP's paging-policy.py, answered by the real kernel.
 *
 * Same flags and same output as paging-policy.py (and tools/paging-sim):
 * -a pages | -n count -m maxpage -s seed, -p policy, -C frames, -b
 * clockbits, -N (no trace), -c (compute).  With -c, the program maps one
 * page of memory per page number, asks the kernel (keel_vm_limit, trace
 * mode) to hold at most -C of them under the policy, and touches them in
 * order, one instruction each.  Every touch is a page fault in the kernel
 * (proc/resident.c: a miss, or a "soft" hit on a resident page kept
 * hidden), so hit or miss, the victim and the resident list in the
 * policy's order are what the kernel's real faults and evictions did: it
 * reports them after each touch (keel_vm_trace).  The policy runs in the
 * kernel only; nothing here decides a hit.
 *
 * Each touch increments a counter in its page, so after the run (tracing
 * off) every page must hold the number of times it was referenced: pages
 * that went to the swap disk and came back kept their data.
 *
 * Limits: page numbers 0..4095 (16 MiB of region); -C at least 1 and at
 * most 64 (the trace report's size); addresses must be plain integers
 * (paging-policy.py's Python int() errors are paging-sim's business).
 * RAND and CLOCK draw from the kernel's copy of Python's random, seeded
 * with -s and advanced past the draws of -n, as the script's one generator.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/pyrandom.h"
#include "libkeel.h"

#define MAX_PAGES  4096
#define MAX_REFS   4096
#define MAX_FRAMES 64
#define PAGE	   4096

struct pol {
	const char *name, *left, *right;
	int kind; /* enum vmp_kind (mm/vmpolicy.h) */
};

static const struct pol pols[] = {
    {"FIFO", "FirstIn", "Lastin ", 0},
    {"LRU", "LRU", "MRU", 1},
    {"MRU", "LRU", "MRU", 2},
    {"OPT", "Left ", "Right", 3},
    {"UNOPT", "Left ", "Right", 4},
    {"RAND", "Left ", "Right", 5},
    {"CLOCK", "Left ", "Right", 6},
    /* the textbook's, beyond the script's seven */
    {"SECOND-CHANCE", "Left ", "Right", 7},
    {"CLOCK-HAND", "Left ", "Right", 8},
    {"NRU", "Left ", "Right", 9},
    {"AGING", "Left ", "Right", 10},
    {"WORKING-SET", "Left ", "Right", 11},
    {"WSCLOCK", "Left ", "Right", 12},
};

static uint32_t refs[MAX_REFS];
static size_t nrefs;
static uint32_t report[4 + MAX_FRAMES];

static int parse_int(const char *s, long *out)
{
	char *end;
	errno = 0;
	*out = strtol(s, &end, 10);
	return (errno || end == s || *end) ? -1 : 0;
}

static int add_refs(char *list)
{
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		long v;
		if (parse_int(tok, &v) < 0 || v < 0 || v >= MAX_PAGES ||
		    nrefs == MAX_REFS) {
			fprintf(stderr, "pagetouch: bad page '%s' (0..%d)\n",
				tok, MAX_PAGES - 1);
			return -1;
		}
		refs[nrefs++] = (uint32_t)v;
	}
	return 0;
}

static void print_memory(const uint32_t *pages, uint32_t n)
{
	char b[16 * MAX_FRAMES + 4], *o = b;
	*o++ = '[';
	for (uint32_t i = 0; i < n; i++)
		o += sprintf(o, "%s%u", i ? ", " : "", pages[i]);
	*o++ = ']';
	*o = 0;
	printf("%12s", b);
}

/* One reference, by one instruction: a read-modify-write of the page's
 * counter (one fault whether the page is there or not). */
static void
touch(volatile uint32_t *p) // NOLINT(readability-non-const-parameter)
{
	__asm__ volatile("incl %0" : "+m"(*p));
}

struct run {
	const struct pol *pol;
	long frames, clockbits, seed;
	uint32_t skip;
	int notrace;
};

static long vm_limit(const struct keel_vm_limit_req *r)
{
	return syscall(KEEL_SYS_VM_LIMIT, r);
}

static int verify(const uint8_t *base, uint32_t npages)
{
	static uint32_t expect[MAX_PAGES];
	int bad = 0;
	for (size_t i = 0; i < nrefs; i++)
		expect[refs[i]]++;
	for (uint32_t pg = 0; pg < npages; pg++) {
		uint32_t got = *(const volatile uint32_t *)(base + pg * PAGE);
		if (got != expect[pg]) {
			fprintf(stderr, "pagetouch: page %u holds %u, not %u\n",
				pg, got, expect[pg]);
			bad = 1;
		}
	}
	return bad;
}

static int solve(const struct run *r)
{
	uint32_t npages = 0, hits = 0, misses = 0;
	for (size_t i = 0; i < nrefs; i++)
		if (refs[i] + 1 > npages)
			npages = refs[i] + 1;
	uint8_t *base =
	    mmap(NULL, (size_t)(npages ? npages : 1) * PAGE,
		 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		perror("pagetouch: mmap");
		return 1;
	}
	struct keel_vm_limit_req q = {.frames = (uint32_t)r->frames,
				      .policy = r->pol->kind,
				      .flags = KEEL_VM_TRACE,
				      .lo = (uint32_t)(uintptr_t)base,
				      .pages = npages ? npages : 1,
				      .seed = (int32_t)r->seed,
				      .skip = r->skip,
				      .clockbits = (int32_t)r->clockbits,
				      .future = (uint32_t)(uintptr_t)refs,
				      .future_len = (uint32_t)nrefs};
	if (vm_limit(&q) < 0) {
		perror("pagetouch: keel_vm_limit");
		return 1;
	}
	if (!r->notrace)
		printf("Solving...\n\n");
	for (size_t i = 0; i < nrefs; i++) {
		touch((volatile uint32_t *)(base + refs[i] * PAGE));
		long n = syscall(KEEL_SYS_VM_TRACE, report, 4 + MAX_FRAMES);
		if (n < 0 || report[0] != i + 1) {
			fprintf(stderr,
				"pagetouch: the kernel saw %u references, not "
				"%zu\n",
				n < 0 ? 0 : report[0], i + 1);
			return 1;
		}
		if (report[1])
			hits++;
		else
			misses++;
		if (r->notrace)
			continue;
		printf("Access: %u  %s %s -> ", refs[i],
		       report[1] ? "HIT " : "MISS", r->pol->left);
		print_memory(&report[4], (uint32_t)n);
		char victim[16] = "-";
		if ((int32_t)report[2] >= 0)
			snprintf(victim, sizeof victim, "%u", report[2]);
		printf(" <- %s Replaced:%s [Hits:%u Misses:%u]\n",
		       r->pol->right, victim, hits, misses);
	}
	printf("\n");
	if (hits + misses == 0) {
		fprintf(stderr, "ZeroDivisionError: float division by zero\n");
		return 1;
	}
	printf("FINALSTATS hits %u   misses %u   hitrate %.2f\n\n", hits,
	       misses, (100.0 * hits) / ((double)hits + (double)misses));
	fflush(stdout);
	/* Tracing off (no limit), then every page's counter is checked. */
	struct keel_vm_limit_req off = {.policy = -1};
	if (vm_limit(&off) < 0 || verify(base, npages))
		return 1;
	return 0;
}

static const char *arg(int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	if (a[2])
		return a + 2;
	if (*i + 1 >= argc) {
		fprintf(stderr, "pagetouch: %s needs a value\n", a);
		exit(2);
	}
	return argv[++*i];
}

int main(int argc, char **argv)
{
	const char *addresses = "-1", *policy = "FIFO", *cachesize = "3";
	const char *numaddrs = "10", *maxpage = "10", *seed = "0";
	long clockbits = 2, num, frames, mp, sd;
	int notrace = 0, compute = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1]) {
			fprintf(stderr, "pagetouch: unexpected '%s'\n", a);
			return 2;
		}
		switch (a[1]) {
		case 'a':
			addresses = arg(argc, argv, &i);
			break;
		case 'n':
			numaddrs = arg(argc, argv, &i);
			break;
		case 'p':
			policy = arg(argc, argv, &i);
			break;
		case 'b':
			clockbits = strtol(arg(argc, argv, &i), NULL, 10);
			break;
		case 'C':
			cachesize = arg(argc, argv, &i);
			break;
		case 'm':
			maxpage = arg(argc, argv, &i);
			break;
		case 's':
			seed = arg(argc, argv, &i);
			break;
		case 'N':
			notrace = 1;
			break;
		case 'c':
			compute = 1;
			break;
		default:
			fprintf(stderr, "usage: pagetouch [-a pages] [-n num] "
					"[-p policy] [-b bits] [-C frames] [-m "
					"maxpage] [-s seed] [-N] [-c]\n");
			return 2;
		}
	}
	printf("ARG addresses %s\nARG addressfile \nARG numaddrs %s\n"
	       "ARG policy %s\nARG clockbits %ld\nARG cachesize %s\n"
	       "ARG maxpage %s\nARG seed %s\nARG notrace %s\n\n",
	       addresses, numaddrs, policy, clockbits, cachesize, maxpage, seed,
	       notrace ? "True" : "False");
	if (parse_int(numaddrs, &num) || parse_int(cachesize, &frames) ||
	    parse_int(seed, &sd) || parse_int(maxpage, &mp)) {
		fprintf(stderr, "pagetouch: flags must be integers\n");
		return 1;
	}
	struct run r = {.frames = frames, .clockbits = clockbits, .seed = sd};
	if (strcmp(addresses, "-1") == 0) {
		static struct pyrandom g;
		if (num < 0 || num > MAX_REFS || mp < 1 || mp > MAX_PAGES) {
			fprintf(stderr, "pagetouch: -n 0..%d, -m 1..%d\n",
				MAX_REFS, MAX_PAGES);
			return 1;
		}
		pyrandom_seed(&g, sd);
		for (long i = 0; i < num; i++)
			refs[nrefs++] = pyrandom_int_times(&g, (uint32_t)mp);
		r.skip = (uint32_t)num;
	} else {
		char *copy = strdup(addresses);
		int bad = !copy || add_refs(copy) < 0;
		free(copy);
		if (bad)
			return 1;
	}
	if (!compute) {
		printf("Assuming a replacement policy of %s, and a cache of "
		       "size %s pages,\nfigure out whether each of the "
		       "following page references hit or miss\nin the page "
		       "cache.\n\n",
		       policy, cachesize);
		for (size_t i = 0; i < nrefs; i++)
			printf("Access: %u  Hit/Miss?  State of Memory?\n",
			       refs[i]);
		printf("\n");
		return 0;
	}
	for (size_t k = 0; k < sizeof pols / sizeof pols[0]; k++)
		if (strcmp(policy, pols[k].name) == 0)
			r.pol = &pols[k];
	if (!r.pol) {
		printf("Policy %s is not yet implemented\n", policy);
		return 1;
	}
	if (frames < 1 || frames > MAX_FRAMES) {
		fprintf(stderr, "pagetouch: -C must be 1..%d on keel\n",
			MAX_FRAMES);
		return 1;
	}
	r.notrace = notrace;
	return solve(&r);
}
