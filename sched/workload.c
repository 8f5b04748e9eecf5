/*
 * workload: job-list and number-list parsers.  See workload.h.
 */
#include "sched/workload.h"

#include <stdbool.h>

/* ------------------------------------------------------ error messages -- */

/* An error message being built in a caller's buffer (always terminated). */
struct msg {
	char *buf;
	size_t len, cap;
};

static void msg_init(struct msg *m, char *buf, size_t cap)
{
	m->buf = buf;
	m->cap = cap;
	m->len = 0;
	if (cap)
		buf[0] = '\0';
}

static void msg_char(struct msg *m, char c)
{
	if (m->len + 1 < m->cap) {
		m->buf[m->len++] = c;
		m->buf[m->len] = '\0';
	}
}

static void msg_str(struct msg *m, const char *s)
{
	while (*s)
		msg_char(m, *s++);
}

static void msg_num(struct msg *m, size_t v)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		msg_char(m, digits[--n]);
}

/* 'text', cut to 20 characters with "..." if longer. */
static void msg_quote(struct msg *m, const char *p, const char *end)
{
	msg_char(m, '\'');
	for (int i = 0; p < end; p++, i++) {
		if (i == 20) {
			msg_str(m, "...");
			break;
		}
		msg_char(m, *p);
	}
	msg_char(m, '\'');
}

/* -------------------------------------------------------------- numbers -- */

enum num_err { NUM_OK, NUM_EMPTY, NUM_BAD, NUM_BIG };

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Parses [p, end) as one number with optional blanks around it. */
static enum num_err parse_num(const char *p, const char *end, uint32_t *v)
{
	uint32_t x = 0;
	bool big = false;

	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	if (p == end)
		return NUM_EMPTY;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return NUM_BAD;
		if (!big &&
		    x > (WORKLOAD_MAX_VALUE - (uint32_t)(*p - '0')) / 10)
			big = true;
		if (!big)
			x = x * 10 + (uint32_t)(*p - '0');
	}
	if (big)
		return NUM_BIG;
	*v = x;
	return NUM_OK;
}

/* Completes "<prefix>: " with what was wrong with the number [p, end). */
static void msg_num_err(struct msg *m, enum num_err e, const char *p,
			const char *end)
{
	if (e == NUM_EMPTY) {
		msg_str(m, "expected a number, got nothing");
	} else if (e == NUM_BAD) {
		msg_str(m, "expected a number, got ");
		msg_quote(m, p, end);
	} else {
		msg_str(m, "too large (at most ");
		msg_num(m, WORKLOAD_MAX_VALUE);
		msg_char(m, ')');
	}
}

static const char *find(const char *p, char c)
{
	while (*p && *p != c)
		p++;
	return p;
}

static bool all_blank(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p == end;
}

int workload_parse_uint(const char *s, uint32_t *v, char *err, size_t errlen)
{
	const char *end = find(s, '\0');
	enum num_err e = parse_num(s, end, v);
	struct msg m;

	msg_init(&m, err, errlen);
	if (e == NUM_OK)
		return 0;
	msg_num_err(&m, e, s, end);
	return -1;
}

/* ---------------------------------------------------------------- lists -- */

int workload_parse_list(const char *s, uint32_t *vals, size_t cap, size_t *n,
			char *err, size_t errlen)
{
	struct msg m;
	size_t i = 0;
	const char *p = s;

	msg_init(&m, err, errlen);
	if (all_blank(s, find(s, '\0'))) {
		msg_str(&m, "empty list");
		return -1;
	}
	for (;;) {
		const char *end = find(p, ',');
		enum num_err e;

		if (i == cap) {
			msg_str(&m, "too many items (at most ");
			msg_num(&m, cap);
			msg_char(&m, ')');
			return -1;
		}
		e = parse_num(p, end, &vals[i]);
		if (e != NUM_OK) {
			msg_str(&m, "item ");
			msg_num(&m, i);
			msg_str(&m, ": ");
			msg_num_err(&m, e, p, end);
			return -1;
		}
		i++;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*n = i;
	return 0;
}

/* ----------------------------------------------------------------- jobs -- */

static const char *const field_name[3] = {"start time", "run time",
					  "I/O frequency"};

/* Parses the job [p, end) (no ':' inside) as job number idx. */
static int parse_job(const char *p, const char *end, size_t idx,
		     struct workload_job *job, struct msg *m)
{
	uint32_t v[3];
	const char *f = p;
	int nf = 0;

	if (all_blank(p, end)) {
		msg_str(m, "job ");
		msg_num(m, idx);
		msg_str(m, " is empty (expected start,run,iofreq)");
		return -1;
	}
	for (;;) {
		const char *fend = f;
		enum num_err e;

		while (fend < end && *fend != ',')
			fend++;
		if (nf == 3) {
			msg_str(m, "job ");
			msg_num(m, idx);
			msg_str(m, ": too many fields in ");
			msg_quote(m, p, end);
			msg_str(m, " (expected start,run,iofreq)");
			return -1;
		}
		e = parse_num(f, fend, &v[nf]);
		if (e != NUM_OK) {
			msg_str(m, "job ");
			msg_num(m, idx);
			msg_str(m, ": ");
			msg_str(m, field_name[nf]);
			msg_str(m, ": ");
			msg_num_err(m, e, f, fend);
			return -1;
		}
		nf++;
		if (fend == end)
			break;
		f = fend + 1;
	}
	if (nf < 3) {
		msg_str(m, "job ");
		msg_num(m, idx);
		msg_str(m, ": missing ");
		msg_str(m, field_name[nf]);
		msg_str(m, " in ");
		msg_quote(m, p, end);
		msg_str(m, " (expected start,run,iofreq)");
		return -1;
	}
	if (v[1] == 0) {
		msg_str(m, "job ");
		msg_num(m, idx);
		msg_str(m, ": run time must be at least 1");
		return -1;
	}
	*job =
	    (struct workload_job){.start = v[0], .run = v[1], .iofreq = v[2]};
	return 0;
}

int workload_parse(const char *s, struct workload_job *jobs, size_t cap,
		   size_t *n, char *err, size_t errlen)
{
	struct msg m;
	size_t i = 0;
	const char *p = s;

	msg_init(&m, err, errlen);
	if (all_blank(s, find(s, '\0'))) {
		msg_str(&m, "empty job list");
		return -1;
	}
	for (;;) {
		const char *end = find(p, ':');

		if (i == cap) {
			msg_str(&m, "too many jobs (at most ");
			msg_num(&m, cap);
			msg_char(&m, ')');
			return -1;
		}
		if (parse_job(p, end, i, &jobs[i], &m))
			return -1;
		i++;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*n = i;
	return 0;
}
