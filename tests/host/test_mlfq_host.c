/*
 * Host-only tests of tools/mlfq-sim and the runner behind it:
 *  - every file in tests/golden/mlfq/ is the exact stdout of OSTEP's
 *    mlfq.py (today's) for the flags in its name (tokens joined by '_',
 *    each one a flag letter with its value attached: c_Q10,20,40_l0,200,0
 *    .out means `-c -Q10,20,40 -l0,200,0`), or for the arguments listed
 *    one a line in NAME.args; mlfq-sim must print the same bytes; those in
 *    2020/ come from mlfq.py of 2020 and are run with --compat=2020;
 *    NAME.status holds mlfq.py's exit status when it is not 0;
 *  - bad command lines give exit status 2 and one `mlfq-sim: ` line on
 *    stderr, nothing on stdout;
 *  - the integer "%.2f" of the averages against the C library's exactly
 *    rounded printf, over many sums and job counts.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/ktest.h"
#include "sched/mlfq_run.h"
#include "tests/host/sim_capture.h"

int mlfq_sim(int argc, char **argv, FILE *out, FILE *err);

#ifndef KEEL_SRCDIR
#define KEEL_SRCDIR "."
#endif

static const char *golden_dir(void)
{
	static const char *const dirs[] = {KEEL_SRCDIR "/tests/golden/mlfq",
					   "tests/golden/mlfq"};
	const char *env = getenv("MLFQ_GOLDEN_DIR");
	DIR *d;

	if (env)
		return env;
	for (size_t i = 0; i < 2; i++) {
		d = opendir(dirs[i]);
		if (d) {
			closedir(d);
			return dirs[i];
		}
	}
	return NULL;
}

/* Line number (from 1) of the first difference, and both lines. */
static void diag_first_difference(const char *name, const char *a, size_t alen,
				  const char *b, size_t blen)
{
	size_t i = 0, line = 1, start = 0;

	while (i < alen && i < blen && a[i] == b[i]) {
		if (a[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	ktest_diag("%s: first difference at line %zu", name, line);
	ktest_diag("  mlfq-sim: %.*s", (int)strcspn(a + start, "\n"),
		   start < alen ? a + start : "");
	ktest_diag("  golden:   %.*s", (int)strcspn(b + start, "\n"),
		   start < blen ? b + start : "");
}

/* NAME.args: one argument a line, into args[]; the count, or -1. */
static int read_args_file(const char *path, char args[][256], int max)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0;

	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(args[n++], 256, "%s", line);
	}
	fclose(f);
	return n;
}

/*
 * Runs mlfq-sim with the flags in the golden file's name (or its .args
 * file), with --compat=2020 first if compat; 1 if the output is equal.
 */
static int check_golden(const char *dir, const char *name, bool compat)
{
	char path[512], flags[256], *argv[40];
	static char args[40][256];
	int argc = 0, same, n, want = 0;
	FILE *f;
	size_t glen;
	char *golden;
	struct sim_result r;

	argv[argc++] = "mlfq-sim";
	if (compat)
		argv[argc++] = "--compat=2020";
	snprintf(path, sizeof path, "%s/%.*s.args", dir,
		 (int)(strlen(name) - 4), name);
	n = read_args_file(path, args, 36);
	for (int i = 0; i < n; i++)
		argv[argc++] = args[i];
	if (n < 0) {
		snprintf(flags, sizeof flags, "%.*s", (int)(strlen(name) - 4),
			 name);
		for (char *tok = strtok(flags, "_"); tok && argc < 38;
		     tok = strtok(NULL, "_")) {
			snprintf(args[argc], sizeof args[argc], "-%s", tok);
			argv[argc] = args[argc];
			argc++;
		}
	}
	argv[argc] = NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	golden = sim_read_file(path, &glen);
	if (!golden) {
		ktest_diag("%s: cannot read", path);
		return 0;
	}
	snprintf(path, sizeof path, "%s/%.*s.status", dir,
		 (int)(strlen(name) - 4), name);
	f = fopen(path, "r");
	if (f) { /* mlfq.py ends with this status, after its own message */
		char num[16] = "";
		want =
		    fgets(num, sizeof num, f) ? (int)strtol(num, NULL, 10) : -1;
		fclose(f);
	}
	sim_capture(mlfq_sim, argc, argv, &r);
	same = r.rc == want && (want != 0 || r.err_len == 0) &&
	       r.out_len == glen && memcmp(r.out, golden, glen) == 0;
	if (!same) {
		ktest_diag("%s: exit %d, stderr '%s'", name, r.rc, r.err);
		diag_first_difference(name, r.out, r.out_len, golden, glen);
	}
	free(golden);
	sim_result_free(&r);
	return same;
}

/* Checks every .out file of dir; returns how many, *passed those equal. */
static int check_golden_dir(const char *dir, bool compat, int *passed)
{
	char *names[256];
	int n = sim_golden_names(dir, names, 256);

	for (int i = 0; i < n; i++) {
		int ok = check_golden(dir, names[i], compat);
		*passed += ok;
		if (!ok)
			KTEST_FAIL(names[i]);
		free(names[i]);
	}
	return n;
}

KTEST(mlfq_host, golden_outputs_match_mlfq_py)
{
	const char *dir = golden_dir();
	char old[512];
	int n, passed = 0;

	KASSERT_TRUE(dir != NULL);
	n = check_golden_dir(dir, false, &passed);
	KEXPECT_GE(n, 25);
	KEXPECT_EQ(passed, n);
	/* mlfq.py of 2020, with its boost (--compat=2020). */
	snprintf(old, sizeof old, "%s/2020", dir);
	passed = 0;
	n = check_golden_dir(old, true, &passed);
	KEXPECT_GE(n, 8);
	KEXPECT_EQ(passed, n);
}

/*
 * Each bad command line: status 2, one "mlfq-sim: ..." line, no stdout --
 * where optparse refuses it, where mlfq.py stops with a traceback or would
 * never stop, and this program's own limits.
 */
KTEST(mlfq_host, bad_command_lines)
{
	static const char *const cases[][5] = {
	    {"-l", "0,x,0", NULL},    /* int('x'): ValueError */
	    {"-l", "0,1__0,0", NULL}, /* int() refuses double '_' */
	    {"-l", "0,0x10,0", NULL}, /* int() is base 10 */
	    {"-Q", "10,,40", NULL},   /* int(''): ValueError */
	    {"-q", "ten", NULL},      /* optparse: invalid integer */
	    {"-q", "08", NULL},	      /* optparse: octal, no 8 */
	    {"-q", "-0x8", NULL},     /* optparse: decimal then */
	    {"-q", "1.5", NULL},
	    {"-n", "0", "-l", "0,5,0"},		  /* no queue: KeyError */
	    {"-n", "5000", NULL},		  /* this program's limit */
	    {"-c", "-l", "-1,5,0", NULL},	  /* never arrives */
	    {"-c", "-i", "-2", "-l", "0,5,2"},	  /* I/O never completes */
	    {"-c", "-j", "0", NULL},		  /* ZeroDivisionError */
	    {"-q", "99999999999999999999", NULL}, /* beyond 64 bits */
	    {"-x", NULL},
	    {"-l", NULL},
	    {"--numQueue=", "3", NULL},
	    {"--num", "3", NULL}, /* ambiguous: numQueues, numJobs */
	    {"--stay=1", NULL},
	    {"--compat=2019", NULL},
	    {"-c", "-i", "100000", "-l", "0,100000,1"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[7] = {"mlfq-sim"};
		int argc = 1;
		struct sim_result r;

		for (int j = 0; j < 5 && cases[i][j]; j++)
			argv[argc++] = (char *)cases[i][j];
		argv[argc] = NULL;
		sim_capture(mlfq_sim, argc, argv, &r);
		KEXPECT_EQ(r.rc, 2);
		KEXPECT_TRUE(r.err_len > 11 &&
			     strncmp(r.err, "mlfq-sim: ", 10) == 0);
		KEXPECT_TRUE(r.err_len > 0 && r.err[r.err_len - 1] == '\n' &&
			     memchr(r.err, '\n', r.err_len) ==
				 r.err + r.err_len - 1);
		/* A -c run that cannot end prints its header first. */
		if (strcmp(cases[i][0], "-c") != 0)
			KEXPECT_EQ(r.out_len, 0);
		if (r.rc != 2)
			ktest_diag("case %zu (%s): rc %d, stderr '%s'", i,
				   cases[i][0], r.rc, r.err);
		sim_result_free(&r);
	}
}

/* mlfq.py's own messages: on stdout, status 1, exactly its words. */
KTEST(mlfq_host, mlfq_py_messages)
{
	static const struct {
		const char *args[4];
		const char *out;
	} cases[] = {
	    {{"-Q", "10,20", "-A", "1,2,3"},
	     "number of allotments specified must match number of quantums\n"},
	    {{"-A", "1,0,1", NULL}, "allotment must be positive integer\n"},
	    {{"-l", "0,10", NULL},
	     "Badly formatted job string. Should be x1,y1,z1:x2,y2,z2:...\n"
	     "where x is the startTime, y is the runTime, and z is the I/O "
	     "frequency.\n"},
	    {{"-l", "0,5,0:", NULL},
	     "Badly formatted job string. Should be x1,y1,z1:x2,y2,z2:...\n"
	     "where x is the startTime, y is the runTime, and z is the I/O "
	     "frequency.\n"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[6] = {"mlfq-sim"};
		int argc = 1;
		struct sim_result r;

		for (int j = 0; j < 4 && cases[i].args[j]; j++)
			argv[argc++] = (char *)cases[i].args[j];
		argv[argc] = NULL;
		sim_capture(mlfq_sim, argc, argv, &r);
		KEXPECT_EQ(r.rc, 1);
		KEXPECT_STREQ(r.out, cases[i].out);
		KEXPECT_EQ(r.err_len, 0);
		sim_result_free(&r);
	}
}

/* What mlfq.py takes, mlfq-sim takes and reads the same way. */
KTEST(mlfq_host, numbers_read_as_python_reads_them)
{
	static const struct {
		const char *flag, *val, *line;
	} cases[] = {
	    {"-q", "010", "quantum length for queue  0 is   8"}, /* octal */
	    {"-q", " 010", "quantum length for queue  0 is  10"},
	    {"-q", "0x1_0", "quantum length for queue  0 is  16"},
	    {"-q", "0B101", "quantum length for queue  0 is   5"},
	    {"-q", "0b", "quantum length for queue  0 is   0"},
	    {"-q", "0o17", "quantum length for queue  0 is  15"},
	    {"-q", "+1_2\t", "quantum length for queue  0 is  12"},
	    {"-q", "-7", "quantum length for queue  0 is  -7"},
	    {"-q", "\xd9\xa3",
	     "quantum length for queue  0 is   3"}, /* U+0663 */
	    {"-q",
	     "\xc2\xa0"
	     "9",
	     "quantum length for queue  0 is   9"}, /* NBSP */
	    {"-Q", " 07, +1_1", "quantum length for queue  0 is  11"},
	    {"-B", "0x10", "OPTIONS boost 16"},
	    {"-i", "-3", "OPTIONS ioTime -3"},
	    {"-l", "+0, 1_0 ,-2", "runTime  10 - ioFreq  -2"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[] = {"mlfq-sim", (char *)cases[i].flag,
				(char *)cases[i].val, "extra", NULL};
		struct sim_result r;

		sim_capture(mlfq_sim, 4, argv, &r);
		KEXPECT_EQ(r.rc, 0);
		KEXPECT_TRUE(r.out && strstr(r.out, cases[i].line) != NULL);
		if (!r.out || !strstr(r.out, cases[i].line))
			ktest_diag("case %zu: %s '%s': no '%s' in the output",
				   i, cases[i].flag, cases[i].val,
				   cases[i].line);
		sim_result_free(&r);
	}
}

KTEST(mlfq_host, error_messages_name_the_flag)
{
	char *argv1[] = {"mlfq-sim", "-l", "0,5,0:1,x,0", "-c", NULL};
	char *argv2[] = {"mlfq-sim", "--quantum", "0x", NULL};
	struct sim_result r;

	sim_capture(mlfq_sim, 4, argv1, &r);
	KEXPECT_STREQ(r.err, "mlfq-sim: -l: job 1: run time: int() cannot "
			     "read 'x' (mlfq.py stops with a ValueError)\n");
	sim_result_free(&r);
	sim_capture(mlfq_sim, 3, argv2, &r);
	KEXPECT_STREQ(r.err, "mlfq-sim: option --quantum: invalid integer "
			     "value: '0x'\n");
	sim_result_free(&r);
}

KTEST(mlfq_host, help_goes_to_stdout)
{
	char *argv[] = {"mlfq-sim", "-h", NULL};
	struct sim_result r;

	sim_capture(mlfq_sim, 2, argv, &r);
	KEXPECT_EQ(r.rc, 0);
	KEXPECT_TRUE(strncmp(r.out, "usage: mlfq-sim", 15) == 0);
	KEXPECT_EQ(r.err_len, 0);
	sim_result_free(&r);
}

static int check_avg(uint64_t sum, uint32_t n)
{
	char mine[32], libc[64];

	mlfq_format_avg(mine, sizeof mine, sum, n);
	snprintf(libc, sizeof libc, "%.2f", (double)sum / n);
	if (strcmp(mine, libc) == 0)
		return 1;
	ktest_diag("%llu/%u: mine %s, printf %s", (unsigned long long)sum, n,
		   mine, libc);
	return 0;
}

/*
 * glibc's printf, like Python's float formatting, rounds the double's
 * exact value, ties to even; the double is sum/n correctly rounded.
 */
KTEST(mlfq_host, averages_match_printf)
{
	uint64_t x = 88172645463325252ull;
	int bad = 0;

	for (uint32_t n = 1; n <= 200 && bad < 10; n++)
		for (uint64_t sum = 0; sum <= 5000; sum++)
			bad += !check_avg(sum, n);
	/* Every exact midpoint (2k+1)/200 that some n up to 10000 reaches. */
	for (uint32_t n = 8; n <= MLFQ_RUN_MAX_JOBS && bad < 10; n += 8)
		for (uint64_t k = 0; k < 2000; k++) {
			uint64_t num = (2 * k + 1) * n;
			if (num % 200 == 0)
				bad += !check_avg(num / 200, n);
		}
	/* Random large ones, and midpoints near the top of the range. */
	for (int i = 0; i < 200000 && bad < 10; i++) {
		uint32_t n;
		uint64_t avg, sum;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		n = (uint32_t)(x % MLFQ_RUN_MAX_JOBS) + 1;
		avg = (x >> 20) % MLFQ_RUN_MAX_TICKS;
		sum = avg * n + (x >> 8) % n;
		bad += !check_avg(sum, n);
		if (n % 8 == 0) {
			uint64_t k = avg * 100 + (x >> 40) % 100;
			if ((2 * k + 1) * n % 200 == 0)
				bad += !check_avg((2 * k + 1) * n / 200, n);
		}
	}
	KEXPECT_EQ(bad, 0);
}
