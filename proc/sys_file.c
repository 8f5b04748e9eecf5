/*
 * sys_file — the file system calls: descriptors, reads, writes, the tree.
 *
 * A descriptor is an index into the process's table of open files
 * (fs/file.h); the lowest free one is taken, as POSIX requires (the shell
 * relies on it for redirection: close(1) then dup(fd) gives 1).  Every
 * buffer is checked (proc/uaccess.h) before a file operation sees it.
 */
#include "fs/initrd.h"
#include "fs/pipe.h"
#include "fs/tty.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include "proc/uaccess.h"

#define AT_FDCWD	    (-100)
#define AT_EMPTY_PATH	    0x1000
#define AT_SYMLINK_NOFOLLOW 0x100
#define F_DUPFD		    0
#define F_GETFD		    1
#define F_SETFD		    2
#define F_GETFL		    3
#define F_SETFL		    4
#define F_DUPFD_CLOEXEC	    1030
#define FD_CLOEXEC	    1
#define TCGETS		    0x5401
#define TIOCGWINSZ	    0x5413
#define IOV_MAX		    1024
#define PATH_MAX_KEEL	    1024
#define W_OK		    2
#define X_OK		    1

#define A1 (tf->ebx)
#define A2 (tf->ecx)
#define A3 (tf->edx)
#define A4 (tf->esi)
#define A5 (tf->edi)

static struct file *fd_file(struct proc *p, uint32_t fd)
{
	return fd < PROC_FDS ? p->fd[fd] : NULL;
}

/* The lowest free descriptor >= min for f (which it takes over). */
static int fd_install(struct proc *p, struct file *f, uint32_t min,
		      bool cloexec)
{
	for (uint32_t i = min; i < PROC_FDS; i++)
		if (!p->fd[i]) {
			p->fd[i] = f;
			if (cloexec)
				p->cloexec |= 1u << i;
			else
				p->cloexec &= ~(1u << i);
			return (int)i;
		}
	file_put(f);
	return -EMFILE;
}

static void fd_close(struct proc *p, uint32_t fd)
{
	file_put(p->fd[fd]);
	p->fd[fd] = NULL;
	p->cloexec &= ~(1u << fd);
}

/* A path argument into buf: 0 or -EFAULT / -ENAMETOOLONG / -ENOENT. */
static int get_path(char *buf, uint32_t uptr)
{
	int n = copy_str_from_user(buf, uptr, PATH_MAX_KEEL);
	if (n < 0)
		return n;
	return n == 0 ? -ENOENT : 0;
}

static int open_path(const char *path, uint32_t flags, struct file **f)
{
	if (strcmp(path, "/dev/tty") == 0 ||
	    strcmp(path, "/dev/console") == 0) {
		*f = tty_open();
		return *f ? 0 : -ENOMEM;
	}
	return initrd_open(path, flags, f);
}

static int32_t do_open(struct trap_frame *tf, uint32_t upath, uint32_t flags)
{
	char path[PATH_MAX_KEEL];
	struct file *f;
	int rc = get_path(path, upath);
	(void)tf;
	if (rc == 0)
		rc = open_path(path, flags, &f);
	if (rc < 0)
		return rc;
	return fd_install(proc_current(), f, 0, (flags & O_CLOEXEC) != 0);
}

static int32_t sys_open(struct trap_frame *tf)
{
	return do_open(tf, A1, A2);
}

static int32_t sys_openat(struct trap_frame *tf)
{
	/* No working directories: a relative path is from "/" whatever
	 * the directory descriptor, but it must be one. */
	if ((int32_t)A1 != AT_FDCWD && !fd_file(proc_current(), A1))
		return -EBADF;
	return do_open(tf, A2, A3);
}

static int32_t sys_close(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	if (!fd_file(p, A1))
		return -EBADF;
	fd_close(p, A1);
	return 0;
}

/* How much of a read of n bytes f can deliver: the range to check. */
static uint32_t read_span(struct file *f, uint32_t n)
{
	struct file_stat st;
	uint32_t cap = n;
	switch (f->kind) {
	case FILE_INITRD:
		f->ops->stat(f, &st);
		cap = f->pos >= st.size ? 0 : st.size - (uint32_t)f->pos;
		break;
	case FILE_PIPE_READ:
		cap = PIPE_SIZE;
		break;
	case FILE_TTY:
		cap = TTY_LINE_MAX;
		break;
	default:
		break;
	}
	return n < cap ? n : cap;
}

