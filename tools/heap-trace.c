/*
 * heap-trace: replays CS:APP malloc-lab traces through the kernel's heap
 * algorithm (mm/heap*.c, the very files the kernel links) and through the host
 * C library's malloc, and prints, per trace, the two figures CS:APP uses to
 * judge an allocator (004_b0ae9d4f0844a55a.txt, 9.9.3):
 *
 *   util        peak utilisation U = max_k P_k / H_n: the largest aggregate
 *               payload ever live, over the heap's high-water size;
 *   ops/sec     throughput, from clock_gettime over several repetitions.
 *
 * Usage: heap-trace [--fit=first|next|best] [--json] [--reps=N] [--check]
 *                   FILE.rep...
 *
 * Trace format (.rep): four integers (suggested heap size, number of ids,
 * number of operations, weight), then one operation a line:
 *   a ID SIZE   allocate SIZE bytes as block ID
 *   r ID SIZE   reallocate block ID to SIZE bytes
 *   f ID        free block ID
 * A malformed file is reported as FILE:LINE: message, exit status 2.
 *
 * How each side's heap size H is measured:
 *   keel  the heap's own high-water mark of end - start (heap_get_stats),
 *         i.e. every page ever asked of grow(), including the heap's 16
 *         bytes of pad and epilogue.
 *   libc  glibc's mallinfo2(): arena (bytes obtained with sbrk) + hblkhd
 *         (bytes in mmap'd chunks), sampled after every operation, maximum
 *         minus the value before the trace starts.  To make that fair:
 *         each trace's libc run happens in a fresh child process (fork), so
 *         no earlier trace's free chunks are reused; the tool itself never
 *         calls malloc (trace data is mmap'd, stdout has a static buffer), so
 *         the arena starts empty; and M_TOP_PAD is set to 0, so glibc grows
 *         its heap by what it needs, page-rounded, as keel does, instead of
 *         128 KiB extra at each sbrk.  Limits: mallinfo2 sees only the main
 *         arena plus mmap'd chunks (fine: the tool is single-threaded);
 *         memory glibc's bookkeeping takes outside the arena is not counted;
 *         and the sampling after each operation misses nothing, because the
 *         arena and mmap totals only change inside malloc calls.
 * The aggregate payload P is the same for both: the tool tracks it itself.
 * For keel it also checks that the heap's own peak_payload agrees.
 *
 * Throughput: each side replays the trace once untimed (so pages are
 * touched and the C library's arena is warm), then --reps times under the
 * clock; blocks still live at the end of a pass are freed outside the timed
 * region.  The mean row averages utilisation over traces and divides total
 * operations by total time for throughput, as malloc-lab's driver does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/kassert.h"
#include "mm/heap.h"

#define EXIT_BAD_INPUT 2
#define DEFAULT_REPS   5
#define MAX_REPS       1000
/* Timed passes go on, past --reps, until they add up to this long. */
#define MIN_TIMED_SECS 0.1
#define REGION_SIZE    ((size_t)1 << 30) /* keel's heap cannot exceed 1 GiB */
#define MAX_IDS	       (1u << 24)
#define NAME_WIDTH     24

enum op_kind { OP_ALLOC, OP_REALLOC, OP_FREE };

struct op {
	uint32_t kind;
	uint32_t id;
	uint32_t size;
};

struct trace {
	const char *path;
	uint32_t nids, nops;
	struct op *ops;
	void **ptr;	/* per id: the live block (one replay's state) */
	uint32_t *size; /* per id: its requested size */
	size_t peak_payload;
};

struct result {
	double util, ops_per_sec;
	double libc_util, libc_ops_per_sec;
	double secs, libc_secs; /* time spent in the timed passes */
	double ops, libc_ops;	/* operations done in them */
};

struct options {
	enum heap_fit fit;
	bool json, check;
	int reps;
};

static char stdout_buf[1 << 16];

/* ------------------------------------------------------- the pure side --- */

__attribute__((noreturn)) void kassert_fail(const char *expr, const char *file,
					    int line, const char *func)
{
	fprintf(stderr, "heap-trace: assertion '%s' failed at %s:%d in %s()\n",
		expr, file, line, func);
	abort();
}

__attribute__((noreturn)) void kfatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("heap-trace: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* ------------------------------------------------------------- helpers --- */

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt,
								...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	fputs("heap-trace: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_BAD_INPUT);
}

/* Anonymous memory outside malloc's arena. */
static void *map(size_t bytes)
{
	void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("out of memory (mmap of %zu bytes)", bytes);
	return p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------- parsing --- */

struct reader {
	const char *path;
	const char *p, *end;
	unsigned line;
};

static void skip_space(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\r' || *r->p == '\n')) {
		if (*r->p == '\n')
			r->line++;
		r->p++;
	}
}

__attribute__((noreturn)) static void bad_input(const struct reader *r,
						const char *what)
{
	die("%s:%u: %s", r->path, r->line, what);
}

static uint64_t read_uint(struct reader *r, const char *what)
{
	uint64_t v = 0;

	skip_space(r);
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		bad_input(r, what);
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		v = v * 10 + (uint64_t)(*r->p++ - '0');
		if (v > UINT32_MAX)
			bad_input(r, "number too large");
	}
	return v;
}

