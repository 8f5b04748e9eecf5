/*
 * vmtests: demand paging, as a program sees it (issue 11 item 1), in KTAP.
 *
 * Virtual memory as a cache (004_*, OSTEP ch. 21; CS:APP 9.8): nothing
 * of this program is in memory when it starts; each page of its text and
 * data is copied from the initrd at its first touch, its bss and its
 * anonymous memory are zero-filled pages made at their first touch, and
 * its stack grows on demand down to a limit.  The cases check what the
 * program can see of that: contents (a big initialised table read back
 * exactly), privacy (a write to a file-backed page changes this process's
 * copy only: copy-on-write from the file image), MAP_SHARED anonymous
 * memory shared across fork, the stack's growth and its limit, and — in
 * libkeel's runner — free frames back at their baseline after every case.
 *
 * The same binary runs on Linux (tools/oracle) and prints the same bytes;
 * the probes past the stack's limit run on keel only (qemu-i386 lays the
 * stack out its own way).
 *
 *   vmtests [NAME...]        run all cases, or those whose name starts so
 *   vmtests --check-table    exit 0 if the tables hold their initial values
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libkeel.h"

#define PAGE	    4096u
#define STACK_LIMIT (8u << 20) /* keel's and Linux's default: 8 MiB */

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			ktap_diag(__VA_ARGS__);                                \
			return 1;                                              \
		}                                                              \
	} while (0)

/* A big initialised table, 64 KiB (16 pages) each, the value of entry i a
 * hash of i, written out by the preprocessor: every page of it must come
 * from the file. */
#define V(i)	 ((uint32_t)(i)*2654435761u + 12345u)
#define T1(i)	 V(i)
#define T2(i)	 T1(i), T1((i) + 1)
#define T4(i)	 T2(i), T2((i) + 2)
#define T8(i)	 T4(i), T4((i) + 4)
#define T16(i)	 T8(i), T8((i) + 8)
#define T32(i)	 T16(i), T16((i) + 16)
#define T64(i)	 T32(i), T32((i) + 32)
#define T128(i)	 T64(i), T64((i) + 64)
#define T256(i)	 T128(i), T128((i) + 128)
#define T512(i)	 T256(i), T256((i) + 256)
#define T1024(i) T512(i), T512((i) + 512)
#define T2048(i) T1024(i), T1024((i) + 1024)
#define T4096(i) T2048(i), T2048((i) + 2048)
#define TABLE_N	 16384u

static const uint32_t rodata_table[TABLE_N] = {T4096(0), T4096(4096),
					       T4096(8192), T4096(12288)};
static uint32_t data_table[TABLE_N] = {T4096(0), T4096(4096), T4096(8192),
				       T4096(12288)};
static uint32_t bss_table[TABLE_N]; /* zero: no bytes in the file */

extern char **environ;

static int table_intact(const uint32_t *t)
{
	for (uint32_t i = 0; i < TABLE_N; i++)
		if (t[i] != V(i))
			return 0;
	return 1;
}

static int all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return 0;
	return 1;
}

static int wait_status(pid_t pid)
{
	int ws;

	if (pid < 0 || waitpid(pid, &ws, 0) != pid)
		return -1;
	return ws;
}

/* Fork; the child runs fn(arg) (its stderr closed: a kill is expected
 * and reported by the kernel, not here) and exits with its result. */
static int in_child(int (*fn)(void *), void *arg, int quiet)
{
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0) {
		if (quiet)
			close(2);
		_exit(fn(arg));
	}
	return wait_status(pid);
}

/* ------------------------------------------------ zero-fill on demand -- */

/* Anonymous memory reads as zero page by page, holds what is written,
 * and a page unmapped and mapped again is zero again. */
static int case_zero_fill(void)
{
	const size_t n = 64 * PAGE;
	unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	for (size_t off = 0; off < n; off += PAGE) {
		CHECK(all_zero(p + off, PAGE), "page %zu not zero", off / PAGE);
		memset(p + off, (int)(off / PAGE) + 1, PAGE);
	}
	for (size_t off = 0; off < n; off += PAGE)
		CHECK(p[off] == (unsigned char)(off / PAGE + 1) &&
			  p[off + PAGE - 1] == (unsigned char)(off / PAGE + 1),
		      "page %zu lost its bytes", off / PAGE);
	CHECK(munmap(p, n) == 0, "munmap: %s", strerror(errno));
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	CHECK(p != MAP_FAILED, "mmap again: %s", strerror(errno));
	CHECK(all_zero(p, n), "memory mapped again is not zero");
	CHECK(munmap(p, n) == 0, "munmap: %s", strerror(errno));
	return 0;
}

