/*
 * Tests of lib/scancode.c, run in the kernel at boot and on the host:
 * set 1 make and break codes in, terminal bytes out.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/ktest.h"
#include "lib/scancode.h"
#include "lib/string.h"

#define SC_TEST_OUT 64

/* Feed n codes; the bytes produced, NUL-terminated, in out. */
static size_t sc_feed(struct scancode_state *s, const uint8_t *codes, size_t n,
		      char *out)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		char b[SCANCODE_OUT_MAX];
		size_t k = scancode_feed(s, codes[i], b);
		for (size_t j = 0; j < k && len + 1 < SC_TEST_OUT; j++)
			out[len++] = b[j];
	}
	out[len] = '\0';
	return len;
}

#define SC_FEED(s, out, ...)                                                   \
	sc_feed((s), (const uint8_t[]){__VA_ARGS__},                           \
		sizeof((const uint8_t[]){__VA_ARGS__}), (out))

KTEST(scancode, letters_digits_and_enter_on_key_down_only)
{
	struct scancode_state s;
	char out[SC_TEST_OUT];
	scancode_init(&s);
	/* p (0x19), s (0x1F), each down then up; 1 (0x02); Enter (0x1C). */
	SC_FEED(&s, out, 0x19, 0x99, 0x1F, 0x9F, 0x02, 0x82, 0x1C, 0x9C);
	KEXPECT_STREQ(out, "ps1\r");
	SC_FEED(&s, out, 0x39, 0x0C, 0x0D, 0x2B, 0x35, 0x33, 0x34, 0x27, 0x28,
		0x29, 0x1A, 0x1B);
	KEXPECT_STREQ(out, " -=\\/,.;'`[]");
	SC_FEED(&s, out, 0x2C, 0x32, 0x10, 0x1E, 0x26);
	KEXPECT_STREQ(out, "zmqal");
}

KTEST(scancode, shift_changes_until_released)
{
	struct scancode_state s;
	char out[SC_TEST_OUT];
	scancode_init(&s);
	/* LShift down, v, 2, -, RShift also down, LShift up, x, RShift up, x */
	SC_FEED(&s, out, 0x2A, 0x2F, 0x03, 0x0C, 0x36, 0xAA, 0x2D, 0xB6, 0x2D);
	KEXPECT_STREQ(out, "V@_Xx");
}

KTEST(scancode, caps_lock_toggles_letters_only)
{
	struct scancode_state s;
	char out[SC_TEST_OUT];
	scancode_init(&s);
	/* Caps down/up, a, 1, Shift+a (lower again), Caps again, a. */
	SC_FEED(&s, out, 0x3A, 0xBA, 0x1E, 0x02, 0x2A, 0x1E, 0xAA, 0x3A, 0xBA,
		0x1E);
	KEXPECT_STREQ(out, "A1aa");
}

KTEST(scancode, ctrl_letter_gives_the_control_byte)
{
	struct scancode_state s;
	char out[SC_TEST_OUT];
	scancode_init(&s);
	/* LCtrl+c, LCtrl+u, release; right Ctrl (E0 1D) + c; release. */
	SC_FEED(&s, out, 0x1D, 0x2E, 0x16, 0x9D, 0x2E, 0xE0, 0x1D, 0x2E, 0xE0,
		0x9D, 0x2E);
	KEXPECT_EQ(out[0], 0x03);
	KEXPECT_EQ(out[1], 0x15);
	KEXPECT_EQ(out[2], 'c');
	KEXPECT_EQ(out[3], 0x03);
	KEXPECT_EQ(out[4], 'c');
	KEXPECT_EQ(strlen(out), 5);
}

KTEST(scancode, arrows_become_terminal_sequences)
{
	struct scancode_state s;
	char out[SC_TEST_OUT];
	scancode_init(&s);
	/* Up, its release, down, left, right (all with the E0 prefix). */
	SC_FEED(&s, out, 0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0x50, 0xE0, 0x4B, 0xE0,
		0x4D);
	KEXPECT_STREQ(out, "\x1b[A\x1b[B\x1b[D\x1b[C");
	/* Without E0, 0x48 is the keypad's 8. */
	SC_FEED(&s, out, 0x48, 0xC8);
	KEXPECT_STREQ(out, "8");
}

KTEST(scancode, backspace_escape_and_keypad_enter)
{
	struct scancode_state s;
	char out[SC_TEST_OUT];
	scancode_init(&s);
	SC_FEED(&s, out, 0x0E, 0x01, 0xE0, 0x1C, 0xE0, 0x35, 0x0F);
	KEXPECT_STREQ(out, "\x7f\x1b\r/\t");
}

KTEST(scancode, silent_keys_and_prefix_noise_give_nothing)
{
	struct scancode_state s;
	char out[SC_TEST_OUT];
	scancode_init(&s);
	/* F1, Alt, Num Lock, E0 fake shift around Home, Pause (6 bytes). */
	KEXPECT_EQ(SC_FEED(&s, out, 0x3B, 0x38, 0xB8, 0x45, 0xE0, 0x2A, 0xE0,
			   0x47, 0xE0, 0xC7, 0xE0, 0xAA, 0xE1, 0x1D, 0x45, 0xE1,
			   0x9D, 0xC5),
		   0);
	/* The fake shift did not stick, and Pause left no state behind. */
	SC_FEED(&s, out, 0x1E);
	KEXPECT_STREQ(out, "a");
	/* Codes beyond the table (F11, 0x7F) are ignored too. */
	KEXPECT_EQ(SC_FEED(&s, out, 0x57, 0x7F, 0xFF), 0);
}
