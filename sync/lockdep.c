/*
 * lockdep — the lock-order validator (see lockdep.h).
 *
 * The graph: classes are vertices, numbered 1..nclasses; `order[a][b]`
 * is 1 + the index of the order a -> b in `orders` (its witness: who made
 * it, where), 0 when a -> b was never seen.  A new order a -> b closes a
 * cycle iff a is reachable from b: a breadth-first search from b finds the
 * shortest such path, which is what the report prints.
 */
#include "sync/lockdep.h"

#include <stdarg.h>

#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/ksyms.h"
#include "lib/fmt.h"
#include "lib/string.h"

/* A recorded order and its witness: the first acquisition that made it. */
struct lockdep_order {
	uint16_t from, to;
	int task_id;
	char task[LOCKDEP_NAME_MAX];
	uintptr_t from_site; /* where `from` was taken */
	uintptr_t to_site;   /* where `to` was taken while `from` was held */
};

struct lockdep_class {
	const char *name;
	struct lock_class_key *key; /* NULL: a free slot */
};

bool lockdep_active;
static struct lockdep_class classes[LOCKDEP_MAX_CLASSES];
static uint16_t nclasses; /* slots used so far (some may be forgotten) */
static uint16_t order[LOCKDEP_MAX_CLASSES + 1][LOCKDEP_MAX_CLASSES + 1];
static struct lockdep_order orders[LOCKDEP_MAX_ORDERS];
static uint32_t norders, acquisitions;
static uint32_t reports[LOCKDEP_R_KINDS];
static bool limit_said;
/* Inside the validator: a report's kprintf must not re-enter it. */
static bool busy;

static struct lockdep_task boot_task = {.id = 0, .name = "boot"};
static struct lockdep_task *boot_current(void)
{
	return &boot_task;
}
static lockdep_current_t current_fn = boot_current;

/* Report capture (tests). */
static char *cap_buf;
static size_t cap_len, cap_used;
static uint32_t cap_reports;

/* ------------------------------------------------------------ output -- */

static void cap_put(char c, void *ctx)
{
	(void)ctx;
	if (cap_used + 1 < cap_len) {
		cap_buf[cap_used++] = c;
		cap_buf[cap_used] = '\0';
	}
}

/* One report line, "lockdep: " first, to the console or the capture. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (cap_buf) {
		const char *p = "lockdep: ";
		while (*p)
			cap_put(*p++, NULL);
		fmt_vformat(cap_put, NULL, fmt, ap);
		cap_put('\n', NULL);
	} else {
		kprintf("lockdep: ");
		kvprintf(fmt, ap);
		kprintf("\n");
	}
	va_end(ap);
}

static void count_report(enum lockdep_report_kind k)
{
	reports[k]++;
	if (cap_buf)
		cap_reports++;
}

/* "func+0x1c" for a return address, into buf. */
static const char *site_name(uintptr_t site, char *buf, size_t len)
{
	uint32_t off;
	const char *fn = ksym_lookup((uint32_t)site, &off);
	if (fn)
		fmt_snprintf(buf, len, "%s+0x%x", fn, (unsigned)off);
	else
		fmt_snprintf(buf, len, "%p", (void *)site);
	return buf;
}

const char *lockdep_class_name(uint16_t id)
{
	if (id == 0 || id > nclasses || !classes[id - 1].key)
		return "?";
	return classes[id - 1].name;
}

static void say_held(const struct lockdep_task *t)
{
	char s[64];
	int n = t->depth < LOCKDEP_MAX_HELD ? t->depth : LOCKDEP_MAX_HELD;
	say("  task %d '%s' holds %d lock%s:", t->id, t->name, t->depth,
	    t->depth == 1 ? "" : "s");
	for (int i = 0; i < n; i++) {
		const char *cls = lockdep_class_name(t->held[i].cls);
		bool same = strcmp(cls, t->held[i].map->name) == 0;
		say("    #%d '%s'%s%s%s taken at %s", i, t->held[i].map->name,
		    same ? "" : " (class '", same ? "" : cls, same ? "" : "')",
		    site_name(t->held[i].site, s, sizeof(s)));
	}
}

