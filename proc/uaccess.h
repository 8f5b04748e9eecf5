/*
 * uaccess — every pointer a process hands the kernel, checked.
 *
 * A system call's pointer arguments are the process's to choose, so the
 * kernel trusts none of them (CS:APP 8.2 and OSTEP 000_*: the kernel must
 * not let a user program name kernel memory).  Before the kernel reads or
 * writes [ptr, ptr + len) it checks that the whole range lies in user
 * space (USER_LO .. USER_HI, no wrap past 4 GiB) and that every page of
 * it is mapped with the permission needed, or can be made so by the
 * faults a user access would take (a lazy zero page, a copy-on-write
 * copy: proc_resolve).  Anything else is -EFAULT, and the kernel never
 * takes a fault on a user address.  A process has one thread, so a
 * checked range stays valid for the rest of its system call.
 */
#ifndef KEEL_PROC_UACCESS_H
#define KEEL_PROC_UACCESS_H

#include <stdbool.h>
#include <stdint.h>

/* 0 if the range may be read (write false) or written; else -EFAULT or
 * -ENOMEM.  len 0 is always fine. */
int uaccess_check(uint32_t ptr, uint32_t len, bool write);
/* Only the bounds: [ptr, ptr + len) inside user space, no wrap (Linux's
 * access_ok: a read asking for more than it can get is still checked for
 * all it asked). */
bool uaccess_range_ok(uint32_t ptr, uint32_t len);
int copy_from_user(void *dst, uint32_t src, uint32_t len);
int copy_to_user(uint32_t dst, const void *src, uint32_t len);
/* A NUL-terminated string of at most max bytes (NUL included): its length,
 * -EFAULT, or -ENAMETOOLONG. */
int copy_str_from_user(char *dst, uint32_t src, uint32_t max);

#endif
