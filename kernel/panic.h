/*
 * panic — stop the kernel and say why, in a report a student can act on.
 *
 * A panic report has: the reason (for a trap, the exception's name and its
 * error code decoded in words), every register, and a backtrace of function
 * names and offsets from the kernel's own symbol table (kernel/ksyms.h).
 * Then the hook a higher layer installed runs (the self-test runner reports
 * the current case `not ok` and ends the run: kernel/ktest.c); QEMU is asked
 * to exit with
 * QEMU_EXIT_PANIC; and the CPU halts with interrupts off.
 *
 * A fault *inside* the panic path (a corrupt frame pointer followed by the
 * backtrace, say) re-enters panic: the nested entry prints one line on the
 * raw serial port and halts at once, so a broken report can never loop,
 * reboot or triple fault.
 */
#ifndef KEEL_KERNEL_PANIC_H
#define KEEL_KERNEL_PANIC_H

#include <stdint.h>

#include <stdarg.h>

struct trap_frame;

/* Hand the report down to the trap path (arch/trap.h trap_set_fatal), so an
 * exception nobody handles and a double fault end here.  Call it first. */
void panic_init(void);

/*
 * What the layers above add to a panic, handed down rather than called by
 * name (the panic path sits below the test runner):
 *  - after_report runs once the report is printed, before the machine
 *    stops (the self-test runner reports its running case there);
 *  - catcher sees every failed KASSERT and kfatal before the report, and
 *    may take it over by not returning (ktest_catch_fatal's longjmp).
 * Either may be NULL.
 */
typedef void (*panic_hook_t)(void);
typedef void (*panic_catcher_t)(const char *fmt, va_list ap);
void panic_set_hooks(panic_hook_t after_report, panic_catcher_t catcher);

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
							   ...);
/* An exception nobody handled (called by the trap dispatcher). */
__attribute__((noreturn)) void panic_trap(struct trap_frame *tf);
/* The double-fault task's body: the interrupted state is in the main TSS. */
__attribute__((noreturn)) void panic_double_fault(void);
/* Print a backtrace starting at eip, then following the EBP chain. */
void backtrace_print(uint32_t eip, uint32_t ebp);

/*
 * Who owns the stack around esp: sched/ installs a function that names the
 * task whose guard page holds esp ("kernel stack overflow in task 'x'"),
 * or returns NULL.  Before threads exist only the boot stack is checked.
 */
typedef const char *(*panic_stack_namer_t)(uint32_t esp);
void panic_set_stack_namer(panic_stack_namer_t f);

#endif
