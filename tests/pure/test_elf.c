/*
 * Tests of lib/elf on crafted files, in the kernel and on the host.  Each
 * case starts from a small valid executable built in a buffer (a text
 * segment R+X holding the header and the program headers, as ld lays out a
 * static program, and a data segment R+W with a bss tail), breaks one
 * thing, and checks the error code and the message's details.
 */
#include "kernel/ktest.h"
#include "lib/elf.h"
#include "lib/string.h"

#define USER_LO	  0x00001000u
#define USER_HI	  0xC0000000u
#define TEXT_VA	  0x08048000u
#define DATA_VA	  0x0804A000u
#define FILE_SIZE 0x2100u
#define MSG_LEN	  200u

/* The image is 8 KiB: static, as are the results. */
static uint8_t file[FILE_SIZE] __attribute__((aligned(4)));
static struct elf_image img;
static char msg[MSG_LEN];

static struct elf32_ehdr *ehdr(void)
{
	return (struct elf32_ehdr *)file;
}

static struct elf32_phdr *phdr(unsigned i)
{
	return (struct elf32_phdr *)(file + sizeof(struct elf32_ehdr)) + i;
}

/*
 * Headers: 0 PT_PHDR, 1 PT_LOAD text (file 0..0x1000 at TEXT_VA, R+X),
 * 2 PT_LOAD data (file 0x2000..0x2100 at DATA_VA, memsz 0x800, R+W),
 * 3 PT_GNU_STACK (R+W).
 */
static void build(void)
{
	struct elf32_ehdr *h = ehdr();

	memset(file, 0, sizeof file);
	memcpy(h->e_ident, "\177ELF", 4);
	h->e_ident[ELF_EI_CLASS] = ELF_CLASS32;
	h->e_ident[ELF_EI_DATA] = ELF_DATA2LSB;
	h->e_ident[ELF_EI_VERSION] = ELF_EV_CURRENT;
	h->e_type = ELF_ET_EXEC;
	h->e_machine = ELF_EM_386;
	h->e_version = ELF_EV_CURRENT;
	h->e_entry = TEXT_VA + 0x200;
	h->e_phoff = sizeof *h;
	h->e_ehsize = sizeof *h;
	h->e_phentsize = sizeof(struct elf32_phdr);
	h->e_phnum = 4;
	*phdr(0) =
	    (struct elf32_phdr){ELF_PT_PHDR, 52,     TEXT_VA + 52, TEXT_VA + 52,
				4 * 32,	     4 * 32, ELF_PF_R,	   4};
	*phdr(1) = (struct elf32_phdr){
	    ELF_PT_LOAD,	 0,	TEXT_VA, TEXT_VA, 0x1000, 0x1000,
	    ELF_PF_R | ELF_PF_X, 0x1000};
	*phdr(2) = (struct elf32_phdr){
	    ELF_PT_LOAD,	 0x2000, DATA_VA, DATA_VA, 0x100, 0x800,
	    ELF_PF_R | ELF_PF_W, 0x1000};
	*phdr(3) = (struct elf32_phdr){ELF_PT_GNU_STACK,    0, 0, 0, 0, 0,
				       ELF_PF_R | ELF_PF_W, 16};
}

static int check(size_t size)
{
	return elf_check(file, size, USER_LO, USER_HI, &img, msg, sizeof msg);
}

/* The message names the details; strstr as a bool. */
static bool says(const char *what)
{
	bool ok = strstr(msg, what) != NULL;

	if (!ok)
		ktest_diag("message: %s", msg);
	return ok;
}

