# lib: the pure library (formatting, strings, ring buffer, options, glob).
#
# The host suite links the pure sources with their tests.  lib/string.c is
# not listed: on the host the C library provides those names, and
# tests/host/test_string_host.c compiles lib/string.c (and the pure string
# tests) itself, under other names, so that the kernel's code is what is
# tested.

HOST_SUITES += lib
HOST_SUITE_lib := lib/fmt.c lib/ringbuf.c lib/options.c lib/glob.c \
	tests/pure/test_fmt.c tests/pure/test_ringbuf.c \
	tests/pure/test_options.c tests/pure/test_glob.c \
	tests/host/test_fmt_host.c tests/host/test_string_host.c \
	tests/host/test_ringbuf_host.c tests/host/test_options_host.c \
	tests/host/test_glob_host.c

# gcc recognises a byte loop as memset or memcpy and replaces it with a call
# to that function, which inside memset itself would recurse for ever.
# -fno-tree-loop-distribute-patterns turns that off for the file that
# defines them, and for its host test, which must run this code and not
# glibc's.
$(BUILD)/k/lib/string.o: KCFLAGS += -fno-tree-loop-distribute-patterns
$(BUILD)/host/tests/host/test_string_host.o: \
	HOSTCFLAGS += -fno-tree-loop-distribute-patterns -fno-builtin
