/*
 * The ATA disk (fs/disk.h over drivers/ata.h).  Cases that need a disk skip
 * without one; the harness's `disk` group boots them with a scratch image
 * whose every sector describes itself:
 *   bytes 0-3   the sector's LBA, little-endian
 *   bytes 4-7   the image's size in sectors
 *   byte i >= 8 (lba * 7 + i) & 0xFF
 * so a read of the wrong sector, a wrong size from IDENTIFY or a shifted
 * word all show.  The write cases restore what they change, except
 * write_persists, whose marker the harness looks for in the image file
 * after QEMU exits (the data reached the disk, past the drive's cache).
 */
#include "fs/disk.h"
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kheap.h"

#define NO_DISK	     "no disk (the harness's disk group attaches one)"
#define PERSIST_MARK "keel ata write_persists"

static uint8_t sec[DISK_SECTOR_SIZE], sec2[2 * DISK_SECTOR_SIZE];
static uint8_t saved[2 * DISK_SECTOR_SIZE], three[3 * DISK_SECTOR_SIZE];

static void need_disk(void)
{
	if (!disk_present())
		ktest_skip(NO_DISK);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The first byte where p differs from sector lba's pattern, or -1. */
static int pattern_mismatch(const uint8_t *p, uint32_t lba)
{
	if (le32(p) != lba || le32(p + 4) != disk_sectors())
		return 0;
	for (int i = 8; i < DISK_SECTOR_SIZE; i++)
		if (p[i] != (uint8_t)(lba * 7 + (uint32_t)i))
			return i;
	return -1;
}

KTEST(ata, identify_matches_the_image)
{
	need_disk();
	const struct ata_identity *id = disk_identity();
	KEXPECT_TRUE(id->lba);
	KEXPECT_GT(strlen(id->model), 0);
	KASSERT_EQ(disk_read(0, 1, sec), 0);
	KEXPECT_EQ(disk_sectors(), le32(sec + 4)); /* the harness's size */
	KEXPECT_EQ(id->sectors, disk_sectors());
}

KTEST(ata, read_known_sectors)
{
	need_disk();
	uint32_t last = disk_sectors() - 1;
	const uint32_t lbas[] = {0, 1, 2, 255, 256, 257, last / 2, last};
	for (unsigned i = 0; i < sizeof(lbas) / sizeof(lbas[0]); i++) {
		KASSERT_EQ(disk_read(lbas[i], 1, sec), 0);
		KEXPECT_EQ(pattern_mismatch(sec, lbas[i]), -1);
	}
}

/* 300 sectors: two commands (256 + 44), one interrupt and one sleep a
 * sector: the task waits blocked, it does not poll. */
KTEST(ata, read_several_sectors_blocks_per_interrupt)
{
	need_disk();
	const uint32_t n = 300, first = 5;
	struct disk_stats before, after;
	uint8_t *buf = kmalloc(n * DISK_SECTOR_SIZE);
	KASSERT_NOT_NULL(buf);
	disk_stats(&before);
	int err = disk_read(first, n, buf);
	disk_stats(&after);
	KEXPECT_EQ(err, 0);
	int bad = 0;
	for (uint32_t s = 0; s < n && err == 0; s++)
		if (pattern_mismatch(buf + s * DISK_SECTOR_SIZE, first + s) !=
		    -1)
			bad++;
	kfree(buf);
	KEXPECT_EQ(bad, 0);
	KEXPECT_EQ(after.sectors_read - before.sectors_read, n);
	KEXPECT_GE(after.irqs - before.irqs, n);
	KEXPECT_GE(after.sleeps - before.sleeps, n);
}

KTEST(ata, write_then_read_back)
{
	need_disk();
	uint32_t lba = disk_sectors() - 4;
	KASSERT_EQ(disk_read(lba, 2, saved), 0);
	for (int i = 0; i < 2 * DISK_SECTOR_SIZE; i++)
		sec2[i] = (uint8_t)(0xA5 ^ i ^ (i >> 8));
	KEXPECT_EQ(disk_write(lba, 2, sec2), 0);
	memset(sec2, 0, sizeof(sec2));
	KEXPECT_EQ(disk_read(lba, 2, sec2), 0);
	int bad = 0;
	for (int i = 0; i < 2 * DISK_SECTOR_SIZE; i++)
		if (sec2[i] != (uint8_t)(0xA5 ^ i ^ (i >> 8)))
			bad++;
	KEXPECT_EQ(bad, 0);
	KEXPECT_EQ(disk_write(lba, 2, saved), 0);
	KEXPECT_EQ(disk_read(lba, 2, sec2), 0);
	KEXPECT_EQ(pattern_mismatch(sec2, lba), -1);
	KEXPECT_EQ(pattern_mismatch(sec2 + DISK_SECTOR_SIZE, lba + 1), -1);
}

KTEST(ata, read_past_the_end_is_an_error)
{
	need_disk();
	uint32_t n = disk_sectors();
	struct disk_stats before, after;
	disk_stats(&before);
	KEXPECT_EQ(disk_read(n, 1, sec), -ENXIO);
	KEXPECT_EQ(disk_read(n - 1, 2, sec2), -ENXIO);
	KEXPECT_EQ(disk_read(0xFFFFFFFFu, 2, sec2), -ENXIO); /* wraps */
	KEXPECT_EQ(disk_write(n, 1, sec), -ENXIO);
	KEXPECT_EQ(disk_read(0, 0, sec), -EINVAL);
	disk_stats(&after);
	KEXPECT_EQ(after.errors - before.errors, 5);
	KEXPECT_EQ(after.sectors_read, before.sectors_read);
	/* The disk still works after the refusals. */
	KEXPECT_EQ(disk_read(n - 1, 1, sec), 0);
	KEXPECT_EQ(pattern_mismatch(sec, n - 1), -1);
}

KTEST(ata, write_persists)
{
	need_disk();
	memset(sec, 0, sizeof(sec));
	memcpy(sec, PERSIST_MARK, sizeof(PERSIST_MARK));
	KEXPECT_EQ(disk_write(disk_sectors() - 2, 1, sec), 0);
}

/*
 * The harness's error boot puts the image behind QEMU's blkdebug driver,
 * which fails every read of one sector with EIO; the IDE controller then
 * answers with ERR in the status and ABRT in the error register.  Sector 0
 * says which sector (bytes 8-11 the magic, 12-15 the LBA); any other image
 * has the pattern there, so the case skips.
 */
#define ERROR_BOOT_MAGIC 0xBAD5EC70u

KTEST(ata, drive_error_is_reported)
{
	need_disk();
	KASSERT_EQ(disk_read(0, 1, sec), 0);
	if (le32(sec + 8) != ERROR_BOOT_MAGIC)
		ktest_skip("no failing sector (the harness's disk-error boot "
			   "sets one)");
	uint32_t bad = le32(sec + 12);
	struct disk_stats before, after;
	disk_stats(&before);
	KEXPECT_EQ(disk_read(bad, 1, sec), -EIO);
	KEXPECT_EQ(disk_read(bad - 1, 3, three), -EIO);
	disk_stats(&after);
	KEXPECT_EQ(after.errors - before.errors, 2);
	KEXPECT_EQ(after.timeouts, before.timeouts);
	/* The drive answers again at once: no reset, no hang. */
	KEXPECT_EQ(disk_read(bad - 1, 1, sec), 0);
	KEXPECT_EQ(pattern_mismatch(sec, bad - 1), -1);
}

/* A lost interrupt: the request ends at its deadline (DISK_TIMEOUT_MS) with
 * -ETIMEDOUT, the channel is reset, and the next request works. */
KTEST_BUDGET(ata, lost_interrupt_times_out, 2000)
{
	need_disk();
	struct disk_stats before, after;
	disk_stats(&before);
	uint64_t t0 = time_ticks();
	disk_test_lose_irqs(true);
	int err = disk_read(7, 1, sec);
	disk_test_lose_irqs(false);
	uint64_t waited = time_ticks() - t0;
	disk_stats(&after);
	KEXPECT_EQ(err, -ETIMEDOUT);
	KEXPECT_EQ(after.timeouts - before.timeouts, 1);
	KEXPECT_GE(waited, (uint64_t)DISK_TIMEOUT_MS * time_hz() / 1000);
	KEXPECT_LE(waited, (uint64_t)DISK_TIMEOUT_MS * time_hz() / 1000 + 10);
	KEXPECT_EQ(disk_read(7, 1, sec), 0);
	KEXPECT_EQ(pattern_mismatch(sec, 7), -1);
}

KTEST(ata, no_disk_means_enodev)
{
	if (disk_present())
		ktest_skip("a disk is attached");
	KEXPECT_EQ(disk_sectors(), 0);
	KEXPECT_EQ(disk_read(0, 1, sec), -ENODEV);
	KEXPECT_EQ(disk_write(0, 1, sec), -ENODEV);
}