static char read_kind(struct reader *r)
{
	skip_space(r);
	if (r->p >= r->end)
		bad_input(r, "unexpected end of file: fewer operations than "
			     "the header says");
	return *r->p++;
}

/* One operation line, checked against the ids live so far. */
static void read_op(struct reader *r, struct trace *t, struct op *o,
		    uint8_t *live)
{
	char k = read_kind(r);

	if (k != 'a' && k != 'r' && k != 'f')
		bad_input(r, "unknown operation (expected a, r or f)");
	o->kind = k == 'a' ? OP_ALLOC : k == 'r' ? OP_REALLOC : OP_FREE;
	o->id = (uint32_t)read_uint(r, "expected a block id");
	o->size = k == 'f' ? 0 : (uint32_t)read_uint(r, "expected a size");
	if (o->id >= t->nids)
		bad_input(r, "block id beyond the header's number of ids");
	if (o->size > HEAP_MAX_REQUEST)
		bad_input(r, "size too large");
	if (k == 'a' && live[o->id])
		bad_input(r, "allocation of an id that is already live");
	if (k != 'a' && !live[o->id])
		bad_input(r, "realloc or free of an id that is not live");
	live[o->id] = k != 'f';
}

static void read_header(struct reader *r, struct trace *t)
{
	read_uint(r, "expected the suggested heap size");
	t->nids = (uint32_t)read_uint(r, "expected the number of ids");
	t->nops = (uint32_t)read_uint(r, "expected the number of operations");
	read_uint(r, "expected the weight");
	if (t->nids > MAX_IDS)
		bad_input(r, "too many ids");
}

static void map_file(const char *path, struct reader *r)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		die("%s: %s", path, strerror(errno));
	r->p = st.st_size ? mmap(NULL, (size_t)st.st_size, PROT_READ,
				 MAP_PRIVATE, fd, 0)
			  : "";
	if (r->p == MAP_FAILED)
		die("%s: %s", path, strerror(errno));
	close(fd);
	r->path = path;
	r->end = r->p + st.st_size;
	r->line = 1;
}

static void load_trace(const char *path, struct trace *t)
{
	struct reader r;
	uint8_t *live;
	uint32_t i;

	map_file(path, &r);
	t->path = path;
	read_header(&r, t);
	t->ops = map((size_t)t->nops * sizeof *t->ops);
	t->ptr = map((size_t)t->nids * sizeof *t->ptr);
	t->size = map((size_t)t->nids * sizeof *t->size);
	live = map(t->nids);
	for (i = 0; i < t->nops; i++)
		read_op(&r, t, &t->ops[i], live);
	skip_space(&r);
	if (r.p != r.end)
		bad_input(&r, "more operations than the header says");
	munmap(live, t->nids ? t->nids : 1);
}

/* The largest aggregate payload the trace ever has live (P in U = P / H). */
static void measure_payload(struct trace *t)
{
	size_t live = 0;
	uint32_t i;

	memset(t->size, 0, (size_t)t->nids * sizeof *t->size);
	t->peak_payload = 0;
	for (i = 0; i < t->nops; i++) {
		const struct op *o = &t->ops[i];

		live -= t->size[o->id];
		t->size[o->id] = o->kind == OP_FREE ? 0 : o->size;
		live += t->size[o->id];
		if (live > t->peak_payload)
			t->peak_payload = live;
	}
}

/* -------------------------------------------------------- keel's heap --- */

struct region {
	uint8_t *base;
	uintptr_t end;
};

static struct region region;

static bool region_grow(void *ctx, uintptr_t new_end)
{
	struct region *m = ctx;

	if (new_end > (uintptr_t)m->base + REGION_SIZE)
		return false;
	m->end = new_end;
	return true;
}

static void region_shrink(void *ctx, uintptr_t new_end)
{
	struct region *m = ctx;

	m->end = new_end;
}

static void keel_start(struct heap *h, enum heap_fit fit)
{
	static const struct heap_ops ops = {&region, region_grow,
					    region_shrink};

	if (!region.base)
		region.base = map(REGION_SIZE);
	region.end = (uintptr_t)region.base;
	heap_init(h, (uintptr_t)region.base, &ops, fit);
}

/* The byte each block of the trace is filled with under --check. */
static uint8_t pattern(uint32_t id)
{
	return (uint8_t)(id * 31u + 7u);
}

