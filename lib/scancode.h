/*
 * scancode: PS/2 scancode set 1 to the bytes a serial terminal would send,
 * for a US keyboard layout (pure: a state machine, no I/O).
 *
 * drivers/keyboard.c reads one scancode per byte from the 8042 controller
 * (which translates the keyboard's set 2 into set 1 for us) and passes it
 * here; the bytes that come out go into the keyboard's ring buffer.  So the
 * console reads one input language from both the keyboard and the serial
 * line: ASCII, '\r' for Enter, DEL (0x7f) for Backspace, control bytes for
 * Ctrl-letter chords, and "ESC [ A/B/C/D" for the arrow keys.
 *
 * Set 1 in brief: a key's "make" code is sent when it goes down and its
 * "break" code (make | 0x80) when it goes up; the newer keys (arrows, right
 * Ctrl, keypad Enter, ...) send the prefix 0xE0 before both codes, and
 * Pause sends the six bytes E1 1D 45 E1 9D C5 with no break code.
 *
 * Kept state: both Shift keys, both Ctrl keys, Caps Lock (toggled on its
 * make code), and the prefixes.  Keys with no terminal meaning (F-keys,
 * Alt, Num Lock, Scroll Lock) produce nothing; the keypad gives digits and
 * operators as with Num Lock on.  Caps Lock only affects letters.
 */
#ifndef KEEL_LIB_SCANCODE_H
#define KEEL_LIB_SCANCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest output for one scancode: "ESC [ A". */
#define SCANCODE_OUT_MAX 3

struct scancode_state {
	bool lshift, rshift, lctrl, rctrl, caps;
	bool e0;	 /* the last byte was the 0xE0 prefix */
	uint8_t e1_left; /* bytes of the Pause sequence still to skip */
};

void scancode_init(struct scancode_state *s);

/*
 * Feed one byte from the controller; writes what it means into out and
 * returns how many bytes that is (0 .. SCANCODE_OUT_MAX).
 */
size_t scancode_feed(struct scancode_state *s, uint8_t code,
		     char out[SCANCODE_OUT_MAX]);

#endif
