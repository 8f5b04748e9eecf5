/*
 * The console's commands, run through shell_execute with their output
 * captured: each command answers, and every kind of bad input gets its
 * one-line usage message instead of doing anything.  (tools/console-test
 * drives the same commands end to end over the serial line.)
 */
#include <stdarg.h>
#include <stdbool.h>

#include "arch/layout.h"
#include "fs/disk.h"
#include "kernel/ktest.h"
#include "lib/fmt.h"
#include "lib/lineedit.h"
#include "lib/string.h"
#include "shell/shell.h"

#define SHELL_TEST_OUT 4096

static char shell_out[SHELL_TEST_OUT];
static size_t shell_out_len;

static int shell_capture(const char *fmt, va_list ap)
{
	int n = fmt_vsnprintf(shell_out + shell_out_len,
			      SHELL_TEST_OUT - shell_out_len, fmt, ap);
	shell_out_len += (size_t)n;
	if (shell_out_len >= SHELL_TEST_OUT)
		shell_out_len = SHELL_TEST_OUT - 1;
	return n;
}

/* Run line with the output captured into shell_out; returns the result. */
static int shell_run_captured(const char *line)
{
	shell_vprintf_t old = shell_set_output(shell_capture);
	int rc;
	shell_out_len = 0;
	shell_out[0] = '\0';
	rc = shell_execute(line);
	shell_set_output(old);
	return rc;
}

static bool shell_said(const char *text)
{
	bool found = strstr(shell_out, text) != NULL;
	if (!found)
		ktest_diag("no '%s' in: %s", text, shell_out);
	return found;
}

KTEST(shell, help_lists_every_command)
{
	static const char *const names[] = {"help",  "ps",     "mlfq", "mem",
					    "heap",  "vm",     "run",  "test",
					    "ticks", "reboot", "halt"};
	char want[16];
	KEXPECT_EQ(shell_run_captured("help"), SHELL_OK);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		fmt_snprintf(want, sizeof(want), "\n  %s ", names[i]);
		KEXPECT_TRUE(shell_said(want));
	}
	KEXPECT_EQ(shell_run_captured("help vm"), SHELL_OK);
	KEXPECT_TRUE(shell_said("usage: vm ADDR"));
}

/* `disk` answers with or without a disk; `disk read` checks its LBA. */
KTEST(shell, disk_command)
{
	KEXPECT_EQ(shell_run_captured("disk"), SHELL_OK);
	KEXPECT_TRUE(shell_said(disk_present() ? "ata0: " : "disk: none"));
	KEXPECT_EQ(shell_run_captured("disk read x"),
		   disk_present() ? SHELL_EUSAGE : SHELL_EFAIL);
	KEXPECT_EQ(shell_run_captured("disk write 0"), SHELL_EUSAGE);
	if (disk_present()) {
		KEXPECT_EQ(shell_run_captured("disk read 0"), SHELL_OK);
		KEXPECT_TRUE(shell_said("\n0000: 00 00 00 00 "));
	}
}

KTEST(shell, unknown_command_and_blank_line)
{
	KEXPECT_EQ(shell_run_captured("frobnicate 1 2"), SHELL_ENOCMD);
	KEXPECT_TRUE(shell_said("unknown command 'frobnicate'"));
	KEXPECT_EQ(shell_run_captured("   "), SHELL_OK);
	KEXPECT_EQ(shell_out_len, 0);
}

