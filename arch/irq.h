/*
 * irq — hardware interrupts on top of the trap path.
 *
 * Vectors 32..47 all go to one trap handler, which turns the vector into an
 * IRQ number, filters the 8259's spurious IRQs 7 and 15 (counted, never
 * acknowledged), sends the end-of-interrupt, and then calls the driver's
 * handler.  The EOI comes first so that a handler after which the scheduler
 * switches to another task (the timer) has already released the PIC: the
 * task we switch to resumes through iret, never through this function.
 * Interrupts stay off throughout (interrupt gates), so no IRQ nests.
 */
#ifndef KEEL_ARCH_IRQ_H
#define KEEL_ARCH_IRQ_H

#include <stdint.h>

#include "arch/x86.h"

struct trap_frame;
/* A driver's handler; tf is the interrupted context (read, or redirect). */
typedef TRAP_CALL void (*irq_handler_t)(unsigned irq, struct trap_frame *tf);

void irq_init(void);
void irq_register(unsigned irq, irq_handler_t h);
void irq_unmask(unsigned irq);
void irq_mask(unsigned irq);
/* How many times irq was delivered (spurious IRQs 7 and 15 not counted). */
uint32_t irq_count(unsigned irq);

#endif
