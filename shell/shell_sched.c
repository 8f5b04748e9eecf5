/*
 * shell_sched — the console's scheduler commands: ps, mlfq, run.
 *
 * ps and mlfq copy what they show with interrupts off (the timer interrupt
 * changes the queues and the counters) and print the copy afterwards, so a
 * listing is one consistent moment and printing never holds interrupts
 * off for long.
 */
#include "arch/x86.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "sched/class.h"
#include "sched/task.h"
#include "sched/workload.h"
#include "sched/workload_run.h"
#include "shell/shell.h"
#include "shell/shell_cmd.h"

/* Tasks shown by ps, and queue members shown per level by mlfq. */
#define PS_MAX_TASKS	    32
#define MLFQ_SHOW_PER_LEVEL 6
/*
 * The longest workload the console runs, in ticks (an upper bound computed
 * before it starts, see run_bound): the trace prints a line a tick, so
 * 10000 ticks (100 s at 100 Hz) is where a demonstration ends (Ctrl-C stops
 * one sooner).  Longer ones: sched.workload= at boot.
 */
#define RUN_MAX_TICKS 10000u
#define RUN_MAX_IO    1000u

/* ----------------------------------------------------------------- ps -- */

struct ps_row {
	int id;
	char name[TASK_NAME_MAX];
	enum task_state state;
	int level; /* -1: not an MLFQ task (idle) */
	bool running_now;
	uint32_t scheduled, preempted;
	uint32_t ticks[MLFQ_MAX_LEVELS];
	struct policy_ent pent; /* under another policy than the MLFQ */
	char wait[48];		/* what it waits for, if blocked */
};

struct ps_snap {
	struct ps_row rows[PS_MAX_TASKS];
	int n, total, levels;
};

/*
 * "waits: mutex 'dl.m1' held by 3", "waits: pipe read", "waits: sleep":
 * what a blocked task waits on (task.h's wait_what, wait_name and
 * wait_owner), copied with interrupts off.
 */
static void ps_wait_text(const struct task *t, char *buf, size_t len)
{
	const struct task *owner;
	buf[0] = '\0';
	if (t->state != TASK_BLOCKED || !t->wait_what)
		return;
	owner = t->wait_owner ? t->wait_owner(t->wait_obj) : NULL;
	fmt_snprintf(buf, len, "  waits: %s%s%s%s", t->wait_what,
		     t->wait_name ? " '" : "", t->wait_name ? t->wait_name : "",
		     t->wait_name ? "'" : "");
	if (owner)
		fmt_snprintf(buf + strlen(buf), len - strlen(buf),
			     " held by %d", owner->id);
}

static void ps_take(struct task *t, void *ctx)
{
	struct ps_snap *s = ctx;
	struct ps_row *r = &s->rows[s->n];
	s->total++;
	if (s->n == PS_MAX_TASKS)
		return;
	r->id = t->id;
	strlcpy(r->name, t->name, sizeof(r->name));
	r->state = t->state;
	r->level = t == task_idle() ? -1 : mlfq_level(&t->ent);
	r->running_now = t == task_current();
	r->scheduled = t->scheduled;
	r->preempted = t->preempted;
	memcpy(r->ticks, t->ticks_at_level, sizeof(r->ticks));
	r->pent = t->pent ? t->pent->e : (struct policy_ent){0};
	r->pent.tickets = t->tickets;
	ps_wait_text(t, r->wait, sizeof(r->wait));
	s->n++;
}

static void ps_print(const struct ps_row *r, int levels)
{
	shell_printf("%c%3d %-12s %-8s", r->running_now ? '*' : ' ', r->id,
		     r->name, task_state_name(r->state));
	if (r->level < 0)
		shell_printf("     -");
	else
		shell_printf("  %4d", r->level);
	shell_printf(" %9u %9u  ", r->scheduled, r->preempted);
	for (int l = levels - 1; l >= 0; l--)
		shell_printf(" %d:%u", l, r->ticks[l]);
	shell_printf("%s\n", r->wait);
}

/*
 * Under another policy, what that policy decides by: SJF and STCF the work
 * left (a kernel thread's is unknown: SCHED_LENGTH_UNKNOWN counted down),
 * RR and lottery the ticks left of the turn, lottery and stride the
 * tickets, stride its stride and pass value.  "-": not in the policy now
 * (blocked, new, or idle).
 */
