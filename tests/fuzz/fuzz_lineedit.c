/*
 * Fuzz target: lib/lineedit, the console's line editor.
 *
 * The input is a stream of keys: printable bytes, the three forms of Enter,
 * BS and DEL, Ctrl-U, Ctrl-C, the up and down arrows in both their CSI and
 * SS3 forms, escape sequences lineedit.h says are ignored (other finals,
 * parameters, Alt chords, sequences cut off by a control byte), other
 * control bytes, and raw bytes of any value.  Each key is fed byte by byte
 * and checked:
 *   - the line is NUL-terminated, at most LINEEDIT_MAX bytes, printable;
 *     the history holds at most LINEEDIT_HISTORY entries, each non-empty,
 *     printable, at most LINEEDIT_MAX bytes, none equal to the next newer;
 *   - the output is sane: run through a model terminal (printable bytes
 *     write and advance, '\b' moves back, '\a' rings, '\n' starts a row,
 *     nothing else allowed, never a '\b' at the start of the row), the row
 *     shows exactly the line after every byte, and one byte never produces
 *     more than it takes to erase and redraw a whole line;
 *   - a model of the editor written from lineedit.h's table of keys gives
 *     the line, the too-long mark, the events and the history.  A raw byte
 *     may land inside an escape sequence, where lineedit.h leaves its
 *     effect open, and the way the arrows browse after the recalled line
 *     was edited is not specified either: from such a byte until the line
 *     ends the model takes the editor's line as it is (it still checks
 *     every invariant, and the history stays exact).
 */
#include <stdio.h>
#include <string.h>

#include "lib/lineedit.h"
#include "tests/fuzz/fuzz.h"

#define LF_ROW	   512
#define LF_OUT_MAX (4 * LINEEDIT_MAX + 16)

/* The terminal the editor draws on: one row, a cursor. */
struct lf_term {
	char row[LF_ROW];
	size_t cursor, width; /* width: columns ever written on this row */
	size_t out;	      /* bytes of output for the current key byte */
	unsigned bells;
};

struct lf_model {
	char line[LINEEDIT_MAX + 1];
	bool too_long, finished, after_cr;
	bool exact; /* the model knows the line (see the top) */
	char hist[LINEEDIT_HISTORY][LINEEDIT_MAX + 1]; /* 0 = newest */
	unsigned nhist, browse;
	char typed[LINEEDIT_MAX + 1];
	bool typed_too_long;
};

struct lf_run {
	struct lineedit le;
	struct lf_term t;
	struct lf_model m;
	bool ended;   /* the line ended; lineedit_line() still shows it */
	uint8_t last; /* the byte fed last */
};

static void lf_out(void *ctx, const char *s, size_t n)
{
	struct lf_term *t = ctx;

	t->out += n;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f) {
			FZ_CHECK(t->cursor + 1 < LF_ROW, "row overflows");
			t->row[t->cursor++] = (char)c;
			if (t->cursor > t->width)
				t->width = t->cursor;
		} else if (c == '\b') {
			FZ_CHECK(t->cursor > 0,
				 "'\\b' at the start of the row");
			t->cursor--;
		} else if (c == '\n') {
			t->cursor = t->width = 0;
		} else {
			FZ_CHECK(c == LINEEDIT_BELL, "output byte %#x", c);
			t->bells++;
		}
	}
}