KTEST(elf, a_valid_static_executable)
{
	build();
	KASSERT_EQ(check(FILE_SIZE), ELF_OK);
	KEXPECT_EQ(img.entry, TEXT_VA + 0x200);
	KEXPECT_EQ(img.nsegs, 2);
	KEXPECT_EQ(img.seg[0].vaddr, TEXT_VA);
	KEXPECT_EQ(img.seg[0].flags, ELF_PF_R | ELF_PF_X);
	KEXPECT_EQ(img.seg[1].vaddr, DATA_VA);
	KEXPECT_EQ(img.seg[1].filesz, 0x100);
	KEXPECT_EQ(img.seg[1].memsz, 0x800);
	KEXPECT_EQ(img.seg[1].offset, 0x2000);
	KEXPECT_EQ(img.seg[1].flags, ELF_PF_R | ELF_PF_W);
	KEXPECT_EQ(img.phdr_vaddr, TEXT_VA + 52);
	KEXPECT_EQ(img.phnum, 4);
	KEXPECT_EQ(img.lo, TEXT_VA);
	KEXPECT_EQ(img.hi, DATA_VA + 0x800);
	KEXPECT_FALSE(img.exec_stack);
	KEXPECT_STREQ(msg, "");
}

KTEST(elf, truncated_files)
{
	build();
	KEXPECT_EQ(check(0), -ELF_E_TRUNCATED);
	KEXPECT_EQ(check(51), -ELF_E_TRUNCATED);
	KEXPECT_TRUE(says("51 bytes"));
	/* the header fits, the program headers do not */
	KEXPECT_EQ(check(52 + 3 * 32), -ELF_E_PHOFF);
	/* the headers fit, the data segment does not */
	KEXPECT_EQ(check(0x2000), -ELF_E_OFFSET);
	KEXPECT_TRUE(says("program header 2"));
}

KTEST(elf, identification)
{
	build();
	file[1] = 'e';
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_MAGIC);
	build();
	file[ELF_EI_CLASS] = 2; /* ELFCLASS64 */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_CLASS);
	build();
	file[ELF_EI_DATA] = 2; /* big-endian */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_DATA);
	build();
	ehdr()->e_version = 2;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_VERSION);
	build();
	file[7] = 3; /* ELFOSABI_LINUX: accepted, as Linux does */
	KEXPECT_EQ(check(FILE_SIZE), ELF_OK);
}

KTEST(elf, wrong_type_and_machine)
{
	build();
	ehdr()->e_type = ELF_ET_DYN;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_DYN);
	KEXPECT_TRUE(says("-static"));
	ehdr()->e_type = 1; /* ET_REL: an object file */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_TYPE);
	build();
	ehdr()->e_machine = 62; /* EM_X86_64 */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_MACHINE);
	KEXPECT_TRUE(says("62"));
}

KTEST(elf, absurd_program_header_tables)
{
	build();
	ehdr()->e_phentsize = 40;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_PHENTSIZE);
	build();
	ehdr()->e_phnum = 0;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_PHNUM);
	ehdr()->e_phnum = 0xffff; /* PN_XNUM */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_PHNUM);
	build();
	ehdr()->e_phoff = 0xfffffff0u; /* offset + size wraps in 32 bits */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_PHOFF);
}

KTEST(elf, interpreter_refused)
{
	build();
	phdr(3)->p_type = ELF_PT_INTERP;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_INTERP);
	KEXPECT_TRUE(says("program header 3"));
}

KTEST(elf, segment_in_kernel_space)
{
	build();
	phdr(2)->p_vaddr = USER_HI;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_RANGE);
	KEXPECT_TRUE(says("0xc0000000"));
	/* ends one byte into the kernel */
	build();
	phdr(2)->p_vaddr = USER_HI - 0x1000 + phdr(2)->p_offset % 0x1000;
	phdr(2)->p_memsz = 0x1001;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_RANGE);
	/* ends exactly at the top: fine */
	phdr(2)->p_memsz = 0x1000;
	KEXPECT_EQ(check(FILE_SIZE), ELF_OK);
	/* in the NULL page */
	build();
	phdr(2)->p_vaddr = 0;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_RANGE);
}

KTEST(elf, wrap_past_4gib)
{
	build();
	phdr(2)->p_vaddr = 0xfffff000u;
	phdr(2)->p_memsz = 0x2000;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_WRAP);
	build();
	phdr(1)->p_offset = 0xfffff000u; /* offset + filesz wraps */
	phdr(1)->p_align = 0;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_OFFSET);
}

KTEST(elf, filesz_above_memsz)
{
	build();
	phdr(2)->p_filesz = 0x801;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_FILESZ);
	KEXPECT_TRUE(says("0x801"));
}