/* ----------------------------------------------------------- set-up -- */

void lockdep_init(void)
{
	lockdep_active = cmdline_bool("lockdep", cmdline_has("test"));
}

bool lockdep_enabled(void)
{
	return lockdep_active;
}

void lockdep_set_enabled(bool on)
{
	lockdep_active = on;
}

void lockdep_set_current(lockdep_current_t fn)
{
	current_fn = fn ? fn : boot_current;
}

void lockdep_task_init(struct lockdep_task *t, int id, const char *name)
{
	t->id = id;
	t->name = name;
	t->depth = 0;
}

void lockdep_map_init(struct lockdep_map *m, const char *name,
		      struct lock_class_key *key, enum lockdep_kind kind)
{
	m->name = name;
	m->key = key;
	m->kind = (uint8_t)kind;
}

static void limit_reached(const char *what)
{
	if (limit_said)
		return;
	limit_said = true;
	count_report(LOCKDEP_R_LIMIT);
	say("%s table full: lock orders are no longer recorded", what);
}

/* The class of m, registered at its first acquisition; 0: table full. */
static uint16_t class_of(const struct lockdep_map *m)
{
	struct lock_class_key *k = m->key;
	if (k->id)
		return k->id;
	for (uint16_t i = 0; i < LOCKDEP_MAX_CLASSES; i++) {
		if (classes[i].key)
			continue;
		classes[i].key = k;
		classes[i].name = m->name;
		if (i >= nclasses)
			nclasses = (uint16_t)(i + 1);
		k->id = (uint16_t)(i + 1);
		return k->id;
	}
	limit_reached("class");
	return 0;
}

/* -------------------------------------------------------- the graph -- */

/*
 * The shortest path from `from` to `to` in the order graph, as the list of
 * classes path[0] = from ... path[n-1] = to; returns n, 0 if none.
 */
static int find_path(uint16_t from, uint16_t to, uint16_t *path)
{
	static uint16_t parent[LOCKDEP_MAX_CLASSES + 1];
	static uint16_t queue[LOCKDEP_MAX_CLASSES];
	int head = 0, tail = 0, n = 0;
	memset(parent, 0, sizeof(parent));
	parent[from] = from;
	queue[tail++] = from;
	while (head < tail) {
		uint16_t a = queue[head++];
		if (a == to)
			break;
		for (uint16_t b = 1; b <= nclasses; b++)
			if (order[a][b] && !parent[b]) {
				parent[b] = a;
				queue[tail++] = b;
			}
	}
	if (!parent[to])
		return 0;
	for (uint16_t c = to;; c = parent[c]) {
		path[n++] = c;
		if (c == from)
			break;
	}
	for (int i = 0; i < n / 2; i++) { /* it was built backwards */
		uint16_t x = path[i];
		path[i] = path[n - 1 - i];
		path[n - 1 - i] = x;
	}
	return n;
}

static void say_order(const struct lockdep_order *o)
{
	char s1[64], s2[64];
	say("  '%s' -> '%s': task %d '%s' took '%s' at %s, then '%s' at %s",
	    lockdep_class_name(o->from), lockdep_class_name(o->to), o->task_id,
	    o->task, lockdep_class_name(o->from),
	    site_name(o->from_site, s1, 64), lockdep_class_name(o->to),
	    site_name(o->to_site, s2, 64));
}

/* "the cycle: 'B' -> 'C' -> 'A' -> 'B'" on one line (cut if very long). */
static void cycle_line(const uint16_t *path, int n, uint16_t b)
{
	char line[160];
	size_t used = 0;
	for (int i = 0; i < n && used < sizeof(line); i++)
		used += (size_t)fmt_snprintf(line + used, sizeof(line) - used,
					     "'%s' -> ",
					     lockdep_class_name(path[i]));
	if (used < sizeof(line))
		fmt_snprintf(line + used, sizeof(line) - used, "'%s'",
			     lockdep_class_name(b));
	say("the cycle: %s", line);
}

