/*
 * userinit — the first user program (Linux's init= rule).
 *
 * With an initrd and without `monitor`, kmain runs `init=PATH` (default
 * /bin/sh) as process 1 with the words after " -- " as its arguments,
 * gives it the console, and waits.  When init exits: with `poweroff`,
 * QEMU exits with status 1 if init exited with 0, else 3
 * (QEMU_EXIT_INIT_OK / _FAIL); without it, the kernel console follows.
 */
#ifndef KEEL_INIT_USERINIT_H
#define KEEL_INIT_USERINIT_H

#include <stdbool.h>

/* Map the initrd module, if the loader gave one. */
void userinit_initrd(void);
/* Should kmain run init rather than the kernel console? */
bool userinit_wanted(void);
/* Run init to its end (see above); returns only without `poweroff`. */
void userinit_run(bool poweroff);

#endif
