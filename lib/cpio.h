/*
 * cpio: a reader of cpio "newc" archives, the format of Linux's initramfs
 * and of keel's initrd (handed over as a Multiboot module).
 *
 * The format (the SVR4 portable format, as GNU cpio's `-H newc` and Linux's
 * usr/gen_init_cpio write it): each entry is a 110-byte header of ASCII
 * text, the magic "070701" and thirteen 8-digit hexadecimal fields (ino,
 * mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
 * rdevminor, namesize, check); then the name, namesize bytes with its NUL,
 * padded with NULs so that header + name ends on a multiple of 4 (from the
 * start of the archive); then filesize bytes of data, padded to a multiple
 * of 4.  An entry named "TRAILER!!!" ends the archive; what follows is
 * padding (cpio pads to 512-byte blocks) and must be zero bytes here.
 *
 * Decisions:
 *  - "070702" (the "crc" variant) is accepted and its check field is
 *    verified for regular files: the sum of the data bytes, modulo 2^32.
 *    Linux verifies nothing; keel does, since it costs one pass and the
 *    field exists to be checked.  In "070701" the field is ignored.
 *  - Names are normalised to absolute paths: "./bin/sh", "bin//sh" and
 *    "/bin/sh/" are all "/bin/sh"; "." and "./" are "/", the root.  A ".."
 *    component is refused (an archive must not reach outside its tree),
 *    as is a normalised path longer than CPIO_PATH_MAX - 1 bytes.
 *  - A file type outside the seven of S_IFMT is refused; directories,
 *    devices, FIFOs and sockets must have no data.  Symbolic links have
 *    their target as data (no NUL).
 *  - Two entries with the same path are refused (unless both are
 *    directories), and so is an entry below a path that is not a
 *    directory ("/bin" a file and "/bin/sh"); the root must be a
 *    directory.  Directories need not be in the archive: a path that is a
 *    proper prefix of an entry's is an implicit directory (mode
 *    CPIO_IMPLICIT_DIR_MODE), as are "/" and any parent GNU cpio was not
 *    given.  Only one archive: a second one concatenated after the
 *    trailer (which Linux would unpack too) is refused.
 *  - Every entry's padding after its name must be inside the buffer, even
 *    the trailer's (cpio always writes it); the padding after the last
 *    entry's data may be missing.
 *  - Hard links are not joined: newc stores a hard-linked file's data with
 *    the last of its names, and the others read as empty files.
 *
 * Guarantees: every function reads only buf[0 .. len) (offsets are summed
 * in 64 bits, so no field value can wrap them), writes nothing into it,
 * allocates nothing and uses no globals.  cpio_validate() checks the whole
 * archive and returns the first problem as a negative CPIO_E_* code with a
 * message naming the entry, its offset and the field ("entry 3 at offset
 * 0x1a4: c_filesize is not 8 hex digits"); the other functions check each
 * header they step over too, so they are safe on an archive nobody
 * validated (they then stop at the first bad header with its error).
 * Validation is O(n^2) in the number of entries (the duplicate check): an
 * initrd has tens of them.
 */
#ifndef KEEL_LIB_CPIO_H
#define KEEL_LIB_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE 110u
#define CPIO_PATH_MAX	 256u /* a normalised path, with its NUL */

/* st_mode's file type bits (octal, as in <sys/stat.h>). */
#define CPIO_S_IFMT   0170000u
#define CPIO_S_IFSOCK 0140000u
#define CPIO_S_IFLNK  0120000u
#define CPIO_S_IFREG  0100000u
#define CPIO_S_IFBLK  0060000u
#define CPIO_S_IFDIR  0040000u
#define CPIO_S_IFCHR  0020000u
#define CPIO_S_IFIFO  0010000u
/* The mode of a directory the archive implies but does not list. */
#define CPIO_IMPLICIT_DIR_MODE (CPIO_S_IFDIR | 0555u)

/* Results: 0, or one of these, negated. */
enum cpio_error {
	CPIO_OK = 0,
	CPIO_E_TRUNCATED,  /* a header, name or data runs past the buffer */
	CPIO_E_MAGIC,	   /* not "070701" or "070702" */
	CPIO_E_HEX,	   /* a header field that is not 8 hex digits */
	CPIO_E_NAME,	   /* empty name, or its NUL not at namesize - 1 */
	CPIO_E_DOTDOT,	   /* a ".." component */
	CPIO_E_NAME_LONG,  /* normalised path too long */
	CPIO_E_MODE,	   /* unknown file type */
	CPIO_E_DATA,	   /* data for a type that has none */
	CPIO_E_CHECKSUM,   /* "070702" data sum differs from c_check */
	CPIO_E_DUPLICATE,  /* two entries with one path */
	CPIO_E_NOTDIR,	   /* an entry below a non-directory; a file root */
	CPIO_E_NO_TRAILER, /* the buffer ends before "TRAILER!!!" */
	CPIO_E_TRAILING,   /* non-zero bytes after the trailer */
	CPIO_E_NOENT,	   /* lookup: no such path */
	CPIO_E_COUNT
};

/* One entry, pointing into the archive. */
struct cpio_entry {
	const char *name; /* as stored, NUL-terminated (not normalised) */
	uint32_t namesize;
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t size; /* c_filesize: bytes at data */
	uint32_t devmajor, devminor, rdevmajor, rdevminor, check;
	const uint8_t *data;
	uint32_t offset; /* the header's offset in the archive */
	uint32_t index;	 /* 0 for the first entry */
	bool implicit;	 /* cpio_lookup: a directory the archive implies */
};

struct cpio_info {
	uint32_t entries; /* not counting the trailer */
	uint32_t end;	  /* offset just past the trailer and its padding */
};

/* A cursor over the entries, in archive order. */
struct cpio_iter {
	const uint8_t *buf;
	size_t len;
	uint64_t off;
	uint32_t index;
	bool done;
};

/* Checks the whole archive: CPIO_OK with *info (may be NULL) filled in. */
int cpio_validate(const void *buf, size_t len, struct cpio_info *info,
		  char *msg, size_t msglen);

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len);
/* The next entry into *e: 1, or 0 at the trailer, or a negative error
 * (with a message in msg, which may be NULL). */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e, char *msg,
	      size_t msglen);

/*
 * Normalises path (len bytes, NUL not needed) to "/a/b" in out (outlen
 * bytes): the length written (without the NUL), or -CPIO_E_DOTDOT or
 * -CPIO_E_NAME_LONG (also when out is too small).
 */
int cpio_normalise(const char *path, size_t len, char *out, size_t outlen);

/*
 * Finds a path (any spelling; NUL-terminated): CPIO_OK with *e, or
 * -CPIO_E_NOENT, -CPIO_E_DOTDOT, or the error of a bad header on the way.
 * A directory the archive only implies (and the root, if not listed)
 * comes back with e->implicit set, mode CPIO_IMPLICIT_DIR_MODE, no data.
 */
int cpio_lookup(const void *buf, size_t len, const char *path,
		struct cpio_entry *e);

/*
 * Lists a directory: the next entry after *cookie (start with 0) whose
 * parent is dir, into *e, with its last path component in *child (not
 * NUL-terminated, *childlen bytes) and *cookie moved past it, for
 * getdents64's d_off.  1, 0 at the end, or a negative error.  Entries are
 * listed in archive order; implicit directories are not listed.
 */
int cpio_readdir(const void *buf, size_t len, const char *dir, uint32_t *cookie,
		 struct cpio_entry *e, const char **child, size_t *childlen);

/* A short description of a CPIO_E_* code (either sign). */
const char *cpio_strerror(int err);

#endif
