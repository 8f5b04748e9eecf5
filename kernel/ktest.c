/*
 * ktest — the in-kernel test runner (see ktest_runner.h and ktest.h).
 */
#include "kernel/ktest.h"

#include "arch/qemu.h"
#include "arch/setjmp.h"
#include "arch/trap.h"
#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/ktest_runner.h"
#include "kernel/panic.h"
#include "kernel/time.h"
#include "lib/fmt.h"
#include "lib/glob.h"
#include "lib/string.h"

#define KTEST_DEFAULT_BUDGET_SECONDS 10
#define KTEST_MAX_PROBES	     4
#define KTEST_NAME_MAX		     96
#define KTEST_CATCH_MSG		     256

enum case_end { CASE_RAN, CASE_ABORTED, CASE_SKIPPED, CASE_TIMEOUT };

extern const struct ktest_case __start_ktest_cases[];
extern const struct ktest_case __stop_ktest_cases[];

static struct {
	const char *name;
	ktest_probe_t read;
} probes[KTEST_MAX_PROBES];
static unsigned nprobes;

/* State of the running case. */
static const struct ktest_case *current;
static volatile int current_index;
static volatile bool case_failed;
static const char *skip_reason;
static kjmp_buf case_env;
static volatile uint64_t case_deadline;
static ktest_context_check_t in_case_context;
static int passed, failed, skipped;

/* ktest_catch_fatal's landing place. */
static kjmp_buf *catch_env;
static char catch_msg[KTEST_CATCH_MSG];

void ktest_add_probe(const char *name, ktest_probe_t probe)
{
	if (nprobes < KTEST_MAX_PROBES) {
		probes[nprobes].name = name;
		probes[nprobes].read = probe;
		nprobes++;
	}
}

void ktest_set_context_check(ktest_context_check_t f)
{
	in_case_context = f;
}

bool ktest_active(void)
{
	return current != NULL;
}

bool ktest_streq_(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static __attribute__((noreturn)) void case_stop(int how)
{
	klongjmp(case_env, how);
}

void ktest_fail_int(const char *file, int line, const char *expr, long long a,
		    long long b, bool fatal)
{
	kprintf("# %s:%d: expected %s\n#   left:  %lld (0x%llx)\n"
		"#   right: %lld (0x%llx)\n",
		file, line, expr, a, (unsigned long long)a, b,
		(unsigned long long)b);
	case_failed = true;
	if (fatal)
		case_stop(CASE_ABORTED);
}

void ktest_fail_str(const char *file, int line, const char *expr, const char *a,
		    const char *b, bool fatal)
{
	kprintf("# %s:%d: expected %s\n#   left:  \"%s\"\n#   right: \"%s\"\n",
		file, line, expr, a ? a : "(null)", b ? b : "(null)");
	case_failed = true;
	if (fatal)
		case_stop(CASE_ABORTED);
}

void ktest_fail_msg(const char *file, int line, const char *msg, bool fatal)
{
	kprintf("# %s:%d: %s\n", file, line, msg);
	case_failed = true;
	if (fatal)
		case_stop(CASE_ABORTED);
}

void ktest_stop_(void)
{
	case_stop(CASE_ABORTED);
}

void ktest_skip(const char *reason)
{
	skip_reason = reason;
	case_stop(CASE_SKIPPED);
}

void ktest_diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kprintf("# ");
	kvprintf(fmt, ap);
	kprintf("\n");
	va_end(ap);
}

bool ktest_catch_fatal(void (*fn)(void *), void *arg, char *msg,
		       unsigned msglen)
{
	kjmp_buf env;
	kjmp_buf *volatile saved = catch_env;
	volatile bool caught = false;
	bool irqs_on = irq_enabled(); /* the fatal path may leave them off */
	catch_msg[0] = '\0';
	catch_env = &env;
	if (ksetjmp(env) == 0)
		fn(arg);
	else
		caught = true;
	catch_env = saved;
	if (irqs_on)
		sti();
	if (msg && msglen)
		strlcpy(msg, catch_msg, msglen);
	return caught;
}

/* The panic path's catcher (panic_set_hooks): if ktest_catch_fatal is
 * armed, return to it with the formatted message. */
static void catch_checkv(const char *fmt, va_list ap)
{
	kjmp_buf *env = catch_env;
	if (!env)
		return;
	fmt_vsnprintf(catch_msg, sizeof(catch_msg), fmt, ap);
	catch_env = NULL;
	klongjmp(*env, 1);
}

/* The watchdog's way out of a case: the timer interrupt resumes here. */
static __attribute__((noreturn, used)) void ktest_timeout_abort(void)
{
	case_stop(CASE_TIMEOUT);
}

