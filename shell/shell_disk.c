/*
 * shell_disk — the console's `disk` command: what IDENTIFY said about the
 * swap disk and the driver's counters, or one sector as hex and text.
 */
#include "fs/disk.h"
#include "lib/string.h"
#include "shell/shell.h"
#include "shell/shell_cmd.h"

#define DUMP_ROW 16 /* bytes a line: 6 + 48 + 18 = 72 columns */

static void disk_show(void)
{
	const struct ata_identity *id = disk_identity();
	struct disk_stats st;
	if (!disk_present()) {
		shell_printf("disk: none (attach one with QEMU's -drive "
			     "...,if=ide,index=0; make run does)\n");
		return;
	}
	disk_stats(&st);
	shell_printf("ata0: \"%s\", primary master, ports 0x%x-0x%x and "
		     "0x%x, IRQ %u\n",
		     id->model, ATA_IO_BASE, ATA_IO_BASE + 7, ATA_CTRL_PORT,
		     ATA_IRQ);
	shell_printf("  %u sectors of %u bytes (%u KiB), LBA28 %s\n",
		     id->sectors, DISK_SECTOR_SIZE, id->sectors / 2,
		     id->lba ? "yes" : "no");
	shell_printf("  reads %u (%u sectors), writes %u (%u sectors)\n",
		     st.reads, st.sectors_read, st.writes, st.sectors_written);
	shell_printf("  interrupts %u, sleeps %u, errors %u (timeouts %u)\n",
		     st.irqs, st.sleeps, st.errors, st.timeouts);
}

static void dump_row(const uint8_t *p, unsigned off)
{
	char text[DUMP_ROW + 1];
	shell_printf("%04x:", off);
	for (int i = 0; i < DUMP_ROW; i++) {
		shell_printf(" %02x", p[i]);
		text[i] = (p[i] >= 0x20 && p[i] < 0x7F) ? (char)p[i] : '.';
	}
	text[DUMP_ROW] = 0;
	shell_printf(" |%s|\n", text);
}

static int disk_dump(const char *word)
{
	static uint8_t sec[DISK_SECTOR_SIZE];
	uint32_t lba;
	if (!disk_present()) {
		shell_printf("disk: no disk to read\n");
		return SHELL_EFAIL;
	}
	if (!shell_number(word, 0, disk_sectors() - 1, &lba))
		return SHELL_EUSAGE;
	int err = disk_read(lba, 1, sec);
	if (err) {
		shell_printf("disk: read of sector %u failed: error %d\n", lba,
			     err);
		return SHELL_EFAIL;
	}
	shell_printf("sector %u:\n", lba);
	for (unsigned off = 0; off < DISK_SECTOR_SIZE; off += DUMP_ROW)
		dump_row(sec + off, off);
	return SHELL_OK;
}

int shell_cmd_disk(int argc, char **argv)
{
	if (argc == 1) {
		disk_show();
		return SHELL_OK;
	}
	if (argc != 3 || strcmp(argv[1], "read") != 0)
		return shell_bad("expects nothing, or 'read LBA'");
	return disk_dump(argv[2]);
}
