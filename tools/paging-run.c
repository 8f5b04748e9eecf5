/*
 * paging-run: one reference string under any policy of mm/vmpolicy.h (the
 * textbook's too, which paging-policy.py lacks), through the calls the
 * kernel's swap code will make: find, access (with the R and M bits),
 * pick, remove, insert, and a clock tick every -t references.  For the
 * hit rate against frames of every policy (Belady's anomaly) and for
 * trying NRU, aging, working set and WSClock on a string by hand.
 *
 *   paging-run -p POLICY -a PAGES [-C FRAMES | -F LO-HI] [-t TICK]
 *              [-T TAU] [-B AGINGBITS] [-b CLOCKBITS] [-s SEED] [-v]
 *
 * POLICY is a name of vm.policy= (fifo, lru, mru, opt, unopt, random,
 * clock, second-chance, clock-hand, nru, aging, working-set, wsclock).
 * PAGES: page numbers, comma-separated; a trailing 'w' marks a write (the
 * page's M bit).  -t 0 (the default) never ticks.  The virtual time is the
 * reference's index.  -s seeds the generator of random, clock and nru as
 * Python's random.seed(SEED) would (default 0).  Output, one line a frame
 * count:
 *   POLICY frames N refs R hits H faults F writebacks W
 * (W: evictions of dirty pages, plus WSClock's scheduled writes); with -v,
 * before it, one line a reference:
 *   ref PAGE hit|miss [victim V] [resident P P ...]
 * Bad flags: one line `paging-run: ...`, exit status 2.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kassert.h"
#include "lib/pyrandom.h"
#include "mm/vmpolicy.h"

int paging_run(int argc, char **argv, FILE *out, FILE *err);

#define MAXREFS	  100000
#define MAXFRAMES 4096

struct prun {
	vmp_page_t *page;
	uint8_t *write;
	size_t n;
	struct vmp_params p;
	uint32_t tick;
	bool verbose;
	int64_t seed;
};

static int usage(FILE *err, const char *msg)
{
	fprintf(err, "paging-run: %s\n", msg);
	return 2;
}

static bool number(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return false;
	x = strtoull(s, &end, 10);
	if (*end || x > max)
		return false;
	*v = x;
	return true;
}

/* "LO-HI": a range of frame counts. */
static bool frame_range(const char *s, uint64_t *lo, uint64_t *hi)
{
	char buf[32];
	const char *dash = strchr(s, '-');

	if (!dash || (size_t)(dash - s) >= sizeof buf)
		return false;
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = 0;
	return number(buf, MAXFRAMES, lo) && number(dash + 1, MAXFRAMES, hi) &&
	       *lo >= 1 && *lo <= *hi;
}

/* "1,2w,3": pages, and which references write. */
static bool parse_pages(struct prun *r, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	bool ok = true;

	r->page = calloc(MAXREFS, sizeof *r->page);
	r->write = calloc(MAXREFS, 1);
	if (!copy || !r->page || !r->write)
		abort();
	for (char *t = strtok_r(copy, ",", &save); t && ok;
	     t = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(t);
		uint64_t v;
		bool w = len > 1 && (t[len - 1] == 'w' || t[len - 1] == 'W');
		if (w)
			t[len - 1] = 0;
		ok = r->n < MAXREFS && number(t, UINT32_MAX - 1, &v);
		if (ok) {
			r->page[r->n] = (vmp_page_t)v;
			r->write[r->n++] = w;
		}
	}
	free(copy);
	return ok && r->n > 0;
}

static void count_write(void *ctx, vmp_page_t page)
{
	(void)page;
	(*(uint64_t *)ctx)++;
}

static void print_resident(FILE *out, const struct vmp *v)
{
	fputs(" resident", out);
	for (uint32_t i = 0; i < v->count; i++)
		fprintf(out, " %u", vmp_at(v, i)->page);
	fputc('\n', out);
}

