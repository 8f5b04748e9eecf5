/* libkeel: helpers shared by the programs of user/ (see libkeel.h). */
#include "libkeel.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long keel_free_frames(void)
{
	long n = syscall(KEEL_SYS_FREE_FRAMES);

	return n < 0 ? -1 : n;
}

const char *sig_name(int sig)
{
	/* Linux i386 numbers (asm/signal.h), the ones a student meets. */
	static const char *const names[] = {
	    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",	  [SIGQUIT] = "SIGQUIT",
	    [SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	    [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",	  [SIGKILL] = "SIGKILL",
	    [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	    [SIGCHLD] = "SIGCHLD", [SIGSYS] = "SIGSYS",
	};

	if (sig > 0 && sig < (int)(sizeof(names) / sizeof(names[0])) &&
	    names[sig])
		return names[sig];
	return "SIG?";
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (long)got;
}

long arg_long(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (LONG_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

int arg_selects(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strncmp(name, argv[i], strlen(argv[i])) == 0)
			return 1;
	return 0;
}

void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int keel_running(void)
{
	static int known = -1;

	if (known < 0)
		known = keel_free_frames() >= 0;
	return known;
}

/* Frames missing against before, after up to a second for zombies to be
 * freed (keel frees some lazily). */
static void pause_10ms(void)
{
	struct timespec ts = {0, 10 * 1000000L};

	nanosleep(&ts, NULL);
}

static long frames_missing(long before)
{
	long now = keel_free_frames();

	for (int i = 0; i < 100 && now < before; i++) {
		pause_10ms();
		now = keel_free_frames();
	}
	return before - now;
}

static int ktap_run(const struct ktap_case *c, int number)
{
	long before = keel_free_frames();
	int ws;

	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0) {
		int r = c->fn();

		fflush(stdout);
		_exit(r == 0 ? 0 : 1);
	}
	int reaped = pid > 0 && waitpid(pid, &ws, 0) == pid;

	if (getpid() == 1) /* init adopts the case's orphans */
		while (waitpid(-1, NULL, 0) > 0)
			;
	int ok = reaped && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	long leaked = before >= 0 ? frames_missing(before) : 0;

	printf("%sok %d %s\n", ok && leaked <= 0 ? "" : "not ", number,
	       c->name);
	if (!reaped)
		printf("# could not fork or reap the case: %s\n",
		       strerror(errno));
	else if (WIFSIGNALED(ws))
		printf("# killed by signal %d (%s)\n", WTERMSIG(ws),
		       sig_name(WTERMSIG(ws)));
	if (ok && leaked > 0)
		printf("# leaked %ld frames\n", leaked);
	fflush(stdout);
	return ok && leaked <= 0;
}

extern const char __executable_start[], _end[];

void keel_prefault_image(void)
{
	volatile char stack[32768];
	char sink = 0;

	/* As addresses: the image's two ends are different objects to C. */
	for (uintptr_t a = (uintptr_t)__executable_start; a < (uintptr_t)_end;
	     a += 4096)
		sink ^= *(const volatile char *)a;
	memset((char *)stack, sink, sizeof stack);
}

int ktap_main(const struct ktap_case *cases, int n, int argc, char **argv)
{
	int planned = 0, passed = 0, number = 0;

	for (int i = 0; i < n; i++)
		planned += arg_selects(cases[i].name, argc, argv);
	/* Pages are loaded at their first touch (demand paging): run the
	 * leak check's own path once, outside any measurement. */
	if (keel_running()) { /* Linux has no frame check */
		keel_prefault_image();
		frames_missing(keel_free_frames());
		pause_10ms();
	}
	printf("KTAP version 1\n1..%d\n", planned);
	for (int i = 0; i < n; i++)
		if (arg_selects(cases[i].name, argc, argv))
			passed += ktap_run(&cases[i], ++number);
	printf("%d passed, %d failed\n", passed, planned - passed);
	fflush(stdout);
	return passed == planned ? 0 : 1;
}
