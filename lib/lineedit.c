/*
 * lineedit — the console's line editor (see lineedit.h).
 */
#include "lib/lineedit.h"

#include "lib/string.h"

#define CH_CTRL_C 0x03
#define CH_BS	  0x08
#define CH_CTRL_U 0x15
#define CH_ESC	  0x1b
#define CH_DEL	  0x7f

/* Chunk for the "\b \b" runs that erase a shown line. */
#define ERASE_CHUNK 8

static void emit(struct lineedit *le, const char *s, size_t n)
{
	if (n > 0)
		le->out(le->ctx, s, n);
}

static void emit_str(struct lineedit *le, const char *s)
{
	emit(le, s, strlen(s));
}

static void new_line(struct lineedit *le)
{
	le->len = 0;
	le->buf[0] = '\0';
	le->too_long = false;
	le->browse = 0;
	le->finished = false;
}

void lineedit_init(struct lineedit *le, lineedit_out_fn out, void *ctx)
{
	memset(le, 0, sizeof(*le));
	le->out = out;
	le->ctx = ctx;
	new_line(le);
}

const char *lineedit_line(const struct lineedit *le)
{
	return le->buf;
}

bool lineedit_too_long(const struct lineedit *le)
{
	return le->too_long;
}

unsigned lineedit_history_count(const struct lineedit *le)
{
	return le->hist_count;
}

const char *lineedit_history(const struct lineedit *le, unsigned i)
{
	if (i >= le->hist_count)
		return NULL;
	return le->hist[(le->hist_first + le->hist_count - 1 - i) %
			LINEEDIT_HISTORY];
}

/* Take the shown line off the screen: "\b \b" once per byte. */
static void erase_shown(struct lineedit *le)
{
	static const char rub[] = "\b \b\b \b\b \b\b \b\b \b\b \b\b \b\b \b";
	size_t n = le->len;
	while (n > 0) {
		size_t k = n < ERASE_CHUNK ? n : ERASE_CHUNK;
		emit(le, rub, 3 * k);
		n -= k;
	}
}

/* Replace the line (and the screen's copy of it) with s. */
static void replace_line(struct lineedit *le, const char *s, bool too_long)
{
	erase_shown(le);
	le->len = strlcpy(le->buf, s, sizeof(le->buf));
	le->too_long = too_long;
	emit(le, le->buf, le->len);
}

static void insert(struct lineedit *le, char c)
{
	if (le->len == LINEEDIT_MAX) {
		const char bell = LINEEDIT_BELL;
		le->too_long = true;
		emit(le, &bell, 1);
		return;
	}
	le->buf[le->len++] = c;
	le->buf[le->len] = '\0';
	emit(le, &c, 1);
}

static void erase_last(struct lineedit *le)
{
	if (le->len == 0)
		return;
	le->buf[--le->len] = '\0';
	emit_str(le, "\b \b");
}

static void erase_all(struct lineedit *le)
{
	erase_shown(le);
	new_line(le);
}

/* ------------------------------------------------------------ history -- */

static void history_add(struct lineedit *le)
{
	const char *newest = lineedit_history(le, 0);
	unsigned slot;
	if (le->len == 0 || le->too_long)
		return;
	if (newest && strcmp(newest, le->buf) == 0)
		return;
	if (le->hist_count == LINEEDIT_HISTORY) {
		le->hist_first = (le->hist_first + 1) % LINEEDIT_HISTORY;
		le->hist_count--;
	}
	slot = (le->hist_first + le->hist_count) % LINEEDIT_HISTORY;
	strlcpy(le->hist[slot], le->buf, sizeof(le->hist[slot]));
	le->hist_count++;
}

/* Up arrow: one entry older; the line being typed is kept aside. */
static void history_older(struct lineedit *le)
{
	if (le->browse == le->hist_count) {
		const char bell = LINEEDIT_BELL;
		emit(le, &bell, 1);
		return;
	}
	if (le->browse == 0) {
		strlcpy(le->typed, le->buf, sizeof(le->typed));
		le->typed_too_long = le->too_long;
	}
	le->browse++;
	replace_line(le, lineedit_history(le, le->browse - 1), false);
}

