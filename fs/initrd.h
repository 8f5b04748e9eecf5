/*
 * initrd — the boot archive as a read-only file tree.
 *
 * The loader hands keel a cpio "newc" archive as the first Multiboot
 * module (QEMU -initrd, GRUB `module`), the format of Linux's initramfs.
 * initrd_init maps it into the kernel half (read-only, at VM_INITRD_BASE),
 * checks the whole archive once (lib/cpio.c: a malformed archive is
 * refused with one line naming the entry and the fault, and keel goes on
 * without files), and serves it: open, read, lseek, fstat, getdents64.
 * Nothing can be written: opening for writing gives -EROFS.
 */
#ifndef KEEL_FS_INITRD_H
#define KEEL_FS_INITRD_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/file.h"

/* Map and check the archive at physical [start, end); true if usable. */
bool initrd_init(uint32_t start, uint32_t end);
bool initrd_present(void);
/*
 * Open path (absolute, or relative to "/": keel has no working
 * directories): *out, or -ENOENT, -ENOTDIR, -EISDIR (writing a
 * directory), -EROFS, -ENAMETOOLONG, -ENOMEM.
 */
int initrd_open(const char *path, uint32_t flags, struct file **out);
/* Look up path without opening it (execve, stat64). */
int initrd_lookup(const char *path, struct cpio_entry *e);
void initrd_stat(const struct cpio_entry *e, struct file_stat *st);

#endif
