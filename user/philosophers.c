/*
 * philosophers [-o] [-m MEALS] [-t SECONDS]: the dining philosophers of
 * OSTEP's chapter 31 (seed 000) and the deadlock conditions of seed 001,
 * on keel's threads.
 *
 * Five philosophers sit round a table with one fork between each two;
 * each needs both neighbouring forks (pthread mutexes) to eat MEALS (5)
 * times.  Without -o each takes the fork on the left, then the one on the
 * right, with a pause between to make the bad interleaving the likely one:
 * all five hold their left fork and wait for the right one, which the
 * neighbour holds — a deadlock.  It is runnable safely: a watchdog in the
 * main thread sees that nobody has eaten for SECONDS (2), prints who holds
 * and waits for what, names the four conditions, and ends the process
 * (exit, i.e. exit_group: the philosophers blocked in the kernel's futex
 * wait are ended with it), with status 1.
 *
 * With -o every philosopher takes the lower-numbered fork first (OSTEP's
 * fix: philosopher 4 takes fork 0 before fork 4), a global order that
 * breaks the circular wait, and everybody eats.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libkeel.h"

#define N 5

static pthread_mutex_t forks[N];
static volatile int holder[N] = {-1, -1, -1, -1, -1}; /* for the report */
static volatile int waits_for[N] = {-1, -1, -1, -1, -1};
static volatile long meals_eaten, progress;
static int ordered, meals = 5;

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void take(int p, int f)
{
	waits_for[p] = f;
	pthread_mutex_lock(&forks[f]);
	waits_for[p] = -1;
	holder[f] = p;
}

static void put(int f)
{
	holder[f] = -1;
	pthread_mutex_unlock(&forks[f]);
}

static void *philosopher(void *arg)
{
	int p = (int)(long)arg, left = p, right = (p + 1) % N;
	int first = left, second = right;

	if (ordered && right < left) /* lower number first */
		first = right, second = left;
	for (int m = 0; m < meals; m++) {
		take(p, first);
		pause_ms(20); /* holding one fork: the window for deadlock */
		take(p, second);
		__atomic_add_fetch(&meals_eaten, 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&progress, 1, __ATOMIC_SEQ_CST);
		put(second);
		put(first);
	}
	return NULL;
}

static void report_deadlock(int secs)
{
	printf("nobody has eaten for %d s: deadlock\n", secs);
	for (int p = 0; p < N; p++) {
		printf("  philosopher %d", p);
		for (int f = 0; f < N; f++)
			if (holder[f] == p)
				printf(" holds fork %d", f);
		if (waits_for[p] >= 0)
			printf(" and waits for fork %d (held by philosopher "
			       "%d)",
			       waits_for[p], holder[waits_for[p]]);
		printf("\n");
	}
	printf("the four conditions: mutual exclusion (a fork has one "
	       "holder), hold and wait (each holds a fork while it waits), "
	       "no preemption (nobody takes a fork away), circular wait "
	       "(0 -> 1 -> 2 -> 3 -> 4 -> 0)\n");
	printf("run with -o: forks taken in one global order break the "
	       "circular wait\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int secs = 2;
	pthread_t t[N];

	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-o") == 0)
			ordered = 1;
		else if (strcmp(argv[a], "-m") == 0 && a + 1 < argc)
			meals = (int)arg_long(argv[++a]);
		else if (strcmp(argv[a], "-t") == 0 && a + 1 < argc)
			secs = (int)arg_long(argv[++a]);
		else
			meals = -1;
	}
	if (meals < 1 || secs < 1) {
		fprintf(stderr, "usage: philosophers [-o] [-m MEALS] [-t "
				"SECONDS]\n");
		return 2;
	}
	printf("%d philosophers, %d meals each, forks taken %s\n", N, meals,
	       ordered ? "lower number first" : "left, then right");
	fflush(stdout);
	for (int f = 0; f < N; f++)
		pthread_mutex_init(&forks[f], NULL);
	for (long p = 0; p < N; p++)
		pthread_create(&t[p], NULL, philosopher, (void *)p);
	/* The watchdog: progress every SECONDS, or it is a deadlock. */
	for (long last = -1, idle_ms = 0; meals_eaten < (long)N * meals;) {
		pause_ms(100);
		if (progress != last)
			last = progress, idle_ms = 0;
		else if ((idle_ms += 100) >= secs * 1000L) {
			report_deadlock(secs);
			exit(1); /* exit_group: the blocked threads end too */
		}
	}
	for (int p = 0; p < N; p++)
		pthread_join(t[p], NULL);
	printf("all %d philosophers ate %d times each\n", N, meals);
	return 0;
}
