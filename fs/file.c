/*
 * file — open-file objects and their reference counts (file.h).
 */
#include "fs/file.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "sched/task.h"

static uint32_t nfiles;

struct file *file_new(enum file_kind kind, const struct file_ops *ops,
		      uint32_t flags)
{
	struct file *f = kcalloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->refs = 1;
	f->kind = kind;
	f->ops = ops;
	f->flags = flags;
	nfiles++;
	return f;
}

struct file *file_get(struct file *f)
{
	f->refs++;
	return f;
}

void file_put(struct file *f)
{
	if (--f->refs > 0)
		return;
	if (f->ops->release)
		f->ops->release(f);
	nfiles--;
	kfree(f);
}

void file_discard(struct file *f)
{
	nfiles--;
	kfree(f);
}

int64_t file_lseek(struct file *f, int64_t off, int whence)
{
	struct file_stat st;
	int64_t base;
	if (f->kind != FILE_INITRD && f->kind != FILE_DIR)
		return -ESPIPE;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		f->ops->stat(f, &st);
		base = st.size;
		break;
	default:
		return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	if (f->kind == FILE_DIR && f->pos == 0)
		f->dir_cookie = 0; /* rewinddir */
	return (int64_t)f->pos;
}

uint32_t file_count(void)
{
	return nfiles;
}

bool file_interrupted(void)
{
	return task_signal_pending();
}
