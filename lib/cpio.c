/*
 * cpio: the "newc" reader (see cpio.h for the format and the decisions).
 *
 * One function, parse_entry(), reads and checks the entry at an offset;
 * validation, iteration, lookup and listing are all loops over it, so no
 * path steps over a header it has not checked.  Paths are compared as
 * sequences of components (empty and "." components skipped), so no
 * normalised copy is ever needed.
 */
#include "lib/cpio.h"

#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/string.h"

#define CPIO_MAGIC_NEWC "070701"
#define CPIO_MAGIC_CRC	"070702"
#define CPIO_MAGIC_LEN	6u
#define CPIO_FIELDS	13u
#define CPIO_TRAILER	"TRAILER!!!"

/* The header fields after the magic, in order, with their names. */
static const char *const field_names[CPIO_FIELDS] = {
    "c_ino",	   "c_mode",	 "c_uid",      "c_gid",	     "c_nlink",
    "c_mtime",	   "c_filesize", "c_devmajor", "c_devminor", "c_rdevmajor",
    "c_rdevminor", "c_namesize", "c_check"};

static const char *const cpio_errors[CPIO_E_COUNT] = {
    [CPIO_OK] = "valid",
    [CPIO_E_TRUNCATED] = "truncated",
    [CPIO_E_MAGIC] = "not a newc cpio header",
    [CPIO_E_HEX] = "bad header field",
    [CPIO_E_NAME] = "bad name",
    [CPIO_E_DOTDOT] = "'..' in a path",
    [CPIO_E_NAME_LONG] = "path too long",
    [CPIO_E_MODE] = "unknown file type",
    [CPIO_E_DATA] = "data for a file type without data",
    [CPIO_E_CHECKSUM] = "checksum mismatch",
    [CPIO_E_DUPLICATE] = "duplicate path",
    [CPIO_E_NOTDIR] = "not a directory",
    [CPIO_E_NO_TRAILER] = "no TRAILER!!! entry",
    [CPIO_E_TRAILING] = "data after the trailer",
    [CPIO_E_NOENT] = "no such file or directory",
};

const char *cpio_strerror(int err)
{
	if (err < 0)
		err = -err;
	return err < CPIO_E_COUNT ? cpio_errors[err] : "unknown error";
}

