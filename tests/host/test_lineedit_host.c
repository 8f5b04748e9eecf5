/*
 * Host tests of lib/lineedit.c: a long run of random input (printables,
 * erases, escape sequences, history keys, Enter, Ctrl-U, Ctrl-C and
 * arbitrary bytes) checked against a model of the terminal.  After every
 * byte, what the terminal shows since the prompt must equal the editor's
 * line: this is the promise that lets the editor keep the screen right
 * with echo and "\b \b" alone.  AddressSanitizer watches the buffers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel/ktest.h"
#include "lib/lineedit.h"

#define LE_HOST_STEPS 2000000
#define LE_HOST_COLS  4096

/* A terminal row: cells written so far, and the cursor. */
struct le_term {
	char cells[LE_HOST_COLS];
	size_t len, cursor;
	char ended[LE_HOST_COLS]; /* the row a '\n' ended, up to the cursor */
	bool newline, bad;
};

static void le_term_out(void *ctx, const char *s, size_t n)
{
	struct le_term *t = ctx;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\n') {
			memcpy(t->ended, t->cells, t->cursor);
			t->ended[t->cursor] = '\0';
			t->len = t->cursor = 0;
			t->newline = true;
		} else if (c == '\b') {
			t->cursor -= t->cursor > 0;
		} else if (c >= 0x20 && c < 0x7f &&
			   t->cursor + 1 < LE_HOST_COLS) {
			t->cells[t->cursor++] = c;
			if (t->cursor > t->len)
				t->len = t->cursor;
		} else if (c != LINEEDIT_BELL) {
			t->bad =
			    true; /* anything else would confuse a terminal */
		}
	}
}

static uint32_t le_host_rand(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* Input with the interesting bytes much more likely than by chance. */
static uint8_t le_host_byte(uint32_t *rng)
{
	static const uint8_t special[] = {0x1b, '[',  'O',  'A',  'B',	'C',
					  '3',	';',  '~',  0x7f, 0x08, 0x15,
					  0x03, '\r', '\n', '\r', 0x7f, 0x1b};
	uint32_t r = le_host_rand(rng);
	if (r % 100 < 55)
		return (uint8_t)(0x20 + (r >> 8) % 95);
	if (r % 100 < 95)
		return special[(r >> 8) % sizeof(special)];
	return (uint8_t)(r >> 8);
}

/* The shown row equals the line: text up to the cursor, blanks after. */
static bool le_screen_matches(const struct le_term *t, const char *line)
{
	size_t n = strlen(line);
	if (t->cursor != n || memcmp(t->cells, line, n) != 0)
		return false;
	for (size_t i = t->cursor; i < t->len; i++)
		if (t->cells[i] != ' ')
			return false;
	return true;
}

static bool le_line_sane(const struct lineedit *le)
{
	const char *line = lineedit_line(le);
	size_t n = strlen(line);
	if (n > LINEEDIT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (line[i] < 0x20 || line[i] >= 0x7f)
			return false;
	return true;
}

static struct lineedit le_host_ed;
static struct le_term le_host_term;

/* One step; false (with a diagnostic) on the first broken promise. */
static bool le_host_step(struct lineedit *le, struct le_term *t, uint32_t *rng,
			 long step, unsigned *events)
{
	enum lineedit_event ev;
	t->newline = false;
	ev = lineedit_feed(le, le_host_byte(rng));
	events[ev]++;
	if (t->bad || !le_line_sane(le)) {
		ktest_diag("step %ld: bad output byte or line '%s'", step,
			   lineedit_line(le));
		return false;
	}
	/* (The '\n' of "\r\n" leaves the finished line readable.) */
	if (ev == LINEEDIT_MORE && !le->finished &&
	    !le_screen_matches(t, lineedit_line(le))) {
		ktest_diag("step %ld: screen shows %zu bytes, line is '%s'",
			   step, t->cursor, lineedit_line(le));
		return false;
	}
	if (ev == LINEEDIT_DONE && strcmp(t->ended, lineedit_line(le)) != 0) {
		ktest_diag("step %ld: Enter showed '%s' for line '%s'", step,
			   t->ended, lineedit_line(le));
		return false;
	}
	return true;
}

KTEST(lineedit_host, random_input_keeps_screen_and_line_equal)
{
	struct lineedit *le = &le_host_ed;
	struct le_term *t = &le_host_term;
	unsigned events[3] = {0, 0, 0};
	uint32_t rng = 0x2545F491u;
	memset(t, 0, sizeof(*t));
	lineedit_init(le, le_term_out, t);
	for (long i = 0; i < LE_HOST_STEPS; i++)
		KASSERT_TRUE(le_host_step(le, t, &rng, i, events));
	/* The run must have exercised every outcome, not just typing. */
	KEXPECT_GT(events[LINEEDIT_DONE], 1000);
	KEXPECT_GT(events[LINEEDIT_CANCEL], 1000);
	KEXPECT_GT(lineedit_history_count(le), 1);
}
