/*
 * ipc — the object tables and the system calls of System V IPC (ipc.h).
 */
#include "proc/ipc.h"

#include "arch/x86.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include "proc/uaccess.h"

static int free_slot(const struct ipc_ids *ids)
{
	for (uint32_t i = 0; i < IPC_SLOTS; i++)
		if (!ids->slot[i])
			return (int)i;
	return -1;
}

/* Linux's ipcget: an existing key (unless IPC_CREAT | IPC_EXCL) if it
 * fits, else a new object if IPC_CREAT says so.  Interrupts stay off
 * throughout, so two callers cannot both create one key. */
int ipc_get(struct ipc_ids *ids, int32_t key, int flags,
	    const struct ipc_get_ops *ops, const void *arg)
{
	struct ipc_obj *o = NULL;
	bool on = irq_save();
	int rc, slot;
	for (uint32_t i = 0; key != IPC_PRIVATE && i < IPC_SLOTS; i++) {
		o = ids->slot[i];
		if (!o || o->key != key)
			continue;
		rc = (flags & IPC_CREAT) && (flags & IPC_EXCL)
			 ? -EEXIST
			 : ops->fits(o, arg);
		irq_restore(on);
		return rc < 0 ? rc : o->id;
	}
	if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
		rc = -ENOENT;
	else if ((slot = free_slot(ids)) < 0)
		rc = -ENOSPC;
	else
		rc = ops->create(arg, &o);
	if (rc == 0) {
		o->key = key;
		o->mode = (uint32_t)flags & 0777;
		o->cpid = proc_current() ? proc_current()->pid : 0;
		o->ctime = (uint32_t)(time_ticks() / time_hz());
		o->id = ids->seq[slot] * IPC_SEQ_MULT + slot;
		ids->slot[slot] = o;
		ids->count++;
		rc = o->id;
	}
	irq_restore(on);
	return rc;
}

struct ipc_obj *ipc_lookup(struct ipc_ids *ids, int id)
{
	uint32_t slot;
	if (id < 0)
		return NULL;
	slot = (uint32_t)id % IPC_SEQ_MULT;
	if (slot >= IPC_SLOTS || !ids->slot[slot] || ids->slot[slot]->id != id)
		return NULL;
	return ids->slot[slot];
}

void ipc_unlist(struct ipc_ids *ids, struct ipc_obj *o)
{
	uint32_t slot = (uint32_t)o->id % IPC_SEQ_MULT;
	bool on = irq_save();
	ids->slot[slot] = NULL;
	/* The next object here gets another id: sequence numbers wrap
	 * where Linux's do, so an id stays a positive int. */
	ids->seq[slot] = (uint16_t)((ids->seq[slot] + 1) % 65535);
	ids->count--;
	irq_restore(on);
}

void ipc_fill_perm(uint8_t *p, const struct ipc_obj *o)
{
	uint32_t w[9] = {(uint32_t)o->key,
			 0,
			 0,
			 0,
			 0,
			 o->mode,
			 (uint32_t)o->id / IPC_SEQ_MULT,
			 0,
			 0};
	/* key, uid, gid, cuid, cgid, then mode (16 bits, 16 of padding),
	 * seq (16 bits, 16 of padding) and two unused words. */
	memcpy(p, w, sizeof(w));
}

uint32_t ipc_objects(void)
{
	return ipc_msg_ids.count + ipc_shm_ids.count + ipc_sem_ids.count;
}

/* ------------------------------------------------------ system calls -- */

#define A1 (tf->ebx)
#define A2 (tf->ecx)
#define A3 (tf->edx)
#define A4 (tf->esi)
#define A5 (tf->edi)
#define A6 (tf->ebp)

/* The multiplexer's operations (Linux's include/linux/ipc.h). */
enum {
	IPCOP_SEMOP = 1,
	IPCOP_SEMGET = 2,
	IPCOP_SEMCTL = 3,
	IPCOP_SEMTIMEDOP = 4,
	IPCOP_MSGSND = 11,
	IPCOP_MSGRCV = 12,
	IPCOP_MSGGET = 13,
	IPCOP_MSGCTL = 14,
	IPCOP_SHMAT = 21,
	IPCOP_SHMDT = 22,
	IPCOP_SHMGET = 23,
	IPCOP_SHMCTL = 24,
};

static const char *const op_names[] = {
    [IPCOP_SEMOP] = "semop",   [IPCOP_SEMGET] = "semget",
    [IPCOP_SEMCTL] = "semctl", [IPCOP_SEMTIMEDOP] = "semtimedop",
    [IPCOP_MSGSND] = "msgsnd", [IPCOP_MSGRCV] = "msgrcv",
    [IPCOP_MSGGET] = "msgget", [IPCOP_MSGCTL] = "msgctl",
    [IPCOP_SHMAT] = "shmat",   [IPCOP_SHMDT] = "shmdt",
    [IPCOP_SHMGET] = "shmget", [IPCOP_SHMCTL] = "shmctl",
};

const char *ipc_call_name(uint32_t call)
{
	call &= 0xffff;
	return call < sizeof(op_names) / sizeof(op_names[0]) ? op_names[call]
							     : NULL;
}

/* msgrcv's old calling convention passes the buffer and the type in a
 * struct at ptr (Linux's ipc_kludge). */
