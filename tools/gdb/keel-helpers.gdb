# keel-helpers.gdb: load keel's gdb helpers (tools/gdb/keel.py) without
# connecting anywhere.  For tools/gdb-test, and for attaching by hand:
#   gdb -x tools/gdb/keel-helpers.gdb -ex 'target remote :1234' build/keel.elf
# tools/gdb/keel.gdb (what `make debug` runs) sources this file first.
set pagination off
set confirm off
set disassembly-flavor intel
# keel.py is found from the current directory (the repo root, where `make
# debug` runs gdb), or else from the kernel's own debug information: the
# source file of kmain is init/main.c under the repo it was built from.
# So `gdb -x /path/to/keel/tools/gdb/keel-helpers.gdb build/keel.elf` works
# from anywhere, with no auto-load safe-path to set up.
python
import os
def _keel_helpers_path():
    here = os.path.join("tools", "gdb", "keel.py")
    if os.path.isfile(here):
        return here
    sym = gdb.lookup_global_symbol("kmain")
    if sym is not None and sym.symtab is not None:
        root = os.path.dirname(os.path.dirname(sym.symtab.fullname()))
        there = os.path.join(root, "tools", "gdb", "keel.py")
        if os.path.isfile(there):
            return there
    return None
_keel_py = _keel_helpers_path()
if _keel_py:
    gdb.execute("source " + _keel_py)
else:
    print("keel-helpers: tools/gdb/keel.py not found, so no keel-* "
          "commands: run gdb from the repo root, or load the kernel ELF first")
end
