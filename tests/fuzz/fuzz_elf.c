/*
 * Fuzz target: lib/elf, the ELF32 checker for execve.
 *
 * The input is the file itself (an exact-size buffer: any read past it is
 * an AddressSanitizer report).  The check runs for the kernel's user space
 * [0x1000, 0xC0000000).  Checked:
 *   - the result is ELF_OK or a known negative code, with a message that
 *     starts with the code's description;
 *   - an accepted file, re-read from its raw bytes here: \x7fELF, class 1,
 *     little-endian, version 1, ET_EXEC, EM_386, e_phentsize 32, no
 *     PT_INTERP, and the program-header table inside the file;
 *   - every segment it returns: 1 to ELF_MAX_LOADS of them, filesz <=
 *     memsz, file bytes inside the file, [vaddr, vaddr + memsz) inside user
 *     space with no wrap, no two sharing a byte; lo and hi the span; the
 *     entry inside a segment with PF_X; AT_PHDR either 0 or inside a
 *     segment that maps the table's file bytes at that address.
 */
#include <string.h>

#include "lib/elf.h"
#include "tests/fuzz/fuzz.h"

#define FE_LO 0x00001000u
#define FE_HI 0xC0000000u

static uint32_t fe_u32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t fe_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void fe_check_header(const uint8_t *d, size_t size)
{
	uint32_t phoff = fe_u32(d + 28);
	uint16_t phnum = fe_u16(d + 44);

	FZ_CHECK(size >= 52 && memcmp(d, "\177ELF\1\1\1", 7) == 0 &&
		     fe_u16(d + 16) == 2 && fe_u16(d + 18) == 3 &&
		     fe_u32(d + 20) == 1 && fe_u16(d + 42) == 32,
		 "accepted a bad header");
	FZ_CHECK(phnum >= 1 && (uint64_t)phoff + 32u * phnum <= size,
		 "accepted a table outside the file");
	for (uint16_t i = 0; i < phnum; i++)
		FZ_CHECK(fe_u32(d + phoff + 32u * i) != ELF_PT_INTERP,
			 "accepted PT_INTERP");
}

static void fe_check_image(const uint8_t *d, size_t size,
			   const struct elf_image *img)
{
	uint32_t lo = UINT32_MAX, hi = 0, phoff = fe_u32(d + 28);
	bool entry_ok = false, phdr_ok = img->phdr_vaddr == 0;

	FZ_CHECK(img->nsegs >= 1 && img->nsegs <= ELF_MAX_LOADS, "%u segs",
		 img->nsegs);
	for (uint32_t i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t end = (uint64_t)s->vaddr + s->memsz;

		FZ_CHECK(s->memsz > 0 && s->filesz <= s->memsz &&
			     (uint64_t)s->offset + s->filesz <= size,
			 "segment %u sizes", i);
		FZ_CHECK(s->vaddr >= FE_LO && end <= FE_HI,
			 "segment %u at 0x%x + 0x%x", i, s->vaddr, s->memsz);
		FZ_CHECK(!(s->flags & ~7u), "flags 0x%x", s->flags);
		for (uint32_t j = 0; j < i; j++)
			FZ_CHECK(end <= img->seg[j].vaddr ||
				     (uint64_t)img->seg[j].vaddr +
					     img->seg[j].memsz <=
					 s->vaddr,
				 "segments %u and %u overlap", j, i);
		entry_ok |= (s->flags & ELF_PF_X) && img->entry >= s->vaddr &&
			    img->entry < end;
		phdr_ok |= phoff >= s->offset &&
			   (uint64_t)phoff + 32u * img->phnum <=
			       (uint64_t)s->offset + s->filesz &&
			   img->phdr_vaddr == s->vaddr + (phoff - s->offset);
		lo = s->vaddr < lo ? s->vaddr : lo;
		hi = (uint32_t)end > hi ? (uint32_t)end : hi;
	}
	FZ_CHECK(entry_ok, "entry 0x%x", img->entry);
	FZ_CHECK(phdr_ok, "AT_PHDR 0x%x", img->phdr_vaddr);
	FZ_CHECK(img->lo == lo && img->hi == hi, "span");
	FZ_CHECK(img->phnum == fe_u16(d + 44), "AT_PHNUM");
}

static int fuzz_elf(const uint8_t *data, size_t size)
{
	struct elf_image img;
	char msg[200];
	int r = elf_check(data, size, FE_LO, FE_HI, &img, msg, sizeof msg);

	FZ_CHECK(r <= 0 && r > -ELF_E_COUNT, "result %d", r);
	if (r != ELF_OK) {
		FZ_CHECK(
		    strncmp(msg, elf_strerror(r), strlen(elf_strerror(r))) == 0,
		    "message \"%s\" for %d", msg, r);
		return 0;
	}
	fe_check_header(data, size);
	fe_check_image(data, size, &img);
	return 0;
}

FUZZ_ENTRY(elf, fuzz_elf)