static TRAP_CALL void ktest_watchdog(uint64_t now, struct trap_frame *tf)
{
	if (!current || now < case_deadline || (tf->cs & 3) != 0)
		return;
	if (in_case_context && !in_case_context())
		return;
	case_deadline = UINT64_MAX;
	tf->eip = (uint32_t)ktest_timeout_abort;
}

/* ktest.announce=1: a `# case N: suite.name (budget T ticks)` line before
 * each case, so that a harness can name the case a hung machine was
 * running, and tell when its watchdog should have fired. */
static bool announce;

static void case_name(const struct ktest_case *c, char *buf, size_t len)
{
	fmt_snprintf(buf, len, "%s.%s", c->suite, c->name);
}

static bool selected(const struct ktest_case *c, const char *glob)
{
	char name[KTEST_NAME_MAX];
	case_name(c, name, sizeof(name));
	return !glob || glob_match(glob, name);
}

static void read_probes(uint32_t *vals)
{
	for (unsigned i = 0; i < nprobes; i++)
		vals[i] = probes[i].read();
}

static void check_probes(const uint32_t *before)
{
	for (unsigned i = 0; i < nprobes; i++) {
		uint32_t after = probes[i].read();
		if (after != before[i]) {
			kprintf(
			    "# leak: %s was %u before the case and %u after\n",
			    probes[i].name, before[i], after);
			case_failed = true;
		}
	}
}

static uint64_t case_budget(const struct ktest_case *c)
{
	uint32_t ticks = c->budget_ticks;
	if (ticks == 0)
		ticks = KTEST_DEFAULT_BUDGET_SECONDS * time_hz();
	return ticks;
}

/* Run one case and print its result line. */
static void run_case(const struct ktest_case *c, int index)
{
	char name[KTEST_NAME_MAX];
	uint32_t before[KTEST_MAX_PROBES] = {0};
	volatile int how;

	case_name(c, name, sizeof(name));
	if (announce)
		kprintf("# case %d: %s (budget %u ticks)\n", index, name,
			(unsigned)case_budget(c));
	case_failed = false;
	skip_reason = NULL;
	read_probes(before);
	current_index = index;
	case_deadline = time_ticks() + case_budget(c);
	current = c;
	how = ksetjmp(case_env);
	if (how == CASE_RAN)
		c->fn();
	current = NULL;
	if (how == CASE_TIMEOUT) {
		kprintf("not ok %d %s # TIMEOUT after %u ticks\n", index, name,
			(unsigned)case_budget(c));
		failed++;
		return;
	}
	if (how != CASE_SKIPPED && !(c->flags & KTEST_F_NO_LEAK_CHECK))
		check_probes(before);
	if (how == CASE_SKIPPED) {
		kprintf("ok %d %s # SKIP %s\n", index, name, skip_reason);
		skipped++;
	} else if (case_failed) {
		kprintf("not ok %d %s\n", index, name);
		failed++;
	} else {
		kprintf("ok %d %s\n", index, name);
		passed++;
	}
}

static void print_totals(void)
{
	if (skipped)
		kprintf("%d passed, %d failed, %d skipped\n", passed, failed,
			skipped);
	else
		kprintf("%d passed, %d failed\n", passed, failed);
}

/* The panic path's hook (panic_set_hooks): report the running case, if
 * any, and end the run. */
static void on_panic(void)
{
	char name[KTEST_NAME_MAX];
	if (!current)
		return;
	case_name(current, name, sizeof(name));
	kprintf(
	    "not ok %d %s\n# the case crashed: see the panic report above\n",
	    current_index, name);
	current = NULL;
	failed++;
	print_totals();
	qemu_exit(QEMU_EXIT_FAIL);
}

/*
 * The watchdog is a tick hook, and hooks cannot be removed, so it is added
 * on the first run only; between runs it finds no case running and does
 * nothing.
 */
static void add_watchdog_once(void)
{
	static bool added;
	if (!added) {
		time_add_tick_hook(ktest_watchdog);
		added = true;
	}
}

void ktest_configure(void)
{
	announce = cmdline_bool("ktest.announce", false);
}

int ktest_run_here(const char *glob)
{
	const struct ktest_case *c;
	int n = 0, i = 0;

	add_watchdog_once();
	panic_set_hooks(on_panic, catch_checkv);
	passed = failed = skipped = 0;
	for (c = __start_ktest_cases; c < __stop_ktest_cases; c++)
		n += selected(c, glob);
	kprintf("KTAP version 1\n1..%d\n", n);
	if (n == 0 && glob) {
		kprintf("# no test matches '%s'\n", glob);
		failed++;
	}
	for (c = __start_ktest_cases; c < __stop_ktest_cases; c++)
		if (selected(c, glob))
			run_case(c, ++i);
	print_totals();
	return failed;
}

void ktest_run(const char *glob)
{
	int nfailed = ktest_run_here(glob);
	qemu_exit(nfailed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	kprintf("ktest: run finished; halting\n");
	halt_forever();
}
