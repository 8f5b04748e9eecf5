/*
 * uaccess — checking user pointers before the kernel follows them.
 */
#include "proc/uaccess.h"

#include "arch/layout.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "proc/swap.h"

/* Is the page at va usable as it is, without a fault? */
static bool page_ok(struct proc *p, uint32_t va, bool write)
{
	uint32_t pde, pte;
	vm_walk(p->vm, va, &pde, &pte);
	if (!(pde & PTE_PRESENT) || !(pte & PTE_PRESENT) || !(pte & PTE_USER))
		return false;
	return !write || (pte & PTE_WRITABLE);
}

bool uaccess_range_ok(uint32_t ptr, uint32_t len)
{
	return len == 0 ||
	       (ptr >= USER_LO && ptr < USER_HI && len <= USER_HI - ptr);
}

int uaccess_check(uint32_t ptr, uint32_t len, bool write)
{
	struct proc *p = proc_current();
	uint32_t end;
	if (len == 0)
		return 0;
	if (!p || !uaccess_range_ok(ptr, len))
		return -EFAULT;
	end = ptr + len;
	/* Pinned until the system call returns (proc/syscall.c): the
	 * kernel follows the pointer after this check. */
	resident_pin(p, PAGE_ALIGN_DOWN(ptr), end);
	for (uint32_t va = PAGE_ALIGN_DOWN(ptr); va < end; va += PAGE_SIZE) {
		if (page_ok(p, va, write))
			continue;
		int rc = proc_resolve(p, va, write);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int copy_from_user(void *dst, uint32_t src, uint32_t len)
{
	int rc = uaccess_check(src, len, false);
	if (rc == 0)
		memcpy(dst, (const void *)src, len);
	return rc;
}

int copy_to_user(uint32_t dst, const void *src, uint32_t len)
{
	int rc = uaccess_check(dst, len, true);
	if (rc == 0)
		memcpy((void *)dst, src, len);
	return rc;
}

int copy_str_from_user(char *dst, uint32_t src, uint32_t max)
{
	uint32_t n = 0;
	while (n < max) {
		/* Check page by page: the string may end before a bad page. */
		uint32_t chunk = PAGE_SIZE - ((src + n) & (PAGE_SIZE - 1));
		int rc;
		if (chunk > max - n)
			chunk = max - n;
		rc = uaccess_check(src + n, 1, false);
		if (rc < 0)
			return rc;
		const char *s = (const char *)(src + n);
		for (uint32_t i = 0; i < chunk; i++, n++) {
			dst[n] = s[i];
			if (s[i] == '\0')
				return (int)n;
		}
	}
	return -ENAMETOOLONG;
}
