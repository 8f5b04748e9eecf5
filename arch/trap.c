/*
 * trap — the IDT and the one dispatcher every vector goes through.
 */
#include "arch/trap.h"

#include "arch/gdt.h"
#include "arch/x86.h"

/* Gate descriptor type/attribute byte (SDM 3A §6.11, figure 6-2). */
#define GATE_PRESENT 0x80
#define GATE_DPL(r)  ((r) << 5)
#define GATE_INT32   0x0E /* interrupt gate: IF cleared on entry */
#define GATE_TASK    0x05 /* task gate: switch to the TSS named by selector */

struct __attribute__((packed)) idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_hi;
};
_Static_assert(sizeof(struct idt_gate) == 8, "IDT gate layout");

static struct idt_gate idt[T_VECTORS] __attribute__((aligned(8)));
static trap_handler_t handlers[T_VECTORS];
/* Until the scheduler installs its own, traps resume what they
 * interrupted.  Never NULL, so the exit path calls without a test. */
static TRAP_CALL struct trap_frame *resume_same(struct trap_frame *tf)
{
	return tf;
}
static trap_exit_hook_t exit_hook = resume_same;
static trap_exit_hook_t user_hook = resume_same;
/* Who reports a trap nobody handles, and a double fault: the panic report,
 * installed by kernel/panic.c (a layer above: it is handed down, never
 * called by name). */
static trap_fatal_t fatal_handler;
static trap_fatal_df_t double_fault_handler;

static const char *const exception_names[T_EXCEPTIONS] = {
    [T_DIVIDE] = "#DE divide error",
    [T_DEBUG] = "#DB debug",
    [T_NMI] = "NMI non-maskable interrupt",
    [T_BREAKPOINT] = "#BP breakpoint",
    [T_OVERFLOW] = "#OF overflow",
    [T_BOUND] = "#BR bound range exceeded",
    [T_INVALID_OP] = "#UD invalid opcode",
    [T_NO_FPU] = "#NM device not available",
    [T_DOUBLE_FAULT] = "#DF double fault",
    [T_COPROC_SEG] = "coprocessor segment overrun",
    [T_INVALID_TSS] = "#TS invalid TSS",
    [T_NO_SEGMENT] = "#NP segment not present",
    [T_STACK_FAULT] = "#SS stack-segment fault",
    [T_GPF] = "#GP general protection fault",
    [T_PAGE_FAULT] = "#PF page fault",
    [T_FPU_ERROR] = "#MF x87 floating-point error",
    [T_ALIGNMENT] = "#AC alignment check",
    [T_MACHINE_CHECK] = "#MC machine check",
    [T_SIMD] = "#XM SIMD floating-point exception",
    [T_VIRT] = "#VE virtualization exception",
    [T_CONTROL_PROT] = "#CP control protection",
};

const char *trap_name(unsigned vector)
{
	if (vector < T_EXCEPTIONS)
		return exception_names[vector] ? exception_names[vector]
					       : "reserved exception";
	if (vector >= T_IRQ0 && vector < T_IRQ0 + T_IRQS)
		return "hardware interrupt";
	return "software interrupt";
}

static void idt_set(unsigned v, uint32_t offset, uint16_t sel, uint8_t attr)
{
	idt[v].offset_lo = offset & 0xFFFF;
	idt[v].selector = sel;
	idt[v].zero = 0;
	idt[v].type_attr = attr;
	idt[v].offset_hi = offset >> 16;
}

void idt_init(void)
{
	struct x86_dtr d = {sizeof(idt) - 1, (uint32_t)idt};
	for (unsigned v = 0; v < T_VECTORS; v++)
		idt_set(v, trap_stub_table[v], SEL_KCODE,
			GATE_PRESENT | GATE_DPL(0) | GATE_INT32);
	/* #DF through a task gate: a fresh stack even if ours is gone. */
	idt_set(T_DOUBLE_FAULT, 0, SEL_DF_TSS, GATE_PRESENT | GATE_TASK);
	gdt_set_double_fault_entry(trap_double_fault_task);
	lidt(&d);
}

void idt_set_present(unsigned vector, int present)
{
	if (present)
		idt[vector].type_attr |= GATE_PRESENT;
	else
		idt[vector].type_attr &= (uint8_t)~GATE_PRESENT;
}

void trap_register(unsigned vector, trap_handler_t h)
{
	bool on = irq_save();
	handlers[vector] = h;
	irq_restore(on);
}

trap_handler_t trap_handler(unsigned vector)
{
	return handlers[vector];
}

uint32_t trap_frame_esp(const struct trap_frame *tf)
{
	if ((tf->cs & 3) != 0)
		return tf->esp;
	/* Ring 0 to ring 0: the CPU pushed no ESP; it was just above EFLAGS. */
	return (uint32_t)tf + TRAP_FRAME_KERNEL_SIZE;
}

void idt_set_user(unsigned vector)
{
	idt[vector].type_attr |= GATE_DPL(3);
}

void trap_set_user_hook(trap_exit_hook_t hook)
{
	user_hook = hook ? hook : resume_same;
}

void trap_set_exit_hook(trap_exit_hook_t hook)
{
	exit_hook = hook ? hook : resume_same;
}

TRAP_CALL struct trap_frame *trap_dispatch(struct trap_frame *tf)
{
	trap_handler_t h = handlers[tf->vector];
	if (h) {
		tf = h(tf);
		if (tf->cs & 3) /* back to user mode: a pending kill? */
			tf = user_hook(tf);
		return exit_hook(tf);
	}
	/* An exception nobody handles, or a software interrupt nobody
	 * expects (IRQs all have a handler in arch/irq.c): stop here. */
	trap_fatal(tf);
}

void trap_set_fatal(trap_fatal_t report, trap_fatal_df_t double_fault)
{
	fatal_handler = report;
	double_fault_handler = double_fault;
}

void trap_fatal(struct trap_frame *tf)
{
	if (fatal_handler)
		fatal_handler(tf);
	halt_forever(); /* before panic_init: no report to give */
}

void trap_double_fault(void)
{
	if (double_fault_handler)
		double_fault_handler();
	halt_forever(); /* before panic_init: no report to give */
}
