/*
 * threadtests: POSIX threads on keel, printing KTAP version 1 (issue 12,
 * item 4).  musl's own pthread_create, mutexes, condition variables,
 * semaphores and barriers, unmodified, on keel's clone and futex; then the
 * system calls underneath, called raw: futex timeouts and errors, clone's
 * flag checks, exit of one thread against exit_group, signals to a thread
 * group and to one thread, execve and fork from a thread.
 *
 * The concepts are OSTEP's (seed 000: the thread API, locks, condition
 * variables, semaphores; 001: thread states, locks on compare-and-swap).
 *
 * As usertests does, every case runs in a forked child, so a case that
 * crashes or deadlocks fails alone; and after each case the free frames
 * (keel's call 1000), the kernel heap's bytes in use, the task count and
 * the futex waiters (call 1010) must be back at their values before it.
 * On Linux those calls are ENOSYS and the checks are skipped, so the
 * output is the same on both kernels (tools/oracle).
 *
 *   threadtests [NAME...]   run all cases, or those whose name starts so
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libkeel.h"

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

/* ------------------------------------------------------------ helpers -- */

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			diag(__VA_ARGS__);                                     \
			return 1;                                              \
		}                                                              \
	} while (0)

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* The timespec of the old futex call (240): 32-bit seconds.  musl's
 * struct timespec has 64-bit seconds, for futex_time64 (422). */
struct ts32 {
	int32_t sec, nsec;
};

static long futex(volatile int *addr, int op, int val, const struct ts32 *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Fork; the child runs fn() and _exits with its result.  The wait
 * status, or -1. */
static int run_in_child(int (*fn)(void))
{
	int ws;

	fflush(stdout);
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &ws, 0) != pid)
		return -1;
	return ws;
}

/* ----------------------------------------------- create and join (000) -- */

#define MANY 100

static void *times_two(void *arg)
{
	return (void *)((intptr_t)arg * 2);
}

/* 100 threads created and joined, each one's result its own. */
static int case_create_join_100(void)
{
	pthread_t t[MANY];

	for (int i = 0; i < MANY; i++)
		CHECK(pthread_create(&t[i], NULL, times_two,
				     (void *)(intptr_t)i) == 0,
		      "pthread_create %d failed", i);
	for (int i = 0; i < MANY; i++) {
		void *r;

		CHECK(pthread_join(t[i], &r) == 0, "join %d failed", i);
		CHECK((intptr_t)r == 2 * i, "thread %d returned %ld", i,
		      (long)(intptr_t)r);
	}
	return 0;
}

/* 3,000 threads created and joined, ten alive at a time: kernel stacks,
 * tids and the areas of their user stacks are reused, none leaks (the
 * baseline check after the case). */
static int case_create_join_3000(void)
{
	pthread_t t[10];

	for (int round = 0; round < 300; round++) {
		for (int i = 0; i < 10; i++)
			CHECK(pthread_create(&t[i], NULL, times_two,
					     (void *)(intptr_t)i) == 0,
			      "round %d: pthread_create failed", round);
		for (int i = 0; i < 10; i++) {
			void *r;

			pthread_join(t[i], &r);
			CHECK((intptr_t)r == 2 * i, "round %d: bad result",
			      round);
		}
	}
	return 0;
}

static pthread_barrier_t alive_barrier;

static void *wait_for_all(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&alive_barrier);
	return (void *)(intptr_t)syscall(SYS_gettid);
}

/* 100 threads alive at once (a barrier holds them), each with its own
 * tid, none of them the pid; the main thread's tid is the pid. */
static int case_alive_100(void)
{
	pthread_t t[MANY];
	long tids[MANY];

	CHECK(syscall(SYS_gettid) == getpid(), "main thread's tid is not pid");
	pthread_barrier_init(&alive_barrier, NULL, MANY + 1);
	for (int i = 0; i < MANY; i++)
		CHECK(pthread_create(&t[i], NULL, wait_for_all, NULL) == 0,
		      "pthread_create %d failed", i);
	pthread_barrier_wait(&alive_barrier);
	for (int i = 0; i < MANY; i++) {
		void *r;

		pthread_join(t[i], &r);
		tids[i] = (long)(intptr_t)r;
		CHECK(tids[i] > 0 && tids[i] != getpid(), "bad tid %ld",
		      tids[i]);
		for (int j = 0; j < i; j++)
			CHECK(tids[j] != tids[i], "tid %ld twice", tids[i]);
	}
	pthread_barrier_destroy(&alive_barrier);
	return 0;
}

