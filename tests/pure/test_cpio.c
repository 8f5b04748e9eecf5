/*
 * Tests of lib/cpio, in the kernel and on the host, on archives built in a
 * buffer by the same rules as GNU cpio's `-H newc`: headers of hex text,
 * names and data padded to 4 bytes, a TRAILER!!! entry, zero padding.
 * Each broken archive checks the error code and the message's details.
 */
#include "kernel/ktest.h"
#include "lib/cpio.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define ARCHIVE_MAX 4096u
#define MSG_LEN	    200u
#define REG(perm)   (CPIO_S_IFREG | (perm))
#define DIR(perm)   (CPIO_S_IFDIR | (perm))

static uint8_t ar[ARCHIVE_MAX] __attribute__((aligned(4)));
static uint32_t ar_len;
static char msg[MSG_LEN];

static uint32_t sum(const char *data, uint32_t n)
{
	uint32_t s = 0;

	for (uint32_t i = 0; i < n; i++)
		s += (uint8_t)data[i];
	return s;
}

/* Appends one entry; magic 070701, or 070702 with the data's sum. */
static void add_magic(const char *magic, const char *name, uint32_t mode,
		      const char *data, uint32_t size)
{
	uint32_t namesize = (uint32_t)strlen(name) + 1;
	bool crc = magic[5] == '2';
	char *h = (char *)ar + ar_len;

	fmt_snprintf(h, CPIO_HEADER_SIZE + 1,
		     "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		     magic, 100u + ar_len, mode, 0u, 0u, 1u, 0u, size, 0u, 0u,
		     0u, 0u, namesize, crc ? sum(data, size) : 0u);
	ar_len += CPIO_HEADER_SIZE;
	memcpy(ar + ar_len, name, namesize);
	ar_len = (ar_len + namesize + 3) & ~3u;
	if (size)
		memcpy(ar + ar_len, data, size);
	ar_len = (ar_len + size + 3) & ~3u;
}

static void add(const char *name, uint32_t mode, const char *data)
{
	add_magic("070701", name, mode, data,
		  data ? (uint32_t)strlen(data) : 0);
}

/* Overwrites header field `field` (0 = c_ino) of the first entry. */
static void set_field(unsigned field, const char *hex)
{
	for (unsigned i = 0; i < 8; i++)
		ar[6 + 8 * field + i] = (uint8_t)hex[i];
}

static void start(void)
{
	memset(ar, 0, sizeof ar);
	ar_len = 0;
}

/* The trailer, then zero padding to a multiple of 512, as cpio does. */
static void finish(void)
{
	add("TRAILER!!!", 0, NULL);
	ar_len = (ar_len + 511) & ~511u;
}

/* The tree most tests use, named as `find . | cpio -o -H newc` names. */
static void sample(void)
{
	start();
	add(".", DIR(0755), NULL);
	add("bin", DIR(0755), NULL);
	add("bin/sh", REG(0755), "#!sh\n");
	add("bin/ls", REG(0755), "ls-program");
	add("etc", DIR(0755), NULL);
	add("etc/motd", REG(0644), "hello\n");
	add("etc/link", CPIO_S_IFLNK | 0777, "motd");
	add("README", REG(0644), "");
	finish();
}

static int validate(void)
{
	return cpio_validate(ar, ar_len, NULL, msg, sizeof msg);
}

static bool says(const char *what)
{
	bool ok = strstr(msg, what) != NULL;

	if (!ok)
		ktest_diag("message: %s", msg);
	return ok;
}

KTEST(cpio, a_valid_archive)
{
	struct cpio_info info;

	sample();
	KASSERT_EQ(cpio_validate(ar, ar_len, &info, msg, sizeof msg), CPIO_OK);
	KEXPECT_EQ(info.entries, 8);
	KEXPECT_LE(info.end, ar_len);
	KEXPECT_EQ(info.end % 4, 0);
	KEXPECT_STREQ(msg, "");
}

KTEST(cpio, iterate_in_archive_order)
{
	static const char *const names[] = {".",	"bin",	 "bin/sh",
					    "bin/ls",	"etc",	 "etc/motd",
					    "etc/link", "README"};
	struct cpio_iter it;
	struct cpio_entry e;
	uint32_t n = 0;
	int r;

	sample();
	cpio_iter_init(&it, ar, ar_len);
	while ((r = cpio_next(&it, &e, msg, sizeof msg)) == 1) {
		KASSERT_LT(n, 8);
		KEXPECT_STREQ(e.name, names[n]);
		KEXPECT_EQ(e.index, n);
		KEXPECT_EQ(e.offset % 4, 0);
		KEXPECT_EQ(((uintptr_t)e.data - (uintptr_t)ar) % 4, 0);
		n++;
	}
	KEXPECT_EQ(r, 0);
	KEXPECT_EQ(n, 8);
	KEXPECT_EQ(cpio_next(&it, &e, msg, sizeof msg), 0); /* stays done */
}