KTEST(shell, bad_arguments_get_the_usage_line)
{
	static const char *const bad[] = {"vm",
					  "vm 0x1g",
					  "vm 4294967296",
					  "vm -1",
					  "vm 1 2 3",
					  "ps now",
					  "heap x",
					  "mem y",
					  "help nosuch",
					  "run 0,0,0",
					  "run 0,5,0 io=x",
					  "run 0,5,0 quantum=0",
					  "run 0,5,0 allot=1,2",
					  "run 0,5,0 levels=99",
					  "run 0,5,0 boost",
					  "run 0,100000,1",
					  "ticks 1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = shell_run_captured(bad[i]);
		if (rc != SHELL_EUSAGE)
			ktest_diag("'%s' gave %d", bad[i], rc);
		KEXPECT_EQ(rc, SHELL_EUSAGE);
		KEXPECT_TRUE(shell_said("; usage: "));
		/* One line: the only newline ends it. */
		KEXPECT_PTR_EQ(strchr(shell_out, '\n'),
			       shell_out + shell_out_len - 1);
	}
}

KTEST(shell, lines_the_editor_could_not_hold_are_refused)
{
	char line[LINEEDIT_MAX + 8];
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	KEXPECT_EQ(shell_run_captured(line), SHELL_ETOOLONG);
	KEXPECT_TRUE(shell_said("line too long"));
	KEXPECT_EQ(
	    shell_run_captured("ps 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"),
	    SHELL_EUSAGE);
	KEXPECT_TRUE(shell_said("too many words"));
	KEXPECT_EQ(shell_run_captured("vm \"0"), SHELL_EUSAGE);
	KEXPECT_TRUE(shell_said("quote"));
}

KTEST(shell, vm_walks_kernel_text_to_its_frame)
{
	uintptr_t va = (uintptr_t)shell_execute; /* kernel text */
	char want[48];
	fmt_snprintf(want, sizeof(want), "vm 0x%08x", (unsigned)va);
	KEXPECT_EQ(shell_run_captured(want), SHELL_OK);
	KEXPECT_TRUE(shell_said("page directory entry 768"));
	KEXPECT_TRUE(shell_said("present, read-only, supervisor"));
	fmt_snprintf(want, sizeof(want), "physical address: 0x%08x",
		     (unsigned)KPHYS(va));
	KEXPECT_TRUE(shell_said(want));
}

KTEST(shell, vm_stops_where_nothing_is_mapped)
{
	KEXPECT_EQ(shell_run_captured("vm 0"), SHELL_OK);
	KEXPECT_TRUE(
	    shell_said("page directory entry 0: 0x00000000  not present"));
	KEXPECT_TRUE(shell_said("the walk stops here"));
	KEXPECT_FALSE(strstr(shell_out, "physical address:") != NULL);
	/* The last page is the page directory, through the recursive entry. */
	KEXPECT_EQ(shell_run_captured("vm 0xFFFFFFFF"), SHELL_OK);
	KEXPECT_TRUE(shell_said("the recursive entry"));
	KEXPECT_TRUE(shell_said("physical address: 0x"));
}

KTEST(shell, ps_and_mlfq_show_the_scheduler)
{
	KEXPECT_EQ(shell_run_captured("ps"), SHELL_OK);
	KEXPECT_TRUE(shell_said(" main "));
	KEXPECT_TRUE(shell_said(" idle "));
	KEXPECT_TRUE(shell_said("running"));
	KEXPECT_EQ(shell_run_captured("mlfq"), SHELL_OK);
	KEXPECT_TRUE(shell_said("levels"));
	KEXPECT_TRUE(shell_said("(main)")); /* main is queued somewhere */
}

KTEST(shell, heap_mem_and_ticks_answer)
{
	KEXPECT_EQ(shell_run_captured("heap"), SHELL_OK);
	KEXPECT_TRUE(shell_said("peak utilisation: "));
	KEXPECT_EQ(shell_run_captured("heap blocks"), SHELL_OK);
	KEXPECT_TRUE(shell_said(" allocated\n"));
	KEXPECT_EQ(shell_run_captured("mem"), SHELL_OK);
	KEXPECT_TRUE(shell_said("in use: "));
	KEXPECT_EQ(shell_run_captured("ticks"), SHELL_OK);
	KEXPECT_TRUE(shell_said(" Hz ("));
}
