/*
 * wc [-lwc] [FILE...]: count lines, words and bytes of each file (or of
 * standard input), as `wc` prints them: "LINES WORDS BYTES [NAME]"; -l, -w
 * and -c print only the counts asked for (in that order, whatever the
 * order of the flags).
 *
 * The reader at the end of a pipeline: it stops at end of file, which a
 * pipe gives only once every write end is closed (001's pipes).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
	long lines, words, bytes;
};

static int count(int fd, struct counts *c)
{
	char buf[4096];
	int in_word = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		for (ssize_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)buf[i];

			c->lines += ch == '\n';
			if (isspace(ch))
				in_word = 0;
			else if (!in_word) {
				in_word = 1;
				c->words++;
			}
		}
		c->bytes += n;
	}
	return 0;
}

/* The bits of -l, -w, -c; all three when none is given. */
#define WC_LINES 1
#define WC_WORDS 2
#define WC_BYTES 4

static void show(const struct counts *c, int what, const char *name)
{
	const char *sep = "";

	if (what & WC_LINES) {
		printf("%ld", c->lines);
		sep = " ";
	}
	if (what & WC_WORDS) {
		printf("%s%ld", sep, c->words);
		sep = " ";
	}
	if (what & WC_BYTES)
		printf("%s%ld", sep, c->bytes);
	printf(name ? " %s\n" : "\n", name);
}

int main(int argc, char **argv)
{
	struct counts total = {0, 0, 0};
	int status = 0, what = 0, opt, first;

	while ((opt = getopt(argc, argv, "lwc")) != -1) {
		if (opt == 'l')
			what |= WC_LINES;
		else if (opt == 'w')
			what |= WC_WORDS;
		else if (opt == 'c')
			what |= WC_BYTES;
		else {
			fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
			return 2;
		}
	}
	if (!what)
		what = WC_LINES | WC_WORDS | WC_BYTES;
	first = optind;
	if (first >= argc) {
		struct counts c = {0, 0, 0};

		if (count(0, &c) < 0) {
			fprintf(stderr, "wc: stdin: %s\n", strerror(errno));
			return 1;
		}
		show(&c, what, NULL);
		return 0;
	}
	for (int i = first; i < argc; i++) {
		struct counts c = {0, 0, 0};
		int fd = open(argv[i], O_RDONLY);

		if (fd < 0 || count(fd, &c) < 0) {
			fprintf(stderr, "wc: %s: %s\n", argv[i],
				strerror(errno));
			status = 1;
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		show(&c, what, argv[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (argc - first > 1)
		show(&total, what, "total");
	return status;
}
