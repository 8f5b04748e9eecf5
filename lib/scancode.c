/*
 * scancode — set 1, US layout (see scancode.h).  The code values are those
 * of the IBM PC/XT keyboard, which the 8042 keeps alive by translating.
 */
#include "lib/scancode.h"

#define SC_PREFIX_E0  0xE0
#define SC_PREFIX_E1  0xE1
#define SC_BREAK      0x80 /* set in a key-up code */
#define SC_PAUSE_HALF 2	   /* E1 is followed by two bytes, twice */

#define SC_LCTRL  0x1D
#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_CAPS	  0x3A
/* After the E0 prefix. */
#define SC_E0_RCTRL 0x1D
#define SC_E0_ENTER 0x1C
#define SC_E0_SLASH 0x35
#define SC_E0_UP    0x48
#define SC_E0_LEFT  0x4B
#define SC_E0_RIGHT 0x4D
#define SC_E0_DOWN  0x50

#define KEY_ESC	      0x1B
#define KEY_BACKSPACE 0x7F /* what terminals send for Backspace */
#define CTRL_MASK     0x1F /* Ctrl-A is 1, ..., Ctrl-Z is 26 */

/* Codes 0x00..0x53 without and with Shift; 0 means no character. */
#define SC_TABLE_SIZE 0x54
/* Thirteen codes a line, so that a code is easy to find by counting. */
/* clang-format off */
static const char plain[SC_TABLE_SIZE] = {
	0,   KEY_ESC, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-',
	'=', KEY_BACKSPACE, '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o',
	'p', '[', ']', '\r', 0,   'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l',
	';', '\'', '`', 0,   '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.',
	'/', 0,   '*', 0,   ' ', 0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   '7', '8', '9', '-', '4', '5', '6', '+', '1', '2',
	'3', '0', '.',
};
static const char shifted[SC_TABLE_SIZE] = {
	0,   KEY_ESC, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_',
	'+', KEY_BACKSPACE, '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O',
	'P', '{', '}', '\r', 0,   'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L',
	':', '"', '~', 0,   '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>',
	'?', 0,   '*', 0,   ' ', 0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   '7', '8', '9', '-', '4', '5', '6', '+', '1', '2',
	'3', '0', '.',
};
/* clang-format on */

void scancode_init(struct scancode_state *s)
{
	*s = (struct scancode_state){0};
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A key of the original keyboard (no prefix). */
static size_t plain_key(struct scancode_state *s, uint8_t code, bool up,
			char *out)
{
	bool shift = s->lshift || s->rshift;
	char c;
	if (code == SC_LSHIFT || code == SC_RSHIFT || code == SC_LCTRL) {
		bool *mod = code == SC_LSHIFT	? &s->lshift
			    : code == SC_RSHIFT ? &s->rshift
						: &s->lctrl;
		*mod = !up;
		return 0;
	}
	if (up || code >= SC_TABLE_SIZE)
		return 0;
	if (code == SC_CAPS) {
		s->caps = !s->caps;
		return 0;
	}
	c = shift ? shifted[code] : plain[code];
	if (s->caps && is_letter(c))
		c = shift ? plain[code] : shifted[code];
	if ((s->lctrl || s->rctrl) && is_letter(c))
		c = (char)(c & CTRL_MASK);
	out[0] = c;
	return c != 0;
}

/* A key sent with the E0 prefix: arrows, right Ctrl, keypad Enter and /. */
static size_t e0_key(struct scancode_state *s, uint8_t code, bool up, char *out)
{
	static const char arrows[] = "ABDC"; /* up, down, left, right */
	int arrow = code == SC_E0_UP	  ? 0
		    : code == SC_E0_DOWN  ? 1
		    : code == SC_E0_LEFT  ? 2
		    : code == SC_E0_RIGHT ? 3
					  : -1;
	if (code == SC_E0_RCTRL) {
		s->rctrl = !up;
		return 0;
	}
	if (up)
		return 0;
	if (arrow >= 0) {
		out[0] = KEY_ESC;
		out[1] = '[';
		out[2] = arrows[arrow];
		return 3;
	}
	if (code == SC_E0_ENTER || code == SC_E0_SLASH) {
		out[0] = code == SC_E0_ENTER ? '\r' : '/';
		return 1;
	}
	return 0; /* fake shifts, Home, Delete, ...: nothing */
}

size_t scancode_feed(struct scancode_state *s, uint8_t code,
		     char out[SCANCODE_OUT_MAX])
{
	bool e0 = s->e0;
	s->e0 = false;
	if (s->e1_left > 0) {
		s->e1_left--;
		return 0;
	}
	if (code == SC_PREFIX_E0) {
		s->e0 = true;
		return 0;
	}
	if (code == SC_PREFIX_E1) {
		s->e1_left = SC_PAUSE_HALF;
		return 0;
	}
	if (e0)
		return e0_key(s, code & ~SC_BREAK, code & SC_BREAK, out);
	return plain_key(s, code & ~SC_BREAK, code & SC_BREAK, out);
}
