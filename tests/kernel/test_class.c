/*
 * The scheduler's class (sched/class.h) as the self-tests boot it: the
 * MLFQ by default, and the tickets every kernel thread carries for lottery
 * and stride (000_4ce0ed622454299e.txt §5, "彩票数表示份额").
 */
#include "kernel/ktest.h"
#include "sched/class.h"
#include "sched/task.h"

KTEST(class, default_policy_is_the_mlfq)
{
	KEXPECT_STREQ(sched_policy_name(), "mlfq");
	KEXPECT_TRUE(sched_policy() == NULL);
}

static int idle_thread(void *arg)
{
	(void)arg;
	return 7;
}

KTEST(class, a_new_thread_has_the_default_tickets)
{
	struct task *t = task_create_stopped("tix", idle_thread, NULL);
	KASSERT_TRUE(t != NULL);
	KEXPECT_EQ(sched_tickets(t), SCHED_TICKETS_DEFAULT);
	task_start(t);
	KEXPECT_EQ(task_wait(t), 7);
}

KTEST(class, tickets_setter_takes_one_to_the_maximum)
{
	struct task *me = task_current();
	uint32_t before = sched_tickets(me);
	KEXPECT_EQ(sched_set_tickets(me, 0), -1);
	KEXPECT_EQ(sched_set_tickets(me, POLICY_MAX_TICKETS + 1), -1);
	KEXPECT_EQ(sched_tickets(me), before);
	KEXPECT_EQ(sched_set_tickets(me, 1), 0);
	KEXPECT_EQ(sched_tickets(me), 1u);
	KEXPECT_EQ(sched_set_tickets(me, POLICY_MAX_TICKETS), 0);
	KEXPECT_EQ(sched_tickets(me), POLICY_MAX_TICKETS);
	KEXPECT_EQ(sched_set_tickets(me, before), 0);
}
