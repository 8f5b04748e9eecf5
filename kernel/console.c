/*
 * console — kprintf over serial and VGA (see console.h).
 */
#include "kernel/console.h"

#include "arch/x86.h"
#include "drivers/serial.h"
#include "lib/fmt.h"

#define CONSOLE_CHUNK 64

static int vga_on;
static bool quiet;
static uint32_t bytes_out;

void console_set_quiet(bool q)
{
	quiet = q;
}

uint32_t console_bytes_out(void)
{
	return bytes_out;
}

/* Serial output is gathered in a small buffer, so serial_write can fill
 * the UART's FIFO 16 bytes at a time instead of waiting per character. */
struct console_buf {
	char buf[CONSOLE_CHUNK];
	size_t n;
};

static void console_flush(struct console_buf *b)
{
	bytes_out += (uint32_t)b->n;
	serial_write(b->buf, b->n);
	b->n = 0;
}

static void console_put(char c, void *ctx)
{
	struct console_buf *b = ctx;
	if (b->n + 2 > CONSOLE_CHUNK)
		console_flush(b);
	if (c == '\n')
		b->buf[b->n++] = '\r';
	b->buf[b->n++] = c;
	if (vga_on)
		vga_putc(c);
}

static void console_emit(const char *s, size_t n)
{
	struct console_buf b;
	b.n = 0;
	for (size_t i = 0; i < n; i++)
		console_put(s[i], &b);
	console_flush(&b);
}

void console_init(void)
{
	serial_init();
	vga_init();
	vga_on = 1;
}

void console_write(const char *s, size_t n)
{
	bool on = irq_save();
	console_emit(s, n);
	irq_restore(on);
}

int kvprintf(const char *fmt, va_list ap)
{
	struct console_buf b;
	bool on;
	int n;
	if (quiet)
		return 0;
	on = irq_save();
	b.n = 0;
	n = fmt_vformat(console_put, &b, fmt, ap);
	console_flush(&b);
	irq_restore(on);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void console_set_color(enum vga_color fg, enum vga_color bg)
{
	vga_set_color(fg, bg);
}