KTEST(cpio, lookup_normalises_names)
{
	static const char *const spellings[] = {"/bin/sh", "bin/sh", "./bin/sh",
						"//bin/./sh/", "/./bin//sh"};
	struct cpio_entry e;

	sample();
	for (unsigned i = 0; i < 5; i++) {
		KASSERT_EQ(cpio_lookup(ar, ar_len, spellings[i], &e), CPIO_OK);
		KEXPECT_EQ(e.size, 5);
		KEXPECT_EQ(memcmp(e.data, "#!sh\n", 5), 0);
		KEXPECT_EQ(e.mode, REG(0755));
		KEXPECT_FALSE(e.implicit);
	}
	KEXPECT_EQ(cpio_lookup(ar, ar_len, "/etc/link", &e), CPIO_OK);
	KEXPECT_EQ(e.mode & CPIO_S_IFMT, CPIO_S_IFLNK);
	KEXPECT_EQ(memcmp(e.data, "motd", 4), 0);
	KEXPECT_EQ(cpio_lookup(ar, ar_len, "/", &e), CPIO_OK);
	KEXPECT_STREQ(e.name, "."); /* the listed root */
	KEXPECT_EQ(cpio_lookup(ar, ar_len, "/bin/s", &e), -CPIO_E_NOENT);
	KEXPECT_EQ(cpio_lookup(ar, ar_len, "/bin/shell", &e), -CPIO_E_NOENT);
	KEXPECT_EQ(cpio_lookup(ar, ar_len, "/bin/sh/x", &e), -CPIO_E_NOENT);
	KEXPECT_EQ(cpio_lookup(ar, ar_len, "/bin/../etc", &e), -CPIO_E_DOTDOT);
}

KTEST(cpio, normalise)
{
	char out[CPIO_PATH_MAX];
	char small[4];
	char longname[CPIO_PATH_MAX + 2];

	KEXPECT_EQ(cpio_normalise("./bin/sh", 8, out, sizeof out), 7);
	KEXPECT_STREQ(out, "/bin/sh");
	KEXPECT_EQ(cpio_normalise(".", 1, out, sizeof out), 1);
	KEXPECT_STREQ(out, "/");
	KEXPECT_EQ(cpio_normalise("", 0, out, sizeof out), 1);
	KEXPECT_STREQ(out, "/");
	KEXPECT_EQ(cpio_normalise("a/.b/..c/", 9, out, sizeof out), 9);
	KEXPECT_STREQ(out, "/a/.b/..c"); /* dot names that are not . or .. */
	KEXPECT_EQ(cpio_normalise("a/../b", 6, out, sizeof out),
		   -CPIO_E_DOTDOT);
	KEXPECT_EQ(cpio_normalise("..", 2, out, sizeof out), -CPIO_E_DOTDOT);
	KEXPECT_EQ(cpio_normalise("abcd", 4, small, sizeof small),
		   -CPIO_E_NAME_LONG);
	memset(longname, 'x', sizeof longname);
	KEXPECT_EQ(cpio_normalise(longname, CPIO_PATH_MAX - 2, out, sizeof out),
		   CPIO_PATH_MAX - 1);
	KEXPECT_EQ(cpio_normalise(longname, CPIO_PATH_MAX - 1, out, sizeof out),
		   -CPIO_E_NAME_LONG);
}

KTEST(cpio, list_a_directory)
{
	const char *child = NULL;
	size_t clen = 0;
	uint32_t cookie = 0;
	struct cpio_entry e;
	char names[64] = "";
	size_t used = 0;
	int r;

	sample();
	while ((r = cpio_readdir(ar, ar_len, "/etc/", &cookie, &e, &child,
				 &clen)) == 1) {
		KASSERT_LT(used + clen + 1, sizeof names);
		memcpy(names + used, child, clen);
		used += clen;
		names[used++] = ' ';
		names[used] = '\0';
	}
	KEXPECT_EQ(r, 0);
	KEXPECT_STREQ(names, "motd link ");
	/* the root: bin, etc, README; a cookie resumes after the last one */
	cookie = 0;
	KEXPECT_EQ(cpio_readdir(ar, ar_len, "/", &cookie, &e, &child, &clen),
		   1);
	KEXPECT_EQ(clen, 3);
	KEXPECT_EQ(memcmp(child, "bin", 3), 0);
	KEXPECT_EQ(cpio_readdir(ar, ar_len, ".", &cookie, &e, &child, &clen),
		   1);
	KEXPECT_EQ(memcmp(child, "etc", 3), 0);
	KEXPECT_EQ(cpio_readdir(ar, ar_len, "", &cookie, &e, &child, &clen), 1);
	KEXPECT_EQ(memcmp(child, "README", 6), 0);
	KEXPECT_EQ(cpio_readdir(ar, ar_len, "/", &cookie, &e, &child, &clen),
		   0);
	/* a file has no children */
	cookie = 0;
	KEXPECT_EQ(
	    cpio_readdir(ar, ar_len, "/bin/sh", &cookie, &e, &child, &clen), 0);
}

