/*
 * Host-only tests of tools/paging-sim:
 *  - every file in tests/golden/paging/ is the exact stdout of OSTEP's
 *    paging-policy.py for the flags in its name (tokens joined by '_', each
 *    a flag letter with its value attached) or in NAME.args (one argument a
 *    line), with the exit status of NAME.status (0 if absent); paging-sim
 *    must print the same bytes and exit the same way, with at most one
 *    line on stderr (tests/golden/paging/README.md).  Both run inside that
 *    directory, where -f finds its files;
 *  - bad command lines give status 2, one line on stderr, no stdout;
 *  - -h prints the help and exits 0;
 *  - tools/paging-run: Belady's anomaly over a range of frames, every
 *    policy's name accepted, write-backs counted, bad flags refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/ktest.h"
#include "mm/vmpolicy.h"
#include "tests/host/sim_capture.h"

int paging_sim(int argc, char **argv, FILE *out, FILE *err);
int paging_run(int argc, char **argv, FILE *out, FILE *err);

#ifndef KEEL_SRCDIR
#define KEEL_SRCDIR "."
#endif

#define MAXARGS 32

/* The arguments of golden file NAME.out into argv (malloc'd strings). */
static int golden_args(const char *name, char **argv)
{
	char path[512], *text;
	size_t len;
	int argc = 0;

	argv[argc++] = strdup("paging-sim");
	snprintf(path, sizeof path, "%.*s.args", (int)(strlen(name) - 4), name);
	text = sim_read_file(path, &len);
	if (text) { /* one argument a line */
		char *p = text;
		while (p < text + len && argc < MAXARGS - 1) {
			char *nl = memchr(p, '\n', (size_t)(text + len - p));
			size_t n =
			    nl ? (size_t)(nl - p) : (size_t)(text + len - p);
			argv[argc++] = strndup(p, n);
			p += n + 1;
		}
		free(text);
	} else {
		char flags[512];
		snprintf(flags, sizeof flags, "%.*s", (int)(strlen(name) - 4),
			 name);
		for (char *tok = strtok(flags, "_"); tok && argc < MAXARGS - 1;
		     tok = strtok(NULL, "_")) {
			char *a = malloc(strlen(tok) + 2);
			sprintf(a, "-%s", tok);
			argv[argc++] = a;
		}
	}
	argv[argc] = NULL;
	return argc;
}

static int golden_status(const char *name)
{
	char path[512], *text;
	size_t len;
	int st = 0;

	snprintf(path, sizeof path, "%.*s.status", (int)(strlen(name) - 4),
		 name);
	text = sim_read_file(path, &len);
	if (text) {
		st = (int)strtol(text, NULL, 10);
		free(text);
	}
	return st;
}

/* Runs one golden case in the current directory (the golden dir). */
static int check_golden(const char *name)
{
	char *argv[MAXARGS], *golden;
	int argc = golden_args(name, argv), want = golden_status(name), same;
	size_t glen;
	struct sim_result r;

	golden = sim_read_file(name, &glen);
	if (!golden) {
		ktest_diag("%s: cannot read", name);
		for (int i = 0; i < argc; i++)
			free(argv[i]);
		return 0;
	}
	sim_capture(paging_sim, argc, argv, &r);
	same = r.rc == want && r.out_len == glen &&
	       memcmp(r.out, golden, glen) == 0 &&
	       (r.err_len == 0 ||
		memchr(r.err, '\n', r.err_len) == r.err + r.err_len - 1);
	if (!same) {
		size_t i = 0, line = 1;
		while (i < r.out_len && i < glen && r.out[i] == golden[i])
			line += golden[i++] == '\n';
		ktest_diag("%s: exit %d (want %d), stderr '%s', first "
			   "difference at line %zu",
			   name, r.rc, want, r.err, line);
	}
	free(golden);
	sim_result_free(&r);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return same;
}

KTEST(paging_host, golden_outputs_match_paging_policy_py)
{
	char *names[256], cwd[1024];
	int n, passed = 0;

	KASSERT_NOT_NULL(getcwd(cwd, sizeof cwd));
	if (chdir(KEEL_SRCDIR "/tests/golden/paging") != 0)
		KASSERT_EQ(chdir("tests/golden/paging"), 0);
	n = sim_golden_names(".", names, 256);
	for (int i = 0; i < n; i++) {
		int ok = check_golden(names[i]);
		passed += ok;
		if (!ok)
			KTEST_FAIL(names[i]);
		free(names[i]);
	}
	KASSERT_EQ(chdir(cwd), 0);
	KEXPECT_GE(n, 60);
	KEXPECT_EQ(passed, n);
}

static void expect_usage_error(const char *const *args)
{
	char *argv[8] = {"paging-sim"};
	int argc = 1;
	struct sim_result r;

	for (; args[argc - 1] && argc < 7; argc++)
		argv[argc] = (char *)args[argc - 1];
	argv[argc] = NULL;
	sim_capture(paging_sim, argc, argv, &r);
	KEXPECT_EQ(r.rc, 2);
	KEXPECT_EQ(r.out_len, 0);
	KEXPECT_TRUE(r.err_len > 12 && strncmp(r.err, "paging-sim: ", 12) == 0);
	KEXPECT_TRUE(r.err_len > 0 &&
		     memchr(r.err, '\n', r.err_len) == r.err + r.err_len - 1);
	if (r.rc != 2)
		ktest_diag("%s: rc %d, stderr '%s'", args[0], r.rc, r.err);
	sim_result_free(&r);
}

