/*
 * crash — the deliberate faults (see crash.h).  Each lives in a function of
 * its own (noinline), whose name the harness expects in the report.
 */
#include "init/crash.h"

#include "arch/layout.h"
#include "arch/trap.h"
#include "kernel/console.h"
#include "lib/string.h"
#include "mm/vm.h"
#include "sched/task.h"

#define CRASH_BAD_SELECTOR  0x1230 /* GDT index 582: beyond our 7 entries */
#define CRASH_RECURSE_FRAME 512

static __attribute__((noinline)) void crash_null_deref(void)
{
	volatile uint32_t *p = NULL;
	kprintf("crash: reading address 0\n");
	(void)*p; /* NOLINT(clang-analyzer-core.NullDereference): on purpose */
}

static __attribute__((noinline)) void crash_text_write(void)
{
	volatile uint8_t *text = (uint8_t *)crash_null_deref;
	kprintf("crash: writing kernel text at %p\n", (void *)text);
	*text = 0xCC;
}

static __attribute__((noinline)) void crash_divide_error(void)
{
	kprintf("crash: dividing by zero\n");
	__asm__ volatile("xorl %%ecx, %%ecx; movl $1, %%eax; xorl %%edx, "
			 "%%edx; divl %%ecx" ::
			     : "eax", "ecx", "edx");
}

static __attribute__((noinline)) void crash_invalid_opcode(void)
{
	kprintf("crash: executing ud2\n");
	__asm__ volatile("ud2");
}

static __attribute__((noinline)) void crash_gp_fault(void)
{
	kprintf("crash: loading selector 0x%x into DS\n", CRASH_BAD_SELECTOR);
	__asm__ volatile("movw %w0, %%ds" : : "r"(CRASH_BAD_SELECTOR));
}

/* Each call adds a frame of CRASH_RECURSE_FRAME bytes until the stack
 * reaches its guard page; the #PF cannot be delivered there, so it becomes
 * a #DF, which the task gate catches on a stack of its own. */
static volatile uint32_t crash_depth_limit = UINT32_MAX;

static __attribute__((noinline)) uint32_t crash_recurse(uint32_t depth)
{
	volatile uint8_t frame[CRASH_RECURSE_FRAME];
	frame[0] = (uint8_t)depth;
	if (depth == crash_depth_limit)
		return frame[0];
	return crash_recurse(depth + 1) + frame[0];
}

static __attribute__((noinline)) void crash_stack_overflow(void)
{
	kprintf("crash: recursing until the stack overflows\n");
	crash_recurse(0);
}

static int overflow_thread(void *arg)
{
	(void)arg;
	return (int)crash_recurse(0);
}

/* The same overflow on a thread's own stack: the report must name the
 * task whose guard page was hit. */
static __attribute__((noinline)) void crash_task_stack_overflow(void)
{
	struct task *t = task_create("overflower", overflow_thread, NULL);
	kprintf(
	    "crash: thread 'overflower' recursing until its stack overflows\n");
	if (t)
		task_wait(t);
}

/* Mark #DE's gate not present and divide by zero: delivering #DE raises
 * #NP, and two contributory faults in a row make a #DF (SDM 3A table 6-5). */
static __attribute__((noinline)) void crash_double_fault(void)
{
	kprintf("crash: #DE with its IDT gate not present\n");
	idt_set_present(T_DIVIDE, 0);
	__asm__ volatile("xorl %%ecx, %%ecx; movl $1, %%eax; xorl %%edx, "
			 "%%edx; divl %%ecx" ::
			     : "eax", "ecx", "edx");
}

/* A fault whose report itself faults: EBP points at an unmapped kernel
 * address (the page just below the kernel-stack area, never mapped), so the
 * backtrace walk faults inside the panic path. */
static __attribute__((noinline)) void crash_nested_panic(void)
{
	kprintf("crash: faulting with a corrupt frame pointer\n");
	__asm__ volatile("movl %0, %%ebp; ud2"
			 :
			 : "i"(VM_KSTACK_BASE - PAGE_SIZE)
			 : "memory");
}

struct crash {
	const char *name;
	void (*fn)(void);
	const char *what;
};

static const struct crash crashes[] = {
    {"null", crash_null_deref, "NULL dereference (#PF)"},
    {"text-write", crash_text_write, "write to read-only kernel text (#PF)"},
    {"divide", crash_divide_error, "divide by zero (#DE)"},
    {"invalid-opcode", crash_invalid_opcode, "ud2 (#UD)"},
    {"gpf", crash_gp_fault, "bad segment selector (#GP)"},
    {"stack-overflow", crash_stack_overflow,
     "kernel stack into its guard page (#DF)"},
    {"task-stack-overflow", crash_task_stack_overflow,
     "a thread's stack into its guard page (#DF)"},
    {"double-fault", crash_double_fault,
     "fault while delivering a fault (#DF)"},
    {"nested-panic", crash_nested_panic, "a fault inside the panic report"},
};
#define NCRASHES (sizeof(crashes) / sizeof(crashes[0]))

void crash_run(const char *name)
{
	for (unsigned i = 0; i < NCRASHES; i++) {
		if (strcmp(name, crashes[i].name) == 0) {
			crashes[i].fn();
			kprintf("crash: '%s' did not fault!\n", name);
			return;
		}
	}
	kprintf("crash: unknown crash '%s'; the crashes are:\n", name);
	for (unsigned i = 0; i < NCRASHES; i++)
		kprintf("  crash=%-15s %s\n", crashes[i].name, crashes[i].what);
}
