/*
 * mutex — sleeping mutexes, semaphores and condition variables (see
 * mutex.h).
 *
 * The pattern of every sleeping path: interrupts off (irq_save), the
 * object's guard taken, the condition checked; to sleep, the guard is
 * dropped (interrupts stay off, so no wake-up can come in between) and
 * wq_block gives the CPU away; once woken, the guard is taken again and the
 * condition checked again.
 */
#include "sched/mutex.h"

#include "arch/x86.h"
#include "lib/errno.h"
#include "lib/kassert.h"
#include "sched/deadlock.h"

#define CALLER ((uintptr_t)__builtin_return_address(0))

/* ------------------------------------------------------------ mutex -- */

void mutex_init_key(struct mutex *m, const char *name,
		    struct lock_class_key *key)
{
	spin_init_raw(&m->guard, name);
	m->owner = NULL;
	m->owner_pc = 0;
	m->contended = 0;
	wq_init_named(&m->waiters, "mutex");
	lockdep_map_init(&m->dep, name, key, LOCKDEP_MUTEX);
}

bool mutex_held(const struct mutex *m)
{
	return m->owner == task_current();
}

void mutex_not_held_(const struct mutex *m, const char *func)
{
	kfatal("%s: requires mutex '%s' held by this task", func, m->dep.name);
}

struct task *mutex_owner_of(uintptr_t mutex)
{
	return ((const struct mutex *)mutex)->owner;
}

/*
 * Take m, sleeping while another task owns it.  Interrupted (a
 * task_interrupt while asleep, which never hands the mutex over): -EINTR
 * if the caller allows it, else wait again.
 */
static int mutex_take(struct mutex *m, uintptr_t site, bool interruptible)
{
	struct task *me = task_current();
	bool on;
	if (lockdep_active)
		lockdep_might_sleep("mutex_lock", site);
	on = irq_save();
	spin_lock(&m->guard);
	if (m->owner && m->owner == me) {
		spin_unlock(&m->guard);
		irq_restore(on);
		kfatal("mutex_lock: '%s' is already held by task %d '%s' "
		       "(a mutex is not recursive)",
		       m->dep.name, me->id, me->name);
	}
	/* Before sleeping: a report comes out before the hang. */
	if (lockdep_active)
		lockdep_acquire(&m->dep, site);
	if (m->owner)
		m->contended++;
	while (m->owner && m->owner != me) {
		me->wait_what = "mutex";
		me->wait_obj = (uintptr_t)m;
		me->wait_owner = mutex_owner_of;
		me->wait_name = m->dep.name;
		deadlock_note_wait(me);
		spin_unlock(&m->guard); /* interrupts stay off */
		wq_block(&m->waiters);
		spin_lock(&m->guard);
		if (m->owner != me && interruptible) {
			spin_unlock(&m->guard);
			if (lockdep_active)
				lockdep_release(&m->dep, site);
			irq_restore(on);
			return -EINTR;
		}
	}
	m->owner = me; /* free, or handed over by mutex_unlock */
	m->owner_pc = site;
	spin_unlock(&m->guard);
	irq_restore(on);
	return 0;
}

void mutex_lock(struct mutex *m)
{
	mutex_take(m, CALLER, false);
}

int mutex_lock_interruptible(struct mutex *m)
{
	return mutex_take(m, CALLER, true);
}

bool mutex_trylock(struct mutex *m)
{
	bool on = irq_save(), got = false;
	spin_lock(&m->guard);
	if (!m->owner) {
		m->owner = task_current();
		m->owner_pc = CALLER;
		if (lockdep_active)
			lockdep_acquire(&m->dep, CALLER);
		got = true;
	}
	spin_unlock(&m->guard);
	irq_restore(on);
	return got;
}

void mutex_unlock(struct mutex *m)
{
	bool on = irq_save();
	struct task *next;
	spin_lock(&m->guard);
	if (m->owner != task_current()) {
		struct task *o = m->owner;
		spin_unlock(&m->guard);
		irq_restore(on);
		kfatal("mutex_unlock: '%s' is held by %s%d, not by the caller",
		       m->dep.name, o ? "task " : "nobody ", o ? o->id : 0);
	}
	if (lockdep_active)
		lockdep_release(&m->dep, CALLER);
	/* Hand-off: the first waiter becomes the owner before it runs. */
	next = m->waiters.head;
	m->owner = next;
	m->owner_pc = 0;
	spin_unlock(&m->guard);
	if (next)
		wq_wake_one(&m->waiters);
	irq_restore(on);
}

/* -------------------------------------------------------- semaphore -- */

void sem_init(struct semaphore *s, const char *name, int count)
{
	kassert(count >= 0);
	spin_init_raw(&s->guard, name);
	s->count = count;
	s->name = name;
	wq_init_named(&s->waiters, "semaphore");
}

void sem_down(struct semaphore *s)
{
	struct task *me = task_current();
	bool on;
	if (lockdep_active)
		lockdep_might_sleep("sem_down", CALLER);
	on = irq_save();
	spin_lock(&s->guard);
	while (s->count == 0) { /* Mesa: check again after every wake-up */
		me->wait_what = "semaphore";
		me->wait_obj = (uintptr_t)s;
		me->wait_name = s->name;
		spin_unlock(&s->guard);
		wq_block(&s->waiters);
		spin_lock(&s->guard);
	}
	s->count--;
	spin_unlock(&s->guard);
	irq_restore(on);
}

bool sem_trydown(struct semaphore *s)
{
	bool on = irq_save(), got = false;
	spin_lock(&s->guard);
	if (s->count > 0) {
		s->count--;
		got = true;
	}
	spin_unlock(&s->guard);
	irq_restore(on);
	return got;
}

void sem_up(struct semaphore *s)
{
	bool on = irq_save();
	spin_lock(&s->guard);
	s->count++;
	spin_unlock(&s->guard);
	wq_wake_one(&s->waiters);
	irq_restore(on);
}

int sem_count(const struct semaphore *s)
{
	return s->count;
}

/* --------------------------------------------------- condition vars -- */

void cond_init(struct condvar *c, const char *name)
{
	wq_init_named(&c->waiters, "condvar");
	c->name = name;
}

/*
 * Release m and sleep as one step: interrupts are off from before the
 * unlock until the task is on the queue, so a cond_signal that follows
 * the unlock finds it there (no lost wake-up).
 */
void cond_wait(struct condvar *c, struct mutex *m)
{
	struct task *me = task_current();
	bool on;
	if (lockdep_active)
		lockdep_might_sleep("cond_wait", CALLER);
	mutex_assert_held(m);
	on = irq_save();
	mutex_unlock(m);
	me->wait_what = "condvar";
	me->wait_obj = (uintptr_t)c;
	me->wait_name = c->name;
	wq_block(&c->waiters);
	irq_restore(on);
	mutex_lock(m);
}

void cond_signal(struct condvar *c)
{
	wq_wake_one(&c->waiters);
}

void cond_broadcast(struct condvar *c)
{
	wq_wake_all(&c->waiters);
}
