/*
 * ksyms — the kernel's own function symbols, for backtraces.
 *
 * tools/gensyms writes the table from `nm -n` of the first link pass; the
 * second pass links it in (see the Makefile).  The table is sorted by
 * address, so a lookup is a binary search.
 */
#ifndef KEEL_KERNEL_KSYMS_H
#define KEEL_KERNEL_KSYMS_H

#include <stdint.h>

struct ksym {
	uint32_t addr;
	uint32_t name; /* offset into ksym_strings */
};

extern const struct ksym ksym_table[];
extern const uint32_t ksym_count;
extern const char ksym_strings[];

/*
 * The function containing addr and addr's offset into it, or NULL when addr
 * is outside the kernel's text.
 */
const char *ksym_lookup(uint32_t addr, uint32_t *offset);

#endif