static void ps_print_policy(const struct ps_row *r, enum policy_kind kind)
{
	const struct policy_ent *e = &r->pent;
	shell_printf("%c%3d %-12s %-8s %9u %9u  ", r->running_now ? '*' : ' ',
		     r->id, r->name, task_state_name(r->state), r->scheduled,
		     r->preempted);
	if (kind == POLICY_SJF || kind == POLICY_STCF)
		shell_printf("left %llu", (unsigned long long)e->length);
	if (kind == POLICY_LOTTERY || kind == POLICY_STRIDE)
		shell_printf("tickets %u", e->tickets);
	if (kind == POLICY_STRIDE)
		shell_printf(" stride %u pass %llu", policy_stride(e),
			     (unsigned long long)policy_pass(e));
	if (policy_state(e) != POLICY_QUEUED)
		shell_printf("%s-", kind == POLICY_FIFO ? "" : "  ");
	else if (kind == POLICY_RR || kind == POLICY_LOTTERY)
		shell_printf("%sturn left %u", kind == POLICY_RR ? "" : "  ",
			     e->ticks_left);
	else if (kind == POLICY_FIFO)
		shell_printf("queued");
	shell_printf("%s\n", r->wait);
}

static void ps_print_policies(const struct ps_snap *s, const struct policy *p)
{
	enum policy_kind kind = p->p.kind;
	shell_printf("%d tasks ('*': running now); policy %s", s->total,
		     policy_name(kind));
	if (kind == POLICY_RR || kind == POLICY_LOTTERY ||
	    kind == POLICY_STRIDE)
		shell_printf(", quantum %u ticks", p->p.quantum);
	shell_printf("\n  id name         state     switched preempted  "
		     "what the policy decides by\n");
	for (int i = 0; i < s->n; i++)
		ps_print_policy(&s->rows[i], kind);
}

/* The task list is newest first; ps shows pid order (insertion sort:
 * at most PS_MAX_TASKS rows, nearly always reversed). */
static void ps_sort(struct ps_snap *s)
{
	static struct ps_row row;
	for (int i = 1; i < s->n; i++) {
		int j = i;
		row = s->rows[i];
		for (; j > 0 && s->rows[j - 1].id > row.id; j--)
			s->rows[j] = s->rows[j - 1];
		s->rows[j] = row;
	}
}

int shell_cmd_ps(int argc, char **argv)
{
	static struct ps_snap snap; /* 4.6 KiB: too big for the stack */
	(void)argc;
	(void)argv;
	snap.n = snap.total = 0;
	snap.levels = sched_params()->levels;
	task_for_each(ps_take, &snap); /* with interrupts off */
	ps_sort(&snap);
	if (sched_policy()) {
		ps_print_policies(&snap, sched_policy());
		if (snap.total > snap.n)
			shell_printf("... and %d more\n", snap.total - snap.n);
		return SHELL_OK;
	}
	shell_printf("%d tasks ('*': running now)\n", snap.total);
	shell_printf("  id name         state    level switched preempted  "
		     "ticks at each level (top first)\n");
	for (int i = 0; i < snap.n; i++)
		ps_print(&snap.rows[i], snap.levels);
	if (snap.total > snap.n)
		shell_printf("... and %d more\n", snap.total - snap.n);
	shell_proc_list();
	return SHELL_OK;
}

/* --------------------------------------------------------------- mlfq -- */

struct mlfq_level_snap {
	uint32_t len;
	int shown;
	int ids[MLFQ_SHOW_PER_LEVEL];
	char names[MLFQ_SHOW_PER_LEVEL][TASK_NAME_MAX];
};

struct mlfq_snap {
	struct mlfq_params p;
	struct mlfq_stats stats;
	uint32_t attached, queued;
	struct mlfq_level_snap lv[MLFQ_MAX_LEVELS];
};

static void mlfq_take_level(const struct mlfq *m, int l,
			    struct mlfq_level_snap *s)
{
	const struct mlfq_ent *e = m->q[l].head;
	s->len = mlfq_queue_len(m, l);
	for (s->shown = 0; e && s->shown < MLFQ_SHOW_PER_LEVEL; e = e->next) {
		const struct task *t = task_of(e);
		s->ids[s->shown] = t->id;
		strlcpy(s->names[s->shown], t->name, TASK_NAME_MAX);
		s->shown++;
	}
}

