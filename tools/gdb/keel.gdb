# gdb script for keel: `make debug` (tools/debug) loads it, or by hand
#   gdb -x tools/gdb/keel.gdb build/keel.elf
# with QEMU started as `make debug-server` (halted, gdb stub on :1234).
# Run it from the repo root (make does); the helpers' commands (keel-ps,
# keel-mlfq, keel-vtop, keel-ptdump, keel-heap, keel-frames, keel-trapframe,
# keel-locks, keel-deadlock, keel-vmstat;
# keel-help lists them) come from keel-helpers.gdb, which also sets the
# pagination, confirmation and disassembly options.
source tools/gdb/keel-helpers.gdb
# The kernel's symbols are linked at their higher-half addresses, so
# breakpoints and source lines work as soon as paging is on (boot/entry.asm
# jumps high before calling kmain).
# The stub's address: $KEEL_GDB_REMOTE (tools/debug sets it to the port it
# checked and gave QEMU), else localhost:1234 (make debug-server).
python
import os
gdb.execute("target remote " +
            os.environ.get("KEEL_GDB_REMOTE", "localhost:1234"))
end
break kmain
continue
