/*
 * keyboard — the PS/2 keyboard behind the 8042 keyboard controller, on
 * IRQ 1, and the controller's other job: the CPU reset line.
 *
 * The controller hands us one byte of scancode set 1 per interrupt (it
 * translates the keyboard's native set 2; keyboard_init makes sure that
 * translation is on).  The interrupt handler turns scancodes into terminal
 * bytes with lib/scancode.c and puts them into a ring buffer
 * (lib/ringbuf.h): the handler is the only producer, keyboard_getc the
 * only consumer.  Bytes the full ring had to drop are counted.
 *
 * The arrow keys come out as "ESC [ A" .. "ESC [ D", Enter as '\r' and
 * Backspace as DEL, as from a serial terminal, so the console reads both
 * inputs with one line editor.
 */
#ifndef KEEL_DRIVERS_KEYBOARD_H
#define KEEL_DRIVERS_KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>

#define KBD_IRQ	 1
#define KBD_RING 256

/*
 * Program the controller (first port's interrupt on, set 1 translation
 * on), hook IRQ 1 and unmask it.  Returns false, with the keyboard left
 * off, if the controller does not answer (no PS/2 hardware).  Calling it
 * again does nothing and returns the first answer.
 */
bool keyboard_init(void);
/* A byte typed on the keyboard, or -1 when none is waiting. */
int keyboard_getc(void);
/* Bytes waiting (a snapshot: callable from an interrupt handler). */
uint32_t keyboard_pending(void);
/* Scancodes received, and bytes dropped because the ring was full. */
uint32_t keyboard_scancodes(void);
uint32_t keyboard_dropped(void);

/*
 * Ask the controller to pulse the CPU's reset line (command 0xFE): the
 * machine restarts at once.  Returns only if the controller ignored the
 * command (or does not exist); the caller decides what to do then.
 */
void keyboard_reset_machine(void);

#endif
