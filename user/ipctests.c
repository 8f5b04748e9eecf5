/*
 * ipctests: System V IPC (issue 12 item 6) from a program's side, in KTAP.
 *
 * Message queues with typed messages (001_*: message passing), shared
 * memory between forked processes, semaphore sets (OSTEP ch. 31) with
 * SEM_UNDO, and the errors Linux gives for bad ids, sizes and pointers.  Every
 * case removes what it creates; libkeel's runner checks that free frames are
 * back at their baseline after each case, and the last case that no IPC object
 * is left (keel's call 1011; on Linux that check is skipped).
 *
 * The same binary runs on Linux (tools/oracle) and prints the same bytes.
 * Where a case needs another process to be blocked first, it waits for
 * the semaphore's waiting count (GETNCNT) when there is one; for a queue,
 * which has none, it gives the child a moment after it said it is about
 * to wait (the checks hold either way but the EIDRM one, which needs it).
 *
 *   ipctests [NAME...]   run all cases, or those whose name starts so
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libkeel.h"

#define PAGE		     4096u
#define KEEL_SYS_IPC_OBJECTS 1011
#define IPCOP_SHMCTL	     24	    /* ipc(2)'s shmctl */
#define IPC_64		     0x0100 /* the kernel's 64-bit structures */

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			ktap_diag(__VA_ARGS__);                                \
			return 1;                                              \
		}                                                              \
	} while (0)

/* Did the call fail with this errno? */
#define FAILS(call, e) ((call) == -1 && errno == (e))

struct message {
	long type;
	char text[64];
};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int wait_status(pid_t pid)
{
	int ws;

	if (pid < 0 || waitpid(pid, &ws, 0) != pid)
		return -1;
	return ws;
}

