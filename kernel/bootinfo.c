/*
 * bootinfo — copy the multiboot information (see bootinfo.h).
 */
#include "kernel/bootinfo.h"

#include "arch/layout.h"
#include "arch/multiboot.h"
#include "kernel/console.h"
#include "lib/string.h"

struct bootinfo bootinfo;

/* Whether [pa, pa + len) can be read through the boot mapping. */
static bool reachable(uint32_t pa, uint32_t len)
{
	return pa != 0 && pa < BOOT_MAPPED_BYTES &&
	       len <= BOOT_MAPPED_BYTES - pa;
}

static void add_range(uint32_t start, uint32_t len)
{
	if (bootinfo.nranges < BOOTINFO_RANGES_MAX && len > 0) {
		bootinfo.ranges[bootinfo.nranges].start = start;
		bootinfo.ranges[bootinfo.nranges].end = start + len;
		bootinfo.nranges++;
	}
}

static void copy_cmdline(const struct multiboot_info *mbi)
{
	const char *src;
	if (!(mbi->flags & MBI_FLAG_CMDLINE))
		return;
	if (!reachable(mbi->cmdline, 1)) {
		kprintf(
		    "bootinfo: command line at 0x%x is out of reach; ignored\n",
		    mbi->cmdline);
		return;
	}
	src = KVIRT(mbi->cmdline);
	size_t n = strnlen(src, BOOT_MAPPED_BYTES - mbi->cmdline);
	if (n >= BOOTINFO_CMDLINE_MAX)
		kprintf("bootinfo: command line longer than %u bytes; cut\n",
			BOOTINFO_CMDLINE_MAX - 1);
	strlcpy(bootinfo.cmdline, src, sizeof(bootinfo.cmdline));
	add_range(mbi->cmdline, (uint32_t)n + 1);
}

/* Walk the map by each entry's own size field, as the spec requires. */
static void copy_mmap(const struct multiboot_info *mbi)
{
	uint32_t off = 0;
	if (!(mbi->flags & MBI_FLAG_MMAP))
		return;
	if (!reachable(mbi->mmap_addr, mbi->mmap_length)) {
		kprintf("bootinfo: memory map at 0x%x (%u bytes) is out of "
			"reach; ignored\n",
			mbi->mmap_addr, mbi->mmap_length);
		return;
	}
	bootinfo.has_mmap = true;
	add_range(mbi->mmap_addr, mbi->mmap_length);
	while (off + sizeof(struct multiboot_mmap_entry) <= mbi->mmap_length) {
		const struct multiboot_mmap_entry *e =
		    KVIRT(mbi->mmap_addr + off);
		if (bootinfo.mmap_count == BOOTINFO_MMAP_MAX) {
			bootinfo.mmap_truncated = true;
			break;
		}
		bootinfo.mmap[bootinfo.mmap_count].base = e->addr;
		bootinfo.mmap[bootinfo.mmap_count].len = e->len;
		bootinfo.mmap[bootinfo.mmap_count].type = e->type;
		bootinfo.mmap_count++;
		off += e->size + sizeof(e->size);
	}
}

static void note_modules(const struct multiboot_info *mbi)
{
	const struct multiboot_module *m;
	if (!(mbi->flags & MBI_FLAG_MODS) || mbi->mods_count == 0)
		return;
	if (!reachable(mbi->mods_addr, mbi->mods_count * sizeof(*m)))
		return;
	add_range(mbi->mods_addr, mbi->mods_count * sizeof(*m));
	m = KVIRT(mbi->mods_addr);
	for (uint32_t i = 0; i < mbi->mods_count; i++)
		if (m[i].mod_end > m[i].mod_start)
			add_range(m[i].mod_start,
				  m[i].mod_end - m[i].mod_start);
	if (m[0].mod_end >= m[0].mod_start) {
		bootinfo.has_module = true;
		bootinfo.module.start = m[0].mod_start;
		bootinfo.module.end = m[0].mod_end;
	}
}

void bootinfo_init(uint32_t magic, uint32_t mbi_phys)
{
	const struct multiboot_info *mbi;
	if (magic != MULTIBOOT_BOOT_MAGIC ||
	    !reachable(mbi_phys, sizeof(*mbi))) {
		kprintf("bootinfo: no usable multiboot information at 0x%x\n",
			mbi_phys);
		return;
	}
	mbi = KVIRT(mbi_phys);
	add_range(mbi_phys, sizeof(*mbi));
	if (mbi->flags & MBI_FLAG_MEM) {
		bootinfo.has_mem = true;
		bootinfo.mem_lower_kib = mbi->mem_lower;
		bootinfo.mem_upper_kib = mbi->mem_upper;
	}
	copy_cmdline(mbi);
	copy_mmap(mbi);
	note_modules(mbi);
}