KTEST(cpio, implicit_directories)
{
	struct cpio_entry e;

	start();
	add("usr/lib/x", REG(0644), "x");
	finish();
	KASSERT_EQ(validate(), CPIO_OK);
	KEXPECT_EQ(cpio_lookup(ar, ar_len, "/usr/lib", &e), CPIO_OK);
	KEXPECT_TRUE(e.implicit);
	KEXPECT_EQ(e.mode, CPIO_IMPLICIT_DIR_MODE);
	KEXPECT_EQ(e.size, 0);
	KEXPECT_EQ(cpio_lookup(ar, ar_len, "/", &e), CPIO_OK);
	KEXPECT_TRUE(e.implicit);
	KEXPECT_EQ(cpio_lookup(ar, ar_len, "/usr/li", &e), -CPIO_E_NOENT);
}

/* Lists dir into names, "a b c ", marking implicit directories "a/". */
static int list(const char *dir, char *names, size_t size)
{
	const char *child = NULL;
	size_t clen = 0, used = 0;
	uint32_t cookie = 0;
	struct cpio_entry e;
	int r;

	names[0] = '\0';
	while ((r = cpio_readdir(ar, ar_len, dir, &cookie, &e, &child,
				 &clen)) == 1) {
		if (used + clen + 3 > size)
			return -100;
		memcpy(names + used, child, clen);
		used += clen;
		if (e.implicit)
			names[used++] = '/';
		names[used++] = ' ';
		names[used] = '\0';
	}
	return r;
}

KTEST(cpio, implicit_directories_are_listed_once)
{
	char names[80];

	start();
	add("usr/lib/a", REG(0644), "a");
	add("usr/lib/b", REG(0644), "b");
	add("top", REG(0644), "t");
	add("usr/bin/sh", REG(0755), "s");
	add("usr/bin", DIR(0755), NULL); /* named after its child */
	add("usr/share/x/y", REG(0644), "y");
	finish();
	KASSERT_EQ(validate(), CPIO_OK);
	KEXPECT_EQ(list("/", names, sizeof names), 0);
	KEXPECT_STREQ(names, "usr/ top ");
	KEXPECT_EQ(list("/usr", names, sizeof names), 0);
	KEXPECT_STREQ(names, "lib/ bin share/ ");
	KEXPECT_EQ(list("usr/lib/", names, sizeof names), 0);
	KEXPECT_STREQ(names, "a b ");
	KEXPECT_EQ(list("/usr/share/x", names, sizeof names), 0);
	KEXPECT_STREQ(names, "y ");
	KEXPECT_EQ(list("/nothing", names, sizeof names), 0);
	KEXPECT_STREQ(names, "");
	KEXPECT_EQ(list("/usr/../etc", names, sizeof names), -CPIO_E_DOTDOT);
}

KTEST(cpio, crc_format_checksums)
{
	start();
	add_magic("070702", "a", REG(0644), "abc", 3);
	finish();
	KEXPECT_EQ(validate(), CPIO_OK);
	/* change one data byte: the sum no longer matches */
	ar[CPIO_HEADER_SIZE + 4] = 'x';
	KEXPECT_EQ(validate(), -CPIO_E_CHECKSUM);
	KEXPECT_TRUE(says("0x126")); /* 'a' + 'b' + 'c' = 294 */
	/* the same change in a 070701 archive goes unnoticed, as in Linux */
	start();
	add("a", REG(0644), "abc");
	finish();
	ar[CPIO_HEADER_SIZE + 4] = 'x';
	KEXPECT_EQ(validate(), CPIO_OK);
}

KTEST(cpio, bad_magic_and_hex)
{
	sample();
	ar[5] = '7';
	KEXPECT_EQ(validate(), -CPIO_E_MAGIC);
	KEXPECT_TRUE(says("070707"));
	sample();
	ar[6 + 8 * 6 + 3] = 'g'; /* c_filesize of entry 0 */
	KEXPECT_EQ(validate(), -CPIO_E_HEX);
	KEXPECT_TRUE(says("c_filesize"));
	KEXPECT_TRUE(says("entry 0 at offset 0x0"));
	sample();
	ar[6 + 8 * 12] = ' '; /* c_check */
	KEXPECT_EQ(validate(), -CPIO_E_HEX);
	KEXPECT_TRUE(says("c_check"));
}