static int exited_zero(int ws)
{
	return ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

/* A key of this run's own (the oracle's sandbox shares the host's
 * System V namespace). */
static key_t own_key(int n)
{
	return (key_t)(0x6b650000 + ((getpid() & 0xfff) << 4) + n);
}

static int send(int q, long type, const char *text)
{
	struct message m = {type, ""};

	strncpy(m.text, text, sizeof(m.text) - 1);
	return msgsnd(q, &m, strlen(text) + 1, IPC_NOWAIT);
}

/* msgrcv into m, and is it (type, text)? */
static int got(int q, long want_type, int flags, long type, const char *text)
{
	struct message m;
	long n = msgrcv(q, &m, sizeof(m.text), want_type, flags);

	return n == (long)strlen(text) + 1 && m.type == type &&
	       strcmp(m.text, text) == 0;
}

/* --------------------------------------------------- message queues -- */

/* Type 0 takes the first message, > 0 the first of that type (with
 * MSG_EXCEPT the first of another), < 0 the first of the lowest type up
 * to its absolute value. */
static int case_msg_types(void)
{
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	CHECK(q >= 0, "msgget: %s", strerror(errno));
	CHECK(send(q, 3, "three") == 0 && send(q, 1, "one-a") == 0 &&
		  send(q, 2, "two") == 0 && send(q, 1, "one-b") == 0 &&
		  send(q, 5, "five") == 0 && send(q, 4, "four") == 0,
	      "msgsnd: %s", strerror(errno));
	CHECK(got(q, 0, 0, 3, "three"), "type 0 is not the first message");
	CHECK(got(q, 1, 0, 1, "one-a"), "type 1 is not the first of type 1");
	CHECK(got(q, -2, 0, 1, "one-b"), "type -2 is not the lowest (1)");
	CHECK(got(q, -5, 0, 2, "two"), "type -5 is not the lowest (2)");
	CHECK(got(q, 5, MSG_EXCEPT, 4, "four"), "MSG_EXCEPT 5 is not 4");
	CHECK(FAILS(msgrcv(q, &(struct message){0}, 64, 4, IPC_NOWAIT), ENOMSG),
	      "no message of type 4: %s", strerror(errno));
	CHECK(got(q, 0, IPC_NOWAIT, 5, "five"), "the last message is lost");
	CHECK(FAILS(msgrcv(q, &(struct message){0}, 64, 0, IPC_NOWAIT), ENOMSG),
	      "an empty queue: %s", strerror(errno));
	CHECK(msgctl(q, IPC_RMID, NULL) == 0, "IPC_RMID: %s", strerror(errno));
	return 0;
}

/* A message longer than the buffer stays (E2BIG) unless MSG_NOERROR cuts
 * it; IPC_STAT counts messages and bytes. */
static int case_msg_size(void)
{
	struct msqid_ds ds;
	struct message m;
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	CHECK(q >= 0, "msgget: %s", strerror(errno));
	CHECK(send(q, 7, "a long enough message") == 0, "msgsnd: %s",
	      strerror(errno));
	CHECK(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 1 &&
		  ds.msg_cbytes == 22,
	      "IPC_STAT: %lu messages, %lu bytes", (unsigned long)ds.msg_qnum,
	      (unsigned long)ds.msg_cbytes);
	CHECK(FAILS(msgrcv(q, &m, 5, 0, IPC_NOWAIT), E2BIG),
	      "a short buffer: %s", strerror(errno));
	CHECK(msgrcv(q, &m, 6, 0, IPC_NOWAIT | MSG_NOERROR) == 6 &&
		  memcmp(m.text, "a long", 6) == 0,
	      "MSG_NOERROR did not cut the message");
	CHECK(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 0,
	      "the cut message is still there");
	CHECK(msgctl(q, IPC_RMID, NULL) == 0, "IPC_RMID: %s", strerror(errno));
	return 0;
}

/* Bad ids, keys, sizes, types and pointers. */
static int case_msg_errors(void)
{
	static char big[8200];
	struct message m = {1, "x"};
	key_t key = own_key(1);
	int q = msgget(key, IPC_CREAT | IPC_EXCL | 0600);

	CHECK(q >= 0, "msgget: %s", strerror(errno));
	CHECK(msgget(key, 0) == q, "the key does not find the queue");
	CHECK(FAILS(msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST),
	      "IPC_EXCL on an existing key: %s", strerror(errno));
	CHECK(FAILS(msgget(own_key(2), 0600), ENOENT),
	      "no IPC_CREAT, no queue: %s", strerror(errno));
	*(long *)big = 1;
	CHECK(FAILS(msgsnd(q, big, 8193, IPC_NOWAIT), EINVAL),
	      "more than MSGMAX: %s", strerror(errno));
	m.type = 0;
	CHECK(FAILS(msgsnd(q, &m, 2, IPC_NOWAIT), EINVAL), "type 0: %s",
	      strerror(errno));
	CHECK(FAILS(msgsnd(q, (void *)16, 2, IPC_NOWAIT), EFAULT),
	      "a bad pointer: %s", strerror(errno));
	CHECK(FAILS(msgrcv(q, &m, (size_t)-1, 0, IPC_NOWAIT), EINVAL),
	      "a negative size: %s", strerror(errno));
	CHECK(FAILS(msgsnd(q + 1, &m, 2, IPC_NOWAIT), EINVAL), "a bad id: %s",
	      strerror(errno));
	CHECK(msgctl(q, IPC_RMID, NULL) == 0, "IPC_RMID: %s", strerror(errno));
	CHECK(FAILS(msgctl(q, IPC_RMID, NULL), EINVAL), "a removed id: %s",
	      strerror(errno));
	CHECK(FAILS(msgget(key, 0), ENOENT), "a removed key: %s",
	      strerror(errno));
	return 0;
}

static int fill_and_send_one_more(void *arg)
{
	int q = *(int *)arg;
	static struct {
		long type;
		char text[8192];
	} m = {2, ""};

	/* Blocks until the parent takes a message out. */
	return msgsnd(q, &m, sizeof(m.text), 0) == 0 ? 0 : 1;
}

/* A queue holds MSGMNB bytes: two messages of MSGMAX fill it; a third
 * fails with IPC_NOWAIT and otherwise waits for room. */
static int case_msg_full_queue(void)
{
	static struct {
		long type;
		char text[8192];
	} m = {1, ""};
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	CHECK(q >= 0, "msgget: %s", strerror(errno));
	CHECK(msgsnd(q, &m, 8192, 0) == 0 && msgsnd(q, &m, 8192, 0) == 0,
	      "two messages of MSGMAX: %s", strerror(errno));
	CHECK(FAILS(msgsnd(q, &m, 1, IPC_NOWAIT), EAGAIN), "a full queue: %s",
	      strerror(errno));
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0)
		_exit(fill_and_send_one_more(&q));
	sleep_ms(50);
	CHECK(msgrcv(q, &m, 8192, 1, 0) == 8192, "msgrcv: %s", strerror(errno));
	CHECK(exited_zero(wait_status(pid)), "the waiting sender failed");
	CHECK(msgrcv(q, &m, 8192, 2, IPC_NOWAIT) == 8192,
	      "the sender's message is not there: %s", strerror(errno));
	CHECK(msgctl(q, IPC_RMID, NULL) == 0, "IPC_RMID: %s", strerror(errno));
	return 0;
}

