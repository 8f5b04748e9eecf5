/*
 * lineedit: the console's line editor, fed one byte at a time (pure: no
 * I/O of its own, no allocation, no globals).
 *
 * The kernel's shell feeds it every byte that arrives on the serial line or
 * from the keyboard (whose driver turns arrow keys into the same escape
 * sequences a serial terminal sends), and it answers through one output
 * callback with what the terminal must show.  The same file runs in the
 * host tests, where the callback writes into a buffer.
 *
 * What each input byte does:
 *   printable (0x20..0x7e)  appended and echoed; when the line already
 *                           holds LINEEDIT_MAX bytes it is dropped, the
 *                           bell ('\a') rings and the line is marked too
 *                           long (until it ends or Ctrl-U erases it, so
 *                           that the shell refuses it instead of running
 *                           what fitted);
 *   '\r', '\n', "\r\n"      Enter: the line is complete ("\r\n" counts once);
 *   DEL (0x7f), BS (0x08)   erase the last byte, shown as "\b \b";
 *   Ctrl-U (0x15)           erase the whole line;
 *   Ctrl-C (0x03)           abandon the line ("^C" and a newline);
 *   ESC [ A, ESC O A        the previous history entry (up arrow);
 *   ESC [ B, ESC O B        the next one, and past the newest, the line
 *                           that was being typed (down arrow);
 *   any other escape sequence, control byte or byte >= 0x80: ignored.
 *
 * Escape sequences are parsed by a small state machine (ECMA-48's CSI
 * shape: ESC '[' parameters intermediates final, and ESC 'O' final).  A
 * control byte inside a sequence ends it and is then processed normally,
 * so a stray ESC can never swallow the Enter or Ctrl-C after it; a
 * printable byte that cannot belong to the sequence ends it and is dropped
 * with it.  A sequence may be of any length: every letter is a final byte,
 * so typing ends it at once.
 *
 * The cursor is always at the end of the line, so the screen can be kept
 * right with echo, "\b \b" and nothing else: after every call the text the
 * terminal shows since the prompt equals the line (the host test checks
 * this on random input).  A recalled history entry is drawn by erasing the
 * shown line and writing the entry.
 *
 * History: the last LINEEDIT_HISTORY non-empty lines that were not too
 * long, oldest dropped first; a line equal to the newest entry is not
 * stored twice.
 */
#ifndef KEEL_LIB_LINEEDIT_H
#define KEEL_LIB_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bytes in a line.  72 keeps a full line plus the 6-byte prompt "keel> "
 * on one row of the 80-column VGA screen: "\b" cannot move back across a
 * wrapped row there, so a longer line could not be erased correctly.
 */
#define LINEEDIT_MAX	 72
#define LINEEDIT_HISTORY 16

#define LINEEDIT_BELL '\a'

/* Receives n bytes to show on the terminal. */
typedef void (*lineedit_out_fn)(void *ctx, const char *s, size_t n);

/* What lineedit_feed() reports. */
enum lineedit_event {
	LINEEDIT_MORE,	 /* the line goes on */
	LINEEDIT_DONE,	 /* Enter: lineedit_line() holds the line */
	LINEEDIT_CANCEL, /* Ctrl-C: the line was abandoned */
};

enum lineedit_esc { LE_ESC_NONE, LE_ESC_START, LE_ESC_CSI, LE_ESC_SS3 };

struct lineedit {
	char buf[LINEEDIT_MAX + 1]; /* the line, NUL-terminated */
	size_t len;
	bool too_long;
	bool finished;	 /* the last call ended the line: start a new one */
	bool after_cr;	 /* the last byte was '\r': a '\n' now is no Enter */
	uint8_t esc;	 /* enum lineedit_esc */
	uint8_t esc_len; /* parameter bytes seen (saturates) */
	/* History ring: entry k (0 = oldest) is hist[(first + k) % N]. */
	char hist[LINEEDIT_HISTORY][LINEEDIT_MAX + 1];
	unsigned hist_first, hist_count;
	unsigned browse;	      /* 0: editing; k: k-th newest */
	char typed[LINEEDIT_MAX + 1]; /* the line before browsing */
	bool typed_too_long;
	lineedit_out_fn out;
	void *ctx;
};

/* An empty editor with an empty history; output goes to out(ctx, ...). */
void lineedit_init(struct lineedit *le, lineedit_out_fn out, void *ctx);

/*
 * One input byte.  After LINEEDIT_DONE the line can be read until the next
 * call, which starts a new line.
 */
enum lineedit_event lineedit_feed(struct lineedit *le, uint8_t c);

/* The current (or just completed) line, NUL-terminated. */
const char *lineedit_line(const struct lineedit *le);
/* Whether the current line overflowed the buffer. */
bool lineedit_too_long(const struct lineedit *le);

/* History entries stored, and entry i (0 = newest); NULL if i is out of
 * range. */
unsigned lineedit_history_count(const struct lineedit *le);
const char *lineedit_history(const struct lineedit *le, unsigned i);

#endif