static bool lf_printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* The invariants, and the screen against the line. */
static void lf_check(struct lf_run *r)
{
	const char *line = lineedit_line(&r->le);
	size_t len = strnlen(line, LINEEDIT_MAX + 1);
	unsigned n = lineedit_history_count(&r->le);

	FZ_CHECK(len <= LINEEDIT_MAX && lf_printable(line),
		 "line of %zu bytes, or unprintable", len);
	FZ_CHECK(r->t.out <= LF_OUT_MAX, "%zu bytes of output for one byte",
		 r->t.out);
	FZ_CHECK(n <= LINEEDIT_HISTORY && !lineedit_history(&r->le, n),
		 "history of %u entries", n);
	for (unsigned i = 0; i < n; i++) {
		const char *h = lineedit_history(&r->le, i);

		FZ_CHECK(
		    h && h[0] && strnlen(h, LINEEDIT_MAX + 1) <= LINEEDIT_MAX &&
			lf_printable(h),
		    "history entry %u is empty, too long or unprintable", i);
		FZ_CHECK(i == 0 ||
			     strcmp(h, lineedit_history(&r->le, i - 1)) != 0,
			 "history entries %u and %u are equal", i - 1, i);
	}
	if (r->ended) {
		FZ_CHECK(r->t.cursor == 0 && r->t.width == 0,
			 "no new row after the line ended");
		return;
	}
	FZ_CHECK(r->t.cursor == len && memcmp(r->t.row, line, len) == 0,
		 "the screen shows '%.*s', the line is '%s'", (int)r->t.cursor,
		 r->t.row, line);
	for (size_t i = len; i < r->t.width; i++)
		FZ_CHECK(r->t.row[i] == ' ',
			 "'%c' left on screen after the line", r->t.row[i]);
}

/* ------------------------------------------------------------ the model -- */

static void lf_set_line(struct lf_model *m, const char *s, bool too_long)
{
	snprintf(m->line, sizeof(m->line), "%s", s);
	m->too_long = too_long;
}

/* Enter: the history takes the line unless empty, too long or a repeat. */
static void lf_model_enter(struct lf_model *m, const struct lineedit *le)
{
	if (!m->exact)
		lf_set_line(m, lineedit_line(le), lineedit_too_long(le));
	m->finished = true;
	if (!m->line[0] || m->too_long ||
	    (m->nhist && !strcmp(m->hist[0], m->line)))
		return;
	memmove(m->hist[1], m->hist[0],
		(LINEEDIT_HISTORY - 1) * sizeof m->hist[0]);
	snprintf(m->hist[0], sizeof(m->hist[0]), "%s", m->line);
	m->nhist += m->nhist < LINEEDIT_HISTORY;
}

static void lf_model_arrow(struct lf_model *m, bool up)
{
	if (up && m->browse < m->nhist) {
		if (m->browse == 0) {
			snprintf(m->typed, sizeof(m->typed), "%s", m->line);
			m->typed_too_long = m->too_long;
		}
		lf_set_line(m, m->hist[m->browse++], false);
	} else if (!up && m->browse > 1) {
		lf_set_line(m, m->hist[--m->browse - 1], false);
	} else if (!up && m->browse == 1) {
		m->browse = 0;
		lf_set_line(m, m->typed, m->typed_too_long);
	}
}

/* An edit of a recalled line: how the arrows go on is not specified. */
static void lf_model_edit(struct lf_model *m)
{
	if (m->browse)
		m->exact = false;
}

enum lf_key {
	LF_PRINT,
	LF_ENTER,
	LF_ERASE,
	LF_KILL,
	LF_CANCEL,
	LF_UP,
	LF_DOWN,
	LF_IGNORED,
	LF_RAW
};

/* A key's effect on the model (bytes already fed); its expected event. */
static enum lineedit_event lf_model_key(struct lf_run *r, enum lf_key k, char c)
{
	struct lf_model *m = &r->m;
	size_t len = strlen(m->line);

	switch (k) {
	case LF_PRINT:
		lf_model_edit(m);
		if (len == LINEEDIT_MAX) {
			m->too_long = true;
		} else {
			m->line[len] = c;
			m->line[len + 1] = '\0';
		}
		return LINEEDIT_MORE;
	case LF_ENTER:
		lf_model_enter(m, &r->le);
		return LINEEDIT_DONE;
	case LF_ERASE:
		lf_model_edit(m);
		if (len)
			m->line[len - 1] = '\0';
		return LINEEDIT_MORE;
	case LF_KILL:
		lf_model_edit(m);
		lf_set_line(m, "", false);
		return LINEEDIT_MORE;
	case LF_CANCEL:
		m->finished = true;
		return LINEEDIT_CANCEL;
	case LF_UP:
	case LF_DOWN:
		if (m->exact)
			lf_model_arrow(m, k == LF_UP);
		return LINEEDIT_MORE;
	default:
		return LINEEDIT_MORE;
	}
}