static void mlfq_take(struct mlfq_snap *s)
{
	bool on = irq_save();
	const struct mlfq *m = sched_mlfq();
	s->p = m->p;
	s->stats = m->stats;
	s->attached = m->nattached;
	s->queued = m->nqueued;
	for (int l = 0; l < s->p.levels; l++)
		mlfq_take_level(m, l, &s->lv[l]);
	irq_restore(on);
}

static void mlfq_print_level(const struct mlfq_snap *s, int l)
{
	const struct mlfq_level_snap *v = &s->lv[l];
	shell_printf("  %5d %6u %-5s %5u %-7s %6u  ", l, s->p.quantum[l],
		     s->p.quantum[l] == 1 ? "tick" : "ticks", s->p.allot[l],
		     s->p.allot[l] == 1 ? "quantum" : "quanta", v->len);
	if (v->len == 0)
		shell_printf("-");
	for (int i = 0; i < v->shown; i++)
		shell_printf("%s%d(%s)", i ? " " : "", v->ids[i], v->names[i]);
	if (v->len > (uint32_t)v->shown)
		shell_printf(" +%u more", v->len - (uint32_t)v->shown);
	shell_printf("\n");
}

int shell_cmd_mlfq(int argc, char **argv)
{
	static struct mlfq_snap s;
	(void)argc;
	(void)argv;
	mlfq_take(&s);
	shell_printf("MLFQ: %d levels, %d is the highest priority; ",
		     s.p.levels, s.p.levels - 1);
	if (s.p.boost)
		shell_printf("boost every %u ticks (rule 5)\n", s.p.boost);
	else
		shell_printf("no boost\n");
	shell_printf("  io_refill %s, io_to_head %s\n",
		     s.p.io_refill ? "on" : "off",
		     s.p.io_to_head ? "on" : "off");
	shell_printf("  level  quantum   allotment      queued  "
		     "queue, head first: id(name)\n");
	for (int l = s.p.levels - 1; l >= 0; l--)
		mlfq_print_level(&s, l);
	shell_printf("tasks known to the policy: %u (%u queued, %u blocked or "
		     "not arrived); idle is not one\n",
		     s.attached, s.queued, s.attached - s.queued);
	shell_printf("since boot: %u ticks charged, %u quanta used up, "
		     "%u demotion%s, %u boost%s\n"
		     "  (every task's, exited ones too: ps shows the live "
		     "tasks only; run's workloads are not counted)\n",
		     s.stats.charged, s.stats.expired, s.stats.demoted,
		     s.stats.demoted == 1 ? "" : "s", s.stats.boosts,
		     s.stats.boosts == 1 ? "" : "s");
	return SHELL_OK;
}

/* ---------------------------------------------------------------- run -- */

struct run_opts {
	uint32_t io;
	uint32_t levels; /* 0: not given */
	uint32_t quantum[MLFQ_MAX_LEVELS], allot[MLFQ_MAX_LEVELS];
	size_t nquantum, nallot;
	uint32_t boost;
};

/* A comma list of numbers for key (quantum=, allot=). */
static bool run_list(const char *key, const char *val, uint32_t *out, size_t *n,
		     uint32_t max)
{
	char err[80];
	if (workload_parse_list(val, out, MLFQ_MAX_LEVELS, n, err,
				sizeof(err)) != 0) {
		shell_bad("%s=: %s", key, err);
		return false;
	}
	for (size_t i = 0; i < *n; i++)
		if (out[i] == 0 || out[i] > max) {
			shell_bad("%s=: each value must be 1..%u", key, max);
			return false;
		}
	return true;
}

static bool run_option(char *word, struct run_opts *o)
{
	char *eq = strchr(word, '=');
	if (!eq) {
		shell_bad("'%s' is not KEY=VALUE", word);
		return false;
	}
	*eq = '\0';
	if (strcmp(word, "io") == 0)
		return shell_number(eq + 1, 0, RUN_MAX_IO, &o->io);
	if (strcmp(word, "levels") == 0)
		return shell_number(eq + 1, 1, MLFQ_MAX_LEVELS, &o->levels);
	if (strcmp(word, "boost") == 0)
		return shell_number(eq + 1, 0, RUN_MAX_TICKS, &o->boost);
	if (strcmp(word, "quantum") == 0)
		return run_list(word, eq + 1, o->quantum, &o->nquantum,
				MLFQ_MAX_QUANTUM);
	if (strcmp(word, "allot") == 0)
		return run_list(word, eq + 1, o->allot, &o->nallot,
				MLFQ_MAX_ALLOT);
	shell_bad("unknown setting '%s' (io, levels, quantum, allot, boost)",
		  word);
	return false;
}

