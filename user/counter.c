/*
 * counter [-l] [THREADS [LOOPS]]: OSTEP's shared counter (chapter 26,
 * "Concurrency: an introduction", t1.c; seed 000), on keel's threads.
 *
 * THREADS threads (2) each add 1 to one shared counter LOOPS times
 * (20,000,000).  `counter = counter + 1` is three instructions — load, add,
 * store — and a timer interrupt between the load and the store lets
 * another thread update the counter in the meantime; the first thread
 * then stores its stale value and that update is lost (a race condition
 * on a critical section).  On one CPU the race needs a preemption in that
 * window, so the loss varies from run to run: run it again, or with more
 * loops.
 *
 * One thing is added for keel's usual machine, QEMU's TCG emulator: it
 * takes interrupts only between its blocks of translated code, and a block
 * ends at a jump, so the three instructions of a loop body are never
 * split by the timer there.  A jump to the next instruction between the
 * load and the store ends a block there, and the window opens as it is on
 * real hardware, where any instruction boundary can take the interrupt.
 *
 * With -l the update is made under a pthread mutex (chapter 28's fix:
 * mutual exclusion around the critical section), and the total is exact
 * every time.  The mutex is musl's, on keel's futex: an atomic exchange
 * in user space, a system call only when it is taken.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkeel.h"

static volatile long counter; /* volatile: a real load and store each time */
static long loops = 20000000;
static int locked;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < loops; i++) {
		if (locked)
			pthread_mutex_lock(&lock);
		long v = counter; /* the critical section: load, */
		/* a jump that does nothing (see above), */
		__asm__ volatile("jmp 1f\n1:" ::: "memory");
		counter = v + 1; /* add and store */
		if (locked)
			pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int nthreads = 2, a = 1;
	pthread_t t[64];

	if (a < argc && strcmp(argv[a], "-l") == 0)
		locked = 1, a++;
	if (a < argc)
		nthreads = (int)arg_long(argv[a++]);
	if (a < argc)
		loops = arg_long(argv[a++]);
	if (nthreads < 1 || nthreads > 64 || loops < 1 || a < argc) {
		fprintf(stderr,
			"usage: counter [-l] [THREADS (1-64) [LOOPS]]\n");
		return 2;
	}
	printf("main: begin (counter = %ld), %d threads, %ld loops each, %s\n",
	       counter, nthreads, loops, locked ? "with a lock" : "no lock");
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0) {
			fprintf(stderr, "counter: pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	long want = (long)nthreads * loops;
	printf("main: done (counter = %ld, expected %ld)\n", counter, want);
	if (counter != want)
		printf("%ld updates lost: a race on counter = counter + 1\n",
		       want - counter);
	else if (!locked)
		printf("no update lost this time: run it again, or with more "
		       "loops\n");
	return locked && counter != want ? 1 : 0;
}
