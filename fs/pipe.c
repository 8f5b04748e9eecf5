/*
 * pipe — bounded buffer with blocking ends (pipe.h).
 *
 * Everything here runs with interrupts off (system calls do), which on one
 * CPU is the lock: a check of the buffer and the block that follows cannot
 * be separated by a wake-up.
 */
#include "fs/pipe.h"

#include "arch/x86.h"
#include "lib/errno.h"
#include "mm/kheap.h"
#include "sched/deadlock.h"
#include "sched/task.h"

struct pipe {
	uint8_t buf[PIPE_SIZE];
	uint32_t head, count; /* read position, bytes held */
	int readers, writers;
	struct wait_queue readq, writeq;
};

static uint32_t npipes;
static pipe_holder_t holder_of;

void pipe_set_holder_finder(pipe_holder_t f)
{
	holder_of = f;
}

bool pipe_file_is_end(const struct file *f, const void *pipe, bool write_end)
{
	return f->priv == pipe &&
	       f->kind == (write_end ? FILE_PIPE_WRITE : FILE_PIPE_READ);
}

static struct task *writer_of(uintptr_t pipe)
{
	return holder_of ? holder_of((const void *)pipe, true) : NULL;
}

static struct task *reader_of(uintptr_t pipe)
{
	return holder_of ? holder_of((const void *)pipe, false) : NULL;
}

/* ps, gdb and the deadlock detector: what this end waits for. */
static void note_wait(struct pipe *p, bool reading)
{
	struct task *me = task_current();
	me->wait_what = reading ? "pipe read" : "pipe write";
	me->wait_obj = (uintptr_t)p;
	me->wait_owner = reading ? writer_of : reader_of;
	deadlock_note_wait(me);
}

static int pipe_read(struct file *f, void *buf, uint32_t n)
{
	struct pipe *p = f->priv;
	uint8_t *out = buf;
	uint32_t got = 0;
	bool on = irq_save();
	while (p->count == 0 && p->writers > 0) {
		if (file_interrupted() || (f->flags & O_NONBLOCK)) {
			irq_restore(on);
			return file_interrupted() ? -ERESTARTSYS : -EAGAIN;
		}
		note_wait(p, true);
		wq_block(&p->readq);
	}
	while (got < n && p->count > 0) {
		out[got++] = p->buf[p->head];
		p->head = (p->head + 1) % PIPE_SIZE;
		p->count--;
	}
	if (got)
		wq_wake_all(&p->writeq);
	irq_restore(on);
	return (int)got;
}

static int pipe_write(struct file *f, const void *buf, uint32_t n)
{
	struct pipe *p = f->priv;
	const uint8_t *in = buf;
	uint32_t put = 0;
	bool on = irq_save();
	while (put < n) {
		uint32_t room;
		if (p->readers == 0) {
			irq_restore(on);
			return put ? (int)put : -EPIPE;
		}
		room = PIPE_SIZE - p->count;
		/* PIPE_BUF atomicity: a small write waits for room for all
		 * of it, so writers' chunks never interleave. */
		if (room == 0 || (put == 0 && n <= PIPE_BUF && room < n)) {
			if (file_interrupted()) {
				irq_restore(on);
				return put ? (int)put : -ERESTARTSYS;
			}
			note_wait(p, false);
			wq_block(&p->writeq);
			continue;
		}
		while (put < n && p->count < PIPE_SIZE) {
			p->buf[(p->head + p->count) % PIPE_SIZE] = in[put++];
			p->count++;
		}
		wq_wake_all(&p->readq);
	}
	irq_restore(on);
	return (int)put;
}

static void pipe_stat(struct file *f, struct file_stat *st)
{
	struct pipe *p = f->priv;
	st->mode = CPIO_S_IFIFO | 0600;
	st->ino = (uint32_t)p;
	st->nlink = 1;
	st->size = 0;
	st->mtime = 0;
	st->rdev = 0;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	bool on = irq_save();
	if (f->kind == FILE_PIPE_READ)
		p->readers--;
	else
		p->writers--;
	/* A reader may now see end of file, a writer EPIPE. */
	wq_wake_all(&p->readq);
	wq_wake_all(&p->writeq);
	if (p->readers == 0 && p->writers == 0) {
		kfree(p);
		npipes--;
	}
	irq_restore(on);
}

static int wrong_end(struct file *f, const void *buf, uint32_t n)
{
	(void)f, (void)buf, (void)n;
	return -EBADF;
}

static int wrong_end_read(struct file *f, void *buf, uint32_t n)
{
	(void)f, (void)buf, (void)n;
	return -EBADF;
}

static const struct file_ops read_ops = {
    .read = pipe_read,
    .write = wrong_end,
    .stat = pipe_stat,
    .release = pipe_release,
};

static const struct file_ops write_ops = {
    .read = wrong_end_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .release = pipe_release,
};

int pipe_create(struct file **rd, struct file **wr, uint32_t flags)
{
	struct pipe *p = kcalloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	*rd = file_new(FILE_PIPE_READ, &read_ops, O_RDONLY | flags);
	*wr = file_new(FILE_PIPE_WRITE, &write_ops, O_WRONLY | flags);
	if (!*rd || !*wr) {
		if (*rd)
			file_discard(*rd);
		if (*wr)
			file_discard(*wr);
		kfree(p);
		return -ENOMEM;
	}
	wq_init_named(&p->readq, "pipe read");
	wq_init_named(&p->writeq, "pipe write");
	p->readers = p->writers = 1;
	(*rd)->priv = (*wr)->priv = p;
	npipes++;
	return 0;
}
