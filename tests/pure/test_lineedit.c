/*
 * Tests of lib/lineedit.c, run in the kernel at boot and on the host: what
 * each kind of input byte does to the line, to the history and to the
 * terminal output (echo, erase, bell, recall).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/ktest.h"
#include "lib/lineedit.h"
#include "lib/string.h"

#define LE_TEST_OUT 1024

struct le_sink {
	char text[LE_TEST_OUT];
	size_t n;
};

static void le_sink_out(void *ctx, const char *s, size_t n)
{
	struct le_sink *k = ctx;
	for (size_t i = 0; i < n && k->n + 1 < LE_TEST_OUT; i++)
		k->text[k->n++] = s[i];
	k->text[k->n] = '\0';
}

static void le_sink_clear(struct le_sink *k)
{
	k->n = 0;
	k->text[0] = '\0';
}

/* Feed a string; returns the last event, and how many lines ended. */
static enum lineedit_event le_feed_str(struct lineedit *le, const char *s,
				       int *lines)
{
	enum lineedit_event ev = LINEEDIT_MORE;
	for (; *s; s++) {
		ev = lineedit_feed(le, (uint8_t)*s);
		if (ev == LINEEDIT_DONE && lines)
			(*lines)++;
	}
	return ev;
}

/* The editor is big (its history): one per test, not on the stack. */
static struct lineedit le_ed;
static struct le_sink le_out;

static struct lineedit *le_fresh(void)
{
	le_sink_clear(&le_out);
	lineedit_init(&le_ed, le_sink_out, &le_out);
	return &le_ed;
}

KTEST(lineedit, echoes_and_completes_on_enter)
{
	struct lineedit *le = le_fresh();
	KEXPECT_EQ(le_feed_str(le, "ps -x", NULL), LINEEDIT_MORE);
	KEXPECT_STREQ(le_out.text, "ps -x");
	KEXPECT_EQ(lineedit_feed(le, '\r'), LINEEDIT_DONE);
	KEXPECT_STREQ(lineedit_line(le), "ps -x");
	KEXPECT_STREQ(le_out.text, "ps -x\n");
	KEXPECT_FALSE(lineedit_too_long(le));
}

KTEST(lineedit, cr_lf_is_one_enter_but_cr_cr_is_two)
{
	struct lineedit *le = le_fresh();
	int lines = 0;
	le_feed_str(le, "a\r\nb\r\n", &lines);
	KEXPECT_EQ(lines, 2);
	KEXPECT_STREQ(lineedit_line(le), "b");
	lines = 0;
	le_feed_str(le, "\r\r", &lines);
	KEXPECT_EQ(lines, 2);
	lines = 0;
	le_feed_str(le, "c\nd\n", &lines); /* bare LF ends lines too */
	KEXPECT_EQ(lines, 2);
	KEXPECT_STREQ(lineedit_line(le), "d");
}

KTEST(lineedit, backspace_and_delete_erase_one_byte)
{
	struct lineedit *le = le_fresh();
	le_feed_str(le, "tix\x7f", NULL);
	KEXPECT_STREQ(lineedit_line(le), "ti");
	le_feed_str(le, "\bck", NULL);
	KEXPECT_STREQ(lineedit_line(le), "tck");
	KEXPECT_STREQ(le_out.text, "tix\b \b\b \bck");
	/* Erasing an empty line does nothing and shows nothing. */
	le = le_fresh();
	le_feed_str(le, "\x7f\x7f\b", NULL);
	KEXPECT_STREQ(lineedit_line(le), "");
	KEXPECT_EQ(le_out.n, 0);
}

KTEST(lineedit, ctrl_u_erases_the_line_on_screen_too)
{
	struct lineedit *le = le_fresh();
	le_feed_str(le, "abc\x15", NULL);
	KEXPECT_STREQ(lineedit_line(le), "");
	KEXPECT_STREQ(le_out.text, "abc\b \b\b \b\b \b");
	le_feed_str(le, "ok\r", NULL);
	KEXPECT_STREQ(lineedit_line(le), "ok");
}

KTEST(lineedit, ctrl_c_abandons_without_history)
{
	struct lineedit *le = le_fresh();
	KEXPECT_EQ(le_feed_str(le, "halt\x03", NULL), LINEEDIT_CANCEL);
	KEXPECT_STREQ(le_out.text, "halt^C\n");
	KEXPECT_EQ(lineedit_history_count(le), 0);
	/* The next byte starts a new, empty line. */
	le_feed_str(le, "x\r", NULL);
	KEXPECT_STREQ(lineedit_line(le), "x");
}