/* Down arrow: one entry newer, and finally the line that was typed. */
static void history_newer(struct lineedit *le)
{
	if (le->browse == 0)
		return;
	le->browse--;
	if (le->browse == 0)
		replace_line(le, le->typed, le->typed_too_long);
	else
		replace_line(le, lineedit_history(le, le->browse - 1), false);
}

/* ----------------------------------------------------- escape sequences -- */

/* ECMA-48 byte classes inside a control sequence. */
static bool csi_inner(uint8_t c)
{
	return c >= 0x20 && c <= 0x3f; /* parameters and intermediates */
}

static bool csi_final(uint8_t c)
{
	return c >= 0x40 && c <= 0x7e;
}

static void arrow(struct lineedit *le, uint8_t final)
{
	if (final == 'A')
		history_older(le);
	else if (final == 'B')
		history_newer(le);
	/* Left and right ('D', 'C') would need a cursor inside the line. */
}

/* The byte after ESC: '[' opens a control sequence, 'O' an SS3 one (the
 * arrow keys in "application" mode); ESC and a printable byte (an Alt-key
 * chord) is dropped whole. */
static void escape_start(struct lineedit *le, uint8_t c)
{
	if (c == '[')
		le->esc = LE_ESC_CSI;
	else if (c == 'O')
		le->esc = LE_ESC_SS3;
	else
		le->esc = LE_ESC_NONE;
}

/*
 * One byte while an escape sequence is open.  Returns true if the sequence
 * took the byte, false if the byte broke the sequence off and must be
 * processed as ordinary input (a control byte: Enter, Ctrl-C, ...).
 */
static bool escape_byte(struct lineedit *le, uint8_t c)
{
	if (c == CH_ESC) { /* a new sequence replaces the open one */
		le->esc = LE_ESC_START;
		le->esc_len = 0;
		return true;
	}
	if (c < 0x20) {
		le->esc = LE_ESC_NONE;
		return false;
	}
	if (le->esc == LE_ESC_START) {
		escape_start(le, c);
		return true;
	}
	if (csi_final(c)) {
		if (le->esc_len ==
		    0) /* "ESC [ 1 ; 5 A" (Ctrl-Up) is no arrow */
			arrow(le, c);
		le->esc = LE_ESC_NONE;
		return true;
	}
	if (le->esc == LE_ESC_CSI && csi_inner(c)) {
		if (le->esc_len < UINT8_MAX) /* only "none or some" matters */
			le->esc_len++;
		return true;
	}
	le->esc = LE_ESC_NONE; /* malformed: dropped with c */
	return true;
}

/* -------------------------------------------------------------- input -- */

static enum lineedit_event enter(struct lineedit *le)
{
	emit_str(le, "\n");
	history_add(le);
	le->finished = true;
	return LINEEDIT_DONE;
}

static enum lineedit_event control(struct lineedit *le, uint8_t c)
{
	switch (c) {
	case '\r':
	case '\n':
		return enter(le);
	case CH_DEL:
	case CH_BS:
		erase_last(le);
		break;
	case CH_CTRL_U:
		erase_all(le);
		break;
	case CH_CTRL_C:
		emit_str(le, "^C\n");
		le->finished = true;
		return LINEEDIT_CANCEL;
	case CH_ESC:
		le->esc = LE_ESC_START;
		le->esc_len = 0;
		break;
	default:
		break; /* other control bytes and 0x80..0xff: ignored */
	}
	return LINEEDIT_MORE;
}

enum lineedit_event lineedit_feed(struct lineedit *le, uint8_t c)
{
	bool after_cr = le->after_cr;
	le->after_cr = c == '\r';
	if (c == '\n' && after_cr)
		return LINEEDIT_MORE; /* the second half of "\r\n" */
	if (le->finished)
		new_line(le);
	if (le->esc != LE_ESC_NONE && escape_byte(le, c))
		return LINEEDIT_MORE;
	if (c >= 0x20 && c < CH_DEL) {
		insert(le, (char)c);
		return LINEEDIT_MORE;
	}
	return control(le, c);
}
