/*
 * multiboot — the structures a Multiboot 0.6.96 loader hands over
 * (specification section 3.3).  Only what keel reads is named.
 */
#ifndef KEEL_ARCH_MULTIBOOT_H
#define KEEL_ARCH_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u

/* multiboot_info.flags: which fields are valid. */
#define MBI_FLAG_MEM	 (1u << 0) /* mem_lower, mem_upper */
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS	 (1u << 3)
#define MBI_FLAG_MMAP	 (1u << 6)

struct __attribute__((packed)) multiboot_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB of RAM from 0 */
	uint32_t mem_upper; /* KiB of RAM from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline; /* physical address of a C string */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length; /* bytes */
	uint32_t mmap_addr;
};

/* A memory-map entry: `size` counts the bytes after itself. */
struct __attribute__((packed)) multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
};

struct __attribute__((packed)) multiboot_module {
	uint32_t mod_start, mod_end;
	uint32_t string;
	uint32_t reserved;
};

_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "mmap entry");
_Static_assert(sizeof(struct multiboot_module) == 16, "module entry");

#endif
