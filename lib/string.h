/*
 * string: the C library's memory and string functions, for the kernel.
 *
 * Guarantees:
 *  - In the kernel (KEEL_HOST not defined), lib/string.c defines these under
 *    their standard names with their C11 meaning, because gcc emits calls to
 *    memset, memcpy, memmove and memcmp by itself (struct copies, large
 *    initialisers) even with -ffreestanding.  memset and memcpy move a word
 *    at a time when the pointers allow it.
 *  - strlcpy() is the BSD one: it copies at most size - 1 bytes, always
 *    NUL-terminates when size > 0, and returns strlen(src), so
 *    `ret >= size` means "truncated".
 *  - On the host (KEEL_HOST), this header is the C library's <string.h>
 *    plus strlcpy where the C library lacks it, so pure code compiled into
 *    host tests uses the host's functions.  The host test of this module
 *    compiles lib/string.c again under other names, with
 *    KEEL_STRING_IMPL_FOR_TEST, to test the kernel's own code.
 */
#ifndef KEEL_LIB_STRING_H
#define KEEL_LIB_STRING_H

#include <stddef.h>

#if defined(KEEL_HOST) && !defined(KEEL_STRING_IMPL_FOR_TEST)

#include <string.h>

/* glibc has strlcpy from 2.38 on; Debian 12 ships 2.36. */
#if defined(__GLIBC__) &&                                                      \
    (__GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 38))
static inline size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
#endif

#else

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

#endif

#endif
