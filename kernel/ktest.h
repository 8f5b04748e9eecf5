/*
 * ktest: KUnit-shaped self-tests, one header for the kernel and the host.
 *
 * Guarantees:
 *  - KTEST(suite, name) places a `struct ktest_case` in the section
 *    "ktest_cases".  In the kernel, linker.ld bounds that section with
 *    __start_ktest_cases / __stop_ktest_cases; on the host, GNU ld provides
 *    the same two symbols by itself because the section name is a C
 *    identifier.  So a test of pure code (tests/pure/) is compiled unchanged
 *    into the kernel and into the host test binary.
 *  - KEXPECT_* records a failure (file:line, the expression, both values) and
 *    lets the case go on; KASSERT_* records it and stops the case at once.
 *  - A runner (kernel/ktest.c in the kernel, tests/host/runner.c on the host)
 *    prints KTAP version 1: one `ok N suite.name` or `not ok N suite.name`
 *    line per case, diagnostics as `# ` lines, then `N passed, N failed`.
 *
 * Only the runner differs between the two builds: how a failure is printed
 * and how a stopped case unwinds (longjmp in both, each with its own jmp_buf
 * implementation).
 */
#ifndef KEEL_KERNEL_KTEST_H
#define KEEL_KERNEL_KTEST_H

#include <stdbool.h>
#include <stdint.h>

struct ktest_case {
	const char *suite;
	const char *name;
	void (*fn)(void);
	uint32_t budget_ticks; /* 0: the runner's default budget */
	uint32_t flags;	       /* KTEST_F_* */
};

/* The case is for the kernel only: the host runner skips it. */
#define KTEST_F_KERNEL_ONLY 1u
/* The case checks its own resource use; the runner's leak check is off. */
#define KTEST_F_NO_LEAK_CHECK 2u

#define KTEST_DEFINE_(suite, name, budget, flags)                              \
	static void ktest_fn_##suite##__##name(void);                          \
	static const struct ktest_case ktest_case_##suite##__##name            \
	    __attribute__((used, section("ktest_cases"), aligned(4))) = {      \
		#suite, #name, ktest_fn_##suite##__##name, (budget), (flags)}; \
	static void ktest_fn_##suite##__##name(void)

/* A test case with the default tick budget. */
#define KTEST(suite, name) KTEST_DEFINE_(suite, name, 0, 0)
/* A test case allowed to run for `ticks` timer ticks before it is stopped. */
#define KTEST_BUDGET(suite, name, ticks) KTEST_DEFINE_(suite, name, ticks, 0)
/* A test case with explicit budget and flags. */
#define KTEST_FLAGS(suite, name, ticks, flags)                                 \
	KTEST_DEFINE_(suite, name, ticks, flags)

/* Provided by each runner. */
void ktest_fail_int(const char *file, int line, const char *expr, long long a,
		    long long b, bool fatal);
void ktest_fail_str(const char *file, int line, const char *expr, const char *a,
		    const char *b, bool fatal);
void ktest_fail_msg(const char *file, int line, const char *msg, bool fatal);
/* Ends the current case after a failed KASSERT_*; does not return.  (The
 * fail functions above already stop the case when fatal; calling this
 * after them also tells static analysers that a KASSERT stops the case.) */
__attribute__((noreturn)) void ktest_stop_(void);
/* Ends the current case as skipped, with a reason; does not return. */
__attribute__((noreturn)) void ktest_skip(const char *reason);
/* A `# ` diagnostic line in the KTAP stream (printf-style). */
__attribute__((format(printf, 1, 2))) void ktest_diag(const char *fmt, ...);
/* Shared by both runners: the C-string comparison used by *_STREQ. */
bool ktest_streq_(const char *a, const char *b);

#define KTEST_CMP_(a, op, b, fatal)                                            \
	do {                                                                   \
		long long ktest_a_ = (long long)(a);                           \
		long long ktest_b_ = (long long)(b);                           \
		if (!(ktest_a_ op ktest_b_)) {                                 \
			ktest_fail_int(__FILE__, __LINE__, #a " " #op " " #b,  \
				       ktest_a_, ktest_b_, fatal);             \
			if (fatal)                                             \
				ktest_stop_();                                 \
		}                                                              \
	} while (0)

#define KEXPECT_EQ(a, b) KTEST_CMP_(a, ==, b, false)
#define KEXPECT_NE(a, b) KTEST_CMP_(a, !=, b, false)
#define KEXPECT_LT(a, b) KTEST_CMP_(a, <, b, false)
#define KEXPECT_LE(a, b) KTEST_CMP_(a, <=, b, false)
#define KEXPECT_GT(a, b) KTEST_CMP_(a, >, b, false)
#define KEXPECT_GE(a, b) KTEST_CMP_(a, >=, b, false)
#define KASSERT_EQ(a, b) KTEST_CMP_(a, ==, b, true)
#define KASSERT_NE(a, b) KTEST_CMP_(a, !=, b, true)
#define KASSERT_LT(a, b) KTEST_CMP_(a, <, b, true)
#define KASSERT_LE(a, b) KTEST_CMP_(a, <=, b, true)
#define KASSERT_GT(a, b) KTEST_CMP_(a, >, b, true)
#define KASSERT_GE(a, b) KTEST_CMP_(a, >=, b, true)

#define KEXPECT_TRUE(x)	 KTEST_CMP_(!!(x), ==, 1, false)
#define KEXPECT_FALSE(x) KTEST_CMP_(!!(x), ==, 0, false)
#define KASSERT_TRUE(x)	 KTEST_CMP_(!!(x), ==, 1, true)
#define KASSERT_FALSE(x) KTEST_CMP_(!!(x), ==, 0, true)

/* Pointers compare as integers (uintptr_t), printed in both values. */
#define KEXPECT_PTR_EQ(a, b)                                                   \
	KTEST_CMP_((uintptr_t)(a), ==, (uintptr_t)(b), false)
#define KEXPECT_NULL(p)	    KTEST_CMP_((uintptr_t)(p), ==, 0, false)
#define KEXPECT_NOT_NULL(p) KTEST_CMP_((uintptr_t)(p), !=, 0, false)
#define KASSERT_NOT_NULL(p) KTEST_CMP_((uintptr_t)(p), !=, 0, true)

#define KTEST_STR_(a, b, fatal)                                                \
	do {                                                                   \
		const char *ktest_sa_ = (a);                                   \
		const char *ktest_sb_ = (b);                                   \
		if (!ktest_streq_(ktest_sa_, ktest_sb_)) {                     \
			ktest_fail_str(__FILE__, __LINE__, #a " == " #b,       \
				       ktest_sa_, ktest_sb_, fatal);           \
			if (fatal)                                             \
				ktest_stop_();                                 \
		}                                                              \
	} while (0)
#define KEXPECT_STREQ(a, b) KTEST_STR_(a, b, false)
#define KASSERT_STREQ(a, b) KTEST_STR_(a, b, true)

/*
 * Runs fn(arg) and reports whether it ended in kassert_fail() or kfatal()
 * (the message is copied into msg).  This is how a test checks that an
 * invariant check fires — a double free, a corrupted header — without
 * stopping the run.  Only for code that fails before it changes state
 * half-way; the caller must not rely on state the aborted call touched.
 */
bool ktest_catch_fatal(void (*fn)(void *), void *arg, char *msg,
		       unsigned msglen);

/* An unconditional failure with a message. */
#define KTEST_FAIL(msg) ktest_fail_msg(__FILE__, __LINE__, (msg), false)

#endif
