# console: the kernel console's pure parts (line editor, word splitting and
# numbers, PS/2 scancode translation), their tests, and the end-to-end
# console test, tools/console-test, which boots a kernel and types at it.

HOST_SUITES += console
HOST_SUITE_console := lib/lineedit.c lib/argv.c lib/scancode.c \
	tests/pure/test_lineedit.c tests/pure/test_argv.c \
	tests/pure/test_scancode.c tests/host/test_lineedit_host.c

help-extra::
	@echo "  tools/console-test --kernel $(BUILD)/keel.elf  drive the console (make run's"
	@echo "                  prompt) end to end: every command, then bad input"
