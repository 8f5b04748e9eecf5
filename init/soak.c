/*
 * soak — the long leak-and-loss check of the scheduler and allocators (see
 * soak.h for what it runs and checks).
 *
 * Shape.  Task "main" keeps SOAK_SLOTS worker threads alive: each tick it
 * reaps the ones that have exited (checking each exit status), creates new
 * ones of a random kind in the free slots, and sleeps one tick.  A worker is
 * described by a struct soak_job that outlives it (main's slot, or its
 * leader's stack), so nothing about it is lost when the thread is freed.
 *
 * Exit statuses.  A worker's status is a function of its serial number
 * (expected_status), negated when one of its own checks failed; the reaper
 * compares it with what the serial calls for.  Odd serials leave through
 * task_exit, even ones by returning from their entry function, so both ways
 * out of a thread are soaked.
 *
 * Randomness is Marsaglia's xorshift32 (shifts 13, 17, 5), one state per
 * thread seeded from its serial and soak.seed: cheap, and the same each run.
 */
#include "init/soak.h"

#include <stdbool.h>
#include <stddef.h>

#include "arch/qemu.h"
#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/mm.h"
#include "sched/task.h"

#define SOAK_SLOTS	   12 /* main's workers alive at once */
#define SOAK_SEED_DEFAULT  1u
#define SOAK_CHURN_BLOCKS  16	 /* live blocks per churn thread */
#define SOAK_CHURN_OPS	   8	 /* heap operations between two pauses */
#define SOAK_VERIFY_FULL   1024u /* blocks up to this are checked bytewise */
#define SOAK_VERIFY_STRIDE 61u	 /* larger: every 61st byte and the last */
#define SOAK_MAILBOX_SLOTS 4	 /* the pairs' bounded buffer */
#define SOAK_PAIR_MAX	   32	 /* messages a pair exchanges, at most */
#define SOAK_GATE_MAX	   5	 /* followers a gate leader releases */
#define SOAK_GATE_PATIENCE 1000u /* ticks to wait for followers to queue */
#define SOAK_ERR_MAX	   96
#define GOLDEN_RATIO_32	   0x9E3779B9u /* Knuth's multiplicative hash */

enum soak_kind {
	SOAK_SLEEP,    /* sleeps of random length */
	SOAK_CHURN,    /* kmalloc / krealloc / kfree with checked contents */
	SOAK_SPIN,     /* CPU-bound for a few ticks: preempted, demoted */
	SOAK_PAIR,     /* consumer; creates its producer (bounded buffer) */
	SOAK_GATE,     /* leader; creates followers, releases them at once */
	SOAK_PRODUCER, /* created by a pair only */
	SOAK_FOLLOWER, /* created by a gate only */
	SOAK_KINDS
};
#define SOAK_MAIN_KINDS SOAK_PRODUCER /* kinds main picks: those before */

static const char *const kind_name[SOAK_KINDS] = {
    "soak-sleep", "soak-churn",	   "soak-spin",	    "soak-pair",
    "soak-gate",  "soak-producer", "soak-follower",
};
/* How often main picks each kind, out of 32: mostly short-lived blocking
 * threads, and rarely a spinner, whose every tick is CPU time the host must
 * emulate (under -icount nothing is spent on idle ticks). */
static const uint32_t kind_weight[SOAK_MAIN_KINDS] = {8, 12, 1, 6, 5};
#define SOAK_WEIGHT_SUM 32u

struct soak_job {
	struct task *task; /* NULL: no thread (slot free, or none made) */
	uint32_t serial;
	enum soak_kind kind;
	void *shared; /* a producer's mailbox, a follower's gate */
};

/* Everything counted, by all threads; changed only with interrupts off. */
static struct soak_counts {
	uint32_t created, reaped, by_kind[SOAK_KINDS];
	uint32_t bad_status; /* reaped with another status than expected */
	uint32_t broken;     /* a worker's own check failed */
	uint32_t no_memory;  /* kmalloc, krealloc or task_create said NULL */
	uint32_t allocs, reallocs, frees, sleeps, messages, released;
	uint32_t heap_bad; /* progress checks where kheap_check failed */
} sc;

static uint32_t next_serial;
static uint32_t soak_seed = SOAK_SEED_DEFAULT;

static void count(uint32_t *field, uint32_t n)
{
	bool on = irq_save();
	*field += n;
	irq_restore(on);
}

