/*
 * panic — the panic report (see panic.h).
 */
#include "kernel/panic.h"

#include <stdarg.h>

#include "arch/gdt.h"
#include "arch/layout.h"
#include "arch/qemu.h"
#include "arch/trap.h"
#include "arch/x86.h"
#include "drivers/serial.h"
#include "kernel/console.h"
#include "kernel/ksyms.h"
#include "lib/kassert.h"

#define BACKTRACE_MAX_FRAMES 24
/* Error-code bits of a selector error (#GP, #NP, #SS, #TS: SDM 3A §6.13). */
#define SELERR_EXTERNAL	   0x1
#define SELERR_IDT	   0x2
#define SELERR_LDT	   0x4
#define SELERR_INDEX_SHIFT 3

static volatile int panic_depth;
static panic_stack_namer_t stack_namer;
static panic_hook_t report_hook;
static panic_catcher_t check_catcher;

void panic_init(void)
{
	trap_set_fatal(panic_trap, panic_double_fault);
}

void panic_set_hooks(panic_hook_t after_report, panic_catcher_t catcher)
{
	report_hook = after_report;
	check_catcher = catcher;
}

/* Give a failed check to the catcher, if one is armed (it may not return). */
static void offer_check(const char *fmt, ...)
{
	va_list ap;
	if (!check_catcher)
		return;
	va_start(ap, fmt);
	check_catcher(fmt, ap);
	va_end(ap);
}

void panic_set_stack_namer(panic_stack_namer_t f)
{
	stack_namer = f;
}

static void raw_puts(const char *s)
{
	while (*s)
		serial_putc_polled(*s++);
}

/* Every panic starts here: interrupts off, and a nested panic stops dead. */
static void panic_enter(void)
{
	cli();
	if (++panic_depth > 1) {
		if (panic_depth == 2)
			raw_puts("\r\nPANIC: a fault inside the panic report; "
				 "halting\r\n");
		qemu_exit(QEMU_EXIT_PANIC);
		halt_forever();
	}
	console_set_quiet(false); /* `quiet` never hides a panic */
	console_set_color(VGA_WHITE, VGA_RED);
}

static __attribute__((noreturn)) void panic_finish(void)
{
	if (report_hook)
		report_hook();
	kprintf("System halted.\n");
	qemu_exit(QEMU_EXIT_PANIC);
	halt_forever();
}

/* For a return address, look up addr - 1: a call that is the last
 * instruction of a noreturn function returns past its end. */
static void print_frame(int n, uint32_t eip, int is_return)
{
	uint32_t off = 0;
	const char *name = ksym_lookup(eip - (uint32_t)is_return, &off);
	if (name)
		kprintf("  #%-2d 0x%08x %s+0x%x\n", n, eip, name,
			off + (uint32_t)is_return);
	else
		kprintf("  #%-2d 0x%08x ?\n", n, eip);
}

/*
 * Each C function's prologue pushes the caller's EBP and points EBP at it
 * (-fno-omit-frame-pointer), so [ebp] is the caller's EBP and [ebp+4] the
 * return address.  boot/entry.asm starts the chain with EBP = 0.  Frames
 * must climb the stack (each one above the last), which stops a corrupt
 * chain from looping; a chain into unmapped memory faults, and the nested
 * panic halts.
 */
void backtrace_print(uint32_t eip, uint32_t ebp)
{
	int n = 0;
	uint32_t last = 0, repeats = 0;
	kprintf("Backtrace:\n");
	print_frame(n++, eip, 0);
	while (ebp != 0 && n < BACKTRACE_MAX_FRAMES) {
		const uint32_t *frame = (const uint32_t *)ebp;
		if ((ebp & 3) != 0 || ebp < KERNEL_VMA) {
			kprintf("  (frame pointer 0x%08x is not a kernel stack "
				"address)\n",
				ebp);
			return;
		}
		if (frame[1] == 0)
			break;
		if (frame[1] == last) {
			repeats++; /* deep recursion: one line, then a count */
		} else {
			if (repeats)
				kprintf("  ... the same frame %u more times\n",
					repeats);
			repeats = 0;
			print_frame(n++, frame[1], 1);
		}
		last = frame[1];
		if (frame[0] != 0 && frame[0] <= ebp) {
			kprintf("  (frame chain goes down the stack at 0x%08x; "
				"stopping)\n",
				ebp);
			return;
		}
		ebp = frame[0];
	}
	if (repeats)
		kprintf("  ... the same frame %u more times\n", repeats);
	if (ebp != 0 && n == BACKTRACE_MAX_FRAMES)
		kprintf("  ...\n");
}

/* The report of a software panic; ebp is the panicking function's frame,
 * so frame 0 of the backtrace is its caller ([ebp+4], where it returns). */
static __attribute__((noreturn)) void panic_report(uint32_t ebp,
						   const char *fmt, va_list ap)
{
	panic_enter();
	kprintf("\nPANIC: ");
	kvprintf(fmt, ap);
	kprintf("\n");
	backtrace_print(((uint32_t *)ebp)[1], ((uint32_t *)ebp)[0]);
	panic_finish();
}

/* panic_report never returns, so no va_end can follow it. */
void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	panic_report(read_ebp(), fmt, ap);
} /* cppcheck-suppress va_end_missing */

void kassert_fail(const char *expr, const char *file, int line,
		  const char *func)
{
	offer_check("assertion '%s' failed at %s:%d in %s()", expr, file, line,
		    func);
	panic("assertion '%s' failed at %s:%d in %s()", expr, file, line, func);
}

void kfatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (check_catcher)
		check_catcher(fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	panic_report(read_ebp(), fmt, ap);
} /* cppcheck-suppress va_end_missing */

static void print_registers(const struct trap_frame *tf)
{
	kprintf("  EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", tf->eax, tf->ebx,
		tf->ecx, tf->edx);
	kprintf("  ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", tf->esi, tf->edi,
		tf->ebp, trap_frame_esp(tf));
	kprintf("  EIP=%08x EFLAGS=%08x CS=%04x DS=%04x ES=%04x FS=%04x "
		"GS=%04x SS=%04x\n",
		tf->eip, tf->eflags, tf->cs & 0xFFFF, tf->ds & 0xFFFF,
		tf->es & 0xFFFF, tf->fs & 0xFFFF, tf->gs & 0xFFFF,
		(tf->cs & 3) ? tf->ss & 0xFFFF : SEL_KDATA);
	kprintf("  CR0=%08x CR2=%08x CR3=%08x\n", read_cr0(), read_cr2(),
		read_cr3());
}

static const char *fault_function(uint32_t eip)
{
	const char *name = ksym_lookup(eip, NULL);
	return name ? name : "an unknown function";
}

/* "write to a read-only page at 0x..., from kernel code in foo()" */
static void explain_page_fault(const struct trap_frame *tf)
{
	uint32_t err = tf->error, cr2 = read_cr2();
	const char *access = (err & PF_IFETCH)	? "instruction fetch from"
			     : (err & PF_WRITE) ? "write to"
						: "read from";
	const char *what = (err & PF_RESERVED)
			       ? "a page whose entry has a reserved bit set"
			   : (err & PF_PRESENT) ? "a read-only page"
						: "an unmapped page";
	if ((err & PF_PRESENT) && !(err & PF_WRITE) && !(err & PF_RESERVED))
		what =
		    (err & PF_USER) ? "a kernel-only page" : "a protected page";
	kprintf("  %s %s at 0x%08x, from %s code in %s()\n", access, what, cr2,
		(err & PF_USER) ? "user" : "kernel", fault_function(tf->eip));
	kprintf("  error code bits: %s, %s, %s%s%s\n",
		(err & PF_PRESENT) ? "present" : "not-present",
		(err & PF_WRITE) ? "write" : "read",
		(err & PF_USER) ? "user" : "supervisor",
		(err & PF_RESERVED) ? ", reserved-bit" : "",
		(err & PF_IFETCH) ? ", instruction-fetch" : "");
	if (cr2 < PAGE_SIZE)
		kprintf(
		    "  (an address in page 0: a NULL pointer dereference)\n");
}

static void explain_selector_error(uint32_t err)
{
	if (err == 0) {
		kprintf("  error code 0: not caused by a particular segment "
			"selector\n");
		return;
	}
	kprintf("  selector error: index %u in the %s%s\n",
		err >> SELERR_INDEX_SHIFT,
		(err & SELERR_IDT)   ? "IDT"
		: (err & SELERR_LDT) ? "LDT"
				     : "GDT",
		(err & SELERR_EXTERNAL) ? " (during an external event)" : "");
}

static void explain_trap(const struct trap_frame *tf)
{
	switch (tf->vector) {
	case T_PAGE_FAULT:
		explain_page_fault(tf);
		break;
	case T_GPF:
	case T_NO_SEGMENT:
	case T_STACK_FAULT:
	case T_INVALID_TSS:
		explain_selector_error(tf->error);
		break;
	default:
		break;
	}
}

void panic_trap(struct trap_frame *tf)
{
	panic_enter();
	kprintf(
	    "\nPANIC: unhandled exception %u (%s) in %s(), error code 0x%x\n",
	    tf->vector, trap_name(tf->vector), fault_function(tf->eip),
	    tf->error);
	explain_trap(tf);
	print_registers(tf);
	backtrace_print(tf->eip, tf->ebp);
	panic_finish();
}

static const char *stack_owner(uint32_t esp)
{
	uint32_t guard = (uint32_t)boot_stack_guard;
	if (stack_namer) {
		const char *who = stack_namer(esp);
		if (who)
			return who;
	}
	/* A fault with ESP in the guard page, or within a frame's worth
	 * above it, means the stack ran out. */
	if (esp >= guard && esp < guard + PAGE_SIZE + TRAP_FRAME_KERNEL_SIZE)
		return "the boot stack";
	return NULL;
}

/*
 * A double fault: an exception while the CPU was delivering another.  The
 * usual cause in a kernel is a stack overflow: the page fault on the guard
 * page cannot push its frame on the same full stack.  The task gate saved
 * the interrupted registers in the main TSS.
 */
void panic_double_fault(void)
{
	const struct tss *t = gdt_main_tss();
	const char *owner = stack_owner(t->esp);
	panic_enter();
	kprintf("\nPANIC: unhandled exception %u (%s) in %s()\n",
		T_DOUBLE_FAULT, trap_name(T_DOUBLE_FAULT),
		fault_function(t->eip));
	if (owner)
		kprintf("  kernel stack overflow: ESP %08x is in the guard "
			"page of %s\n",
			t->esp, owner);
	else
		kprintf("  a fault while the CPU was delivering another "
			"exception\n");
	kprintf("  EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", t->eax, t->ebx,
		t->ecx, t->edx);
	kprintf("  ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", t->esi, t->edi,
		t->ebp, t->esp);
	kprintf("  EIP=%08x EFLAGS=%08x CS=%04x SS=%04x CR2=%08x CR3=%08x\n",
		t->eip, t->eflags, t->cs, t->ss, read_cr2(), read_cr3());
	backtrace_print(t->eip, t->ebp);
	panic_finish();
}
