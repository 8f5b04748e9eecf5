/*
 * policy: one interface for the scheduling policies of the source notes
 * beside the MLFQ (000_4ce0ed622454299e.txt, §3 "调度：介绍" and §5
 * "调度：比例份额"): FIFO, SJF, STCF, round robin, lottery and stride.
 * Pure (no hardware, no kernel globals, no libc): compiled into the kernel
 * and into the host tools and tests, like sched/mlfq.c.
 *
 * The pattern is the MLFQ's (sched/mlfq.h), generalised.  The caller owns
 * an entity (struct policy_ent) per task and says what happens to it; the
 * policy keeps its own queue and never reads a clock:
 *
 *   policy_enqueue   arrival or wake-up: the entity becomes runnable
 *   policy_dequeue   block or exit: the entity leaves the policy
 *   policy_pick      the runnable entity that should run now, or NULL;
 *                    it stays queued while it runs (as in the MLFQ), and
 *                    asking twice without a charge in between gives the
 *                    same answer (lottery draws once per quantum, not per
 *                    call)
 *   policy_charge    the picked entity ran for one tick; true: it must be
 *                    preempted (quantum over, or STCF: a job with less work
 *                    left is waiting), so pick again
 *   policy_boost     periodic priority boost, for policies that have one
 *                    (none of these six does; the MLFQ keeps its own API)
 *
 * One tick, for the kernel and for the simulators alike: arrivals and
 * wake-ups (enqueue), e = pick, e runs, charge(e); if e finished or blocked,
 * dequeue(e).  Each policy's rule, and the cost of its pick, is in its own
 * file, sched/policy_*.c:
 *
 *   fifo     head of an arrival-ordered list              pick O(1)
 *   sjf      shortest total length, never preempted       pick O(1)
 *   stcf     least work left, preempts on arrival         pick O(1)
 *   rr       head of a list, rotated every quantum        pick O(1)
 *   lottery  random ticket, Fenwick tree of tickets       pick O(log n)
 *   stride   least pass value, binary heap                pick O(1)
 *
 * The list policies' pick reads the head; SJF and STCF pay O(n) on enqueue
 * instead (an ordered list).  Lottery's pick is a prefix search down the
 * tree, where the textbook walks the list, O(n).  Stride's pick reads the
 * heap's root, and the charge that ends a turn moves the runner down the
 * heap, O(log n), as do its enqueue and dequeue.
 *
 * Concurrency: none here; the kernel calls these with interrupts off.
 */
#ifndef KEEL_SCHED_POLICY_H
#define KEEL_SCHED_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entities a lottery or stride policy can hold at once (array sizes). */
#define POLICY_MAX_ENTS 1024
/* Stride's numerator: stride = POLICY_STRIDE_BIG / tickets. */
#define POLICY_STRIDE_BIG (1u << 20)
/* Tickets per entity, so that totals fit in 32 bits. */
#define POLICY_MAX_TICKETS (1u << 20)

enum policy_kind {
	POLICY_FIFO,
	POLICY_SJF,
	POLICY_STCF,
	POLICY_RR,
	POLICY_LOTTERY,
	POLICY_STRIDE,
	POLICY_NKINDS
};

/*
 * Lottery's random source: a winning ticket in [0, total).  NULL in
 * policy_params: the policy's own generator (xorshift64*, seeded by seed).
 * tools/lottery-sim plugs in lottery.py's draw, made with lib/pyrandom.
 */
typedef uint32_t (*policy_draw_fn)(void *ctx, uint32_t total);

struct policy_params {
	enum policy_kind kind;
	uint32_t quantum; /* rr, lottery, stride: ticks a turn; >= 1 */
	uint64_t seed;	  /* lottery's own generator */
	policy_draw_fn draw;
	void *draw_ctx;
};

enum policy_state {
	POLICY_OUTSIDE = 0, /* not known to the policy (zeroed entity) */
	POLICY_QUEUED,	    /* runnable; maybe the one picked */
};

