/*
 * barrier [THREADS [ROUNDS]]: a barrier (pthread_barrier_*) holds every
 * thread at the end of a phase until all have got there, then lets them
 * all go on: the synchronisation of a computation done in steps
 * (OSTEP's concurrency chapters, seed 000; musl builds it on keel's
 * futex).
 *
 * THREADS threads (4) run ROUNDS rounds (3).  In each round every thread
 * adds its share to that round's total, then waits at the barrier; the one
 * thread the barrier names (PTHREAD_BARRIER_SERIAL_THREAD) prints the
 * total, which is complete only because nobody passes before everybody
 * has added; a second barrier keeps the next round from starting before
 * the print.  The output is the same on every run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "libkeel.h"

#define MAX_THREADS 32
#define MAX_ROUNDS  100

static pthread_barrier_t barrier;
static int nthreads = 4, rounds = 3;
static long total[MAX_ROUNDS];

static void *worker(void *arg)
{
	long id = (long)arg;

	for (int r = 0; r < rounds; r++) {
		__atomic_add_fetch(&total[r], (id + 1) * (r + 1),
				   __ATOMIC_SEQ_CST);
		if (pthread_barrier_wait(&barrier) ==
		    PTHREAD_BARRIER_SERIAL_THREAD)
			printf("round %d: all %d threads arrived, total %ld\n",
			       r + 1, nthreads, total[r]);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[MAX_THREADS];

	if (argc > 1)
		nthreads = (int)arg_long(argv[1]);
	if (argc > 2)
		rounds = (int)arg_long(argv[2]);
	if (argc > 3 || nthreads < 1 || nthreads > MAX_THREADS || rounds < 1 ||
	    rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: barrier [THREADS (1-32) [ROUNDS "
				"(1-100)]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_barrier_init(&barrier, NULL, (unsigned)nthreads);
	for (long i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	long want = (long)nthreads * (nthreads + 1) / 2;
	for (int r = 0; r < rounds; r++)
		if (total[r] != want * (r + 1))
			return 1;
	printf("done: %d rounds\n", rounds);
	return 0;
}