static int32_t do_read(struct file *f, uint32_t buf, uint32_t n)
{
	int rc;
	if ((f->flags & O_ACCMODE) == O_WRONLY || !f->ops->read)
		return -EBADF;
	if (!uaccess_range_ok(buf, n))
		return -EFAULT;
	n = read_span(f, n);
	rc = uaccess_check(buf, n, true);
	if (rc < 0)
		return rc;
	return f->ops->read(f, (void *)buf, n);
}

static int32_t do_write(struct file *f, uint32_t buf, uint32_t n)
{
	int rc;
	if ((f->flags & O_ACCMODE) == O_RDONLY || !f->ops->write)
		return -EBADF;
	rc = uaccess_check(buf, n, false);
	if (rc < 0)
		return rc;
	rc = f->ops->write(f, (const void *)buf, n);
	if (rc == -EPIPE)
		proc_signal(proc_current(), SIGPIPE);
	return rc;
}

static int32_t sys_read(struct trap_frame *tf)
{
	struct file *f = fd_file(proc_current(), A1);
	return f ? do_read(f, A2, A3) : -EBADF;
}

static int32_t sys_write(struct trap_frame *tf)
{
	struct file *f = fd_file(proc_current(), A1);
	return f ? do_write(f, A2, A3) : -EBADF;
}

/* readv and writev: each iovec in turn, stopping at a short transfer. */
static int32_t do_vector(struct trap_frame *tf, bool write)
{
	struct file *f = fd_file(proc_current(), A1);
	uint32_t iov = A2, cnt = A3, total = 0;
	if (!f)
		return -EBADF;
	if (cnt > IOV_MAX)
		return -EINVAL;
	for (uint32_t i = 0; i < cnt; i++) {
		uint32_t v[2];
		int32_t r;
		if (copy_from_user(v, iov + i * 8, 8) < 0)
			return total ? (int32_t)total : -EFAULT;
		if (v[1] == 0)
			continue;
		r = write ? do_write(f, v[0], v[1]) : do_read(f, v[0], v[1]);
		if (r < 0)
			return total ? (int32_t)total : r;
		total += (uint32_t)r;
		if ((uint32_t)r < v[1])
			break;
	}
	return (int32_t)total;
}

static int32_t sys_readv(struct trap_frame *tf)
{
	return do_vector(tf, false);
}

static int32_t sys_writev(struct trap_frame *tf)
{
	return do_vector(tf, true);
}

static int32_t sys_lseek(struct trap_frame *tf)
{
	struct file *f = fd_file(proc_current(), A1);
	int64_t r;
	if (!f)
		return -EBADF;
	r = file_lseek(f, (int32_t)A2, (int)A3);
	if (r > 0x7fffffff)
		return -EOVERFLOW;
	return (int32_t)r;
}

static int32_t sys_llseek(struct trap_frame *tf)
{
	struct file *f = fd_file(proc_current(), A1);
	int64_t off = (int64_t)(((uint64_t)A2 << 32) | A3), r;
	int rc;
	if (!f)
		return -EBADF;
	rc = uaccess_check(A4, 8, true);
	if (rc < 0)
		return rc;
	r = file_lseek(f, off, (int)A5);
	if (r < 0)
		return (int32_t)r;
	return copy_to_user(A4, &r, 8);
}

/* struct stat64 of Linux i386 (arch/x86/include/uapi/asm/stat.h). */
struct __attribute__((packed)) stat64 {
	uint64_t st_dev;
	uint8_t pad0[4];
	uint32_t st_ino32, st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev;
	uint8_t pad3[4];
	int64_t st_size;
	uint32_t st_blksize;
	uint64_t st_blocks;
	uint32_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec;
	uint32_t st_ctime, st_ctime_nsec;
	uint64_t st_ino;
};
_Static_assert(sizeof(struct stat64) == 96, "Linux i386 struct stat64");