/* ---------------------------------------------------- locks (000) -- */

#define COUNTERS 8
#define LOOPS	 20000

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;

static void *count_locked(void *arg)
{
	(void)arg;
	for (int i = 0; i < LOOPS; i++) {
		pthread_mutex_lock(&count_lock);
		counter = counter + 1; /* a load, an add, a store */
		if (i % 1000 == 0)
			sched_yield(); /* let others find the lock taken */
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

/* OSTEP's counter with a lock around the update: exact. */
static int case_mutex_counter(void)
{
	pthread_t t[COUNTERS];

	counter = 0;
	for (int i = 0; i < COUNTERS; i++)
		pthread_create(&t[i], NULL, count_locked, NULL);
	for (int i = 0; i < COUNTERS; i++)
		pthread_join(t[i], NULL);
	CHECK(counter == (long)COUNTERS * LOOPS, "counter %ld, expected %ld",
	      counter, (long)COUNTERS * LOOPS);
	return 0;
}

/* ------------------------------------- condition variables (000) -- */

#define SLOTS	  4
#define ITEMS	  2000
#define PRODUCERS 2
#define CONSUMERS 3

static struct {
	pthread_mutex_t m;
	pthread_cond_t not_full, not_empty;
	int buf[SLOTS], fill, use, count, done;
	long sum;
	int taken;
} bb = {.m = PTHREAD_MUTEX_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER,
	.not_empty = PTHREAD_COND_INITIALIZER};

static void *producer(void *arg)
{
	int base = (int)(intptr_t)arg;

	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&bb.m);
		while (bb.count == SLOTS) /* Mesa semantics: a while */
			pthread_cond_wait(&bb.not_full, &bb.m);
		bb.buf[bb.fill] = base + i;
		bb.fill = (bb.fill + 1) % SLOTS;
		bb.count++;
		pthread_cond_signal(&bb.not_empty);
		pthread_mutex_unlock(&bb.m);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&bb.m);
		while (bb.count == 0 && !bb.done)
			pthread_cond_wait(&bb.not_empty, &bb.m);
		if (bb.count == 0) { /* done and drained */
			pthread_mutex_unlock(&bb.m);
			return NULL;
		}
		bb.sum += bb.buf[bb.use];
		bb.use = (bb.use + 1) % SLOTS;
		bb.count--;
		bb.taken++;
		pthread_cond_signal(&bb.not_full);
		pthread_mutex_unlock(&bb.m);
	}
}

