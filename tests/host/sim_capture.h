/*
 * sim_capture — run a simulator's main-like entry point (mlfq_sim,
 * sched_sim, lottery_sim) in-process and keep what it printed, for the host
 * tests that hold its output against golden files.
 */
#ifndef KEEL_TESTS_HOST_SIM_CAPTURE_H
#define KEEL_TESTS_HOST_SIM_CAPTURE_H

#include <stddef.h>
#include <stdio.h>

typedef int (*sim_fn)(int argc, char **argv, FILE *out, FILE *err);

struct sim_result {
	int rc;		 /* the entry point's exit status */
	char *out, *err; /* what it wrote to stdout and stderr */
	size_t out_len, err_len;
};

/* Call fn(argc, argv) with both streams captured into *r. */
void sim_capture(sim_fn fn, int argc, char **argv, struct sim_result *r);
void sim_result_free(struct sim_result *r);
/* The names of dir's *.out files (golden outputs), sorted, malloc'd, at
 * most cap of them; 0 when dir cannot be opened. */
int sim_golden_names(const char *dir, char **names, int cap);
/* A whole file in a malloc'd buffer (NULL if it cannot be read). */
char *sim_read_file(const char *path, size_t *len);

#endif