KTEST(elf, alignment)
{
	build();
	phdr(2)->p_align = 0x3000; /* not a power of two */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_ALIGN);
	build();
	phdr(2)->p_vaddr = DATA_VA + 4; /* offset and vaddr not congruent */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_ALIGN);
	phdr(2)->p_align = 4; /* ...but they are modulo 4 */
	KEXPECT_EQ(check(FILE_SIZE), ELF_OK);
	phdr(2)->p_align = 0;
	KEXPECT_EQ(check(FILE_SIZE), ELF_OK);
}

KTEST(elf, overlapping_segments)
{
	build();
	phdr(2)->p_vaddr = TEXT_VA; /* on top of the text */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_OVERLAP);
	/* adjacent, sharing no byte: fine */
	build();
	phdr(2)->p_vaddr = TEXT_VA + 0x1000;
	KEXPECT_EQ(check(FILE_SIZE), ELF_OK);
	/* one byte of overlap */
	build();
	phdr(1)->p_memsz = 0x1001;
	phdr(2)->p_vaddr = TEXT_VA + 0x1000;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_OVERLAP);
}

KTEST(elf, entry_outside_an_executable_segment)
{
	build();
	ehdr()->e_entry = DATA_VA + 0x10; /* in the data: not PF_X */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_ENTRY);
	ehdr()->e_entry = TEXT_VA + 0x1000; /* one past the text */
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_ENTRY);
	ehdr()->e_entry = 0;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_ENTRY);
	ehdr()->e_entry = TEXT_VA + 0xfff; /* the last byte: fine */
	KEXPECT_EQ(check(FILE_SIZE), ELF_OK);
}

KTEST(elf, no_loadable_segment)
{
	build();
	phdr(1)->p_type = ELF_PT_NOTE;
	phdr(2)->p_memsz = 0; /* an empty PT_LOAD is skipped */
	phdr(2)->p_filesz = 0;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_NO_LOAD);
}

KTEST(elf, too_many_segments)
{
	struct elf32_ehdr *h;

	build();
	h = ehdr();
	h->e_phnum = ELF_MAX_LOADS + 1;
	for (unsigned i = 0; i < h->e_phnum; i++)
		*phdr(i) = (struct elf32_phdr){
		    ELF_PT_LOAD, 0,	 TEXT_VA + i * 0x1000, 0,
		    0,		 0x1000, ELF_PF_R | ELF_PF_X,  0x1000};
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_TOO_MANY);
	h->e_phnum = ELF_MAX_LOADS;
	KEXPECT_EQ(check(FILE_SIZE), ELF_OK);
	KEXPECT_EQ(img.nsegs, ELF_MAX_LOADS);
	/* no PT_LOAD maps the table's bytes (filesz 0): AT_PHDR is 0 */
	KEXPECT_EQ(img.phdr_vaddr, 0);
	KEXPECT_TRUE(img.exec_stack); /* no PT_GNU_STACK */
}

KTEST(elf, pt_phdr_must_match)
{
	build();
	phdr(0)->p_vaddr += 4;
	KEXPECT_EQ(check(FILE_SIZE), -ELF_E_PHDR);
}

KTEST(elf, strerror_names_every_code)
{
	for (int e = 0; e < ELF_E_COUNT; e++)
		KEXPECT_NOT_NULL(elf_strerror(-e));
	KEXPECT_STREQ(elf_strerror(-ELF_E_INTERP),
		      "dynamically linked (PT_INTERP)");
	KEXPECT_STREQ(elf_strerror(ELF_E_COUNT), "unknown error");
}

KTEST(elf, a_small_message_buffer_is_cut_not_overrun)
{
	char small[8];

	build();
	ehdr()->e_machine = 62;
	KEXPECT_EQ(elf_check(file, FILE_SIZE, USER_LO, USER_HI, &img, small,
			     sizeof small),
		   -ELF_E_MACHINE);
	KEXPECT_EQ(strlen(small), sizeof small - 1);
	KEXPECT_EQ(elf_check(file, FILE_SIZE, USER_LO, USER_HI, &img, NULL, 0),
		   -ELF_E_MACHINE);
}
