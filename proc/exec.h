/*
 * exec — replace a process's program (execve), in two steps.
 *
 * "Validate everything, then change state" (001_*: exec never returns on
 * success, and on failure the caller must be exactly as it was): exec_load
 * checks the whole ELF file (lib/elf.c checks every header first), builds a
 * complete *new* address space — the segments as file-backed areas whose
 * pages are loaded at their first touch (demand paging), and the initial
 * stack — and only exec_commit, which cannot fail, throws the old one away.
 *
 * The initial stack is the System V i386 ABI's (and Linux's): at the
 * stack pointer argc, then argv[] and a NULL, envp[] and a NULL, then the
 * auxiliary vector of (type, value) pairs ending in AT_NULL, with the
 * strings and AT_RANDOM's 16 bytes above them.  musl's _start reads it.
 */
#ifndef KEEL_PROC_EXEC_H
#define KEEL_PROC_EXEC_H

#include <stdint.h>

#include "lib/elf.h"
#include "proc/proc.h"

#define EXEC_ARGS_MAX (32u * 1024u) /* bytes of argument and env strings */
#define EXEC_ARGC_MAX 1024u	    /* strings */

/* The strings, argv's then envp's, each with its NUL. */
struct exec_args {
	char *buf;
	uint32_t len, argc, envc;
};

int exec_args_from_kernel(struct exec_args *a, char *const argv[],
			  char *const envp[]);
/* From user arrays (either may be 0: empty): 0, -EFAULT or -E2BIG. */
int exec_args_from_user(struct exec_args *a, uint32_t argv, uint32_t envp);
void exec_args_free(struct exec_args *a);

struct exec_image {
	struct vm_space *vm;
	struct vma vma[ELF_MAX_LOADS * 2 + 2];
	int nvma;
	uint32_t entry, sp, brk;
	char name[PROC_NAME_MAX];
};

/* The new program in *img, the caller untouched: 0 or -ENOENT, -EACCES,
 * -ENOEXEC (with a line on the kernel log saying why), -ENOMEM. */
int exec_load(const char *path, const struct exec_args *a,
	      struct exec_image *img);
/* Make img p's program: the old address space goes. */
void exec_commit(struct proc *p, struct exec_image *img);

#endif
