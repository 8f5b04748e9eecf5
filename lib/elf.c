/*
 * elf: the ELF32 executable checker (see elf.h for what it accepts).
 *
 * Two passes over the program headers: the first checks each header on its
 * own and collects the PT_LOADs, the second checks them against each other
 * (overlap), against the entry point and against PT_PHDR.  Every sum of a
 * 32-bit address and a size is done in 64 bits, so "past the end" and
 * "wraps past 4 GiB" are told apart and neither can be missed.
 */
#include "lib/elf.h"

#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/string.h"

_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 file header layout");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header layout");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "elf.c copies little-endian fields as they are");

#define FOUR_GIB (1ull << 32)

static const char *const elf_errors[ELF_E_COUNT] = {
    [ELF_OK] = "valid",
    [ELF_E_TRUNCATED] = "truncated",
    [ELF_E_MAGIC] = "not an ELF file",
    [ELF_E_CLASS] = "not a 32-bit ELF file",
    [ELF_E_DATA] = "not little-endian",
    [ELF_E_VERSION] = "unknown ELF version",
    [ELF_E_TYPE] = "not an executable",
    [ELF_E_DYN] = "position-independent (ET_DYN)",
    [ELF_E_MACHINE] = "not for i386",
    [ELF_E_PHENTSIZE] = "bad program header size",
    [ELF_E_PHNUM] = "bad program header count",
    [ELF_E_PHOFF] = "program headers outside the file",
    [ELF_E_INTERP] = "dynamically linked (PT_INTERP)",
    [ELF_E_FILESZ] = "segment file size above its memory size",
    [ELF_E_OFFSET] = "segment data outside the file",
    [ELF_E_WRAP] = "segment wraps past 4 GiB",
    [ELF_E_RANGE] = "segment outside user space",
    [ELF_E_ALIGN] = "bad segment alignment",
    [ELF_E_OVERLAP] = "overlapping segments",
    [ELF_E_TOO_MANY] = "too many segments",
    [ELF_E_NO_LOAD] = "no loadable segment",
    [ELF_E_ENTRY] = "entry point not in an executable segment",
    [ELF_E_PHDR] = "PT_PHDR does not match the loaded table",
};

const char *elf_strerror(int err)
{
	if (err < 0)
		err = -err;
	return err < ELF_E_COUNT ? elf_errors[err] : "unknown error";
}

