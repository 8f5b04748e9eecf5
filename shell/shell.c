/*
 * shell — the console loop, the command table and `help` (see shell.h).
 * The commands themselves live in shell_sched.c, shell_mm.c and
 * shell_sys.c.
 */
#include "shell/shell.h"

#include "arch/x86.h"
#include "drivers/keyboard.h"
#include "drivers/serial.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "lib/argv.h"
#include "lib/fmt.h"
#include "lib/lineedit.h"
#include "lib/string.h"
#include "sched/task.h"
#include "shell/shell_cmd.h"

#define SHELL_REASON_MAX 160

static int cmd_help(int argc, char **argv);

/* clang-format off */
static const struct shell_cmd commands[] = {
	{"help", "help [COMMAND]", "list the commands, or explain one",
	 NULL, 0, 1, cmd_help},
	{"ps", "ps", "the tasks, then the processes",
	 "'*' marks the running task (the shell itself at the prompt).  A\n"
	 "the timer ticks charged to it at each priority level (top first).\n"
	 "Then the processes, if any: pid, parent, state, user pages mapped\n"
	 "and how many are shared copy-on-write, areas, system calls made,\n"
	 "copy-on-write and demand-zero faults taken.  A blocked task ends\n"
	 "with what it waits for: 'waits: mutex NAME held by ID', a pipe...",
	 0, 0, shell_cmd_ps},
	{"mlfq", "mlfq", "the scheduler's queues and parameters",
	 "Per level: its quantum (ticks a task runs before the next one at\n"
	 "its level gets the CPU), its allotment (quanta before the task is\n"
	 "demoted: rule 4) and the tasks queued there, head first.",
	 0, 0, shell_cmd_mlfq},
	{"mem", "mem [dump]", "physical memory: the memory map and frame counts",
	 "'mem dump' prints the frames and heap blocks as MEMDUMP lines, the\n"
	 "input of tools/plot-mem.",
	 0, 1, shell_cmd_mem},
	{"heap", "heap [blocks]", "kernel heap statistics, or its blocks",
	 "Peak utilisation is CS:APP's: the most payload ever live divided by\n"
	 "the largest the heap has been.  'heap blocks' lists the blocks in\n"
	 "address order.",
	 0, 1, shell_cmd_heap},
	{"vm", "vm ADDR [PID]", "walk the page tables for a virtual address",
	 "ADDR is decimal or 0x-hex.  Shows the page directory entry, the\n"
	 "page table entry and the physical address, or where the walk stops.\n"
	 "With PID, in that process's address space (its user half).",
	 1, 2, shell_cmd_vm},
	{"disk", "disk [read LBA]", "the ATA disk: IDENTIFY, counters; a sector",
	 "Without words: the disk's model and size as IDENTIFY DEVICE gave\n"
	 "them, and the driver's counters (one IRQ 14 and one sleep of the\n"
	 "requesting task per sector moved).  'disk read LBA' prints sector\n"
	 "LBA as hex and text.",
	 0, 2, shell_cmd_disk},
	{"exec", "exec PATH [ARG]...", "run a program of the initrd as a process",
	 "The program gets the console (descriptors 0, 1, 2) until it exits;\n"
	 "then its exit status or the signal that killed it.  Ctrl-C sends\n"
	 "it SIGINT.  Example: exec /bin/sh",
	 1, SHELL_MAX_WORDS - 2, shell_cmd_exec},
	{"strace", "strace [all|off|PID]", "trace system calls as they happen",
	 "Each call of the traced processes is printed with its decoded\n"
	 "arguments and its result, as strace(1) does: limited direct\n"
	 "execution made visible.  No argument: what is traced now.",
	 0, 1, shell_cmd_strace},
	{"locks", "locks [orders]", "lock-order validator state, locks held",
	 "lockdep's counts (lock classes, orders seen, reports made), then\n"
	 "every task holding locks, each lock with the call site that took\n"
	 "it.  'locks orders' lists every order seen (A taken before B).",
	 0, 1, shell_cmd_locks},
	{"deadlock", "deadlock [demo|break]",
	 "find cycles of tasks waiting for each other",
	 "Follows each blocked task to the task it waits for (a mutex's\n"
	 "owner, a child) and prints every cycle, with the four conditions\n"
	 "of deadlock and what in the cycle meets each.  'deadlock demo'\n"
	 "makes two threads deadlock on two mutexes; 'deadlock break' ends it.",
	 0, 1, shell_cmd_deadlock},
	{"tlb", "tlb", "show a stale TLB entry and its two cures",
	 "Maps a page, points its PTE at another frame without invlpg and\n"
	 "reads through it again: the TLB still gives the old frame.  Then\n"
	 "invlpg, and a CR3 reload, each make the CPU see the new entry.",
	 0, 0, shell_cmd_tlb},
	{"run", "run JOBS [io=T] [levels=N] [quantum=Q,..] [allot=A,..] [boost=S]",
	 "run an OSTEP workload on kernel threads, tracing it live",
	 "JOBS is start,run,iofreq[:start,run,iofreq]... as OSTEP's -l, for\n"
	 "example 0,20,0:0,10,2.  The other words are OSTEP's -i, -n, -Q, -A\n"
	 "and -B; the defaults are mlfq.py's (3 levels, quantum 10, I/O 5).",
	 1, 6, shell_cmd_run},
	{"test", "test [GLOB]", "run the self-tests (all, or suite.name GLOB)",
	 "Prints KTAP and 'N passed, N failed'; the console stays up.  A case\n"
	 "that panics still ends the machine, and cases that need the test\n"
	 "harness on the host (serial.*) skip here.",
	 0, 1, shell_cmd_test},
	{"ticks", "ticks", "timer ticks since boot, and the tick rate",
	 NULL, 0, 0, shell_cmd_ticks},
	{"reboot", "reboot", "restart the machine (keyboard controller reset)",
	 NULL, 0, 0, shell_cmd_reboot},
	{"halt", "halt", "stop the machine (QEMU exits with status 39)",
	 NULL, 0, 0, shell_cmd_halt},
};
/* clang-format on */

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static shell_vprintf_t output = kvprintf;
static char reason[SHELL_REASON_MAX];
static struct lineedit editor;

