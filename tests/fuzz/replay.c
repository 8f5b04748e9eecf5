/*
 * The fuzz replay driver: runs every fuzz target over its seed corpus
 * (tests/fuzz/corpus/NAME/) and its saved crash inputs
 * (tests/fuzz/regress/NAME/), without libFuzzer, so `make test` needs no
 * clang.  Built by gcc with AddressSanitizer and UBSan from the same target
 * sources as the fuzzers (see tests/fuzz/fuzz.h, FUZZ_ENTRY).
 *
 * A target's inputs all run in one child process, so that a crash (a
 * failed check, a sanitizer report, an unexpected kassert) cannot take the
 * driver down.  If that child fails, each input is run again in a child of
 * its own to name the ones that fail, with what they printed.  The output
 * is KTAP version 1, one case per target, then `N passed, N failed`, so
 * tools/harness reads it like the other host test binaries.
 *
 *   ktest-fuzz                      every target, every input
 *   ktest-fuzz NAME [FILE...]       one target: its inputs, or these files
 */
/* asprintf */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

#ifndef KEEL_SRCDIR
#define KEEL_SRCDIR "."
#endif
/* A child gets this long for its inputs before it counts as hung. */
#define REPLAY_TIMEOUT_S 300
/* Output lines of a failing input shown as KTAP diagnostics, and how many
 * failing inputs are shown in full (the others are only named). */
#define REPLAY_DIAG_LINES 40
#define REPLAY_SHOWN	  3
#define REPLAY_MAX_FILES  4096

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

/* FUZZ_TARGETS is X(name) for each target linked in (mk/fuzz.mk). */
#define X(name) int fuzz_one_##name(const uint8_t *data, size_t size);
FUZZ_TARGETS
#undef X

static const struct target {
	const char *name;
	fuzz_fn fn;
} targets[] = {
#define X(name) {#name, fuzz_one_##name},
    FUZZ_TARGETS
#undef X
};
#define NTARGETS (sizeof targets / sizeof targets[0])

/* Reads a whole file into an exact-size buffer (so overreads are seen). */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc(n ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* The child: runs the inputs in order, exits 0 if the target returned. */
static __attribute__((noreturn)) void run_child(const struct target *t,
						char **files, int n, int out)
{
	dup2(out, 1);
	dup2(out, 2);
	alarm(REPLAY_TIMEOUT_S);
	for (int i = 0; i < n; i++) {
		size_t size = 0;
		uint8_t *data = read_file(files[i], &size);

		if (!data) {
			fprintf(stderr, "cannot read %s\n", files[i]);
			_exit(2);
		}
		t->fn(data, size);
		free(data);
	}
	exit(0);
}

/* Everything the child writes, read before waiting so it cannot block. */
static char *drain(int fd, size_t *len)
{
	char *text = NULL;
	FILE *mem = open_memstream(&text, len);
	char chunk[4096];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		fwrite(chunk, 1, (size_t)n, mem);
	close(fd);
	fclose(mem);
	return text;
}

/* Prints the child's output as `# ` lines, at most REPLAY_DIAG_LINES. */
static void show_output(const char *text, size_t len)
{
	FILE *f = len ? fmemopen((void *)text, len, "r") : NULL;
	char line[512];
	int n = 0;

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (n++ < REPLAY_DIAG_LINES)
			printf("#   %s\n", line);
	}
	if (n > REPLAY_DIAG_LINES)
		printf("#   (%d more lines)\n", n - REPLAY_DIAG_LINES);
	fclose(f);
}

/* How a child that failed ended. */
static void show_status(const char *what, int status)
{
	if (WIFSIGNALED(status))
		printf("# %s: killed by signal %d%s\n", what, WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timed out)" : "");
	else
		printf("# %s: exit status %d\n", what, WEXITSTATUS(status));
}

/*
 * Runs files[0..n) in one child process; true if it passed.  With verbose,
 * a failure is shown (the status and the output) under the name `what`.
 */
static bool run_batch(const struct target *t, char **files, int n,
		      const char *what, bool verbose)
{
	int fd[2], status;
	size_t len = 0;
	char *text;
	pid_t pid;
	bool ok;

	fflush(stdout);
	if (pipe(fd) != 0 || (pid = fork()) < 0) {
		printf("# %s: cannot start a child process\n", what);
		return false;
	}
	if (pid == 0) {
		close(fd[0]);
		run_child(t, files, n, fd[1]);
	}
	close(fd[1]);
	text = drain(fd[0], &len);
	waitpid(pid, &status, 0);
	ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!ok && verbose) {
		show_status(what, status);
		show_output(text, len);
	}
	free(text);
	return ok;
}

/*
 * Replays files[0..n): all in one child, then, if that failed, one by one
 * to name the inputs that fail.  An input that fails only after the others
 * (state left behind by the target) is shown by running the batch again.
 */
static bool replay_files(const struct target *t, char **files, int n)
{
	bool ok = run_batch(t, files, n, t->name, false);
	int bad = 0;

	for (int i = 0; !ok && i < n; i++) {
		if (!run_batch(t, files + i, 1, files[i], bad < REPLAY_SHOWN) &&
		    bad++ >= REPLAY_SHOWN)
			printf("# %s: fails too\n", files[i]);
	}
	if (!ok && bad == 0) {
		printf("# %s: the inputs fail only when run in one process, "
		       "in this order\n",
		       t->name);
		run_batch(t, files, n, t->name, true);
	}
	printf("# %s: %d inputs replayed, %s\n", t->name, n,
	       ok ? "all passed" : "FAILED");
	return ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the regular files of dir (sorted, no dot files) to list. */
static int list_dir(const char *dir, char **list, int n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int first = n;

	if (!d)
		return n;
	while ((e = readdir(d)) && n < REPLAY_MAX_FILES) {
		char *path;

		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			break;
		list[n++] = path;
	}
	closedir(d);
	qsort(list + first, (size_t)(n - first), sizeof *list, cmp_str);
	return n;
}

/* The target's corpus and regression inputs; false if any fails. */
static bool replay_target(const struct target *t)
{
	static char *files[REPLAY_MAX_FILES];
	char dir[512];
	int n = 0;
	bool ok;

	snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", KEEL_SRCDIR,
		 t->name);
	n = list_dir(dir, files, n);
	snprintf(dir, sizeof dir, "%s/tests/fuzz/regress/%s", KEEL_SRCDIR,
		 t->name);
	n = list_dir(dir, files, n);
	if (n == 0)
		printf("# %s: no inputs in tests/fuzz/corpus/%s\n", t->name,
		       t->name);
	ok = n > 0 && replay_files(t, files, n);
	for (int i = 0; i < n; i++)
		free(files[i]);
	return ok;
}

static const struct target *find_target(const char *name)
{
	for (size_t i = 0; i < NTARGETS; i++)
		if (strcmp(targets[i].name, name) == 0)
			return &targets[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct target *only = argc > 1 ? find_target(argv[1]) : NULL;
	int passed = 0, failed = 0, i = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !only) {
		fprintf(stderr, "ktest-fuzz: no target '%s'\n", argv[1]);
		return 2;
	}
	printf("KTAP version 1\n1..%zu\n", only ? (size_t)1 : NTARGETS);
	for (size_t k = 0; k < NTARGETS; k++) {
		const struct target *t = &targets[k];
		bool ok;

		if (only && t != only)
			continue;
		ok = argc > 2 ? replay_files(t, argv + 2, argc - 2)
			      : replay_target(t);
		printf("%sok %d fuzz.%s\n", ok ? "" : "not ", ++i, t->name);
		ok ? passed++ : failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