/* Writes "<what>: <details>" and returns -err. */
__attribute__((format(printf, 4, 5))) static int
fail(char *msg, size_t len, enum elf_error err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (msg && len) {
		n = fmt_snprintf(msg, len, "%s: ", elf_strerror(err));
		if (n >= 0 && (size_t)n < len) {
			va_start(ap, fmt);
			fmt_vsnprintf(msg + n, len - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -(int)err;
}

static int check_header(const struct elf32_ehdr *h, size_t size, char *msg,
			size_t len)
{
	uint64_t table_end;

	if (memcmp(h->e_ident, "\177ELF", 4) != 0)
		return fail(msg, len, ELF_E_MAGIC,
			    "the first bytes are not "
			    "7f 45 4c 46");
	if (h->e_ident[ELF_EI_CLASS] != ELF_CLASS32)
		return fail(msg, len, ELF_E_CLASS, "EI_CLASS is %u, not 1",
			    h->e_ident[ELF_EI_CLASS]);
	if (h->e_ident[ELF_EI_DATA] != ELF_DATA2LSB)
		return fail(msg, len, ELF_E_DATA, "EI_DATA is %u, not 1",
			    h->e_ident[ELF_EI_DATA]);
	if (h->e_ident[ELF_EI_VERSION] != ELF_EV_CURRENT ||
	    h->e_version != ELF_EV_CURRENT)
		return fail(msg, len, ELF_E_VERSION,
			    "EI_VERSION %u, e_version %u", h->e_ident[6],
			    (unsigned)h->e_version);
	if (h->e_type == ELF_ET_DYN)
		return fail(msg, len, ELF_E_DYN,
			    "e_type 3: link it static and not PIE "
			    "(-static -no-pie)");
	if (h->e_type != ELF_ET_EXEC)
		return fail(msg, len, ELF_E_TYPE, "e_type is %u, not 2",
			    h->e_type);
	if (h->e_machine != ELF_EM_386)
		return fail(msg, len, ELF_E_MACHINE, "e_machine is %u, not 3",
			    h->e_machine);
	if (h->e_phentsize != sizeof(struct elf32_phdr))
		return fail(msg, len, ELF_E_PHENTSIZE,
			    "e_phentsize is %u, not 32", h->e_phentsize);
	if (h->e_phnum == 0 || h->e_phnum > ELF_MAX_PHDRS)
		return fail(msg, len, ELF_E_PHNUM,
			    "e_phnum is %u, expected 1 to %d", h->e_phnum,
			    ELF_MAX_PHDRS);
	table_end = (uint64_t)h->e_phoff + (uint64_t)h->e_phnum * 32u;
	if (table_end > size)
		return fail(msg, len, ELF_E_PHOFF,
			    "e_phoff 0x%x + %u headers ends at 0x%llx, the "
			    "file has 0x%zx bytes",
			    (unsigned)h->e_phoff, h->e_phnum,
			    (unsigned long long)table_end, size);
	return ELF_OK;
}

static bool is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/* One PT_LOAD on its own. */
static int check_load(const struct elf32_phdr *p, unsigned i, size_t size,
		      uint32_t lo, uint32_t hi, char *msg, size_t len)
{
	uint64_t fend = (uint64_t)p->p_offset + p->p_filesz;
	uint64_t vend = (uint64_t)p->p_vaddr + p->p_memsz;

	if (p->p_filesz > p->p_memsz)
		return fail(msg, len, ELF_E_FILESZ,
			    "program header %u: p_filesz 0x%x > p_memsz 0x%x",
			    i, (unsigned)p->p_filesz, (unsigned)p->p_memsz);
	if (fend > size)
		return fail(msg, len, ELF_E_OFFSET,
			    "program header %u: p_offset 0x%x + p_filesz "
			    "0x%x ends past the file's 0x%zx bytes",
			    i, (unsigned)p->p_offset, (unsigned)p->p_filesz,
			    size);
	if (vend > FOUR_GIB)
		return fail(msg, len, ELF_E_WRAP,
			    "program header %u: p_vaddr 0x%x + p_memsz 0x%x", i,
			    (unsigned)p->p_vaddr, (unsigned)p->p_memsz);
	if (p->p_vaddr < lo || vend > hi)
		return fail(msg, len, ELF_E_RANGE,
			    "program header %u: p_vaddr 0x%x + p_memsz 0x%x "
			    "is outside user space [0x%x, 0x%x)",
			    i, (unsigned)p->p_vaddr, (unsigned)p->p_memsz,
			    (unsigned)lo, (unsigned)hi);
	if (p->p_align > 1 && (!is_pow2(p->p_align) ||
			       (p->p_vaddr - p->p_offset) & (p->p_align - 1)))
		return fail(msg, len, ELF_E_ALIGN,
			    "program header %u: p_align 0x%x with p_vaddr "
			    "0x%x and p_offset 0x%x",
			    i, (unsigned)p->p_align, (unsigned)p->p_vaddr,
			    (unsigned)p->p_offset);
	return ELF_OK;
}

/* The header at index i, copied out of the file (no alignment assumed). */
static void read_phdr(const uint8_t *file, const struct elf32_ehdr *h,
		      unsigned i, struct elf32_phdr *p)
{
	memcpy(p, file + h->e_phoff + (size_t)i * sizeof *p, sizeof *p);
}

/* Pass 1: each header alone; the PT_LOADs go to out->seg. */
static int scan_phdrs(const uint8_t *file, size_t size,
		      const struct elf32_ehdr *h, uint32_t lo, uint32_t hi,
		      struct elf_image *out, char *msg, size_t len)
{
	struct elf32_phdr p;
	int err;

	for (unsigned i = 0; i < h->e_phnum; i++) {
		read_phdr(file, h, i, &p);
		if (p.p_type == ELF_PT_INTERP)
			return fail(msg, len, ELF_E_INTERP,
				    "program header %u asks for an "
				    "interpreter; keel runs static programs "
				    "only (-static)",
				    i);
		if (p.p_type == ELF_PT_GNU_STACK)
			out->exec_stack = (p.p_flags & ELF_PF_X) != 0;
		if (p.p_type != ELF_PT_LOAD || p.p_memsz == 0)
			continue;
		err = check_load(&p, i, size, lo, hi, msg, len);
		if (err)
			return err;
		if (out->nsegs == ELF_MAX_LOADS)
			return fail(msg, len, ELF_E_TOO_MANY,
				    "more than %d PT_LOAD segments",
				    ELF_MAX_LOADS);
		out->seg[out->nsegs++] = (struct elf_segment){
		    p.p_vaddr, p.p_memsz, p.p_filesz, p.p_offset,
		    p.p_flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X)};
	}
	if (out->nsegs == 0)
		return fail(msg, len, ELF_E_NO_LOAD, "no PT_LOAD with memory");
	return ELF_OK;
}

static bool inside(const struct elf_segment *s, uint32_t addr)
{
	return addr >= s->vaddr &&
	       (uint64_t)addr < (uint64_t)s->vaddr + s->memsz;
}

/* Pass 2: the segments together, the entry point, the span. */
static int check_layout(struct elf_image *out, char *msg, size_t len)
{
	bool entry_ok = false;

	out->lo = UINT32_MAX;
	out->hi = 0;
	for (uint32_t a = 0; a < out->nsegs; a++) {
		const struct elf_segment *s = &out->seg[a];
		uint32_t end = s->vaddr + s->memsz; /* no wrap: checked */

		for (uint32_t b = a + 1; b < out->nsegs; b++) {
			const struct elf_segment *t = &out->seg[b];

			if (s->vaddr < t->vaddr + t->memsz && t->vaddr < end)
				return fail(msg, len, ELF_E_OVERLAP,
					    "PT_LOAD [0x%x, 0x%x) and "
					    "[0x%x, 0x%x)",
					    (unsigned)s->vaddr, (unsigned)end,
					    (unsigned)t->vaddr,
					    (unsigned)(t->vaddr + t->memsz));
		}
		if ((s->flags & ELF_PF_X) && inside(s, out->entry))
			entry_ok = true;
		out->lo = s->vaddr < out->lo ? s->vaddr : out->lo;
		out->hi = end > out->hi ? end : out->hi;
	}
	if (!entry_ok)
		return fail(msg, len, ELF_E_ENTRY,
			    "e_entry 0x%x is in no PT_LOAD with PF_X",
			    (unsigned)out->entry);
	return ELF_OK;
}

/*
 * AT_PHDR: where the PT_LOAD holding the table's file bytes maps it; a
 * PT_PHDR must say the same.
 */
static int find_phdr(const uint8_t *file, const struct elf32_ehdr *h,
		     struct elf_image *out, char *msg, size_t len)
{
	uint64_t tend = (uint64_t)h->e_phoff + (uint64_t)h->e_phnum * 32u;
	struct elf32_phdr p;

	out->phdr_vaddr = 0;
	for (uint32_t i = 0; i < out->nsegs; i++) {
		const struct elf_segment *s = &out->seg[i];

		if (h->e_phoff >= s->offset &&
		    tend <= (uint64_t)s->offset + s->filesz) {
			out->phdr_vaddr = s->vaddr + (h->e_phoff - s->offset);
			break;
		}
	}
	for (unsigned i = 0; i < h->e_phnum; i++) {
		read_phdr(file, h, i, &p);
		if (p.p_type == ELF_PT_PHDR && p.p_vaddr != out->phdr_vaddr)
			return fail(msg, len, ELF_E_PHDR,
				    "program header %u: PT_PHDR at 0x%x, the "
				    "table is loaded at 0x%x",
				    i, (unsigned)p.p_vaddr,
				    (unsigned)out->phdr_vaddr);
	}
	return ELF_OK;
}

int elf_check(const void *file, size_t size, uint32_t user_lo, uint32_t user_hi,
	      struct elf_image *out, char *msg, size_t msglen)
{
	struct elf32_ehdr h;
	int err;

	if (msg && msglen)
		msg[0] = '\0';
	if (size < sizeof h)
		return fail(msg, msglen, ELF_E_TRUNCATED,
			    "%zu bytes, a header needs %zu", size, sizeof h);
	memcpy(&h, file, sizeof h);
	err = check_header(&h, size, msg, msglen);
	if (err)
		return err;
	out->entry = h.e_entry;
	out->phnum = h.e_phnum;
	out->nsegs = 0;
	out->exec_stack = true; /* i386 Linux: no PT_GNU_STACK, exec stack */
	err = scan_phdrs(file, size, &h, user_lo, user_hi, out, msg, msglen);
	if (!err)
		err = check_layout(out, msg, msglen);
	if (!err)
		err = find_phdr(file, &h, out, msg, msglen);
	return err;
}
