/*
 * pyopt: the parts of Python that OSTEP's scheduler.py and lottery.py lean
 * on for their command lines and their printing, for tools/sched-sim and
 * tools/lottery-sim (host only; uses the C library):
 *  - optparse's option syntax: -s5, -s 5, clustered -cs5, --seed=5,
 *    --seed 5, unique prefixes of long names (--se), "--" ends the options,
 *    other words are ignored (as both scripts ignore them), last one wins;
 *  - optparse's "int" type: 0x.. hexadecimal, 0b.. binary, a leading 0
 *    octal, else decimal; then Python's int(): surrounding whitespace, a
 *    sign, single '_' between digits.  Values must fit in 64 bits (Python's
 *    are unbounded: the one place these tools refuse what Python takes);
 *  - Python's float() of a string and repr() of a float (shortest string
 *    that reads back the same), and "%d" of a float (truncation).
 */
#ifndef KEEL_TOOLS_PYOPT_H
#define KEEL_TOOLS_PYOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum pyopt_kind { PYOPT_INT, PYOPT_STR, PYOPT_TRUE };

struct pyopt_def {
	char short_name;       /* 0: none */
	const char *long_name; /* NULL: none */
	enum pyopt_kind kind;
	void *dest; /* int64_t *, const char **, bool * */
};

/*
 * Parses argv[1..] into the destinations.  Returns 0, 1 for -h/--help, or
 * 2 after printing one line "PROG: error: ..." to err.
 */
int pyopt_parse(const char *prog, const struct pyopt_def *defs, size_t ndefs,
		int argc, char **argv, FILE *err);

/* optparse's "int": 0 ok, -1 not a number, -2 outside int64. */
int pyopt_int(const char *s, int64_t *v);
/* Python's int(s) (base 10): 0 ok, -1 not a number, -2 outside int64. */
int py_int10(const char *s, int64_t *v);
/* Python's float(s): 0 ok, -1 not a number. */
int py_float(const char *s, double *v);
/* Python's repr() of a str, for error messages: 'x', or "x'" if needed. */
void py_fput_repr(FILE *f, const char *s);
/* repr(x) into buf (at least 32 bytes). */
void py_float_repr(double x, char *buf, size_t size);
/* "%Nd" % x for a float x: 0, or -1 (inf) / -2 (nan): Python raises. */
int py_fprint_d(FILE *f, int width, double x);
/* "%N.2f" % x (nan printed without a sign, as Python does). */
void py_fprint_2f(FILE *f, int width, double x);
/* "%Nd" of an exact integer. */
void py_fprint_i128(FILE *f, int width, __int128 v);

#endif
