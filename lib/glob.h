/*
 * glob: shell-style wildcard matching, for selecting tests by name (the
 * test= option) and anything else that picks names by pattern.
 *
 * Guarantees:
 *  - glob_match() matches the whole text: `*` matches any run of characters
 *    (the empty run, '/' and '.' included), `?` any one character, `[abc]`,
 *    `[a-z]` and `[!x]` (or `[^x]`) one character of (or not of) a set, and
 *    a backslash makes the next character ordinary.  In a set, a `]` first
 *    or a `-` first or last is ordinary; a `[` with no closing `]` is an
 *    ordinary character; a backslash at the very end of the pattern
 *    matches nothing.  This is fnmatch(pattern, text, 0) in the C locale,
 *    without character classes such as [[:alpha:]], so the kernel's test=
 *    selects the same cases as the host runner's glob argument.
 *  - It runs in constant stack space and O(len(pattern) * len(text)) time:
 *    no recursion, which a 4 KiB kernel stack could not afford on a long
 *    pattern.
 */
#ifndef KEEL_LIB_GLOB_H
#define KEEL_LIB_GLOB_H

#include <stdbool.h>

bool glob_match(const char *pattern, const char *text);

#endif