/* OSTEP's bounded buffer: every item consumed exactly once. */
static int case_condvar_bounded_buffer(void)
{
	pthread_t p[PRODUCERS], c[CONSUMERS];
	long want = 0;

	for (int i = 0; i < CONSUMERS; i++)
		pthread_create(&c[i], NULL, consumer, NULL);
	for (int i = 0; i < PRODUCERS; i++) {
		pthread_create(&p[i], NULL, producer,
			       (void *)(intptr_t)(i * 100000));
		want +=
		    (long)i * 100000 * ITEMS + (long)ITEMS * (ITEMS + 1) / 2;
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(p[i], NULL);
	pthread_mutex_lock(&bb.m);
	bb.done = 1;
	pthread_cond_broadcast(&bb.not_empty);
	pthread_mutex_unlock(&bb.m);
	for (int i = 0; i < CONSUMERS; i++)
		pthread_join(c[i], NULL);
	CHECK(bb.taken == PRODUCERS * ITEMS, "%d items taken, expected %d",
	      bb.taken, PRODUCERS * ITEMS);
	CHECK(bb.sum == want, "sum %ld, expected %ld", bb.sum, want);
	return 0;
}

static pthread_mutex_t tw_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tw_c = PTHREAD_COND_INITIALIZER;

/* pthread_cond_timedwait with nobody signalling: ETIMEDOUT, the mutex
 * held again, not before the deadline. */
static int case_condvar_timeout(void)
{
	struct timespec at, now;

	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 50 * 1000000L;
	if (at.tv_nsec >= 1000000000L)
		at.tv_sec++, at.tv_nsec -= 1000000000L;
	pthread_mutex_lock(&tw_m);
	int r = pthread_cond_timedwait(&tw_c, &tw_m, &at);
	CHECK(r == ETIMEDOUT, "timedwait gave %d, expected ETIMEDOUT", r);
	CHECK(pthread_mutex_trylock(&tw_m) == EBUSY, "mutex not held");
	pthread_mutex_unlock(&tw_m);
	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(now.tv_sec > at.tv_sec ||
		  (now.tv_sec == at.tv_sec && now.tv_nsec >= at.tv_nsec),
	      "woke before the deadline");
	return 0;
}

/* ------------------------------------------------ semaphores (000) -- */

static sem_t sem_lock, sem_done;
static volatile long sem_counter;

static void *sem_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < LOOPS; i++) {
		sem_wait(&sem_lock); /* a binary semaphore as a lock */
		sem_counter = sem_counter + 1;
		sem_post(&sem_lock);
	}
	sem_post(&sem_done); /* ordering: "I am done" */
	return NULL;
}

/* OSTEP's two uses: a semaphore of 1 as a lock (exact count) and one of
 * 0 to wait for an event (the parent waits for every child); then
 * trywait's EAGAIN and timedwait's ETIMEDOUT. */
static int case_semaphores(void)
{
	pthread_t t[4];
	struct timespec at;
	int v;

	sem_init(&sem_lock, 0, 1);
	sem_init(&sem_done, 0, 0);
	for (int i = 0; i < 4; i++) {
		CHECK(pthread_create(&t[i], NULL, sem_worker, NULL) == 0,
		      "pthread_create %d failed", i);
		pthread_detach(t[i]);
	}
	for (int i = 0; i < 4; i++)
		sem_wait(&sem_done);
	CHECK(sem_counter == 4L * LOOPS, "counter %ld, expected %ld",
	      sem_counter, 4L * LOOPS);
	sem_getvalue(&sem_done, &v);
	CHECK(v == 0, "sem_done is %d", v);
	CHECK(sem_trywait(&sem_done) == -1 && errno == EAGAIN,
	      "trywait on 0 did not fail with EAGAIN");
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 30 * 1000000L;
	if (at.tv_nsec >= 1000000000L)
		at.tv_sec++, at.tv_nsec -= 1000000000L;
	CHECK(sem_timedwait(&sem_done, &at) == -1 && errno == ETIMEDOUT,
	      "timedwait on 0 did not time out");
	sem_destroy(&sem_lock);
	sem_destroy(&sem_done);
	return 0;
}

/* -------------------------------------------------------- barriers -- */

#define BTHREADS 6
#define ROUNDS	 50

static pthread_barrier_t bar;
static volatile int arrived[ROUNDS];
static volatile int bar_bad;

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		__atomic_add_fetch(&arrived[r], 1, __ATOMIC_SEQ_CST);
		if (r % 7 == 0)
			sched_yield();
		pthread_barrier_wait(&bar);
		/* Past the barrier: everyone has arrived at this round. */
		if (arrived[r] != BTHREADS)
			bar_bad = 1;
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