/*
 * The new order a -> b (b about to be taken at `site` by t, a on top of
 * its stack) closes the cycle b -> ... -> a of `path`.
 */
static void report_cycle(const struct lockdep_task *t, uint16_t a, uint16_t b,
			 uintptr_t site, const uint16_t *path, int n)
{
	char s[64];
	count_report(LOCKDEP_R_CYCLE);
	say("possible circular locking dependency (circular wait, not yet "
	    "happened)");
	say("task %d '%s' takes '%s' at %s while holding '%s':", t->id, t->name,
	    lockdep_class_name(b), site_name(site, s, sizeof(s)),
	    lockdep_class_name(a));
	say_held(t);
	say("but the opposite order was seen before:");
	for (int i = 0; i + 1 < n; i++)
		say_order(&orders[order[path[i]][path[i + 1]] - 1]);
	cycle_line(path, n, b);
	say("tasks taking these in both orders at once would each wait for a "
	    "lock another holds: a deadlock");
}

/* Record a -> b (new) with its witness; check it first. */
static void add_order(const struct lockdep_task *t, const struct held_lock *h,
		      uint16_t b, uintptr_t site)
{
	static uint16_t path[LOCKDEP_MAX_CLASSES + 1];
	uint16_t a = h->cls;
	struct lockdep_order *o;
	int n = find_path(b, a, path);
	if (n)
		report_cycle(t, a, b, site, path, n);
	if (norders == LOCKDEP_MAX_ORDERS) {
		limit_reached("order");
		return;
	}
	o = &orders[norders++];
	o->from = a;
	o->to = b;
	o->task_id = t->id;
	strlcpy(o->task, t->name ? t->name : "?", sizeof(o->task));
	o->from_site = h->site;
	o->to_site = site;
	order[a][b] = (uint16_t)norders;
}

/* ------------------------------------------------- acquire, release -- */

static void report_recursion(const struct lockdep_task *t,
			     const struct held_lock *h,
			     const struct lockdep_map *m, uint16_t cls,
			     uintptr_t site)
{
	char s1[64], s2[64];
	count_report(LOCKDEP_R_RECURSION);
	say("possible recursive locking: task %d '%s' takes '%s' (class '%s') "
	    "at %s",
	    t->id, t->name, m->name, lockdep_class_name(cls),
	    site_name(site, s1, sizeof(s1)));
	say("but already holds '%s' of that class, taken at %s%s", h->map->name,
	    site_name(h->site, s2, sizeof(s2)),
	    h->map == m ? " (the same lock: it waits for itself forever)" : "");
	say_held(t);
}

void lockdep_acquire(const struct lockdep_map *m, uintptr_t site)
{
	struct lockdep_task *t;
	uint16_t cls;
	bool on;
	if (!lockdep_active || !m->key || busy)
		return;
	on = irq_save();
	busy = true;
	t = current_fn();
	acquisitions++;
	cls = class_of(m);
	if (cls) {
		int n =
		    t->depth < LOCKDEP_MAX_HELD ? t->depth : LOCKDEP_MAX_HELD;
		for (int i = 0; i < n; i++)
			if (t->held[i].cls == cls) {
				report_recursion(t, &t->held[i], m, cls, site);
				break;
			}
		if (n > 0 && t->held[n - 1].cls && t->held[n - 1].cls != cls &&
		    !order[t->held[n - 1].cls][cls])
			add_order(t, &t->held[n - 1], cls, site);
	}
	if (t->depth < LOCKDEP_MAX_HELD) {
		t->held[t->depth].map = m;
		t->held[t->depth].cls = cls;
		t->held[t->depth].site = site;
	} else {
		limit_reached("held-lock");
	}
	t->depth++;
	busy = false;
	irq_restore(on);
}