static void verify(const struct trace *t, uint32_t id)
{
	const uint8_t *p = t->ptr[id];
	uint32_t i;

	for (i = 0; p && i < t->size[id]; i++)
		if (p[i] != pattern(id))
			die("%s: block %u was overwritten (byte %u)", t->path,
			    id, i);
}

/* --check: patterns verified before each change, the heap after it. */
static void check_op(const struct trace *t, const struct heap *h, uint32_t id,
		     uint32_t i)
{
	char err[256];

	if (t->ptr[id])
		memset(t->ptr[id], pattern(id), t->size[id]);
	if (!heap_check(h, err, sizeof err))
		die("%s: after operation %u: %s", t->path, i, err);
}

static void keel_op(struct heap *h, struct trace *t, const struct op *o,
		    uint32_t i)
{
	void *p = t->ptr[o->id];

	if (o->kind == OP_ALLOC)
		p = heap_alloc(h, o->size);
	else if (o->kind == OP_REALLOC)
		p = heap_realloc(h, p, o->size, 0);
	else
		heap_free(h, p, 0);
	if (!p && o->kind != OP_FREE && o->size)
		die("%s: operation %u: keel's heap ran out of memory", t->path,
		    i);
	t->ptr[o->id] = o->kind == OP_FREE ? NULL : p;
	t->size[o->id] = o->size;
}

static void keel_replay(struct heap *h, struct trace *t, bool check)
{
	uint32_t i;

	for (i = 0; i < t->nops; i++) {
		const struct op *o = &t->ops[i];

		if (check)
			verify(t, o->id);
		keel_op(h, t, o, i);
		if (check)
			check_op(t, h, o->id, i);
	}
}

static void keel_free_all(struct heap *h, struct trace *t)
{
	uint32_t id;

	for (id = 0; id < t->nids; id++) {
		heap_free(h, t->ptr[id], 0);
		t->ptr[id] = NULL;
	}
}

/* One untimed pass for utilisation, then reps timed passes. */
static void keel_measure(struct trace *t, const struct options *opt,
			 struct result *res)
{
	static struct heap h;
	struct heap_stats st;
	double t0, secs = 0;
	int r;

	keel_start(&h, opt->fit);
	keel_replay(&h, t, opt->check);
	heap_get_stats(&h, &st);
	if (st.peak_payload != t->peak_payload)
		die("%s: the heap's peak payload %zu differs from the "
		    "trace's %zu",
		    t->path, st.peak_payload, t->peak_payload);
	res->util = (double)st.peak_payload / (double)st.high_water;
	keel_free_all(&h, t);
	for (r = 0; r < opt->reps || secs < MIN_TIMED_SECS; r++) {
		keel_start(&h, opt->fit);
		t0 = now();
		keel_replay(&h, t, false);
		secs += now() - t0;
		keel_free_all(&h, t);
	}
	res->secs = secs;
	res->ops = (double)t->nops * r;
	res->ops_per_sec = res->ops / secs;
}

/* ------------------------------------------------------- the C library --- */

/* glibc's heap size now: sbrk'd arena plus mmap'd chunks. */
static size_t libc_heap_size(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.arena + mi.hblkhd;
}

/* One pass; with `sample`, returns the heap's high-water growth. */
static size_t libc_replay(struct trace *t, bool sample)
{
	size_t base = sample ? libc_heap_size() : 0, high = base;
	uint32_t i;

	for (i = 0; i < t->nops; i++) {
		const struct op *o = &t->ops[i];
		void *p = t->ptr[o->id];

		if (o->kind == OP_ALLOC) {
			p = malloc(o->size);
		} else if (o->kind == OP_REALLOC) {
			void *q = realloc(p, o->size);
			if (!q && o->size)
				die("the C library's realloc failed");
			p = q;
		} else {
			/* The parser checked that the id is live. */
			free(p); /* NOLINT(clang-analyzer-unix.Malloc) */
		}
		t->ptr[o->id] = o->kind == OP_FREE ? NULL : p;
		if (sample && o->kind != OP_FREE) {
			size_t now_size = libc_heap_size();

			if (now_size > high)
				high = now_size;
		}
	}
	return high - base;
}

static void libc_free_all(struct trace *t)
{
	uint32_t id;

	for (id = 0; id < t->nids; id++) {
		free(t->ptr[id]);
		t->ptr[id] = NULL;
	}
}

