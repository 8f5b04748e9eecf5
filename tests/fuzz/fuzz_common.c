/*
 * The failure hooks of a fuzz target: kassert_fail() and kfatal(), which
 * every pure core calls on a broken invariant, and fz_fail(), which the
 * targets call when a check fails.
 *
 * The pure cores treat some calls as fatal by design (a frame freed twice,
 * a pointer the heap never handed out).  A target that makes such a call on
 * purpose wraps it in fz_catch_fatal(), which unwinds with longjmp the way
 * the host test runner's ktest_catch_fatal() does; anywhere else a kassert
 * or kfatal means the core found its own state broken, which is a bug the
 * fuzzer reports as a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/kassert.h"
#include "tests/fuzz/fuzz.h"

char fz_fatal_msg[512];
static jmp_buf *fz_fatal_env;

void fz_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz check failed at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

bool fz_catch_fatal(void (*fn)(void *), void *arg)
{
	jmp_buf env;
	jmp_buf *saved = fz_fatal_env;
	volatile bool caught = false;

	fz_fatal_msg[0] = '\0';
	fz_fatal_env = &env;
	if (setjmp(env) == 0)
		fn(arg);
	else
		caught = true;
	fz_fatal_env = saved;
	return caught;
}

static __attribute__((noreturn)) void fz_fatal_common(void)
{
	if (fz_fatal_env)
		longjmp(*fz_fatal_env, 1);
	fprintf(stderr, "unexpected fatal error: %s\n", fz_fatal_msg);
	abort();
}

void kassert_fail(const char *expr, const char *file, int line,
		  const char *func)
{
	snprintf(fz_fatal_msg, sizeof fz_fatal_msg,
		 "assertion '%s' failed at %s:%d in %s()", expr, file, line,
		 func);
	fz_fatal_common();
}

void kfatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fz_fatal_msg, sizeof fz_fatal_msg, fmt, ap);
	va_end(ap);
	fz_fatal_common();
}
