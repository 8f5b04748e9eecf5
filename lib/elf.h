/*
 * elf: the ELF32 checker execve runs before it touches an address space
 * ("validate everything, then change state": a bad file leaves the caller
 * as it was).
 *
 * The structures are those of the System V ABI's ELF specification (gABI)
 * and its i386 supplement: a 52-byte file header, then e_phnum 32-byte
 * program headers at e_phoff.  elf_check() accepts exactly what keel can
 * run, a static i386 Linux executable, and says why anything else is
 * refused:
 *
 *  - the identification: \x7fELF, ELFCLASS32, ELFDATA2LSB, EV_CURRENT (in
 *    e_ident and e_version); any OS/ABI byte (Linux checks none);
 *  - e_type ET_EXEC (ET_DYN, a PIE or a shared object, has its own error)
 *    and e_machine EM_386;
 *  - e_phentsize == sizeof(struct elf32_phdr), 1 <= e_phnum <=
 *    ELF_MAX_PHDRS, and the table inside the file (sums in 64 bits: no
 *    wrap);
 *  - PT_INTERP refused (keel loads no dynamic linker: static only);
 *  - every PT_LOAD with p_memsz > 0 (empty ones are skipped, as Linux
 *    skips them): p_filesz <= p_memsz; p_offset + p_filesz inside the
 *    file; p_vaddr + p_memsz not past 4 GiB (ELF_E_WRAP) and inside
 *    [user_lo, user_hi) (ELF_E_RANGE); p_align 0, 1 or a power of two with
 *    p_vaddr == p_offset modulo p_align (the gABI's rule); no two PT_LOADs
 *    overlapping by a byte (they may share a page: the loader gives such a
 *    page the union of their permissions); at most ELF_MAX_LOADS of them,
 *    and at least one;
 *  - e_entry inside a PT_LOAD that has PF_X;
 *  - a PT_PHDR, if present, at the address where the table is loaded.
 *
 * What a caller gets (struct elf_image): the PT_LOAD segments in file
 * order, the entry point, the span of the image, whether PT_GNU_STACK asks
 * for an executable stack, and AT_PHDR / AT_PHNUM for the auxiliary
 * vector: AT_PHDR is the address at which the program-header table is
 * mapped (the PT_LOAD whose file bytes contain the whole table, as Linux
 * computes it), or 0 when no segment maps it (the loader may then copy the
 * table elsewhere).  AT_PHENT is sizeof(struct elf32_phdr).
 *
 * Guarantees: the check reads only file[0 .. size), never writes it, and
 * depends on no alignment of file (fields are copied out); it allocates
 * nothing and uses no globals.  On failure it returns a negative ELF_E_*
 * code and, if msg is not NULL, a one-line message naming the field, the
 * program header and the values ("program header 2: p_vaddr 0xc0000000 +
 * p_memsz 0x1000 is outside user space [0x1000, 0xc0000000)"); *out is
 * then unspecified.  Little-endian hosts only (i386 and x86-64), which a
 * compile-time check in elf.c enforces.
 */
#ifndef KEEL_LIB_ELF_H
#define KEEL_LIB_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* e_ident */
#define ELF_NIDENT     16
#define ELF_EI_CLASS   4
#define ELF_EI_DATA    5
#define ELF_EI_VERSION 6
#define ELF_CLASS32    1
#define ELF_DATA2LSB   1
#define ELF_EV_CURRENT 1
/* e_type, e_machine */
#define ELF_ET_EXEC 2
#define ELF_ET_DYN  3
#define ELF_EM_386  3
/* p_type */
#define ELF_PT_NULL	 0
#define ELF_PT_LOAD	 1
#define ELF_PT_DYNAMIC	 2
#define ELF_PT_INTERP	 3
#define ELF_PT_NOTE	 4
#define ELF_PT_PHDR	 6
#define ELF_PT_TLS	 7
#define ELF_PT_GNU_STACK 0x6474e551u
/* p_flags */
#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

