/*
 * ipc_sem — System V semaphore sets (ipc.h).
 *
 * A set is an array of counters, each at least 0 and at most SEMVMX
 * (OSTEP ch. 31's semaphores, Dijkstra's P and V, generalised): semop
 * applies a list of operations at once, all or none — sem_op > 0 adds,
 * sem_op < 0 subtracts if the counter stays >= 0, sem_op == 0 waits for
 * the counter to be 0.  If one operation cannot go ahead none is done,
 * and the caller waits (EAGAIN with IPC_NOWAIT) until another semop or
 * semctl changes the set, then tries the whole list again.  Every change
 * wakes every waiter of the set: simple, and each rechecks its own list.
 *
 * SEM_UNDO: an operation so flagged is also recorded, negated, in the
 * process's adjustment for that semaphore (struct sem_undo, one per set
 * the process used so), and when the process ends — exit or a fatal
 * signal — the adjustments are applied, clamped to [0, SEMVMX]: a
 * process killed while holding a semaphore gives it back.  SETVAL and
 * SETALL reset every process's adjustments of what they set, as Linux
 * does; fork does not inherit them, execve keeps them.
 */
#include "arch/x86.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "proc/ipc.h"
#include "proc/proc.h"
#include "proc/uaccess.h"

struct sem {
	uint16_t val;
	int pid; /* the last to change it */
};

struct semset {
	struct ipc_obj o; /* first: the table holds &o */
	uint32_t nsems;
	uint32_t otime;
	struct wait_queue waiters;
	uint32_t ncnt, zcnt; /* waiting to decrease, for zero */
	struct sem sems[];
};

/* struct sembuf, as the program lays it out. */
struct sembuf {
	uint16_t num;
	int16_t op;
	int16_t flg;
};

/* A process's SEM_UNDO adjustments for one set (proc->sem_undo). */
struct sem_undo {
	struct sem_undo *next;
	int id;
	uint32_t nsems;
	int16_t adj[];
};

struct ipc_ids ipc_sem_ids;

static int set_create(const void *arg, struct ipc_obj **out)
{
	int n = *(const int *)arg;
	struct semset *s;
	if (n <= 0 || (uint32_t)n > SEMMSL)
		return -EINVAL;
	s = kcalloc(1, sizeof(*s) + (uint32_t)n * sizeof(struct sem));
	if (!s)
		return -ENOMEM;
	s->nsems = (uint32_t)n;
	wq_init(&s->waiters);
	*out = &s->o;
	return 0;
}

static int set_fits(const struct ipc_obj *o, const void *arg)
{
	const struct semset *s = (const struct semset *)o;
	return (uint32_t) * (const int *)arg > s->nsems ? -EINVAL : 0;
}

static const struct ipc_get_ops set_ops = {set_create, set_fits};

int ipc_semget(int32_t key, int nsems, int flags)
{
	if (nsems < 0 || (uint32_t)nsems > SEMMSL)
		return -EINVAL;
	return ipc_get(&ipc_sem_ids, key, flags, &set_ops, &nsems);
}

static struct semset *set_lookup(int id)
{
	return (struct semset *)ipc_lookup(&ipc_sem_ids, id);
}

/*
 * Try the whole list on s: 0 if it was applied; 1 if an operation must
 * wait (*zero: for zero), nothing changed; -ERANGE past SEMVMX.
 */
static int try_ops(struct semset *s, const struct sembuf *ops, uint32_t n,
		   struct sem_undo *un, bool *zero)
{
	int32_t vals[SEMOPM];
	uint32_t i;
	for (i = 0; i < n; i++)
		vals[i] = s->sems[ops[i].num].val;
	/* Work on copies, in order (an operation may see an earlier one's
	 * result on the same semaphore), and commit only if all went. */
	for (i = 0; i < n; i++) {
		int32_t v = s->sems[ops[i].num].val;
		for (uint32_t j = 0; j < i; j++)
			if (ops[j].num == ops[i].num)
				v = vals[j];
		if (ops[i].op == 0 && v != 0)
			return *zero = true, 1;
		if (v + ops[i].op < 0)
			return *zero = false, 1;
		if (v + ops[i].op > SEMVMX)
			return -ERANGE;
		if ((ops[i].flg & SEM_UNDO) &&
		    (un->adj[ops[i].num] - ops[i].op < -SEMVMX - 1 ||
		     un->adj[ops[i].num] - ops[i].op > SEMVMX))
			return -ERANGE; /* the adjustment would overflow */
		vals[i] = v + ops[i].op;
	}
	for (i = 0; i < n; i++) {
		s->sems[ops[i].num].val = (uint16_t)vals[i];
		s->sems[ops[i].num].pid = proc_current()->pid;
		if (ops[i].flg & SEM_UNDO)
			un->adj[ops[i].num] =
			    (int16_t)(un->adj[ops[i].num] - ops[i].op);
	}
	return 0;
}

