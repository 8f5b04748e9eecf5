/*
 * x86.h — every instruction the C code needs that C cannot say, as small
 * static inline wrappers (xv6's x86.h does the same).  mm/, sched/ and
 * drivers/ call these; none of them writes inline assembly of its own.
 *
 * Also the architectural constants (EFLAGS, CR0 and page-table bits), each
 * named once, with its Intel SDM (vol. 3A) meaning.
 */
#ifndef KEEL_ARCH_X86_H
#define KEEL_ARCH_X86_H

#include <stdbool.h>
#include <stdint.h>

/* EFLAGS (SDM 3A §2.3). */
#define EFLAGS_TF	 (1u << 8) /* trap: #DB after each instruction */
#define EFLAGS_IF	 (1u << 9) /* interrupts enabled */
#define EFLAGS_RESERVED1 (1u << 1) /* always 1 */

/* CR0 (SDM 3A §2.5). */
#define CR0_PE (1u << 0)  /* protected mode */
#define CR0_TS (1u << 3)  /* task switched: the next x87 instruction #NM */
#define CR0_WP (1u << 16) /* supervisor writes honour read-only pages */
#define CR0_PG (1u << 31) /* paging */

/* Page-directory and page-table entry bits (SDM 3A §4.3, table 4-5/4-6). */
#define PTE_PRESENT	 (1u << 0)
#define PTE_WRITABLE	 (1u << 1)
#define PTE_USER	 (1u << 2)
#define PTE_WRITETHROUGH (1u << 3)
#define PTE_NOCACHE	 (1u << 4)
#define PTE_ACCESSED	 (1u << 5)
#define PTE_DIRTY	 (1u << 6)
#define PTE_GLOBAL	 (1u << 8)
#define PTE_FRAME_MASK	 0xFFFFF000u

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* A write to an unused port: about 1 µs, for the 8259's slow settling. */
#define IO_WAIT_PORT 0x80
static inline void io_wait(void)
{
	outb(IO_WAIT_PORT, 0);
}

static inline void cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void sti(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void hlt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

/* Enable interrupts and halt in one step: no wake-up can slip between. */
static inline void sti_hlt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

static inline uint32_t read_eflags(void)
{
	uint32_t f;
	__asm__ volatile("pushfl; popl %0" : "=r"(f));
	return f;
}

/* Disable interrupts and return whether they were on (for irq_restore). */
static inline bool irq_save(void)
{
	bool on = (read_eflags() & EFLAGS_IF) != 0;
	cli();
	return on;
}

static inline void irq_restore(bool on)
{
	if (on)
		sti();
}

static inline bool irq_enabled(void)
{
	return (read_eflags() & EFLAGS_IF) != 0;
}

#define X86_CR(n)                                                              \
	static inline uint32_t read_cr##n(void)                                \
	{                                                                      \
		uint32_t v;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));              \
		return v;                                                      \
	}
X86_CR(0)
X86_CR(2)
X86_CR(3)
X86_CR(4)
#undef X86_CR

static inline void write_cr0(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void write_cr3(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint32_t read_ebp(void)
{
	uint32_t v;
	__asm__ volatile("mov %%ebp, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_esp(void)
{
	uint32_t v;
	__asm__ volatile("mov %%esp, %0" : "=r"(v));
	return v;
}

/* Time-stamp counter; under `qemu -icount shift=0` it counts instructions. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

struct __attribute__((packed)) x86_dtr {
	uint16_t limit;
	uint32_t base;
};

static inline void lgdt(const struct x86_dtr *d)
{
	__asm__ volatile("lgdt (%0)" : : "r"(d) : "memory");
}

static inline void lidt(const struct x86_dtr *d)
{
	__asm__ volatile("lidt (%0)" : : "r"(d) : "memory");
}

static inline void ltr(uint16_t sel)
{
	__asm__ volatile("ltr %0" : : "r"(sel));
}

/* Stop this CPU for good: interrupts off, halt, and halt again on NMI. */
/*
 * The calling convention of the functions on every interrupt's path (trap
 * handlers, IRQ handlers, tick hooks, the trap-exit hook): the first three
 * arguments in EAX, EDX and ECX instead of on the stack, which saves the
 * pushes and the stack clean-up of each of the five calls a timer tick
 * makes.  Only these: the C library helpers (64-bit division) expect the
 * stack convention, so it cannot be the kernel's default.
 */
#define TRAP_CALL __attribute__((regparm(3)))

static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