KTEST(lineedit, overflow_rings_keeps_what_fits_and_marks_the_line)
{
	struct lineedit *le = le_fresh();
	char expect[LINEEDIT_MAX + 1];
	for (int i = 0; i < LINEEDIT_MAX + 3; i++)
		lineedit_feed(le, (uint8_t)('a' + i % 26));
	KEXPECT_EQ(strlen(lineedit_line(le)), LINEEDIT_MAX);
	KEXPECT_TRUE(lineedit_too_long(le));
	for (int i = 0; i < LINEEDIT_MAX; i++)
		expect[i] = (char)('a' + i % 26);
	expect[LINEEDIT_MAX] = '\0';
	KEXPECT_STREQ(lineedit_line(le), expect);
	/* Three bells, one per dropped byte, after the echo of what fit. */
	KEXPECT_EQ(le_out.n, LINEEDIT_MAX + 3);
	KEXPECT_EQ(le_out.text[LINEEDIT_MAX + 2], LINEEDIT_BELL);
	/* Still too long after an erase: the line lost bytes. */
	le_feed_str(le, "\x7f\r", NULL);
	KEXPECT_TRUE(lineedit_too_long(le));
	KEXPECT_EQ(lineedit_history_count(le), 0);
	/* The next line starts clean. */
	le_feed_str(le, "ps\r", NULL);
	KEXPECT_FALSE(lineedit_too_long(le));
}

KTEST(lineedit, control_bytes_and_high_bytes_are_ignored)
{
	struct lineedit *le = le_fresh();
	le_feed_str(le,
		    "a\x01\x02\x07\t\x0c\x80\xff\x1f"
		    "b",
		    NULL);
	KEXPECT_STREQ(lineedit_line(le), "ab");
	KEXPECT_STREQ(le_out.text, "ab");
}

KTEST(lineedit, escape_sequences_do_not_reach_the_line)
{
	struct lineedit *le = le_fresh();
	/* Right, left, delete, F5, Ctrl-Up, an Alt-x chord. */
	le_feed_str(le, "a\x1b[C\x1b[D\x1b[3~\x1b[15~\x1b[1;5A\x1bxb", NULL);
	KEXPECT_STREQ(lineedit_line(le), "ab");
	KEXPECT_STREQ(le_out.text, "ab");
}

KTEST(lineedit, control_byte_breaks_an_open_sequence)
{
	struct lineedit *le = le_fresh();
	int lines = 0;
	/* ESC [ then Enter: the Enter still ends the line. */
	le_feed_str(le, "ps\x1b[\r", &lines);
	KEXPECT_EQ(lines, 1);
	KEXPECT_STREQ(lineedit_line(le), "ps");
	/* A long sequence is dropped whole, and typing goes on after it. */
	le = le_fresh();
	le_feed_str(le, "\x1b[11111111111111111111111111111x", NULL);
	le_feed_str(le, "ok", NULL);
	KEXPECT_STREQ(lineedit_line(le), "ok");
}

KTEST(lineedit, up_and_down_walk_the_history)
{
	struct lineedit *le = le_fresh();
	le_feed_str(le, "one\rtwo\rthree\r", NULL);
	KEXPECT_EQ(lineedit_history_count(le), 3);
	KEXPECT_STREQ(lineedit_history(le, 0), "three");
	KEXPECT_STREQ(lineedit_history(le, 2), "one");
	KEXPECT_NULL(lineedit_history(le, 3));
	le_feed_str(le, "dr", NULL);
	le_feed_str(le, "\x1b[A", NULL);
	KEXPECT_STREQ(lineedit_line(le), "three");
	le_feed_str(le, "\x1bOA", NULL); /* application-mode up */
	KEXPECT_STREQ(lineedit_line(le), "two");
	le_feed_str(le, "\x1b[B", NULL);
	KEXPECT_STREQ(lineedit_line(le), "three");
	le_feed_str(le, "\x1b[B", NULL); /* back to what was typed */
	KEXPECT_STREQ(lineedit_line(le), "dr");
	le_feed_str(le, "\x1b[B", NULL); /* nothing newer: stays */
	KEXPECT_STREQ(lineedit_line(le), "dr");
}

KTEST(lineedit, recall_redraws_the_line)
{
	struct lineedit *le = le_fresh();
	le_feed_str(le, "heap\r", NULL);
	le_feed_str(le, "ab", NULL);
	le_sink_clear(&le_out);
	le_feed_str(le, "\x1b[A", NULL);
	KEXPECT_STREQ(le_out.text, "\b \b\b \bheap");
	le_sink_clear(&le_out);
	le_feed_str(le, "\x1b[A", NULL); /* past the oldest: the bell */
	KEXPECT_STREQ(le_out.text, "\a");
	KEXPECT_STREQ(lineedit_line(le), "heap");
	le_feed_str(le, "\r", NULL);
	KEXPECT_STREQ(lineedit_line(le), "heap");
}

KTEST(lineedit, history_skips_empty_repeated_and_keeps_the_last_16)
{
	struct lineedit *le = le_fresh();
	char cmd[8] = "cmd";
	le_feed_str(le, "\r  \rps\rps\r", NULL);
	KEXPECT_EQ(lineedit_history_count(le), 2); /* "  " is not empty */
	KEXPECT_STREQ(lineedit_history(le, 0), "ps");
	le = le_fresh();
	for (int i = 0; i < LINEEDIT_HISTORY + 4; i++) {
		cmd[3] = (char)('A' + i);
		le_feed_str(le, cmd, NULL);
		lineedit_feed(le, '\r');
	}
	KEXPECT_EQ(lineedit_history_count(le), LINEEDIT_HISTORY);
	KEXPECT_STREQ(lineedit_history(le, 0), "cmdT"); /* 'A' + 19 */
	KEXPECT_STREQ(lineedit_history(le, LINEEDIT_HISTORY - 1), "cmdE");
}
