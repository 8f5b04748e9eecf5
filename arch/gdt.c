/*
 * gdt — builds the GDT and both TSSs, and loads them (see gdt.h for why).
 */
#include "arch/gdt.h"

#include "arch/layout.h"
#include "arch/x86.h"
#include "lib/string.h"

/* Descriptor access byte (SDM 3A §3.4.5): present, ring, type. */
#define DESC_PRESENT	 0x80
#define DESC_RING(r)	 ((r) << 5)
#define DESC_CODEDATA	 0x10 /* S = 1: code or data, not a system segment */
#define DESC_CODE_READ	 0x0A /* execute/read */
#define DESC_DATA_WRITE	 0x02 /* read/write */
#define DESC_TSS32_AVAIL 0x09
/* Flags nibble: 4 KiB granularity, 32-bit default operand size. */
#define DESC_FLAGS_4K_32 0xC
#define DESC_FLAGS_BYTE	 0x0

struct __attribute__((packed)) gdt_desc {
	uint16_t limit_lo;
	uint16_t base_lo;
	uint8_t base_mid;
	uint8_t access;
	uint8_t limit_hi_flags;
	uint8_t base_hi;
};
_Static_assert(sizeof(struct gdt_desc) == 8, "GDT descriptor layout");

static struct gdt_desc gdt[GDT_ENTRIES] __attribute__((aligned(8)));
struct tss gdt_tss;
static struct tss df_tss;
static uint8_t df_stack[KSTACK_SIZE] __attribute__((aligned(16)));

static void gdt_set(int i, uint32_t base, uint32_t limit, uint8_t access,
		    uint8_t flags)
{
	gdt[i].limit_lo = limit & 0xFFFF;
	gdt[i].base_lo = base & 0xFFFF;
	gdt[i].base_mid = (base >> 16) & 0xFF;
	gdt[i].access = access;
	gdt[i].limit_hi_flags = ((limit >> 16) & 0x0F) | (flags << 4);
	gdt[i].base_hi = (base >> 24) & 0xFF;
}

static void gdt_set_tss(int i, struct tss *t)
{
	gdt_set(i, (uint32_t)t, sizeof(*t) - 1, DESC_PRESENT | DESC_TSS32_AVAIL,
		DESC_FLAGS_BYTE);
}

/* The double-fault task starts with its own stack and the kernel's address
 * space and segments, at the entry the trap path gives it
 * (gdt_set_double_fault_entry). */
static void df_tss_init(void)
{
	df_tss.esp0 = df_tss.esp = (uint32_t)(df_stack + sizeof(df_stack));
	df_tss.ss0 = df_tss.ss = df_tss.ds = df_tss.es = SEL_KDATA;
	df_tss.fs = df_tss.gs = SEL_KDATA;
	df_tss.cs = SEL_KCODE;
	df_tss.eflags = EFLAGS_RESERVED1;
	df_tss.cr3 = read_cr3();
	df_tss.iomap_base = sizeof(struct tss);
}

void gdt_set_double_fault_entry(void (*entry)(void))
{
	df_tss.eip = (uint32_t)entry;
}

void gdt_init(void)
{
	const uint8_t code = DESC_PRESENT | DESC_CODEDATA | DESC_CODE_READ;
	const uint8_t data = DESC_PRESENT | DESC_CODEDATA | DESC_DATA_WRITE;
	struct x86_dtr d = {sizeof(gdt) - 1, (uint32_t)gdt};

	gdt_set(0, 0, 0, 0, 0);
	gdt_set(SEL_KCODE >> 3, 0, 0xFFFFF, code | DESC_RING(0),
		DESC_FLAGS_4K_32);
	gdt_set(SEL_KDATA >> 3, 0, 0xFFFFF, data | DESC_RING(0),
		DESC_FLAGS_4K_32);
	gdt_set(SEL_UCODE >> 3, 0, 0xFFFFF, code | DESC_RING(3),
		DESC_FLAGS_4K_32);
	gdt_set(SEL_UDATA >> 3, 0, 0xFFFFF, data | DESC_RING(3),
		DESC_FLAGS_4K_32);
	gdt_tss.ss0 = SEL_KDATA;
	gdt_tss.esp0 = (uint32_t)boot_stack_top;
	gdt_tss.iomap_base = sizeof(struct tss); /* no I/O bitmap */
	gdt_set_tss(SEL_TSS >> 3, &gdt_tss);
	df_tss_init();
	gdt_set_tss(SEL_DF_TSS >> 3, &df_tss);
	lgdt(&d);
	gdt_reload_segments(SEL_KCODE, SEL_KDATA);
	ltr(SEL_TSS);
}

uint64_t gdt_tls_loaded;

uint64_t gdt_tls_encode(uint32_t base, uint32_t limit, bool pages, bool present)
{
	struct gdt_desc d;
	uint64_t raw;
	uint8_t access = DESC_CODEDATA | DESC_DATA_WRITE | DESC_RING(3);
	d.limit_lo = limit & 0xFFFF;
	d.base_lo = base & 0xFFFF;
	d.base_mid = (base >> 16) & 0xFF;
	d.access = access | (present ? DESC_PRESENT : 0);
	d.limit_hi_flags =
	    ((limit >> 16) & 0x0F) | ((pages ? DESC_FLAGS_4K_32 : 0x4) << 4);
	d.base_hi = (base >> 24) & 0xFF;
	memcpy(&raw, &d, sizeof(raw));
	return raw;
}

void gdt_tls_write(uint64_t desc)
{
	memcpy(&gdt[GDT_TLS_INDEX], &desc, sizeof(desc));
	gdt_tls_loaded = desc;
}

void gdt_set_double_fault_cr3(uint32_t cr3)
{
	df_tss.cr3 = cr3;
}

const struct tss *gdt_main_tss(void)
{
	return &gdt_tss;
}
