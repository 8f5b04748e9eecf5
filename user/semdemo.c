/*
 * semdemo: OSTEP's two first uses of a semaphore (chapter 31, seed 000),
 * on keel's threads (musl's sem_* on keel's futex).
 *
 * 1. Ordering (OSTEP's figure 31.6): a semaphore initialised to 0 makes
 *    the parent wait for an event — the child thread's "done" — however
 *    the two are scheduled: the output is always parent: begin, child,
 *    parent: end.
 * 2. A binary semaphore (initialised to 1) as a lock: four threads add to
 *    a counter 100,000 times each under it, and the total is exact.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define THREADS 4
#define LOOPS	100000

static sem_t done, lock;
static volatile long counter;

static void *child(void *arg)
{
	(void)arg;
	printf("child\n");
	fflush(stdout);
	sem_post(&done); /* signal here: the child is done */
	return NULL;
}

static void *adder(void *arg)
{
	(void)arg;
	for (int i = 0; i < LOOPS; i++) {
		sem_wait(&lock);
		counter = counter + 1;
		sem_post(&lock);
	}
	return NULL;
}

int main(void)
{
	pthread_t c, t[THREADS];

	sem_init(&done, 0, 0);
	printf("parent: begin\n");
	fflush(stdout);
	pthread_create(&c, NULL, child, NULL);
	sem_wait(&done); /* wait here for the child */
	printf("parent: end\n");
	pthread_join(c, NULL);

	sem_init(&lock, 0, 1);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, adder, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("binary semaphore as a lock: counter %ld (expected %ld)\n",
	       counter, (long)THREADS * LOOPS);
	return counter == (long)THREADS * LOOPS ? 0 : 1;
}
