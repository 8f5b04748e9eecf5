/*
 * bootinfo — what the boot loader told us, copied into the kernel early.
 *
 * kmain copies the command line and the memory map out of the multiboot
 * structures before anything else runs, because those structures lie in
 * memory the frame allocator will hand out.  The physical ranges they and
 * the modules occupied are kept, so mm/ can reserve them.
 *
 * Everything the loader gave is checked: a field is used only if its flag
 * says it is valid and it lies inside the boot mapping; otherwise a warning
 * is printed and the field is treated as absent.
 */
#ifndef KEEL_KERNEL_BOOTINFO_H
#define KEEL_KERNEL_BOOTINFO_H

#include <stdbool.h>
#include <stdint.h>

#define BOOTINFO_CMDLINE_MAX 512
#define BOOTINFO_MMAP_MAX    64
#define BOOTINFO_RANGES_MAX  8

struct bootinfo_mmap {
	uint64_t base, len;
	uint32_t type;
};

struct bootinfo_range {
	uint32_t start, end; /* physical, [start, end) */
};

struct bootinfo {
	char cmdline[BOOTINFO_CMDLINE_MAX];
	bool has_mem; /* mem_lower / mem_upper valid */
	uint32_t mem_lower_kib, mem_upper_kib;
	bool has_mmap;
	uint32_t mmap_count;
	bool mmap_truncated;
	struct bootinfo_mmap mmap[BOOTINFO_MMAP_MAX];
	/* Where the loader's structures and modules were (to reserve). */
	uint32_t nranges;
	struct bootinfo_range ranges[BOOTINFO_RANGES_MAX];
	/* The first Multiboot module (the initrd), if the loader gave one. */
	bool has_module;
	struct bootinfo_range module;
};

extern struct bootinfo bootinfo;

void bootinfo_init(uint32_t magic, uint32_t mbi_phys);

#endif
