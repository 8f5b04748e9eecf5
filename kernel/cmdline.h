/*
 * cmdline — the kernel command line as options any subsystem can read.
 *
 * The line (from GRUB's `multiboot` line or QEMU's `-append`) is parsed once
 * at boot by lib/options.c into `key=value` words.  Each getter applies the
 * caller's default and bounds; a bad value prints one warning naming the
 * option and what it accepts, and the default is used — a typo in an option
 * never stops the boot.  After boot, cmdline_report_unused() names every
 * option that no subsystem asked for (usually a misspelt key).
 *
 * Multiboot loaders put the kernel image's path first (GRUB: "/boot/keel.elf
 * hz=250", QEMU: "build/keel.elf hz=250"); a first word with no '=' that
 * contains a '/' or ends in ".elf" is that path and is not an option.
 */
#ifndef KEEL_KERNEL_CMDLINE_H
#define KEEL_KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

void cmdline_init(const char *line);
bool cmdline_has(const char *key);
/* The raw value ("" for a bare flag), or NULL when absent. */
const char *cmdline_str(const char *key);
uint32_t cmdline_uint(const char *key, uint32_t def, uint32_t min,
		      uint32_t max);
bool cmdline_bool(const char *key, bool def);
int cmdline_choice(const char *key, const char *const choices[], int n,
		   int def);
/* A comma list into out[]; returns its length, or -1 (warned, out unset). */
int cmdline_uint_list(const char *key, uint32_t *out, int max, uint32_t min,
		      uint32_t maxval);
void cmdline_report_unused(void);
/* The whole line, as given. */
const char *cmdline_line(void);

#endif
