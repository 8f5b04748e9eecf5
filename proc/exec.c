/*
 * exec — loading an ELF program and building its first stack (exec.h).
 */
#include "proc/exec.h"

#include "arch/gdt.h"
#include "arch/layout.h"
#include "arch/x86.h"
#include "fs/initrd.h"
#include "kernel/console.h"
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kheap.h"
#include "mm/uvm.h"
#include "proc/signal.h"
#include "proc/uaccess.h"
#include "proc/vma.h"

/* Auxiliary vector types (Linux's include/uapi/linux/auxvec.h). */
#define AT_NULL	   0
#define AT_PHDR	   3
#define AT_PHENT   4
#define AT_PHNUM   5
#define AT_PAGESZ  6
#define AT_BASE	   7
#define AT_FLAGS   8
#define AT_ENTRY   9
#define AT_UID	   11
#define AT_EUID	   12
#define AT_GID	   13
#define AT_EGID	   14
#define AT_HWCAP   16
#define AT_CLKTCK  17
#define AT_SECURE  23
#define AT_RANDOM  25
#define AUXV_PAIRS 16

static int args_add(struct exec_args *a, const char *s, uint32_t n)
{
	if (a->len + n + 1 > EXEC_ARGS_MAX ||
	    a->argc + a->envc >= EXEC_ARGC_MAX)
		return -E2BIG;
	memcpy(a->buf + a->len, s, n);
	a->buf[a->len + n] = '\0';
	a->len += n + 1;
	return 0;
}

static int args_new(struct exec_args *a)
{
	memset(a, 0, sizeof(*a));
	a->buf = kmalloc(EXEC_ARGS_MAX);
	return a->buf ? 0 : -ENOMEM;
}

int exec_args_from_kernel(struct exec_args *a, char *const argv[],
			  char *const envp[])
{
	int rc = args_new(a);
	for (int i = 0; rc == 0 && argv && argv[i]; i++, a->argc++)
		rc = args_add(a, argv[i], strlen(argv[i]));
	for (int i = 0; rc == 0 && envp && envp[i]; i++, a->envc++)
		rc = args_add(a, envp[i], strlen(envp[i]));
	if (rc < 0)
		exec_args_free(a);
	return rc;
}

/* One user array of strings into a; *count grows by its length. */
static int user_strings(struct exec_args *a, uint32_t arr, uint32_t *count)
{
	for (uint32_t i = 0; arr; i++) {
		uint32_t ptr;
		int n;
		if (copy_from_user(&ptr, arr + i * 4, 4) < 0)
			return -EFAULT;
		if (ptr == 0)
			return 0;
		if (a->argc + a->envc >= EXEC_ARGC_MAX)
			return -E2BIG;
		n = copy_str_from_user(a->buf + a->len, ptr,
				       EXEC_ARGS_MAX - a->len);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return n;
		a->len += (uint32_t)n + 1;
		(*count)++;
	}
	return 0;
}

int exec_args_from_user(struct exec_args *a, uint32_t argv, uint32_t envp)
{
	int rc = args_new(a);
	if (rc == 0)
		rc = user_strings(a, argv, &a->argc);
	if (rc == 0)
		rc = user_strings(a, envp, &a->envc);
	if (rc < 0)
		exec_args_free(a);
	return rc;
}

void exec_args_free(struct exec_args *a)
{
	kfree(a->buf);
	a->buf = NULL;
}

static uint8_t prot_of(uint32_t pf)
{
	return (uint8_t)(((pf & ELF_PF_R) ? PROT_READ : 0) |
			 ((pf & ELF_PF_W) ? PROT_WRITE : 0) |
			 ((pf & ELF_PF_X) ? PROT_EXEC : 0));
}

/* Copy bytes [off, off + n) of the new space from src (pages present). */
static void copy_into(struct vm_space *vm, uint32_t va, const uint8_t *src,
		      uint32_t n)
{
	while (n > 0) {
		uint32_t in_page = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		uint32_t chunk = n < in_page ? n : in_page;
		uint8_t *page = uvm_kmap_page(vm, PAGE_ALIGN_DOWN(va));
		memcpy(page + (va & (PAGE_SIZE - 1)), src, chunk);
		vm_kunmap(page);
		va += chunk;
		src += chunk;
		n -= chunk;
	}
}

/* Map the pages of [lo, hi) (fresh, zeroed) with flags. */
static int map_pages(struct vm_space *vm, uint32_t lo, uint32_t hi,
		     uint32_t flags)
{
	for (uint32_t va = lo; va < hi; va += PAGE_SIZE)
		if (uvm_alloc_page(vm, va, flags) != VM_OK)
			return -ENOMEM;
	return 0;
}

