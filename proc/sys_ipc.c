/*
 * sys_ipc — the system calls of System V IPC (proc/ipc.h): the old
 * multiplexer ipc(117) that musl uses on i386, with its calling
 * conventions (msgrcv's struct of buffer and type, shmat's address
 * written through a pointer, semctl's argument read through one), and the
 * direct calls of Linux 5.1 (393-402), all on proc/ipc_*.c's code.
 */
#include "lib/errno.h"
#include "proc/ipc.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include "proc/uaccess.h"

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
