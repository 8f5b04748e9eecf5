/*
 * ipc_msg — System V message queues (ipc.h).
 *
 * A queue is a FIFO list of messages, each a positive type and up to
 * MSGMAX bytes (001_*: message passing, "messages with types").  msgsnd
 * appends, waiting while the queue holds MSGMNB bytes (or as many
 * messages: Linux's rule, so that empty messages cannot fill memory);
 * msgrcv takes the first message whose type matches, waiting while there
 * is none: type 0 any message, type > 0 that type (with MSG_EXCEPT any
 * other), type < 0 the lowest type up to -type, first of its type.  With
 * IPC_NOWAIT neither waits (EAGAIN, ENOMSG).
 *
 * The user's bytes are copied into a kernel message before the queue is
 * touched, and out of it after it left the queue (a bad buffer then
 * loses the message, as on Linux); the queue itself changes with
 * interrupts off.
 */
#include "arch/x86.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "proc/ipc.h"
#include "proc/proc.h"
#include "proc/uaccess.h"

struct msg {
	struct msg *next;
	int32_t type;
	uint32_t len;
	uint8_t data[];
};

struct msq {
	struct ipc_obj o; /* first: the table holds &o */
	struct msg *head, *tail;
	uint32_t bytes, count;
	int lspid, lrpid; /* the last sender and receiver */
	struct wait_queue readers, writers;
};

struct ipc_ids ipc_msg_ids;

static int msq_create(const void *arg, struct ipc_obj **out)
{
	struct msq *q = kcalloc(1, sizeof(*q));
	(void)arg;
	if (!q)
		return -ENOMEM;
	wq_init(&q->readers);
	wq_init(&q->writers);
	*out = &q->o;
	return 0;
}

static int msq_fits(const struct ipc_obj *o, const void *arg)
{
	(void)o;
	(void)arg;
	return 0;
}

static const struct ipc_get_ops msq_ops = {msq_create, msq_fits};

int ipc_msgget(int32_t key, int flags)
{
	return ipc_get(&ipc_msg_ids, key, flags, &msq_ops, NULL);
}

static struct msq *msq_lookup(int id)
{
	return (struct msq *)ipc_lookup(&ipc_msg_ids, id);
}

/* Would a message of len bytes fit now? */
static bool room_for(const struct msq *q, uint32_t len)
{
	return q->bytes + len <= MSGMNB && q->count + 1 <= MSGMNB;
}

/*
 * Wait on wq for the queue with this id; interrupts are off.  0 to look
 * again, -EINTR for a signal, -EIDRM if the queue went meanwhile.
 */
static int msq_wait(int id, struct wait_queue *wq)
{
	if (task_signal_pending())
		return -EINTR;
	wq_block(wq);
	if (!msq_lookup(id))
		return -EIDRM;
	return 0;
}

int ipc_msgsnd(int id, uint32_t msgp, uint32_t size, int flags)
{
	struct msg *m;
	struct msq *q;
	int rc = 0;
	bool on;
	if ((int32_t)size < 0 || size > MSGMAX || !msq_lookup(id))
		return -EINVAL;
	m = kmalloc(sizeof(*m) + size);
	if (!m)
		return -ENOMEM;
	if (copy_from_user(&m->type, msgp, 4) < 0 ||
	    copy_from_user(m->data, msgp + 4, size) < 0)
		rc = -EFAULT;
	else if (m->type < 1)
		rc = -EINVAL;
	m->len = size;
	m->next = NULL;
	on = irq_save();
	while (rc == 0) {
		q = msq_lookup(id);
		if (!q) {
			rc = -EIDRM;
			break;
		}
		if (room_for(q, size)) {
			if (q->tail)
				q->tail->next = m;
			else
				q->head = m;
			q->tail = m;
			q->bytes += size;
			q->count++;
			q->lspid = proc_current()->pid;
			wq_wake_all(&q->readers);
			irq_restore(on);
			return 0;
		}
		if (flags & IPC_NOWAIT)
			rc = -EAGAIN;
		else
			rc = msq_wait(id, &q->writers);
	}
	irq_restore(on);
	kfree(m);
	return rc;
}