static int add_vma(struct exec_image *img, const struct vma *v)
{
	/* Two slots stay free: the stack's, and one spare. */
	if (img->nvma >= (int)(sizeof(img->vma) / sizeof(img->vma[0])) - 2)
		return -ENOEXEC;
	img->vma[img->nvma++] = *v;
	return 0;
}

/*
 * A page two segments share (the end of one, the start of the next, as a
 * linker may lay them out): it belongs to neither's file range alone, so
 * it is loaded now, both segments' bytes in it, as a one-page anonymous
 * area with the union of their permissions.  The previous area gives the
 * page up.
 */
static int load_shared_page(struct exec_image *img, uint32_t page,
			    const struct vma *next)
{
	struct vma *prev = &img->vma[img->nvma - 1];
	struct vma v = {.start = page,
			.end = page + PAGE_SIZE,
			.prot = (uint8_t)(prev->prot | next->prot),
			.kind = VMA_IMAGE};
	uint32_t flags = (v.prot & PROT_WRITE) ? VM_WRITE : 0;
	const struct vma src = *prev;
	uint8_t *dst, *tmp;
	if (uvm_alloc_page(img->vm, page, flags) != VM_OK)
		return -ENOMEM;
	tmp = kmalloc(PAGE_SIZE);
	if (!tmp)
		return -ENOMEM;
	dst = uvm_kmap_page(img->vm, page);
	vma_fill_page(&src, page, dst);
	vma_fill_page(next, page, tmp);
	for (uint32_t i = 0; i < PAGE_SIZE; i++)
		dst[i] |= tmp[i]; /* the ranges are disjoint, zero elsewhere */
	vm_kunmap(dst);
	kfree(tmp);
	if (prev->start + PAGE_SIZE == prev->end)
		img->nvma--; /* prev was that page only */
	else
		prev->end = page;
	return add_vma(img, &v);
}

/*
 * Demand paging of the program (004_*: pages are loaded when first
 * touched): each PT_LOAD becomes a file-backed area, and nothing is
 * copied here; the first touch of a page copies its bytes from the initrd
 * (proc/vma.h).  elf_check has already ordered and checked the segments.
 */
static int load_segments(struct exec_image *img, const struct elf_image *e,
			 const uint8_t *file)
{
	for (uint32_t i = 0; i < e->nsegs; i++) {
		const struct elf_segment *s = &e->seg[i];
		struct vma v = {.start = PAGE_ALIGN_DOWN(s->vaddr),
				.end = PAGE_ALIGN_UP(s->vaddr + s->memsz),
				.prot = prot_of(s->flags),
				.kind = VMA_IMAGE,
				.file = file + s->offset,
				.file_va = s->vaddr,
				.file_len = s->filesz};
		const struct vma *prev =
		    img->nvma ? &img->vma[img->nvma - 1] : NULL;
		int rc;
		if (prev && v.start < prev->end) {
			rc = load_shared_page(img, v.start, &v);
			if (rc < 0)
				return rc;
			v.start += PAGE_SIZE;
		}
		if (v.start < v.end && (rc = add_vma(img, &v)) < 0)
			return rc;
	}
	return 0;
}

static uint32_t random_state;

static uint32_t next_random(void)
{
	/* xorshift32, seeded from the time-stamp counter once. */
	if (random_state == 0)
		random_state = (uint32_t)rdtsc() | 1;
	random_state ^= random_state << 13;
	random_state ^= random_state >> 17;
	random_state ^= random_state << 5;
	return random_state;
}

/*
 * The initial stack, built in a kernel buffer whose last byte is the
 * byte below USER_STACK_TOP, then copied into fresh stack pages.
 */
