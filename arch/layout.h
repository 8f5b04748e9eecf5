/*
 * The kernel's place in memory: the constants shared by boot/entry.asm's
 * boot page tables, linker.ld and the C code, and the symbols linker.ld
 * defines.
 *
 * Guarantees: the kernel image is linked at KERNEL_VMA + 1 MiB and loaded at
 * physical 1 MiB; physical address p below the end of the boot mapping is
 * reachable at p + KERNEL_VMA (the "direct window" of BOOT_MAPPED_BYTES,
 * which paging later keeps for the kernel image and the first MiB only).
 */
#ifndef KEEL_ARCH_LAYOUT_H
#define KEEL_ARCH_LAYOUT_H

#include <stdint.h>

#define KERNEL_VMA  0xC0000000u
#define KERNEL_LOAD 0x00100000u
#define PAGE_SIZE   4096u
#define PAGE_SHIFT  12

/* Virtual <-> physical for the kernel image and the low direct window. */
#define KVIRT(pa) ((void *)((uintptr_t)(pa) + KERNEL_VMA))
#define KPHYS(va) ((uintptr_t)(va)-KERNEL_VMA)

#define PAGE_ALIGN_UP(x)   (((x) + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1))
#define PAGE_ALIGN_DOWN(x) ((x) & ~(uintptr_t)(PAGE_SIZE - 1))

/* Symbols from linker.ld: use their addresses, never their values. */
extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __bss_end[];

/* The boot stack and its guard page (boot/entry.asm). */
extern char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[];
/* Every kernel stack: 16 KiB, with an unmapped guard page below it. */
#define KSTACK_SIZE 16384u
/*
 * The user half of every process's address space (proc/):
 *
 *   0x00000000 - 0x0000FFFF   never mapped (NULL and small offsets fault)
 *   USER_LO (0x00010000) ...  the program's ELF segments (musl's static
 *                             programs load at 0x08048000), then the brk
 *                             heap growing up
 *   ... USER_MMAP_TOP         mmap areas, placed top-down below here
 *   USER_STACK_TOP - 8 MiB    the stack's lowest page, with an unmapped
 *                             guard page below it
 *   USER_STACK_TOP            0xC0000000: the kernel half begins
 */
#define USER_LO		0x00010000u
#define USER_HI		KERNEL_VMA
#define USER_STACK_TOP	KERNEL_VMA
#define USER_STACK_SIZE (8u << 20)
#define USER_MMAP_TOP	(USER_STACK_TOP - USER_STACK_SIZE - 0x00100000u)
/* Size of the boot mapping made by boot/entry.asm (identity and high). */
#define BOOT_MAPPED_BYTES (8u << 20)

#endif
