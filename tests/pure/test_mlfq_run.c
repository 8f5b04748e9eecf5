/*
 * Tests of the workload runner (sched/mlfq_run.c): the trace lines and
 * statistics in mlfq.py's format, driven the way the kernel drives it,
 * and the exact "%.2f" averages.  Pure: no libc; the output callback
 * stores the lines in a static buffer.  Expected texts come from running
 * OSTEP's mlfq.py on the same workloads.
 */
#include <stdarg.h>

#include "kernel/ktest.h"
#include "sched/mlfq_run.h"

#define OUT_SIZE 32768
#define MAX_JOBS 8

static char out_buf[OUT_SIZE];
static size_t out_len;
static bool out_overflow;

static void put(char c)
{
	if (out_len + 1 >= OUT_SIZE) {
		out_overflow = true;
		return;
	}
	out_buf[out_len++] = c;
	out_buf[out_len] = '\0';
}

/* The runner always calls out(ctx, "%s\n", line). */
static void capture(void *ctx, const char *fmt, ...)
{
	va_list ap;
	const char *s;

	(void)ctx;
	if (!ktest_streq_(fmt, "%s\n"))
		out_overflow = true;
	va_start(ap, fmt);
	s = va_arg(ap, const char *);
	va_end(ap);
	while (*s)
		put(*s++);
	put('\n');
}

/* Line n (from 0) of the captured output, or "" past the end. */
static const char *line(int n)
{
	static char l[200];
	const char *p = out_buf;
	size_t i = 0;

	while (n > 0 && *p)
		if (*p++ == '\n')
			n--;
	while (*p && *p != '\n' && i + 1 < sizeof l)
		l[i++] = *p++;
	l[i] = '\0';
	return l;
}

/* The index of the first line equal to s, or -1. */
static int find_line(const char *s)
{
	int lines = 0;

	for (size_t i = 0; i < out_len; i++)
		lines += out_buf[i] == '\n';
	for (int n = 0; n < lines; n++)
		if (ktest_streq_(line(n), s))
			return n;
	return -1;
}

static struct mlfq_run run;
static struct mlfq_job jobs[MAX_JOBS];

static const char *start(const struct mlfq_params *p, uint32_t io_time,
			 const struct workload_job *w, size_t n)
{
	out_len = 0;
	out_buf[0] = '\0';
	out_overflow = false;
	return mlfq_run_init(&run, p, io_time, w, n, jobs, capture, NULL);
}

