/*
 * initrd-check: hold the initrd against the kernel's own readers.
 *
 *   initrd-check build/initrd.cpio
 *
 * The archive must pass lib/cpio.c's cpio_validate (the check keel runs at
 * boot); every regular file under /bin must pass lib/elf.c's elf_check for
 * keel's user space (the check execve runs); each /tests/ fixture must be
 * refused by elf_check with the error of the one rule tools/mkbadelf broke
 * in it — so that usertests's bad-ELF cases test that rule and not another.
 * One line per problem; exit status 1 if there is any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/layout.h"
#include "lib/cpio.h"
#include "lib/elf.h"

static const struct {
	const char *path;
	int error;
} fixtures[] = {
    {"/tests/bad-truncated", -ELF_E_PHOFF},
    {"/tests/bad-machine", -ELF_E_MACHINE},
    {"/tests/bad-kernelseg", -ELF_E_RANGE},
    {"/tests/bad-entry", -ELF_E_ENTRY},
    {"/tests/not-elf", -ELF_E_MAGIC},
};

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)n + 1)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The expected elf_check result for an archive path: 0 for /bin/...,
 * a fixture's error, or 1 for a file not to check. */
static int expected(const char *path)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		if (strcmp(path, fixtures[i].path) == 0)
			return fixtures[i].error;
	return strncmp(path, "/bin/", 5) == 0 ? 0 : 1;
}

static int check_entries(const unsigned char *buf, size_t len)
{
	struct cpio_iter it;
	struct cpio_entry e;
	char msg[256];
	int problems = 0, found = 0, r;

	cpio_iter_init(&it, buf, len);
	while ((r = cpio_next(&it, &e, msg, sizeof(msg))) > 0) {
		char path[CPIO_PATH_MAX];
		struct elf_image img;

		if (cpio_normalise(e.name, strlen(e.name), path, sizeof(path)) <
		    0)
			continue; /* cpio_validate has refused it already */
		int want = expected(path);

		if ((e.mode & CPIO_S_IFMT) != CPIO_S_IFREG || want == 1)
			continue;
		found += want != 0;
		msg[0] = '\0';
		int got = elf_check(e.data, e.size, USER_LO, USER_HI, &img, msg,
				    sizeof(msg));

		if (got != want) {
			printf("initrd-check: %s: elf_check says %d (%s), "
			       "expected %d (%s)\n",
			       path, got, msg, want, elf_strerror(want));
			problems++;
		}
	}
	if (r < 0) {
		printf("initrd-check: %s\n", msg);
		problems++;
	}
	if (found != (int)(sizeof(fixtures) / sizeof(fixtures[0]))) {
		printf("initrd-check: %d of the %zu fixtures are in /tests\n",
		       found, sizeof(fixtures) / sizeof(fixtures[0]));
		problems++;
	}
	return problems;
}

int main(int argc, char **argv)
{
	struct cpio_info info;
	char msg[256] = "";
	size_t len;

	if (argc != 2) {
		fprintf(stderr, "usage: initrd-check INITRD\n");
		return 2;
	}
	unsigned char *buf = slurp(argv[1], &len);
	int r = cpio_validate(buf, len, &info, msg, sizeof(msg));

	if (r != 0) {
		printf("initrd-check: %s: %s\n", argv[1], msg);
		return 1;
	}
	int problems = check_entries(buf, len);

	free(buf);
	return problems ? 1 : 0;
}