struct receiver {
	int q, ready[2];
	long type;
};

/* Tell the parent, then wait for a message; exit 0 with it, 10 + errno
 * without. */
static int receive_one(struct receiver *r)
{
	struct message m;

	close(2);
	if (write(r->ready[1], "r", 1) != 1)
		return 1;
	if (msgrcv(r->q, &m, sizeof(m.text), r->type, 0) < 0)
		return 10 + errno;
	return m.type == 9 && strcmp(m.text, "wake") == 0 ? 0 : 2;
}

static pid_t start_receiver(struct receiver *r)
{
	char c;

	if (pipe(r->ready) != 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0)
		_exit(receive_one(r));
	if (pid > 0 && read(r->ready[0], &c, 1) != 1)
		return -1;
	close(r->ready[0]);
	close(r->ready[1]);
	sleep_ms(50); /* into msgrcv (see the top) */
	return pid;
}

/* A receiver waits until a message of its type comes, not another. */
static int case_msg_blocking_receive(void)
{
	struct receiver r = {msgget(IPC_PRIVATE, IPC_CREAT | 0600), {0}, 9};

	CHECK(r.q >= 0, "msgget: %s", strerror(errno));
	pid_t pid = start_receiver(&r);

	CHECK(pid > 0, "fork: %s", strerror(errno));
	CHECK(send(r.q, 8, "not this") == 0 && send(r.q, 9, "wake") == 0,
	      "msgsnd: %s", strerror(errno));
	int ws = wait_status(pid);

	CHECK(exited_zero(ws), "the receiver: status %#x", ws);
	CHECK(got(r.q, 0, IPC_NOWAIT, 8, "not this"),
	      "the other message is gone");
	CHECK(msgctl(r.q, IPC_RMID, NULL) == 0, "IPC_RMID: %s",
	      strerror(errno));
	return 0;
}

/* Removing a queue wakes its waiters with EIDRM. */
static int case_msg_rmid_wakes(void)
{
	struct receiver r = {msgget(IPC_PRIVATE, IPC_CREAT | 0600), {0}, 0};

	CHECK(r.q >= 0, "msgget: %s", strerror(errno));
	pid_t pid = start_receiver(&r);

	CHECK(pid > 0, "fork: %s", strerror(errno));
	CHECK(msgctl(r.q, IPC_RMID, NULL) == 0, "IPC_RMID: %s",
	      strerror(errno));
	int ws = wait_status(pid);

	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 10 + EIDRM,
	      "the waiter: status %#x, expected exit %d (EIDRM)", ws,
	      10 + EIDRM);
	return 0;
}

/* A signal ends the wait: SIGTERM kills the waiting receiver. */
static int case_msg_wait_killed(void)
{
	struct receiver r = {msgget(IPC_PRIVATE, IPC_CREAT | 0600), {0}, 0};

	CHECK(r.q >= 0, "msgget: %s", strerror(errno));
	pid_t pid = start_receiver(&r);

	CHECK(pid > 0, "fork: %s", strerror(errno));
	CHECK(kill(pid, SIGTERM) == 0, "kill: %s", strerror(errno));
	int ws = wait_status(pid);

	CHECK(ws >= 0 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM,
	      "the waiter: status %#x, expected SIGTERM", ws);
	CHECK(msgctl(r.q, IPC_RMID, NULL) == 0, "IPC_RMID: %s",
	      strerror(errno));
	return 0;
}