/* -Q 10,20,40 -A 1,2,1 -l 0,200,0 -c (mlfq-reference.md's example). */
KTEST(mlfq_run, worked_example_trace)
{
	static const struct workload_job w[] = {{0, 200, 0}};
	struct mlfq_params p;

	mlfq_params_ostep(&p);
	p.quantum[2] = 10, p.quantum[1] = 20, p.quantum[0] = 40;
	p.allot[2] = 1, p.allot[1] = 2, p.allot[0] = 1;
	KASSERT_TRUE(start(&p, 5, w, 1) == NULL);
	mlfq_run_header(&run, true);
	mlfq_run_all(&run);
	KASSERT_FALSE(out_overflow);
	KEXPECT_STREQ(line(0), "Here is the list of inputs:");
	KEXPECT_STREQ(line(5), "OPTIONS allotments for queue  1 is   2");
	KEXPECT_STREQ(line(8), "OPTIONS quantum length for queue  0 is  40");
	KEXPECT_STREQ(line(12), "OPTIONS iobump False");
	KEXPECT_STREQ(line(22),
		      "  Job  0: startTime   0 - runTime 200 - ioFreq   0");
	KEXPECT_STREQ(line(25), "Execution Trace:");
	KEXPECT_STREQ(line(27), "[ time 0 ] JOB BEGINS by JOB 0");
	KEXPECT_STREQ(line(28), "[ time 0 ] Run JOB 0 at PRIORITY 2 [ TICKS 9 "
				"ALLOT 1 TIME 199 (of 200) ]");
	KEXPECT_STREQ(line(37), "[ time 9 ] Run JOB 0 at PRIORITY 2 [ TICKS 0 "
				"ALLOT 1 TIME 190 (of 200) ]");
	KEXPECT_STREQ(line(38), "[ time 10 ] Run JOB 0 at PRIORITY 1 [ TICKS "
				"19 ALLOT 2 TIME 189 (of 200) ]");
	KEXPECT_STREQ(line(58), "[ time 30 ] Run JOB 0 at PRIORITY 1 [ TICKS "
				"19 ALLOT 1 TIME 169 (of 200) ]");
	KEXPECT_STREQ(line(78), "[ time 50 ] Run JOB 0 at PRIORITY 0 [ TICKS "
				"39 ALLOT 1 TIME 149 (of 200) ]");
	KEXPECT_STREQ(line(117), "[ time 89 ] Run JOB 0 at PRIORITY 0 [ TICKS "
				 "0 ALLOT 1 TIME 110 (of 200) ]");
	KEXPECT_STREQ(line(228), "[ time 200 ] FINISHED JOB 0");
	KEXPECT_STREQ(line(230), "Final statistics:");
	KEXPECT_STREQ(
	    line(231),
	    "  Job  0: startTime   0 - response   0 - turnaround 200");
	KEXPECT_STREQ(
	    line(233),
	    "  Avg  0: startTime n/a - response 0.00 - turnaround 200.00");
	KEXPECT_STREQ(line(234), "");
	KEXPECT_STREQ(line(235), "");
	KEXPECT_EQ(out_buf[out_len - 1], '\n');
	KEXPECT_EQ(out_buf[out_len - 2], '\n');
	KEXPECT_EQ(out_buf[out_len - 3], '\n');
}

/*
 * -l 5,4,2:6,2,0 -i 1 -c, driven as the kernel drives it from its timer
 * interrupt: end of the previous tick first, then begin and pick; pick
 * names the job (or idle) the kernel switches to.
 */
KTEST(mlfq_run, kernel_order_idle_io_and_stats)
{
	static const struct workload_job w[] = {{5, 4, 2}, {6, 2, 0}};
	static const int expect_pick[] = {-1, -1, -1, -1, -1, 0, 0, 1, 1, 0, 0};
	struct mlfq_params p;
	int t = 0;
	int base;

	mlfq_params_ostep(&p);
	KASSERT_TRUE(start(&p, 1, w, 2) == NULL);
	mlfq_run_header(&run, true);
	base = find_line("Execution Trace:") + 2;
	for (;;) {
		if (t > 0)
			mlfq_run_end_tick(&run);
		if (mlfq_run_done(&run))
			break;
		mlfq_run_begin_tick(&run);
		KASSERT_LT(t, 11);
		KEXPECT_EQ(mlfq_run_pick(&run), expect_pick[t]);
		t++;
	}
	KEXPECT_EQ(t, 11);
	mlfq_run_stats(&run);
	KEXPECT_STREQ(line(base), "[ time 0 ] IDLE");
	KEXPECT_STREQ(line(base + 5), "[ time 5 ] JOB BEGINS by JOB 0");
	KEXPECT_STREQ(line(base + 9), "[ time 7 ] IO_START by JOB 0");
	KEXPECT_STREQ(line(base + 10), "IO DONE");
	KEXPECT_STREQ(line(base + 11), "[ time 7 ] Run JOB 1 at PRIORITY 2 [ "
				       "TICKS 9 ALLOT 1 TIME 1 (of 2) ]");
	KEXPECT_STREQ(line(base + 12), "[ time 8 ] IO_DONE by JOB 0");
	KEXPECT_STREQ(line(base + 14), "[ time 9 ] FINISHED JOB 1");
	KEXPECT_STREQ(line(base + 17), "[ time 11 ] FINISHED JOB 0");
	KEXPECT_STREQ(
	    line(base + 20),
	    "  Job  0: startTime   5 - response   0 - turnaround   6");
	KEXPECT_STREQ(
	    line(base + 21),
	    "  Job  1: startTime   6 - response   1 - turnaround   3");
	KEXPECT_STREQ(
	    line(base + 23),
	    "  Avg  1: startTime n/a - response 0.50 - turnaround 4.50");
}

