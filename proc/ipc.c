/*
 * ipc — the object tables and the system calls of System V IPC (ipc.h).
 */
#include "proc/ipc.h"

#include "arch/x86.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "proc/proc.h"

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