/* ---------------------------------------------------- shared memory -- */

static unsigned long nattch(int id)
{
	struct shmid_ds ds;

	return shmctl(id, IPC_STAT, &ds) == 0 ? (unsigned long)ds.shm_nattch
					      : 999;
}

static int shm_child(int id, volatile uint32_t *p)
{
	volatile uint32_t *again;

	if (p[0] != 0x1234 || nattch(id) != 2)
		return 2;
	p[1] = 0x5678;	      /* seen by the parent */
	p[2 * PAGE / 4] = 77; /* a page nobody touched before */
	again = shmat(id, NULL, 0);
	if (again == (void *)-1 || again == p || again[1] != 0x5678 ||
	    nattch(id) != 3)
		return 3;
	return shmdt((void *)again) == 0 ? 0 : 4;
}

/* A segment attached before fork is shared with the child; a second
 * attachment maps the same pages; shm_nattch counts them. */
static int case_shm_fork(void)
{
	int id = shmget(IPC_PRIVATE, 3 * PAGE, IPC_CREAT | 0600);

	CHECK(id >= 0, "shmget: %s", strerror(errno));
	volatile uint32_t *p = shmat(id, NULL, 0);

	CHECK(p != (void *)-1, "shmat: %s", strerror(errno));
	CHECK(nattch(id) == 1, "nattch %lu, expected 1", nattch(id));
	p[0] = 0x1234;
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0)
		_exit(shm_child(id, p));
	int ws = wait_status(pid);

	CHECK(exited_zero(ws), "the child: status %#x", ws);
	CHECK(p[1] == 0x5678 && p[2 * PAGE / 4] == 77,
	      "the child's writes are not seen");
	CHECK(nattch(id) == 1, "nattch %lu after the child, expected 1",
	      nattch(id));
	CHECK(shmdt((void *)p) == 0, "shmdt: %s", strerror(errno));
	CHECK(nattch(id) == 0, "nattch %lu after shmdt", nattch(id));
	CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID: %s", strerror(errno));
	return 0;
}

static int write_word(void *p)
{
	close(2);
	*(volatile uint32_t *)p = 1;
	return 0;
}

static int status_of_write(void *p)
{
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0)
		_exit(write_word(p));
	return wait_status(pid);
}

/* IPC_RMID of an attached segment: the key is free at once, the pages
 * stay until the last detach; a detached address faults. */
static int case_shm_rmid_attached(void)
{
	key_t key = own_key(3);
	int id = shmget(key, PAGE, IPC_CREAT | IPC_EXCL | 0600);

	CHECK(id >= 0, "shmget: %s", strerror(errno));
	volatile uint32_t *p = shmat(id, NULL, 0);

	CHECK(p != (void *)-1, "shmat: %s", strerror(errno));
	p[0] = 42;
	CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID: %s", strerror(errno));
	CHECK(FAILS(shmget(key, PAGE, 0600), ENOENT),
	      "the removed key is still found: %s", strerror(errno));
	CHECK(p[0] == 42, "the pages went with IPC_RMID");
	p[1] = 43;
	CHECK(shmdt((void *)p) == 0, "shmdt: %s", strerror(errno));
	int ws = status_of_write((void *)p);

	CHECK(ws >= 0 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGSEGV,
	      "a detached address: status %#x", ws);
	return 0;
}

