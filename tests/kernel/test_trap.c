/*
 * Traps: an exception raised inside a test reaches the handler registered
 * for its vector, and execution continues after it.
 */
#include "arch/gdt.h"
#include "arch/trap.h"
#include "arch/x86.h"
#include "kernel/ktest.h"

static volatile uint32_t int3_hits, int3_eip;

static TRAP_CALL struct trap_frame *count_int3(struct trap_frame *tf)
{
	int3_hits++;
	int3_eip = tf->eip; /* #BP is a trap: EIP is past the int3 */
	return tf;
}

KTEST(trap, int3_reaches_registered_handler_and_returns)
{
	trap_handler_t old = trap_handler(T_BREAKPOINT);
	volatile uint32_t after = 0;
	int3_hits = 0;
	trap_register(T_BREAKPOINT, count_int3);
	__asm__ volatile("int3");
	after = 1;
	__asm__ volatile("int3");
	trap_register(T_BREAKPOINT, old);
	KEXPECT_EQ(int3_hits, 2);
	KEXPECT_EQ(after, 1);
	KEXPECT_NE(int3_eip, 0);
}

/* #DE is a fault: EIP points at the div itself, so the handler must step
 * over it (the div below is `divl %ecx`, two bytes: F7 F1). */
#define DIV_ECX_LENGTH 2
static volatile uint32_t de_hits, de_error;

static TRAP_CALL struct trap_frame *skip_divide(struct trap_frame *tf)
{
	const uint8_t *insn = (const uint8_t *)tf->eip;
	de_hits++;
	de_error = tf->error;
	if (insn[0] == 0xF7 && insn[1] == 0xF1)
		tf->eip += DIV_ECX_LENGTH;
	tf->eax = 0xD1D0; /* the "result" the code sees */
	return tf;
}

KTEST(trap, divide_error_caught_and_execution_continues)
{
	trap_handler_t old = trap_handler(T_DIVIDE);
	uint32_t result;
	de_hits = 0;
	trap_register(T_DIVIDE, skip_divide);
	__asm__ volatile(
	    "xorl %%edx, %%edx; movl $7, %%eax; xorl %%ecx, %%ecx; divl %%ecx"
	    : "=a"(result)
	    :
	    : "ecx", "edx");
	trap_register(T_DIVIDE, old);
	KEXPECT_EQ(de_hits, 1);
	KEXPECT_EQ(result, 0xD1D0);
	KEXPECT_EQ(de_error, 0); /* the stub pushed a dummy error code */
}

static volatile struct trap_frame seen;

static TRAP_CALL struct trap_frame *copy_frame(struct trap_frame *tf)
{
	seen = *tf;
	return tf;
}

/* The frame the handler sees holds what the code had in its registers, the
 * vector, a zero dummy error code, kernel CS and the caller's EFLAGS. */
KTEST(trap, frame_holds_the_interrupted_registers)
{
	trap_handler_t old = trap_handler(T_BREAKPOINT);
	trap_register(T_BREAKPOINT, copy_frame);
	__asm__ volatile("movl $0x1234ABCD, %%eax; movl $0x5EED, %%esi; int3" ::
			     : "eax", "esi", "memory");
	trap_register(T_BREAKPOINT, old);
	KEXPECT_EQ(seen.eax, 0x1234ABCD);
	KEXPECT_EQ(seen.esi, 0x5EED);
	KEXPECT_EQ(seen.vector, T_BREAKPOINT);
	KEXPECT_EQ(seen.error, 0);
	KEXPECT_EQ(seen.cs, SEL_KCODE);
	KEXPECT_EQ(seen.ds, SEL_KDATA);
	KEXPECT_TRUE(seen.eflags & EFLAGS_IF);
}

KTEST(trap, every_vector_has_a_name)
{
	KEXPECT_STREQ(trap_name(T_PAGE_FAULT), "#PF page fault");
	KEXPECT_STREQ(trap_name(T_GPF), "#GP general protection fault");
	KEXPECT_STREQ(trap_name(T_IRQ0), "hardware interrupt");
	KEXPECT_STREQ(trap_name(T_YIELD), "software interrupt");
	KEXPECT_STREQ(trap_name(15), "reserved exception");
}

/*
 * Every segment register is saved and restored on its own: with FS and GS
 * holding different selectors (the user data selector is a valid data
 * segment in ring 0 too), the frame must show each in its own slot, and
 * each must come back from the trap unchanged.  A trap exit that popped FS
 * and GS in the wrong order would swap them.
 */
KTEST(trap, fs_and_gs_saved_and_restored_apart)
{
	trap_handler_t old = trap_handler(T_BREAKPOINT);
	uint32_t fs_after, gs_after;
	trap_register(T_BREAKPOINT, copy_frame);
	__asm__ volatile("movw %w2, %%fs\n\t"
			 "movw %w3, %%gs\n\t"
			 "int3\n\t"
			 "movl %%fs, %0\n\t"
			 "movl %%gs, %1\n\t"
			 "movw %w4, %%fs\n\t"
			 "movw %w4, %%gs"
			 : "=&r"(fs_after), "=&r"(gs_after)
			 : "r"(SEL_UDATA), "r"(0u), "r"(SEL_KDATA)
			 : "memory");
	trap_register(T_BREAKPOINT, old);
	KEXPECT_EQ(seen.fs, SEL_UDATA);
	KEXPECT_EQ(seen.gs, 0);
	KEXPECT_EQ(seen.ds, SEL_KDATA);
	KEXPECT_EQ(seen.es, SEL_KDATA);
	KEXPECT_EQ(fs_after & 0xFFFF, SEL_UDATA);
	KEXPECT_EQ(gs_after & 0xFFFF, 0);
}
