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

#include "arch/pic.h"
#include "arch/x86.h"

struct trap_frame;
/* A driver's handler; tf is the interrupted context (read, or redirect). */
typedef TRAP_CALL void (*irq_handler_t)(unsigned irq, struct trap_frame *tf);

/* How many times each line was delivered (irq_count reads it). */
extern uint32_t irq_counts[];

void irq_init(void);
void irq_register(unsigned irq, irq_handler_t h);
/*
 * For the line whose cost matters most, the timer: h becomes the trap
 * handler of irq's vector itself, skipping the dispatch through the table
 * above, and must begin with irq_ack(irq).  Only for a line that cannot be
 * spurious (not 7 or 15).
 */
struct trap_frame;
typedef TRAP_CALL struct trap_frame *(*irq_trap_handler_t)(
    struct trap_frame *tf);
void irq_register_trap(unsigned irq, irq_trap_handler_t h);
/* Count the interrupt and end it at the PIC (irq_register_trap's part). */
static inline void irq_ack(unsigned irq)
{
	irq_counts[irq]++;
	pic_eoi(irq);
}
void irq_unmask(unsigned irq);
void irq_mask(unsigned irq);
/* How many times irq was delivered (spurious IRQs 7 and 15 not counted). */
uint32_t irq_count(unsigned irq);

#endif