/* Copy and check the list: 0, or -E2BIG, -EINVAL, -EFAULT, -EFBIG. */
static int read_ops(int id, uint32_t sops, uint32_t n, struct sembuf *ops)
{
	struct semset *s;
	if (n > SEMOPM)
		return -E2BIG;
	if (n == 0 || id < 0)
		return -EINVAL;
	if (copy_from_user(ops, sops, n * sizeof(*ops)) < 0)
		return -EFAULT;
	s = set_lookup(id);
	if (!s)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		if (ops[i].num >= s->nsems)
			return -EFBIG;
	}
	return 0;
}

/* The calling process's adjustments for set id (nsems semaphores), made
 * if it has none: NULL without memory.  Interrupts are off. */
static struct sem_undo *undo_for(int id, uint32_t nsems)
{
	struct proc *p = proc_current();
	struct sem_undo *un;
	for (un = p->sem_undo; un; un = un->next)
		if (un->id == id)
			return un;
	un = kcalloc(1, sizeof(*un) + nsems * sizeof(un->adj[0]));
	if (!un)
		return NULL;
	un->id = id;
	un->nsems = nsems;
	un->next = p->sem_undo;
	p->sem_undo = un;
	return un;
}

static bool wants_undo(const struct sembuf *ops, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (ops[i].flg & SEM_UNDO)
			return true;
	return false;
}

static int semop_loop(int id, const struct sembuf *ops, uint32_t n)
{
	bool zero, nowait = false;
	int rc;
	for (uint32_t i = 0; i < n; i++)
		nowait |= (ops[i].flg & IPC_NOWAIT) != 0;
	for (;;) {
		struct semset *s = set_lookup(id);
		struct sem_undo *un = NULL;
		if (!s)
			return -EIDRM; /* removed while we waited */
		if (wants_undo(ops, n) && !(un = undo_for(id, s->nsems)))
			return -ENOMEM;
		rc = try_ops(s, ops, n, un, &zero);
		if (rc == 0) {
			s->otime = s->o.ctime;
			wq_wake_all(&s->waiters);
			return 0;
		}
		if (rc < 0)
			return rc;
		if (nowait)
			return -EAGAIN;
		if (task_signal_pending())
			return -EINTR;
		if (zero)
			s->zcnt++;
		else
			s->ncnt++;
		wq_block(&s->waiters);
		if ((s = set_lookup(id)) != NULL) {
			if (zero)
				s->zcnt--;
			else
				s->ncnt--;
		}
	}
}

int ipc_semop(int id, uint32_t sops, uint32_t nsops)
{
	struct sembuf *ops = kmalloc(SEMOPM * sizeof(*ops));
	int rc;
	bool on;
	if (!ops)
		return -ENOMEM;
	rc = read_ops(id, sops, nsops, ops);
	if (rc == 0) {
		on = irq_save();
		rc = semop_loop(id, ops, nsops);
		irq_restore(on);
	}
	kfree(ops);
	return rc;
}

struct clear_ctx {
	int id, num; /* num -1: all */
};

static void clear_one(struct proc *p, void *ctx)
{
	const struct clear_ctx *c = ctx;
	for (struct sem_undo *un = p->sem_undo; un; un = un->next) {
		if (un->id != c->id)
			continue;
		if (c->num < 0)
			memset(un->adj, 0, un->nsems * sizeof(un->adj[0]));
		else
			un->adj[c->num] = 0;
	}
}

/* SETVAL and SETALL: the values set are the new truth; no process's
 * exit may move them back (Linux resets the adjustments likewise). */
static void clear_adjustments(int id, int num)
{
	struct clear_ctx c = {id, num};
	proc_for_each(clear_one, &c);
}

