/*
 * Fuzz target: lib/cpio, the initrd's newc reader.
 *
 * The input is the archive itself (libFuzzer hands over an exact-size
 * buffer, so AddressSanitizer catches any read past it).  Checked:
 *   - cpio_validate() returns CPIO_OK or a known negative code, with a
 *     message that starts with the code's description;
 *   - the iterator agrees with it: an error the iterator meets is the one
 *     validation reports; an iterator that reaches the trailer leaves only
 *     the whole-archive errors (duplicate, not a directory, trailing data);
 *     and on a valid archive it yields exactly info.entries entries, in
 *     order, each header 4-byte aligned, name and data inside the buffer;
 *   - on a valid archive, every entry is found again by cpio_lookup() under
 *     its normalised name (the same entry, or an earlier directory when two
 *     directories share a path) and listed by cpio_readdir() in its parent;
 *   - cpio_normalise() gives "/" or "/a/b" with no empty, "." or ".."
 *     component and no trailing '/', and normalising that again changes
 *     nothing;
 *   - lookups of the input's own bytes as a path never fail in any other
 *     way than the documented ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cpio.h"
#include "tests/fuzz/fuzz.h"

static char fc_msg[256];

static void fc_check_norm(const char *in, size_t len)
{
	char out[CPIO_PATH_MAX], again[CPIO_PATH_MAX];
	int n = cpio_normalise(in, len, out, sizeof out), m;

	if (n < 0) {
		FZ_CHECK(n == -CPIO_E_DOTDOT || n == -CPIO_E_NAME_LONG,
			 "normalise: error %d", n);
		return;
	}
	FZ_CHECK((size_t)n == strlen(out) && out[0] == '/',
		 "normalise: \"%s\" (%d)", out, n);
	FZ_CHECK(n == 1 || out[n - 1] != '/', "trailing slash: \"%s\"", out);
	FZ_CHECK(!strstr(out, "//") && !strstr(out, "/./") &&
		     !strstr(out, "/../") &&
		     strcmp(out + (n >= 2 ? n - 2 : 0), "/.") != 0 &&
		     strcmp(out + (n >= 3 ? n - 3 : 0), "/..") != 0,
		 "not normal: \"%s\"", out);
	m = cpio_normalise(out, (size_t)n, again, sizeof again);
	FZ_CHECK(m == n && strcmp(out, again) == 0,
		 "not idempotent: \"%s\" -> \"%s\"", out, again);
}

static bool fc_is_dir(const struct cpio_entry *e)
{
	return (e->mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
}

/* The entry is listed in its parent directory. */
static void fc_check_listed(const uint8_t *buf, size_t len,
			    const struct cpio_entry *e, const char *path)
{
	char parent[CPIO_PATH_MAX];
	const char *child, *base = strrchr(path, '/') + 1;
	size_t clen;
	uint32_t cookie = 0, last = 0;
	struct cpio_entry f;
	bool found = false;
	int r;

	strcpy(parent, path);
	parent[base - path - (base - path > 1)] = '\0';
	if (parent[0] == '\0')
		strcpy(parent, "/");
	while ((r = cpio_readdir(buf, len, parent, &cookie, &f, &child,
				 &clen)) == 1) {
		FZ_CHECK(cookie > last && f.index + 1 == cookie,
			 "readdir cookie %u after %u", cookie, last);
		last = cookie;
		found |= f.offset == e->offset && clen == strlen(base) &&
			 memcmp(child, base, clen) == 0;
	}
	FZ_CHECK(r == 0, "readdir of %s: %d", parent, r);
	FZ_CHECK(found, "%s not listed in %s", path, parent);
}

static void fc_check_valid(const uint8_t *buf, size_t len,
			   const struct cpio_info *info)
{
	struct cpio_iter it;
	struct cpio_entry e, f;
	char path[CPIO_PATH_MAX];
	uint32_t n = 0;
	int r;

	FZ_CHECK(info->end <= len && info->end % 4 == 0, "end 0x%x of 0x%zx",
		 info->end, len);
	cpio_iter_init(&it, buf, len);
	while ((r = cpio_next(&it, &e, NULL, 0)) == 1) {
		FZ_CHECK(e.index == n++ && e.offset % 4 == 0,
			 "entry %u at 0x%x", e.index, e.offset);
		FZ_CHECK((const uint8_t *)e.name >= buf &&
			     (const uint8_t *)e.name + e.namesize <=
				 buf + len &&
			     e.data >= buf && e.data + e.size <= buf + len,
			 "entry %u outside the buffer", e.index);
		FZ_CHECK(cpio_normalise(e.name, e.namesize - 1, path,
					sizeof path) > 0,
			 "valid archive, bad name %s", e.name);
		r = cpio_lookup(buf, len, path, &f);
		FZ_CHECK(r == CPIO_OK && !f.implicit &&
			     (f.offset == e.offset ||
			      (f.offset < e.offset && fc_is_dir(&e) &&
			       fc_is_dir(&f))),
			 "lookup %s: %d, offset 0x%x, want 0x%x", path, r,
			 f.offset, e.offset);
		if (strcmp(path, "/") != 0)
			fc_check_listed(buf, len, &e, path);
	}
	FZ_CHECK(r == 0 && n == info->entries, "%u entries, info says %u", n,
		 info->entries);
}

static int fuzz_cpio(const uint8_t *data, size_t size)
{
	struct cpio_info info = {0, 0};
	struct cpio_iter it;
	struct cpio_entry e;
	char path[CPIO_PATH_MAX + 1];
	int v, r;

	v = cpio_validate(data, size, &info, fc_msg, sizeof fc_msg);
	FZ_CHECK(v <= 0 && v > -CPIO_E_COUNT && v != -CPIO_E_NOENT,
		 "validate: %d", v);
	FZ_CHECK(v == 0 || strncmp(fc_msg, cpio_strerror(v),
				   strlen(cpio_strerror(v))) == 0,
		 "message \"%s\" for %d", fc_msg, v);
	cpio_iter_init(&it, data, size);
	while ((r = cpio_next(&it, &e, NULL, 0)) == 1)
		;
	if (r < 0)
		FZ_CHECK(v == r, "iterator %d, validate %d", r, v);
	else
		FZ_CHECK(v == 0 || v == -CPIO_E_DUPLICATE ||
			     v == -CPIO_E_NOTDIR || v == -CPIO_E_TRAILING,
			 "iterator reached the trailer, validate %d", v);
	if (v == 0)
		fc_check_valid(data, size, &info);
	/* The input's first bytes as a path. */
	memcpy(path, data, size < CPIO_PATH_MAX ? size : CPIO_PATH_MAX);
	path[size < CPIO_PATH_MAX ? size : CPIO_PATH_MAX] = '\0';
	fc_check_norm(path, strlen(path));
	r = cpio_lookup(data, size, path, &e);
	FZ_CHECK(r <= 0 && r > -CPIO_E_COUNT, "lookup: %d", r);
	return 0;
}

FUZZ_ENTRY(cpio, fuzz_cpio)