/* No thread passes a barrier before all have reached it, 50 rounds. */
static int case_barrier(void)
{
	pthread_t t[BTHREADS];

	pthread_barrier_init(&bar, NULL, BTHREADS);
	for (int i = 0; i < BTHREADS; i++)
		pthread_create(&t[i], NULL, barrier_worker, NULL);
	for (int i = 0; i < BTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	CHECK(!bar_bad, "a thread passed the barrier early");
	for (int r = 0; r < ROUNDS; r++)
		CHECK(arrived[r] == BTHREADS, "round %d: %d arrived", r,
		      arrived[r]);
	return 0;
}

/* ------------------------------------------------- TLS and the FPU -- */

static __thread int my_index = -1;
static volatile int tls_bad, fpu_bad;

static void *tls_worker(void *arg)
{
	int i = (int)(intptr_t)arg;
	double x = 0.0;

	my_index = i;
	for (int k = 1; k <= 2000; k++) {
		x += 0.5 * i; /* exact in binary: sums of halves */
		if (k % 100 == 0)
			sched_yield(); /* switch to another thread */
		if (my_index != i)
			tls_bad = 1;
	}
	if (x != 1000.0 * i)
		fpu_bad = 1;
	return NULL;
}

/* Each thread's __thread variable is its own (its TLS descriptor is
 * switched with it) and so are its x87 registers. */
static int case_tls_and_fpu(void)
{
	pthread_t t[8];

	my_index = 99;
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, tls_worker, (void *)(intptr_t)i);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	CHECK(!tls_bad, "a thread saw another's __thread variable");
	CHECK(!fpu_bad, "a thread's floating-point sum was disturbed");
	CHECK(my_index == 99, "the main thread's TLS changed: %d", my_index);
	return 0;
}

/* ------------------------------------------------- raw futex calls -- */

static volatile int fword;

/* FUTEX_WAIT: EAGAIN when the value differs, ETIMEDOUT after its
 * timeout, EINVAL for a misaligned address or a bad timespec, EFAULT for
 * a bad pointer; FUTEX_WAKE with nobody waiting wakes 0. */
