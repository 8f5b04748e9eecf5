/*
 * ls [-l] [PATH...]: list directories (names sorted, one a line) or name
 * files.  -l adds the type and permission bits and the size.
 *
 * opendir/readdir are musl's wrappers of open(O_DIRECTORY) and getdents64;
 * stat is statx, or stat64 where the kernel has no statx (keel).  Each is a
 * system call: a trap into the kernel and a return from it, limited direct
 * execution (OSTEP, seed 000).  keel has no current directory (no chdir): a
 * relative PATH is taken from /, and no PATH means /.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int long_format;

static void mode_string(mode_t m, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISREG(m) ? '-' : '?';
	for (int i = 0; i < 9; i++)
		out[1 + i] = (m & (0400u >> i)) ? rwx[i] : '-';
	out[10] = '\0';
}

/* One line for NAME, whose full path is PATH. */
static int show(const char *path, const char *name)
{
	struct stat st;
	char mode[11];

	if (!long_format) {
		puts(name);
		return 0;
	}
	if (stat(path, &st) < 0) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	mode_string(st.st_mode, mode);
	printf("%s %8lld %s\n", mode, (long long)st.st_size, name);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *path)
{
	DIR *d = opendir(path);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int status = 0;

	if (!d) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ".", ".." and hidden files, as ls does */
		if (n == cap) {
			char **more;

			cap = cap ? 2 * cap : 32;
			more = realloc(names, cap * sizeof(*names));
			if (!more) {
				fprintf(stderr, "ls: out of memory\n");
				exit(1);
			}
			names = more;
		}
		if (!(names[n++] = strdup(e->d_name))) {
			fprintf(stderr, "ls: out of memory\n");
			exit(1);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char full[512];
		const char *sep = path[strlen(path) - 1] == '/' ? "" : "/";

		if (snprintf(full, sizeof(full), "%s%s%s", path, sep,
			     names[i]) >= (int)sizeof(full)) {
			fprintf(stderr, "ls: %s: name too long\n", names[i]);
			status = 1;
		} else {
			status |= show(full, names[i]);
		}
		free(names[i]);
	}
	free(names);
	return status;
}

static int list(const char *arg)
{
	char path[512];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s%s", arg[0] == '/' ? "" : "/",
		     arg) >= (int)sizeof(path)) {
		fprintf(stderr, "ls: %s: name too long\n", arg);
		return 1;
	}
	if (stat(path, &st) < 0) {
		fprintf(stderr, "ls: %s: %s\n", arg, strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode))
		return list_dir(path);
	return show(path, arg);
}

int main(int argc, char **argv)
{
	int i = 1, status = 0;

	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		long_format = 1;
		i = 2;
	}
	if (i == argc)
		return list("/");
	for (int first = i; i < argc; i++) {
		if (argc - first > 1)
			printf("%s%s:\n", i > first ? "\n" : "", argv[i]);
		status |= list(argv[i]);
	}
	return status;
}