/*
 * Per-task part, embedded in the task or the simulator's job.  The caller
 * sets the inputs before policy_enqueue and reads the rest only through the
 * accessors; zero it once before first use.
 */
struct policy_ent {
	/* Inputs. */
	uint64_t length;  /* sjf, stcf: work left, in ticks (assumption 5:
			     the run time is known) */
	uint32_t tickets; /* lottery, stride: 1 .. POLICY_MAX_TICKETS
			     (lottery also takes 0: never wins) */
	/* The policy's. */
	struct policy_ent *next, *prev; /* fifo, sjf, stcf, rr list */
	uint64_t pass;			/* stride */
	uint64_t seq;			/* enqueue order: breaks ties */
	uint32_t slot;			/* lottery slot or stride heap index */
	uint32_t ticks_left;		/* of the current turn */
	uint8_t state;			/* enum policy_state */
};

/* The per-policy state; a union, read only by the policy's own file. */
struct policy {
	const struct policy_ops *ops;
	struct policy_params p;
	uint32_t nqueued;
	uint64_t seq;
	struct policy_ent *cur; /* the entity holding the CPU this turn */
	union {
		struct {
			struct policy_ent *head, *tail;
		} list;
		struct {
			uint64_t rng;
			uint32_t total;
			uint32_t nslots; /* slots in use: 0 .. nslots-1 */
			uint32_t nfree;
			uint32_t fw[POLICY_MAX_ENTS + 1]; /* Fenwick, 1-based */
			struct policy_ent *slot[POLICY_MAX_ENTS];
			uint32_t freeslot[POLICY_MAX_ENTS];
		} lot;
		struct {
			uint64_t global_pass; /* pass of the last one picked */
			struct policy_ent *heap[POLICY_MAX_ENTS];
		} str;
	} u;
};

struct policy_ops {
	const char *name;
	void (*init)(struct policy *p);
	void (*enqueue)(struct policy *p, struct policy_ent *e);
	void (*dequeue)(struct policy *p, struct policy_ent *e);
	struct policy_ent *(*pick)(struct policy *p);
	bool (*charge)(struct policy *p, struct policy_ent *e);
	void (*boost)(struct policy *p); /* NULL: the policy has none */
};

extern const struct policy_ops policy_fifo_ops, policy_sjf_ops, policy_stcf_ops,
    policy_rr_ops, policy_lottery_ops, policy_stride_ops;

/* "fifo", "sjf", ... -> kind; -1 if unknown. */
int policy_kind_of(const char *name);
const char *policy_name(enum policy_kind kind);
/* NULL if pp is usable, else what is wrong with it. */
const char *policy_params_check(const struct policy_params *pp);
/* pp must pass policy_params_check (kassert). */
void policy_init(struct policy *p, const struct policy_params *pp);

/*
 * e must be OUTSIDE (enqueue) or QUEUED (dequeue, charge), and set up as
 * the policy needs (length, tickets); lottery and stride hold at most
 * POLICY_MAX_ENTS entities (kassert).
 */
void policy_enqueue(struct policy *p, struct policy_ent *e);
void policy_dequeue(struct policy *p, struct policy_ent *e);
struct policy_ent *policy_pick(struct policy *p);
bool policy_charge(struct policy *p, struct policy_ent *e);
void policy_boost(struct policy *p);

static inline uint32_t policy_nqueued(const struct policy *p)
{
	return p->nqueued;
}
static inline enum policy_state policy_state(const struct policy_ent *e)
{
	return (enum policy_state)e->state;
}
static inline uint64_t policy_length_left(const struct policy_ent *e)
{
	return e->length;
}
static inline uint64_t policy_pass(const struct policy_ent *e)
{
	return e->pass;
}
static inline uint32_t policy_stride(const struct policy_ent *e)
{
	return e->tickets ? POLICY_STRIDE_BIG / e->tickets : 0;
}

#endif