static int case_futex_errors(void)
{
	struct ts32 ts = {0, 20 * 1000000}, bad = {0, 1000000000};
	struct timespec ts64 = {0, 20 * 1000000L}, t0;
	char buf[8];

	fword = 1;
	CHECK(futex(&fword, FUTEX_WAIT_PRIVATE, 0, NULL) == -1 &&
		  errno == EAGAIN,
	      "wait on a changed value: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(futex(&fword, FUTEX_WAIT_PRIVATE, 1, &ts) == -1 &&
		  errno == ETIMEDOUT,
	      "timed wait: %s", strerror(errno));
	CHECK(ms_since(&t0) >= 19, "a 20 ms wait took %ld ms", ms_since(&t0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(syscall(SYS_futex_time64, &fword, FUTEX_WAIT_PRIVATE, 1, &ts64,
		      NULL, 0) == -1 &&
		  errno == ETIMEDOUT,
	      "futex_time64 timed wait: %s", strerror(errno));
	CHECK(ms_since(&t0) >= 19, "a 20 ms wait took %ld ms", ms_since(&t0));
	CHECK(futex((volatile int *)(buf + 1), FUTEX_WAIT_PRIVATE, 0, NULL) ==
		      -1 &&
		  errno == EINVAL,
	      "misaligned: %s", strerror(errno));
	CHECK(futex(&fword, FUTEX_WAIT_PRIVATE, 1, &bad) == -1 &&
		  errno == EINVAL,
	      "bad timespec: %s", strerror(errno));
	CHECK(futex((volatile int *)16, FUTEX_WAIT_PRIVATE, 0, NULL) == -1 &&
		  errno == EFAULT,
	      "unmapped: %s", strerror(errno));
	CHECK(futex(&fword, FUTEX_WAKE_PRIVATE, 5, NULL) == 0,
	      "wake with no waiter woke some");
	return 0;
}

static volatile int gate, through;

static void *gate_waiter(void *arg)
{
	(void)arg;
	while (gate == 0)
		futex(&gate, FUTEX_WAIT_PRIVATE, 0, NULL);
	__atomic_add_fetch(&through, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Three waiters; a FUTEX_WAKE of 1 wakes at most one of them, each wake
 * counts the waiters it woke, and all three get through. */
static int case_futex_wake_counts(void)
{
	pthread_t t[3];
	long total = 0;

	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, gate_waiter, NULL);
	sleep_ms(30); /* let them fall asleep */
	gate = 1;
	long one = futex(&gate, FUTEX_WAKE_PRIVATE, 1, NULL);
	CHECK(one == 0 || one == 1, "wake(1) woke %ld", one);
	total += one;
	for (int k = 0; k < 200 && total < 3; k++) {
		total += futex(&gate, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
		if (total < 3)
			sleep_ms(5);
	}
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK(through == 3, "%d threads got through", through);
	CHECK(total <= 3, "%ld wake-ups counted for 3 waiters", total);
	return 0;
}

static volatile int rq_from, rq_to, rq_open, rq_through;

static void *requeue_waiter(void *arg)
{
	(void)arg;
	while (!rq_open)
		futex(&rq_from, FUTEX_WAIT_PRIVATE, 0, NULL);
	__atomic_add_fetch(&rq_through, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

#define FUTEX_CMP_REQUEUE_PRIVATE 132

/* FUTEX_CMP_REQUEUE moves sleepers from one word to another (musl's
 * condition variables move them onto the mutex): EAGAIN when the word
 * changed; the moved ones are then not on the first word (a wake there
 * finds nobody) but on the second. */
static int case_futex_requeue(void)
{
	pthread_t t[2];
	long moved = 0;

	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, requeue_waiter, NULL);
	CHECK(syscall(SYS_futex, &rq_from, FUTEX_CMP_REQUEUE_PRIVATE, 0, 2,
		      &rq_to, 1) == -1 &&
		  errno == EAGAIN,
	      "CMP_REQUEUE with a changed value: %s", strerror(errno));
	for (int k = 0; k < 200 && moved < 2; k++) {
		sleep_ms(5); /* until both sleep on rq_from */
		moved += syscall(SYS_futex, &rq_from, FUTEX_CMP_REQUEUE_PRIVATE,
				 0, 2, &rq_to, 0);
	}
	CHECK(moved == 2, "%ld waiters moved, expected 2", moved);
	CHECK(futex(&rq_from, FUTEX_WAKE_PRIVATE, INT_MAX, NULL) == 0,
	      "a wake on the first word found a moved waiter");
	rq_open = 1;
	CHECK(futex(&rq_to, FUTEX_WAKE_PRIVATE, INT_MAX, NULL) == 2,
	      "a wake on the second word did not find both");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK(rq_through == 2, "%d got through", rq_through);
	return 0;
}

/* ------------------------------------------------ detached threads -- */

static sem_t det_done;

static void *detached_worker(void *arg)
{
	(void)arg;
	sem_post(&det_done);
	return NULL;
}

/* 50 detached threads (attribute and pthread_detach): each frees its
 * own stack as it exits (musl unmaps it and exits with no stack). */
static int case_detached(void)
{
	pthread_attr_t a;

	sem_init(&det_done, 0, 0);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 50; i++) {
		pthread_t t;

		CHECK(pthread_create(&t, i % 2 ? &a : NULL, detached_worker,
				     NULL) == 0,
		      "pthread_create %d failed", i);
		if (i % 2 == 0)
			pthread_detach(t);
	}
	for (int i = 0; i < 50; i++)
		sem_wait(&det_done);
	sleep_ms(20); /* their last instructions */
	pthread_attr_destroy(&a);
	return 0;
}

/* -------------------------------------------- exit against exit_group -- */

static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static void *wait_forever(void *arg)
{
	static volatile int never;

	(void)arg;
	for (;;)
		futex(&never, FUTEX_WAIT_PRIVATE, 0, NULL);
	return NULL;
}

static int never_fd[2];

static void *read_forever(void *arg)
{
	char c;

	(void)arg;
	for (;;)
		if (read(never_fd[0], &c, 1) == 0)
			return NULL; /* never: the write end stays open */
}

static void *exit_three(void *arg)
{
	(void)arg;
	sleep_ms(10);
	exit(3); /* exit_group: every thread ends */
}

static int group_exits_three(void)
{
	pthread_t t;

	pthread_create(&t, NULL, sleep_forever, NULL);
	pthread_create(&t, NULL, spin_forever, NULL);
	pthread_create(&t, NULL, wait_forever, NULL);
	if (pipe(never_fd) == 0)
		pthread_create(&t, NULL, read_forever, NULL);
	pthread_create(&t, NULL, exit_three, NULL);
	for (;;)
		pause();
	return 0; /* not reached */
}

static void *exit_seven_later(void *arg)
{
	(void)arg;
	sleep_ms(20);
	exit(7); /* the main thread is gone by now */
}

static int main_thread_exits_first(void)
{
	pthread_t t;

	pthread_create(&t, NULL, exit_seven_later, NULL);
	pthread_exit(NULL); /* exit of one thread: the process lives on */
}

static void *return_quietly(void *arg)
{
	return arg;
}

static int last_thread_exit_code(void)
{
	pthread_t t;

	pthread_create(&t, NULL, return_quietly, NULL);
	pthread_join(t, NULL);
	/* The raw exit call of the last thread: the process's status. */
	syscall(SYS_exit, 9);
	return 1;
}

/* exit_group from any thread ends all of them (blocked in pause, in a
 * futex, reading a pipe, or spinning) and its parent sees one status, once; the
 * main thread's pthread_exit leaves the others running; the last thread's
 * exit(9) is the process's exit status. */
static int case_exit_vs_exit_group(void)
{
	int ws = run_in_child(group_exits_three);

	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 3,
	      "exit_group: status 0x%x, expected exit 3", ws);
	CHECK(wait(NULL) == -1 && errno == ECHILD, "a second status came");
	ws = run_in_child(main_thread_exits_first);
	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 7,
	      "main exits first: status 0x%x, expected exit 7", ws);
	ws = run_in_child(last_thread_exit_code);
	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 9,
	      "last thread's exit: status 0x%x, expected exit 9", ws);
	return 0;
}

static pthread_barrier_t race_barrier;

static void *exit_together(void *arg)
{
	pthread_barrier_wait(&race_barrier);
	exit(10 + (int)(intptr_t)arg);
}

static int all_call_exit(void)
{
	pthread_t t;

	pthread_barrier_init(&race_barrier, NULL, 9);
	for (int i = 0; i < 8; i++)
		pthread_create(&t, NULL, exit_together, (void *)(intptr_t)i);
	pthread_barrier_wait(&race_barrier);
	exit(10 + 8);
}

static int create_until_killed(void)
{
	for (;;) {
		pthread_t t;

		if (pthread_create(&t, NULL, times_two, NULL) == 0)
			pthread_join(t, NULL);
	}
	return 0;
}

/* Nine threads call exit (exit_group) at once, 20 times over: one status
 * of theirs comes back, once.  A process creating and joining threads
 * as fast as it can is killed mid-way, 10 times over. */
static int case_exit_and_kill_races(void)
{
	for (int round = 0; round < 20; round++) {
		int ws = run_in_child(all_call_exit);

		CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) >= 10 &&
			  WEXITSTATUS(ws) <= 18,
		      "round %d: status 0x%x", round, ws);
		CHECK(wait(NULL) == -1 && errno == ECHILD,
		      "round %d: a second status came", round);
	}
	for (int round = 0; round < 10; round++) {
		int ws;

		fflush(stdout);
		pid_t pid = fork();

		if (pid == 0)
			_exit(create_until_killed());
		sleep_ms(15 + round);
		kill(pid, SIGKILL);
		CHECK(waitpid(pid, &ws, 0) == pid, "waitpid failed");
		CHECK(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL,
		      "round %d: status 0x%x, expected SIGKILL", round, ws);
	}
	return 0;
}

