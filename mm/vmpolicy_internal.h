/*
 * vmpolicy_internal: what mm/vmpolicy_core.c (the common list and dispatch),
 * mm/vmpolicy_ostep.c (paging-policy.py's seven) and mm/vmpolicy_book.c
 * (the textbook's six) share.  Not for other callers: use mm/vmpolicy.h.
 */
#ifndef KEEL_MM_VMPOLICY_INTERNAL_H
#define KEEL_MM_VMPOLICY_INTERNAL_H

#include "mm/vmpolicy.h"

/* Move the page at idx to the tail, keeping the others' order. */
void vmp_move_to_tail(struct vmp *v, uint32_t idx);

/* The policies' victim choice, one per file's family; v->count > 0. */
int vmp_pick_ostep(struct vmp *v);
int vmp_pick_book(struct vmp *v);
/* The two clocks, called straight from vmp_pick: a pick is a few looks. */
int vmp_pick_second_chance(struct vmp *v);
int vmp_pick_clock_hand(struct vmp *v);
/* A hit or a tick, for the textbook's policies. */
void vmp_access_book(struct vmp *v, struct vmp_frame *f, uint32_t bits);
void vmp_tick_book(struct vmp *v);

#endif
