# gdb script for keel: `make debug` loads it, or by hand
#   gdb -x tools/gdb/keel.gdb build/keel.elf
# with QEMU started as `make debug-server` (halted, gdb stub on :1234).
set pagination off
set confirm off
set disassembly-flavor intel
# The kernel's symbols are linked at their higher-half addresses, so
# breakpoints and source lines work as soon as paging is on (boot/entry.asm
# jumps high before calling kmain).
target remote localhost:1234
break kmain
continue