static int put_stat(uint32_t ubuf, const struct file_stat *st)
{
	struct stat64 s;
	memset(&s, 0, sizeof(s));
	s.st_dev = 1;
	s.st_ino32 = st->ino;
	s.st_ino = st->ino;
	s.st_mode = st->mode;
	s.st_nlink = st->nlink;
	s.st_rdev = st->rdev;
	s.st_size = st->size;
	s.st_blksize = 4096;
	s.st_blocks = (st->size + 511) / 512;
	s.st_atime = s.st_mtime = s.st_ctime = st->mtime;
	return copy_to_user(ubuf, &s, sizeof(s));
}

static int stat_path(uint32_t upath, uint32_t ubuf)
{
	char path[PATH_MAX_KEEL];
	struct file_stat st;
	struct file *f;
	int rc = get_path(path, upath);
	if (rc < 0)
		return rc;
	rc = open_path(path, O_RDONLY, &f);
	if (rc < 0)
		return rc;
	f->ops->stat(f, &st);
	file_put(f);
	return put_stat(ubuf, &st);
}

static int32_t sys_stat64(struct trap_frame *tf)
{
	return stat_path(A1, A2);
}

static int32_t sys_fstat64(struct trap_frame *tf)
{
	struct file *f = fd_file(proc_current(), A1);
	struct file_stat st;
	if (!f)
		return -EBADF;
	f->ops->stat(f, &st);
	return put_stat(A2, &st);
}

static int32_t sys_fstatat64(struct trap_frame *tf)
{
	char c;
	if (A4 & AT_EMPTY_PATH) {
		int rc = copy_from_user(&c, A2, 1);
		if (rc < 0)
			return rc;
		if (c == '\0') {
			struct file *f = fd_file(proc_current(), A1);
			struct file_stat st;
			if (!f)
				return -EBADF;
			f->ops->stat(f, &st);
			return put_stat(A3, &st);
		}
	}
	if ((int32_t)A1 != AT_FDCWD && !fd_file(proc_current(), A1))
		return -EBADF;
	return stat_path(A2, A3);
}

static int32_t sys_getdents64(struct trap_frame *tf)
{
	struct file *f = fd_file(proc_current(), A1);
	uint32_t n = A3 > 65536 ? 65536 : A3;
	int rc;
	if (!f)
		return -EBADF;
	if (!f->ops->getdents)
		return -ENOTDIR;
	if (!uaccess_range_ok(A2, A3))
		return -EFAULT;
	rc = uaccess_check(A2, n, true);
	if (rc < 0)
		return rc;
	return f->ops->getdents(f, (void *)A2, n);
}

static int32_t sys_dup(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	struct file *f = fd_file(p, A1);
	return f ? fd_install(p, file_get(f), 0, false) : -EBADF;
}

static int32_t do_dup2(uint32_t oldfd, uint32_t newfd, bool cloexec)
{
	struct proc *p = proc_current();
	struct file *f = fd_file(p, oldfd);
	if (!f)
		return -EBADF;
	if (newfd >= PROC_FDS)
		return -EBADF;
	if (oldfd == newfd)
		return (int32_t)newfd;
	if (p->fd[newfd])
		fd_close(p, newfd);
	p->fd[newfd] = file_get(f);
	if (cloexec)
		p->cloexec |= 1u << newfd;
	return (int32_t)newfd;
}

static int32_t sys_dup2(struct trap_frame *tf)
{
	return do_dup2(A1, A2, false);
}

static int32_t sys_dup3(struct trap_frame *tf)
{
	if (A1 == A2 || (A3 & ~O_CLOEXEC))
		return -EINVAL;
	return do_dup2(A1, A2, (A3 & O_CLOEXEC) != 0);
}

static int32_t do_pipe(uint32_t ufds, uint32_t flags)
{
	struct proc *p = proc_current();
	struct file *r, *w;
	int fds[2], rc;
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	rc = uaccess_check(ufds, 8, true);
	if (rc < 0)
		return rc;
	rc = pipe_create(&r, &w, flags & O_NONBLOCK);
	if (rc < 0)
		return rc;
	fds[0] = fd_install(p, r, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(w);
		return fds[0];
	}
	fds[1] = fd_install(p, w, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(p, (uint32_t)fds[0]);
		return fds[1];
	}
	return copy_to_user(ufds, fds, 8);
}

static int32_t sys_pipe(struct trap_frame *tf)
{
	return do_pipe(A1, 0);
}