/* ------------------------------------------------------------- output -- */

shell_vprintf_t shell_set_output(shell_vprintf_t f)
{
	shell_vprintf_t old = output;
	output = f ? f : kvprintf;
	return old;
}

void shell_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	output(fmt, ap);
	va_end(ap);
}

int shell_bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return SHELL_EUSAGE;
}

bool shell_number(const char *word, uint32_t min, uint32_t max, uint32_t *out)
{
	int err = argv_parse_range(word, min, max, out);
	if (err == ARGV_OK)
		return true;
	if (err == ARGV_ERANGE)
		shell_bad("'%s' is out of range (%u..%u)", word, min, max);
	else
		shell_bad("'%s': %s", word, argv_strerror(err));
	return false;
}

/* --------------------------------------------------------------- help -- */

static const struct shell_cmd *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct shell_cmd *c;
	if (argc == 1) {
		shell_printf("commands (help NAME for more):\n");
		for (size_t i = 0; i < NCOMMANDS; i++)
			shell_printf("  %-8s %s\n", commands[i].name,
				     commands[i].help);
		shell_printf("keys: Backspace, Ctrl-U (erase line), Ctrl-C "
			     "(abandon line, stop run), Up/Down (history),\n"
			     "  Ctrl-T (task list, also during run); a line "
			     "holds at most %d characters\n",
			     LINEEDIT_MAX);
		return SHELL_OK;
	}
	c = find(argv[1]);
	if (!c)
		return shell_bad("no command '%s'", argv[1]);
	shell_printf("usage: %s\n  %s\n", c->usage, c->help);
	if (c->detail)
		shell_printf("%s\n", c->detail);
	return SHELL_OK;
}

/* ----------------------------------------------------------- dispatch -- */

static int dispatch(const struct shell_cmd *c, int argc, char **argv)
{
	int rc;
	reason[0] = '\0';
	if (argc - 1 < c->min_args || argc - 1 > c->max_args)
		rc = shell_bad(argc - 1 < c->min_args ? "missing argument"
						      : "too many arguments");
	else
		rc = c->fn(argc, argv);
	if (rc == SHELL_EUSAGE)
		shell_printf("%s: %s; usage: %s\n", c->name,
			     reason[0] ? reason : "bad argument", c->usage);
	return rc;
}

/* Running what fit of a cut-off line could do something not asked for. */
static int refuse_long_line(void)
{
	shell_printf("keel: line too long (at most %d characters); nothing "
		     "was run\n",
		     LINEEDIT_MAX);
	return SHELL_ETOOLONG;
}

int shell_execute(const char *line)
{
	char buf[LINEEDIT_MAX + 1];
	char *argv[SHELL_MAX_WORDS];
	const struct shell_cmd *c;
	int argc;
	if (strlcpy(buf, line, sizeof(buf)) >= sizeof(buf))
		return refuse_long_line();
	argc = argv_split(buf, argv, SHELL_MAX_WORDS);
	if (argc < 0) {
		shell_printf(
		    "keel: %s; nothing was run (usage: COMMAND [ARGS], "
		    "at most %d words)\n",
		    argv_strerror(argc), SHELL_MAX_WORDS);
		return SHELL_EUSAGE;
	}
	if (argc == 0)
		return SHELL_OK;
	c = find(argv[0]);
	if (!c) {
		shell_printf(
		    "keel: unknown command '%s' (usage: COMMAND [ARGS]; "
		    "'help' lists the commands)\n",
		    argv[0]);
		return SHELL_ENOCMD;
	}
	return dispatch(c, argc, argv);
}

/* -------------------------------------------------------------- input -- */

