/*
 * vm_internal — the page-table access paths of mm/vm.c, for the other
 * paging modules of mm/ (mm/uvm.c).  Not for use outside mm/.
 *
 * vm_pd and vm_pt return a pointer to a space's directory or to one of its
 * tables: through the recursive mapping for the current space, else
 * through a temporary slot that vm_release gives back.  Call with
 * interrupts off.
 */
#ifndef KEEL_MM_VM_INTERNAL_H
#define KEEL_MM_VM_INTERNAL_H

#include <stdint.h>

struct vm_space;

uint32_t *vm_pd(struct vm_space *s);
uint32_t *vm_pt(struct vm_space *s, uint32_t pdi, uint32_t pde);
void vm_release(const uint32_t *p);
/* Present entries in table pdi of s. */
uint16_t *vm_used_count(struct vm_space *s, uint32_t pdi);
/* The directory entry for pdi, with a fresh zeroed table if it had none. */
int vm_ensure_table(struct vm_space *s, uint32_t pdi, uint32_t *pde_out);
void vm_drop_table(struct vm_space *s, uint32_t pdi, uint32_t pde);

#endif
