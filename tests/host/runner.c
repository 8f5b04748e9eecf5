/*
 * The host test runner: runs every KTEST case linked into this binary (the
 * pure-code tests from tests/pure/ and the host-only ones from tests/host/),
 * prints KTAP version 1 and the closing `N passed, N failed` line, and exits
 * 1 if anything failed.  Built with AddressSanitizer and UBSan.
 *
 * Usage: ktest-host [GLOB]   (GLOB over suite.name, as the kernel's test=)
 */
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/ktest.h"
#include "lib/kassert.h"

extern const struct ktest_case __start_ktest_cases[];
extern const struct ktest_case __stop_ktest_cases[];

static jmp_buf case_env;
static int case_failed;
static const char *skip_reason;

static jmp_buf *fatal_env; /* set while ktest_catch_fatal runs */
static char fatal_msg[512];

bool ktest_streq_(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

void ktest_fail_int(const char *file, int line, const char *expr, long long a,
		    long long b, bool fatal)
{
	printf("# %s:%d: expected %s\n#   left:  %lld (0x%llx)\n#   right: "
	       "%lld (0x%llx)\n",
	       file, line, expr, a, (unsigned long long)a, b,
	       (unsigned long long)b);
	case_failed = 1;
	if (fatal)
		longjmp(case_env, 1);
}

void ktest_fail_str(const char *file, int line, const char *expr, const char *a,
		    const char *b, bool fatal)
{
	printf("# %s:%d: expected %s\n#   left:  \"%s\"\n#   right: \"%s\"\n",
	       file, line, expr, a ? a : "(null)", b ? b : "(null)");
	case_failed = 1;
	if (fatal)
		longjmp(case_env, 1);
}

void ktest_fail_msg(const char *file, int line, const char *msg, bool fatal)
{
	printf("# %s:%d: %s\n", file, line, msg);
	case_failed = 1;
	if (fatal)
		longjmp(case_env, 1);
}

void ktest_stop_(void)
{
	longjmp(case_env, 1);
}

void ktest_skip(const char *reason)
{
	skip_reason = reason;
	longjmp(case_env, 2);
}

void ktest_diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
}

bool ktest_catch_fatal(void (*fn)(void *), void *arg, char *msg,
		       unsigned msglen)
{
	jmp_buf env;
	jmp_buf *saved = fatal_env;
	bool caught = false;
	fatal_msg[0] = '\0';
	fatal_env = &env;
	if (setjmp(env) == 0)
		fn(arg);
	else
		caught = true;
	fatal_env = saved;
	if (msg && msglen) {
		strncpy(msg, fatal_msg, msglen - 1);
		msg[msglen - 1] = '\0';
	}
	return caught;
}

static __attribute__((noreturn)) void fatal_common(void)
{
	if (fatal_env)
		longjmp(*fatal_env, 1);
	fprintf(stderr, "FATAL: %s\n", fatal_msg);
	abort();
}

void kassert_fail(const char *expr, const char *file, int line,
		  const char *func)
{
	snprintf(fatal_msg, sizeof fatal_msg,
		 "assertion '%s' failed at %s:%d in %s()", expr, file, line,
		 func);
	fatal_common();
}

void kfatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fatal_msg, sizeof fatal_msg, fmt, ap);
	va_end(ap);
	fatal_common();
}

static int selected(const struct ktest_case *c, const char *glob)
{
	char full[256];
	if (c->flags & KTEST_F_KERNEL_ONLY)
		return 0;
	snprintf(full, sizeof full, "%s.%s", c->suite, c->name);
	return !glob || fnmatch(glob, full, 0) == 0;
}

enum outcome { PASSED, FAILED, SKIPPED };

/* setjmp lives here, in a function whose locals it cannot clobber. */
static enum outcome run_one(const struct ktest_case *c)
{
	case_failed = 0;
	skip_reason = NULL;
	if (setjmp(case_env) == 0)
		c->fn();
	if (skip_reason)
		return SKIPPED;
	return case_failed ? FAILED : PASSED;
}

int main(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : NULL;
	const struct ktest_case *c;
	int n = 0, i = 0, passed = 0, failed = 0, skipped = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (c = __start_ktest_cases; c < __stop_ktest_cases; c++)
		n += selected(c, glob);
	printf("KTAP version 1\n1..%d\n", n);
	for (c = __start_ktest_cases; c < __stop_ktest_cases; c++) {
		if (!selected(c, glob))
			continue;
		i++;
		enum outcome o = run_one(c);
		if (o == SKIPPED) {
			printf("ok %d %s.%s # SKIP %s\n", i, c->suite, c->name,
			       skip_reason);
			skipped++;
		} else if (o == FAILED) {
			printf("not ok %d %s.%s\n", i, c->suite, c->name);
			failed++;
		} else {
			printf("ok %d %s.%s\n", i, c->suite, c->name);
			passed++;
		}
	}
	if (n == 0 && glob)
		printf("# no test matches '%s'\n", glob);
	if (skipped)
		printf("# %d skipped\n", skipped);
	printf("%d passed, %d failed\n", passed, failed);
	return (failed || (n == 0 && glob)) ? 1 : 0;
}
