/*
 * userinit — starting process 1 and seeing it off (userinit.h).
 */
#include "init/userinit.h"

#include "arch/qemu.h"
#include "fs/initrd.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "proc/proc.h"

#define INIT_ARGV_MAX 32
#define INIT_DEFAULT  "/bin/sh"

void userinit_initrd(void)
{
	if (bootinfo.has_module)
		initrd_init(bootinfo.module.start, bootinfo.module.end);
}

bool userinit_wanted(void)
{
	(void)cmdline_str("init"); /* read now: not reported as unknown */
	return initrd_present() && !cmdline_has("monitor");
}

/*
 * The words after " -- ", split at blanks; double quotes group words
 * ("a b" is one argument, quotes removed), as Linux's command-line parser
 * does.  In place; returns the number of words (at most max).
 */
static int split_words(char *s, char **out, int max)
{
	int n = 0;
	char *r = s, *w = s;
	while (n < max) {
		bool quoted = false;
		while (*r == ' ')
			r++;
		if (!*r)
			break;
		out[n++] = w;
		while (*r && (quoted || *r != ' ')) {
			if (*r == '"')
				quoted = !quoted;
			else
				*w++ = *r;
			r++;
		}
		if (*r)
			r++;
		*w++ = '\0';
	}
	return n;
}

void userinit_run(bool poweroff)
{
	static char words[512];
	char *argv[INIT_ARGV_MAX + 2];
	const char *path = cmdline_str("init");
	char how[24];
	int argc = 1, rc, ws;
	if (!path || !path[0])
		path = INIT_DEFAULT;
	argv[0] = (char *)path;
	strlcpy(words, cmdline_init_args(), sizeof(words));
	argc += split_words(words, argv + 1, INIT_ARGV_MAX);
	argv[argc] = NULL;
	rc = proc_run(path, argv, NULL, &ws);
	if (rc < 0) {
		console_set_quiet(false);
		kprintf("init: cannot run %s: %s\n", path,
			errno_name(-rc) ? errno_name(-rc) : "error");
		if (poweroff)
			qemu_exit(QEMU_EXIT_INIT_FAIL);
		return;
	}
	if (poweroff)
		qemu_exit(ws == 0 ? QEMU_EXIT_INIT_OK : QEMU_EXIT_INIT_FAIL);
	proc_status_text(ws, how, sizeof(how));
	kprintf("init: %s ended (%s); the kernel console follows\n", path, how);
}
