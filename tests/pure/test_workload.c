/*
 * Tests of the job-list and number-list parsers (sched/workload.c), with
 * the exact error messages a user sees.  Pure.
 */
#include "kernel/ktest.h"
#include "sched/workload.h"

static struct workload_job jobs[4];
static char err[128];

static int parse(const char *s, size_t *n)
{
	return workload_parse(s, jobs, 4, n, err, sizeof err);
}

KTEST(workload, parses_jobs)
{
	size_t n = 0;

	KASSERT_EQ(parse("0,200,0", &n), 0);
	KEXPECT_EQ(n, 1);
	KEXPECT_EQ(jobs[0].start, 0);
	KEXPECT_EQ(jobs[0].run, 200);
	KEXPECT_EQ(jobs[0].iofreq, 0);
	KASSERT_EQ(parse("0,50,0:10, 30 ,5:1000000000,1,1000000000", &n), 0);
	KEXPECT_EQ(n, 3);
	KEXPECT_EQ(jobs[1].start, 10);
	KEXPECT_EQ(jobs[1].run, 30);
	KEXPECT_EQ(jobs[1].iofreq, 5);
	KEXPECT_EQ(jobs[2].start, 1000000000);
	KEXPECT_EQ(jobs[2].iofreq, 1000000000);
	KASSERT_EQ(parse("1,2,3:4,5,6:7,8,9:10,11,12", &n), 0);
	KEXPECT_EQ(n, 4);
	KEXPECT_EQ(jobs[3].iofreq, 12);
}

KTEST(workload, job_errors_say_which_job_and_field)
{
	size_t n = 99;

	KEXPECT_EQ(parse("", &n), -1);
	KEXPECT_STREQ(err, "empty job list");
	KEXPECT_EQ(parse("  ", &n), -1);
	KEXPECT_STREQ(err, "empty job list");
	KEXPECT_EQ(parse("0,10,0:", &n), -1);
	KEXPECT_STREQ(err, "job 1 is empty (expected start,run,iofreq)");
	KEXPECT_EQ(parse("0,10", &n), -1);
	KEXPECT_STREQ(err, "job 0: missing I/O frequency in '0,10' (expected "
			   "start,run,iofreq)");
	KEXPECT_EQ(parse("0,10,0:5", &n), -1);
	KEXPECT_STREQ(
	    err, "job 1: missing run time in '5' (expected start,run,iofreq)");
	KEXPECT_EQ(parse("0,10,0,1", &n), -1);
	KEXPECT_STREQ(
	    err,
	    "job 0: too many fields in '0,10,0,1' (expected start,run,iofreq)");
	KEXPECT_EQ(parse("0,x5,0", &n), -1);
	KEXPECT_STREQ(err, "job 0: run time: expected a number, got 'x5'");
	KEXPECT_EQ(parse("0,5,-1", &n), -1);
	KEXPECT_STREQ(err, "job 0: I/O frequency: expected a number, got '-1'");
	KEXPECT_EQ(parse("0,5,0:,5,0", &n), -1);
	KEXPECT_STREQ(err, "job 1: start time: expected a number, got nothing");
	KEXPECT_EQ(parse("0,0,0", &n), -1);
	KEXPECT_STREQ(err, "job 0: run time must be at least 1");
	KEXPECT_EQ(parse("1000000001,5,0", &n), -1);
	KEXPECT_STREQ(err, "job 0: start time: too large (at most 1000000000)");
	KEXPECT_EQ(parse("99999999999999999999,5,0", &n), -1);
	KEXPECT_STREQ(err, "job 0: start time: too large (at most 1000000000)");
	KEXPECT_EQ(parse("1,1,1:2,2,2:3,3,3:4,4,4:5,5,5", &n), -1);
	KEXPECT_STREQ(err, "too many jobs (at most 4)");
	KEXPECT_EQ(parse("0,abcdefghijklmnopqrstuvwxyz,0", &n), -1);
	KEXPECT_STREQ(err, "job 0: run time: expected a number, got "
			   "'abcdefghijklmnopqrst...'");
	KEXPECT_EQ(n, 99); /* untouched on error */
}

KTEST(workload, small_error_buffer_is_cut_and_terminated)
{
	char small[8];
	size_t n;

	KEXPECT_EQ(workload_parse("x", jobs, 4, &n, small, sizeof small), -1);
	KEXPECT_STREQ(small, "job 0: ");
}

KTEST(workload, parses_lists)
{
	uint32_t v[4];
	size_t n = 0;

	KASSERT_EQ(workload_parse_list("10,20,40", v, 4, &n, err, sizeof err),
		   0);
	KEXPECT_EQ(n, 3);
	KEXPECT_EQ(v[0], 10);
	KEXPECT_EQ(v[2], 40);
	KASSERT_EQ(workload_parse_list("7", v, 4, &n, err, sizeof err), 0);
	KEXPECT_EQ(n, 1);
	KEXPECT_EQ(workload_parse_list("", v, 4, &n, err, sizeof err), -1);
	KEXPECT_STREQ(err, "empty list");
	KEXPECT_EQ(workload_parse_list("1,,2", v, 4, &n, err, sizeof err), -1);
	KEXPECT_STREQ(err, "item 1: expected a number, got nothing");
	KEXPECT_EQ(workload_parse_list("1,2,", v, 4, &n, err, sizeof err), -1);
	KEXPECT_STREQ(err, "item 2: expected a number, got nothing");
	KEXPECT_EQ(workload_parse_list("1,2,3,4,5", v, 4, &n, err, sizeof err),
		   -1);
	KEXPECT_STREQ(err, "too many items (at most 4)");
	KEXPECT_EQ(workload_parse_list("1;2", v, 4, &n, err, sizeof err), -1);
	KEXPECT_STREQ(err, "item 0: expected a number, got '1;2'");
}

KTEST(workload, parses_one_number)
{
	uint32_t v = 0;

	KEXPECT_EQ(workload_parse_uint(" 42 ", &v, err, sizeof err), 0);
	KEXPECT_EQ(v, 42);
	KEXPECT_EQ(workload_parse_uint("0", &v, err, sizeof err), 0);
	KEXPECT_EQ(v, 0);
	KEXPECT_EQ(workload_parse_uint("4x", &v, err, sizeof err), -1);
	KEXPECT_STREQ(err, "expected a number, got '4x'");
	KEXPECT_EQ(workload_parse_uint("", &v, err, sizeof err), -1);
	KEXPECT_STREQ(err, "expected a number, got nothing");
	KEXPECT_EQ(workload_parse_uint("1000000000", &v, err, sizeof err), 0);
	KEXPECT_EQ(workload_parse_uint("1000000001", &v, err, sizeof err), -1);
}