static int msgrcv_kludge(int id, uint32_t size, int flags, uint32_t ptr)
{
	uint32_t k[2];
	if (!ptr)
		return -EINVAL;
	if (copy_from_user(k, ptr, sizeof(k)) < 0)
		return -EFAULT;
	return ipc_msgrcv(id, k[0], size, (int32_t)k[1], flags);
}

static int shmat_old(int id, uint32_t addr, int flags, uint32_t raddr)
{
	int32_t a = ipc_shmat(id, addr, flags);
	if (a < 0 && a > -4096)
		return a;
	return copy_to_user(raddr, &a, 4) < 0 ? -EFAULT : 0;
}

static int semctl_old(int id, int num, int cmd, uint32_t ptr)
{
	uint32_t arg;
	if (!ptr)
		return -EINVAL;
	if (copy_from_user(&arg, ptr, 4) < 0)
		return -EFAULT;
	return ipc_semctl(id, num, cmd, arg);
}

/* ipc(call, first, second, third, ptr, fifth): musl's way in on i386. */
static int32_t sys_ipc(struct trap_frame *tf)
{
	uint32_t version = A1 >> 16;
	int first = (int)A2, second = (int)A3, third = (int)A4;
	switch (A1 & 0xffff) {
	case IPCOP_SEMOP:
		return ipc_semop(first, A5, A3);
	case IPCOP_SEMTIMEDOP:
		/* No timed waits: only the untimed form is served. */
		return A6 ? -ENOSYS : ipc_semop(first, A5, A3);
	case IPCOP_SEMGET:
		return ipc_semget((int32_t)first, second, third);
	case IPCOP_SEMCTL:
		return semctl_old(first, second, third, A5);
	case IPCOP_MSGSND:
		return ipc_msgsnd(first, A5, A3, third);
	case IPCOP_MSGRCV:
		if (version == 0)
			return msgrcv_kludge(first, A3, third, A5);
		return ipc_msgrcv(first, A5, A3, (int32_t)A6, third);
	case IPCOP_MSGGET:
		return ipc_msgget((int32_t)first, second);
	case IPCOP_MSGCTL:
		return ipc_msgctl(first, second, A5);
	case IPCOP_SHMAT:
		if (version == 1)
			return -EINVAL; /* iBCS2's form: not Linux's either */
		return shmat_old(first, A5, second, A4);
	case IPCOP_SHMDT:
		return ipc_shmdt(A5);
	case IPCOP_SHMGET:
		return ipc_shmget((int32_t)first, A3, third);
	case IPCOP_SHMCTL:
		return ipc_shmctl(first, second, A5);
	default:
		return -ENOSYS;
	}
}

static int32_t sys_semget(struct trap_frame *tf)
{
	return ipc_semget((int32_t)A1, (int)A2, (int)A3);
}

static int32_t sys_semctl(struct trap_frame *tf)
{
	return ipc_semctl((int)A1, (int)A2, (int)A3, A4);
}

static int32_t sys_shmget(struct trap_frame *tf)
{
	return ipc_shmget((int32_t)A1, A2, (int)A3);
}

static int32_t sys_shmctl(struct trap_frame *tf)
{
	return ipc_shmctl((int)A1, (int)A2, A3);
}

static int32_t sys_shmat(struct trap_frame *tf)
{
	return ipc_shmat((int)A1, A2, (int)A3);
}

static int32_t sys_shmdt(struct trap_frame *tf)
{
	return ipc_shmdt(A1);
}

static int32_t sys_msgget(struct trap_frame *tf)
{
	return ipc_msgget((int32_t)A1, (int)A2);
}

static int32_t sys_msgsnd(struct trap_frame *tf)
{
	return ipc_msgsnd((int)A1, A2, A3, (int)A4);
}

static int32_t sys_msgrcv(struct trap_frame *tf)
{
	return ipc_msgrcv((int)A1, A2, A3, (int32_t)A4, (int)A5);
}

static int32_t sys_msgctl(struct trap_frame *tf)
{
	return ipc_msgctl((int)A1, (int)A2, A3);
}

static int32_t sys_keel_ipc_objects(struct trap_frame *tf)
{
	(void)tf;
	return (int32_t)ipc_objects();
}

void sys_ipc_init(void)
{
	/* 'I': the multiplexer's operation, by name (strace). */
	syscall_set(117, "ipc", "Idddxd", sys_ipc);
	syscall_set(393, "semget", "ddo", sys_semget);
	syscall_set(394, "semctl", "dddx", sys_semctl);
	syscall_set(395, "shmget", "ddo", sys_shmget);
	syscall_set(396, "shmctl", "ddp", sys_shmctl);
	syscall_set(397, "shmat", "dpx", sys_shmat);
	syscall_set(398, "shmdt", "p", sys_shmdt);
	syscall_set(399, "msgget", "do", sys_msgget);
	syscall_set(400, "msgsnd", "dpdx", sys_msgsnd);
	syscall_set(401, "msgrcv", "dpddx", sys_msgrcv);
	syscall_set(402, "msgctl", "ddp", sys_msgctl);
	syscall_set(SYS_KEEL_IPC_OBJECTS, "keel_ipc_objects", "",
		    sys_keel_ipc_objects);
}