/*
 * OSTEP's flags over mlfq.py's defaults, as tools/mlfq-sim reads them: a
 * quantum list sets the number of levels (-Q overrides -n), lists are
 * highest level first, and one value applies to every level.
 */
static bool run_params(const struct run_opts *o, struct mlfq_params *p)
{
	struct mlfq_params def;
	uint32_t def_quantum, def_allot;
	mlfq_params_ostep(&def);
	def_quantum = def.quantum[def.levels - 1];
	def_allot = def.allot[def.levels - 1];
	*p = def;
	if (o->levels)
		p->levels = (int)o->levels;
	if (o->nquantum > 1)
		p->levels = (int)o->nquantum;
	if (o->nallot > 1 && o->nallot != (size_t)p->levels) {
		shell_bad("allot= has %u values for %d levels",
			  (unsigned)o->nallot, p->levels);
		return false;
	}
	for (int i = 0; i < p->levels; i++) {
		int l = p->levels - 1 - i;
		p->quantum[l] = o->nquantum
				    ? o->quantum[o->nquantum > 1 ? i : 0]
				    : def_quantum;
		p->allot[l] =
		    o->nallot ? o->allot[o->nallot > 1 ? i : 0] : def_allot;
	}
	p->boost = o->boost;
	return true;
}

/*
 * The most ticks the workload can take: every job arrived by the last
 * start time, then all the CPU time and every I/O one after another.
 */
static uint64_t run_bound(const struct workload_job *j, size_t n, uint32_t io)
{
	uint64_t last_start = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		if (j[i].start > last_start)
			last_start = j[i].start;
		total += j[i].run;
		if (j[i].iofreq)
			total += (uint64_t)(j[i].run / j[i].iofreq) * io;
	}
	return last_start + total;
}

static int run_check_size(const char *spec, uint32_t io)
{
	static struct workload_job jobs[WORKLOAD_MAX_JOBS];
	char err[96];
	size_t n;
	uint64_t bound;
	if (workload_parse(spec, jobs, WORKLOAD_MAX_JOBS, &n, err,
			   sizeof(err)) != 0)
		return shell_bad("%s", err);
	bound = run_bound(jobs, n, io);
	if (bound > RUN_MAX_TICKS)
		return shell_bad("it could take up to %llu ticks, over the "
				 "console's limit of %u (boot with "
				 "sched.workload= for more)",
				 bound, RUN_MAX_TICKS);
	return SHELL_OK;
}

int shell_cmd_run(int argc, char **argv)
{
	struct run_opts o = {.io = WORKLOAD_IO_DEFAULT};
	struct mlfq_params p;
	struct workload_report rep;
	const char *bad;
	for (int i = 2; i < argc; i++)
		if (!run_option(argv[i], &o))
			return SHELL_EUSAGE;
	if (!run_params(&o, &p))
		return SHELL_EUSAGE;
	bad = mlfq_params_check(&p);
	if (bad)
		return shell_bad("%s", bad);
	if (run_check_size(argv[1], o.io) != SHELL_OK)
		return SHELL_EUSAGE;
	shell_set_interrupt(workload_stop); /* Ctrl-C, Ctrl-T meanwhile */
	int rc = workload_run(argv[1], o.io, &p, &rep);
	shell_set_interrupt(NULL);
	if (rc != 0)
		return SHELL_EFAIL;
	if (rep.stopped) {
		shell_printf("run: stopped by Ctrl-C after %u ticks; its %u "
			     "threads were ended and reaped\n",
			     rep.ticks, rep.jobs);
		return SHELL_EFAIL;
	}
	shell_printf("run: %u jobs in %u ticks; %u of %u job threads ran "
		     "exactly their run time\n",
		     rep.jobs, rep.ticks, rep.threads_agree, rep.jobs);
	return rep.threads_agree == rep.jobs ? SHELL_OK : SHELL_EFAIL;
}
