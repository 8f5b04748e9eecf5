/*
 * kstack — kernel stacks for threads, each with an unmapped guard page.
 *
 * The area [VM_KSTACK_BASE, VM_KSTACK_LIMIT) is cut into slots of
 * KSTACK_SLOT_BYTES: one guard page, never mapped, then KSTACK_SIZE bytes
 * of stack mapped to fresh frames.  A thread that overflows its stack runs
 * into its guard page and faults (then double-faults: see arch/gdt.h)
 * instead of silently overwriting whatever lies below.
 *
 * kstack_alloc returns false when no slot or no frame is left (an error,
 * not a panic); kstack_free unmaps the stack and frees its frames.
 */
#ifndef KEEL_MM_KSTACK_H
#define KEEL_MM_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/layout.h"
#include "mm/vm.h"

#define KSTACK_SLOT_BYTES (PAGE_SIZE + KSTACK_SIZE)
#define KSTACK_SLOTS	  ((VM_KSTACK_LIMIT - VM_KSTACK_BASE) / KSTACK_SLOT_BYTES)

/* A new stack: its slot number and its top (the initial ESP). */
bool kstack_alloc(uint32_t *slot, uint32_t *top);
void kstack_free(uint32_t slot);
/* The slot whose guard page (or the frame just above it) holds esp, if any. */
bool kstack_guard_hit(uint32_t esp, uint32_t *slot);
uint32_t kstack_slot_base(uint32_t slot); /* the guard page's address */

#endif
