/*
 * tty — canonical-mode console input and plain output (tty.h).
 */
#include "fs/tty.h"

#include "arch/x86.h"
#include "drivers/keyboard.h"
#include "drivers/serial.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "sched/task.h"

#define CTRL_C 0x03
#define CTRL_T 0x14
#define CTRL_D 0x04
#define BS     0x08
#define DEL    0x7f
#define ESC    0x1b

static struct file *console_file;
static volatile bool active;
static void (*interrupt_fn)(void);
static void (*status_fn)(void);
static struct wait_queue readers;

/* The line being typed, and the finished input waiting to be read. */
static char line[TTY_LINE_MAX];
static uint32_t line_len;
static char ready[TTY_LINE_MAX];
static uint32_t ready_len, ready_pos;
static bool eof_pending;
static int esc_state; /* skipping an escape sequence (arrow keys) */

static void echo(const char *s, uint32_t n)
{
	console_write(s, n);
}

/* Move the typed line to the readable buffer (only when it is empty). */
static void finish_line(void)
{
	memcpy(ready, line, line_len);
	ready_len = line_len;
	ready_pos = 0;
	line_len = 0;
	wq_wake_all(&readers);
}

static void input_byte(int c)
{
	if (esc_state) {
		/* ESC [ ... final byte in 0x40..0x7e */
		if (esc_state == 1 && c == '[')
			esc_state = 2;
		else if (esc_state == 1 || (c >= 0x40 && c <= 0x7e))
			esc_state = 0;
		return;
	}
	switch (c) {
	case ESC:
		esc_state = 1;
		return;
	case CTRL_C:
		echo("^C\n", 3);
		line_len = 0;
		if (interrupt_fn)
			interrupt_fn();
		return;
	case CTRL_T:
		if (status_fn)
			status_fn();
		return;
	case CTRL_D:
		if (line_len == 0) {
			eof_pending = true;
			wq_wake_all(&readers);
		} else {
			finish_line();
		}
		return;
	case BS:
	case DEL:
		if (line_len > 0) {
			line_len--;
			echo("\b \b", 3);
		}
		return;
	case '\r':
	case '\n':
		line[line_len++] = '\n';
		echo("\n", 1);
		finish_line();
		return;
	default:
		if (c < 0x20 || line_len + 1 >= TTY_LINE_MAX)
			return; /* other controls; a full line waits for Enter
				 */
		line[line_len++] = (char)c;
		echo(&line[line_len - 1], 1);
	}
}

static int next_input(void)
{
	int c = serial_getc();
	return c >= 0 ? c : keyboard_getc();
}

/* Each tick while a process has the console: take what was typed, as long
 * as the previous line has been read. */
static TRAP_CALL void tty_tick(uint64_t now, struct trap_frame *tf)
{
	int c;
	(void)now, (void)tf;
	if (!active)
		return;
	while (ready_pos >= ready_len && !eof_pending &&
	       (c = next_input()) >= 0)
		input_byte(c);
}

static int tty_read(struct file *f, void *buf, uint32_t n)
{
	uint32_t got;
	bool on = irq_save();
	(void)f;
	while (ready_pos >= ready_len && !eof_pending) {
		if (file_interrupted()) {
			irq_restore(on);
			return -ERESTARTSYS;
		}
		wq_block(&readers);
	}
	if (ready_pos >= ready_len) {
		eof_pending = false; /* one end of file per Ctrl-D */
		irq_restore(on);
		return 0;
	}
	got = ready_len - ready_pos;
	if (got > n)
		got = n;
	memcpy(buf, ready + ready_pos, got);
	ready_pos += got;
	irq_restore(on);
	return (int)got;
}

static int tty_write(struct file *f, const void *buf, uint32_t n)
{
	(void)f;
	console_write(buf, n);
	return (int)n;
}

static void tty_stat(struct file *f, struct file_stat *st)
{
	(void)f;
	st->mode = CPIO_S_IFCHR | 0620;
	st->ino = 1;
	st->nlink = 1;
	st->size = 0;
	st->mtime = 0;
	st->rdev = (4u << 8) | 1; /* like /dev/tty1 */
}

static const struct file_ops tty_ops = {
    .read = tty_read,
    .write = tty_write,
    .stat = tty_stat,
};

void tty_init(void)
{
	wq_init_named(&readers, "console read");
}

struct file *tty_open(void)
{
	if (!console_file) {
		console_file = file_new(FILE_TTY, &tty_ops, O_RDWR);
		if (!console_file)
			return NULL;
		/* The kernel keeps one reference: the console never closes. */
	}
	return file_get(console_file);
}

void tty_set_active(bool on_now)
{
	static bool hooked;
	/* The tick hook goes in only when a process first has the console:
	 * a boot that runs none (the benchmarks) keeps the tick path short. */
	if (on_now && !hooked) {
		time_add_tick_hook(tty_tick);
		hooked = true;
	}
	active = on_now;
}

void tty_set_status(void (*status)(void))
{
	status_fn = status;
}

void tty_set_interrupt(void (*intr)(void))
{
	interrupt_fn = intr;
}

bool tty_is(const struct file *f)
{
	return f->kind == FILE_TTY;
}
