/*
 * ipc — System V interprocess communication: message queues, shared
 * memory segments and semaphore sets (001_*: IPC between processes;
 * Modern OS 2.3; Linux's ipc/).
 *
 * Three kinds of object, each named by a key the programs agree on (or
 * IPC_PRIVATE: a new one every time) and then used through an id:
 *
 *   msgget / msgsnd / msgrcv / msgctl   a queue of typed messages; msgrcv
 *       takes the first message (type 0), the first of a type (> 0), or
 *       the first of the lowest type up to |type| (< 0)  (proc/ipc_msg.c)
 *   shmget / shmat / shmdt / shmctl     pages two processes map at once:
 *       a shared memory object (mm/shmem.h) that shmat maps, the same
 *       machinery as MAP_SHARED; removed (IPC_RMID) it lives on until its
 *       last detach                                      (proc/ipc_shm.c)
 *   semget / semop / semctl             arrays of counters whose semop
 *       applies a list of changes all at once or waits  (proc/ipc_sem.c)
 *
 * The system calls are Linux i386's, both the old multiplexer ipc(117),
 * which musl uses on i386, and the direct calls Linux 5.1 added
 * (393-402); the structures, limits and errors are Linux's (EINVAL for an
 * unknown id, ENOENT without IPC_CREAT, EEXIST with IPC_EXCL, E2BIG,
 * ENOMSG, EIDRM for a waiter whose object was removed, EFAULT).  There
 * are no owners or permissions (everything runs as root): the mode is
 * kept and shown, not checked.  Every wait (a full queue, no message,
 * a semaphore) is interruptible: a signal ends it with EINTR.
 *
 * Ids are Linux's shape, a slot's sequence number times 32768 plus the
 * slot, so an id of a removed object is not silently someone else's.
 * Interrupts are off while the tables change (one CPU).
 */
#ifndef KEEL_PROC_IPC_H
#define KEEL_PROC_IPC_H

#include <stdint.h>

#include "arch/trap.h"

/* Flags and commands (Linux's include/uapi/linux/ipc.h). */
#define IPC_PRIVATE 0
#define IPC_CREAT   01000
#define IPC_EXCL    02000
#define IPC_NOWAIT  04000
#define IPC_RMID    0
#define IPC_SET	    1
#define IPC_STAT    2
#define IPC_INFO    3
#define IPC_64	    0x0100 /* the cmd flag of the 64-bit structures */

#define MSG_NOERROR 010000
#define MSG_EXCEPT  020000
#define SHM_RDONLY  010000
#define SHM_RND	    020000
#define SHM_EXEC    0100000
#define SEM_UNDO    0x1000
#define GETPID	    11
#define GETVAL	    12
#define GETALL	    13
#define GETNCNT	    14
#define GETZCNT	    15
#define SETVAL	    16
#define SETALL	    17

/*
 * Limits: Linux's defaults where a program can see them (MSGMAX, MSGMNB,
 * SEMMSL, SEMOPM, SEMVMX, SHMMIN); keel's own, smaller, for how many
 * objects there may be and how large a segment is.
 */
#define MSGMAX	     8192u	 /* bytes in one message */
#define MSGMNB	     16384u	 /* bytes in one queue */
#define SEMMSL	     32000u	 /* semaphores in a set */
#define SEMOPM	     500u	 /* operations in one semop */
#define SEMVMX	     32767	 /* a semaphore's largest value */
#define SHMMIN	     1u		 /* bytes in a segment, at least */
#define SHMMAX	     (32u << 20) /* keel: bytes in a segment, at most */
#define IPC_SLOTS    64u	 /* keel: objects of each kind */
#define IPC_SEQ_MULT 32768	 /* id = seq * IPC_SEQ_MULT + slot */

/* What every object starts with. */
struct ipc_obj {
	int32_t key;
	int id;
	uint32_t mode; /* the low 9 bits of the creating flags */
	int cpid;      /* creator */
	uint32_t ctime;
};

/* A table of one kind of object. */
struct ipc_ids {
	struct ipc_obj *slot[IPC_SLOTS];
	uint16_t seq[IPC_SLOTS];
	uint32_t count;
};

/* The kind-specific part of a get: make a new object, or check that an
 * existing one fits (its size, its number of semaphores). */
struct ipc_get_ops {
	/* A new object in *out: 0, or -EINVAL (a size it cannot have),
	 * -ENOMEM. */
	int (*create)(const void *arg, struct ipc_obj **out);
	int (*fits)(const struct ipc_obj *o, const void *arg); /* 0/-errno */
};

/* msgget/shmget/semget's common rule: the id, or a negative errno. */
int ipc_get(struct ipc_ids *ids, int32_t key, int flags,
	    const struct ipc_get_ops *ops, const void *arg);
/* The object with this id, or NULL (a bad or stale id: EINVAL). */
struct ipc_obj *ipc_lookup(struct ipc_ids *ids, int id);
/* Take the object out of the table; its id dies with it.  The caller
 * frees it. */
void ipc_unlist(struct ipc_ids *ids, struct ipc_obj *o);
/* Fill a struct ipc64_perm (36 bytes, Linux's i386 layout) at p. */
void ipc_fill_perm(uint8_t *p, const struct ipc_obj *o);

/* The kinds (proc/ipc_msg.c, ipc_shm.c, ipc_sem.c): system calls'
 * bodies, taking the user's arguments. */
int ipc_msgget(int32_t key, int flags);
int ipc_msgsnd(int id, uint32_t msgp, uint32_t size, int flags);
int ipc_msgrcv(int id, uint32_t msgp, uint32_t size, int32_t type, int flags);
int ipc_msgctl(int id, int cmd, uint32_t buf);
int ipc_shmget(int32_t key, uint32_t size, int flags);
/* The address attached at, or a negative errno (tell them apart with
 * IS_ERR-style: values above -4096 are errors). */
int32_t ipc_shmat(int id, uint32_t addr, int flags);
int ipc_shmdt(uint32_t addr);
int ipc_shmctl(int id, int cmd, uint32_t buf);
int ipc_semget(int32_t key, int nsems, int flags);
int ipc_semop(int id, uint32_t sops, uint32_t nsops);
int ipc_semctl(int id, int num, int cmd, uint32_t arg);

/* Objects of all kinds (the leak checks: keel call 1010,
 * SYS_KEEL_IPC_OBJECTS). */
uint32_t ipc_objects(void);
/* The multiplexer's operation names, for strace: "msgsnd", or NULL. */
const char *ipc_call_name(uint32_t call);

/* The tables (one per kind, in their files). */
extern struct ipc_ids ipc_msg_ids, ipc_shm_ids, ipc_sem_ids;

#endif
