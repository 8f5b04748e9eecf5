/*
 * shell_sys — the console's machine commands: ticks, test, reboot, halt.
 */
#include "arch/qemu.h"
#include "arch/x86.h"
#include "drivers/keyboard.h"
#include "kernel/console.h"
#include "kernel/ktest_runner.h"
#include "kernel/time.h"
#include "shell/shell.h"
#include "shell/shell_cmd.h"

int shell_cmd_ticks(int argc, char **argv)
{
	uint64_t t = time_ticks();
	uint32_t hz = time_hz();
	uint64_t centi = t * 100 / hz;
	(void)argc;
	(void)argv;
	shell_printf("ticks: %llu at %u Hz (%llu.%02u s since the timer "
		     "started)\n",
		     t, hz, centi / 100, (unsigned)(centi % 100));
	return SHELL_OK;
}

int shell_cmd_test(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : NULL;
	int failed = ktest_run_here(glob);
	if (failed) {
		shell_printf("test: %d failed\n", failed);
		return SHELL_EFAIL;
	}
	return SHELL_OK;
}

/*
 * The 8042's reset pulse restarts the machine at once (QEMU with
 * -no-reboot exits instead).  If it does not, there is no other clean way:
 * a triple fault would also reset, but by crashing on purpose, so we stop.
 */
int shell_cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("keel: rebooting (keyboard controller reset pulse)\n");
	keyboard_reset_machine();
	kprintf("keel: the keyboard controller did not reset the machine; "
		"halting instead\n");
	halt_forever();
}

int shell_cmd_halt(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("keel: halting\n");
	qemu_exit(QEMU_EXIT_HALT);
	kprintf("keel: not under QEMU's isa-debug-exit; the CPU stops here\n");
	halt_forever();
}