/* --------------------------------------- text, data, bss loaded lazily -- */

/* Every entry of the read-only and the writable table is the file's, read
 * in a scattered order (last page first), and the bss is zero. */
static int case_lazy_tables(void)
{
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t pg = TABLE_N / 1024; pg-- > 0;) {
			const uint32_t *t = pass ? data_table : rodata_table;
			for (uint32_t i = pg * 1024; i < (pg + 1) * 1024; i++)
				CHECK(t[i] == V(i),
				      "%s[%u] = %#x, expected %#x",
				      pass ? "data" : "rodata", i, t[i], V(i));
		}
	CHECK(all_zero(bss_table, sizeof(bss_table)), "bss is not zero");
	return 0;
}

/* A function far from main in the text: calling it loads its page. */
static int __attribute__((noinline)) text_probe(int x)
{
	return x * 3 + 1;
}

static int case_lazy_text(void)
{
	CHECK(text_probe(14) == 43, "text_probe(14) = %d", text_probe(14));
	return 0;
}

/* ---------------------------------------- file-backed writes are private */

static int write_tables_then_check(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < TABLE_N; i += 1000)
		data_table[i] = 0xdeadbeef;
	bss_table[7] = 7;
	/* Still this process's own copy ... */
	if (data_table[1000] != 0xdeadbeef || bss_table[7] != 7)
		return 2;
	/* ... and a fresh program image has the file's bytes again. */
	char *argv[] = {"/bin/vmtests", "--check-table", NULL};
	execve(argv[0], argv, environ);
	return 3;
}

/* A write to the data table, in a child, changes neither the parent's
 * copy nor the file: the child's exec of this program finds the tables
 * as the file has them. */
static int case_file_write_private(void)
{
	int ws = in_child(write_tables_then_check, NULL, 0);

	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	      "the child's fresh image saw the write (status %#x)", ws);
	CHECK(table_intact(data_table), "the parent's table changed");
	data_table[5] = 5;
	ws = in_child(write_tables_then_check, NULL, 0);
	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	      "after the parent's write: status %#x", ws);
	CHECK(data_table[5] == 5, "the parent lost its own write");
	data_table[5] = V(5);
	return 0;
}

/* ------------------------------------------------ MAP_SHARED and fork -- */

struct shared_args {
	volatile uint32_t *p;
	int to_child[2], to_parent[2];
};

static int shared_child(void *arg)
{
	struct shared_args *a = arg;
	char c;

	if (a->p[1 * PAGE / 4] != 0x1111) /* written before the fork */
		return 2;
	a->p[0] = 0xc0de;	     /* a page nobody touched yet */
	a->p[3 * PAGE / 4] = 0x3333; /* likewise */
	if (write(a->to_parent[1], "w", 1) != 1 ||
	    read(a->to_child[0], &c, 1) != 1)
		return 3;
	return a->p[2 * PAGE / 4] == 0x2222 ? 0 : 4; /* the parent's */
}

/* Pages of a MAP_SHARED anonymous mapping are the same frames in parent
 * and child: writes before and after the fork, by either, on pages
 * touched before or only after it, are seen by both. */
static int case_shared_fork(void)
{
	struct shared_args a;
	char c;

	a.p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(a.p != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK(pipe(a.to_child) == 0 && pipe(a.to_parent) == 0, "pipe: %s",
	      strerror(errno));
	a.p[1 * PAGE / 4] = 0x1111;
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0)
		_exit(shared_child(&a));
	CHECK(pid > 0, "fork: %s", strerror(errno));
	CHECK(read(a.to_parent[0], &c, 1) == 1, "the child died early");
	CHECK(a.p[0] == 0xc0de && a.p[3 * PAGE / 4] == 0x3333,
	      "the child's writes are not seen (%#x, %#x)", a.p[0],
	      a.p[3 * PAGE / 4]);
	a.p[2 * PAGE / 4] = 0x2222;
	CHECK(write(a.to_child[1], "p", 1) == 1, "write: %s", strerror(errno));
	int ws = wait_status(pid);

	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	      "the child failed: status %#x", ws);
	CHECK(munmap((void *)a.p, 4 * PAGE) == 0, "munmap: %s",
	      strerror(errno));
	return 0;
}

