/*
 * Host tests of lib/cpio under AddressSanitizer: an archive in an
 * exact-size heap buffer, cut at every length and changed at every header
 * byte, must never be read past its end; every cut before the trailer's
 * name ends must be refused; and what the iterator returns for a valid
 * archive must agree with lookup and listing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/ktest.h"
#include "lib/cpio.h"

#define MAXLEN 2048u

static uint8_t ar[MAXLEN];
static uint32_t ar_len;

static void add(const char *name, uint32_t mode, const char *data)
{
	uint32_t namesize = (uint32_t)strlen(name) + 1;
	uint32_t size = data ? (uint32_t)strlen(data) : 0;

	snprintf((char *)ar + ar_len, CPIO_HEADER_SIZE + 1,
		 "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 ar_len, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, namesize,
		 0u);
	ar_len += CPIO_HEADER_SIZE;
	memcpy(ar + ar_len, name, namesize);
	ar_len = (ar_len + namesize + 3) & ~3u;
	memcpy(ar + ar_len, data ? data : "", size);
	ar_len = (ar_len + size + 3) & ~3u;
}

/* Returns the offset just past the trailer's name and its padding. */
static uint32_t build(void)
{
	uint32_t t;

	memset(ar, 0, sizeof ar);
	ar_len = 0;
	add(".", CPIO_S_IFDIR | 0755, NULL);
	add("bin", CPIO_S_IFDIR | 0755, NULL);
	add("bin/sh", CPIO_S_IFREG | 0755, "shell");
	add("etc/motd", CPIO_S_IFREG | 0644, "hello, world\n");
	t = ar_len;
	add("TRAILER!!!", 0, NULL);
	ar_len += 12; /* some zero padding */
	return (t + CPIO_HEADER_SIZE + 11 + 3) & ~3u; /* and its padding */
}

static int validate_copy(const uint8_t *src, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	char msg[200];
	int r;

	memcpy(c, src, n);
	r = cpio_validate(c, n, NULL, msg, sizeof msg);
	if (r != CPIO_OK && msg[0] == '\0')
		r = 1000; /* an error must come with a message */
	free(c);
	return r;
}

KTEST(cpio_host, every_cut_before_the_trailer_is_refused)
{
	uint32_t need = build();

	for (uint32_t n = 0; n <= ar_len; n++) {
		int r = validate_copy(ar, n);

		if ((r == CPIO_OK) != (n >= need)) {
			KEXPECT_EQ(r == CPIO_OK, n >= need);
			ktest_diag("cut at %u of %u: %d", n, ar_len, r);
			break;
		}
		KEXPECT_NE(r, 1000);
	}
}

KTEST(cpio_host, every_header_byte_change_is_safe)
{
	uint32_t changed_ok = 0;

	build();
	for (uint32_t i = 0; i < ar_len; i++) {
		uint8_t old = ar[i];

		for (int v = 1; v < 256; v += 13) {
			int r;

			ar[i] = (uint8_t)(old ^ v);
			r = validate_copy(ar, ar_len);
			KEXPECT_NE(r, 1000);
			KEXPECT_LE(r, 0);
			changed_ok += r == CPIO_OK;
		}
		ar[i] = old;
	}
	ktest_diag("%u changed archives still valid (names, data, padding)",
		   changed_ok);
}

KTEST(cpio_host, iteration_agrees_with_lookup_and_listing)
{
	struct cpio_iter it;
	struct cpio_entry e, f;
	char path[CPIO_PATH_MAX];
	int r;

	build();
	KASSERT_EQ(cpio_validate(ar, ar_len, NULL, NULL, 0), CPIO_OK);
	cpio_iter_init(&it, ar, ar_len);
	while ((r = cpio_next(&it, &e, NULL, 0)) == 1) {
		int n =
		    cpio_normalise(e.name, e.namesize - 1, path, sizeof path);
		char parent[CPIO_PATH_MAX];
		const char *child;
		size_t clen;
		uint32_t cookie = 0;
		bool listed = false;

		KASSERT_GT(n, 0);
		KASSERT_EQ(cpio_lookup(ar, ar_len, path, &f), CPIO_OK);
		KEXPECT_EQ(f.offset, e.offset);
		if (n == 1)
			continue; /* the root is nobody's child */
		memcpy(parent, path, (size_t)n + 1);
		*strrchr(parent, '/') = '\0';
		while (cpio_readdir(ar, ar_len, parent, &cookie, &f, &child,
				    &clen) == 1)
			listed |=
			    f.offset == e.offset &&
			    strncmp(child, strrchr(path, '/') + 1, clen) == 0;
		KEXPECT_TRUE(listed);
	}
	KEXPECT_EQ(r, 0);
}