/*
 * Waiting for input.  Polling with task_sleep(1) would make the shell the
 * task picked at every tick, and the MLFQ charges the whole tick to the
 * task picked for it (rule 4's accounting), so an idle shell would be
 * classed as CPU-bound and sink to the bottom level.  Instead it blocks on
 * a wait queue, and a tick hook wakes it when either input has a byte: the
 * shell is then charged only for the ticks in which input arrived, and
 * stays at the top as an interactive task should.  A byte waits at most a
 * tick before the shell sees it.
 */
static struct wait_queue input_wq;
static volatile bool input_waiting;

/* While a command can be interrupted: its stop function, and the bytes
 * typed meanwhile (written by the tick hook, read by shell_getc). */
static void (*volatile interrupt_fn)(void);
static char typeahead[SHELL_TYPEAHEAD];
static volatile unsigned typeahead_len, typeahead_pos;

static bool input_pending(void)
{
	return serial_rx_pending() > 0 || keyboard_pending() > 0;
}

static int input_getc(void)
{
	int c = serial_getc();
	return c >= 0 ? c : keyboard_getc();
}

void shell_set_interrupt(void (*stop)(void))
{
	bool on = irq_save();
	interrupt_fn = stop;
	irq_restore(on);
}

static void print_tasks(void)
{
	static char ps_name[] = "ps";
	char *ps_argv[] = {ps_name, NULL};
	kprintf("^T\n");
	shell_cmd_ps(1, ps_argv);
}

/* The keys typed while an interruptible command runs (interrupts off). */
static void interrupt_keys(void)
{
	int c;
	while ((c = input_getc()) >= 0) {
		if (c == SHELL_KEY_STATUS) {
			print_tasks();
		} else if (c == SHELL_KEY_INTERRUPT) {
			kprintf("^C\n");
			interrupt_fn();
		} else if (typeahead_len < SHELL_TYPEAHEAD) {
			typeahead[typeahead_len++] = (char)c;
		}
	}
}

static TRAP_CALL void input_tick(uint64_t now, struct trap_frame *tf)
{
	(void)now;
	(void)tf;
	if (interrupt_fn)
		interrupt_keys();
	else if (input_waiting && input_pending()) {
		input_waiting = false;
		wq_wake_one(&input_wq);
	}
}

static int typeahead_getc(void)
{
	int c = -1;
	bool on = irq_save();
	if (typeahead_pos < typeahead_len)
		c = (uint8_t)typeahead[typeahead_pos++];
	if (typeahead_pos == typeahead_len)
		typeahead_pos = typeahead_len = 0;
	irq_restore(on);
	return c;
}

int shell_getc(void)
{
	for (;;) {
		int c = typeahead_getc();
		bool on;
		if (c < 0)
			c = input_getc();
		if (c >= 0)
			return c;
		on =
		    irq_save(); /* no wake-up between the check and the block */
		if (!input_pending()) {
			input_waiting = true;
			wq_block(&input_wq);
		}
		irq_restore(on);
	}
}

/*
 * The line editor's output goes to both screens, except the bell: the
 * serial terminal beeps, but the VGA text screen would draw it as a glyph.
 */
static void editor_out(void *ctx, const char *s, size_t n)
{
	size_t start = 0;
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != LINEEDIT_BELL)
			continue;
		console_write(s + start, i - start);
		serial_putc(LINEEDIT_BELL);
		start = i + 1;
	}
	console_write(s + start, n - start);
}

static void prompt(void)
{
	console_set_color(VGA_LIGHT_GREEN, VGA_BLACK);
	kprintf("%s", SHELL_PROMPT);
	console_set_color(VGA_LIGHT_GREY, VGA_BLACK);
}

/*
 * Read one line; false if it was abandoned with Ctrl-C.  Ctrl-T ("status",
 * like BSD's SIGINFO key) prints the task list, then the prompt and the
 * line typed so far again.  Until the first byte of a new line the editor
 * still holds the previous (finished) line, which must not be redrawn.
 */
static bool read_line(void)
{
	bool started = false;
	for (;;) {
		int c = shell_getc();
		if (c == SHELL_KEY_STATUS) {
			print_tasks();
			prompt();
			kprintf("%s", started ? lineedit_line(&editor) : "");
			continue;
		}
		enum lineedit_event ev = lineedit_feed(&editor, (uint8_t)c);
		started = true;
		if (ev != LINEEDIT_MORE)
			return ev == LINEEDIT_DONE;
	}
}

void shell_run(void)
{
	lineedit_init(&editor, editor_out, NULL);
	wq_init_named(&input_wq, "console input");
	time_add_tick_hook(input_tick);
	if (!keyboard_init())
		kprintf(
		    "keel: no PS/2 keyboard controller; serial input only\n");
	kprintf("keel console: type 'help' for the commands\n");
	for (;;) {
		prompt();
		if (!read_line())
			continue;
		if (lineedit_too_long(&editor))
			refuse_long_line();
		else
			shell_execute(lineedit_line(&editor));
	}
}
