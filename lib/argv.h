/*
 * argv: splitting a command line into words, and strict number parsing
 * (pure: no allocation, no globals).  Used by the kernel's console.
 *
 * Words.  argv_split() cuts a line, in place, into words separated by
 * blanks (space or tab).  Double quotes group: inside them blanks are
 * ordinary, and the quotes themselves are removed, so `say "a  b"` is two
 * words, `say` and `a  b`, and `""` is one empty word.  A quote may start
 * or end in the middle of a word (`x"y z"` is the word `xy z`).  There are
 * no escapes.  An unterminated quote, or more than max words, is an error:
 * the line is then not usable (it has been partly cut up).
 *
 * Numbers.  argv_parse_u32() accepts exactly what a student would type for
 * an address or a count, and nothing else: decimal digits ("4096", "010" is
 * ten: there is no octal), or "0x"/"0X" and hexadecimal digits in either
 * case ("0xC0100000").  No sign, no blanks, no suffix, no empty string; a
 * value above 0xFFFFFFFF is an overflow, however many leading zeros the
 * text has.  *out is written only on success.
 */
#ifndef KEEL_LIB_ARGV_H
#define KEEL_LIB_ARGV_H

#include <stdint.h>

/* argv_split()'s errors (negative) and argv_parse_u32()'s results. */
#define ARGV_OK	      0
#define ARGV_EQUOTE   (-1) /* a double quote is not closed */
#define ARGV_ETOOMANY (-2) /* more words than argv can hold */
#define ARGV_EEMPTY   (-3) /* no digits at all */
#define ARGV_ESYNTAX  (-4) /* a character that is not a digit of the base */
#define ARGV_ERANGE   (-5) /* more than 32 bits */

/*
 * Split line (modified in place) into at most max words; argv[i] point
 * into line, and argv[argc] is NULL when argc < max.  Returns argc, or
 * ARGV_EQUOTE / ARGV_ETOOMANY.
 */
int argv_split(char *line, char **argv, int max);

/* Parse s as a decimal or 0x-hexadecimal 32-bit number; ARGV_OK or an
 * ARGV_E* error. */
int argv_parse_u32(const char *s, uint32_t *out);

/* The same, also requiring min <= value <= max (ARGV_ERANGE otherwise). */
int argv_parse_range(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* A short phrase for an ARGV_E* code ("not a number", ...). */
const char *argv_strerror(int err);

#endif
