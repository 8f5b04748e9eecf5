/*
 * workload: parsers for OSTEP-style job lists and number lists (pure).
 * Shared by tools/mlfq-sim (-l, -Q, -A) and the kernel's sched.workload=
 * option, so both accept exactly the same text.
 *
 *   job list:    start,run,iofreq[:start,run,iofreq]...   e.g. 0,50,0:10,30,5
 *   number list: n[,n]...                                 e.g. 10,20,40
 *
 * A number is decimal digits, optionally surrounded by blanks (space or
 * tab), at most WORKLOAD_MAX_VALUE.  A job's run time must be at least 1
 * (a job with no work is never "finished" by mlfq.py, which aborts).
 *
 * Both parsers validate the whole input before they report success; on
 * error they return -1 and write one line (no newline) into err saying
 * which job or item, which field and what was expected.  The output array
 * may have been partly written.
 */
#ifndef KEEL_SCHED_WORKLOAD_H
#define KEEL_SCHED_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#define WORKLOAD_MAX_VALUE 1000000000u

struct workload_job {
	uint32_t start;	 /* tick at which it enters the system */
	uint32_t run;	 /* ticks of CPU it needs, >= 1 */
	uint32_t iofreq; /* issue an I/O after every iofreq ticks; 0: never */
};

/* Parses a job list into jobs[0..cap); *n is the number of jobs. */
int workload_parse(const char *s, struct workload_job *jobs, size_t cap,
		   size_t *n, char *err, size_t errlen);

/* Parses a comma-separated list of numbers into vals[0..cap). */
int workload_parse_list(const char *s, uint32_t *vals, size_t cap, size_t *n,
			char *err, size_t errlen);

/* Parses one whole number (blanks around it allowed). */
int workload_parse_uint(const char *s, uint32_t *v, char *err, size_t errlen);

#endif
