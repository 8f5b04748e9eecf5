/*
 * tty — the console as a terminal for processes: descriptors 0, 1 and 2.
 *
 * Output goes to the console (serial and VGA) as the program wrote it;
 * `quiet` does not hide it.  Input is cooked, as a Unix terminal's
 * canonical mode: typed bytes are echoed and gathered into a line, which
 * Backspace edits; Enter ends the line and makes it readable; Ctrl-D on an
 * empty line reads as end of file; Ctrl-C drops the line and interrupts
 * (the process layer sends SIGINT, tty_set_interrupt); Ctrl-T prints the
 * processes and their threads (tty_set_status).  While a process
 * has the console (tty_set_active), a tick hook takes the bytes from the
 * serial line and the keyboard; otherwise the kernel console has them.
 */
#ifndef KEEL_FS_TTY_H
#define KEEL_FS_TTY_H

#include <stdbool.h>

#include "fs/file.h"

#define TTY_LINE_MAX 256
#define TTY_COLS     80
#define TTY_ROWS     25

void tty_init(void);
/* The console file (one more reference each call); NULL without memory. */
struct file *tty_open(void);
void tty_set_active(bool on_now);
/* What Ctrl-C calls (from the timer interrupt). */
void tty_set_interrupt(void (*intr)(void));
/* What Ctrl-T calls (from the timer interrupt): BSD's status key, here
 * the process and thread list (init registers shell_proc_list). */
void tty_set_status(void (*status)(void));
bool tty_is(const struct file *f);

#endif
