/*
 * prodcons [-s] [PRODUCERS CONSUMERS ITEMS]: the producer/consumer
 * (bounded buffer) problem of OSTEP's chapters 30 and 31 (seed 000), on
 * keel's threads.
 *
 * PRODUCERS threads (2) each put ITEMS numbers (1000) into a buffer of 4
 * slots; CONSUMERS threads (3) take them out and add them up.  Without -s
 * it is chapter 30's final solution: one mutex, two condition variables
 * (empty: a producer waits for a free slot; fill: a consumer waits for an
 * item), each wait in a while loop, since a woken thread must check the
 * condition again (Mesa semantics).  With -s it is chapter 31's: two
 * counting semaphores (empty slots, full slots) and a binary semaphore as
 * the lock, taken inside the others (the order that avoids deadlock).
 *
 * Consumers stop on an end marker, one per consumer, put in after every
 * producer has finished.  The output is the same on every run: how many
 * items came through and their sum, which must be the sum put in.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkeel.h"

#define SLOTS 4
#define END   (-1) /* the end marker: one per consumer */

static int buffer[SLOTS], fill_ptr, use_ptr, count;
static int use_sems, items = 1000;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t fill = PTHREAD_COND_INITIALIZER;
static sem_t sem_empty, sem_full, sem_mutex;

static void put(int value)
{
	buffer[fill_ptr] = value;
	fill_ptr = (fill_ptr + 1) % SLOTS;
	count++;
}

static int get(void)
{
	int v = buffer[use_ptr];

	use_ptr = (use_ptr + 1) % SLOTS;
	count--;
	return v;
}

static void produce(int value)
{
	if (use_sems) {
		sem_wait(&sem_empty);
		sem_wait(&sem_mutex);
		put(value);
		sem_post(&sem_mutex);
		sem_post(&sem_full);
		return;
	}
	pthread_mutex_lock(&mutex);
	while (count == SLOTS)
		pthread_cond_wait(&empty, &mutex);
	put(value);
	pthread_cond_signal(&fill);
	pthread_mutex_unlock(&mutex);
}

static int consume(void)
{
	int v;

	if (use_sems) {
		sem_wait(&sem_full);
		sem_wait(&sem_mutex);
		v = get();
		sem_post(&sem_mutex);
		sem_post(&sem_empty);
		return v;
	}
	pthread_mutex_lock(&mutex);
	while (count == 0)
		pthread_cond_wait(&fill, &mutex);
	v = get();
	pthread_cond_signal(&empty);
	pthread_mutex_unlock(&mutex);
	return v;
}

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= items; i++)
		produce(i);
	return NULL;
}

struct tally {
	long n, sum;
};

static void *consumer(void *arg)
{
	struct tally *t = arg;

	for (int v; (v = consume()) != END;)
		t->n++, t->sum += v;
	return NULL;
}

int main(int argc, char **argv)
{
	int np = 2, nc = 3, a = 1;
	pthread_t p[16], c[16];
	struct tally tally[16];
	long n = 0, sum = 0;

	if (a < argc && strcmp(argv[a], "-s") == 0)
		use_sems = 1, a++;
	if (a + 3 == argc) {
		np = (int)arg_long(argv[a]);
		nc = (int)arg_long(argv[a + 1]);
		items = (int)arg_long(argv[a + 2]);
	} else if (a != argc) {
		np = 0;
	}
	if (np < 1 || np > 16 || nc < 1 || nc > 16 || items < 0) {
		fprintf(stderr, "usage: prodcons [-s] [PRODUCERS CONSUMERS "
				"ITEMS] (1-16 threads of each)\n");
		return 2;
	}
	sem_init(&sem_empty, 0, SLOTS);
	sem_init(&sem_full, 0, 0);
	sem_init(&sem_mutex, 0, 1);
	memset(tally, 0, sizeof(tally));
	for (int i = 0; i < nc; i++)
		pthread_create(&c[i], NULL, consumer, &tally[i]);
	for (int i = 0; i < np; i++)
		pthread_create(&p[i], NULL, producer, NULL);
	for (int i = 0; i < np; i++)
		pthread_join(p[i], NULL);
	for (int i = 0; i < nc; i++)
		produce(END);
	for (int i = 0; i < nc; i++) {
		pthread_join(c[i], NULL);
		n += tally[i].n;
		sum += tally[i].sum;
	}
	long want = (long)np * items * (items + 1) / 2;
	printf("%s: %d producers, %d consumers, %d slots: %ld items consumed "
	       "(of %ld), sum %ld (expected %ld)\n",
	       use_sems ? "semaphores" : "condition variables", np, nc, SLOTS,
	       n, (long)np * items, sum, want);
	return n == (long)np * items && sum == want ? 0 : 1;
}
