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

/*
 * The wait-for graph's edge of a blocked end (sched/deadlock.h): a reader
 * of an empty pipe waits for whoever holds the write end, a writer of a
 * full one for whoever holds the read end.  Who holds an end is the
 * process layer's to know (its descriptor tables): it hands down a finder
 * that returns the one task whose process holds that end of the pipe, or
 * NULL when none or several do (any of several could end the wait: not
 * one edge).  The reader itself, holding the write end it forgot to
 * close, is a cycle of one.
 */
struct task;
typedef struct task *(*pipe_holder_t)(const void *pipe, bool write_end);
void pipe_set_holder_finder(pipe_holder_t f);
/* Whether f is the given end of the pipe (for the finder). */
bool pipe_file_is_end(const struct file *f, const void *pipe, bool write_end);

#endif