/* Bad sizes, ids, addresses and a write to a read-only attachment. */
static int case_shm_errors(void)
{
	key_t key = own_key(4);
	int id = shmget(key, 2 * PAGE, IPC_CREAT | 0600);
	volatile uint32_t *p;

	CHECK(id >= 0, "shmget: %s", strerror(errno));
	CHECK(FAILS(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL),
	      "size 0: %s", strerror(errno));
	CHECK(FAILS(shmget(key, 3 * PAGE, 0600), EINVAL),
	      "larger than the segment: %s", strerror(errno));
	CHECK(shmget(key, PAGE, 0600) == id, "a smaller size is refused");
	CHECK(FAILS(shmget(own_key(5), PAGE, 0600), ENOENT), "no IPC_CREAT: %s",
	      strerror(errno));
	CHECK(shmat(id + 1, NULL, 0) == (void *)-1 && errno == EINVAL,
	      "a bad id: %s", strerror(errno));
	CHECK(shmat(id, (void *)0x10000123, 0) == (void *)-1 && errno == EINVAL,
	      "an unaligned address: %s", strerror(errno));
	CHECK(FAILS(shmdt((void *)0x10000000), EINVAL), "shmdt of nothing: %s",
	      strerror(errno));
	p = shmat(id, NULL, SHM_RDONLY);
	CHECK(p != (void *)-1, "shmat read-only: %s", strerror(errno));
	CHECK(p[0] == 0, "a new segment is not zero");
	int ws = status_of_write((void *)p);

	CHECK(ws >= 0 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGSEGV,
	      "a write to a read-only attachment: status %#x", ws);
	/* musl's shmctl gives the kernel a buffer of its own (it converts
	 * the times afterwards): ask through ipc(2) directly. */
	CHECK(FAILS(syscall(SYS_ipc, IPCOP_SHMCTL, id, IPC_STAT | IPC_64, 0,
			    (void *)16),
		    EFAULT),
	      "IPC_STAT to a bad pointer: %s", strerror(errno));
	CHECK(shmdt((void *)p) == 0, "shmdt: %s", strerror(errno));
	CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID: %s", strerror(errno));
	CHECK(FAILS(shmctl(id, IPC_RMID, NULL), EINVAL), "a removed id: %s",
	      strerror(errno));
	return 0;
}

/* ------------------------------------------------------- semaphores -- */

static int op(int id, unsigned short num, short delta, short flags)
{
	struct sembuf b = {num, delta, flags};

	return semop(id, &b, 1);
}

