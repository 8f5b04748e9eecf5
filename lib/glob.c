/*
 * glob: wildcard matching by backtracking to the last star.
 *
 * When a match fails after a `*`, only the most recent star needs to take
 * one more character: an earlier star could only take over characters the
 * later one can match anyway, since everything between them has already
 * matched.  So the state is two pointers saying where the last star's
 * remaining pattern starts and where its text starts, and a failure moves
 * that text start on by one.  This is why the matcher needs no recursion
 * and no stack.
 */
#include <stddef.h>

#include "lib/glob.h"

/* One character of a set, which a backslash may make ordinary. */
static unsigned char glob_set_char(const char **p)
{
	if (**p == '\\' && (*p)[1] != '\0')
		(*p)++;
	return (unsigned char)*(*p)++;
}

/*
 * Matches c against the set that starts at p, just after its '['.  Returns
 * the pattern after the closing ']', or NULL if there is none.  A ']' right
 * after the '[' (or the '!') belongs to the set instead of closing it.
 */
static const char *glob_set(const char *p, unsigned char c, bool *matched)
{
	bool negate = *p == '!' || *p == '^';
	bool hit = false;
	const char *first;

	if (negate)
		p++;
	for (first = p; *p != ']' || p == first;) {
		unsigned char lo, hi;

		if (*p == '\0')
			return NULL;
		lo = hi = glob_set_char(&p);
		if (*p == '-' && p[1] != ']' && p[1] != '\0') {
			p++;
			hi = glob_set_char(&p);
		}
		if (lo <= c && c <= hi)
			hit = true;
	}
	*matched = hit != negate;
	return p + 1;
}

/*
 * Matches the pattern element at *pp (not a '*', not the end) against c
 * and moves *pp past the element.
 */
static bool glob_one(const char **pp, char c)
{
	const char *p = *pp;
	const char *next;
	bool matched;

	if (*p == '?') {
		*pp = p + 1;
		return true;
	}
	if (*p == '[') {
		next = glob_set(p + 1, (unsigned char)c, &matched);
		if (next) {
			*pp = next;
			return matched;
		}
	}
	if (*p == '\\') {
		/* A backslash at the very end quotes nothing and matches
		 * nothing, as in fnmatch. */
		if (p[1] == '\0') {
			*pp = p + 1;
			return false;
		}
		p++;
	}
	*pp = p + 1;
	return *p == c;
}

bool glob_match(const char *pattern, const char *text)
{
	const char *p = pattern;
	const char *t = text;
	const char *star_p = NULL; /* the pattern after the last star */
	const char *star_t = NULL; /* the text that star stopped at */

	while (*t) {
		if (*p == '*') {
			star_p = ++p;
			star_t = t;
		} else if (*p && glob_one(&p, *t)) {
			t++;
		} else if (star_p) {
			p = star_p;
			t = ++star_t;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}