static int32_t sys_pipe2(struct trap_frame *tf)
{
	return do_pipe(A1, A2);
}

static int32_t sys_fcntl64(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	struct file *f = fd_file(p, A1);
	if (!f)
		return -EBADF;
	switch (A2) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (A3 >= PROC_FDS)
			return -EINVAL;
		return fd_install(p, file_get(f), A3, A2 == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return (p->cloexec >> A1) & 1 ? FD_CLOEXEC : 0;
	case F_SETFD:
		if (A3 & FD_CLOEXEC)
			p->cloexec |= 1u << A1;
		else
			p->cloexec &= ~(1u << A1);
		return 0;
	case F_GETFL:
		return (int32_t)(f->flags & ~O_CLOEXEC);
	case F_SETFL:
		f->flags = (f->flags & ~O_NONBLOCK) | (A3 & O_NONBLOCK);
		return 0;
	default:
		return -EINVAL;
	}
}

static int32_t sys_ioctl(struct trap_frame *tf)
{
	struct file *f = fd_file(proc_current(), A1);
	if (!f)
		return -EBADF;
	if (!tty_is(f))
		return -ENOTTY;
	if (A2 == TIOCGWINSZ) {
		const uint16_t ws[4] = {TTY_ROWS, TTY_COLS, 0, 0};
		return copy_to_user(A3, ws, sizeof(ws));
	}
	if (A2 == TCGETS) {
		/* struct termios: iflag ICRNL, oflag OPOST|ONLCR, cflag
		 * B38400|CS8|CREAD, lflag ISIG|ICANON|ECHO|ECHOE. */
		uint32_t t[15] = {0x100, 0x5, 0xbf, 0x1b};
		return copy_to_user(A3, t, sizeof(t));
	}
	return -ENOTTY;
}

static int32_t do_access(uint32_t upath, uint32_t mode)
{
	char path[PATH_MAX_KEEL];
	struct cpio_entry e;
	int rc = get_path(path, upath);
	if (rc == 0)
		rc = initrd_lookup(path, &e);
	if (rc < 0)
		return rc;
	if (mode & W_OK)
		return -EROFS;
	if ((mode & X_OK) && !(e.mode & 0111))
		return -EACCES;
	return 0;
}

static int32_t sys_access(struct trap_frame *tf)
{
	return do_access(A1, A2);
}

static int32_t sys_faccessat(struct trap_frame *tf)
{
	return do_access(A2, A3);
}

static int32_t sys_getcwd(struct trap_frame *tf)
{
	if (A2 < 2)
		return -ERANGE;
	int rc = copy_to_user(A1, "/", 2);
	return rc < 0 ? rc : 2;
}

void sys_file_init(void)
{
	syscall_set(3, "read", "dpd", sys_read);
	syscall_set(4, "write", "dpd", sys_write);
	syscall_set(5, "open", "so", sys_open);
	syscall_set(6, "close", "d", sys_close);
	syscall_set(19, "lseek", "ddd", sys_lseek);
	syscall_set(33, "access", "so", sys_access);
	syscall_set(41, "dup", "d", sys_dup);
	syscall_set(42, "pipe", "p", sys_pipe);
	syscall_set(54, "ioctl", "dxp", sys_ioctl);
	syscall_set(63, "dup2", "dd", sys_dup2);
	syscall_set(140, "_llseek", "dxxpd", sys_llseek);
	syscall_set(145, "readv", "dpd", sys_readv);
	syscall_set(146, "writev", "dpd", sys_writev);
	syscall_set(183, "getcwd", "pd", sys_getcwd);
	syscall_set(195, "stat64", "sp", sys_stat64);
	syscall_set(196, "lstat64", "sp", sys_stat64);
	syscall_set(197, "fstat64", "dp", sys_fstat64);
	syscall_set(220, "getdents64", "dpd", sys_getdents64);
	syscall_set(221, "fcntl64", "ddx", sys_fcntl64);
	syscall_set(295, "openat", "dso", sys_openat);
	syscall_set(300, "fstatat64", "dspx", sys_fstatat64);
	syscall_set(307, "faccessat", "dso", sys_faccessat);
	syscall_set(330, "dup3", "ddx", sys_dup3);
	syscall_set(331, "pipe2", "px", sys_pipe2);
}