/* --------------------------------------------------------- signals -- */

static int many_threads_then_pause(void)
{
	pthread_t t;

	pthread_create(&t, NULL, sleep_forever, NULL);
	pthread_create(&t, NULL, spin_forever, NULL);
	pthread_create(&t, NULL, wait_forever, NULL);
	for (;;)
		pause();
	return 0; /* not reached */
}

static volatile long target_tid;

static void *record_tid_and_wait(void *arg)
{
	(void)arg;
	target_tid = syscall(SYS_gettid);
	for (;;)
		pause();
	return NULL;
}

static int tgkill_a_thread(void)
{
	pthread_t t;

	pthread_create(&t, NULL, record_tid_and_wait, NULL);
	while (!target_tid)
		sched_yield();
	/* One thread signalled; the default action ends the process. */
	syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1);
	for (;;)
		pause();
	return 0; /* not reached */
}

static int tkill_errors(void)
{
	CHECK(syscall(SYS_tgkill, getpid(), 0x7ffffff0, 0) == -1 &&
		  errno == ESRCH,
	      "tgkill of no thread: %s", strerror(errno));
	CHECK(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0) == 0,
	      "tgkill(self, 0): %s", strerror(errno));
	CHECK(syscall(SYS_tkill, syscall(SYS_gettid), 0) == 0,
	      "tkill(self, 0): %s", strerror(errno));
	CHECK(syscall(SYS_tgkill, getpid(), -1, 0) == -1 && errno == EINVAL,
	      "tgkill of tid -1: %s", strerror(errno));
	return 0;
}

