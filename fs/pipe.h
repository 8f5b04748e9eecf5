/*
 * pipe — a one-way byte channel between processes (pipe(2)).
 *
 * A bounded buffer (OSTEP's producer/consumer, 001_* and the concurrency
 * chapters): PIPE_SIZE bytes in a ring; a reader blocks while it is empty
 * and some writer is left, and reads 0 (end of file) once the last writer
 * has closed; a writer blocks while it is full, and gets -EPIPE when no
 * reader is left (the process layer then sends SIGPIPE, as Linux does).
 * Writes of at most PIPE_BUF bytes are atomic.
 */
#ifndef KEEL_FS_PIPE_H
#define KEEL_FS_PIPE_H

#include "fs/file.h"

#define PIPE_SIZE 4096u
#define PIPE_BUF  4096u

/* Two files, the read end and the write end; 0 or -ENOMEM. */
int pipe_create(struct file **rd, struct file **wr, uint32_t flags);

#endif
