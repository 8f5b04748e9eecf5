/*
 * swaptests: the swap area and page replacement (issue 11), on keel only,
 * printing KTAP version 1 (tools/harness swap boots it as init, with a
 * small scratch disk as the swap area).
 *
 * Each case runs in a forked child; after it is reaped, the free frames
 * and the swap slots in use (keel_vm_stat) must be back at their values
 * before it ("leaked N frames / M slots"), the textbook's invariant that
 * a process's pages, on disk or in memory, all come back when it goes.
 *
 *   ws10x_<policy>   a working set ten times the process's frame limit
 *                    (80 pages through 8 frames), under each of the
 *                    thirteen policies: every word written is read back
 *                    right, pages really went to the disk and came back
 *                    (major faults, write-backs), and the resident set
 *                    never grew past the limit
 *   clean_evict      pages read-only after their first write-back go
 *                    again without a write (the dirty bit's saving)
 *   cow_swap         copy-on-write pages evicted in parent and child:
 *                    each sees its own data, slots shared then freed
 *   out_of_swap      a process that needs more slots than the disk has
 *                    is killed (SIGKILL), and the next one runs fine
 *   vmstat           the counters are consistent (write-backs <= swap-
 *                    outs, majors == swap-ins for a lone process)
 *
 *   swaptests [NAME...]   all cases, or those whose name starts with NAME
 */
#include <errno.h>
#include <signal.h>
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

#define PAGE	  4096u
#define WORDS	  (PAGE / 4)
#define LIMIT	  8u
#define WS_PAGES  80u /* ten times LIMIT */
#define NPOLICIES 13

enum {
	ST_MINOR,
	ST_MAJOR,
	ST_SWAPIN,
	ST_SWAPOUT,
	ST_WRITEBACK,
	ST_SOFT,
	ST_RESIDENT,
	ST_SLOTS_USED,
	ST_SLOTS,
	ST_FREE
};

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("# ");                                          \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			fflush(stdout);                                        \
			return 1;                                              \
		}                                                              \
	} while (0)

static int vm_stat(int pid, uint64_t out[KEEL_VMSTAT_WORDS])
{
	return (int)syscall(KEEL_SYS_VM_STAT, pid, out);
}

static int vm_limit(uint32_t frames, int policy, void *lo, uint32_t pages)
{
	struct keel_vm_limit_req r = {.frames = frames,
				      .policy = policy,
				      .lo = (uint32_t)(uintptr_t)lo,
				      .pages = pages,
				      .seed = 1};
	return (int)syscall(KEEL_SYS_VM_LIMIT, &r);
}

static uint32_t word(uint32_t page, uint32_t i, uint32_t salt)
{
	uint32_t x = page * 2654435761u ^ i * 40503u ^ salt;
	x ^= x >> 13;
	return x * 0x5bd1e995u;
}