/* kill(SIGKILL) and kill(SIGTERM) of a process end all its threads,
 * however each one waits; tgkill with a fatal signal to one thread ends
 * the process too; bad tids are ESRCH or EINVAL. */
static int case_kill_threads(void)
{
	static const int sigs[] = {SIGKILL, SIGTERM};

	for (int i = 0; i < 2; i++) {
		int ws;

		fflush(stdout);
		pid_t pid = fork();

		if (pid == 0)
			_exit(many_threads_then_pause());
		sleep_ms(30);
		kill(pid, sigs[i]);
		CHECK(waitpid(pid, &ws, 0) == pid, "waitpid failed");
		CHECK(WIFSIGNALED(ws) && WTERMSIG(ws) == sigs[i],
		      "status 0x%x, expected killed by %s", ws,
		      sig_name(sigs[i]));
	}
	int ws = run_in_child(tgkill_a_thread);
	CHECK(ws >= 0 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGUSR1,
	      "tgkill: status 0x%x, expected killed by SIGUSR1", ws);
	ws = run_in_child(tkill_errors);
	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	      "tkill errors failed (0x%x)", ws);
	return 0;
}

/* ------------------------------------------ execve, fork and clone -- */

static void *exec_true(void *arg)
{
	char *argv[] = {"true", NULL};

	(void)arg;
	sleep_ms(10);
	execve("/bin/true", argv, NULL);
	_exit(100); /* execve failed */
}

static int exec_from_a_thread(void)
{
	pthread_t t;

	pthread_create(&t, NULL, spin_forever, NULL);
	pthread_create(&t, NULL, wait_forever, NULL);
	pthread_create(&t, NULL, exec_true, NULL);
	for (;;)
		pause();
	return 0; /* not reached */
}

static void *fork_and_wait(void *arg)
{
	int ws;

	(void)arg;
	pid_t pid = fork();

	if (pid == 0)
		_exit(5); /* the child has this one thread only */
	if (waitpid(pid, &ws, 0) != pid)
		return (void *)1;
	return (void *)(intptr_t)(WIFEXITED(ws) && WEXITSTATUS(ws) == 5 ? 0
									: 2);
}

/* execve from a thread ends the others and runs the program (Linux's
 * rule); fork from a thread copies that thread alone. */
static int case_exec_and_fork_from_thread(void)
{
	pthread_t t;
	void *r;

	int ws = run_in_child(exec_from_a_thread);
	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	      "execve from a thread: status 0x%x, expected exit 0", ws);
	pthread_create(&t, NULL, fork_and_wait, NULL);
	pthread_join(t, &r);
	CHECK(r == NULL, "fork from a thread: %ld", (long)(intptr_t)r);
	return 0;
}

#define CLONE_VM      0x100
#define CLONE_SIGHAND 0x800
#define CLONE_THREAD  0x10000

/* clone flag combinations Linux refuses: CLONE_THREAD without
 * CLONE_SIGHAND, CLONE_SIGHAND without CLONE_VM. */