/* Values, increments and decrements, all-or-nothing lists, limits. */
static int case_sem_basic(void)
{
	int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	struct sembuf two[2] = {{0, -1, IPC_NOWAIT}, {1, -1, IPC_NOWAIT}};
	struct semid_ds ds;
	unsigned short all[3];

	CHECK(id >= 0, "semget: %s", strerror(errno));
	CHECK(semctl(id, 0, GETVAL) == 0, "a new semaphore is not 0");
	CHECK(semctl(id, 0, SETVAL, 1) == 0, "SETVAL: %s", strerror(errno));
	CHECK(op(id, 2, 5, 0) == 0 && semctl(id, 2, GETVAL) == 5, "+5 gives %d",
	      semctl(id, 2, GETVAL));
	CHECK(op(id, 2, -3, 0) == 0 && semctl(id, 2, GETVAL) == 2,
	      "-3 gives %d", semctl(id, 2, GETVAL));
	CHECK(FAILS(semop(id, two, 2), EAGAIN), "a list that cannot go: %s",
	      strerror(errno));
	CHECK(semctl(id, 0, GETVAL) == 1, "half a list was applied");
	CHECK(FAILS(op(id, 0, 0, IPC_NOWAIT), EAGAIN), "wait-for-zero on 1: %s",
	      strerror(errno));
	CHECK(semctl(id, 0, GETALL, all) == 0 && all[0] == 1 && all[1] == 0 &&
		  all[2] == 2,
	      "GETALL: %u %u %u", all[0], all[1], all[2]);
	CHECK(semctl(id, 0, IPC_STAT, &ds) == 0 && ds.sem_nsems == 3,
	      "IPC_STAT: %lu semaphores", (unsigned long)ds.sem_nsems);
	CHECK(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID: %s", strerror(errno));
	return 0;
}

static int case_sem_errors(void)
{
	static struct sembuf many[501];
	key_t key = own_key(6);
	int id = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);

	CHECK(id >= 0, "semget: %s", strerror(errno));
	CHECK(FAILS(semget(key, 2, IPC_CREAT | IPC_EXCL | 0600), EEXIST),
	      "IPC_EXCL: %s", strerror(errno));
	CHECK(FAILS(semget(key, 3, 0600), EINVAL), "more semaphores: %s",
	      strerror(errno));
	CHECK(FAILS(semget(IPC_PRIVATE, 32001, IPC_CREAT | 0600), EINVAL),
	      "more than SEMMSL: %s", strerror(errno));
	CHECK(FAILS(semget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL),
	      "no semaphores: %s", strerror(errno));
	CHECK(FAILS(semget(own_key(7), 1, 0600), ENOENT), "no IPC_CREAT: %s",
	      strerror(errno));
	CHECK(FAILS(op(id, 2, 1, 0), EFBIG), "semaphore 2 of 2: %s",
	      strerror(errno));
	CHECK(FAILS(semop(id, many, 501), E2BIG), "more than SEMOPM: %s",
	      strerror(errno));
	CHECK(FAILS(semop(id, (void *)16, 1), EFAULT), "a bad pointer: %s",
	      strerror(errno));
	CHECK(FAILS(semctl(id, 0, SETVAL, 32768), ERANGE),
	      "more than SEMVMX: %s", strerror(errno));
	CHECK(semctl(id, 0, SETVAL, 32767) == 0, "SEMVMX: %s", strerror(errno));
	CHECK(FAILS(op(id, 0, 1, 0), ERANGE), "past SEMVMX: %s",
	      strerror(errno));
	CHECK(FAILS(op(id + 1, 0, 1, 0), EINVAL), "a bad id: %s",
	      strerror(errno));
	CHECK(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID: %s", strerror(errno));
	CHECK(FAILS(semctl(id, 0, GETVAL), EINVAL), "a removed id: %s",
	      strerror(errno));
	return 0;
}

/* Wait until count (GETNCNT or GETZCNT) of semaphore num is want. */
static int wait_count(int id, int num, int count, int want)
{
	for (int i = 0; i < 5000; i++) {
		if (semctl(id, num, count) == want)
			return 1;
		sleep_ms(1);
	}
	return 0;
}

static int sem_waiter(int id)
{
	/* P on semaphore 0, then wait for semaphore 1 to be zero. */
	if (op(id, 0, -1, 0) != 0)
		return 10 + errno;
	if (op(id, 1, 0, 0) != 0)
		return 20 + errno;
	return op(id, 2, 1, 0) == 0 ? 0 : 3;
}

/* A decrement waits for an increment; a wait-for-zero waits for zero. */
static int case_sem_blocking(void)
{
	int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);

	CHECK(id >= 0, "semget: %s", strerror(errno));
	CHECK(semctl(id, 1, SETVAL, 1) == 0, "SETVAL: %s", strerror(errno));
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0)
		_exit(sem_waiter(id));
	CHECK(wait_count(id, 0, GETNCNT, 1), "the child does not wait on P");
	CHECK(op(id, 0, 1, 0) == 0, "V: %s", strerror(errno));
	CHECK(wait_count(id, 1, GETZCNT, 1), "the child does not wait for 0");
	CHECK(semctl(id, 2, GETVAL) == 0, "the child went on too early");
	CHECK(op(id, 1, -1, 0) == 0, "-1: %s", strerror(errno));
	int ws = wait_status(pid);

	CHECK(exited_zero(ws), "the child: status %#x", ws);
	CHECK(semctl(id, 2, GETVAL) == 1, "the child did not finish");
	CHECK(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID: %s", strerror(errno));
	return 0;
}

/* Removing a set wakes its waiters with EIDRM; a signal ends a wait. */
static int case_sem_rmid_and_kill(void)
{
	int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);

	CHECK(id >= 0, "semget: %s", strerror(errno));
	fflush(stdout);
	pid_t a = fork();

	if (a == 0)
		_exit(sem_waiter(id));
	CHECK(wait_count(id, 0, GETNCNT, 1), "the first child does not wait");
	pid_t b = fork();

	if (b == 0)
		_exit(sem_waiter(id));
	CHECK(wait_count(id, 0, GETNCNT, 2), "the second child does not wait");
	CHECK(kill(b, SIGTERM) == 0, "kill: %s", strerror(errno));
	int ws = wait_status(b);

	CHECK(ws >= 0 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM,
	      "the killed waiter: status %#x", ws);
	CHECK(semctl(id, 0, GETNCNT) == 1, "GETNCNT after the kill: %d",
	      semctl(id, 0, GETNCNT));
	CHECK(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID: %s", strerror(errno));
	ws = wait_status(a);
	CHECK(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 10 + EIDRM,
	      "the waiter: status %#x, expected exit %d (EIDRM)", ws,
	      10 + EIDRM);
	return 0;
}

