/*
 * fuzz: what every fuzz target in tests/fuzz/ shares.
 *
 * A target is one file, tests/fuzz/fuzz_NAME.c, that decodes its input
 * bytes into calls on one pure core (compiled from the same source file as
 * the kernel's) and checks each result against a model or an invariant.  It
 * ends with FUZZ_ENTRY(NAME, fn), which makes fn the entry point:
 *   - built by clang with -fsanitize=fuzzer (mk/fuzz.mk, `make fuzz`), it is
 *     LLVMFuzzerTestOneInput, called by libFuzzer;
 *   - built by gcc with -DFUZZ_REPLAY (`make test`), it is fuzz_one_NAME,
 *     called by tests/fuzz/replay.c for every file of the target's seed
 *     corpus and regression inputs, so replaying needs no clang.
 *
 * A check that fails prints what was wrong and calls abort(), which both
 * libFuzzer and the replay driver report as a crash with the input that
 * caused it.
 *
 * Inputs are read through struct fz, a cursor that yields zeros once the
 * bytes run out, so any input (including an empty one) decodes to a valid
 * run and libFuzzer's mutations stay meaningful.
 */
#ifndef KEEL_TESTS_FUZZ_FUZZ_H
#define KEEL_TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The input as a stream of bytes. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline struct fz fz_init(const uint8_t *data, size_t size)
{
	return (struct fz){data, size};
}

static inline bool fz_more(const struct fz *f)
{
	return f->n > 0;
}

/* The next byte, or 0 at the end of the input. */
static inline uint8_t fz_u8(struct fz *f)
{
	if (f->n == 0)
		return 0;
	f->n--;
	return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t lo = fz_u8(f);

	return (uint16_t)(lo | (uint16_t)fz_u8(f) << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint32_t lo = fz_u16(f);

	return lo | (uint32_t)fz_u16(f) << 16;
}

static inline uint64_t fz_u64(struct fz *f)
{
	uint64_t lo = fz_u32(f);

	return lo | (uint64_t)fz_u32(f) << 32;
}

/* A number in [0, n) (n > 0), from one byte when n fits in one. */
static inline uint32_t fz_below(struct fz *f, uint32_t n)
{
	if (n == 0)
		return 0; /* an empty range: nothing to choose */
	if (n <= 256)
		return fz_u8(f) % n;
	if (n <= 65536)
		return fz_u16(f) % n;
	return fz_u32(f) % n;
}

/*
 * Reports a failed check and aborts.  The message goes to stderr, with the
 * target's name and the source line.
 */
__attribute__((noreturn, format(printf, 3, 4))) void
fz_fail(const char *file, int line, const char *fmt, ...);

#define FZ_CHECK(cond, ...)                                                    \
	do {                                                                   \
		if (!(cond))                                                   \
			fz_fail(__FILE__, __LINE__, __VA_ARGS__);              \
	} while (0)

/*
 * Runs fn(arg) expecting it to end in kassert_fail() or kfatal(): returns
 * true if it did (unwinding with longjmp, as tests/host/runner.c does) and
 * false if fn returned normally.  The message is then in fz_fatal_msg.
 * Outside fz_catch_fatal, a kassert or kfatal is a crash: it aborts.
 */
bool fz_catch_fatal(void (*fn)(void *), void *arg);
extern char fz_fatal_msg[512];

/* The entry point; see the top of this file. */
#ifdef FUZZ_REPLAY
#define FUZZ_ENTRY(name, fn)                                                   \
	int fuzz_one_##name(const uint8_t *data, size_t size);                 \
	int fuzz_one_##name(const uint8_t *data, size_t size)                  \
	{                                                                      \
		return fn(data, size);                                         \
	}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define FUZZ_ENTRY(name, fn)                                                   \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)           \
	{                                                                      \
		return fn(data, size);                                         \
	}
#endif

#endif
