/*
 * Host tests of lib/string.c, the kernel's memory and string functions.
 *
 * On the host the C library owns the names memcpy, strlen and so on, so
 * this file renames the kernel's functions (memcpy becomes keel_memcpy)
 * and includes lib/string.c itself, with KEEL_STRING_IMPL_FOR_TEST to get
 * past its kernel-only guard.  It includes tests/pure/test_string.c under
 * the same names, so the `string` suite tests the kernel's code here too;
 * that is why mk/lib.mk does not list that file for the host.  The
 * `string_host` cases then compare the kernel's functions with the C
 * library's on random inputs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/ktest.h"

#define KEEL_STRING_IMPL_FOR_TEST
#define memset	keel_memset
#define memcpy	keel_memcpy
#define memmove keel_memmove
#define memcmp	keel_memcmp
#define memchr	keel_memchr
#define strlen	keel_strlen
#define strnlen keel_strnlen
#define strcmp	keel_strcmp
#define strncmp keel_strncmp
#define strchr	keel_strchr
#define strrchr keel_strrchr
#define strlcpy keel_strlcpy
#define strstr	keel_strstr

/* The kernel's own code, compiled here under the names above. */
#include "lib/string.c"		    /* NOLINT(bugprone-suspicious-include) */
#include "tests/pure/test_string.c" /* NOLINT(bugprone-suspicious-include) */

#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strlcpy
#undef strstr

#define STR_HOST_BUF	320
#define STR_HOST_ROUNDS 3000

/* xorshift32: reproducible, so a failure can be replayed. */
static uint32_t str_host_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void str_host_fill(unsigned char *buf, size_t n, uint32_t *rng)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)str_host_rand(rng);
}

static int str_host_sign(int v)
{
	return (v > 0) - (v < 0);
}

KTEST(string_host, memcpy_memset_random_against_libc)
{
	_Alignas(16) unsigned char src[STR_HOST_BUF];
	_Alignas(16) unsigned char a[STR_HOST_BUF];
	_Alignas(16) unsigned char b[STR_HOST_BUF];
	uint32_t rng = 12345;

	for (int round = 0; round < STR_HOST_ROUNDS; round++) {
		size_t d = str_host_rand(&rng) % 16;
		size_t s = str_host_rand(&rng) % 16;
		size_t len = str_host_rand(&rng) % (STR_HOST_BUF - 16);
		int c = (int)(str_host_rand(&rng) % 256);

		str_host_fill(src, sizeof(src), &rng);
		memcpy(b, src, sizeof(b));
		keel_memcpy(a, src, sizeof(a));
		KASSERT_EQ(memcmp(a, b, sizeof(a)), 0);
		keel_memcpy(a + d, src + s, len);
		memcpy(b + d, src + s, len);
		KASSERT_EQ(memcmp(a, b, sizeof(a)), 0);
		keel_memset(a + s, c, len);
		memset(b + s, c, len);
		KASSERT_EQ(memcmp(a, b, sizeof(a)), 0);
	}
}

KTEST(string_host, memmove_random_against_libc)
{
	_Alignas(16) unsigned char a[STR_HOST_BUF];
	_Alignas(16) unsigned char b[STR_HOST_BUF];
	uint32_t rng = 777;

	for (int round = 0; round < STR_HOST_ROUNDS; round++) {
		size_t d = str_host_rand(&rng) % 64;
		size_t s = str_host_rand(&rng) % 64;
		size_t len = str_host_rand(&rng) % (STR_HOST_BUF - 64);

		str_host_fill(a, sizeof(a), &rng);
		memcpy(b, a, sizeof(b));
		KEXPECT_PTR_EQ(keel_memmove(a + d, a + s, len), a + d);
		memmove(b + d, b + s, len);
		KASSERT_EQ(memcmp(a, b, sizeof(a)), 0);
	}
}

KTEST(string_host, memcmp_sign_against_libc)
{
	unsigned char a[64];
	unsigned char b[64];
	uint32_t rng = 99;

	for (int round = 0; round < STR_HOST_ROUNDS; round++) {
		size_t len = str_host_rand(&rng) % sizeof(a);

		str_host_fill(a, sizeof(a), &rng);
		memcpy(b, a, sizeof(b));
		if (len > 0 && str_host_rand(&rng) % 4 != 0)
			b[str_host_rand(&rng) % len] ^=
			    (unsigned char)(1 + str_host_rand(&rng) % 255);
		KASSERT_EQ(str_host_sign(keel_memcmp(a, b, len)),
			   str_host_sign(memcmp(a, b, len)));
	}
}

/* A short random string over a small alphabet, so that prefixes repeat. */
static void str_host_word(char *buf, size_t size, uint32_t *rng)
{
	static const char alphabet[] = "ab\x7f\x80\xff";
	size_t len = str_host_rand(rng) % (size - 1);

	for (size_t i = 0; i < len; i++)
		buf[i] = alphabet[str_host_rand(rng) % (sizeof(alphabet) - 1)];
	buf[len] = '\0';
}

KTEST(string_host, strcmp_strncmp_sign_against_libc)
{
	char a[8];
	char b[8];
	uint32_t rng = 4242;

	for (int round = 0; round < STR_HOST_ROUNDS; round++) {
		size_t n = str_host_rand(&rng) % 9;

		str_host_word(a, sizeof(a), &rng);
		str_host_word(b, sizeof(b), &rng);
		KASSERT_EQ(str_host_sign(keel_strcmp(a, b)),
			   str_host_sign(strcmp(a, b)));
		KASSERT_EQ(str_host_sign(keel_strncmp(a, b, n)),
			   str_host_sign(strncmp(a, b, n)));
	}
}

KTEST(string_host, strlcpy_random_sizes)
{
	char src[40];
	char dst[48];
	uint32_t rng = 5;

	for (int round = 0; round < STR_HOST_ROUNDS; round++) {
		size_t size = str_host_rand(&rng) % 44;
		size_t len = str_host_rand(&rng) % sizeof(src);
		size_t keep = len < size ? len : (size ? size - 1 : 0);

		memset(src, 'a' + round % 26, len);
		src[len] = '\0';
		memset(dst, '#', sizeof(dst));
		KASSERT_EQ(keel_strlcpy(dst, src, size), len);
		KASSERT_EQ(memcmp(dst, src, keep), 0);
		if (size > 0)
			KASSERT_EQ(dst[keep], '\0');
		/* Nothing after the terminator is written. */
		KASSERT_EQ(dst[size > 0 ? keep + 1 : 0], '#');
	}
}

KTEST(string_host, large_aligned_copy)
{
	static _Alignas(16) unsigned char a[8192];
	static _Alignas(16) unsigned char b[8192];
	uint32_t rng = 31337;

	str_host_fill(a, sizeof(a), &rng);
	keel_memset(b, 0, sizeof(b));
	KEXPECT_PTR_EQ(keel_memcpy(b, a, sizeof(a)), b);
	KASSERT_EQ(memcmp(a, b, sizeof(a)), 0);
	keel_memset(b, 0x5a, sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++)
		KASSERT_EQ(b[i], 0x5a);
}