static uint32_t rng_next(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static uint32_t rng_below(uint32_t *s, uint32_t n)
{
	return rng_next(s) % n;
}

static uint32_t rng_seed(uint32_t serial)
{
	uint32_t s = (serial + 1) * GOLDEN_RATIO_32 ^ soak_seed;
	return s ? s : GOLDEN_RATIO_32;
}

/* The exit status a worker of this serial ends with: never 0, varied. */
static int expected_status(uint32_t serial)
{
	uint32_t s = rng_seed(serial);
	return (int)(rng_next(&s) & 0x7FFF) + 1;
}

/* ------------------------------------------------- create and reap -- */

static int worker_entry(void *arg);

/* Start a thread for job (kind and shared set); false, counted, without
 * memory. */
static bool soak_spawn(struct soak_job *job)
{
	bool on = irq_save();
	job->serial = next_serial++;
	irq_restore(on);
	job->task = task_create(kind_name[job->kind], worker_entry, job);
	if (!job->task) {
		count(&sc.no_memory, 1);
		return false;
	}
	count(&sc.created, 1);
	count(&sc.by_kind[job->kind], 1);
	return true;
}

/* Wait for job's thread, free it, check its status; false if wrong. */
static bool soak_reap(struct soak_job *job)
{
	int status = task_wait(job->task);
	bool right = status == expected_status(job->serial);

	job->task = NULL;
	count(&sc.reaped, 1);
	if (!right)
		count(&sc.bad_status, 1);
	return right;
}

/* ----------------------------------------------------------- sleep -- */

/* task_sleep(n) must not return before n ticks have passed. */
static bool run_sleep(struct soak_job *job, uint32_t *rng)
{
	uint32_t rounds = 1 + rng_below(rng, 8);
	bool ok = true;

	(void)job;
	for (uint32_t i = 0; i < rounds; i++) {
		uint32_t n = 1 + rng_below(rng, 30);
		uint64_t before = time_ticks();
		task_sleep(n);
		ok &= time_ticks() >= before + n;
		count(&sc.sleeps, 1);
	}
	return ok;
}

/* ----------------------------------------------------------- churn -- */

struct block {
	uint8_t *p;
	uint32_t size;
	uint8_t fill; /* every byte of the block holds it */
};

/* Mostly small blocks; one in eight up to 4 KiB; one in 64 large enough
 * (16-64 KiB) to make the heap grow by many pages and shrink again. */
static uint32_t churn_size(uint32_t *rng)
{
	uint32_t r = rng_below(rng, 64);
	if (r == 0)
		return 16384 + rng_below(rng, 49152);
	if (r < 8)
		return 512 + rng_below(rng, 3584);
	return 1 + rng_below(rng, 512);
}

/* Do the first n bytes of b still hold its fill byte? */
static bool intact(const struct block *b, uint32_t n)
{
	uint32_t step = n <= SOAK_VERIFY_FULL ? 1 : SOAK_VERIFY_STRIDE;
	for (uint32_t i = 0; i < n; i += step)
		if (b->p[i] != b->fill)
			return false;
	return n == 0 || b->p[n - 1] == b->fill;
}

static void churn_alloc(struct block *b, uint32_t *rng)
{
	b->size = churn_size(rng);
	b->p = kmalloc(b->size);
	if (!b->p) {
		count(&sc.no_memory, 1);
		return;
	}
	b->fill = (uint8_t)rng_next(rng);
	memset(b->p, b->fill, b->size);
	count(&sc.allocs, 1);
}

static bool churn_free(struct block *b)
{
	bool ok = intact(b, b->size);
	kfree(b->p);
	b->p = NULL;
	count(&sc.frees, 1);
	return ok;
}

/* krealloc keeps the contents up to the smaller size; on failure the old
 * block is untouched. */
static bool churn_realloc(struct block *b, uint32_t *rng)
{
	uint32_t size = churn_size(rng);
	uint8_t *q = krealloc(b->p, size);
	bool ok;

	if (!q) {
		count(&sc.no_memory, 1);
		return intact(b, b->size);
	}
	b->p = q;
	ok = intact(b, size < b->size ? size : b->size);
	b->size = size;
	b->fill = (uint8_t)rng_next(rng);
	memset(b->p, b->fill, b->size);
	count(&sc.reallocs, 1);
	return ok;
}

static bool churn_op(struct block *b, uint32_t *rng)
{
	if (!b->p) {
		churn_alloc(b, rng);
		return true;
	}
	if (rng_below(rng, 3) == 0)
		return churn_realloc(b, rng);
	return churn_free(b);
}

static bool run_churn(struct soak_job *job, uint32_t *rng)
{
	struct block blocks[SOAK_CHURN_BLOCKS] = {0};
	uint32_t rounds = 4 + rng_below(rng, 16);
	bool ok = true;

	(void)job;
	for (uint32_t r = 0; r < rounds; r++) {
		for (int i = 0; i < SOAK_CHURN_OPS; i++)
			ok &= churn_op(
			    &blocks[rng_below(rng, SOAK_CHURN_BLOCKS)], rng);
		if (rng_below(rng, 2))
			task_sleep(1 + rng_below(rng, 4));
		else
			task_yield();
	}
	for (int i = 0; i < SOAK_CHURN_BLOCKS; i++)
		if (blocks[i].p)
			ok &= churn_free(&blocks[i]);
	return ok;
}

/* ------------------------------------------------------------ spin -- */

/* Hold the CPU for 1-5 ticks: the timer preempts it, the MLFQ charges it. */
static bool run_spin(struct soak_job *job, uint32_t *rng)
{
	uint64_t start = time_ticks();
	uint64_t until = start + 1 + rng_below(rng, 5);

	(void)job;
	while (time_ticks() < until)
		__asm__ volatile("pause");
	return time_ticks() > start;
}

/* ------------------------------------------- pair: bounded buffer -- */

/* The producer/consumer bounded buffer with two wait queues, as OSTEP
 * builds it from condition variables (000_4ce0ed622454299e.txt). */
struct mailbox {
	struct wait_queue not_empty, not_full;
	uint32_t buf[SOAK_MAILBOX_SLOTS];
	uint32_t head, used;
	uint32_t total, first; /* the producer sends first, first + 1, ... */
};

static void mailbox_put(struct mailbox *mb, uint32_t v)
{
	bool on = irq_save();
	while (mb->used == SOAK_MAILBOX_SLOTS)
		wq_block(&mb->not_full);
	mb->buf[(mb->head + mb->used) % SOAK_MAILBOX_SLOTS] = v;
	mb->used++;
	wq_wake_one(&mb->not_empty);
	irq_restore(on);
}

static uint32_t mailbox_get(struct mailbox *mb)
{
	bool on = irq_save();
	uint32_t v;

	while (mb->used == 0)
		wq_block(&mb->not_empty);
	v = mb->buf[mb->head];
	mb->head = (mb->head + 1) % SOAK_MAILBOX_SLOTS;
	mb->used--;
	wq_wake_one(&mb->not_full);
	irq_restore(on);
	return v;
}

/* Pauses now and then, so that both sides get to block. */
static void maybe_pause(uint32_t *rng)
{
	if (rng_below(rng, 4) == 0)
		task_sleep(1 + rng_below(rng, 3));
}

static bool run_producer(struct soak_job *job, uint32_t *rng)
{
	struct mailbox *mb = job->shared;

	for (uint32_t i = 0; i < mb->total; i++) {
		maybe_pause(rng);
		mailbox_put(mb, mb->first + i);
	}
	return true;
}

/* Every message arrives once, in order; the producer ends as it should. */
static bool pair_consume(struct mailbox *mb, struct soak_job *producer,
			 uint32_t *rng)
{
	bool ok = true;

	for (uint32_t i = 0; i < mb->total; i++) {
		maybe_pause(rng);
		ok &= mailbox_get(mb) == mb->first + i;
		count(&sc.messages, 1);
	}
	ok &= soak_reap(producer);
	return ok && mb->used == 0;
}

static bool run_pair(struct soak_job *job, uint32_t *rng)
{
	struct soak_job producer = {.kind = SOAK_PRODUCER};
	struct mailbox *mb = kcalloc(1, sizeof(*mb));
	bool ok;

	if (!mb) {
		count(&sc.no_memory, 1);
		return true;
	}
	wq_init(&mb->not_empty);
	wq_init(&mb->not_full);
	mb->total = 1 + rng_below(rng, SOAK_PAIR_MAX);
	mb->first = job->serial * GOLDEN_RATIO_32;
	producer.shared = mb;
	ok = !soak_spawn(&producer) || pair_consume(mb, &producer, rng);
	kfree(mb);
	return ok;
}

/* ----------------------------------------------- gate: wake them all -- */

struct gate {
	struct wait_queue wq;
	bool open;
	uint32_t waiting, passed;
};

static bool run_follower(struct soak_job *job, uint32_t *rng)
{
	struct gate *g = job->shared;
	bool on = irq_save();

	g->waiting++;
	while (!g->open)
		wq_block(&g->wq);
	g->passed++;
	irq_restore(on);
	maybe_pause(rng);
	return true;
}

/* Wait (sleeping) until all n followers are blocked at the gate. */
static bool gate_all_waiting(struct gate *g, uint32_t n)
{
	for (uint32_t t = 0; t < SOAK_GATE_PATIENCE; t++) {
		if (g->waiting == n)
			return true;
		task_sleep(1);
	}
	return false;
}

/* wq_wake_all must wake every follower, each exactly once. */
static bool gate_release(struct gate *g, uint32_t n)
{
	bool on = irq_save();
	int woken;

	g->open = true;
	woken = wq_wake_all(&g->wq);
	irq_restore(on);
	count(&sc.released, (uint32_t)woken);
	return woken == (int)n;
}

static bool run_gate(struct soak_job *job, uint32_t *rng)
{
	struct soak_job f[SOAK_GATE_MAX];
	struct gate g = {.open = false};
	uint32_t want = 2 + rng_below(rng, SOAK_GATE_MAX - 1), n = 0;
	bool ok;

	(void)job;
	wq_init(&g.wq);
	for (uint32_t i = 0; i < want; i++) {
		f[n] = (struct soak_job){.kind = SOAK_FOLLOWER, .shared = &g};
		n += soak_spawn(&f[n]);
	}
	ok = gate_all_waiting(&g, n) && gate_release(&g, n);
	if (!ok) /* let any follower out, or they could never be reaped */
		gate_release(&g, n);
	for (uint32_t i = 0; i < n; i++)
		ok &= soak_reap(&f[i]);
	return ok && g.passed == n;
}

/* ---------------------------------------------------------- worker -- */

static bool (*const kind_run[SOAK_KINDS])(struct soak_job *, uint32_t *) = {
    run_sleep, run_churn,    run_spin,	   run_pair,
    run_gate,  run_producer, run_follower,
};

static int worker_entry(void *arg)
{
	struct soak_job *job = arg;
	uint32_t rng = rng_seed(job->serial);
	int status = expected_status(job->serial);

	if (!kind_run[job->kind](job, &rng)) {
		count(&sc.broken, 1);
		status = -status;
	}
	if (job->serial & 1)
		task_exit(status);
	return status;
}

/* ------------------------------------------------------------ main -- */

/* Free frames are counted as the self-tests count them: the pages the heap
 * keeps mapped after a free (up to its trim threshold) count as free. */
struct soak_base {
	uint32_t frames, heap_bytes, tasks;
};

static struct soak_job slots[SOAK_SLOTS];

static enum soak_kind pick_kind(uint32_t *rng)
{
	uint32_t r = rng_below(rng, SOAK_WEIGHT_SUM);
	int k = 0;
	while (r >= kind_weight[k])
		r -= kind_weight[k++];
	return (enum soak_kind)k;
}

/* Reap the workers that have exited, start new ones in the free slots. */
static void slots_turn(uint32_t *rng)
{
	for (int i = 0; i < SOAK_SLOTS; i++)
		if (slots[i].task && slots[i].task->state == TASK_ZOMBIE)
			soak_reap(&slots[i]);
	for (int i = 0; i < SOAK_SLOTS; i++) {
		if (slots[i].task)
			continue;
		slots[i] = (struct soak_job){.kind = pick_kind(rng)};
		soak_spawn(&slots[i]);
	}
}

static void slots_drain(void)
{
	for (int i = 0; i < SOAK_SLOTS; i++)
		if (slots[i].task)
			soak_reap(&slots[i]);
}

static void progress(uint64_t done, uint32_t ticks)
{
	char err[SOAK_ERR_MAX];

	if (!kheap_check(err, sizeof(err))) {
		count(&sc.heap_bad, 1);
		kprintf("soak: heap check failed: %s\n", err);
	}
	kprintf("soak: tick %u/%u: threads %u created, %u reaped, %u alive; "
		"heap %u bytes in use, %u pages; %u free frames\n",
		(uint32_t)done, ticks, sc.created, sc.reaped, task_count(),
		kheap_bytes_in_use(), kheap_pages(), frame_free_count());
}

/* A figure that must be back where it was: false, with a line, if not. */
static bool back_to(const char *what, uint32_t now, uint32_t before)
{
	if (now == before)
		return true;
	kprintf("soak: %s: %u, %u before the soak\n", what, now, before);
	return false;
}

/* One line per check that failed; true when none did. */
static bool soak_checks(const struct soak_base *b)
{
	char err[SOAK_ERR_MAX];
	bool ok = back_to("free frames", mm_free_frames_probe(), b->frames);

	ok &= back_to("heap bytes in use", kheap_bytes_in_use(), b->heap_bytes);
	ok &= back_to("tasks alive", task_count(), b->tasks);
	ok &= back_to("threads reaped", sc.reaped, sc.created);
	if (!kheap_check(err, sizeof(err))) {
		kprintf("soak: heap check failed: %s\n", err);
		ok = false;
	}
	return ok;
}

static void soak_verdict(const struct soak_base *b, uint64_t ticks)
{
	bool ok = soak_checks(b) && sc.bad_status == 0 && sc.broken == 0 &&
		  sc.heap_bad == 0 && sc.created > 0;
	struct sched_stats st;

	kprintf(
	    "soak: %u sleeps, %u allocs, %u reallocs, %u frees, %u messages, "
	    "%u released at gates, %u out of memory\n",
	    sc.sleeps, sc.allocs, sc.reallocs, sc.frees, sc.messages,
	    sc.released, sc.no_memory);
	sched_get_stats(&st);
	kprintf("soak: scheduler: %u ticks, %u idle, %u context switches, "
		"%u boosts\n",
		(uint32_t)st.ticks, (uint32_t)st.idle_ticks,
		(uint32_t)st.switches, st.boosts);
	kprintf("soak: threads by kind: sleep %u, churn %u, spin %u, pair %u, "
		"gate %u, producer %u, follower %u\n",
		sc.by_kind[SOAK_SLEEP], sc.by_kind[SOAK_CHURN],
		sc.by_kind[SOAK_SPIN], sc.by_kind[SOAK_PAIR],
		sc.by_kind[SOAK_GATE], sc.by_kind[SOAK_PRODUCER],
		sc.by_kind[SOAK_FOLLOWER]);
	kprintf("soak: %s after %u ticks: %u threads created, %u reaped, "
		"%u wrong exit statuses, %u failed their own checks\n",
		ok ? "PASS" : "FAIL", (uint32_t)ticks, sc.created, sc.reaped,
		sc.bad_status, sc.broken);
	if (!ok) {
		qemu_exit(QEMU_EXIT_FAIL);
		halt_forever();
	}
}

void soak_run(uint32_t ticks)
{
	struct soak_base base = {mm_free_frames_probe(), kheap_bytes_in_use(),
				 task_count()};
	uint64_t start = time_ticks(), next = SOAK_PROGRESS_TICKS, done;
	uint32_t rng;

	sc = (struct soak_counts){0};
	next_serial = 0;
	rng = rng_seed(UINT32_MAX); /* main's own stream: no worker's serial */
	kprintf("soak: %u ticks at %u Hz, seed %u; before: %u free frames, "
		"heap %u bytes in use, %u tasks\n",
		ticks, time_hz(), soak_seed, base.frames, base.heap_bytes,
		base.tasks);
	while ((done = time_ticks() - start) < ticks) {
		slots_turn(&rng);
		task_sleep(1);
		if (done >= next) {
			progress(done, ticks);
			next += SOAK_PROGRESS_TICKS;
		}
	}
	slots_drain();
	soak_verdict(&base, time_ticks() - start);
}

void soak_from_cmdline(void)
{
	const char *arg = cmdline_str("soak");
	uint32_t ticks = SOAK_DEFAULT_TICKS;

	/* soak.seed is read whether or not a soak runs, so that alone it is
	 * reported as doing nothing, not as an unknown option. */
	soak_seed = cmdline_uint("soak.seed", SOAK_SEED_DEFAULT, 0, UINT32_MAX);
	if (!arg) {
		if (cmdline_has("soak.seed"))
			cmdline_warn("soak.seed",
				     "soak.seed has no effect without soak");
		return;
	}
	/* A bad length refuses the soak: the default is a million ticks,
	 * far more than whoever typed soak=5 asked for. */
	if (arg[0] && cmdline_uint_strict("soak", &ticks, SOAK_MIN_TICKS,
					  SOAK_MAX_TICKS, "no soak run") < 0)
		return;
	soak_run(ticks);
}
