/*
 * vga — text-mode console (see vga.h).
 */
#include "drivers/vga.h"

#include "arch/layout.h"
#include "arch/x86.h"
#include "lib/string.h"

#define VGA_TEXT_PHYS		   0xB8000u
#define CRTC_INDEX		   0x3D4
#define CRTC_DATA		   0x3D5
#define CRTC_CURSOR_START	   0x0A
#define CRTC_CURSOR_HI		   0x0E
#define CRTC_CURSOR_LO		   0x0F
#define CURSOR_SCANLINES_UNDERLINE 0x0D /* start scan line 13 (of 0..15) */
#define TAB_WIDTH		   8

static volatile uint16_t *const vga_mem = (uint16_t *)KVIRT(VGA_TEXT_PHYS);
static unsigned row, col;
static uint8_t attr = (VGA_BLACK << 4) | VGA_LIGHT_GREY;

static uint16_t vga_blank(void)
{
	return (uint16_t)(attr << 8) | ' ';
}

static void vga_update_cursor(void)
{
	uint16_t pos = (uint16_t)(row * VGA_COLS + col);
	outb(CRTC_INDEX, CRTC_CURSOR_HI);
	outb(CRTC_DATA, pos >> 8);
	outb(CRTC_INDEX, CRTC_CURSOR_LO);
	outb(CRTC_DATA, pos & 0xFF);
}

void vga_clear(void)
{
	for (unsigned i = 0; i < VGA_COLS * VGA_ROWS; i++)
		vga_mem[i] = vga_blank();
	row = col = 0;
	vga_update_cursor();
}

void vga_init(void)
{
	outb(CRTC_INDEX, CRTC_CURSOR_START);
	outb(CRTC_DATA, CURSOR_SCANLINES_UNDERLINE);
	vga_clear();
}

void vga_set_color(enum vga_color fg, enum vga_color bg)
{
	attr = (uint8_t)((bg << 4) | fg);
}

/* One line up.  memmove copies a word at a time: scrolling runs inside
 * interrupt handlers that print (the scheduler's trace), so it must be
 * cheap.  Text memory is plain memory to the CPU; only the cursor needs
 * port I/O. */
static void vga_scroll(void)
{
	memmove((void *)vga_mem, (const void *)(vga_mem + VGA_COLS),
		VGA_COLS * (VGA_ROWS - 1) * sizeof(uint16_t));
	for (unsigned i = 0; i < VGA_COLS; i++)
		vga_mem[VGA_COLS * (VGA_ROWS - 1) + i] = vga_blank();
	row = VGA_ROWS - 1;
}

static void vga_newline(void)
{
	col = 0;
	if (++row == VGA_ROWS)
		vga_scroll();
}

void vga_putc(char c)
{
	switch (c) {
	case '\n':
		vga_newline();
		break;
	case '\r':
		col = 0;
		break;
	case '\b':
		if (col > 0)
			vga_mem[row * VGA_COLS + --col] = vga_blank();
		break;
	case '\t':
		col = (col + TAB_WIDTH) & ~(unsigned)(TAB_WIDTH - 1);
		if (col >= VGA_COLS)
			vga_newline();
		break;
	default:
		vga_mem[row * VGA_COLS + col] =
		    (uint16_t)(attr << 8) | (uint8_t)c;
		if (++col == VGA_COLS)
			vga_newline();
	}
	vga_update_cursor();
}

uint16_t vga_cell(unsigned r, unsigned c)
{
	return vga_mem[r * VGA_COLS + c];
}

void vga_cursor(unsigned *r, unsigned *c)
{
	*r = row;
	*c = col;
}
