/*
 * Host-only tests of tools/sched-sim and tools/lottery-sim:
 *  - every file in tests/golden/sched/ (lottery/) is the exact stdout of
 *    OSTEP's scheduler.py (lottery.py) for the flags in its name, tokens
 *    joined by '_', each a flag letter with its value attached
 *    (c_pRR_q3_l10,20,30.out is `-c -pRR -q3 -l10,20,30`); the simulator
 *    must print the same bytes (tests/golden/sched/README.md);
 *  - bad command lines give status 2, one line on stderr, no stdout;
 *  - Python's number syntax as optparse and float() read it;
 *  - where scripts raise mid-way, the same stdout and status 1.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/ktest.h"
#include "tests/host/sim_capture.h"
#include "tools/pyopt.h"

int sched_sim(int argc, char **argv, FILE *out, FILE *err);
int lottery_sim(int argc, char **argv, FILE *out, FILE *err);

#ifndef KEEL_SRCDIR
#define KEEL_SRCDIR "."
#endif

static int check_golden(sim_fn fn, const char *prog, const char *dir,
			const char *name)
{
	char path[512], flags[256], *argv[32], args[32][128];
	int argc = 0, same;
	size_t glen;
	char *golden;
	struct sim_result r;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(flags, sizeof flags, "%.*s", (int)(strlen(name) - 4), name);
	argv[argc++] = (char *)prog;
	for (char *tok = strtok(flags, "_"); tok && argc < 31;
	     tok = strtok(NULL, "_")) {
		snprintf(args[argc], sizeof args[argc], "-%s", tok);
		argv[argc] = args[argc];
		argc++;
	}
	argv[argc] = NULL;
	golden = sim_read_file(path, &glen);
	if (!golden) {
		ktest_diag("%s: cannot read", path);
		return 0;
	}
	sim_capture(fn, argc, argv, &r);
	same = r.rc == 0 && r.err_len == 0 && r.out_len == glen &&
	       memcmp(r.out, golden, glen) == 0;
	if (!same) {
		size_t i = 0, line = 1;
		while (i < r.out_len && i < glen && r.out[i] == golden[i])
			line += golden[i++] == '\n';
		ktest_diag("%s: exit %d, stderr '%s', first difference at line "
			   "%zu",
			   name, r.rc, r.err, line);
	}
	free(golden);
	sim_result_free(&r);
	return same;
}

/* Checks every golden file of tests/golden/SUB; returns how many. */
static int golden_dir(sim_fn fn, const char *prog, const char *sub, int *passed)
{
	char dir[512];
	char *names[256];
	int n;

	snprintf(dir, sizeof dir, "%s/tests/golden/%s", KEEL_SRCDIR, sub);
	n = sim_golden_names(dir, names, 256);
	if (n == 0) { /* run from the source tree without KEEL_SRCDIR */
		snprintf(dir, sizeof dir, "tests/golden/%s", sub);
		n = sim_golden_names(dir, names, 256);
	}
	*passed = 0;
	for (int i = 0; i < n; i++) {
		int ok = check_golden(fn, prog, dir, names[i]);
		*passed += ok;
		if (!ok)
			KTEST_FAIL(names[i]);
		free(names[i]);
	}
	return n;
}

KTEST(policy_host, golden_outputs_match_scheduler_py)
{
	int passed = 0,
	    n = golden_dir(sched_sim, "sched-sim", "sched", &passed);

	KEXPECT_GE(n, 15);
	KEXPECT_EQ(passed, n);
}

KTEST(policy_host, golden_outputs_match_lottery_py)
{
	int passed = 0,
	    n = golden_dir(lottery_sim, "lottery-sim", "lottery", &passed);

	KEXPECT_GE(n, 12);
	KEXPECT_EQ(passed, n);
}

static void expect_usage_error(sim_fn fn, const char *prog,
			       const char *const *args)
{
	char *argv[8] = {(char *)prog};
	int argc = 1;
	struct sim_result r;
	size_t plen = strlen(prog);

	for (; args[argc - 1] && argc < 7; argc++)
		argv[argc] = (char *)args[argc - 1];
	argv[argc] = NULL;
	sim_capture(fn, argc, argv, &r);
	KEXPECT_EQ(r.rc, 2);
	KEXPECT_EQ(r.out_len, 0);
	KEXPECT_TRUE(r.err_len > plen + 2 && strncmp(r.err, prog, plen) == 0);
	KEXPECT_TRUE(r.err_len > 0 && r.err[r.err_len - 1] == '\n' &&
		     memchr(r.err, '\n', r.err_len) == r.err + r.err_len - 1);
	if (r.rc != 2)
		ktest_diag("%s %s: rc %d, stderr '%s'", prog, args[0], r.rc,
			   r.err);
	sim_result_free(&r);
}

