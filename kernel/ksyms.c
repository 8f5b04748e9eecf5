/*
 * ksyms — lookups in the generated symbol table.
 */
#include "kernel/ksyms.h"

#include <stddef.h>

#include "arch/layout.h"

const char *ksym_lookup(uint32_t addr, uint32_t *offset)
{
	uint32_t lo = 0, hi = ksym_count;
	if (addr < (uint32_t)__text_start || addr >= (uint32_t)__text_end ||
	    ksym_count == 0)
		return NULL;
	/* Find the last symbol whose address is <= addr. */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ksym_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ksym_table[lo].addr > addr)
		return NULL;
	if (offset)
		*offset = addr - ksym_table[lo].addr;
	return ksym_strings + ksym_table[lo].name;
}
