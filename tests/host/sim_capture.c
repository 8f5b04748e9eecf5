/*
 * sim_capture — see sim_capture.h.
 */
#include "tests/host/sim_capture.h"

#include <stdlib.h>

void sim_capture(sim_fn fn, int argc, char **argv, struct sim_result *r)
{
	FILE *out = open_memstream(&r->out, &r->out_len);
	FILE *err = open_memstream(&r->err, &r->err_len);

	r->rc = fn(argc, argv, out, err);
	fclose(out);
	fclose(err);
}

void sim_result_free(struct sim_result *r)
{
	free(r->out);
	free(r->err);
}

char *sim_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len + 4096 > cap) {
			char *bigger;
			cap = cap ? 2 * cap : 65536;
			bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
		}
		size_t got = fread(buf + *len, 1, cap - *len, f);
		*len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	return buf;
}