/* The string with `frames` frames; one summary line. */
static void run_frames(const struct prun *r, uint32_t frames, FILE *out)
{
	struct vmp_frame *fr = calloc(frames, sizeof *fr);
	struct pyrandom g = {0};
	struct vmp v;
	struct vmp_params p = r->p;
	uint64_t hits = 0, faults = 0, writebacks = 0;

	if (!fr)
		abort();
	pyrandom_seed(&g, r->seed);
	p.capacity = frames;
	p.rng = &g;
	p.future = r->page;
	p.future_len = r->n;
	p.write_back = count_write;
	p.ctx = &writebacks;
	kassert(vmp_init(&v, &p, fr) == VMP_OK);
	for (size_t t = 0; t < r->n; t++) {
		uint32_t bits = VMP_R | (r->write[t] ? VMP_M : 0);
		int i;

		vmp_set_now(&v, t);
		if (r->tick && t > 0 && t % r->tick == 0)
			vmp_tick(&v);
		i = vmp_find(&v, r->page[t]);
		if (r->verbose)
			fprintf(out, "ref %u %s", r->page[t],
				i >= 0 ? "hit" : "miss");
		if (i >= 0) {
			hits++;
			vmp_access(&v, (uint32_t)i, bits);
		} else {
			faults++;
			if (vmp_full(&v)) {
				i = vmp_pick(&v);
				if (r->verbose)
					fprintf(out, " victim %u",
						vmp_at(&v, i)->page);
				writebacks +=
				    (vmp_at(&v, i)->bits & VMP_M) != 0;
				vmp_remove(&v, (uint32_t)i);
			}
			kassert(vmp_insert(&v, r->page[t], bits) >= 0);
		}
		if (r->verbose)
			print_resident(out, &v);
	}
	fprintf(out,
		"%s frames %u refs %zu hits %llu faults %llu writebacks "
		"%llu\n",
		vmp_name(p.kind), frames, r->n, (unsigned long long)hits,
		(unsigned long long)faults, (unsigned long long)writebacks);
	free(fr);
}

static int parse(struct prun *r, int argc, char **argv, FILE *err, uint64_t *lo,
		 uint64_t *hi)
{
	const char *policy = NULL, *pages = NULL;
	uint64_t v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt(argc, argv, "p:a:C:F:t:T:B:b:s:v")) != -1) {
		switch (c) {
		case 'p':
			policy = optarg;
			break;
		case 'a':
			pages = optarg;
			break;
		case 'C':
			if (!number(optarg, MAXFRAMES, lo) || *lo == 0)
				return usage(err, "-C: frames 1..4096");
			*hi = *lo;
			break;
		case 'F':
			if (!frame_range(optarg, lo, hi))
				return usage(err, "-F: LO-HI, 1 <= LO <= HI "
						  "<= 4096");
			break;
		case 't':
		case 'T':
		case 'B':
		case 'b':
		case 's':
			if (!number(optarg, INT64_MAX, &v))
				return usage(err, "-t -T -B -b -s: a number");
			if (c == 't')
				r->tick =
				    (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v);
			else if (c == 'T')
				r->p.tau = v;
			else if (c == 'B')
				r->p.aging_bits = (uint32_t)(v > 64 ? 64 : v);
			else if (c == 'b')
				r->p.clockbits = (int64_t)v;
			else
				r->seed = (int64_t)v;
			break;
		case 'v':
			r->verbose = true;
			break;
		default:
			return usage(err,
				     "usage: paging-run -p POLICY -a PAGES "
				     "[-C N | -F LO-HI] [-t TICK] [-T TAU] "
				     "[-B BITS] [-b CLOCKBITS] [-s SEED] [-v]");
		}
	}
	if (!policy || vmp_kind_of(policy) < 0)
		return usage(err, "-p: fifo lru mru opt unopt random clock "
				  "second-chance clock-hand nru aging "
				  "working-set wsclock");
	r->p.kind = (enum vmp_kind)vmp_kind_of(policy);
	if (!pages || !parse_pages(r, pages))
		return usage(err, "-a: page numbers, comma-separated, a 'w' "
				  "suffix for a write");
	struct pyrandom g; /* the check wants one; run_frames seeds its own */
	const char *bad;
	r->p.capacity = 1;
	r->p.rng = &g;
	bad = vmp_params_check(&r->p);
	r->p.rng = NULL;
	return bad ? usage(err, bad) : 0;
}

int paging_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct prun r = {.p = {.clockbits = 2,
			       .aging_bits = VMP_AGING_BITS_DEFAULT,
			       .tau = VMP_TAU_DEFAULT}};
	uint64_t lo = 3, hi = 3;
	int rc = parse(&r, argc, argv, err, &lo, &hi);

	if (rc == 0)
		for (uint64_t f = lo; f <= hi; f++)
			run_frames(&r, (uint32_t)f, out);
	free(r.page);
	free(r.write);
	return rc;
}

#ifndef PAGING_RUN_NO_MAIN
void kassert_fail(const char *expr, const char *file, int line,
		  const char *func)
{
	fprintf(stderr, "paging-run: assertion '%s' failed at %s:%d in %s()\n",
		expr, file, line, func);
	abort();
}

int main(int argc, char **argv)
{
	int rc = paging_run(argc, argv, stdout, stderr);

	if (fflush(stdout) != 0)
		return 1;
	return rc;
}
#endif
