/*
 * cmdline — the kernel command line as options any subsystem can read.
 *
 * The line (from GRUB's `multiboot` line or QEMU's `-append`) is parsed once
 * at boot by lib/options.c into `key=value` words.  Each getter applies the
 * caller's default and bounds; a bad value prints one warning naming the
 * option and what it accepts (once, however many subsystems read it), and
 * the default is used — a typo in an option
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
/*
 * For a value where a default would cost far more than asked for (soak=5
 * must not start a million-tick soak): 1 and *out set for a good value, 0
 * when absent, -1 after a warning ending in `refused` for a bad one.
 */
int cmdline_uint_strict(const char *key, uint32_t *out, uint32_t min,
			uint32_t max, const char *refused);
/* A comma list into out[]; returns its length, or -1 (warned, out unset). */
int cmdline_uint_list(const char *key, uint32_t *out, int max, uint32_t min,
		      uint32_t maxval);
/*
 * A warning about key that a getter cannot give (a list too long for the
 * number of levels, an option that needs another): marks key as used and
 * prints `cmdline: warning: ...` unless key has had its warning already.
 * Each option is warned about at most once, however many readers it has.
 */
__attribute__((format(printf, 2, 3))) void cmdline_warn(const char *key,
							const char *fmt, ...);
void cmdline_report_unused(void);
/* The words after " -- " (the init program's arguments), or "". */
const char *cmdline_init_args(void);
/* The whole line, as given. */
const char *cmdline_line(void);

#endif
