/*
 * pic — 8259A driver (see pic.h).  Command words from the 8259A data sheet.
 */
#include "arch/pic.h"

#include "arch/x86.h"

#define PIC1_DATA 0x21
#define PIC2_DATA 0xA1

#define ICW1_ICW4		      0x01 /* ICW4 follows */
#define ICW1_INIT		      0x10 /* start initialisation */
#define ICW3_MASTER_HAS_SLAVE_ON_IRQ2 0x04
#define ICW3_SLAVE_ID		      0x02
#define ICW4_8086		      0x01 /* 8086/88 mode */
#define OCW3_READ_ISR		      0x0B

static uint16_t irq_mask = 0xFFFF & ~(1u << PIC_CASCADE_IRQ);

static void pic_write_mask(void)
{
	outb(PIC1_DATA, irq_mask & 0xFF);
	outb(PIC2_DATA, irq_mask >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC1_DATA, PIC_VECTOR_BASE); /* ICW2: vector offsets */
	io_wait();
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	io_wait();
	outb(PIC1_DATA, ICW3_MASTER_HAS_SLAVE_ON_IRQ2);
	io_wait();
	outb(PIC2_DATA, ICW3_SLAVE_ID);
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	pic_write_mask();
}

void pic_mask(unsigned irq)
{
	bool on = irq_save();
	irq_mask |= (uint16_t)(1u << irq);
	pic_write_mask();
	irq_restore(on);
}

void pic_unmask(unsigned irq)
{
	bool on = irq_save();
	irq_mask &= (uint16_t) ~(1u << irq);
	pic_write_mask();
	irq_restore(on);
}

uint16_t pic_get_mask(void)
{
	return irq_mask;
}

static uint8_t pic_read_isr(uint16_t cmd_port)
{
	outb(cmd_port, OCW3_READ_ISR);
	return inb(cmd_port);
}

bool pic_is_spurious(unsigned irq)
{
	if (irq == PIC_SPURIOUS_MASTER)
		return !(pic_read_isr(PIC1_CMD) & (1u << 7));
	if (irq == PIC_SPURIOUS_SLAVE &&
	    !(pic_read_isr(PIC2_CMD) & (1u << 7))) {
		outb(PIC1_CMD, OCW2_EOI); /* the master did see the cascade */
		return true;
	}
	return false;
}