/* Does m match msgrcv's type rule?  (For type < 0 the caller also wants
 * the lowest.) */
static bool type_matches(const struct msg *m, int32_t type, int flags)
{
	if (type == 0)
		return true;
	if (type > 0)
		return (m->type == type) != ((flags & MSG_EXCEPT) != 0);
	return m->type <= -(int64_t)type;
}

/* The message msgrcv would take, and the link pointing at it. */
static struct msg **find_msg(struct msq *q, int32_t type, int flags)
{
	struct msg **best = NULL;
	for (struct msg **pp = &q->head; *pp; pp = &(*pp)->next) {
		if (!type_matches(*pp, type, flags))
			continue;
		if (type >= 0)
			return pp;
		if (!best || (*pp)->type < (*best)->type)
			best = pp;
	}
	return best;
}

static void unlink_msg(struct msq *q, struct msg **pp)
{
	struct msg *m = *pp;
	*pp = m->next;
	if (q->tail == m) {
		/* the new tail: the message before m, if any */
		struct msg *t = q->head;
		while (t && t->next)
			t = t->next;
		q->tail = t;
	}
	q->bytes -= m->len;
	q->count--;
}

int ipc_msgrcv(int id, uint32_t msgp, uint32_t size, int32_t type, int flags)
{
	struct msg **pp, *m = NULL;
	struct msq *q;
	int rc = 0;
	bool on;
	if ((int32_t)size < 0)
		return -EINVAL;
	on = irq_save();
	while (rc == 0 && !m) {
		q = msq_lookup(id);
		if (!q) {
			rc = -EINVAL;
			break;
		}
		pp = find_msg(q, type, flags);
		if (pp && (*pp)->len > size && !(flags & MSG_NOERROR)) {
			rc = -E2BIG; /* it stays for a bigger buffer */
		} else if (pp) {
			m = *pp;
			unlink_msg(q, pp);
			q->lrpid = proc_current()->pid;
			wq_wake_all(&q->writers);
		} else if (flags & IPC_NOWAIT) {
			rc = -ENOMSG;
		} else {
			rc = msq_wait(id, &q->readers);
		}
	}
	irq_restore(on);
	if (!m)
		return rc;
	if (m->len < size)
		size = m->len; /* MSG_NOERROR cuts a longer one */
	if (copy_to_user(msgp, &m->type, 4) < 0 ||
	    copy_to_user(msgp + 4, m->data, size) < 0)
		rc = -EFAULT;
	kfree(m);
	return rc < 0 ? rc : (int)size;
}

/* struct msqid64_ds, Linux's i386 layout (88 bytes). */
static int msq_stat(struct msq *q, uint32_t buf)
{
	uint8_t ds[88] = {0};
	uint32_t w[] = {q->bytes, q->count, MSGMNB, (uint32_t)q->lspid,
			(uint32_t)q->lrpid};
	ipc_fill_perm(ds, &q->o);
	memcpy(ds + 36 + 16, &q->o.ctime, 4); /* msg_ctime */
	memcpy(ds + 60, w, sizeof(w));	      /* cbytes .. lrpid */
	return copy_to_user(buf, ds, sizeof(ds)) < 0 ? -EFAULT : 0;
}

int ipc_msgctl(int id, int cmd, uint32_t buf)
{
	bool on = irq_save();
	struct msq *q = msq_lookup(id);
	struct msg *m;
	if (!q) {
		irq_restore(on);
		return -EINVAL;
	}
	switch (cmd & ~IPC_64) {
	case IPC_RMID:
		ipc_unlist(&ipc_msg_ids, &q->o);
		/* The waiters wake to find the id gone: EIDRM. */
		wq_wake_all(&q->readers);
		wq_wake_all(&q->writers);
		irq_restore(on);
		while ((m = q->head) != NULL) {
			q->head = m->next;
			kfree(m);
		}
		kfree(q);
		return 0;
	case IPC_STAT: {
		struct msq copy = *q;
		irq_restore(on);
		return msq_stat(&copy, buf);
	}
	default:
		irq_restore(on);
		return -EINVAL;
	}
}