static int case_clone_bad_flags(void)
{
	CHECK(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0) == -1 &&
		  errno == EINVAL,
	      "CLONE_THREAD without CLONE_SIGHAND: %s", strerror(errno));
	CHECK(syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0) == -1 &&
		  errno == EINVAL,
	      "CLONE_SIGHAND without CLONE_VM: %s", strerror(errno));
	return 0;
}

/* --------------------------------------------------------- the list -- */

struct tcase {
	const char *name;
	int (*fn)(void);
};

#define CASE(n)                                                                \
	{                                                                      \
#n, case_##n                                                   \
	}

static const struct tcase cases[] = {
    CASE(create_join_100),
    CASE(alive_100),
    CASE(create_join_3000),
    CASE(mutex_counter),
    CASE(condvar_bounded_buffer),
    CASE(condvar_timeout),
    CASE(semaphores),
    CASE(barrier),
    CASE(tls_and_fpu),
    CASE(futex_errors),
    CASE(futex_wake_counts),
    CASE(futex_requeue),
    CASE(detached),
    CASE(exit_vs_exit_group),
    CASE(exit_and_kill_races),
    CASE(kill_threads),
    CASE(exec_and_fork_from_thread),
    CASE(clone_bad_flags),
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

#define KEEL_SYS_KSTAT 1010

/* The kernel's figures a case must leave as it found them (keel only). */
struct baseline {
	long frames, heap, tasks, waiters;
};

static void take_baseline(struct baseline *b)
{
	b->frames = keel_free_frames();
	b->heap = syscall(KEEL_SYS_KSTAT, 0);
	b->tasks = syscall(KEEL_SYS_KSTAT, 1);
	b->waiters = syscall(KEEL_SYS_KSTAT, 2);
}

/* What is still missing after a case (0: nothing); orphans of the case
 * may still be exiting, so give them a moment. */
static int leaks(const struct baseline *before, struct baseline *now)
{
	for (int i = 0; i < 100; i++) {
		take_baseline(now);
		if (now->frames >= before->frames &&
		    now->heap <= before->heap && now->tasks <= before->tasks &&
		    now->waiters <= before->waiters)
			return 0;
		sleep_ms(10);
	}
	return 1;
}

/* Run one case in a child; 1 when it passed. */
static int run_case(const struct tcase *c, int number)
{
	struct baseline before, after;
	int ws;

	take_baseline(&before);
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0) {
		int r = c->fn();

		fflush(stdout);
		_exit(r == 0 ? 0 : 1);
	}
	int reaped = pid > 0 && waitpid(pid, &ws, 0) == pid;

	if (getpid() == 1) /* init adopts the case's orphans */
		while (waitpid(-1, NULL, 0) > 0)
			;
	int ok = reaped && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	int leaked = before.frames >= 0 && leaks(&before, &after);

	printf("%sok %d %s\n", ok && !leaked ? "" : "not ", number, c->name);
	if (!reaped)
		printf("# could not fork or reap the case: %s\n",
		       strerror(errno));
	else if (WIFSIGNALED(ws))
		printf("# killed by signal %d (%s)\n", WTERMSIG(ws),
		       sig_name(WTERMSIG(ws)));
	if (ok && leaked)
		printf("# leaked: frames %ld, heap bytes %ld, tasks %ld, "
		       "futex waiters %ld\n",
		       before.frames - after.frames, after.heap - before.heap,
		       after.tasks - before.tasks,
		       after.waiters - before.waiters);
	fflush(stdout);
	return ok && !leaked;
}

int main(int argc, char **argv)
{
	int n = 0, passed = 0, number = 0;

	for (int i = 0; i < NCASES; i++)
		n += arg_selects(cases[i].name, argc, argv);
	printf("KTAP version 1\n1..%d\n", n);
	for (int i = 0; i < NCASES; i++)
		if (arg_selects(cases[i].name, argc, argv))
			passed += run_case(&cases[i], ++number);
	printf("%d passed, %d failed\n", passed, n - passed);
	fflush(stdout);
	return passed == n ? 0 : 1;
}