/* In a fresh child: the utilisation pass, then the timed passes. */
static void libc_child(struct trace *t, int reps, int fd)
{
	struct result res = {0};
	size_t high;
	double t0;
	int r;

	mallopt(M_TOP_PAD, 0);
	high = libc_replay(t, true);
	res.libc_util = high ? (double)t->peak_payload / (double)high : 0;
	libc_free_all(t);
	for (r = 0; r < reps || res.libc_secs < MIN_TIMED_SECS; r++) {
		t0 = now();
		libc_replay(t, false);
		res.libc_secs += now() - t0;
		libc_free_all(t);
	}
	res.libc_ops = (double)t->nops * r;
	res.libc_ops_per_sec = res.libc_ops / res.libc_secs;
	if (write(fd, &res, sizeof res) != (ssize_t)sizeof res)
		_exit(1);
	_exit(0);
}

static void libc_measure(struct trace *t, int reps, struct result *res)
{
	struct result child;
	int fds[2], status;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) < 0 || (pid = fork()) < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		libc_child(t, reps, fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], &child, sizeof child) != (ssize_t)sizeof child ||
	    waitpid(pid, &status, 0) < 0 || status != 0)
		die("%s: the C library's run failed", t->path);
	close(fds[0]);
	res->libc_util = child.libc_util;
	res->libc_ops_per_sec = child.libc_ops_per_sec;
	res->libc_secs = child.libc_secs;
	res->libc_ops = child.libc_ops;
}

/* -------------------------------------------------------------- output --- */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void print_header(const struct options *opt)
{
	if (opt->json)
		return;
	printf("keel heap (fit=%s) vs the C library; at least %d timed "
	       "passes and %.1f s a trace each\n",
	       heap_fit_name(opt->fit), opt->reps, MIN_TIMED_SECS);
	printf("%-*s %8s %7s %11s %9s %11s\n", NAME_WIDTH, "trace", "ops",
	       "util", "ops/sec", "libc util", "libc ops/s");
}

static void print_row(const char *name, uint32_t nops, const struct result *r,
		      const struct options *opt)
{
	if (opt->json) {
		printf("{\"trace\": \"%s\", \"fit\": \"%s\", \"ops\": %u, "
		       "\"util\": %.4f, \"ops_per_sec\": %.0f, "
		       "\"libc_util\": %.4f, \"libc_ops_per_sec\": %.0f}\n",
		       name, heap_fit_name(opt->fit), nops, r->util,
		       r->ops_per_sec, r->libc_util, r->libc_ops_per_sec);
		return;
	}
	printf("%-*s %8u %6.1f%% %11.0f %8.1f%% %11.0f\n", NAME_WIDTH, name,
	       nops, 100 * r->util, r->ops_per_sec, 100 * r->libc_util,
	       r->libc_ops_per_sec);
}

/* ---------------------------------------------------------------- main --- */

static void usage(void)
{
	fprintf(stderr, "usage: heap-trace [--fit=first|next|best] [--json] "
			"[--reps=N] [--check] FILE.rep...\n");
	exit(EXIT_BAD_INPUT);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	int i;

	opt->fit = HEAP_FIT_DEFAULT;
	opt->reps = DEFAULT_REPS;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strncmp(argv[i], "--fit=", 6) == 0) {
			if (!heap_fit_parse(argv[i] + 6, &opt->fit))
				die("unknown fit '%s'", argv[i] + 6);
		} else if (strncmp(argv[i], "--reps=", 7) == 0) {
			opt->reps = (int)strtol(argv[i] + 7, NULL, 10);
			if (opt->reps < 1 || opt->reps > MAX_REPS)
				die("--reps must be 1..%d", MAX_REPS);
		} else if (strcmp(argv[i], "--json") == 0) {
			opt->json = true;
		} else if (strcmp(argv[i], "--check") == 0) {
			opt->check = true;
		} else {
			usage();
		}
	}
	if (i == argc)
		usage();
	return i;
}

int main(int argc, char **argv)
{
	struct options opt = {0};
	struct result r, sum = {0};
	uint64_t trace_ops = 0;
	int i, first = parse_options(argc, argv, &opt), n = argc - first;

	setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);
	print_header(&opt);
	for (i = first; i < argc; i++) {
		struct trace t = {0};

		load_trace(argv[i], &t);
		measure_payload(&t);
		memset(&r, 0, sizeof r);
		keel_measure(&t, &opt, &r);
		libc_measure(&t, opt.reps, &r);
		print_row(base_name(t.path), t.nops, &r, &opt);
		fflush(stdout);
		sum.util += r.util;
		sum.libc_util += r.libc_util;
		sum.secs += r.secs;
		sum.libc_secs += r.libc_secs;
		sum.ops += r.ops;
		sum.libc_ops += r.libc_ops;
		trace_ops += t.nops;
	}
	if (!opt.json && n > 1) {
		sum.util /= n;
		sum.libc_util /= n;
		sum.ops_per_sec = sum.ops / sum.secs;
		sum.libc_ops_per_sec = sum.libc_ops / sum.libc_secs;
		print_row("mean", (uint32_t)trace_ops, &sum, &opt);
	}
	return 0;
}
