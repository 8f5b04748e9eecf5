/*
 * ata — ATA PIO register protocol (see ata.h).  Register layout from the
 * ATA/ATAPI-6 standard, section 7 (the "task file").
 */
#include "drivers/ata.h"

#include "arch/irq.h"
#include "arch/x86.h"

#define ATA_REG_DATA	0 /* 16-bit data port */
#define ATA_REG_ERROR	1 /* read: error; write: features */
#define ATA_REG_COUNT	2 /* sector count */
#define ATA_REG_LBA_LO	3 /* LBA bits 0-7 */
#define ATA_REG_LBA_MID 4 /* LBA bits 8-15 */
#define ATA_REG_LBA_HI	5 /* LBA bits 16-23 */
#define ATA_REG_DEVICE	6 /* drive select, LBA mode, LBA bits 24-27 */
#define ATA_REG_STATUS	7 /* read: status; write: command */

#define ATA_DEV_OBS    0xA0 /* bits 7 and 5: always 1 on old drives */
#define ATA_DEV_LBA    0x40
#define ATA_CTRL_NIEN  0x02 /* the drive keeps its interrupt line quiet */
#define ATA_CTRL_SRST  0x04 /* software reset of the channel */
#define ATA_BUS_FLOATS 0xFF /* no drive pulls the bus down */

#define ATA_ID_MODEL	 27 /* identify words: model, 20 words */
#define ATA_ID_MODEL_LEN 40
#define ATA_ID_CAPS	 49
#define ATA_ID_CAPS_LBA	 0x0200
#define ATA_ID_LBA28	 60 /* two words, low first */

static ata_irq_hook_t irq_hook;

static TRAP_CALL void ata_irq(unsigned irq, struct trap_frame *tf)
{
	(void)irq;
	(void)tf;
	uint8_t status = inb(ATA_IO_BASE + ATA_REG_STATUS); /* ends INTRQ */
	if (irq_hook)
		irq_hook(status);
}

void ata_set_irq_hook(ata_irq_hook_t hook)
{
	irq_hook = hook;
	irq_register(ATA_IRQ, ata_irq);
	outb(ATA_CTRL_PORT, 0); /* nIEN off: interrupts on */
	irq_unmask(ATA_IRQ);
}

/* A register write takes effect after 400 ns: four alt-status reads. */
static void ata_delay400(void)
{
	for (int i = 0; i < 4; i++)
		(void)inb(ATA_CTRL_PORT);
}

void ata_select_master(void)
{
	outb(ATA_IO_BASE + ATA_REG_DEVICE, ATA_DEV_OBS | ATA_DEV_LBA);
	ata_delay400();
}

uint8_t ata_alt_status(void)
{
	return inb(ATA_CTRL_PORT);
}

uint8_t ata_status(void)
{
	return inb(ATA_IO_BASE + ATA_REG_STATUS);
}

uint8_t ata_error(void)
{
	return inb(ATA_IO_BASE + ATA_REG_ERROR);
}

bool ata_bus_floating(void)
{
	return inb(ATA_IO_BASE + ATA_REG_STATUS) == ATA_BUS_FLOATS;
}

void ata_command_lba28(uint8_t cmd, uint32_t lba, uint32_t count)
{
	outb(ATA_IO_BASE + ATA_REG_DEVICE,
	     ATA_DEV_OBS | ATA_DEV_LBA | ((lba >> 24) & 0x0F));
	outb(ATA_IO_BASE + ATA_REG_ERROR, 0);
	/* 256 is written as 0, which the drive reads as 256. */
	outb(ATA_IO_BASE + ATA_REG_COUNT, (uint8_t)(count & 0xFF));
	outb(ATA_IO_BASE + ATA_REG_LBA_LO, (uint8_t)lba);
	outb(ATA_IO_BASE + ATA_REG_LBA_MID, (uint8_t)(lba >> 8));
	outb(ATA_IO_BASE + ATA_REG_LBA_HI, (uint8_t)(lba >> 16));
	outb(ATA_IO_BASE + ATA_REG_STATUS, cmd);
	ata_delay400();
}

void ata_command(uint8_t cmd)
{
	outb(ATA_IO_BASE + ATA_REG_COUNT, 0);
	outb(ATA_IO_BASE + ATA_REG_LBA_LO, 0);
	outb(ATA_IO_BASE + ATA_REG_LBA_MID, 0);
	outb(ATA_IO_BASE + ATA_REG_LBA_HI, 0);
	outb(ATA_IO_BASE + ATA_REG_STATUS, cmd);
	ata_delay400();
}

void ata_read_sector(void *buf)
{
	uint16_t *w = buf;
	for (int i = 0; i < ATA_SECTOR_WORDS; i++)
		w[i] = inw(ATA_IO_BASE + ATA_REG_DATA);
}

void ata_write_sector(const void *buf)
{
	const uint16_t *w = buf;
	for (int i = 0; i < ATA_SECTOR_WORDS; i++)
		outw(ATA_IO_BASE + ATA_REG_DATA, w[i]);
}

/* IDENTIFY's strings hold two characters a word, the first in the high byte. */
void ata_parse_identify(const uint16_t *words, struct ata_identity *out)
{
	int n = 0;
	for (int i = 0; i < ATA_ID_MODEL_LEN / 2; i++) {
		uint16_t w = words[ATA_ID_MODEL + i];
		out->model[n++] = (char)(w >> 8);
		out->model[n++] = (char)(w & 0xFF);
	}
	while (n > 0 && (out->model[n - 1] == ' ' || out->model[n - 1] == 0))
		n--;
	out->model[n] = 0;
	out->lba = (words[ATA_ID_CAPS] & ATA_ID_CAPS_LBA) != 0;
	out->sectors = (uint32_t)words[ATA_ID_LBA28] |
		       ((uint32_t)words[ATA_ID_LBA28 + 1] << 16);
}

void ata_soft_reset(void)
{
	uint8_t ctrl = irq_hook ? 0 : ATA_CTRL_NIEN;
	outb(ATA_CTRL_PORT, ATA_CTRL_SRST | ctrl);
	ata_delay400(); /* SRST must stay set at least 5 us */
	ata_delay400();
	outb(ATA_CTRL_PORT, ctrl);
	ata_delay400();
}
