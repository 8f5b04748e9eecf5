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
#include "fs/disk.h"
#include "fs/tty.h"
#include "init/bench.h"
#include "init/crash.h"
#include "init/gdb_fixture.h"
#include "init/kmain.h"
#include "init/soak.h"
#include "init/userinit.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/ktest_runner.h"
#include "kernel/panic.h"
#include "kernel/time.h"
#include "mm/dump.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include "sched/deadlock.h"
#include "sched/task.h"
#include "sched/workload_run.h"
#include "shell/shell.h"
#include "shell/shell_cmd.h"

#define KEEL_VERSION "0.1"

static void banner(void)
{
	console_set_color(VGA_LIGHT_CYAN, VGA_BLACK);
	kprintf("keel %s: a 32-bit teaching kernel (higher half at 0x%08x)\n",
		KEEL_VERSION, KERNEL_VMA);
	console_set_color(VGA_LIGHT_GREY, VGA_BLACK);
	kprintf("command line: '%s'\n", cmdline_line());
}

/*
 * The least RAM keel runs in: 8 MiB (QEMU -m 8, the smallest size `make
 * test-matrix` checks).  The image and its tables take 1.6 MiB from 1 MiB
 * up, and the self-tests need 3.2 MiB of thread stacks at once (200 threads
 * of 16 KiB).  2 MiB used to boot, because the image fits below 2 MiB and
 * the boot page tables map the first 4 MiB whatever the RAM, but `test`
 * and `run` then ran out of frames.  What the loader reports for -m 8 is
 * 7679 KiB (640 KiB low memory, the 384 KiB hole below 1 MiB not counted,
 * the firmware's top 128 KiB reserved): the check allows for that.
 */
#define KEEL_MIN_MEM_MIB 8
#define KEEL_MIN_RAM_KIB (KEEL_MIN_MEM_MIB * 1024u - 768u)

/* RAM the loader reports, in KiB: its memory map, else mem_lower/upper. */
static uint64_t ram_kib(void)
{
	uint64_t kib = 0;
	if (!bootinfo.has_mmap)
		return bootinfo.has_mem ? (uint64_t)bootinfo.mem_lower_kib +
					      bootinfo.mem_upper_kib
					: 0;
	for (uint32_t i = 0; i < bootinfo.mmap_count; i++)
		if (bootinfo.mmap[i].type == 1) /* multiboot: available */
			kib += bootinfo.mmap[i].len / 1024;
	return kib;
}

/* Below the minimum, say so and stop, before anything runs out. */
static void check_memory(void)
{
	uint64_t kib = ram_kib();
	if (kib == 0 || kib >= KEEL_MIN_RAM_KIB)
		return; /* 0: no figures; the frame allocator will say */
	kprintf("keel: %u KiB of RAM is too little: keel needs at least %u "
		"MiB (QEMU -m %u, make run MEM=%u); halting\n",
		(unsigned)kib, KEEL_MIN_MEM_MIB, KEEL_MIN_MEM_MIB,
		KEEL_MIN_MEM_MIB);
	qemu_exit(QEMU_EXIT_FAIL);
	halt_forever();
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
	serial_set_host_peer(cmdline_bool("serial.peer", false));
	sti();		 /* from here on the timer interrupts us */
	mm_init();	 /* frames, the final page directory, the heap */
	sched_init();	 /* kmain becomes task "main"; the timer preempts */
	deadlock_init(); /* deadlock.check=: the wait-for graph's check */
	disk_init();	 /* the swap disk, if one is attached (IRQ 14) */
	proc_init();	 /* user faults, the console terminal */
	syscall_init();	 /* int $0x80: Linux's i386 system calls */
	tty_set_status(shell_proc_list); /* Ctrl-T under a program */
	userinit_initrd(); /* the boot archive's files, if there is one */
}

/*
 * What the command line asks for once the kernel is up, before the runs
 * that end the machine (crash, test, bench): a workload, a memory dump, a
 * soak, the gdb helpers' fixture.
 */
static void boot_actions(void)
{
	workload_run_from_cmdline();
	if (cmdline_has("mm.dump"))
		mm_dump();
	soak_from_cmdline();
	if (cmdline_has("gdb.fixture"))
		gdb_fixture_run();
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
	const char *crash, *test, *bench;
	bool poweroff, user;

	console_init();			/* kprintf works (polled serial, VGA) */
	bootinfo_init(magic, mbi_phys); /* loader data copied before mm runs */
	cmdline_init(bootinfo.cmdline);
	console_set_quiet(cmdline_has("quiet")); /* only programs speak */
	banner();
	check_memory();
	cpu_init();
	crash = cmdline_str("crash");
	test = cmdline_str("test");
	poweroff = cmdline_has("poweroff");
	bench = cmdline_str("bench");
	ktest_configure();
	user = userinit_wanted();
	boot_actions();
	cmdline_report_unused();
	if (crash)
		crash_run(crash);
	if (test)
		ktest_run(test[0] ? test : NULL);
	if (bench)
		bench_run(bench[0] ? bench : NULL);
	if (user && !test && !bench)
		userinit_run(poweroff); /* process 1 runs until it exits */
	if (poweroff) {
		kprintf("keel: powering off\n");
		qemu_exit(QEMU_EXIT_HALT);
	}
	shell_run(); /* the console: never returns */
}
