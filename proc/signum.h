/*
 * signum — the signal numbers, dispositions and flags of Linux's i386 ABI,
 * and the kernel's records of them (proc/signal.h says how they are used).
 * Types and constants only, so that proc.h and the signal code can share
 * them without including each other.
 */
#ifndef KEEL_PROC_SIGNUM_H
#define KEEL_PROC_SIGNUM_H

#include <stdint.h>

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGWINCH	28
#define NSIG		65 /* signals 1..64 */
#define SIG_BIT(s)	(1ull << ((s)-1))
#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))

/* Dispositions and sigaction flags (asm-generic/signal-defs.h, x86). */
#define SIG_DFL	     0u
#define SIG_IGN	     1u
#define SA_NOCLDSTOP 0x00000001u
#define SA_NOCLDWAIT 0x00000002u
#define SA_SIGINFO   0x00000004u
#define SA_ONSTACK   0x08000000u
#define SA_RESTORER  0x04000000u
#define SA_RESTART   0x10000000u
#define SA_NODEFER   0x40000000u
#define SA_RESETHAND 0x80000000u

/* siginfo's si_code (asm-generic/siginfo.h). */
#define SI_USER	    0
#define SI_KERNEL   0x80
#define SI_TKILL    (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR  2 /* SIGBUS: a page that could not be read in */
#define CLD_EXITED  1
#define CLD_KILLED  2

/* One disposition: the kernel's struct sigaction on i386. */
struct k_sigaction {
	uint32_t handler; /* SIG_DFL, SIG_IGN or a user address */
	uint32_t flags;	  /* SA_* */
	uint32_t restorer;
	uint64_t mask; /* blocked while the handler runs */
};

/* Who sent a pending signal, for the handler's siginfo. */
struct sig_info {
	int32_t code;	/* SI_USER, SI_KERNEL, CLD_*, SEGV_* */
	int32_t pid;	/* the sender (SIGCHLD: the child) */
	int32_t status; /* SIGCHLD: exit code or signal */
	uint32_t addr;	/* faults: the address */
};

/*
 * A process's dispositions, and the sender of each pending signal (read
 * only when a handler runs).  Allocated at the first rt_sigaction that
 * asks for more than SIG_DFL: most processes never do, and keep the
 * 2.3 KiB.
 */
struct sighand {
	struct k_sigaction act[NSIG];
	struct sig_info info[NSIG];
};

#endif
