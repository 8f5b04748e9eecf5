/*
 * ata — the port protocol of an ATA disk on the PC's primary IDE channel
 * (command block at 0x1F0-0x1F7, control block at 0x3F6, IRQ 14), in PIO
 * mode: the CPU moves every 16-bit word of a sector through the data port
 * (programmed I/O, OSTEP's "canonical device": a status register to read,
 * command registers to write, data moved by the CPU: OSTEP chapter 36,
 * "I/O Devices", which the study notes do not cover; 001_… and 002_… say
 * what the disk is for, swapping).
 *
 * This file only talks to the registers and never waits: drivers/ sits
 * below kernel/ (the clock) and sched/ (wait queues), so the waiting half,
 * with its timeouts and the task blocked until IRQ 14, is fs/disk.c, which
 * hands the driver its interrupt hook (ata_set_irq_hook).  Everything here
 * may run with interrupts on or off; only one request at a time may use
 * the channel (fs/disk.c serialises them).
 */
#ifndef KEEL_DRIVERS_ATA_H
#define KEEL_DRIVERS_ATA_H

#include <stdbool.h>
#include <stdint.h>

/* The primary channel's command block; its control block (alternate
 * status when read, device control when written); its interrupt line. */
#define ATA_IO_BASE	 0x1F0
#define ATA_CTRL_PORT	 0x3F6
#define ATA_IRQ		 14
#define ATA_SECTOR_SIZE	 512
#define ATA_SECTOR_WORDS (ATA_SECTOR_SIZE / 2)
/* LBA28: 28 bits of sector number, so at most 2^28 sectors (128 GiB). */
#define ATA_LBA28_SECTORS (1u << 28)
/* One READ/WRITE SECTORS command moves 1-256 sectors (count 0 means 256). */
#define ATA_MAX_PER_COMMAND 256

/* Status register bits (ATA-6, 7.15.6). */
#define ATA_SR_ERR  0x01 /* the command failed: see the error register */
#define ATA_SR_DRQ  0x08 /* the data port wants (or has) a sector */
#define ATA_SR_DF   0x20 /* device fault */
#define ATA_SR_DRDY 0x40 /* the device accepts commands */
#define ATA_SR_BSY  0x80 /* busy: no other bit is valid */

/* Commands. */
#define ATA_CMD_READ_SECTORS  0x20
#define ATA_CMD_WRITE_SECTORS 0x30
#define ATA_CMD_CACHE_FLUSH   0xE7
#define ATA_CMD_IDENTIFY      0xEC

/* What IDENTIFY DEVICE says about the disk. */
struct ata_identity {
	char model[41];	  /* words 27-46, byte-swapped, trailing blanks cut */
	uint32_t sectors; /* words 60-61: sectors addressable with LBA28 */
	bool lba;	  /* word 49 bit 9: LBA supported */
};

/*
 * Called from IRQ 14 with interrupts off, with the status register just
 * read (which is what tells the drive its interrupt was seen).
 */
typedef void (*ata_irq_hook_t)(uint8_t status);

/* Hook IRQ 14 to `hook`, unmask it and let the drive interrupt (nIEN 0). */
void ata_set_irq_hook(ata_irq_hook_t hook);
/* Select the master drive with LBA addressing (the top 4 LBA bits 0). */
void ata_select_master(void);
/* The alternate status register: the status without acknowledging an IRQ. */
uint8_t ata_alt_status(void);
/* The status register; reading it acknowledges the drive's interrupt. */
uint8_t ata_status(void);
/* The error register (valid when the status has ERR). */
uint8_t ata_error(void);
/* True if nothing answers on the channel (the bus floats at 0xFF). */
bool ata_bus_floating(void);
/* Load LBA28 address and count (1-256) into the task file, then `cmd`. */
void ata_command_lba28(uint8_t cmd, uint32_t lba, uint32_t count);
/* A command without an address (IDENTIFY, CACHE FLUSH). */
void ata_command(uint8_t cmd);
/* Move one sector between the data port and buf (256 words). */
void ata_read_sector(void *buf);
void ata_write_sector(const void *buf);
/* Decode IDENTIFY's 256 words. */
void ata_parse_identify(const uint16_t *words, struct ata_identity *out);
/* Reset both drives of the channel (SRST), after a command went astray. */
void ata_soft_reset(void);

#endif