static int build_stack(struct exec_image *img, const struct elf_image *e,
		       const struct exec_args *a)
{
	uint32_t nptr = 1 + a->argc + 1 + a->envc + 1 + 2 * AUXV_PAIRS;
	uint32_t strs = (a->len + 3) & ~3u;
	uint32_t total = strs + 16 + nptr * 4 + 16;
	uint32_t top = USER_STACK_TOP, str_va, rnd_va, sp, *w;
	uint8_t *buf;
	const char *s = a->buf;
	if (total > USER_STACK_SIZE / 4)
		return -E2BIG;
	buf = kcalloc(1, total);
	if (!buf)
		return -ENOMEM;
	str_va = top - strs;
	rnd_va = str_va - 16;
	sp = (rnd_va - nptr * 4) & ~15u;
	memcpy(buf + (str_va - (top - total)), a->buf, a->len);
	for (int i = 0; i < 4; i++) {
		uint32_t r = next_random();
		memcpy(buf + (rnd_va - (top - total)) + i * 4, &r, 4);
	}
	w = (uint32_t *)(buf + (sp - (top - total)));
	*w++ = a->argc;
	for (uint32_t i = 0; i < a->argc; i++, s += strlen(s) + 1)
		*w++ = str_va + (uint32_t)(s - a->buf);
	*w++ = 0; /* argv's NULL */
	for (uint32_t i = 0; i < a->envc; i++, s += strlen(s) + 1)
		*w++ = str_va + (uint32_t)(s - a->buf);
	*w++ = 0; /* envp's NULL */
	const uint32_t auxv[][2] = {
	    {AT_PHDR, e->phdr_vaddr},
	    {AT_PHENT, 32},
	    {AT_PHNUM, e->phnum},
	    {AT_PAGESZ, PAGE_SIZE},
	    {AT_BASE, 0},
	    {AT_FLAGS, 0},
	    {AT_ENTRY, e->entry},
	    {AT_UID, 0},
	    {AT_EUID, 0},
	    {AT_GID, 0},
	    {AT_EGID, 0},
	    {AT_HWCAP, 0},
	    {AT_CLKTCK, 100},
	    {AT_SECURE, 0},
	    {AT_RANDOM, rnd_va},
	    {AT_NULL, 0},
	};
	_Static_assert(sizeof(auxv) / sizeof(auxv[0]) == AUXV_PAIRS, "auxv");
	memcpy(w, auxv, sizeof(auxv));
	if (map_pages(img->vm, PAGE_ALIGN_DOWN(sp), top, VM_WRITE) < 0) {
		kfree(buf);
		return -ENOMEM;
	}
	copy_into(img->vm, sp, buf + (sp - (top - total)), top - sp);
	kfree(buf);
	img->sp = sp;
	img->vma[img->nvma++] =
	    (struct vma){.start = top - USER_STACK_SIZE,
			 .end = top,
			 .prot = PROT_READ | PROT_WRITE | PROT_EXEC,
			 .kind = VMA_STACK};
	return 0;
}

int exec_load(const char *path, const struct exec_args *a,
	      struct exec_image *img)
{
	struct cpio_entry ent;
	struct elf_image e;
	char msg[160];
	int rc = initrd_lookup(path, &ent);
	const char *base = strrchr(path, '/');
	if (rc < 0)
		return rc;
	if ((ent.mode & CPIO_S_IFMT) != CPIO_S_IFREG || !(ent.mode & 0111))
		return -EACCES;
	rc = elf_check(ent.data, ent.size, USER_LO,
		       USER_STACK_TOP - USER_STACK_SIZE - PAGE_SIZE, &e, msg,
		       sizeof(msg));
	if (rc != ELF_OK) {
		kprintf("exec: %s: %s\n", path, msg);
		return -ENOEXEC;
	}
	memset(img, 0, sizeof(*img));
	strlcpy(img->name, base ? base + 1 : path, sizeof(img->name));
	img->vm = kcalloc(1, sizeof(*img->vm));
	if (!img->vm || vm_space_init(img->vm) != VM_OK) {
		kfree(img->vm);
		return -ENOMEM;
	}
	rc = load_segments(img, &e, ent.data);
	if (rc == 0)
		rc = build_stack(img, &e, a);
	if (rc < 0) {
		uvm_destroy(img->vm);
		kfree(img->vm);
		img->vm = NULL;
		return rc;
	}
	img->entry = e.entry;
	img->brk = PAGE_ALIGN_UP(e.hi);
	return 0;
}

void exec_commit(struct proc *p, struct exec_image *img)
{
	struct vm_space *old = p->vm;
	bool current = p->task && p->task == task_current();
	/* The table holds at least PROC_VMAS_MIN areas: room for the image's.
	 */
	_Static_assert(sizeof(img->vma) / sizeof(img->vma[0]) <= PROC_VMAS_MIN,
		       "an exec image's areas fit the smallest area table");
	resident_exit(p); /* the old image's resident set */
	vma_drop_all(p);
	p->vm = img->vm;
	memcpy(p->vma, img->vma, sizeof(img->vma[0]) * (size_t)img->nvma);
	p->nvma = img->nvma;
	p->brk_start = p->brk = img->brk;
	strlcpy(p->name, img->name, sizeof(p->name));
	if (p->task) {
		p->task->space = p->vm;
		p->task->tls = 0;
		strlcpy(p->task->name, img->name, sizeof(p->task->name));
	}
	if (current) {
		vm_switch(p->vm);
		gdt_set_tls(0);
	}
	uvm_destroy(old);
	kfree(old);
	for (int i = 0; i < PROC_FDS; i++)
		if (p->fd[i] && (p->cloexec & (1u << i))) {
			file_put(p->fd[i]);
			p->fd[i] = NULL;
		}
	p->cloexec = 0;
	if (current)
		fpu_task_gone(p->task);
	signal_exec(p);
}