static int unmap_then_write(void *arg)
{
	volatile uint32_t *p = arg;

	if (munmap((void *)p, PAGE) != 0)
		return 2;
	p[PAGE / 4] = 42; /* the second page stays shared */
	return 0;
}

/* One sharer unmapping part of the area does not take it from the
 * other, and the rest stays shared; the pages go when both are gone
 * (the runner's frame check). */
static int case_shared_unmap(void)
{
	volatile uint32_t *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	p[0] = 7;
	int ws = in_child(unmap_then_write, (void *)p, 0);

	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	      "child: status %#x", ws);
	CHECK(p[0] == 7, "the parent's page changed");
	CHECK(p[PAGE / 4] == 42, "the child's write is not seen");
	return 0;
}

/* A private mapping is not shared: the child's write is its own. */
static int private_write(void *arg)
{
	*(volatile uint32_t *)arg = 99;
	return 0;
}

static int case_private_not_shared(void)
{
	volatile uint32_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	*p = 1;
	int ws = in_child(private_write, (void *)p, 0);

	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	      "child: status %#x", ws);
	CHECK(*p == 1, "a private page was shared");
	return 0;
}

/* MAP_SHARED | MAP_PRIVATE together, or neither, is EINVAL. */
static int case_mmap_flags(void)
{
	void *p = mmap(NULL, PAGE, PROT_READ,
		       MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p == MAP_FAILED && errno == EINVAL, "shared|private: %p %s", p,
	      strerror(errno));
	p = mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL, "neither: %p %s", p,
	      strerror(errno));
	return 0;
}

/* ------------------------------------------------------- the stack ---- */

static int touch_below(void *arg)
{
	uintptr_t depth = (uintptr_t)arg;
	volatile char here = 0;
	volatile char *p = (volatile char *)(((uintptr_t)&here - depth) &
					     ~(uintptr_t)(PAGE - 1));

	for (int i = 0; i < 4; i++)
		p[i * 64] = (char)i;
	return p[64] == 1 ? 0 : 2;
}

/* The stack grows on demand: pages far below the current one, down to
 * near the 8 MiB limit, become usable at their first touch. */
static int case_stack_growth(void)
{
	static const uintptr_t depths[] = {64 * 1024, 1u << 20, 4u << 20,
					   STACK_LIMIT - 256 * 1024};

	for (unsigned i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		int ws = in_child(touch_below, (void *)depths[i], 0);

		CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
		      "touching %lu KiB below: status %#x",
		      (unsigned long)(depths[i] / 1024), ws);
	}
	return 0;
}

/* Past the limit is the guard: SIGSEGV (keel only: qemu-i386's stack is
 * its own). */
static int case_stack_limit(void)
{
	if (!keel_running())
		return 0;
	int ws =
	    in_child(touch_below, (void *)(uintptr_t)(STACK_LIMIT + PAGE), 1);

	CHECK(ws >= 0 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGSEGV,
	      "a write past the stack's limit: status %#x", ws);
	return 0;
}

static const struct ktap_case cases[] = {
    {"zero_fill", case_zero_fill},
    {"lazy_tables", case_lazy_tables},
    {"lazy_text", case_lazy_text},
    {"file_write_private", case_file_write_private},
    {"shared_fork", case_shared_fork},
    {"shared_unmap", case_shared_unmap},
    {"private_not_shared", case_private_not_shared},
    {"mmap_flags", case_mmap_flags},
    {"stack_growth", case_stack_growth},
    {"stack_limit", case_stack_limit},
};

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--check-table") == 0)
		return table_intact(data_table) && table_intact(rodata_table) &&
			       all_zero(bss_table, sizeof(bss_table))
			   ? 0
			   : 1;
	return ktap_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
