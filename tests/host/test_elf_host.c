/*
 * Host tests of lib/elf on real executables: tests/host/elf_sample.c
 * linked by the cross compiler three ways (mk/pure.mk), and the host's own
 * 64-bit /bin/sh; then every truncation and every single-byte change of
 * the static sample's headers, under AddressSanitizer, with the buffer
 * exactly as long as the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/ktest.h"
#include "lib/elf.h"

#ifndef KEEL_ELF_SAMPLES
#define KEEL_ELF_SAMPLES "build/host/elf-samples"
#endif
#define USER_LO 0x00001000u
#define USER_HI 0xC0000000u

static uint8_t *load(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return buf;
}

static uint8_t *sample(const char *name, size_t *size)
{
	char path[512];
	uint8_t *buf;

	snprintf(path, sizeof path, "%s/%s", KEEL_ELF_SAMPLES, name);
	buf = load(path, size);
	if (!buf)
		ktest_skip("no ELF samples: is i686-linux-gnu-gcc installed?");
	return buf;
}

KTEST(elf_host, a_static_executable_from_the_cross_compiler)
{
	size_t size = 0;
	uint8_t *f = sample("static", &size);
	struct elf_image img;
	char msg[160];
	uint32_t x = 0;

	KEXPECT_EQ(elf_check(f, size, USER_LO, USER_HI, &img, msg, sizeof msg),
		   ELF_OK);
	/* ld's default layout: text at 0x08049000, the headers mapped by the
	 * first (read-only) segment at 0x08048000 + e_phoff */
	KEXPECT_EQ(img.phdr_vaddr, 0x08048000u + 52);
	KEXPECT_GE(img.nsegs, 2);
	for (uint32_t i = 0; i < img.nsegs; i++)
		if (img.seg[i].flags & ELF_PF_X)
			x++;
	KEXPECT_EQ(x, 1);
	KEXPECT_FALSE(img.exec_stack);
	/* the same file, with kernel space starting lower: refused */
	KEXPECT_EQ(
	    elf_check(f, size, USER_LO, 0x08049000u, &img, msg, sizeof msg),
	    -ELF_E_RANGE);
	free(f);
}

KTEST(elf_host, pies_are_refused)
{
	size_t size = 0;
	uint8_t *f = sample("static-pie", &size);
	struct elf_image img;
	char msg[160];

	KEXPECT_EQ(elf_check(f, size, USER_LO, USER_HI, &img, msg, sizeof msg),
		   -ELF_E_DYN);
	free(f);
	f = sample("dynamic-pie", &size);
	KEXPECT_EQ(elf_check(f, size, USER_LO, USER_HI, &img, msg, sizeof msg),
		   -ELF_E_DYN);
	/* called ET_EXEC, it is still dynamically linked */
	f[16] = ELF_ET_EXEC;
	KEXPECT_EQ(elf_check(f, size, USER_LO, USER_HI, &img, msg, sizeof msg),
		   -ELF_E_INTERP);
	free(f);
}

KTEST(elf_host, the_hosts_own_shell_is_refused)
{
	size_t size = 0;
	uint8_t *f = load("/bin/sh", &size);
	struct elf_image img;

	if (!f)
		ktest_skip("no /bin/sh");
	KEXPECT_EQ(elf_check(f, size, USER_LO, USER_HI, &img, NULL, 0),
		   -ELF_E_CLASS);
	free(f);
}

/* Runs the check on an exact-size copy, so ASan sees any overread. */
static int check_copy(const uint8_t *f, size_t size, struct elf_image *img)
{
	uint8_t *c = malloc(size ? size : 1);
	char msg[160];
	int r;

	memcpy(c, f, size);
	r = elf_check(c, size, USER_LO, USER_HI, img, msg, sizeof msg);
	free(c);
	return r;
}

KTEST(elf_host, every_truncation_and_header_byte_change)
{
	size_t size = 0;
	uint8_t *f = sample("static", &size);
	struct elf_image img;
	size_t hdr = 52 + 32u * f[44]; /* e_phnum */
	size_t need = 0;
	int accepted = 0;

	/* The file must reach the end of every segment's data; what follows
	 * (section headers, symbols) is not needed. */
	KASSERT_EQ(check_copy(f, size, &img), ELF_OK);
	for (uint32_t i = 0; i < img.nsegs; i++)
		if (img.seg[i].offset + img.seg[i].filesz > need)
			need = img.seg[i].offset + img.seg[i].filesz;
	for (size_t n = 0; n <= size; n++) {
		int r = check_copy(f, n, &img);

		if ((r == ELF_OK) != (n >= need)) {
			KEXPECT_EQ(r == ELF_OK, n >= need);
			ktest_diag("truncated to %zu bytes of %zu", n, size);
			break;
		}
	}
	for (size_t i = 0; i < hdr && i < size; i++) {
		uint8_t old = f[i];

		for (int v = 0; v < 256; v += 17) {
			int r;

			f[i] = (uint8_t)(old ^ v);
			r = check_copy(f, size, &img);
			accepted += r == ELF_OK;
			KEXPECT_LE(r, 0);
			KEXPECT_GT(r, -ELF_E_COUNT);
			if (r == ELF_OK)
				KEXPECT_LE(img.hi, USER_HI);
		}
		f[i] = old;
	}
	ktest_diag("%d changed headers still valid", accepted);
	free(f);
}
