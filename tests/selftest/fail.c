/*
 * The harness's own self-test: a kernel built with KEEL_SELFTEST_FAIL
 * (build/selftest/keel.elf) carries this case, which must fail.  tools/harness
 * boots that kernel and checks that it reports `not ok` and exits non-zero;
 * a harness that passed it would be a harness that cannot see failures.
 */
#ifdef KEEL_SELFTEST_FAIL
#include "kernel/ktest.h"

KTEST(selftest, deliberately_fails)
{
	KEXPECT_EQ(1 + 1, 3);
}
#endif
