/*
 * main — kmain, the C entry point, and the order of bring-up.
 *
 * boot/entry.asm calls kmain on the boot stack with paging on and the
 * multiboot magic and information pointer.  Each step below needs only the
 * ones before it; the comment on each says what becomes possible.
 */
#include "arch/gdt.h"
#include "arch/irq.h"
#include "arch/qemu.h"
#include "arch/trap.h"
#include "arch/x86.h"
#include "drivers/pit.h"
#include "drivers/serial.h"
#include "init/bench.h"
#include "init/crash.h"
#include "init/gdb_fixture.h"
#include "init/kmain.h"
#include "init/soak.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/ktest_runner.h"
#include "kernel/panic.h"
#include "kernel/time.h"
#include "mm/dump.h"
#include "mm/mm.h"
#include "sched/task.h"
#include "sched/workload_run.h"
#include "shell/shell.h"

#define KEEL_VERSION "0.1"

static void banner(void)
{
	console_set_color(VGA_LIGHT_CYAN, VGA_BLACK);
	kprintf("keel %s: a 32-bit teaching kernel (higher half at 0x%08x)\n",
		KEEL_VERSION, KERNEL_VMA);
	console_set_color(VGA_LIGHT_GREY, VGA_BLACK);
	kprintf("command line: '%s'\n", cmdline_line());
}

/* The parts every later step relies on: CPU tables, interrupts, time. */
static void cpu_init(void)
{
	panic_init(); /* the trap path reports through panic from now on */
	gdt_init();   /* segments and the TSS: traps have a stack to use */
	idt_init();   /* all 256 vectors reach trap_dispatch */
	irq_init();   /* PICs remapped to 32..47, all lines masked */
	time_init(cmdline_uint("hz", PIT_HZ_DEFAULT, PIT_HZ_MIN, PIT_HZ_MAX));
	serial_enable_rx_irq();
	sti();	      /* from here on the timer interrupts us */
	mm_init();    /* frames, the final page directory, the heap */
	sched_init(); /* kmain becomes task "main"; the timer preempts */
}

/*
 * What the command line asks for once the kernel is up, before the runs
 * that end the machine (crash, test, bench): a workload, a memory dump, a
 * soak, the gdb helpers' fixture.
 */
static void boot_actions(void)
{
	const char *soak = cmdline_str("soak");
	workload_run_from_cmdline();
	if (cmdline_has("mm.dump"))
		mm_dump();
	if (soak)
		soak_run(soak[0] ? cmdline_uint("soak", SOAK_DEFAULT_TICKS,
						SOAK_MIN_TICKS, SOAK_MAX_TICKS)
				 : SOAK_DEFAULT_TICKS);
	if (cmdline_has("gdb.fixture"))
		gdb_fixture_run();
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
	const char *crash, *test, *bench;
	bool poweroff;

	console_init();			/* kprintf works (polled serial, VGA) */
	bootinfo_init(magic, mbi_phys); /* loader data copied before mm runs */
	cmdline_init(bootinfo.cmdline);
	banner();
	cpu_init();
	crash = cmdline_str("crash");
	test = cmdline_str("test");
	poweroff = cmdline_has("poweroff");
	bench = cmdline_str("bench");
	ktest_configure();
	boot_actions();
	cmdline_report_unused();
	if (crash)
		crash_run(crash);
	if (test)
		ktest_run(test[0] ? test : NULL);
	if (bench)
		bench_run(bench[0] ? bench : NULL);
	if (poweroff) {
		kprintf("keel: powering off\n");
		qemu_exit(QEMU_EXIT_HALT);
	}
	shell_run(); /* the console: never returns */
}