KTEST(paging_host, bad_command_lines)
{
	static const char *const cases[][4] = {
	    {"-x", NULL},	   {"-b", NULL},	{"-b", "two", NULL},
	    {"-b", "09", NULL},	   {"--address", NULL}, {"--clock=1.5", NULL},
	    {"--compute=1", NULL}, {"-C", NULL},	{"--bogus", NULL},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_usage_error(cases[i]);
}

KTEST(paging_host, help_and_python_exceptions)
{
	char *a1[] = {"paging-sim", "-h", NULL};
	char *a2[] = {"paging-sim", "-c", "-C", "0", "-a", "1", NULL};
	struct sim_result r;

	sim_capture(paging_sim, 2, a1, &r);
	KEXPECT_EQ(r.rc, 0);
	KEXPECT_TRUE(strstr(r.out, "--clockbits=CLOCKBITS") != NULL);
	sim_result_free(&r);
	sim_capture(paging_sim, 6, a2, &r);
	KEXPECT_EQ(r.rc, 1);
	KEXPECT_STREQ(r.err, "paging-sim: paging-policy.py stops here: "
			     "IndexError: pop from empty list\n");
	KEXPECT_TRUE(strstr(r.out, "Solving...\n\n") != NULL);
	sim_result_free(&r);
}

#define BELADY "1,2,3,4,1,2,5,1,2,3,4,5"

/* FIFO: 12, 12, 9, 10, 5 faults with 1..5 frames; LRU never rises. */
KTEST(paging_host, paging_run_shows_beladys_anomaly)
{
	char *a1[] = {"paging-run", "-p", "fifo", "-F",
		      "1-5",	    "-a", BELADY, NULL};
	char *a2[] = {"paging-run", "-p", "lru",  "-F",
		      "1-5",	    "-a", BELADY, NULL};
	struct sim_result r;

	sim_capture(paging_run, 7, a1, &r);
	KEXPECT_EQ(r.rc, 0);
	KEXPECT_STREQ(r.out,
		      "fifo frames 1 refs 12 hits 0 faults 12 writebacks 0\n"
		      "fifo frames 2 refs 12 hits 0 faults 12 writebacks 0\n"
		      "fifo frames 3 refs 12 hits 3 faults 9 writebacks 0\n"
		      "fifo frames 4 refs 12 hits 2 faults 10 writebacks 0\n"
		      "fifo frames 5 refs 12 hits 7 faults 5 writebacks 0\n");
	sim_result_free(&r);
	sim_capture(paging_run, 7, a2, &r);
	KEXPECT_TRUE(strstr(r.out, "frames 3 refs 12 hits 2 faults 10") &&
		     strstr(r.out, "frames 4 refs 12 hits 4 faults 8"));
	sim_result_free(&r);
}

KTEST(paging_host, paging_run_every_policy_and_writebacks)
{
	char *argv[] = {"paging-run",
			"-p",
			NULL,
			"-t",
			"2",
			"-T",
			"3",
			"-C",
			"2",
			"-a",
			"1w,2,3,1w,4w,5,1,2",
			"-v",
			NULL};
	struct sim_result r;

	for (int k = 0; k < VMP_NKINDS; k++) {
		argv[2] = (char *)vmp_name((enum vmp_kind)k);
		sim_capture(paging_run, 12, argv, &r);
		KEXPECT_EQ(r.rc, 0);
		KEXPECT_TRUE(strstr(r.out, "frames 2 refs 8 ") != NULL);
		if (r.rc != 0)
			ktest_diag("%s: %s", argv[2], r.err);
		sim_result_free(&r);
	}
	argv[2] = "fifo"; /* evicts 1 (dirty) at 3 and 1 again at 5 */
	sim_capture(paging_run, 12, argv, &r);
	KEXPECT_TRUE(strstr(r.out, "ref 3 miss victim 1 resident 2 3\n") !=
		     NULL);
	KEXPECT_TRUE(strstr(r.out, "faults 8 writebacks 3\n") != NULL);
	sim_result_free(&r);
}

KTEST(paging_host, paging_run_bad_flags)
{
	static const char *const cases[][5] = {
	    {"-p", "belady", "-a", "1", NULL}, {"-p", "fifo", NULL},
	    {"-p", "fifo", "-a", "1,x", NULL}, {"-p", "fifo", "-a", "1", "-C0"},
	    {"-p", "aging", "-a", "1", "-B0"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[7] = {"paging-run"};
		int argc = 1;
		struct sim_result r;
		for (; argc < 6 && cases[i][argc - 1]; argc++)
			argv[argc] = (char *)cases[i][argc - 1];
		sim_capture(paging_run, argc, argv, &r);
		KEXPECT_EQ(r.rc, 2);
		KEXPECT_EQ(r.out_len, 0);
		sim_result_free(&r);
	}
}