KTEST(policy_host, bad_command_lines)
{
	static const char *const sched_cases[][4] = {
	    {"-x", NULL},
	    {"-s", NULL},
	    {"-s", "1.5", NULL},
	    {"-j", "09", NULL},
	    {"--jl", NULL},
	    {"--j=3", NULL},
	    {"-q", "0x", NULL},
	    {"-l", "1,,2", NULL},
	    {"-l", "1_,2", NULL},
	    {"-c", "-l", "_1", NULL},
	    {"--seed=", NULL},
	    {"-s", "99999999999999999999", NULL},
	    {"-c", "-pRR", "-q0", NULL},
	    {"-c", "-pSJF", "-lnan,1", NULL},
	};
	static const char *const lottery_cases[][4] = {
	    {"-l", "1:2:3", NULL}, {"-l", "x:1", NULL},	  {"-l", "5", NULL},
	    {"-l", "5:-1", NULL},  {"-m", "1", NULL},	  {"-T", "0", NULL},
	    {"-j", "5000", NULL},  {"--compute=1", NULL}, {"-q", NULL},
	    {"--maxt", "x", NULL}, {"-l", "1.5:2", NULL},
	};

	for (size_t i = 0; i < sizeof sched_cases / sizeof sched_cases[0]; i++)
		expect_usage_error(sched_sim, "sched-sim", sched_cases[i]);
	for (size_t i = 0; i < sizeof lottery_cases / sizeof lottery_cases[0];
	     i++)
		expect_usage_error(lottery_sim, "lottery-sim",
				   lottery_cases[i]);
}

KTEST(policy_host, error_messages_say_what)
{
	char *a1[] = {"sched-sim", "-s", "ten", NULL};
	char *a2[] = {"lottery-sim", "--ma", "3", NULL};
	struct sim_result r;

	sim_capture(sched_sim, 3, a1, &r);
	KEXPECT_STREQ(r.err,
		      "sched-sim: error: option -s: invalid integer value: "
		      "'ten'\n");
	sim_result_free(&r);
	sim_capture(lottery_sim, 3, a2, &r);
	KEXPECT_STREQ(r.err, "lottery-sim: error: ambiguous option: --ma "
			     "(--maxlen, --maxticket?)\n");
	sim_result_free(&r);
}

/* scheduler.py raises OverflowError formatting "%3d" % inf: same stdout. */
KTEST(policy_host, python_exception_keeps_stdout)
{
	char *argv[] = {"sched-sim", "-c", "-l", "inf,2", NULL};
	struct sim_result r;

	sim_capture(sched_sim, 4, argv, &r);
	KEXPECT_EQ(r.rc, 1);
	KEXPECT_TRUE(
	    strstr(r.out, "Run job 0 for inf secs ( DONE at inf )\n") != NULL);
	KEXPECT_TRUE(strstr(r.out, "Run job 1") == NULL);
	KEXPECT_TRUE(strstr(r.err, "OverflowError") != NULL);
	sim_result_free(&r);
}

KTEST(policy_host, optparse_numbers)
{
	static const struct {
		const char *s;
		int rc;
		int64_t v;
	} cases[] = {
	    {"10", 0, 10},
	    {"010", 0, 8},
	    {"0x1f", 0, 31},
	    {"0X_1F", 0, 31},
	    {"0b101", 0, 5},
	    {"0b", 0, 0},
	    {"0o17", 0, 15},
	    {"-5", 0, -5},
	    {" 7 ", 0, 7},
	    {"+3", 0, 3},
	    {"1_000", 0, 1000},
	    {"0", 0, 0},
	    {"09", -1, 0},
	    {"-0x5", -1, 0},
	    {"1__0", -1, 0},
	    {"_1", -1, 0},
	    {"1_", -1, 0},
	    {"", -1, 0},
	    {"1.0", -1, 0},
	    {"9223372036854775807", 0, INT64_MAX},
	    {"9223372036854775808", -2, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = 0;
		int rc = pyopt_int(cases[i].s, &v);
		KEXPECT_EQ(rc, cases[i].rc);
		if (rc == 0)
			KEXPECT_EQ(v, cases[i].v);
		if (rc != cases[i].rc)
			ktest_diag("'%s'", cases[i].s);
	}
}

KTEST(policy_host, python_float_and_repr)
{
	static const struct {
		const char *in, *repr;
	} cases[] = {
	    {"10", "10.0"},
	    {"1.5", "1.5"},
	    {"0.1", "0.1"},
	    {"1e16", "1e+16"},
	    {"1e15", "1000000000000000.0"},
	    {"1e-5", "1e-05"},
	    {"0.0001", "0.0001"},
	    {"-0", "-0.0"},
	    {" 2_5.0_1 ", "25.01"},
	    {"INF", "inf"},
	    {"-Infinity", "-inf"},
	    {"nan", "nan"},
	    {"123456789012345678", "1.2345678901234568e+17"},
	    {".5", "0.5"},
	    {"5.", "5.0"},
	    {"1E3", "1000.0"},
	};
	static const char *const bad[] = {"",  "x",    "1_",   "_1",   "1e",
					  ".", "0x10", "1e_5", "1..2", "in f"};
	char buf[40];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double x;
		KEXPECT_EQ(py_float(cases[i].in, &x), 0);
		py_float_repr(x, buf, sizeof buf);
		KEXPECT_STREQ(buf, cases[i].repr);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		double x;
		KEXPECT_EQ(py_float(bad[i], &x), -1);
	}
}
