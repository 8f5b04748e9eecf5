/*
 * disk — blocking, interrupt-driven sector I/O over drivers/ata (disk.h).
 *
 * The protocol of a PIO transfer (ATA-6, 9.7 "PIO data-in" and 9.8
 * "PIO data-out"):
 *   read:  command; then for each sector the drive raises IRQ 14 with DRQ
 *          set, and the CPU takes the sector's 256 words from the data port;
 *   write: command; the drive sets DRQ (no interrupt) for the first sector;
 *          after each sector it raises IRQ 14, with DRQ again if it wants
 *          the next one, and without it after the last.
 * Between interrupts the task sleeps on irq_wq: this is OSTEP's
 * interrupt-driven I/O, where the CPU runs another task while the device
 * works instead of polling it (OSTEP chapter 36, "Lowering CPU overhead
 * with interrupts").  The waits for BSY to clear before a
 * command and for the first DRQ of a write are polled (a few microseconds
 * on any drive that is there), also against a deadline.
 */
#include "fs/disk.h"

#include "arch/x86.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "sched/task.h"

/* A poll loop reads the clock every this many status reads. */
#define DISK_POLLS_PER_CLOCK 64

static bool present;
static struct ata_identity identity;
static struct disk_stats stats;

static struct wait_queue irq_wq;  /* the request waiting for IRQ 14 */
static struct wait_queue idle_wq; /* requests waiting for the channel */
static bool busy;		  /* a request owns the channel */
static volatile bool irq_seen;	  /* IRQ 14 came since the command */
static volatile uint8_t irq_status;
static volatile uint64_t irq_deadline; /* 0: nobody waits */
static bool lose_irqs;		       /* disk_test_lose_irqs */

static void disk_irq(uint8_t status)
{
	stats.irqs++;
	if (lose_irqs)
		return;
	irq_status = status;
	irq_seen = true;
	wq_wake_all(&irq_wq);
}

/* The timeout: wake the waiter when its deadline has passed. */
static TRAP_CALL void disk_tick(uint64_t now, struct trap_frame *tf)
{
	(void)tf;
	if (irq_deadline && now >= irq_deadline)
		wq_wake_all(&irq_wq);
}

static uint32_t timeout_ticks(void)
{
	return (uint32_t)((uint64_t)DISK_TIMEOUT_MS * time_hz() / 1000) + 1;
}

/* Sleep until IRQ 14 (its status in *status) or the deadline.  Interrupts
 * off, the command issued after irq_seen was cleared. */
static int wait_irq(uint8_t *status)
{
	irq_deadline = time_ticks() + timeout_ticks();
	while (!irq_seen && time_ticks() < irq_deadline) {
		stats.sleeps++;
		wq_block(&irq_wq);
	}
	irq_deadline = 0;
	if (!irq_seen)
		return -ETIMEDOUT;
	irq_seen = false;
	*status = irq_status;
	return 0;
}

/*
 * Poll (interrupts on) until (status & mask) == want, or the deadline.
 * With errors_count, ERR or DF ends the wait as -EIO: only once our own
 * command is running (before it, they are the last command's, and the
 * next command clears them).
 */
static int poll_status(uint8_t mask, uint8_t want, bool errors_count,
		       uint8_t *status)
{
	uint64_t end = time_ticks() + timeout_ticks();
	for (uint32_t n = 0;; n++) {
		uint8_t st = ata_alt_status();
		if (errors_count && !(st & ATA_SR_BSY) &&
		    (st & (ATA_SR_ERR | ATA_SR_DF))) {
			*status = st;
			return -EIO;
		}
		if ((st & mask) == want) {
			*status = st;
			return 0;
		}
		if (n % DISK_POLLS_PER_CLOCK == 0 && time_ticks() >= end)
			return -ETIMEDOUT;
	}
}

static void disk_lock(void)
{
	bool on = irq_save();
	while (busy)
		wq_block(&idle_wq);
	busy = true;
	irq_restore(on);
}

static void disk_unlock(void)
{
	bool on = irq_save();
	busy = false;
	wq_wake_one(&idle_wq);
	irq_restore(on);
}

/* The status after a sector's interrupt: an error, or DRQ as expected. */
static int check_status(uint8_t st, bool want_drq)
{
	if (st & (ATA_SR_ERR | ATA_SR_DF))
		return -EIO;
	if (want_drq && !(st & ATA_SR_DRQ))
		return -EIO;
	return 0;
}

/* One line on what failed; a timeout also resets the channel. */
static int report(const char *what, uint32_t lba, uint32_t count, int err,
		  uint8_t st)
{
	stats.errors++;
	if (err == -ETIMEDOUT) {
		stats.timeouts++;
		kprintf("disk: %s of %u sector(s) at %u: no answer in %u ms "
			"(status 0x%02x); channel reset\n",
			what, count, lba, DISK_TIMEOUT_MS, ata_alt_status());
		ata_soft_reset();
	} else if (st & ATA_SR_DF) {
		kprintf("disk: %s of %u sector(s) at %u: device fault (status "
			"0x%02x)\n",
			what, count, lba, st);
	} else {
		kprintf("disk: %s of %u sector(s) at %u: drive error 0x%02x "
			"(status 0x%02x)\n",
			what, count, lba, (st & ATA_SR_ERR) ? ata_error() : 0,
			st);
	}
	return err;
}

/* One READ SECTORS command of 1-256 sectors. */
static int read_chunk(uint32_t lba, uint32_t count, uint8_t *buf)
{
	uint8_t st = 0;
	int err = poll_status(ATA_SR_BSY, 0, false, &st);
	if (err)
		return report("read", lba, count, err, st);
	bool on = irq_save();
	irq_seen = false;
	ata_command_lba28(ATA_CMD_READ_SECTORS, lba, count);
	for (uint32_t i = 0; i < count && !err; i++) {
		err = wait_irq(&st);
		if (!err)
			err = check_status(st, true);
		if (!err)
			ata_read_sector(buf + i * ATA_SECTOR_SIZE);
	}
	irq_restore(on);
	return err ? report("read", lba, count, err, st) : 0;
}