/* ---------------------------------------------------------- the keys -- */

/* Feeds one byte; the event and the checks after it. */
static enum lineedit_event lf_feed(struct lf_run *r, uint8_t b)
{
	enum lineedit_event ev;

	r->t.out = 0;
	ev = lineedit_feed(&r->le, b);
	/* The '\n' of "\r\n" leaves an ended line as it is. */
	if (ev != LINEEDIT_MORE)
		r->ended = true;
	else if (b != '\n' || r->last != '\r')
		r->ended = false;
	r->last = b;
	lf_check(r);
	return ev;
}

/* A new line starts with the first byte after the last one ended. */
static void lf_start_key(struct lf_model *m, uint8_t first)
{
	bool lf_after_cr = first == '\n' && m->after_cr;

	m->after_cr = false;
	if (!m->finished || lf_after_cr)
		return;
	m->finished = false;
	m->exact = true;
	m->browse = 0;
	lf_set_line(m, "", false);
}

/* Feeds the key's bytes; the event the key caused. */
static enum lineedit_event lf_feed_all(struct lf_run *r, const uint8_t *b,
				       size_t n)
{
	enum lineedit_event ev = LINEEDIT_MORE, e;

	for (size_t i = 0; i < n; i++) {
		FZ_CHECK(ev == LINEEDIT_MORE || b[i] == '\n',
			 "an event before the key's last byte");
		e = lf_feed(r, b[i]);
		if (e != LINEEDIT_MORE)
			ev = e;
	}
	return ev;
}

/* An escape sequence lineedit.h calls ignored, into b; its length. */
static size_t lf_ignored_seq(struct fz *in, uint8_t *b)
{
	uint8_t kind = fz_u8(in), fin = (uint8_t)(0x40 + fz_below(in, 0x3f));
	size_t n = 0;

	b[n++] = 0x1b;
	if (kind % 4 == 0) { /* an Alt chord: ESC and a printable byte */
		b[n] = (uint8_t)(0x20 + fz_below(in, 0x5f));
		if (b[n] == '[' || b[n] == 'O')
			b[n] = 'x';
		return n + 1;
	}
	b[n++] = kind % 4 == 1 ? 'O' : '[';
	if (kind % 4 == 1 && kind & 4) { /* SS3 broken by a printable byte */
		b[n++] = (uint8_t)(0x20 + fz_below(in, 0x20));
		return n;
	}
	if (kind % 4 == 3) { /* parameters, intermediates: no arrow at all */
		for (uint32_t k = 1 + fz_below(in, 6); k > 0; k--)
			b[n++] = (uint8_t)(0x30 + fz_below(in, 0x10));
		for (uint32_t k = fz_below(in, 3); k > 0; k--)
			b[n++] = (uint8_t)(0x20 + fz_below(in, 0x10));
	} else if (fin == 'A' || fin == 'B') {
		fin = 'C';
	}
	b[n++] = fin;
	return n;
}

