/*
 * irq — IRQ dispatch (see irq.h).
 */
#include "arch/irq.h"

#include "arch/pic.h"
#include "arch/trap.h"
#include "arch/x86.h"

static irq_handler_t irq_handlers[PIC_IRQS];
uint32_t irq_counts[PIC_IRQS];

static TRAP_CALL struct trap_frame *irq_trap(struct trap_frame *tf)
{
	unsigned irq = tf->vector - T_IRQ0;
	/* Only lines 7 and 15 can be spurious: don't ask the PIC otherwise. */
	if ((irq == PIC_SPURIOUS_MASTER || irq == PIC_SPURIOUS_SLAVE) &&
	    pic_is_spurious(irq))
		return tf; /* no EOI: the PIC never raised it for real */
	irq_counts[irq]++;
	pic_eoi(irq);
	if (irq_handlers[irq])
		irq_handlers[irq](irq, tf);
	return tf;
}

void irq_init(void)
{
	pic_init();
	for (unsigned i = 0; i < PIC_IRQS; i++)
		trap_register(T_IRQ0 + i, irq_trap);
}

void irq_register(unsigned irq, irq_handler_t h)
{
	bool on = irq_save();
	irq_handlers[irq] = h;
	irq_restore(on);
}

void irq_register_trap(unsigned irq, irq_trap_handler_t h)
{
	trap_register(T_IRQ0 + irq, h);
}

void irq_unmask(unsigned irq)
{
	pic_unmask(irq);
}

void irq_mask(unsigned irq)
{
	pic_mask(irq);
}

uint32_t irq_count(unsigned irq)
{
	return irq_counts[irq];
}
