/*
 * wc [FILE...]: count lines, words and bytes of each file (or of standard
 * input), as `wc` prints them: "LINES WORDS BYTES [NAME]".
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

int main(int argc, char **argv)
{
	struct counts total = {0, 0, 0};
	int status = 0;

	if (argc < 2) {
		struct counts c = {0, 0, 0};

		if (count(0, &c) < 0) {
			fprintf(stderr, "wc: stdin: %s\n", strerror(errno));
			return 1;
		}
		printf("%ld %ld %ld\n", c.lines, c.words, c.bytes);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
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
		printf("%ld %ld %ld %s\n", c.lines, c.words, c.bytes, argv[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (argc > 2)
		printf("%ld %ld %ld total\n", total.lines, total.words,
		       total.bytes);
	return status;
}
