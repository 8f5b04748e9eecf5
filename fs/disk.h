/*
 * disk — the swap disk: whole-sector reads and writes on the ATA disk of
 * the primary IDE channel (drivers/ata.h), the calling task blocked on a
 * wait queue until IRQ 14 says the drive is ready, never spinning on it.
 *
 * Why here, in fs/: a request sleeps (sched/) and times out (kernel/time),
 * which drivers/ may not name (tools/layers).  fs/ is the lowest layer
 * above both, and everything that needs the disk can reach it by name:
 * the swap and fault code (proc/), the console's `disk` command (shell/)
 * and the self-tests.  Code in mm/ that wants the disk must be handed a
 * function (a hook set at boot), as the layering rule says.
 *
 * Every call returns 0 or a negated Linux errno, and prints one line
 * saying what went wrong (the textbook's "errors reported, not ignored"):
 *   -ENODEV     no disk (none attached, or not an ATA disk)
 *   -ENXIO      the request runs past the disk's last sector
 *   -EINVAL     a count of 0 sectors
 *   -EIO        the drive set ERR or DF (device fault), or gave no data
 *   -ETIMEDOUT  the drive did not answer within DISK_TIMEOUT_MS; the
 *               channel is reset so the next request can work
 * Every wait has a deadline in timer ticks, so no request hangs.
 * Requests are served one at a time, in arrival order (a wait queue).
 * Call from a task (not an interrupt handler, not the idle task), with
 * interrupts on or off: a blocked request turns them on while it sleeps.
 */
#ifndef KEEL_FS_DISK_H
#define KEEL_FS_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/ata.h"

#define DISK_SECTOR_SIZE ATA_SECTOR_SIZE
/* QEMU answers in microseconds; a real drive spinning up takes seconds. */
#define DISK_TIMEOUT_MS 2000

struct disk_stats {
	uint32_t reads, writes;			/* requests that succeeded */
	uint32_t sectors_read, sectors_written; /* by those requests */
	uint32_t irqs;				/* IRQ 14 deliveries */
	uint32_t sleeps;   /* times a request blocked until IRQ 14 */
	uint32_t errors;   /* requests that failed */
	uint32_t timeouts; /* of those, by a deadline */
};

/*
 * Look for the disk (IDENTIFY on the primary master) and print one line:
 * its model and size, or that there is none and the kernel goes on
 * without it.  Needs the scheduler (sched_init) and the timer.  Returns 0
 * or -ENODEV.
 */
int disk_init(void);
/* True once disk_init found an ATA disk with LBA. */
bool disk_present(void);
/* IDENTIFY's answer (meaningful only if disk_present). */
const struct ata_identity *disk_identity(void);
/* Sectors on the disk (0 without one). */
uint32_t disk_sectors(void);

/* Read/write `count` sectors from `lba` on; buf holds count * 512 bytes. */
int disk_read(uint32_t lba, uint32_t count, void *buf);
int disk_write(uint32_t lba, uint32_t count, const void *buf);

void disk_stats(struct disk_stats *out);

/* For the self-tests: while on, IRQ 14 is counted but not passed on, as if
 * the interrupt were lost, so a request must end by its deadline. */
void disk_test_lose_irqs(bool on);

#endif
