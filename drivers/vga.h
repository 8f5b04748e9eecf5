/*
 * vga — the 80x25 colour text console at physical 0xB8000.
 *
 * Each cell is a character byte and an attribute byte (background colour in
 * the high nibble, foreground in the low).  Writing past the last line
 * scrolls everything up one line; the hardware cursor (CRT controller
 * registers 0x0E/0x0F) follows the output.  Not reentrant: the console
 * layer calls it with interrupts off.
 */
#ifndef KEEL_DRIVERS_VGA_H
#define KEEL_DRIVERS_VGA_H

#include <stdint.h>

enum vga_color {
	VGA_BLACK,
	VGA_BLUE,
	VGA_GREEN,
	VGA_CYAN,
	VGA_RED,
	VGA_MAGENTA,
	VGA_BROWN,
	VGA_LIGHT_GREY,
	VGA_DARK_GREY,
	VGA_LIGHT_BLUE,
	VGA_LIGHT_GREEN,
	VGA_LIGHT_CYAN,
	VGA_LIGHT_RED,
	VGA_LIGHT_MAGENTA,
	VGA_YELLOW,
	VGA_WHITE,
};

#define VGA_COLS 80
#define VGA_ROWS 25

void vga_init(void);
void vga_clear(void);
void vga_putc(char c);
void vga_set_color(enum vga_color fg, enum vga_color bg);
/* The cell at (row, col): character in the low byte, attribute high. */
uint16_t vga_cell(unsigned row, unsigned col);
/* Where the next character goes. */
void vga_cursor(unsigned *row, unsigned *col);

#endif