static int undo_then_exit(int id)
{
	struct sembuf up = {0, 3, SEM_UNDO}, down = {1, -1, SEM_UNDO};

	if (semop(id, &up, 1) != 0 || semop(id, &down, 1) != 0)
		return 1;
	up.sem_op = 1;
	up.sem_flg = 0; /* not undone */
	return semop(id, &up, 1) == 0 ? 0 : 2;
}

static int undo_then_wait(int id)
{
	struct sembuf take = {1, -1, SEM_UNDO}, wait_zero = {2, 0, 0};

	close(2);
	if (semop(id, &take, 1) != 0)
		return 1;
	semop(id, &wait_zero, 1); /* killed here */
	return 2;
}

/* SEM_UNDO: what a process changed so is changed back when it ends, by
 * exit or by a kill while it waits; changes without it stay. */
static int case_sem_undo(void)
{
	int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);

	CHECK(id >= 0, "semget: %s", strerror(errno));
	CHECK(semctl(id, 1, SETVAL, 2) == 0 && semctl(id, 2, SETVAL, 1) == 0,
	      "SETVAL: %s", strerror(errno));
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0)
		_exit(undo_then_exit(id));
	CHECK(exited_zero(wait_status(pid)), "the first child failed");
	CHECK(semctl(id, 0, GETVAL) == 1 && semctl(id, 1, GETVAL) == 2,
	      "after exit: %d %d, expected 1 2", semctl(id, 0, GETVAL),
	      semctl(id, 1, GETVAL));
	pid = fork();
	if (pid == 0)
		_exit(undo_then_wait(id));
	CHECK(wait_count(id, 2, GETZCNT, 1), "the second child does not wait");
	CHECK(semctl(id, 1, GETVAL) == 1, "the child's -1 is not there");
	CHECK(kill(pid, SIGKILL) == 0, "kill: %s", strerror(errno));
	int ws = wait_status(pid);

	CHECK(ws >= 0 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL,
	      "the waiter: status %#x", ws);
	CHECK(semctl(id, 1, GETVAL) == 2, "after the kill: %d, expected 2",
	      semctl(id, 1, GETVAL));
	CHECK(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID: %s", strerror(errno));
	return 0;
}

/* ----------------------------------------------------------- the end -- */

/* Every case removed what it made (keel only: Linux has no such count,
 * and its namespace is the host's). */
static int case_no_objects_left(void)
{
	long n = syscall(KEEL_SYS_IPC_OBJECTS);

	CHECK(n <= 0, "%ld IPC objects are left", n);
	return 0;
}

static const struct ktap_case cases[] = {
    {"msg_types", case_msg_types},
    {"msg_size", case_msg_size},
    {"msg_errors", case_msg_errors},
    {"msg_full_queue", case_msg_full_queue},
    {"msg_blocking_receive", case_msg_blocking_receive},
    {"msg_rmid_wakes", case_msg_rmid_wakes},
    {"msg_wait_killed", case_msg_wait_killed},
    {"shm_fork", case_shm_fork},
    {"shm_rmid_attached", case_shm_rmid_attached},
    {"shm_errors", case_shm_errors},
    {"sem_basic", case_sem_basic},
    {"sem_errors", case_sem_errors},
    {"sem_blocking", case_sem_blocking},
    {"sem_rmid_and_kill", case_sem_rmid_and_kill},
    {"sem_undo", case_sem_undo},
    {"no_objects_left", case_no_objects_left},
};

int main(int argc, char **argv)
{
	return ktap_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