/* Without -c: the header ends with the exercise text. */
KTEST(mlfq_run, header_without_solve)
{
	static const struct workload_job w[] = {{0, 84, 7}, {0, 42, 3}};
	struct mlfq_params p;

	mlfq_params_ostep(&p);
	p.io_refill = true;
	KASSERT_TRUE(start(&p, 5, w, 2) == NULL);
	mlfq_run_header(&run, false);
	KEXPECT_STREQ(line(1), "OPTIONS jobs 2");
	KEXPECT_STREQ(line(11), "OPTIONS stayAfterIO True");
	KEXPECT_STREQ(line(13), "");
	KEXPECT_STREQ(line(14), "");
	KEXPECT_STREQ(
	    line(15),
	    "For each job, three defining characteristics are given:");
	KEXPECT_STREQ(line(23),
		      "  Job  1: startTime   0 - runTime  42 - ioFreq   3");
	KEXPECT_STREQ(line(25),
		      "Compute the execution trace for the given workloads.");
	KEXPECT_STREQ(
	    line(29),
	    "Use the -c flag to get the exact results when you are finished.");
	KEXPECT_STREQ(line(30), "");
	KEXPECT_STREQ(line(31), "");
	KEXPECT_EQ(find_line("Execution Trace:"), -1);
}

KTEST(mlfq_run, init_rejects_bad_input)
{
	static const struct workload_job zero_run[] = {{0, 0, 0}};
	static const struct workload_job ok[] = {{0, 10, 0}};
	static const struct workload_job huge[] = {{0, 1000000, 1}};
	struct mlfq_params p;

	mlfq_params_ostep(&p);
	KEXPECT_TRUE(start(&p, 5, ok, 0) != NULL);
	KEXPECT_TRUE(start(&p, 5, zero_run, 1) != NULL);
	KEXPECT_TRUE(start(&p, 5000, huge, 1) != NULL);
	KEXPECT_TRUE(start(&p, 5, huge, 1) == NULL);
	p.quantum[0] = 0;
	KEXPECT_TRUE(start(&p, 5, ok, 1) != NULL);
}

static const char *avg(uint64_t sum, uint32_t n)
{
	static char buf[32];
	mlfq_format_avg(buf, sizeof buf, sum, n);
	return buf;
}

/*
 * '%.2f' % (float(sum) / n), as Python prints it: exact ties of the
 * double go to even (1/8, 5/8), other midpoints go where the double
 * lies (0.025 is stored above it, 2.675 below).
 */
KTEST(mlfq_run, averages_round_as_python)
{
	KEXPECT_STREQ(avg(0, 1), "0.00");
	KEXPECT_STREQ(avg(200, 1), "200.00");
	KEXPECT_STREQ(avg(1, 3), "0.33");
	KEXPECT_STREQ(avg(2, 3), "0.67");
	KEXPECT_STREQ(avg(9, 2), "4.50");
	KEXPECT_STREQ(avg(1, 8), "0.12");
	KEXPECT_STREQ(avg(3, 8), "0.38");
	KEXPECT_STREQ(avg(5, 8), "0.62");
	KEXPECT_STREQ(avg(1, 40), "0.03");
	KEXPECT_STREQ(avg(107, 40), "2.67");
	KEXPECT_STREQ(avg(1, 200), "0.01");
	KEXPECT_STREQ(avg(1999, 1000), "2.00");
	KEXPECT_STREQ(avg(2147483647ull * 10000, 10000), "2147483647.00");
	KEXPECT_STREQ(avg(2147483647ull * 8 + 1, 8), "2147483647.12");
	KEXPECT_EQ(mlfq_format_avg((char[32]){0}, 32, 107, 40), 4);
}
