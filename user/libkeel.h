/*
 * libkeel: the few helpers the programs of user/ share.  Everything here is
 * ordinary Linux i386 user code: it runs the same under qemu-i386 on the
 * host and on keel.
 *
 * keel-specific system calls take numbers far above Linux's (Linux i386
 * stops below 500), so on Linux they return -ENOSYS and a program can tell
 * the two kernels apart without guessing.
 */
#ifndef USER_LIBKEEL_H
#define USER_LIBKEEL_H

#include <stddef.h>

/* keel_free_frames(): the number of free physical frames (xv6's countfree). */
#define KEEL_SYS_FREE_FRAMES 1000

/* Free physical frames, or -1 when the kernel does not know the call
 * (Linux: ENOSYS). */
long keel_free_frames(void);

/*
 * Bring in every page of the program's image and 32 KiB of stack below the
 * caller (pages are loaded at their first touch: demand paging), so that a
 * leak check of free frames does not count this process's own first
 * touches of its code, data or stack as leaked frames.
 */
void keel_prefault_image(void);

/* keel_vm_limit(&req), keel_vm_trace(buf, max), keel_vm_stat(pid, out):
 * resident limits and policies, the last traced reference, vmstat's
 * counters (proc/swap.h and proc/sys_misc.c in the kernel). */
#define KEEL_SYS_VM_LIMIT 1003
#define KEEL_SYS_VM_TRACE 1004
#define KEEL_SYS_VM_STAT  1005
#define KEEL_VM_TRACE	  1u /* every reference seen (pagetouch) */

struct keel_vm_limit_req {
	unsigned int frames;	 /* the most resident pages; 0: no limit */
	int policy;		 /* enum vmp_kind, or -1: the boot default */
	unsigned int flags;	 /* KEEL_VM_TRACE */
	unsigned int lo, pages;	 /* the managed region; pages 0: all */
	int seed;		 /* rand, clock: random.seed(seed) */
	unsigned int skip;	 /* random() draws to discard first */
	int clockbits;		 /* OSTEP's -b */
	unsigned int future;	 /* opt, unopt: the page list (pointer) */
	unsigned int future_len; /* its length */
};

/* vmstat: out[0..5] minor, major, swap-ins, swap-outs, write-backs, soft
 * faults; [6] resident pages; [7] swap slots used, [8] in all; [9] free
 * frames.  pid 0: the caller; -1: the whole kernel. */
#define KEEL_VMSTAT_WORDS 10

/* "SIGSEGV" for 11, and so on; "SIG?" for a number it does not know. */
const char *sig_name(int sig);

/* Write all of buf to fd (retrying short writes); 0, or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);

/* Read until len bytes or end of file; the count, or -1 with errno. */
long read_full(int fd, void *buf, size_t len);

/* A command-line count: s as a non-negative decimal number, or -1 when
 * it is not one (empty, a sign, trailing junk, past LONG_MAX). */
long arg_long(const char *s);

/* Does the command line pick name?  No arguments pick everything; else an
 * argument picks the names it begins (usertests pipe, ubench fork_). */
int arg_selects(const char *name, int argc, char **argv);

/*
 * A KTAP suite of cases (vmtests, ipctests): each case runs in a forked
 * child, so one that crashes fails alone, with its signal; after each is
 * reaped, keel's free frames must be back where they were ("leaked N
 * frames" otherwise; skipped on Linux).  Prints the plan, one line a case
 * and "P passed, F failed"; returns main's exit status.
 */
struct ktap_case {
	const char *name;
	int (*fn)(void); /* 0: passed */
};
int ktap_main(const struct ktap_case *cases, int n, int argc, char **argv);
/* "# " and the message, on stdout (a case's diagnostic). */
void ktap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Is this keel (keel_free_frames works)? */
int keel_running(void);

#endif
