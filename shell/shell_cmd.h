/*
 * shell_cmd — what the console's command files share with shell/shell.c
 * (private to the shell: the rest of the kernel includes shell/shell.h).
 *
 * A command handler gets the words of its line, argv[0] being its name,
 * with the count already checked against the table's min_args/max_args.
 * It prints through shell_printf and returns SHELL_OK, SHELL_EFAIL (after
 * saying why), or shell_bad("...") for an argument it cannot use, which
 * makes the shell print "NAME: why; usage: USAGE" as one line.
 */
#ifndef KEEL_SHELL_SHELL_CMD_H
#define KEEL_SHELL_SHELL_CMD_H

#include <stdbool.h>
#include <stdint.h>

__attribute__((format(printf, 1, 2))) void shell_printf(const char *fmt, ...);
/* Record why an argument is wrong; returns SHELL_EUSAGE. */
__attribute__((format(printf, 1, 2))) int shell_bad(const char *fmt, ...);
/* Parse a number word (lib/argv.h rules) in [min, max]; on failure
 * returns false after shell_bad naming the word. */
bool shell_number(const char *word, uint32_t min, uint32_t max, uint32_t *out);

/* shell/shell_sched.c */
int shell_cmd_ps(int argc, char **argv);
int shell_cmd_mlfq(int argc, char **argv);
int shell_cmd_run(int argc, char **argv);

/* shell/shell_mm.c */
int shell_cmd_mem(int argc, char **argv);
int shell_cmd_heap(int argc, char **argv);
int shell_cmd_vm(int argc, char **argv);
int shell_cmd_tlb(int argc, char **argv);

/* shell/shell_proc.c */
void shell_proc_list(void);
int shell_cmd_exec(int argc, char **argv);
int shell_cmd_strace(int argc, char **argv);

/* shell/shell_sync.c */
int shell_cmd_locks(int argc, char **argv);
int shell_cmd_deadlock(int argc, char **argv);

/* shell/shell_disk.c */
int shell_cmd_disk(int argc, char **argv);

/* shell/shell_sys.c */
int shell_cmd_ticks(int argc, char **argv);
int shell_cmd_test(int argc, char **argv);
int shell_cmd_reboot(int argc, char **argv);
int shell_cmd_halt(int argc, char **argv);

/* `mem`'s swap and paging lines (shell_mm.c). */
void shell_swap_summary(void);

#endif