void lockdep_release(const struct lockdep_map *m, uintptr_t site)
{
	struct lockdep_task *t;
	bool on;
	int n;
	if (!lockdep_active || !m->key || busy)
		return;
	on = irq_save();
	busy = true;
	t = current_fn();
	n = t->depth < LOCKDEP_MAX_HELD ? t->depth : LOCKDEP_MAX_HELD;
	for (int i = n - 1; i >= 0; i--)
		if (t->held[i].map == m) { /* any order: close the gap */
			for (int j = i; j + 1 < n; j++)
				t->held[j] = t->held[j + 1];
			t->depth--;
			goto out;
		}
	if (t->depth > LOCKDEP_MAX_HELD) {
		t->depth--; /* one of those past the table */
	} else {
		char s[64];
		count_report(LOCKDEP_R_UNBALANCED);
		say("task %d '%s' releases '%s' at %s, which it does not hold",
		    t->id, t->name, m->name, site_name(site, s, sizeof(s)));
	}
out:
	busy = false;
	irq_restore(on);
}

void lockdep_might_sleep(const char *what, uintptr_t site)
{
	struct lockdep_task *t;
	bool on, spin = false;
	int n;
	if (!lockdep_active || busy)
		return;
	on = irq_save();
	busy = true;
	t = current_fn();
	n = t->depth < LOCKDEP_MAX_HELD ? t->depth : LOCKDEP_MAX_HELD;
	for (int i = 0; i < n; i++)
		spin |= t->held[i].map->kind == LOCKDEP_SPIN;
	if (spin) {
		char s[64];
		count_report(LOCKDEP_R_SLEEP);
		say("sleeping function %s called at %s while holding a "
		    "spinlock:",
		    what, site_name(site, s, sizeof(s)));
		say_held(t);
	}
	busy = false;
	irq_restore(on);
}

void lockdep_task_exit(struct lockdep_task *t)
{
	bool on;
	if (!lockdep_active || t->depth == 0 || busy)
		return;
	on = irq_save();
	busy = true;
	count_report(LOCKDEP_R_EXIT_HELD);
	say("task %d '%s' exits holding locks:", t->id, t->name);
	say_held(t);
	t->depth = 0;
	busy = false;
	irq_restore(on);
}

/* --------------------------------------------------------- for tests -- */

uint32_t lockdep_reports(enum lockdep_report_kind k)
{
	return (unsigned)k < LOCKDEP_R_KINDS ? reports[k] : 0;
}

void lockdep_capture_begin(char *buf, size_t len)
{
	bool on = irq_save();
	cap_buf = len ? buf : NULL;
	cap_len = len;
	cap_used = 0;
	cap_reports = 0;
	if (len)
		buf[0] = '\0';
	irq_restore(on);
}

uint32_t lockdep_capture_end(void)
{
	bool on = irq_save();
	uint32_t n = cap_reports;
	cap_buf = NULL;
	irq_restore(on);
	return n;
}

/* Drop every order naming class c; the witnesses are compacted. */
static void drop_orders_of(uint16_t c)
{
	uint32_t keep = 0;
	for (uint32_t i = 0; i < norders; i++) {
		struct lockdep_order *o = &orders[i];
		if (o->from == c || o->to == c) {
			order[o->from][o->to] = 0;
			continue;
		}
		orders[keep] = *o;
		order[o->from][o->to] = (uint16_t)(keep + 1);
		keep++;
	}
	norders = keep;
}

void lockdep_forget(struct lock_class_key *key)
{
	bool on = irq_save();
	uint16_t c = key->id;
	if (c) {
		drop_orders_of(c);
		classes[c - 1].key = NULL;
		classes[c - 1].name = NULL;
		key->id = 0;
		limit_said = false;
	}
	irq_restore(on);
}

void lockdep_get_stats(struct lockdep_stats *s)
{
	bool on = irq_save();
	s->classes = 0;
	for (uint16_t i = 0; i < nclasses; i++)
		s->classes += classes[i].key != NULL;
	s->orders = norders;
	s->acquisitions = acquisitions;
	memcpy(s->reports, reports, sizeof(reports));
	irq_restore(on);
}

void lockdep_for_each_order(void (*fn)(uint16_t from, uint16_t to, void *ctx),
			    void *ctx)
{
	for (uint32_t i = 0; i < norders; i++)
		fn(orders[i].from, orders[i].to, ctx);
}