KTEST(cpio, truncated_archives)
{
	uint32_t full;

	sample();
	full = ar_len;
	ar_len = 0;
	KEXPECT_EQ(validate(), -CPIO_E_NO_TRAILER);
	ar_len = 50;
	KEXPECT_EQ(validate(), -CPIO_E_TRUNCATED);
	/* cut inside bin/ls's data (its header is the 4th) */
	start();
	add(".", DIR(0755), NULL);
	add("big", REG(0644), "0123456789abcdef");
	ar_len -= 8;
	KEXPECT_EQ(validate(), -CPIO_E_TRUNCATED);
	KEXPECT_TRUE(says("c_filesize 0x10"));
	/* no trailer at all */
	ar_len += 8;
	KEXPECT_EQ(validate(), -CPIO_E_NO_TRAILER);
	(void)full;
}

KTEST(cpio, absurd_sizes_do_not_wrap)
{
	sample();
	/* c_filesize 0xffffffff on the first entry */
	set_field(6, "ffffffff");
	KEXPECT_EQ(validate(), -CPIO_E_TRUNCATED);
	sample();
	set_field(11, "fffffffe"); /* c_namesize */
	KEXPECT_EQ(validate(), -CPIO_E_TRUNCATED);
}

KTEST(cpio, bad_names)
{
	start();
	add("a", REG(0644), "x");
	set_field(11, "00000001"); /* namesize 1: empty name */
	KEXPECT_EQ(validate(), -CPIO_E_NAME);
	start();
	add("abc", REG(0644), NULL);
	ar[CPIO_HEADER_SIZE + 1] = '\0'; /* a NUL inside the name */
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_NAME);
	start();
	add("abc", REG(0644), NULL);
	set_field(11, "00000003"); /* no NUL within namesize */
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_NAME);
	start();
	add("etc/../../x", REG(0644), NULL);
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_DOTDOT);
	KEXPECT_TRUE(says("etc/../../x"));
}

KTEST(cpio, types_and_data)
{
	start();
	add("odd", 0170000u | 0644, NULL);
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_MODE);
	KEXPECT_TRUE(says("0170644"));
	start();
	add("dir", DIR(0755), "data");
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_DATA);
	/* A trailer with data, cut off at the buffer's end (found by
	 * fuzz_cpio: its end was not a multiple of 4). */
	start();
	add("a", REG(0644), "x");
	add("TRAILER!!!", 0, "abc");
	ar_len -= 1;
	KEXPECT_EQ(validate(), -CPIO_E_DATA);
	KEXPECT_TRUE(says("the trailer"));
	start();
	add("dev/console", CPIO_S_IFCHR | 0600, NULL); /* a device: fine */
	add("fifo", CPIO_S_IFIFO | 0600, NULL);
	finish();
	KEXPECT_EQ(validate(), CPIO_OK);
	start();
	add(".", REG(0644), NULL);
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_NOTDIR);
}

KTEST(cpio, duplicates_and_files_as_directories)
{
	start();
	add("a", REG(0644), "1");
	add("./a", REG(0644), "2");
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_DUPLICATE);
	KEXPECT_TRUE(says("entries 0 and 1"));
	start();
	add("d", DIR(0755), NULL);
	add("d/", DIR(0700), NULL); /* two directories: allowed */
	finish();
	KEXPECT_EQ(validate(), CPIO_OK);
	start();
	add("bin", REG(0644), "not a dir");
	add("bin/sh", REG(0755), "sh");
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_NOTDIR);
	start(); /* the other order */
	add("bin/sh", REG(0755), "sh");
	add("bin", REG(0644), "not a dir");
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_NOTDIR);
}

KTEST(cpio, only_zeros_after_the_trailer)
{
	sample();
	KASSERT_LT(ar_len, ARCHIVE_MAX - 4);
	ar[ar_len - 1] = 1;
	KEXPECT_EQ(validate(), -CPIO_E_TRAILING);
	/* a second archive after the first */
	sample();
	ar_len -= 4; /* keep 4-byte alignment, drop some padding */
	add("x", REG(0644), "y");
	finish();
	KEXPECT_EQ(validate(), -CPIO_E_TRAILING);
	/* an archive cut just after its trailer's name: still fine */
	start();
	add("x", REG(0644), "y");
	add("TRAILER!!!", 0, NULL);
	KEXPECT_EQ(validate(), CPIO_OK);
}

KTEST(cpio, strerror_names_every_code)
{
	for (int e = 0; e < CPIO_E_COUNT; e++)
		KEXPECT_NOT_NULL(cpio_strerror(-e));
	KEXPECT_STREQ(cpio_strerror(-CPIO_E_DOTDOT), "'..' in a path");
	KEXPECT_STREQ(cpio_strerror(CPIO_E_COUNT + 3), "unknown error");
}
