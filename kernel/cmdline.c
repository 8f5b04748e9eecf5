/*
 * cmdline — option getters with warnings (see cmdline.h).
 */
#include "kernel/cmdline.h"

#include <stdarg.h>

#include "kernel/console.h"
#include "lib/options.h"
#include "lib/string.h"

#define CMDLINE_WARN_MAX 160

static struct options opts;
static char line_copy[OPT_LINE_MAX];
static uint32_t used_mask;   /* bit i: option i was asked for */
static uint32_t warned_mask; /* bit i: option i has had its warning */

/* The option's index (its bit in the masks), or -1 when it is absent. */
static int key_index(const char *key)
{
	for (int i = 0; i < opt_count(&opts) && i < 32; i++)
		if (strcmp(opt_key(&opts, i), key) == 0)
			return i;
	return -1;
}

static void mark_used(const char *key)
{
	int i = key_index(key);
	if (i >= 0)
		used_mask |= 1u << i;
}

/*
 * Several subsystems may read the same option (the scheduler and the
 * workload runner both read mlfq.*): a bad value is reported once, by the
 * first reader, not once per reader.
 */
static bool first_warning(const char *key)
{
	int i = key_index(key);
	if (i < 0)
		return true;
	if (warned_mask & (1u << i))
		return false;
	warned_mask |= 1u << i;
	return true;
}

static void warn(const char *key, const char *w)
{
	if (w[0] && first_warning(key))
		kprintf("cmdline: warning: %s\n", w);
}

void cmdline_warn(const char *key, const char *fmt, ...)
{
	va_list ap;
	mark_used(key);
	if (!first_warning(key))
		return;
	kprintf("cmdline: warning: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

/* Skip the image path a multiboot loader puts first (see cmdline.h). */
static const char *skip_image_path(const char *line)
{
	const char *end = line;
	bool slash = false;
	while (*end == ' ')
		end++;
	line = end;
	while (*end && *end != ' ') {
		if (*end == '=')
			return line;
		slash |= *end == '/';
		end++;
	}
	if (slash || (end - line >= 4 && strncmp(end - 4, ".elf", 4) == 0))
		return end;
	return line;
}

/* What follows " -- ": the first program's arguments (Linux's rule). */
static char init_args[OPT_LINE_MAX];

const char *cmdline_init_args(void)
{
	return init_args;
}

void cmdline_init(const char *line)
{
	char opts_part[OPT_LINE_MAX];
	const char *dash;
	line = skip_image_path(line);
	while (*line == ' ')
		line++;
	strlcpy(line_copy, line, sizeof(line_copy));
	strlcpy(opts_part, line, sizeof(opts_part));
	dash = strncmp(opts_part, "-- ", 3) == 0 || strcmp(opts_part, "--") == 0
		   ? opts_part
		   : strstr(opts_part, " -- ");
	if (!dash && strlen(opts_part) >= 3 &&
	    strcmp(opts_part + strlen(opts_part) - 3, " --") == 0)
		dash = opts_part + strlen(opts_part) - 3;
	if (dash) {
		const char *args = dash + (dash[0] == ' ' ? 3 : 2);
		while (*args == ' ')
			args++;
		strlcpy(init_args, args, sizeof(init_args));
		opts_part[dash - opts_part] = '\0';
	}
	opt_parse(&opts, opts_part);
	for (int i = 0; i < opt_error_count(&opts); i++)
		kprintf("cmdline: warning: %s\n", opt_error(&opts, i));
	if (opts.errors_dropped)
		kprintf("cmdline: warning: %d more malformed words\n",
			opts.errors_dropped);
	if (opts.truncated)
		kprintf("cmdline: warning: command line too long; cut at %u "
			"bytes\n",
			OPT_LINE_MAX - 1);
}

const char *cmdline_line(void)
{
	return line_copy;
}

bool cmdline_has(const char *key)
{
	mark_used(key);
	return opt_has(&opts, key);
}

const char *cmdline_str(const char *key)
{
	mark_used(key);
	return opt_str(&opts, key);
}

uint32_t cmdline_uint(const char *key, uint32_t def, uint32_t min, uint32_t max)
{
	char w[CMDLINE_WARN_MAX];
	uint32_t v = opt_uint(&opts, key, def, min, max, w, sizeof(w));
	mark_used(key);
	warn(key, w);
	return v;
}

bool cmdline_bool(const char *key, bool def)
{
	char w[CMDLINE_WARN_MAX];
	bool v = opt_bool(&opts, key, def, w, sizeof(w));
	mark_used(key);
	warn(key, w);
	return v;
}

int cmdline_choice(const char *key, const char *const choices[], int n, int def)
{
	char w[CMDLINE_WARN_MAX];
	int v = opt_choice(&opts, key, choices, n, def, w, sizeof(w));
	mark_used(key);
	warn(key, w);
	return v;
}

int cmdline_uint_strict(const char *key, uint32_t *out, uint32_t min,
			uint32_t max, const char *refused)
{
	char w[CMDLINE_WARN_MAX];
	int v =
	    opt_uint_strict(&opts, key, out, min, max, refused, w, sizeof(w));
	mark_used(key);
	warn(key, w);
	return v;
}

int cmdline_uint_list(const char *key, uint32_t *out, int max, uint32_t min,
		      uint32_t maxval)
{
	char w[CMDLINE_WARN_MAX];
	int v = opt_uint_list(&opts, key, out, max, min, maxval, w, sizeof(w));
	mark_used(key);
	warn(key, w);
	return v;
}

void cmdline_report_unused(void)
{
	for (int i = 0; i < opt_count(&opts) && i < 32; i++)
		if (!(used_mask & (1u << i)))
			kprintf(
			    "cmdline: warning: unknown option '%s' ignored\n",
			    opt_key(&opts, i));
}
