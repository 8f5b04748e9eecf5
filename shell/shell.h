/*
 * shell — the kernel console: a command line on the serial port and the
 * VGA screen, with the PS/2 keyboard as a second input.
 *
 * After boot (no test, crash, bench or poweroff option) kmain hands the
 * main task to shell_run(), which never returns.  It reads bytes from
 * either input (shell_getc), edits them into a line (lib/lineedit.c: echo,
 * backspace, history on the arrow keys), splits the line into words
 * (lib/argv.c) and runs the command named by the first word.  Each command
 * shows one subsystem: ps and mlfq the scheduler, mem the frames, heap the
 * kernel heap, vm the page tables, run an OSTEP workload, test the
 * self-tests; `help` lists them all.
 *
 * Guarantees:
 *  - nothing typed can crash the kernel: lines longer than LINEEDIT_MAX are
 *    refused whole, control bytes and escape sequences are filtered by the
 *    line editor, every argument is parsed strictly (lib/argv.h) and
 *    checked before anything is done, and a wrong one gets a one-line
 *    message ending in the command's usage;
 *  - the shell runs as the main task, so the self-test watchdog watches the
 *    cases `test` runs, and a workload started with `run` finds no other
 *    runnable thread (sched/workload_run.h requires both);
 *  - while it waits for input the main task is blocked (the CPU idles in
 *    the idle task) and is not charged for those ticks, so the MLFQ keeps
 *    the shell at the top level like any interactive task; a tick hook
 *    wakes it when a byte has arrived, at most one tick later.
 */
#ifndef KEEL_SHELL_SHELL_H
#define KEEL_SHELL_SHELL_H

#include <stdarg.h>

#define SHELL_PROMPT "keel> "
/* Ctrl-T: print the task list, whatever is being typed, and during run. */
#define SHELL_KEY_STATUS 0x14
/* Ctrl-C: abandon the line being typed; stop a command that can stop. */
#define SHELL_KEY_INTERRUPT 0x03
/* Words in a command line, the command's name included. */
#define SHELL_MAX_WORDS 16

/* shell_execute()'s results. */
#define SHELL_OK       0
#define SHELL_EUSAGE   1 /* wrong arguments: the usage line was printed */
#define SHELL_EFAIL    2 /* the command ran and failed; it said why */
#define SHELL_ENOCMD   3 /* no such command */
#define SHELL_ETOOLONG 4 /* the line does not fit the line buffer */

struct shell_cmd {
	const char *name;
	const char *usage;	/* "vm ADDR" */
	const char *help;	/* one line for `help` */
	const char *detail;	/* more for `help NAME`, or NULL */
	int min_args, max_args; /* words after the name */
	/* argv[0] is the name; returns SHELL_OK, SHELL_EUSAGE or SHELL_EFAIL.
	 */
	int (*fn)(int argc, char **argv);
};

/* The console loop; never returns. */
__attribute__((noreturn)) void shell_run(void);

/* Run one command line (for the loop and for the tests). */
int shell_execute(const char *line);

/* The next input byte from the serial line or the keyboard, whichever has
 * one; blocks while neither has.  Only after shell_run has started (it
 * installs the wake-up), and only from the main task. */
int shell_getc(void);

/*
 * Where the commands' own output goes: kvprintf unless replaced.  The
 * tests capture it; f NULL restores kvprintf.  Returns the previous one.
 * (Listings printed by other subsystems, such as the memory map of `mem`,
 * go straight to the console.)
 */
/*
 * While a long command runs (run: the workload owns the CPU and the shell
 * is blocked), a tick hook takes the keys from both inputs: Ctrl-T prints
 * the task list at once, Ctrl-C calls stop (from the timer interrupt: it
 * may only set a flag the command acts on), and any other byte is kept for
 * the next line (up to SHELL_TYPEAHEAD of them).  stop NULL ends this.
 */
#define SHELL_TYPEAHEAD 64
void shell_set_interrupt(void (*stop)(void));

typedef int (*shell_vprintf_t)(const char *fmt, va_list ap);
shell_vprintf_t shell_set_output(shell_vprintf_t f);

#endif
