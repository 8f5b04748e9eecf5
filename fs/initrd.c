/*
 * initrd — a cpio archive served as a read-only file tree (initrd.h).
 */
#include "fs/initrd.h"

#include "arch/layout.h"
#include "kernel/console.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/vm.h"

static const uint8_t *archive;
static uint32_t archive_len;

bool initrd_init(uint32_t start, uint32_t end)
{
	uint32_t first = PAGE_ALIGN_DOWN(start), len = end - start;
	char msg[120];
	struct cpio_info info;
	int rc;
	if (end <= start) {
		kprintf("initrd: the module is empty; no files\n");
		return false;
	}
	if (PAGE_ALIGN_UP(end) - first > VM_INITRD_LIMIT - VM_INITRD_BASE) {
		kprintf("initrd: %u bytes is more than the %u MiB keel maps; "
			"no files\n",
			len, (VM_INITRD_LIMIT - VM_INITRD_BASE) >> 20);
		return false;
	}
	for (uint32_t pa = first; pa < end; pa += PAGE_SIZE)
		if (vm_map(vm_kernel_space(), VM_INITRD_BASE + (pa - first), pa,
			   0) != VM_OK) {
			kprintf("initrd: no memory to map the archive; no "
				"files\n");
			return false;
		}
	archive = (const uint8_t *)(VM_INITRD_BASE + (start - first));
	rc = cpio_validate(archive, len, &info, msg, sizeof(msg));
	if (rc != CPIO_OK) {
		kprintf("initrd: not a usable cpio \"newc\" archive: %s; no "
			"files\n",
			msg);
		archive = NULL;
		return false;
	}
	archive_len = len;
	kprintf("initrd: %u entries, %u bytes at 0x%08x\n", info.entries, len,
		start);
	return true;
}

bool initrd_present(void)
{
	return archive != NULL;
}

int initrd_lookup(const char *path, struct cpio_entry *e)
{
	char norm[CPIO_PATH_MAX];
	size_t n = strlen(path);
	int rc;
	if (!archive)
		return -ENOENT;
	if (n == 0)
		return -ENOENT;
	rc = cpio_normalise(path, n, norm, sizeof(norm));
	if (rc == -CPIO_E_NAME_LONG)
		return -ENAMETOOLONG;
	if (rc < 0)
		return -ENOENT;
	rc = cpio_lookup(archive, archive_len, norm, e);
	if (rc == -CPIO_E_NOTDIR)
		return -ENOTDIR;
	return rc == CPIO_OK ? 0 : -ENOENT;
}

void initrd_stat(const struct cpio_entry *e, struct file_stat *st)
{
	st->mode = e->mode;
	st->ino = e->implicit ? 0x10000u + e->offset : e->ino;
	st->nlink = e->nlink ? e->nlink : 1;
	st->size = (e->mode & CPIO_S_IFMT) == CPIO_S_IFDIR ? 0 : e->size;
	st->mtime = e->mtime;
	st->rdev = 0;
}

static int file_read(struct file *f, void *buf, uint32_t n)
{
	uint32_t size = f->entry.size;
	if (f->pos >= size)
		return 0;
	if (n > size - f->pos)
		n = size - (uint32_t)f->pos;
	memcpy(buf, f->entry.data + f->pos, n);
	f->pos += n;
	return (int)n;
}

static int dir_read(struct file *f, void *buf, uint32_t n)
{
	(void)f, (void)buf, (void)n;
	return -EISDIR;
}

static void entry_stat(struct file *f, struct file_stat *st)
{
	initrd_stat(&f->entry, st);
}

/* struct linux_dirent64: d_ino, d_off, d_reclen, d_type, d_name. */
#define DIRENT_HEAD 19u
#define DT_DIR	    4
#define DT_REG	    8
#define DT_LNK	    10
#define DT_UNKNOWN  0

static uint8_t dirent_type(uint32_t mode)
{
	switch (mode & CPIO_S_IFMT) {
	case CPIO_S_IFDIR:
		return DT_DIR;
	case CPIO_S_IFREG:
		return DT_REG;
	case CPIO_S_IFLNK:
		return DT_LNK;
	default:
		return DT_UNKNOWN;
	}
}

static int dir_getdents(struct file *f, void *buf, uint32_t n)
{
	uint8_t *out = buf;
	uint32_t used = 0;
	for (;;) {
		struct cpio_entry e;
		const char *child;
		size_t clen;
		uint32_t cookie = f->dir_cookie, reclen;
		struct file_stat st;
		uint64_t ino, off;
		uint16_t rl;
		int rc = cpio_readdir(archive, archive_len, f->path, &cookie,
				      &e, &child, &clen);
		if (rc <= 0)
			break;
		reclen = (DIRENT_HEAD + (uint32_t)clen + 1 + 7) & ~7u;
		if (used + reclen > n) {
			if (used == 0)
				return -EINVAL; /* buffer too small */
			break;
		}
		initrd_stat(&e, &st);
		ino = st.ino;
		off = cookie;
		rl = (uint16_t)reclen;
		memset(out + used, 0, reclen);
		memcpy(out + used, &ino, 8);
		memcpy(out + used + 8, &off, 8);
		memcpy(out + used + 16, &rl, 2);
		out[used + 18] = dirent_type(e.mode);
		memcpy(out + used + DIRENT_HEAD, child, clen);
		used += reclen;
		f->dir_cookie = cookie;
		f->pos = cookie;
	}
	return (int)used;
}

static const struct file_ops file_ops = {
    .read = file_read,
    .stat = entry_stat,
};

static const struct file_ops dir_ops = {
    .read = dir_read,
    .getdents = dir_getdents,
    .stat = entry_stat,
};

int initrd_open(const char *path, uint32_t flags, struct file **out)
{
	struct cpio_entry e;
	struct file *f;
	bool dir;
	int rc = initrd_lookup(path, &e);
	if (rc == -ENOENT && (flags & O_CREAT))
		return archive ? -EROFS : -ENOENT;
	if (rc < 0)
		return rc;
	dir = (e.mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return dir ? -EISDIR : -EROFS;
	if ((flags & O_DIRECTORY) && !dir)
		return -ENOTDIR;
	f = file_new(dir ? FILE_DIR : FILE_INITRD, dir ? &dir_ops : &file_ops,
		     flags);
	if (!f)
		return -ENOMEM;
	f->entry = e;
	cpio_normalise(path, strlen(path), f->path, sizeof(f->path));
	*out = f;
	return 0;
}