/* Bytes for one key, and its kind. */
static size_t lf_key(struct fz *in, uint8_t *b, enum lf_key *k)
{
	static const uint8_t ctrl[] = {'\r', '\n', 0x03, 0x08, 0x7f, 0x15};
	static const enum lf_key ctrl_key[] = {LF_ENTER, LF_ENTER, LF_CANCEL,
					       LF_ERASE, LF_ERASE, LF_KILL};
	uint8_t sel = fz_u8(in);
	uint32_t i;
	size_t n = 0;

	if (sel < 128) {
		*k = LF_PRINT;
		b[0] = (uint8_t)(0x20 + sel % 0x5f);
		return 1;
	}
	if (sel < 176 || sel >= 250) { /* a control key, maybe after ESC [ */
		i = fz_below(in, 6);
		*k = ctrl_key[i];
		if (sel >= 250 &&
		    ctrl[i] != 0x7f) { /* it breaks the sequence */
			b[n++] = 0x1b;
			if (sel % 2)
				b[n++] = '[';
		}
		b[n++] = ctrl[i];
		if (ctrl[i] == '\r' && sel % 4 == 1)
			b[n++] = '\n';
		return n;
	}
	if (sel < 200) {
		*k = sel % 2 ? LF_UP : LF_DOWN;
		b[0] = 0x1b;
		b[1] = sel % 4 < 2 ? '[' : 'O';
		b[2] = sel % 2 ? 'A' : 'B';
		return 3;
	}
	if (sel < 224) {
		*k = LF_IGNORED;
		return lf_ignored_seq(in, b);
	}
	*k = sel < 240 ? LF_IGNORED : LF_RAW;
	b[0] = fz_u8(in);
	if (sel < 240 && (b[0] == 0x1b || (b[0] >= 0x20 && b[0] <= 0x7f) ||
			  memchr(ctrl, b[0], sizeof ctrl)))
		b[0] = 0x01; /* a control byte lineedit.h ignores */
	return 1;
}

static void lf_step(struct lf_run *r, struct fz *in)
{
	uint8_t b[16];
	enum lf_key k;
	size_t n = lf_key(in, b, &k);
	enum lineedit_event ev, want;
	unsigned bells = r->t.bells;
	bool full = strlen(r->m.line) == LINEEDIT_MAX && !r->m.finished;

	if (b[0] == '\n' && r->m.after_cr)
		k = LF_IGNORED; /* the second half of "\r\n" */
	lf_start_key(&r->m, b[0]);
	ev = lf_feed_all(r, b, n);
	if (k == LF_RAW)
		r->m.exact = false;
	want = lf_model_key(r, k, (char)b[0]);
	r->m.after_cr = b[n - 1] == '\r';
	if (k == LF_RAW) {
		if (ev == LINEEDIT_DONE)
			lf_model_enter(&r->m, &r->le);
		r->m.finished |= ev != LINEEDIT_MORE;
		want = ev;
	}
	FZ_CHECK(ev == want, "key %d: event %d, model %d", k, ev, want);
	if (r->m.exact || ev != LINEEDIT_MORE)
		FZ_CHECK(!r->m.exact ||
			     (!strcmp(lineedit_line(&r->le), r->m.line) &&
			      lineedit_too_long(&r->le) == r->m.too_long),
			 "key %d: line '%s' (too long %d), model '%s' (%d)", k,
			 lineedit_line(&r->le), lineedit_too_long(&r->le),
			 r->m.line, r->m.too_long);
	if (!r->m.exact)
		lf_set_line(&r->m, lineedit_line(&r->le),
			    lineedit_too_long(&r->le));
	FZ_CHECK(k != LF_PRINT || !full || !r->m.exact || r->t.bells > bells,
		 "no bell for a byte past the end of the line");
}

/* The history against the model's. */
static void lf_check_history(const struct lf_run *r)
{
	FZ_CHECK(lineedit_history_count(&r->le) == r->m.nhist,
		 "%u history entries, model %u", lineedit_history_count(&r->le),
		 r->m.nhist);
	for (unsigned i = 0; i < r->m.nhist; i++)
		FZ_CHECK(!strcmp(lineedit_history(&r->le, i), r->m.hist[i]),
			 "history %u: '%s', model '%s'", i,
			 lineedit_history(&r->le, i), r->m.hist[i]);
}

static int fuzz_lineedit(const uint8_t *data, size_t size)
{
	static struct lf_run r;
	struct fz in = fz_init(data, size);

	memset(&r, 0, sizeof r);
	r.m.exact = true;
	lineedit_init(&r.le, lf_out, &r.t);
	lf_check(&r);
	while (fz_more(&in)) {
		lf_step(&r, &in);
		lf_check_history(&r);
	}
	return 0;
}

FUZZ_ENTRY(lineedit, fuzz_lineedit)
