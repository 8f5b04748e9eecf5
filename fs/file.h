/*
 * file — open files: what a file descriptor points to.
 *
 * The Unix file abstraction (001_*: "everything is a file descriptor";
 * CS:APP 10.8, sharing files): a process's descriptor table holds
 * pointers to open-file objects; dup, dup2 and fork copy the pointer and
 * count a reference, so both descriptors share one offset.  An open file
 * has an offset, its open flags and a kind with its operations: a file or
 * directory of the initrd (fs/initrd.c), one end of a pipe (fs/pipe.c),
 * or the console terminal (fs/tty.c).
 *
 * Operations take *kernel* buffers (or user buffers the process layer has
 * already checked and made present: proc/uaccess.h) and return a count or
 * a negative Linux errno (lib/errno.h).  A blocking read or write gives up
 * with -EINTR when a signal is pending for the calling task.
 */
#ifndef KEEL_FS_FILE_H
#define KEEL_FS_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/cpio.h"

/* open(2) flags (Linux i386, octal). */
#define O_ACCMODE   03
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR	    02
#define O_CREAT	    0100
#define O_EXCL	    0200
#define O_TRUNC	    01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_CLOEXEC   02000000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

enum file_kind {
	FILE_INITRD,
	FILE_DIR,
	FILE_PIPE_READ,
	FILE_PIPE_WRITE,
	FILE_TTY
};

/* What fstat64 and getdents64 report. */
struct file_stat {
	uint32_t mode, ino, nlink, size, mtime, rdev;
};

struct file;
struct file_ops {
	int (*read)(struct file *f, void *buf, uint32_t n);
	int (*write)(struct file *f, const void *buf, uint32_t n);
	/* getdents64: whole records into buf; bytes, or 0 at the end. */
	int (*getdents)(struct file *f, void *buf, uint32_t n);
	void (*stat)(struct file *f, struct file_stat *st);
	void (*release)(struct file *f); /* the last reference went */
};

struct file {
	int refs;
	enum file_kind kind;
	const struct file_ops *ops;
	uint32_t flags; /* the open flags */
	uint64_t pos;
	void *priv;		  /* the pipe */
	struct cpio_entry entry;  /* initrd file or directory */
	char path[CPIO_PATH_MAX]; /* normalised, for a directory's children */
	uint32_t dir_cookie;
};

/* A new file with one reference; NULL without memory. */
struct file *file_new(enum file_kind kind, const struct file_ops *ops,
		      uint32_t flags);
struct file *file_get(struct file *f);
/* Free a file that was never set up (no release). */
void file_discard(struct file *f);
void file_put(struct file *f);
/* lseek: the new offset, or -ESPIPE / -EINVAL. */
int64_t file_lseek(struct file *f, int64_t off, int whence);
/* Open files in the whole system (for tests: back to the baseline). */
uint32_t file_count(void);

/* Set by the process layer: is a signal pending for the current task? */
bool file_interrupted(void);

#endif
