/*
 * options: the kernel command-line parser.
 *
 * Syntax: words separated by white space; a word is `key=value` or a bare
 * `key` (a flag, whose value is ""); a value may be double-quoted to hold
 * white space (`msg="a b"`, the quotes are not part of the value).  Keys
 * are case-sensitive; a repeated key keeps its first slot and takes the
 * last value given.
 *
 * Guarantees:
 *  - opt_parse() never fails and never allocates: it copies the line into
 *    the struct (keeping at most OPT_LINE_MAX - 1 bytes), cuts it into keys
 *    and values in place, and records up to OPT_MAX options.  A malformed
 *    piece (`=x`, an unterminated quote, text after a closing quote, a 33rd
 *    option) is skipped and described in the errors list, for the kernel
 *    to print; a line that was too long sets `truncated`, drops the word
 *    that was cut in two and adds an error too.
 *  - The struct holds offsets, not pointers, into its own buffer, so it may
 *    be copied.  It is about 1 KiB: give it static storage, not a kernel
 *    stack.  Callers read it only through the functions below.
 *  - The typed getters never fail either.  An absent key gives the default
 *    silently; a present but unusable value gives the default and a one-line
 *    warning that names the option, says what it accepts and what is used
 *    instead, e.g. `hz=abc: expects a whole number from 19 to 10000; using
 *    100`.  warn may be NULL; otherwise it is always written, and an empty
 *    string means no warning.
 */
#ifndef KEEL_LIB_OPTIONS_H
#define KEEL_LIB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPT_MAX	       32  /* options kept; more are errors */
#define OPT_LINE_MAX   512 /* bytes of command line kept, with the NUL */
#define OPT_ERRORS_MAX 4   /* error messages kept; more are only counted */
#define OPT_ERROR_LEN  80  /* bytes of one error message, with the NUL */

struct options {
	char buf[OPT_LINE_MAX]; /* the line, cut into NUL-terminated strings */
	uint16_t key[OPT_MAX];	/* offsets into buf */
	uint16_t value[OPT_MAX];
	int count;
	bool truncated;	    /* the line was longer than OPT_LINE_MAX - 1 */
	int nerrors;	    /* messages in errors[] */
	int errors_dropped; /* errors after errors[] was full */
	char errors[OPT_ERRORS_MAX][OPT_ERROR_LEN];
};

/* Parses cmdline (NULL reads as ""); returns the number of options kept. */
int opt_parse(struct options *o, const char *cmdline);

/* Listing, in order of first appearance; NULL when i is out of range. */
int opt_count(const struct options *o);
const char *opt_key(const struct options *o, int i);
const char *opt_value(const struct options *o, int i);

/* The parse errors, in order; NULL when i is out of range. */
int opt_error_count(const struct options *o);
const char *opt_error(const struct options *o, int i);

bool opt_has(const struct options *o, const char *key);
/* The raw value: "" for a bare flag, NULL if the key is absent. */
const char *opt_str(const struct options *o, const char *key);

/* Decimal or 0x hex, within [min, max]. */
uint32_t opt_uint(const struct options *o, const char *key, uint32_t def,
		  uint32_t min, uint32_t max, char *warn, size_t warnlen);

/*
 * As opt_uint(), for a value where falling back to a default could cost far
 * more than asked for (soak=5 must not start the default million-tick
 * soak): a bad value is refused, not replaced.  Returns 1 and sets *out for
 * a good value, 0 when the key is absent (no warning), -1 with a warning
 * ending in `refused` (e.g. "no soak run") for a bad one; *out is then
 * left alone.
 */
int opt_uint_strict(const struct options *o, const char *key, uint32_t *out,
		    uint32_t min, uint32_t max, const char *refused, char *warn,
		    size_t warnlen);

/* 1/0, on/off, yes/no, true/false in any case; a bare key means true. */
bool opt_bool(const struct options *o, const char *key, bool def, char *warn,
	      size_t warnlen);

/*
 * The index of the value among choices[0..nchoices), in any case, e.g.
 * heap.fit=best with {"first", "next", "best"} gives 2.  def may be outside
 * the range (-1 for "none"): the warning then says "using none".
 */
int opt_choice(const struct options *o, const char *key,
	       const char *const choices[], int nchoices, int def, char *warn,
	       size_t warnlen);

/*
 * A comma-separated list such as mlfq.quantum=10,20,40 into out[0..max),
 * each number as opt_uint() reads it and within [min, maxval].  Returns
 * how many were stored; 0 if the key is absent; -1 with a warning if the
 * list is empty, malformed, too long or out of range, and then out is left
 * untouched, so the caller's defaults stay.
 */
int opt_uint_list(const struct options *o, const char *key, uint32_t *out,
		  int max, uint32_t min, uint32_t maxval, char *warn,
		  size_t warnlen);

#endif
