/*
 * bench — in-kernel benchmarks, measured in guest instructions.
 *
 * Booted with `bench` (or `bench=GLOB`) under `qemu -icount shift=0`, the
 * time-stamp counter advances by exactly one per guest instruction, so
 * rdtsc() differences are instruction counts that repeat exactly from run
 * to run.  (Without -icount they are host cycles and vary.)  Performance
 * goals live here, never in the self-tests.
 *
 * BENCH(name) registers a case in the "bench_cases" section; it reports
 * with bench_report("figure", value), one line `BENCH figure value` each,
 * which tools/bench collects into build/bench.json.
 */
#ifndef KEEL_INIT_BENCH_H
#define KEEL_INIT_BENCH_H

#include <stdint.h>

struct bench_case {
	const char *name;
	void (*fn)(void);
};

#define BENCH(name)                                                            \
	static void bench_fn_##name(void);                                     \
	static const struct bench_case bench_case_##name                       \
	    __attribute__((used, section("bench_cases"), aligned(4))) = {      \
		#name, bench_fn_##name};                                       \
	static void bench_fn_##name(void)

/* One figure: `BENCH name value` on the console. */
void bench_report(const char *figure, uint64_t value);
/* Run the cases matching glob (NULL: all), then leave QEMU. */
__attribute__((noreturn)) void bench_run(const char *glob);

#endif