void ipc_sem_exit(struct proc *p)
{
	bool on = irq_save();
	struct sem_undo *un;
	while ((un = p->sem_undo) != NULL) {
		struct semset *s = set_lookup(un->id);
		p->sem_undo = un->next;
		for (uint32_t i = 0; s && i < un->nsems; i++) {
			int32_t v = s->sems[i].val + un->adj[i];
			if (un->adj[i] == 0)
				continue;
			s->sems[i].val = (uint16_t)(v < 0	 ? 0
						    : v > SEMVMX ? SEMVMX
								 : v);
			s->sems[i].pid = p->pid;
		}
		if (s)
			wq_wake_all(&s->waiters);
		kfree(un);
	}
	irq_restore(on);
}

/* struct semid64_ds, Linux's i386 layout (64 bytes), built into ds. */
static void set_stat(const struct semset *s, uint8_t *ds)
{
	ipc_fill_perm(ds, &s->o);
	memcpy(ds + 36, &s->otime, 4);
	memcpy(ds + 44, &s->o.ctime, 4);
	memcpy(ds + 52, &s->nsems, 4);
}

/* SETALL: the values are copied in first (a copy may fault), then set if
 * the set is still there and as large.  Interrupts are off on entry. */
static int set_all(int id, uint32_t nsems, uint32_t arg, bool on)
{
	uint16_t *v = kmalloc(nsems * sizeof(*v));
	struct semset *s;
	int rc = 0;
	irq_restore(on);
	if (!v)
		return -ENOMEM;
	if (copy_from_user(v, arg, nsems * sizeof(*v)) < 0)
		rc = -EFAULT;
	for (uint32_t i = 0; rc == 0 && i < nsems; i++)
		if (v[i] > SEMVMX)
			rc = -ERANGE;
	on = irq_save();
	s = set_lookup(id);
	if (rc == 0 && (!s || s->nsems != nsems))
		rc = -EIDRM;
	for (uint32_t i = 0; rc == 0 && i < nsems; i++) {
		s->sems[i].val = v[i];
		s->sems[i].pid = proc_current()->pid;
	}
	if (rc == 0)
		clear_adjustments(id, -1);
	if (rc == 0)
		wq_wake_all(&s->waiters);
	irq_restore(on);
	kfree(v);
	return rc;
}

/* GETALL: the values copied out of the set, then to the program. */
static int get_all(struct semset *s, uint32_t arg, bool on)
{
	uint32_t n = s->nsems;
	uint16_t *v = kmalloc(n * sizeof(*v));
	int rc = 0;
	if (!v) {
		irq_restore(on);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		v[i] = s->sems[i].val;
	irq_restore(on);
	if (copy_to_user(arg, v, n * sizeof(*v)) < 0)
		rc = -EFAULT;
	kfree(v);
	return rc;
}

/* The commands on one semaphore: its value, or -errno. */
static int one_sem(struct semset *s, int num, int cmd, uint32_t arg)
{
	if (num < 0 || (uint32_t)num >= s->nsems)
		return -EINVAL;
	switch (cmd) {
	case GETVAL:
		return s->sems[num].val;
	case GETPID:
		return s->sems[num].pid;
	case GETNCNT:
		return (int)s->ncnt;
	case GETZCNT:
		return (int)s->zcnt;
	case SETVAL:
		if ((int32_t)arg < 0 || (int32_t)arg > SEMVMX)
			return -ERANGE;
		s->sems[num].val = (uint16_t)arg;
		s->sems[num].pid = proc_current()->pid;
		clear_adjustments(s->o.id, num);
		wq_wake_all(&s->waiters);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Interrupts go off for the lookup; the helpers that copy to or from the
 * program turn them back on first. */
int ipc_semctl(int id, int num, int cmd, uint32_t arg)
{
	bool on = irq_save();
	struct semset *s = set_lookup(id);
	uint8_t ds[64] = {0};
	int rc;
	if (!s) {
		irq_restore(on);
		return -EINVAL;
	}
	switch (cmd & ~IPC_64) {
	case IPC_RMID:
		ipc_unlist(&ipc_sem_ids, &s->o);
		wq_wake_all(&s->waiters); /* they find it gone: EIDRM */
		irq_restore(on);
		kfree(s);
		return 0;
	case IPC_STAT:
		set_stat(s, ds);
		irq_restore(on);
		return copy_to_user(arg, ds, sizeof(ds)) < 0 ? -EFAULT : 0;
	case GETALL:
		return get_all(s, arg, on);
	case SETALL:
		return set_all(id, s->nsems, arg, on);
	default:
		rc = one_sem(s, num, cmd & ~IPC_64, arg);
		irq_restore(on);
		return rc;
	}
}