/* The limits keel sets (not the format's). */
#define ELF_MAX_PHDRS 64 /* program headers; a static program has < 12 */
#define ELF_MAX_LOADS 16 /* PT_LOAD segments kept */

/* The file header, as laid out in the file (52 bytes). */
struct elf32_ehdr {
	uint8_t e_ident[ELF_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint32_t e_entry;
	uint32_t e_phoff;
	uint32_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

/* A program header (32 bytes). */
struct elf32_phdr {
	uint32_t p_type;
	uint32_t p_offset;
	uint32_t p_vaddr;
	uint32_t p_paddr;
	uint32_t p_filesz;
	uint32_t p_memsz;
	uint32_t p_flags;
	uint32_t p_align;
};

/* Results: 0, or one of these, negated. */
enum elf_error {
	ELF_OK = 0,
	ELF_E_TRUNCATED, /* shorter than the header */
	ELF_E_MAGIC,	 /* not \x7fELF */
	ELF_E_CLASS,	 /* not ELFCLASS32 */
	ELF_E_DATA,	 /* not little-endian */
	ELF_E_VERSION,	 /* not EV_CURRENT */
	ELF_E_TYPE,	 /* not ET_EXEC (nor ET_DYN) */
	ELF_E_DYN,	 /* ET_DYN: a PIE or shared object */
	ELF_E_MACHINE,	 /* not EM_386 */
	ELF_E_PHENTSIZE, /* e_phentsize != 32 */
	ELF_E_PHNUM,	 /* no program headers, or too many */
	ELF_E_PHOFF,	 /* the table is not inside the file */
	ELF_E_INTERP,	 /* PT_INTERP: dynamically linked */
	ELF_E_FILESZ,	 /* p_filesz > p_memsz */
	ELF_E_OFFSET,	 /* p_offset + p_filesz past the end of the file */
	ELF_E_WRAP,	 /* p_vaddr + p_memsz past 4 GiB */
	ELF_E_RANGE,	 /* a segment outside [user_lo, user_hi) */
	ELF_E_ALIGN,	 /* p_align not a power of two, or not congruent */
	ELF_E_OVERLAP,	 /* two PT_LOADs share bytes */
	ELF_E_TOO_MANY,	 /* more than ELF_MAX_LOADS PT_LOADs */
	ELF_E_NO_LOAD,	 /* no PT_LOAD */
	ELF_E_ENTRY,	 /* e_entry not in an executable PT_LOAD */
	ELF_E_PHDR,	 /* PT_PHDR not where the table is loaded */
	ELF_E_COUNT
};

/* One PT_LOAD to map: [vaddr, vaddr + memsz), the first filesz bytes from
 * file offset `offset`, the rest zero. */
struct elf_segment {
	uint32_t vaddr;
	uint32_t memsz;
	uint32_t filesz;
	uint32_t offset;
	uint32_t flags; /* ELF_PF_R | ELF_PF_W | ELF_PF_X */
};

struct elf_image {
	uint32_t entry;
	uint32_t phdr_vaddr; /* AT_PHDR, 0 if the table is not mapped */
	uint32_t phnum;	     /* AT_PHNUM */
	uint32_t lo;	     /* lowest vaddr of any segment */
	uint32_t hi;	     /* highest vaddr + memsz: brk starts past it */
	bool exec_stack;     /* PT_GNU_STACK with PF_X (or none at all) */
	uint32_t nsegs;
	struct elf_segment seg[ELF_MAX_LOADS];
};

/*
 * Checks file[0 .. size) as an executable for user space [user_lo,
 * user_hi) (user_lo < user_hi).  ELF_OK with *out filled in, or a negative
 * ELF_E_* with a message in msg (msglen bytes, may be NULL).
 */
int elf_check(const void *file, size_t size, uint32_t user_lo, uint32_t user_hi,
	      struct elf_image *out, char *msg, size_t msglen);

/* A short description of an ELF_E_* code (either sign). */
const char *elf_strerror(int err);

#endif