/* One WRITE SECTORS command of 1-256 sectors. */
static int write_chunk(uint32_t lba, uint32_t count, const uint8_t *buf)
{
	uint8_t st = 0;
	int err = poll_status(ATA_SR_BSY, 0, false, &st);
	if (err)
		return report("write", lba, count, err, st);
	bool on = irq_save();
	irq_seen = false;
	ata_command_lba28(ATA_CMD_WRITE_SECTORS, lba, count);
	irq_restore(on); /* the first DRQ comes without an interrupt */
	err = poll_status(ATA_SR_BSY | ATA_SR_DRQ, ATA_SR_DRQ, true, &st);
	on = irq_save();
	for (uint32_t i = 0; i < count && !err; i++) {
		ata_write_sector(buf + i * ATA_SECTOR_SIZE);
		err = wait_irq(&st);
		if (!err)
			err = check_status(st, i + 1 < count);
	}
	if (!err) { /* the drive's write cache to the medium */
		ata_command(ATA_CMD_CACHE_FLUSH);
		err = wait_irq(&st);
		if (!err)
			err = check_status(st, false);
	}
	irq_restore(on);
	return err ? report("write", lba, count, err, st) : 0;
}

/* Validate before touching the drive. */
static int check_request(const char *what, uint32_t lba, uint32_t count)
{
	if (!present) {
		stats.errors++;
		kprintf("disk: %s: no disk\n", what);
		return -ENODEV;
	}
	if (count == 0) {
		stats.errors++;
		kprintf("disk: %s of 0 sectors\n", what);
		return -EINVAL;
	}
	if (count > identity.sectors || lba > identity.sectors - count) {
		stats.errors++;
		kprintf(
		    "disk: %s of %u sector(s) at %u: past the end of the disk "
		    "(%u sectors)\n",
		    what, count, lba, identity.sectors);
		return -ENXIO;
	}
	return 0;
}

int disk_read(uint32_t lba, uint32_t count, void *buf)
{
	int err = check_request("read", lba, count);
	if (err)
		return err;
	disk_lock();
	uint8_t *p = buf;
	for (uint32_t done = 0; done < count && !err;) {
		uint32_t n = count - done;
		if (n > ATA_MAX_PER_COMMAND)
			n = ATA_MAX_PER_COMMAND;
		err = read_chunk(lba + done, n, p + done * ATA_SECTOR_SIZE);
		done += n;
	}
	if (!err) {
		stats.reads++;
		stats.sectors_read += count;
	}
	disk_unlock();
	return err;
}

int disk_write(uint32_t lba, uint32_t count, const void *buf)
{
	int err = check_request("write", lba, count);
	if (err)
		return err;
	disk_lock();
	const uint8_t *p = buf;
	for (uint32_t done = 0; done < count && !err;) {
		uint32_t n = count - done;
		if (n > ATA_MAX_PER_COMMAND)
			n = ATA_MAX_PER_COMMAND;
		err = write_chunk(lba + done, n, p + done * ATA_SECTOR_SIZE);
		done += n;
	}
	if (!err) {
		stats.writes++;
		stats.sectors_written += count;
	}
	disk_unlock();
	return err;
}

/* IDENTIFY DEVICE, answered with one sector of data and IRQ 14. */
static int identify(void)
{
	static uint16_t words[ATA_SECTOR_WORDS];
	uint8_t st = 0;
	bool on = irq_save();
	irq_seen = false;
	ata_command(ATA_CMD_IDENTIFY);
	/* No drive behind the select: the status reads 0 (QEMU, and most
	 * controllers); an ATAPI drive (a CD-ROM) aborts with ERR. */
	int err = ata_alt_status() == 0 ? -ENODEV : wait_irq(&st);
	if (!err)
		err = (st & ATA_SR_ERR) ? -ENODEV : check_status(st, true);
	if (!err)
		ata_read_sector(words);
	irq_restore(on);
	if (!err)
		ata_parse_identify(words, &identity);
	return err;
}

int disk_init(void)
{
	wq_init_named(&irq_wq, "disk irq");
	wq_init_named(&idle_wq, "disk channel");
	if (ata_bus_floating()) {
		kprintf("disk: no IDE controller on the primary channel; "
			"going on without a disk\n");
		return -ENODEV;
	}
	ata_select_master();
	time_add_tick_hook(disk_tick);
	ata_set_irq_hook(disk_irq);
	int err = identify();
	if (err == 0 && !identity.lba)
		err = -ENODEV;
	if (err) {
		kprintf("disk: no ATA disk on the primary channel (%s); going "
			"on without a disk\n",
			err == -ETIMEDOUT ? "IDENTIFY timed out"
					  : "none there");
		return -ENODEV;
	}
	present = true;
	kprintf("disk: ata0 \"%s\", %u sectors (%u KiB), LBA28, IRQ %u\n",
		identity.model, identity.sectors, identity.sectors / 2,
		ATA_IRQ);
	return 0;
}

bool disk_present(void)
{
	return present;
}

const struct ata_identity *disk_identity(void)
{
	return &identity;
}

uint32_t disk_sectors(void)
{
	return present ? identity.sectors : 0;
}

void disk_stats(struct disk_stats *out)
{
	bool on = irq_save();
	*out = stats;
	irq_restore(on);
}

void disk_test_lose_irqs(bool on)
{
	lose_irqs = on;
}
