/*
 * pic — the two cascaded 8259A programmable interrupt controllers.
 *
 * At power-on the master PIC delivers IRQs 0-7 on vectors 8-15, on top of
 * the CPU's exceptions; pic_init remaps the master to PIC_VECTOR_BASE (32)
 * and the slave to 40, so IRQ n arrives on vector 32 + n.  All lines start
 * masked; a driver unmasks its line once its handler is registered.  The
 * slave hangs off the master's IRQ 2 (the cascade), which stays unmasked.
 */
#ifndef KEEL_ARCH_PIC_H
#define KEEL_ARCH_PIC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86.h"

#define PIC1_CMD 0x20 /* master: command and status */
#define PIC2_CMD 0xA0 /* slave */
#define OCW2_EOI 0x20 /* non-specific end of interrupt */

#define PIC_VECTOR_BASE	    32
#define PIC_IRQS	    16
#define PIC_CASCADE_IRQ	    2
#define PIC_SPURIOUS_MASTER 7
#define PIC_SPURIOUS_SLAVE  15

void pic_init(void);
void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);
/* The current mask of all 16 lines (bit n = IRQ n masked). */
uint16_t pic_get_mask(void);
/* End of interrupt: tell the PIC(s) the handler is done with irq.  Inline:
 * it is on every interrupt's path. */
static inline void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}
/*
 * Whether a interrupt on IRQ 7 or 15 is spurious: the PIC raised it but the
 * line dropped before the CPU acknowledged, so its in-service bit is clear.
 * Handles the EOI a spurious IRQ 15 still owes the master (the cascade).
 */
bool pic_is_spurious(unsigned irq);

#endif
