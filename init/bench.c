/*
 * bench — the benchmark runner (see bench.h).
 */
#include "init/bench.h"

#include "arch/qemu.h"
#include "arch/x86.h"
#include "kernel/console.h"
#include "lib/glob.h"

extern const struct bench_case __start_bench_cases[];
extern const struct bench_case __stop_bench_cases[];

void bench_report(const char *figure, uint64_t value)
{
	kprintf("BENCH %s %llu\n", figure, value);
}

void bench_run(const char *glob)
{
	const struct bench_case *c;
	int n = 0;
	kprintf("bench: counting guest instructions with rdtsc (meaningful "
		"under -icount shift=0)\n");
	for (c = __start_bench_cases; c < __stop_bench_cases; c++) {
		if (glob && !glob_match(glob, c->name))
			continue;
		kprintf("bench: %s\n", c->name);
		c->fn();
		n++;
	}
	kprintf("bench: %d cases done\n", n);
	qemu_exit(QEMU_EXIT_HALT);
	halt_forever();
}
