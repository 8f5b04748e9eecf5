/*
 * gdt — the Global Descriptor Table and the Task State Segments.
 *
 * keel uses a flat memory model: every code and data segment spans 0..4 GiB,
 * so segmentation does nothing but carry the privilege level (ring 0 for the
 * kernel, ring 3 for user code).  Paging does the protecting.
 *
 * Two TSSs: the main one, whose esp0 tells the CPU which kernel stack to use
 * when an interrupt arrives from ring 3 (sched/ keeps it equal to the running
 * task's stack top), and the double-fault TSS, reached through a task gate
 * so that a #DF runs on a stack of its own even when the kernel stack has
 * overflowed into its guard page (the reason a plain interrupt gate would
 * turn that double fault into a triple fault and a reboot).
 */
#ifndef KEEL_ARCH_GDT_H
#define KEEL_ARCH_GDT_H

#include <stdbool.h>
#include <stdint.h>

/* Selectors: index * 8 | table indicator (0 = GDT) | requested ring. */
#define SEL_NULL   0x00
#define SEL_KCODE  0x08 /* boot/defs.inc KERNEL_CS */
#define SEL_KDATA  0x10 /* boot/defs.inc KERNEL_DS */
#define SEL_UCODE  (0x18 | 3)
#define SEL_UDATA  (0x20 | 3)
#define SEL_TSS	   0x28
#define SEL_DF_TSS 0x30
/* The thread-local-storage segment of the running process: set_thread_area
 * writes it, the switch reloads it per task (musl loads %gs with it). */
#define GDT_TLS_INDEX 7
#define SEL_TLS	      ((GDT_TLS_INDEX << 3) | 3)
#define GDT_ENTRIES   8

/* The 32-bit TSS (SDM 3A §7.2.1, figure 7-2). */
struct __attribute__((packed)) tss {
	uint32_t link;
	uint32_t esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs;
	uint32_t ldt;
	uint16_t trap, iomap_base;
};
_Static_assert(sizeof(struct tss) == 104, "TSS layout (SDM 3A figure 7-2)");

void gdt_init(void);
/* Where the double-fault task starts (idt_init passes the trap path's
 * trap_double_fault_task, so the GDT need not know the trap code). */
void gdt_set_double_fault_entry(void (*entry)(void));
/* Reload CS and the data segment registers (arch/trap_entry.asm). */
void gdt_reload_segments(uint32_t code_sel, uint32_t data_sel);
/* The main TSS (gdt.c owns it; only the inline below writes it). */
extern struct tss gdt_tss;
/* The kernel stack the CPU switches to on a trap from ring 3.  Inline: it
 * is on every context switch's path. */
static inline void gdt_set_kernel_stack(uint32_t esp0)
{
	gdt_tss.esp0 = esp0;
}
/*
 * The TLS descriptor, as the 8 raw bytes of a GDT entry (0: none, so a
 * load of SEL_TLS faults).  gdt_tls_encode builds one from what Linux's
 * set_thread_area takes: a base, a limit, and the limit in pages or bytes.
 * gdt_tls_loaded is what the GDT slot holds now: the switch compares
 * before it writes.
 */
extern uint64_t gdt_tls_loaded;
uint64_t gdt_tls_encode(uint32_t base, uint32_t limit, bool pages,
			bool present);
void gdt_tls_write(uint64_t desc);
static inline void gdt_set_tls(uint64_t desc)
{
	if (desc != gdt_tls_loaded)
		gdt_tls_write(desc);
}
/* The double-fault task's address space: the kernel's final directory. */
void gdt_set_double_fault_cr3(uint32_t cr3);
/* The main TSS: after a double fault it holds the interrupted state. */
const struct tss *gdt_main_tss(void);

#endif
