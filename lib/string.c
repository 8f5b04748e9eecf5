/*
 * string: the kernel's memory and string functions.  See string.h.
 *
 * Built only into the kernel: on the host the C library provides these
 * names, and defining them again would replace the host's own memcpy in
 * every test binary.  The host test defines KEEL_STRING_IMPL_FOR_TEST and
 * renames each function (memset to keel_memset, ...) before including this
 * file, so the code tested on the host is this code.
 *
 * gcc may turn a byte loop into a call to memset or memcpy, which inside
 * memset itself would recurse for ever.  gcc 12 declines to do that inside
 * the function of the same name, but mk/lib.mk also builds this file with
 * -fno-tree-loop-distribute-patterns, so that no compiler version can.
 */
#if !defined(KEEL_HOST) || defined(KEEL_STRING_IMPL_FOR_TEST)

#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"

/*
 * One machine word, read and written as any type may be (may_alias), so
 * copying a struct a word at a time keeps the aliasing rules.
 */
typedef size_t __attribute__((may_alias)) str_word;

#define STR_WORD_SIZE sizeof(str_word)
#define STR_WORD_MASK ((uintptr_t)STR_WORD_SIZE - 1)

static bool str_aligned(const void *p)
{
	return ((uintptr_t)p & STR_WORD_MASK) == 0;
}

/* Word copies are possible only if both pointers reach a boundary at once. */
static bool str_coaligned(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & STR_WORD_MASK) == 0;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;
	str_word w = (str_word)-1 / 0xff * b; /* b in every byte */

	while (n > 0 && !str_aligned(d)) {
		*d++ = b;
		n--;
	}
	for (; n >= STR_WORD_SIZE; n -= STR_WORD_SIZE, d += STR_WORD_SIZE)
		*(str_word *)d = w;
	while (n-- > 0)
		*d++ = b;
	return dst;
}

/*
 * Copies from low addresses to high.  Safe for overlap when dst is below
 * src: each store lands on source bytes that have already been read.
 */
static void str_copy_up(unsigned char *d, const unsigned char *s, size_t n)
{
	if (str_coaligned(d, s)) {
		while (n > 0 && !str_aligned(d)) {
			*d++ = *s++;
			n--;
		}
		for (; n >= STR_WORD_SIZE; n -= STR_WORD_SIZE) {
			*(str_word *)d = *(const str_word *)s;
			d += STR_WORD_SIZE;
			s += STR_WORD_SIZE;
		}
	}
	while (n-- > 0)
		*d++ = *s++;
}

/* Copies from high addresses to low, for overlap with dst above src. */
static void str_copy_down(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	if (str_coaligned(d, s)) {
		while (n > 0 && !str_aligned(d)) {
			*--d = *--s;
			n--;
		}
		for (; n >= STR_WORD_SIZE; n -= STR_WORD_SIZE) {
			d -= STR_WORD_SIZE;
			s -= STR_WORD_SIZE;
			*(str_word *)d = *(const str_word *)s;
		}
	}
	while (n-- > 0)
		*--d = *--s;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	str_copy_up(dst, src, n);
	return dst;
}

/* Addresses compare as integers: C leaves unrelated pointers unordered. */
void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst <= (uintptr_t)src ||
	    (uintptr_t)dst - (uintptr_t)src >= n)
		str_copy_up(dst, src, n);
	else
		str_copy_down(dst, src, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a;
	const unsigned char *y = b;

	for (; n > 0; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n > 0; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Never reads s[maxlen]: s need not be terminated within maxlen bytes. */
size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	/* cppcheck-suppress arrayIndexOutOfBoundsCond ; n < maxlen guards s[n]
	 */
	while (n < maxlen && s[n])
		n++;
	return n;
}

/* C compares the bytes as unsigned char, so "\xff" sorts after "a". */
int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x < *y ? -1 : *x > *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n > 0; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (*x == '\0')
			break;
	}
	return 0;
}

/* The terminator counts as part of the string: strchr(s, 0) finds it. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* The first occurrence of needle in haystack; the naive O(nm) search is
 * plenty for the short strings a kernel compares. */
char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n == 0 ? (char *)haystack : NULL;
}

#endif