static void *map_pages(uint32_t n)
{
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void fill(uint32_t *base, uint32_t page, uint32_t salt)
{
	uint32_t *p = base + page * WORDS;
	for (uint32_t i = 0; i < WORDS; i += 64)
		p[i] = word(page, i, salt);
}

static int check_page(uint32_t *base, uint32_t page, uint32_t salt)
{
	uint32_t *p = base + page * WORDS;
	for (uint32_t i = 0; i < WORDS; i += 64)
		if (p[i] != word(page, i, salt))
			return -1;
	return 0;
}

/* Sequential, then strided, then sequential again: every pass touches
 * all WS_PAGES pages, far more than the LIMIT frames hold. */
static int working_set(int policy)
{
	uint32_t *base = map_pages(WS_PAGES);
	uint64_t st[KEEL_VMSTAT_WORDS];
	CHECK(base, "mmap: %s", strerror(errno));
	CHECK(vm_limit(LIMIT, policy, base, WS_PAGES) == 0, "keel_vm_limit: %s",
	      strerror(errno));
	for (uint32_t pg = 0; pg < WS_PAGES; pg++)
		fill(base, pg, 1);
	for (uint32_t k = 0; k < WS_PAGES; k++) {
		uint32_t pg = (k * 7) % WS_PAGES;
		CHECK(check_page(base, pg, 1) == 0, "page %u wrong (pass 2)",
		      pg);
		fill(base, pg, 2);
		CHECK(vm_stat(0, st) == 0, "keel_vm_stat: %s", strerror(errno));
		CHECK(st[ST_RESIDENT] <= LIMIT, "%llu pages resident, limit %u",
		      (unsigned long long)st[ST_RESIDENT], LIMIT);
	}
	for (uint32_t pg = 0; pg < WS_PAGES; pg++)
		CHECK(check_page(base, pg, 2) == 0, "page %u wrong (pass 3)",
		      pg);
	CHECK(vm_stat(0, st) == 0, "keel_vm_stat: %s", strerror(errno));
	CHECK(st[ST_MAJOR] >= WS_PAGES, "only %llu major faults",
	      (unsigned long long)st[ST_MAJOR]);
	CHECK(st[ST_WRITEBACK] >= WS_PAGES, "only %llu write-backs",
	      (unsigned long long)st[ST_WRITEBACK]);
	return 0;
}

#define WS_CASE(n)                                                             \
	static int case_ws_##n(void)                                           \
	{                                                                      \
		return working_set(n);                                         \
	}
WS_CASE(0)
WS_CASE(1)
WS_CASE(2)
WS_CASE(3)
WS_CASE(4)
WS_CASE(5)
WS_CASE(6)
WS_CASE(7)
WS_CASE(8)
WS_CASE(9)
WS_CASE(10)
WS_CASE(11)
WS_CASE(12)

/* Written once, then only read: after the first round of write-backs,
 * evicting the pages again needs no write (the dirty bit is clear and the
 * slot still holds the data). */
static int case_clean_evict(void)
{
	uint32_t *base = map_pages(WS_PAGES);
	uint64_t a[KEEL_VMSTAT_WORDS], b[KEEL_VMSTAT_WORDS];
	CHECK(base, "mmap: %s", strerror(errno));
	CHECK(vm_limit(LIMIT, 0, base, WS_PAGES) == 0, "keel_vm_limit: %s",
	      strerror(errno));
	for (uint32_t pg = 0; pg < WS_PAGES; pg++)
		fill(base, pg, 3);
	for (uint32_t pg = 0; pg < WS_PAGES; pg++) /* all on disk now */
		CHECK(check_page(base, pg, 3) == 0, "page %u wrong", pg);
	CHECK(vm_stat(0, a) == 0, "keel_vm_stat");
	for (uint32_t pg = 0; pg < WS_PAGES; pg++)
		CHECK(check_page(base, pg, 3) == 0, "page %u wrong", pg);
	CHECK(vm_stat(0, b) == 0, "keel_vm_stat");
	CHECK(b[ST_SWAPOUT] - a[ST_SWAPOUT] >= WS_PAGES - LIMIT,
	      "%llu evictions in a read pass",
	      (unsigned long long)(b[ST_SWAPOUT] - a[ST_SWAPOUT]));
	CHECK(b[ST_WRITEBACK] == a[ST_WRITEBACK],
	      "%llu write-backs of clean pages",
	      (unsigned long long)(b[ST_WRITEBACK] - a[ST_WRITEBACK]));
	return 0;
}

static int cow_child(uint32_t *base)
{
	for (uint32_t pg = 0; pg < WS_PAGES; pg++)
		if (check_page(base, pg, 4) != 0)
			return 10;
	for (uint32_t pg = 0; pg < WS_PAGES; pg += 2)
		fill(base, pg, 5);
	for (uint32_t pg = 0; pg < WS_PAGES; pg++)
		if (check_page(base, pg, pg % 2 ? 4 : 5) != 0)
			return 11;
	return 0;
}

/* Copy-on-write pages, swapped out in the parent before the fork and in
 * both after: the child sees the parent's data, writes its own to half,
 * and the parent still has its own afterwards. */
static int case_cow_swap(void)
{
	uint32_t *base = map_pages(WS_PAGES);
	int ws;
	CHECK(base, "mmap: %s", strerror(errno));
	CHECK(vm_limit(LIMIT, 0, base, WS_PAGES) == 0, "keel_vm_limit: %s",
	      strerror(errno));
	for (uint32_t pg = 0; pg < WS_PAGES; pg++)
		fill(base, pg, 4);
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(cow_child(base));
	for (uint32_t pg = 1; pg < WS_PAGES; pg += 2) /* while it runs */
		CHECK(check_page(base, pg, 4) == 0, "parent page %u wrong", pg);
	CHECK(waitpid(pid, &ws, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "child: status %#x", ws);
	for (uint32_t pg = 0; pg < WS_PAGES; pg++)
		CHECK(check_page(base, pg, 4) == 0, "parent page %u wrong", pg);
	return 0;
}

/* More dirty pages than the swap area has slots: the process is killed
 * (SIGKILL, "out of swap space" on the log), the kernel goes on. */
static int hog(void)
{
	uint64_t st[KEEL_VMSTAT_WORDS];
	if (vm_stat(-1, st) < 0)
		return 2;
	uint32_t n = (uint32_t)st[ST_SLOTS] + 2 * LIMIT;
	uint32_t *base = map_pages(n);
	if (!base || vm_limit(LIMIT, 0, base, n) < 0)
		return 3;
	for (uint32_t pg = 0; pg < n; pg++)
		fill(base, pg, 6);
	return 4; /* should not get here */
}

static int case_out_of_swap(void)
{
	int ws;
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(hog());
	CHECK(waitpid(pid, &ws, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL,
	      "the hog ended with status %#x, not SIGKILL", ws);
	return working_set(0); /* and swapping works afterwards */
}

static int case_vmstat(void)
{
	uint64_t st[KEEL_VMSTAT_WORDS];
	CHECK(working_set(0) == 0, "the working set failed");
	CHECK(vm_stat(0, st) == 0, "keel_vm_stat: %s", strerror(errno));
	CHECK(st[ST_WRITEBACK] <= st[ST_SWAPOUT], "write-backs > swap-outs");
	CHECK(st[ST_MAJOR] == st[ST_SWAPIN], "major %llu != swap-ins %llu",
	      (unsigned long long)st[ST_MAJOR],
	      (unsigned long long)st[ST_SWAPIN]);
	CHECK(st[ST_MINOR] >= WS_PAGES, "minor faults %llu",
	      (unsigned long long)st[ST_MINOR]);
	errno = 0;
	CHECK(syscall(KEEL_SYS_VM_STAT, 99999, st) == -1 && errno == ESRCH,
	      "keel_vm_stat(no such pid): errno %d", errno);
	struct keel_vm_limit_req bad = {.policy = 99};
	CHECK(syscall(KEEL_SYS_VM_LIMIT, &bad) == -1 && errno == EINVAL,
	      "keel_vm_limit(policy 99): errno %d", errno);
	CHECK(syscall(KEEL_SYS_VM_LIMIT, (void *)8) == -1 && errno == EFAULT,
	      "keel_vm_limit(bad pointer): errno %d", errno);
	return 0;
}

struct scase {
	const char *name;
	int (*fn)(void);
};

static const struct scase cases[] = {
    {"ws10x_fifo", case_ws_0},	     {"ws10x_lru", case_ws_1},
    {"ws10x_mru", case_ws_2},	     {"ws10x_opt", case_ws_3},
    {"ws10x_unopt", case_ws_4},	     {"ws10x_random", case_ws_5},
    {"ws10x_clock", case_ws_6},	     {"ws10x_second_chance", case_ws_7},
    {"ws10x_clock_hand", case_ws_8}, {"ws10x_nru", case_ws_9},
    {"ws10x_aging", case_ws_10},     {"ws10x_working_set", case_ws_11},
    {"ws10x_wsclock", case_ws_12},   {"clean_evict", case_clean_evict},
    {"cow_swap", case_cow_swap},     {"out_of_swap", case_out_of_swap},
    {"vmstat", case_vmstat},
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Frames and slots missing after a case (orphans may still be exiting). */
static void missing(const uint64_t *before, long *frames, long *slots)
{
	uint64_t now[KEEL_VMSTAT_WORDS];
	for (int i = 0; i < 100; i++) {
		vm_stat(-1, now);
		if (now[ST_FREE] >= before[ST_FREE] &&
		    now[ST_SLOTS_USED] <= before[ST_SLOTS_USED])
			break;
		sleep_ms(10);
	}
	*frames = (long)before[ST_FREE] - (long)now[ST_FREE];
	*slots = (long)now[ST_SLOTS_USED] - (long)before[ST_SLOTS_USED];
}

static int run_case(const struct scase *c, int number)
{
	uint64_t before[KEEL_VMSTAT_WORDS];
	long frames, slots;
	int ws;
	vm_stat(-1, before);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int r = c->fn();
		fflush(stdout);
		_exit(r == 0 ? 0 : 1);
	}
	int reaped = pid > 0 && waitpid(pid, &ws, 0) == pid;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	int ok = reaped && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	missing(before, &frames, &slots);
	printf("%sok %d %s\n", ok && frames <= 0 && slots <= 0 ? "" : "not ",
	       number, c->name);
	if (reaped && WIFSIGNALED(ws))
		printf("# killed by signal %d (%s)\n", WTERMSIG(ws),
		       sig_name(WTERMSIG(ws)));
	if (frames > 0 || slots > 0)
		printf("# leaked %ld frames, %ld slots\n", frames, slots);
	fflush(stdout);
	return ok && frames <= 0 && slots <= 0;
}

int main(int argc, char **argv)
{
	int n = 0, passed = 0, number = 0;
	uint64_t st[KEEL_VMSTAT_WORDS];
	for (int i = 0; i < NCASES; i++)
		n += arg_selects(cases[i].name, argc, argv);
	printf("KTAP version 1\n1..%d\n", n);
	if (vm_stat(-1, st) < 0 || st[ST_SLOTS] == 0) {
		for (int i = 0; i < NCASES; i++)
			if (arg_selects(cases[i].name, argc, argv))
				printf("ok %d %s # SKIP no swap area\n",
				       ++number, cases[i].name);
		printf("%d passed, 0 failed\n", n);
		return 0;
	}
	for (int i = 0; i < NCASES; i++)
		if (arg_selects(cases[i].name, argc, argv))
			passed += run_case(&cases[i], ++number);
	printf("%d passed, %d failed\n", passed, n - passed);
	return passed == n ? 0 : 1;
}