__attribute__((format(printf, 4, 5))) static int
fail(char *msg, size_t len, enum cpio_error err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (msg && len) {
		n = fmt_snprintf(msg, len, "%s: ", cpio_strerror(err));
		if (n >= 0 && (size_t)n < len) {
			va_start(ap, fmt);
			fmt_vsnprintf(msg + n, len - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -(int)err;
}

static uint64_t align4(uint64_t x)
{
	return (x + 3u) & ~(uint64_t)3u;
}

static int hex_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Eight hex digits at p into *out; false if any is not one. */
static bool hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		int d = hex_digit(p[i]);

		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

/*
 * The next component of path[0..len) from *pos, skipping empty and "."
 * components: true with *comp and *clen, false at the end.
 */
static bool next_comp(const char *path, size_t len, size_t *pos,
		      const char **comp, size_t *clen)
{
	while (*pos < len) {
		size_t start = *pos, end = start;

		while (end < len && path[end] != '/')
			end++;
		*pos = end < len ? end + 1 : end;
		if (end == start || (end - start == 1 && path[start] == '.'))
			continue;
		*comp = path + start;
		*clen = end - start;
		return true;
	}
	return false;
}

static bool is_dotdot(const char *c, size_t n)
{
	return n == 2 && c[0] == '.' && c[1] == '.';
}

int cpio_normalise(const char *path, size_t len, char *out, size_t outlen)
{
	size_t pos = 0, n = 0, clen;
	const char *c;

	while (next_comp(path, len, &pos, &c, &clen)) {
		if (is_dotdot(c, clen))
			return -CPIO_E_DOTDOT;
		if (n + 1 + clen + 1 > outlen || n + 1 + clen >= CPIO_PATH_MAX)
			return -CPIO_E_NAME_LONG;
		out[n++] = '/';
		memcpy(out + n, c, clen);
		n += clen;
	}
	if (n == 0) {
		if (outlen < 2)
			return -CPIO_E_NAME_LONG;
		out[n++] = '/';
	}
	out[n] = '\0';
	return (int)n;
}

/* The normalised length of a path, or a negative error. */
static int norm_check(const char *path, size_t len)
{
	size_t pos = 0, n = 0, clen;
	const char *c;

	while (next_comp(path, len, &pos, &c, &clen)) {
		if (is_dotdot(c, clen))
			return -CPIO_E_DOTDOT;
		n += 1 + clen;
		if (n >= CPIO_PATH_MAX)
			return -CPIO_E_NAME_LONG;
	}
	return (int)n;
}

/* How path a relates to path b, component by component. */
enum path_rel { REL_NONE, REL_EQUAL, REL_A_ABOVE_B, REL_B_ABOVE_A };

static enum path_rel path_rel(const char *a, size_t alen, const char *b,
			      size_t blen)
{
	size_t pa = 0, pb = 0, la = 0, lb = 0;
	const char *ca = NULL, *cb = NULL;

	for (;;) {
		bool more_a = next_comp(a, alen, &pa, &ca, &la);
		bool more_b = next_comp(b, blen, &pb, &cb, &lb);

		if (!more_a && !more_b)
			return REL_EQUAL;
		if (!more_a)
			return REL_A_ABOVE_B;
		if (!more_b)
			return REL_B_ABOVE_A;
		if (la != lb || memcmp(ca, cb, la) != 0)
			return REL_NONE;
	}
}

static bool type_known(uint32_t mode)
{
	switch (mode & CPIO_S_IFMT) {
	case CPIO_S_IFSOCK:
	case CPIO_S_IFLNK:
	case CPIO_S_IFREG:
	case CPIO_S_IFBLK:
	case CPIO_S_IFDIR:
	case CPIO_S_IFCHR:
	case CPIO_S_IFIFO:
		return true;
	default:
		return false;
	}
}

static bool has_data(uint32_t mode)
{
	uint32_t t = mode & CPIO_S_IFMT;

	return t == CPIO_S_IFREG || t == CPIO_S_IFLNK;
}

static bool is_trailer(const struct cpio_entry *e)
{
	return e->namesize == sizeof CPIO_TRAILER &&
	       memcmp(e->name, CPIO_TRAILER, sizeof CPIO_TRAILER) == 0;
}

/* The header fields of the entry at off (already inside the buffer). */
static int parse_fields(const uint8_t *h, uint64_t off, uint32_t index,
			struct cpio_entry *e, char *msg, size_t len)
{
	uint32_t v[CPIO_FIELDS];

	for (unsigned i = 0; i < CPIO_FIELDS; i++)
		if (!hex8(h + CPIO_MAGIC_LEN + 8 * i, &v[i]))
			return fail(msg, len, CPIO_E_HEX,
				    "entry %u at offset 0x%llx: %s is not 8 "
				    "hex digits",
				    (unsigned)index, (unsigned long long)off,
				    field_names[i]);
	*e = (struct cpio_entry){.ino = v[0],
				 .mode = v[1],
				 .uid = v[2],
				 .gid = v[3],
				 .nlink = v[4],
				 .mtime = v[5],
				 .size = v[6],
				 .devmajor = v[7],
				 .devminor = v[8],
				 .rdevmajor = v[9],
				 .rdevminor = v[10],
				 .namesize = v[11],
				 .check = v[12],
				 .offset = (uint32_t)off,
				 .index = index};
	return CPIO_OK;
}

/* v in octal, as modes are written (fmt has no %o): "0100644". */
static const char *octal(uint32_t v, char buf[13])
{
	int i = 12;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + (v & 7u));
		v >>= 3;
	} while (v);
	buf[--i] = '0';
	return buf + i;
}

static uint32_t byte_sum(const uint8_t *p, uint32_t n)
{
	uint32_t s = 0;

	for (uint32_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

/* The entry's own checks, after its name and data are known to fit. */
static int check_entry(const struct cpio_entry *e, bool crc, char *msg,
		       size_t len)
{
	char oct[13];
	int n;

	/* The trailer is an empty marker: data there would move the
	 * archive's end off a multiple of 4 and mean nothing. */
	if (is_trailer(e))
		return e->size == 0
			   ? CPIO_OK
			   : fail(msg, len, CPIO_E_DATA,
				  "entry %u (the trailer): %u bytes "
				  "of data, a trailer has none",
				  (unsigned)e->index, (unsigned)e->size);
	n = norm_check(e->name, e->namesize - 1);
	if (n < 0)
		return fail(msg, len, (enum cpio_error)(-n),
			    "entry %u at offset 0x%x: \"%.64s\"",
			    (unsigned)e->index, (unsigned)e->offset, e->name);
	if (!type_known(e->mode))
		return fail(msg, len, CPIO_E_MODE,
			    "entry %u \"%.64s\": c_mode %s", (unsigned)e->index,
			    e->name, octal(e->mode, oct));
	if (e->size && !has_data(e->mode))
		return fail(msg, len, CPIO_E_DATA,
			    "entry %u \"%.64s\": %u bytes for mode %s",
			    (unsigned)e->index, e->name, (unsigned)e->size,
			    octal(e->mode, oct));
	if (n == 0 && (e->mode & CPIO_S_IFMT) != CPIO_S_IFDIR)
		return fail(msg, len, CPIO_E_NOTDIR,
			    "entry %u \"%.64s\": the root is not a directory",
			    (unsigned)e->index, e->name);
	if (crc && (e->mode & CPIO_S_IFMT) == CPIO_S_IFREG &&
	    byte_sum(e->data, e->size) != e->check)
		return fail(msg, len, CPIO_E_CHECKSUM,
			    "entry %u \"%.64s\": data sums to 0x%x, c_check "
			    "is 0x%x",
			    (unsigned)e->index, e->name,
			    (unsigned)byte_sum(e->data, e->size),
			    (unsigned)e->check);
	return CPIO_OK;
}

/*
 * Reads and checks the entry at off: CPIO_OK with *e and *next (the next
 * header's offset), or a negative error.
 */
static int parse_entry(const uint8_t *buf, size_t len, uint64_t off,
		       uint32_t index, struct cpio_entry *e, uint64_t *next,
		       char *msg, size_t msglen)
{
	const uint8_t *h = buf + off;
	uint64_t name_off = off + CPIO_HEADER_SIZE, data_off, data_end;
	bool crc;
	int err;

	*e = (struct cpio_entry){.index = index}; /* even on an error */
	if (off + CPIO_HEADER_SIZE > len)
		return fail(msg, msglen, CPIO_E_TRUNCATED,
			    "entry %u at offset 0x%llx: %zu bytes left, a "
			    "header has 110",
			    (unsigned)index, (unsigned long long)off,
			    (size_t)(len - off));
	crc = memcmp(h, CPIO_MAGIC_CRC, CPIO_MAGIC_LEN) == 0;
	if (!crc && memcmp(h, CPIO_MAGIC_NEWC, CPIO_MAGIC_LEN) != 0)
		return fail(msg, msglen, CPIO_E_MAGIC,
			    "entry %u at offset 0x%llx: magic \"%.6s\", "
			    "expected 070701 or 070702",
			    (unsigned)index, (unsigned long long)off,
			    (const char *)h);
	err = parse_fields(h, off, index, e, msg, msglen);
	if (err)
		return err;
	data_off = align4(name_off + e->namesize);
	data_end = data_off + e->size;
	if (name_off + e->namesize > len || data_end > len)
		return fail(msg, msglen, CPIO_E_TRUNCATED,
			    "entry %u at offset 0x%llx: c_namesize 0x%x and "
			    "c_filesize 0x%x run past the archive's end "
			    "(0x%zx)",
			    (unsigned)index, (unsigned long long)off,
			    (unsigned)e->namesize, (unsigned)e->size, len);
	e->name = (const char *)(buf + name_off);
	if (e->namesize < 2 ||
	    memchr(e->name, '\0', e->namesize) != e->name + e->namesize - 1)
		return fail(msg, msglen, CPIO_E_NAME,
			    "entry %u at offset 0x%llx: the name (c_namesize "
			    "%u) is empty or its NUL is not its last byte",
			    (unsigned)index, (unsigned long long)off,
			    (unsigned)e->namesize);
	e->data = buf + data_off;
	*next = align4(data_end);
	return check_entry(e, crc, msg, msglen);
}

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len)
{
	*it = (struct cpio_iter){buf, len, 0, 0, false};
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e, char *msg,
	      size_t msglen)
{
	uint64_t next = 0;
	int err;

	*e = (struct cpio_entry){.index = it->index}; /* whatever happens */
	if (it->done)
		return 0;
	if (it->off >= it->len) {
		it->done = true;
		return fail(msg, msglen, CPIO_E_NO_TRAILER,
			    "the archive ends after %u entries at 0x%llx "
			    "without one",
			    (unsigned)it->index, (unsigned long long)it->off);
	}
	err = parse_entry(it->buf, it->len, it->off, it->index, e, &next, msg,
			  msglen);
	if (err) {
		it->done = true;
		return err;
	}
	it->off = next;
	if (is_trailer(e)) {
		it->done = true;
		return 0;
	}
	it->index++;
	return 1;
}

static bool is_dir(const struct cpio_entry *e)
{
	return (e->mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
}

/* Entry e against every entry before it: duplicates, files as parents. */
static int check_against_earlier(const uint8_t *buf, size_t len,
				 const struct cpio_entry *e, char *msg,
				 size_t msglen)
{
	struct cpio_iter it;
	struct cpio_entry p;

	cpio_iter_init(&it, buf, len);
	while (cpio_next(&it, &p, NULL, 0) == 1 && p.index < e->index) {
		enum path_rel r =
		    path_rel(p.name, p.namesize - 1, e->name, e->namesize - 1);

		if (r == REL_EQUAL && !(is_dir(&p) && is_dir(e)))
			return fail(msg, msglen, CPIO_E_DUPLICATE,
				    "entries %u and %u are both \"%.64s\"",
				    (unsigned)p.index, (unsigned)e->index,
				    e->name);
		if ((r == REL_A_ABOVE_B && !is_dir(&p)) ||
		    (r == REL_B_ABOVE_A && !is_dir(e)))
			return fail(msg, msglen, CPIO_E_NOTDIR,
				    "entry %u \"%.64s\" and entry %u "
				    "\"%.64s\": one is below the other, "
				    "which is not a directory",
				    (unsigned)p.index, p.name,
				    (unsigned)e->index, e->name);
	}
	return CPIO_OK;
}

int cpio_validate(const void *buf, size_t len, struct cpio_info *info,
		  char *msg, size_t msglen)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	if (msg && msglen)
		msg[0] = '\0';
	cpio_iter_init(&it, buf, len);
	while ((r = cpio_next(&it, &e, msg, msglen)) == 1) {
		r = check_against_earlier(buf, len, &e, msg, msglen);
		if (r)
			return r;
	}
	if (r < 0)
		return r;
	for (uint64_t i = it.off; i < len; i++)
		if (it.buf[i] != 0)
			return fail(msg, msglen, CPIO_E_TRAILING,
				    "byte 0x%llx after the trailer (at "
				    "0x%x) is not zero: one archive only",
				    (unsigned long long)i, (unsigned)e.offset);
	if (info)
		*info = (struct cpio_info){
		    it.index, (uint32_t)(it.off < len ? it.off : len)};
	return CPIO_OK;
}

int cpio_lookup(const void *buf, size_t len, const char *path,
		struct cpio_entry *e)
{
	size_t plen = strlen(path);
	struct cpio_iter it;
	bool implied = false;
	int r, n = norm_check(path, plen);

	if (n < 0)
		return n;
	cpio_iter_init(&it, buf, len);
	while ((r = cpio_next(&it, e, NULL, 0)) == 1) {
		enum path_rel rel =
		    path_rel(path, plen, e->name, e->namesize - 1);

		if (rel == REL_EQUAL) {
			e->implicit = false;
			return CPIO_OK;
		}
		implied |= rel == REL_A_ABOVE_B;
	}
	if (r < 0)
		return r;
	if (!implied && n > 0)
		return -CPIO_E_NOENT;
	*e = (struct cpio_entry){.name = path,
				 .namesize = (uint32_t)plen + 1,
				 .mode = CPIO_IMPLICIT_DIR_MODE,
				 .nlink = 2,
				 .implicit = true};
	return CPIO_OK;
}

/*
 * How many components name has below dir (first one in *comp), 0 if they
 * are the same path, -1 if name is not at or below dir.
 */
static int depth_below(const char *dir, size_t dlen, const char *name,
		       size_t nlen, const char **comp, size_t *clen)
{
	size_t pd = 0, pn = 0, ld = 0, ln = 0;
	const char *cd = NULL, *cn = NULL;
	int depth = 0;

	while (next_comp(dir, dlen, &pd, &cd, &ld)) {
		if (!next_comp(name, nlen, &pn, &cn, &ln) || ld != ln ||
		    memcmp(cd, cn, ld) != 0)
			return -1;
	}
	if (next_comp(name, nlen, &pn, comp, clen))
		for (depth = 1; next_comp(name, nlen, &pn, &cn, &ln);)
			depth++;
	return depth;
}

/*
 * Whether the implicit directory dir/comp, seen first under entry `at`,
 * is to be listed there: not if an entry names it (that entry is listed
 * instead) nor if an earlier entry lies below it (it was listed there).
 */
static bool implicit_first_here(const uint8_t *buf, size_t len, const char *dir,
				size_t dlen, const char *comp, size_t clen,
				uint32_t at)
{
	struct cpio_iter it;
	struct cpio_entry o;
	const char *oc;
	size_t ol;

	cpio_iter_init(&it, buf, len);
	while (cpio_next(&it, &o, NULL, 0) == 1) {
		int d =
		    depth_below(dir, dlen, o.name, o.namesize - 1, &oc, &ol);

		if (d < 1 || ol != clen || memcmp(oc, comp, clen) != 0)
			continue;
		if (d == 1 || o.index < at)
			return false;
	}
	return true;
}

int cpio_readdir(const void *buf, size_t len, const char *dir, uint32_t *cookie,
		 struct cpio_entry *e, const char **child, size_t *childlen)
{
	size_t dlen = strlen(dir);
	struct cpio_iter it;
	int r, d;

	if (norm_check(dir, dlen) < 0)
		return norm_check(dir, dlen);
	cpio_iter_init(&it, buf, len);
	while ((r = cpio_next(&it, e, NULL, 0)) == 1) {
		if (e->index < *cookie)
			continue;
		d = depth_below(dir, dlen, e->name, e->namesize - 1, child,
				childlen);
		if (d == 1) {
			e->implicit = false;
		} else if (d >= 2 &&
			   implicit_first_here(buf, len, dir, dlen, *child,
					       *childlen, e->index)) {
			e->implicit = true;
			e->mode = CPIO_IMPLICIT_DIR_MODE;
			e->size = 0;
			e->data = NULL;
			e->nlink = 2;
		} else {
			continue;
		}
		*cookie = e->index + 1;
		return 1;
	}
	return r;
}
