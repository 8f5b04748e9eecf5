"""keel.py: gdb commands that read keel's own data structures.

Loaded by tools/gdb/keel.gdb (`make debug`) and tools/gdb/keel-helpers.gdb
(the same, without connecting), or by hand with `source tools/gdb/keel.py`.
Every command works on a halted kernel at any breakpoint and only reads:

  keel-ps               the tasks (sched/task.c's all_tasks list)
  keel-mlfq             the MLFQ levels and their queues (sched/mlfq.h)
  keel-vtop [-p PID] ADDR  one address through the page tables
  keel-ptdump [-p PID | CR3]  the mapped ranges of an address space
  keel-heap [all]       the kernel heap's blocks, lists, and a check
  keel-frames [N]       the frame bitmap, in runs
  keel-trapframe [ADDR] a saved struct trap_frame, decoded

ADDR and CR3 are gdb expressions: `keel-vtop &kheap`, `keel-trapframe
gdb_fixture_state.task[0]->tf`.  Layouts come from the kernel's debug
information (struct fields, array sizes, enum names) wherever DWARF has
them; what it cannot carry (the #define'd constants of mm/vm.h, arch/x86.h
and mm/heap.c) is repeated below with the file it comes from.

Physical memory.  Page tables are frames that the kernel does not keep
mapped, except the current space's through its recursive directory entry
(mm/vm.h).  QEMU's gdb stub can read physical memory directly: the packet
`Qqemu.PhyMemMode:1` switches its memory reads from virtual (through the
CPU's current CR3) to physical, `:0` switches back.  QEMU 7.2 (Debian 12)
answers it with "OK", and the reads are ordinary binary memory reads of any
size, so this is the first choice; it works for any CR3, not just the
current one.  When a stub does not know the packet (an older QEMU, another
emulator), `monitor xp` is the fallback: same data, parsed from text, QEMU
only.  Failing both, the current space can still be read through the
recursive mapping at 0xFFC00000/0xFFFFF000, which is how the kernel itself
reads it; another CR3 then cannot be walked, and the commands say so.  The
way is probed again by every command (a reconnection may reach another
stub); `set keel-phys phymem|xp|none` forces one, `auto` probes.
"""

import re
import struct

import gdb

# --------------------------------------------------------------- layout --
# arch/x86.h: the page-table entry bits (002_a995ac13012f81cc.txt lists
# them as present, protection, accessed, dirty, cache-disable).
PTE_P, PTE_W, PTE_U = 0x001, 0x002, 0x004
PTE_PWT, PTE_PCD, PTE_A, PTE_D = 0x008, 0x010, 0x020, 0x040
PTE_PS, PTE_G = 0x080, 0x100  # PS in a directory entry: a 4 MiB page
PTE_COW = 0x200  # mm/uvm.h's UVM_PTE_COW: shared since a fork
PTE_FRAME = 0xFFFFF000
FLAG_NAMES = ((PTE_P, "P"), (PTE_W, "W"), (PTE_U, "U"), (PTE_PWT, "PWT"),
              (PTE_PCD, "PCD"), (PTE_A, "A"), (PTE_D, "D"), (PTE_G, "G"))
PAGE = 4096
# mm/vm.h: the 10/10/12 split, the recursive slot and the area names.
RECURSIVE_PDI = 1023
# mm/kstack.h: each kernel stack slot is a guard page, then KSTACK_SIZE.
VM_KSTACK_BASE, KSTACK_SLOT_BYTES = 0xC8000000, PAGE + 16384
VM_PAGE_TABLES, VM_PAGE_DIRECTORY = 0xFFC00000, 0xFFFFF000
VM_AREAS = ((0x00000000, 0x00001000, "NULL guard (never mapped)"),
            (0x00001000, 0xC0000000, "user space"),
            (0xC0000000, 0xC0100000, "first MiB of RAM"),
            (0xC8000000, 0xD0000000, "kernel stacks"),
            (0xD0000000, 0xF0000000, "kernel heap"),
            (0xF0000000, 0xF0200000, "frame reference counts (pageref)"),
            (0xF0200000, 0xF8000000, "the initrd, read-only"),
            (0xF8000000, 0xFF800000, "unassigned kernel range"),
            (0xFF800000, 0xFFC00000, "temporary mappings (vm_kmap)"),
            (0xFFC00000, 0x100000000, "page tables (recursive mapping)"))
# mm/heap_internal.h: header bits, the tag hash, the pad and epilogue.
HDR_ALLOC, HDR_PREV_ALLOC, HDR_QUICK, HDR_FLAGS = 0x1, 0x2, 0x4, 0xF
TAG_BITS, SLACK_SHIFT, HEAP_MAGIC = 20, 8, 0x6B65656C
HEAP_TAG, HEAP_MIN_BLOCK, HEAP_ALIGN = 8, 32, 16
HEAP_EXACT_LIMIT, HEAP_SUB_BITS, HEAP_EXACT_LOG2 = 1024, 3, 10
# arch/gdt.h and arch/trap.h.
SELECTORS = {0x08: "kernel code", 0x10: "kernel data", 0x1B: "user code",
             0x23: "user data"}
T_IRQ0, T_IRQS, T_YIELD, T_PAGE_FAULT = 32, 16, 0x81, 14
IRQ_NAMES = {0: "PIT timer", 1: "keyboard", 4: "COM1 serial"}
EFLAGS_NAMES = ((0, "CF"), (2, "PF"), (4, "AF"), (6, "ZF"), (7, "SF"),
                (8, "TF"), (9, "IF"), (10, "DF"), (11, "OF"))
# The trap frame's words in order (arch/trap.h, _Static_assert'ed there).
TF_FIELDS = ("gs", "fs", "es", "ds", "edi", "esi", "ebp", "esp_pusha",
             "ebx", "edx", "ecx", "eax", "vector", "error", "eip", "cs",
             "eflags", "esp", "ss")
TF_KERNEL_WORDS = 17  # a ring-0 trap has no esp/ss pushed by the CPU
LIST_LIMIT = 100000  # longest list walked before calling it a cycle


class KeelError(Exception):
    """A problem to report as a clear one-line gdb error."""


# ---------------------------------------------------------------- access --
def inferior():
    inf = gdb.selected_inferior()
    if inf is None or inf.pid == 0 or not gdb.selected_thread():
        raise KeelError("no kernel to read: connect first "
                        "(target remote :1234)")
    return inf


def read_bytes(addr, n):
    try:
        return bytes(inferior().read_memory(addr, n))
    except gdb.MemoryError:
        raise KeelError("cannot read %d bytes at 0x%08x (not mapped?)"
                        % (n, addr))


def read_u32s(addr, count):
    return list(struct.unpack("<%dI" % count, read_bytes(addr, 4 * count)))


def read_u32(addr):
    return read_u32s(addr, 1)[0]


def kvar(filename, name):
    """A kernel variable, static ones included, picked by its file."""
    for sym in gdb.lookup_static_symbols(name):
        if sym.symtab and sym.symtab.filename.endswith(filename):
            return sym.value()
    sym = gdb.lookup_global_symbol(name)
    if sym is not None:
        return sym.value()
    raise KeelError("no symbol %s in %s: is this keel's ELF, with -g?"
                    % (name, filename))


def eval_addr(expr, what):
    """An address from a gdb expression (a number, a pointer, &var)."""
    try:
        v = gdb.parse_and_eval(expr)
        if v.type.strip_typedefs().code in (gdb.TYPE_CODE_FUNC,
                                            gdb.TYPE_CODE_ARRAY):
            v = v.address  # a function or an array names its address
        return int(v) & 0xFFFFFFFF
    except gdb.error as e:
        raise KeelError("%s '%s': %s" % (what, expr, e))


def field_offset(type_name, field):
    for f in gdb.lookup_type(type_name).fields():
        if f.name == field:
            return f.bitpos // 8
    raise KeelError("%s has no field %s" % (type_name, field))


def enum_name(type_name, value, prefix):
    """'TASK_BLOCKED' -> 'blocked', from the enum in the debug info."""
    for f in gdb.lookup_type(type_name).fields():
        if f.enumval == int(value):
            return f.name[len(prefix):].lower()
    return "?%d" % int(value)


def walk_list(first, next_of):
    """Follow a NULL-terminated list; stop at a cycle or a bad pointer."""
    seen, node = set(), first
    while node:
        if node in seen or len(seen) >= LIST_LIMIT:
            raise KeelError("the list loops back to 0x%08x" % node)
        seen.add(node)
        yield node
        node = next_of(node)


def cstring(value):
    try:
        return value.string(length=int(value.type.sizeof)).split("\0")[0]
    except gdb.error:
        return "?"


def symbolise(pc):
    """'wq_block+60 (in reschedule, inlined) at sched/task.c:332'."""
    out = gdb.execute("info symbol 0x%x" % pc, to_string=True).strip()
    m = re.match(r"(\S+)(?: \+ (\d+))? in section", out)
    if not m:
        return "(no symbol)"
    where = "%s+%s" % (m.group(1), m.group(2) or "0")
    block = gdb.block_for_pc(pc)
    while block is not None and block.function is None:
        block = block.superblock
    if block is not None and block.function.name != m.group(1):
        where += " (in %s, inlined)" % block.function.name
    sal = gdb.find_pc_line(pc)
    if sal.symtab:
        where += " at %s:%d" % (sal.symtab.filename, sal.line)
    return where


def area_of(va):
    """The area of mm/vm.h's layout that va lies in, guard pages named."""
    guard = kaddr("boot_stack_guard")
    if guard <= va < guard + PAGE:
        return "the boot stack's guard page"
    for lo, hi, name in VM_AREAS:
        if lo <= va < hi:
            if name == "kernel stacks" and \
                    (va - VM_KSTACK_BASE) % KSTACK_SLOT_BYTES < PAGE:
                return "kernel stacks: a guard page"
            return name
    text = (kaddr("__text_start"), kaddr("__rodata_end"))
    if text[0] <= va < text[1]:
        return "kernel text and rodata"
    if kaddr("__data_start") <= va < kaddr("__bss_end"):
        return "kernel data and bss"
    try:
        bm_pa = int(kvar("frame.c", "bitmap_pa"))
        bm_bytes = int(kvar("frame.c", "bitmap_bytes"))
    except (KeelError, gdb.error):
        return ""
    if 0xC0000000 + bm_pa <= va < 0xC0000000 + bm_pa + bm_bytes:
        return "frame bitmaps"
    return "kernel image"


def kaddr(name):
    try:
        return int(gdb.parse_and_eval("(unsigned int)&%s" % name))
    except gdb.error:
        return 0


def size_str(n):
    """4096 -> '4 KiB', 1608 KiB -> '1.6 MiB': whole units, else one
    decimal of the largest unit."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            if n % (1 << shift) == 0:
                return "%d %s" % (n >> shift, unit)
            return "%.1f %s" % (n / float(1 << shift), unit)
    return "%d B" % n


# ------------------------------------------------------ physical memory --
class KeelPhysParam(gdb.Parameter):
    """How keel's helpers read physical memory: auto (probe), phymem
(QEMU's Qqemu.PhyMemMode packet), xp (QEMU's `monitor xp`), or none (only
the current address space, through its recursive mapping)."""

    set_doc = "Set how keel's helpers read physical memory."
    show_doc = "Show how keel's helpers read physical memory."

    def __init__(self):
        super().__init__("keel-phys", gdb.COMMAND_DATA, gdb.PARAM_ENUM,
                         ["auto", "phymem", "xp", "none"])
        self.value = "auto"


class PhysMem:
    """Reads physical memory through the gdb stub (see the file's top)."""

    def __init__(self):
        self.method = None  # "phymem", "xp" or "none"; None: not known yet

    def reset(self):
        """At the start of each command: probe again, or as forced."""
        forced = gdb.parameter("keel-phys")
        self.method = None if forced in (None, "auto") else forced

    def packet(self, text):
        conn = inferior().connection
        if hasattr(conn, "send_packet"):
            return conn.send_packet(text).decode("ascii", "replace")
        out = gdb.execute("maint packet " + text, to_string=True)
        m = re.search(r'received: "(.*)"', out)
        return m.group(1) if m else ""

    def flush(self):
        """gdb may cache target memory; a mode switch makes it stale."""
        try:
            gdb.execute("maint flush dcache", to_string=True)
        except gdb.error:
            pass

    def probe(self):
        if self.packet("Qqemu.PhyMemMode:0") == "OK":
            return "phymem"
        try:
            out = gdb.execute("monitor xp /1wx 0", to_string=True)
            if re.match(r"\s*[0-9a-f]+:\s+0x", out):
                return "xp"
        except gdb.error:
            pass
        return "none"

    def available(self):
        if self.method is None:
            self.method = self.probe()
        return self.method != "none"

    def read(self, pa, n):
        if not self.available():
            raise KeelError("this gdb stub cannot read physical memory")
        if self.method == "xp":
            return self.read_xp(pa, n)
        self.packet("Qqemu.PhyMemMode:1")
        self.flush()
        try:
            return bytes(inferior().read_memory(pa, n))
        except gdb.MemoryError:
            raise KeelError("cannot read physical 0x%08x..0x%08x"
                            % (pa, pa + n))
        finally:
            self.packet("Qqemu.PhyMemMode:0")
            self.flush()

    def read_xp(self, pa, n):
        words = []
        for chunk in range(pa, pa + n, 4096):
            count = min(1024, (pa + n - chunk + 3) // 4)
            out = gdb.execute("monitor xp /%dwx 0x%x" % (count, chunk),
                              to_string=True)
            for line in out.splitlines():
                words += [int(w, 16) for w in line.split(":", 1)[1].split()]
        return struct.pack("<%dI" % len(words), *words)[:n]


KeelPhysParam()
PHYS = PhysMem()


def phys_u32s(pa, count):
    return list(struct.unpack("<%dI" % count, PHYS.read(pa, 4 * count)))


def current_cr3():
    return int(gdb.parse_and_eval("$cr3")) & 0xFFFFFFFF


VM_PAGEREF_BASE = 0xF0000000
USER_PDES = 768
VMA_KINDS = ("image", "heap", "mmap", "stack")


def processes():
    """proc/proc.c's all_procs list, as struct proc values, by pid."""
    try:
        first = int(kvar("proc.c", "all_procs"))
    except (KeelError, gdb.error):
        return []
    ptype = gdb.lookup_type("struct proc").pointer()
    procs = [gdb.Value(a).cast(ptype).dereference() for a in walk_list(
        first, lambda a: int(gdb.Value(a).cast(ptype)["all_next"]))]
    return sorted(procs, key=lambda p: int(p["pid"]))


def process_cr3(pid):
    """The page directory of process pid (its vm_space's pd_pa)."""
    for p in processes():
        if int(p["pid"]) == pid:
            if not int(p["vm"]):
                raise KeelError("process %d is a zombie: its address space "
                                "is gone" % pid)
            return int(p["vm"]["pd_pa"])
    raise KeelError("no process %d (keel-ps lists them)" % pid)


def take_pid(words):
    """A leading `-p PID` in a command's words: (pid or None, the rest)."""
    if len(words) >= 2 and words[0] == "-p":
        try:
            return int(words[1], 0), words[2:]
        except ValueError:
            raise KeelError("-p wants a pid, not %r" % words[1])
    return None, words


def user_usage(cr3):
    """(pages mapped, pages on a shared frame) in the user half, or None
    when the tables cannot be read (no physical access)."""
    try:
        space = Space(cr3)
        pd = space.directory()
    except (KeelError, gdb.MemoryError):
        return None
    pages = shared = 0
    for pdi in range(USER_PDES):
        if not pd[pdi] & PTE_P:
            continue
        for pte in space.table(pdi, pd[pdi]):
            if pte & PTE_P:
                pages += 1
                frame = (pte & PTE_FRAME) >> 12
                if read_u32s(VM_PAGEREF_BASE + (frame & ~1) * 2, 1)[0] >> (
                        16 * (frame & 1)) & 0xFFFF > 1:
                    shared += 1
    return pages, shared


class Space:
    """One address space's tables, read physically or, for the current
    space without physical access, through the recursive mapping."""

    def __init__(self, cr3):
        self.cr3 = cr3 & PTE_FRAME
        self.recursive = not PHYS.available()
        if self.recursive and self.cr3 != current_cr3() & PTE_FRAME:
            raise KeelError("cannot read CR3 0x%08x: the stub has no "
                            "physical reads, and only the current space is "
                            "mapped (recursively)" % self.cr3)

    def how(self):
        if self.recursive:
            return "through the recursive mapping"
        return "physically, with " + ("Qqemu.PhyMemMode" if PHYS.method ==
                                      "phymem" else "monitor xp")

    def directory(self):
        if self.recursive:
            return read_u32s(VM_PAGE_DIRECTORY, 1024)
        return phys_u32s(self.cr3, 1024)

    def table(self, pdi, pde):
        if self.recursive:
            return read_u32s(VM_PAGE_TABLES + pdi * PAGE, 1024)
        return phys_u32s(pde & PTE_FRAME, 1024)

    def entry(self, pdi, pti=None, pde=None):
        """One directory entry (pti None) or one table entry."""
        if pti is None:
            if self.recursive:
                return read_u32(VM_PAGE_DIRECTORY + 4 * pdi)
            return phys_u32s(self.cr3 + 4 * pdi, 1)[0]
        if self.recursive:
            return read_u32(VM_PAGE_TABLES + pdi * PAGE + 4 * pti)
        return phys_u32s((pde & PTE_FRAME) + 4 * pti, 1)[0]


def flag_columns(e):
    """Fixed columns, so that lines line up: 'P W - --- --- A D -'."""
    return " ".join(n if e & bit else "-" * len(n) for bit, n in FLAG_NAMES)


def flag_words(e):
    words = ["present" if e & PTE_P else "not present",
             "writable" if e & PTE_W else "read-only",
             "user" if e & PTE_U else "kernel only"]
    for bit, word in ((PTE_PWT, "write-through"), (PTE_PCD, "uncached"),
                      (PTE_A, "accessed"), (PTE_D, "dirty"),
                      (PTE_G, "global"), (PTE_COW, "copy-on-write")):
        if e & bit:
            words.append(word)
    return ", ".join(words)


# ------------------------------------------------------------- commands --
class KeelCommand(gdb.Command):
    """Common part: turns every expected problem into a one-line error."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_USER)
        self.name = name

    def invoke(self, arg, from_tty):
        try:
            inferior()  # without a target gdb would read the ELF's zeros
            PHYS.reset()
            self.run(arg.strip())
        except KeelError as e:
            raise gdb.GdbError("%s: %s" % (self.name, e))
        except gdb.MemoryError as e:
            raise gdb.GdbError("%s: memory read failed: %s" % (self.name, e))


class KeelPs(KeelCommand):
    """List keel's tasks: keel-ps

From sched/task.c's all_tasks list.  For each task: id, name, state, MLFQ
level, ticks left of its quantum, quanta left of its allotment at that level,
times scheduled and preempted, and its saved trap frame (the frame
keel-trapframe decodes; the running task's registers are in the CPU instead).
'*' marks the current task; the idle task never joins the MLFQ queues.
Then the processes (proc/proc.c's all_procs), if any: pid, parent, state,
name, user pages mapped and how many of them sit on a frame shared
copy-on-write (mm/pageref.h's counts), areas, and system calls made.
Under another policy (sched.policy=, sched/class.h) the MLFQ columns give
way to what that policy decides by, from the task's tickets and policy entity (pent):
work left (sjf, stcf), ticks left of the turn (rr, lottery), tickets
(lottery, stride), stride and pass value (stride); '-' when the task is not
in the policy's queue."""

    def __init__(self):
        super().__init__("keel-ps")

    def run(self, arg):
        cur = int(kvar("task.c", "current"))
        idle = int(kvar("task.c", "idle"))
        ttype = gdb.lookup_type("struct task").pointer()
        first = int(kvar("task.c", "all_tasks"))
        if not first:
            raise KeelError("no tasks yet: sched_init has not run")
        tasks = [gdb.Value(a).cast(ttype) for a in walk_list(
            first, lambda a: int(gdb.Value(a).cast(ttype)["all_link"]))]
        kind = self.policy_kind()
        if kind is not None:
            self.run_policy(kind, tasks, cur, idle, ttype)
            self.processes()
            return
        print("  %4s %-16s %-8s %3s %7s %5s %6s %7s  %s" % (
            "id", "name", "state", "lvl", "quantum", "allot", "sched",
            "preempt", "trap frame"))
        for t in sorted(tasks, key=lambda t: int(t["id"])):
            print(self.row(t.dereference(), int(t) == cur, int(t) == idle))
        print("current: %s; %d tasks; switches %d" % (
            self.describe(cur, ttype), int(kvar("task.c", "ntasks")),
            int(kvar("task.c", "stats")["switches"])))
        self.processes()

    @staticmethod
    def processes():
        procs = processes()
        if not procs:
            return
        print("processes (pages: user pages mapped; shared: on a frame "
              "another mapping shares, copy-on-write):")
        print("  %5s %5s %-16s %-7s %6s %6s %5s %8s" % (
            "pid", "ppid", "name", "state", "pages", "shared", "areas",
            "syscalls"))
        for p in procs:
            zombie = enum_name("enum proc_state", p["state"],
                               "PROC_") == "ZOMBIE"
            use = None if zombie else user_usage(int(p["vm"]["pd_pa"]))
            pages, shared = ("-", "-") if use is None else use
            parent = int(p["parent"])
            print("  %5d %5d %-16s %-7s %6s %6s %5d %8d" % (
                int(p["pid"]), int(p["parent"]["pid"]) if parent else 0,
                cstring(p["name"]), "zombie" if zombie else "alive",
                pages, shared, int(p["nvma"]), int(p["syscalls"])))
            if not zombie and int(p["nthreads"]) > 1:
                KeelPs.threads(p)

    @staticmethod
    def threads(p):
        """A process's threads (proc/thread.h): tid, task id, state, and
        the futex address each one waits on."""
        t = p["threads"]
        rows = []
        while int(t) and len(rows) < 64:
            rows.append(t.dereference())
            t = t["thread_next"]
        for r in reversed(rows):  # the list is newest first
            futex = int(r["futex_addr"])
            print("        thread tid %d (task %d) %s%s" % (
                int(r["tid"]), int(r["id"]),
                enum_name("enum task_state", r["state"], "TASK_").lower(),
                " waits on futex 0x%08x" % futex if futex else ""))

    @staticmethod
    def policy_kind():
        """None under the MLFQ, else 'fifo', 'rr', ... (class_policy.c's kpol)."""
        cls = int(kvar("task.c", "cls"))
        if cls == int(kvar("task.c", "sched_mlfq_class").address):
            return None
        kind = kvar("class_policy.c", "kpol")["p"]["kind"]
        return enum_name("enum policy_kind", kind, "POLICY_")

    def run_policy(self, kind, tasks, cur, idle, ttype):
        pol = kvar("class_policy.c", "kpol")
        print("policy %s, quantum %d ticks, %d queued" % (
            kind, int(pol["p"]["quantum"]), int(pol["nqueued"])))
        print("  %4s %-16s %-8s %6s %7s  %s" % (
            "id", "name", "state", "sched", "preempt", "policy"))
        for t in sorted(tasks, key=lambda t: int(t["id"])):
            print(self.policy_row(kind, t.dereference(), int(t) == cur))
        print("current: %s; %d tasks; switches %d" % (
            self.describe(cur, ttype), int(kvar("task.c", "ntasks")),
            int(kvar("task.c", "stats")["switches"])))

    @staticmethod
    def policy_row(kind, t, is_current):
        cols = []
        tix = int(t["tickets"])
        if int(t["pent"]) == 0:  # not known to the policy
            length = passv = 0
            queued = False
        else:
            e = t["pent"].dereference()["e"]
            length, passv = int(e["length"]), int(e["pass"])
            queued = enum_name("enum policy_state", e["state"], "POLICY_") == "queued"
        if kind in ("sjf", "stcf"):
            cols.append("left %d" % length)
        if kind in ("lottery", "stride"):
            cols.append("tickets %d" % tix)
        if kind == "stride":
            cols.append("stride %d pass %d" % ((1 << 20) // tix if tix else 0, passv))
        if not queued:
            cols.append("-")
        elif kind in ("rr", "lottery"):
            cols.append("turn left %d" % int(e["ticks_left"]))
        elif kind == "fifo":
            cols.append("queued")
        return "%s %4d %-16s %-8s %6d %7d  %s" % (
            "*" if is_current else " ", int(t["id"]), cstring(t["name"]),
            enum_name("enum task_state", t["state"], "TASK_"),
            int(t["scheduled"]), int(t["preempted"]), " ".join(cols))

    @staticmethod
    def describe(addr, ttype):
        if not addr:
            return "none"
        t = gdb.Value(addr).cast(ttype).dereference()
        return "%s (id %d)" % (cstring(t["name"]), int(t["id"]))

    @staticmethod
    def row(t, is_current, is_idle):
        state = enum_name("enum task_state", t["state"], "TASK_")
        ent = t["ent"]
        if is_idle:
            lvl = quantum = allot = "-"
        else:
            lvl, quantum, allot = (str(int(ent[f])) for f in
                                   ("level", "ticks_left", "allot_left"))
        tf = "on the CPU" if is_current else "0x%08x" % int(t["tf"])
        return "%s %4d %-16s %-8s %3s %7s %5s %6d %7d  %s%s" % (
            "*" if is_current else " ", int(t["id"]), cstring(t["name"]),
            state, lvl, quantum, allot, int(t["scheduled"]),
            int(t["preempted"]), tf, "  (idle)" if is_idle else "")


class KeelMlfq(KeelCommand):
    """Show the MLFQ levels and queues: keel-mlfq

From sched/task.c's `mlfq` (struct mlfq, sched/mlfq.h): the parameters, the
non-empty bitmap, and for each level, highest first, its quantum and
allotment and the tasks in its queue, head first (the head of the highest
non-empty level is what mlfq_pick returns: rule 1).  Tasks are found from
their struct mlfq_ent by container-of through the `ent` member.  Queue
lengths, links and the bitmap are checked against each other."""

    def __init__(self):
        super().__init__("keel-mlfq")

    def run(self, arg):
        m = kvar("task.c", "mlfq")
        p = m["p"]
        levels = int(p["levels"])
        if levels == 0:
            raise KeelError("no MLFQ yet: sched_init has not run")
        print("MLFQ: %d levels, boost every %s; io_refill %s, io_to_head %s,"
              " boost_2020 %s" % ((levels, "%d ticks" % int(p["boost"])
                                    if int(p["boost"]) else "never (0)") +
                                   tuple("on" if bool(p[f]) else "off"
                                         for f in ("io_refill", "io_to_head",
                                                   "boost_2020"))))
        nonempty = int(m["nonempty"]) & 0xFFFFFFFF
        st = m["stats"]
        print("nonempty bitmap 0x%08x; %d attached, %d queued; charged %d, "
              "expired %d, demoted %d, boosts %d" % (
                  nonempty, int(m["nattached"]), int(m["nqueued"]),
                  int(st["charged"]), int(st["expired"]),
                  int(st["demoted"]), int(st["boosts"])))
        problems = []
        for level in range(levels - 1, -1, -1):
            self.level(m, level, levels, nonempty, problems)
        for p in problems:
            print("! " + p)
        print("mlfq consistent" if not problems else
              "mlfq: %d problems" % len(problems))

    def level(self, m, level, levels, nonempty, problems):
        p, q = m["p"], m["q"][level]
        tag = " (top)" if level == levels - 1 else (
            " (bottom)" if level == 0 else "")
        names = self.queue(q, level, problems)
        allot = int(p["allot"][level])
        print("level %d%s: quantum %d ticks, allotment %d quant%s; %d queued:"
              " %s" % (level, tag, int(p["quantum"][level]), allot,
                       "um" if allot == 1 else "a", len(names),
                       " -> ".join(names) if names else "(empty)"))
        if bool(nonempty >> level & 1) != bool(names):
            problems.append("level %d: nonempty bit is %d with %d queued"
                            % (level, nonempty >> level & 1, len(names)))
        if int(q["len"]) != len(names):
            problems.append("level %d: len says %d, the list holds %d"
                            % (level, int(q["len"]), len(names)))

    @staticmethod
    def queue(q, level, problems):
        off = field_offset("struct task", "ent")
        etype = gdb.lookup_type("struct mlfq_ent").pointer()
        ttype = gdb.lookup_type("struct task").pointer()
        names, prev = [], 0
        for e in walk_list(int(q["head"]), lambda a: int(
                gdb.Value(a).cast(etype)["next"])):
            ent = gdb.Value(e).cast(etype).dereference()
            t = gdb.Value(e - off).cast(ttype).dereference()  # container_of
            names.append("%s (id %d)" % (cstring(t["name"]), int(t["id"])))
            if int(ent["prev"]) != prev or int(ent["level"]) != level:
                problems.append("level %d: %s has prev 0x%08x, level %d"
                                % (level, names[-1], int(ent["prev"]),
                                   int(ent["level"])))
            prev = e
        if prev != int(q["tail"]):
            problems.append("level %d: tail 0x%08x is not the last entry"
                            % (level, int(q["tail"])))
        return names


class KeelVtop(KeelCommand):
    """Translate a virtual address: keel-vtop [-p PID] ADDR

Walks the two-level page table of the current CR3 by hand, as the MMU does
(002_a995ac13012f81cc.txt: 10-bit directory index, 10-bit table index,
12-bit offset): the directory entry, the table entry, each with its flags,
then the physical address and the word stored there, or where the walk
stops.  ADDR is a gdb expression.  With -p PID, in that process's address
space instead of the current one (needs physical reads: keel-phys)."""

    def __init__(self):
        super().__init__("keel-vtop")

    def run(self, arg):
        pid, words = take_pid(arg.split())
        if not words:
            raise KeelError("usage: keel-vtop [-p PID] ADDR (a gdb "
                            "expression)")
        va = eval_addr(" ".join(words), "address")
        cr3 = current_cr3() if pid is None else process_cr3(pid)
        space = Space(cr3)
        pdi, pti, off = va >> 22, (va >> 12) & 0x3FF, va & 0xFFF
        print("va 0x%08x = pdi %d (0x%03x) | pti %d (0x%03x) | offset 0x%03x"
              "  (%s)" % (va, pdi, pdi, pti, pti, off, area_of(va)))
        print("cr3 0x%08x: the page directory's frame (read %s)" % (
            cr3, space.how()))
        pde = space.entry(pdi)
        # The recursive slot exists once vm_init has set it up.
        self.rec = space.entry(RECURSIVE_PDI) & PTE_FRAME == space.cr3
        self.show("pde", pdi, pde, (cr3 & PTE_FRAME) + 4 * pdi,
                  VM_PAGE_DIRECTORY + 4 * pdi)
        if not pde & PTE_P:
            print("not mapped: the walk stops at the page directory "
                  "(no page table for this 4 MiB)")
            return
        if pde & PTE_PS:
            self.found(va, (pde & 0xFFC00000) | (va & 0x3FFFFF), "4 MiB page")
            return
        pte = space.entry(pdi, pti, pde)
        self.show("pte", pti, pte, (pde & PTE_FRAME) + 4 * pti,
                  VM_PAGE_TABLES + pdi * PAGE + 4 * pti)
        if not pte & PTE_P:
            print("not mapped: the walk stops at the page table "
                  "(entry not present)")
            return
        self.found(va, (pte & PTE_FRAME) | off, "4 KiB page")

    def show(self, kind, index, e, pa, recursive_va):
        print("%s[%4d] = 0x%08x  frame 0x%08x  flags: %s" % (
            kind, index, e, e & PTE_FRAME, flag_columns(e)))
        rec = (" (virt 0x%08x via the recursive slot)" % recursive_va
               if self.rec else "")
        print("            at phys 0x%08x%s: %s" % (pa, rec, flag_words(e)))
        if kind == "pde" and e & PTE_D and not e & PTE_PS:
            print("            (D means nothing in a directory entry; the "
                  "CPU set it when the kernel wrote\n             this table "
                  "through the recursive slot, where the directory acts as "
                  "a table)")

    @staticmethod
    def found(va, pa, what):
        if PHYS.available():
            word = "; word there: 0x%08x" % phys_u32s(pa & ~3, 1)[0]
        else:
            word = "; word there (read through va): 0x%08x" % \
                read_u32(va & ~3)
        print("pa 0x%08x (%s)%s" % (pa, what, word))


class KeelPtdump(KeelCommand):
    """Dump an address space's mappings: keel-ptdump [-ad] [-p PID | CR3]

One line per range of contiguous virtual pages that map contiguous frames
with the same flags: virtual range, physical range, size, flags, and the
area of mm/vm.h it lies in.  W and U are the effective ones (a page is
writable or user only if its directory entry says so too).  The accessed
and dirty bits change as the kernel runs, so they do not split ranges
unless -ad is given; without it, 'a'/'d' mean "some pages".  CR3 defaults
to the current one; -p PID takes process PID's.  The recursive slot (directory entry 1023) maps the
page tables themselves and is shown as one line."""

    def __init__(self):
        super().__init__("keel-ptdump")

    def run(self, arg):
        words = arg.split()
        split_ad = "-ad" in words
        words = [w for w in words if w != "-ad"]
        pid, words = take_pid(words)
        if pid is not None:
            cr3 = process_cr3(pid)
        else:
            cr3 = (eval_addr(" ".join(words), "CR3") if words
                   else current_cr3())
        if cr3 & 0xFFF:
            raise KeelError("CR3 0x%08x is not page-aligned" % cr3)
        space = Space(cr3)
        ranges, npages, ntables = self.ranges(space, split_ad)
        print("address space cr3 0x%08x: %d pages mapped (%s) in %d ranges,"
              " %d page tables" % (cr3 & PTE_FRAME, npages,
                                   size_str(npages * PAGE), len(ranges),
                                   ntables))
        print("  %-17s    %-17s  %-9s %s" % ("virtual", "physical", "size",
                                             "flags"))
        for r in ranges:
            print(self.line(r))

    @staticmethod
    def ranges(space, split_ad):
        """Each range is [va, end, pa, the flags all its pages have, the
        flags some page has, the merge key]."""
        ranges, npages, ntables = [], 0, 0
        pd = space.directory()
        for pdi, pde in enumerate(pd):
            if not pde & PTE_P:
                continue
            if pdi == RECURSIVE_PDI:
                ranges.append([pdi << 22, 0x100000000, pde & PTE_FRAME,
                               pde & 0xFFF, pde & 0xFFF, "recursive"])
                continue
            ntables += 0 if pde & PTE_PS else 1
            entries = ([(pde & 0xFFC00000) + i * PAGE | (pde & 0xFFF)
                        for i in range(1024)] if pde & PTE_PS
                       else space.table(pdi, pde))
            for pti, pte in enumerate(entries):
                if pte & PTE_P:
                    npages += 1
                    KeelPtdump.add(ranges, (pdi << 22) | (pti << 12), pte,
                                   pde, split_ad)
        return ranges, npages, ntables

    @staticmethod
    def add(ranges, va, pte, pde, split_ad):
        """Extend the last range with this page, or start a new one."""
        eff = pte & ~(PTE_W | PTE_U) & 0xFFF | (pte & pde & (PTE_W | PTE_U))
        key = eff if split_ad else eff & ~(PTE_A | PTE_D)
        pa = pte & PTE_FRAME
        if ranges:
            r = ranges[-1]
            if r[5] == key and r[1] == va and \
                    r[2] + (r[1] - r[0]) == pa:
                r[1] += PAGE
                r[4] |= eff  # remembers "some pages accessed/dirty"
                r[3] &= eff  # ... and "all pages"
                return
        ranges.append([va, va + PAGE, pa, eff, eff, key])

    @staticmethod
    def line(r):
        va, end, pa, all_bits, some_bits, key = r
        if key == "recursive":
            return ("  %08x-%08x -> directory %08x  %-9s %s  page tables "
                    "(recursive slot)" % (va, end - 1, pa,
                                          size_str(end - va),
                                          flag_columns(all_bits)))
        flags = flag_columns(all_bits).split(" ")
        for i, (bit, name) in enumerate(FLAG_NAMES):
            if bit in (PTE_A, PTE_D) and some_bits & bit and \
                    not all_bits & bit:
                flags[i] = name.lower()
        return "  %08x-%08x -> %08x-%08x  %-9s %s  %s" % (
            va, end - 1, pa, pa + (end - va) - 1, size_str(end - va),
            " ".join(flags), area_of(va))


class KeelHeap(KeelCommand):
    """Show the kernel heap: keel-heap [all]

mm/kheap.c's `kheap` (struct heap, mm/heap.h): every block in address order
(address, size, allocated / free / cached on a quick list / the wilderness,
and the size asked for), the segregated free lists by class, the quick
lists, then a check done here in Python: header tags, footers, PREV_ALLOC
bits, sizes adding up to the heap's size, no two free blocks adjacent
(coalescing, 004_b0ae9d4f0844a55a.txt), every free block on the list of its
class and every listed block free, and the statistics.  It ends with
"heap consistent" or the problems found.  Shows the first 64 blocks unless
'all' is given."""

    SHOW_BLOCKS = 64

    def __init__(self):
        super().__init__("keel-heap")

    def run(self, arg):
        h = kvar("kheap.c", "kheap")
        start, end = int(h["start"]), int(h["end"])
        if start == 0:
            raise KeelError("no heap yet: kheap_init has not run")
        print("kernel heap 0x%08x-0x%08x (%s), fit %s" % (
            start, end, size_str(end - start),
            enum_name("enum heap_fit", h["fit"], "HEAP_FIT_")))
        problems = []
        blocks = self.walk(start, end, problems) if end > start else []
        self.show_blocks(blocks, arg == "all")
        listed = self.show_lists(h, problems)
        quick = self.show_quick(h, problems)
        HeapCheck(h, blocks, listed, quick, problems).run()
        for p in problems:
            print("! " + p)
        print("heap consistent" if not problems else
              "heap: %d problems" % len(problems))

    @staticmethod
    def walk(start, end, problems):
        """Blocks in address order, each [addr, size, word, slack]."""
        blocks, a, limit = [], start + HEAP_TAG, end - HEAP_TAG
        while a < limit:
            word, check = read_u32s(a, 2)
            size = word & ~HDR_FLAGS
            if not tag_ok(word, check, a):
                problems.append("bad header tag at 0x%08x" % a)
            if size < HEAP_MIN_BLOCK or size > limit - a:
                problems.append("block 0x%08x has size %d: the walk stops"
                                % (a, size))
                return blocks
            blocks.append([a, size, word, check >> TAG_BITS])
            a += size
        word, check = read_u32s(a, 2)
        if a != limit or word & ~HDR_FLAGS or not word & HDR_ALLOC or \
                not tag_ok(word, check, a):
            problems.append("bad epilogue at 0x%08x" % a)
        return blocks

    def show_blocks(self, blocks, show_all):
        print("blocks (address, size, state, bytes asked for):")
        shown = blocks if show_all else blocks[:self.SHOW_BLOCKS]
        last_free = blocks and not blocks[-1][2] & HDR_ALLOC
        for i, (a, size, word, slack) in enumerate(blocks):
            if i >= len(shown):
                print("  ... %d more blocks (keel-heap all)"
                      % (len(blocks) - len(shown)))
                break
            print("  0x%08x  size %6d  %s" % (
                a, size, block_state(word, slack, size,
                                     last_free and i == len(blocks) - 1)))

    @staticmethod
    def show_lists(h, problems):
        """The free lists, class by class: {addr: class}."""
        listed, nclasses = {}, h["lists"].type.range()[1] + 1
        print("free lists (class [block sizes]: blocks, head first):")
        for c in range(nclasses):
            head = int(h["lists"][c])
            if not head:
                continue
            lo, hi = class_range(c)
            addrs = []
            for b in walk_list(head, lambda a: read_u32(a + 8)):
                if b in listed:
                    problems.append("block 0x%08x is on two lists" % b)
                listed[b] = c
                addrs.append(b)
            print("  class %3d [%d..%d]: %s" % (c, lo, hi, " ".join(
                "0x%08x/%d" % (b, read_u32(b) & ~HDR_FLAGS) for b in addrs)))
        if not listed:
            print("  (none)")
        return listed

    @staticmethod
    def show_quick(h, problems):
        """The quick lists (deferred coalescing): {addr: class}."""
        quick = {}
        print("quick lists (freed, not yet merged):")
        for c in range(h["quick"].type.range()[1] + 1):
            head = int(h["quick"][c])
            if not head:
                continue
            addrs = list(walk_list(head, lambda a: read_u32(a + 8)))
            quick.update((b, c) for b in addrs)
            print("  %d bytes: %s" % (HEAP_MIN_BLOCK + HEAP_ALIGN * c,
                                      " ".join("0x%08x" % b for b in addrs)))
            if len(addrs) != int(h["quick_count"][c]):
                problems.append("quick list %d holds %d blocks, counted %d"
                                % (c, len(addrs), int(h["quick_count"][c])))
        deferred = int(h["deferred"])
        if deferred:
            print("  deferred: 0x%08x (freed last; it joins a quick list "
                  "at the next small free)" % deferred)
        if not quick and not deferred:
            print("  (none)")
        return quick


def tag_of(word, owner, slack):
    """mm/heap_internal.h's tag_of, for a 32-bit owner address."""
    t = (word ^ owner ^ HEAP_MAGIC) & 0xFFFFFFFF
    t ^= t >> TAG_BITS
    return (t ^ (slack << SLACK_SHIFT)) & ((1 << TAG_BITS) - 1)


def tag_ok(word, check, owner):
    return check & ((1 << TAG_BITS) - 1) == tag_of(word, owner,
                                                   check >> TAG_BITS)


def block_state(word, slack, size, wilderness):
    if word & HDR_QUICK:
        return "cached (on a quick list)"
    if word & HDR_ALLOC:
        return "allocated  asked %d" % (size - HEAP_TAG - slack)
    return "free (the wilderness)" if wilderness else "free"


def class_range(c):
    """The block sizes of class c (mm/heap_internal.h's class_of, inverted)."""
    exact = (HEAP_EXACT_LIMIT - HEAP_MIN_BLOCK) // HEAP_ALIGN
    if c < exact:
        size = HEAP_MIN_BLOCK + HEAP_ALIGN * c
        return size, size
    log2 = HEAP_EXACT_LOG2 + (c - exact) // (1 << HEAP_SUB_BITS)
    sub = (c - exact) % (1 << HEAP_SUB_BITS)
    step = 1 << (log2 - HEAP_SUB_BITS)
    return (1 << log2) + sub * step, (1 << log2) + (sub + 1) * step - 1


def class_of(size):
    """mm/heap_internal.h's class_of: exact classes, then 8 per power of two."""
    exact = (HEAP_EXACT_LIMIT - HEAP_MIN_BLOCK) // HEAP_ALIGN
    if size < HEAP_EXACT_LIMIT:
        return (size - HEAP_MIN_BLOCK) // HEAP_ALIGN
    log2 = size.bit_length() - 1
    sub = (size >> (log2 - HEAP_SUB_BITS)) & ((1 << HEAP_SUB_BITS) - 1)
    return exact + (log2 - HEAP_EXACT_LOG2) * (1 << HEAP_SUB_BITS) + sub


class HeapCheck:
    """The heap's invariants (mm/heap.h), rechecked from raw memory."""

    def __init__(self, h, blocks, listed, quick, problems):
        self.h, self.blocks, self.listed = h, blocks, listed
        self.quick, self.problems = quick, problems

    def run(self):
        if not self.blocks:
            return
        self.sizes()
        self.neighbours()
        self.lists()
        self.stats()

    def bad(self, fmt, *args):
        self.problems.append(fmt % args)

    def sizes(self):
        h = self.h
        total = sum(b[1] for b in self.blocks) + 2 * HEAP_TAG
        if total != int(h["end"]) - int(h["start"]):
            self.bad("blocks add up to %d bytes, the heap is %d", total,
                     int(h["end"]) - int(h["start"]))

    def neighbours(self):
        prev_unused, prev_alloc = False, True
        deferred = int(self.h["deferred"])
        for a, size, word, slack in self.blocks:
            unused = (word & (HDR_ALLOC | HDR_QUICK)) != HDR_ALLOC
            if bool(word & HDR_PREV_ALLOC) != prev_alloc:
                self.bad("block 0x%08x: wrong PREV_ALLOC bit", a)
            if a == deferred:  # freed, merge deferred: looks allocated
                prev_unused, prev_alloc = False, True
                continue
            if unused and prev_unused:
                self.bad("free blocks 0x%08x and the one before are "
                         "adjacent (not coalesced)", a)
            if unused and read_u32(a + size - HEAP_TAG) != size:
                self.bad("block 0x%08x: footer does not match its size", a)
            prev_unused, prev_alloc = unused, not unused

    def lists(self):
        free = {a: s for a, s, w, _ in self.blocks if not w & HDR_ALLOC}
        cached = {a: s for a, s, w, _ in self.blocks if w & HDR_QUICK
                  and a != int(self.h["deferred"])}
        wild = self.blocks[-1][0] if not self.blocks[-1][2] & HDR_ALLOC \
            else None
        for a, c in self.listed.items():
            if a not in free or a == wild or class_of(free[a]) != c:
                self.bad("list %d holds 0x%08x, not a free block of its "
                         "class", c, a)
        for a in free:
            if a != wild and a not in self.listed:
                self.bad("free block 0x%08x is on no list", a)
        if set(cached) != set(self.quick):
            self.bad("quick lists and cached blocks differ: %s",
                     sorted(set(cached) ^ set(self.quick)))
        self.bitmap()

    def bitmap(self):
        h = self.h
        for c in range(h["lists"].type.range()[1] + 1):
            bit = int(h["nonempty"][c // 32]) >> (c % 32) & 1
            if bit != (int(h["lists"][c]) != 0):
                self.bad("non-empty bit of list %d is wrong", c)

    def stats(self):
        h = self.h
        # The deferred block is still counted as allocated (heap_quick.c).
        alloc = [(s, sl) for a, s, w, sl in self.blocks
                 if w & HDR_ALLOC and (not w & HDR_QUICK
                                       or a == int(h["deferred"]))]
        listed_bytes = sum(read_u32(a) & ~HDR_FLAGS for a in self.listed)
        for name, have in (
                ("alloc_blocks", len(alloc)),
                ("block_bytes", sum(s for s, _ in alloc)),
                ("payload_bytes", sum(s - HEAP_TAG - sl for s, sl in alloc)),
                ("listed_blocks", len(self.listed)),
                ("listed_bytes", listed_bytes),
                ("quick_blocks", len(self.quick))):
            if int(h[name]) != have:
                self.bad("statistic %s is %d, the blocks say %d", name,
                         int(h[name]), have)


class KeelFrames(KeelCommand):
    """Summarise the frame bitmap: keel-frames [N]

mm/frame.c's `pool` (struct frame_pool, mm/frame_pool.h): its counters, a
recount of both bitmaps (bits: used; reserved_bits: reserved; a frame is
free, allocated or reserved), the first N runs of frames in the same state
(default 24), and the invariants: counters equal the recount, reserved is a
subset of used, every frame below the hint is used."""

    def __init__(self):
        super().__init__("keel-frames")

    def run(self, arg):
        limit = int(arg) if arg.isdigit() else 24
        p = kvar("frame.c", "pool")
        n = int(p["nframes"])
        if n == 0:
            raise KeelError("no frame pool yet: frame_init has not run")
        total, free, reserved = (int(p[f]) for f in ("total", "free",
                                                     "reserved"))
        print("frame pool: %d frames (%s), bitmaps at 0x%08x and 0x%08x" % (
            n, size_str(n * PAGE), int(p["bits"]), int(p["reserved_bits"])))
        print("kernel's counters: total %d free %d reserved %d allocated %d"
              " hint %d" % (total, free, reserved, total - free - reserved,
                            int(p["hint"])))
        words = (n + 31) // 32
        used = read_u32s(int(p["bits"]), words)
        rsvd = read_u32s(int(p["reserved_bits"]), words)
        runs, problems = frame_runs(used, rsvd, n)
        count = {k: sum(r[1] for r in runs if r[2] == k)
                 for k in ("free", "allocated", "reserved")}
        print("recounted bitmap:  total %d free %d reserved %d allocated %d"
              % (n, count["free"], count["reserved"], count["allocated"]))
        self.show_runs(runs, limit)
        self.check(p, count, runs, problems)

    @staticmethod
    def show_runs(runs, limit):
        kinds = {k: sum(1 for r in runs if r[2] == k)
                 for k in ("free", "allocated", "reserved")}
        print("%d runs (free %d, allocated %d, reserved %d); first %d:" % (
            len(runs), kinds["free"], kinds["allocated"], kinds["reserved"],
            min(limit, len(runs))))
        for first, count, kind in runs[:limit]:
            print("  frames %6d-%-6d pa 0x%08x-0x%08x %9s  %s" % (
                first, first + count - 1, first * PAGE,
                (first + count) * PAGE - 1, size_str(count * PAGE), kind))

    @staticmethod
    def check(p, count, runs, problems):
        if int(p["total"]) != int(p["nframes"]):
            problems.append("total %d != nframes %d" % (int(p["total"]),
                                                        int(p["nframes"])))
        for k in ("free", "reserved"):
            if int(p[k]) != count[k]:
                problems.append("counter %s is %d, the bitmap says %d"
                                % (k, int(p[k]), count[k]))
        hint = int(p["hint"])
        for first, n, kind in runs:
            if kind == "free" and first < hint:
                problems.append("frame %d is free but below the hint %d"
                                % (first, hint))
                break
        for q in problems:
            print("! " + q)
        print("frames consistent" if not problems else
              "frames: %d problems" % len(problems))


def frame_runs(used, rsvd, n):
    """Runs [first, count, kind] of frames in one state, a word at a time
    where a whole word agrees."""
    runs, problems = [], []

    def add(first, count, kind):
        if runs and runs[-1][2] == kind and runs[-1][0] + runs[-1][1] == first:
            runs[-1][1] += count
        else:
            runs.append([first, count, kind])

    for w in range(len(used)):
        u, r, base = used[w], rsvd[w], w * 32
        if r & ~u:
            problems.append("frames in word %d are reserved but not used" % w)
        if base + 32 <= n and (u, r) in ((0, 0), (0xFFFFFFFF, 0),
                                         (0xFFFFFFFF, 0xFFFFFFFF)):
            add(base, 32, "free" if not u else
                "reserved" if r else "allocated")
            continue
        for b in range(min(32, n - base)):
            kind = "free" if not u >> b & 1 else (
                "reserved" if r >> b & 1 else "allocated")
            add(base + b, 1, kind)
    return runs, problems


class KeelTrapframe(KeelCommand):
    """Decode a saved trap frame: keel-trapframe [ADDR]

ADDR (a gdb expression) points at a struct trap_frame (arch/trap.h), as
keel-ps lists them, or as trap_dispatch's `tf`; without ADDR, the `tf` of
the selected gdb frame.  Shows every register, the vector and its name (as
arch/trap.c names it), the error code (decoded for a page fault), EIP with
its function and line, and whether the trap came from ring 0 or ring 3
(limited direct execution's user/kernel mode, 000_4ce0ed622454299e.txt)."""

    def __init__(self):
        super().__init__("keel-trapframe")

    def run(self, arg):
        if not arg:
            try:
                gdb.selected_frame().read_var("tf")
            except (ValueError, gdb.error):
                raise KeelError("no `tf` in the selected frame: give ADDR "
                                "(keel-ps lists saved frames)")
        addr = eval_addr(arg or "tf", "trap frame")
        if not addr:
            raise KeelError("the trap frame pointer is NULL")
        w = read_u32s(addr, TF_KERNEL_WORDS)
        f = dict(zip(TF_FIELDS, w))
        ring = f["cs"] & 3
        if ring == 3:
            f.update(zip(TF_FIELDS[TF_KERNEL_WORDS:],
                         read_u32s(addr + 4 * TF_KERNEL_WORDS, 2)))
        else:
            f["esp"], f["ss"] = addr + 4 * TF_KERNEL_WORDS, None
        self.show(addr, f, ring)

    def show(self, addr, f, ring):
        print("trap frame at 0x%08x: %d bytes (%s)" % (
            addr, 4 * (TF_KERNEL_WORDS + (2 if ring == 3 else 0)),
            "from ring 3: the CPU pushed esp and ss" if ring == 3 else
            "from ring 0: no esp/ss pushed"))
        v = f["vector"]
        print("vector 0x%02x (%d): %s" % (v, v, vector_name(v)))
        print("error  0x%08x%s" % (f["error"], error_words(v, f["error"])))
        if v == T_PAGE_FAULT:
            cr2 = int(gdb.parse_and_eval("$cr2")) & 0xFFFFFFFF
            print("cr2    0x%08x  (the faulting address, if this is the "
                  "latest page fault)" % cr2)
        self.registers(f, ring)
        self.notes(addr, f)

    @staticmethod
    def registers(f, ring):
        print("eip    0x%08x  %s" % (f["eip"], symbolise(f["eip"])))
        print("cs     0x%04x  %s, ring %d (%s)" % (
            f["cs"], SELECTORS.get(f["cs"], "unknown selector"), ring,
            "user" if ring == 3 else "kernel"))
        print("eflags 0x%08x  [%s]  interrupts %s" % (
            f["eflags"], " ".join(n for b, n in EFLAGS_NAMES
                                  if f["eflags"] >> b & 1),
            "on" if f["eflags"] >> 9 & 1 else "off"))
        print(("esp    0x%08x  ss 0x%04x" % (f["esp"], f["ss"])) if ring == 3
              else "esp    0x%08x  (the stack just above the frame)"
              % f["esp"])
        for names in (("eax", "ebx", "ecx", "edx"),
                      ("esi", "edi", "ebp", "esp_pusha"),
                      ("ds", "es", "fs", "gs")):
            print("  ".join("%-9s 0x%08x" % (n, f[n]) for n in names))
        print("from ring %d (%s mode)" % (ring, "user" if ring == 3
                                          else "kernel"))

    @staticmethod
    def notes(addr, f):
        v = f["vector"]
        if f["eip"] == kaddr("task_trampoline") and v == 0:
            print("note: a new task's first frame, built by hand in "
                  "build_first_frame (sched/task.c):\n      not a trap; "
                  "iret will start the task at task_trampoline")
        if not (v < 256 and f["cs"] in SELECTORS):
            print("! vector or cs out of range: is 0x%08x a trap frame?"
                  % addr)


def vector_name(v):
    """arch/trap.c's trap_name(), read from the kernel's own table."""
    if v < 32:
        try:
            p = kvar("trap.c", "exception_names")[v]
            return p.string() if int(p) else "reserved exception"
        except (KeelError, gdb.error):
            return "exception"
    if T_IRQ0 <= v < T_IRQ0 + T_IRQS:
        irq = v - T_IRQ0
        return "hardware interrupt (IRQ %d%s)" % (
            irq, ": " + IRQ_NAMES[irq] if irq in IRQ_NAMES else "")
    if v == T_YIELD:
        return "software interrupt (T_YIELD: a task gives up the CPU)"
    return "software interrupt"


def error_words(v, err):
    if v == T_PAGE_FAULT:
        return "  [%s, %s, %s%s%s]" % (
            "protection violation" if err & 1 else "page not present",
            "write" if err & 2 else "read",
            "user mode" if err & 4 else "kernel mode",
            ", reserved bit set" if err & 8 else "",
            ", instruction fetch" if err & 16 else "")
    if v in (10, 11, 12, 13) and err:  # a selector error code (SDM 6.13)
        return "  [selector index %d, %s%s]" % (
            err >> 3, ("GDT", "IDT", "LDT", "IDT")[err >> 1 & 3],
            ", external event" if err & 1 else "")
    return ""


def all_tasks():
    ttype = gdb.lookup_type("struct task").pointer()
    first = int(kvar("task.c", "all_tasks"))
    if not first:
        raise KeelError("no tasks yet: sched_init has not run")
    tasks = [gdb.Value(a).cast(ttype) for a in walk_list(
        first, lambda a: int(gdb.Value(a).cast(ttype)["all_link"]))]
    return sorted(tasks, key=lambda t: int(t["id"]))


def fn_addr(name):
    sym = gdb.lookup_global_symbol(name) or gdb.lookup_symbol(name)[0]
    return int(sym.value().address) if sym is not None else None


def wait_owner(t):
    """The task t waits for (sched/deadlock.h's edge), read the way its
    wait_owner function would: a mutex's owner, a one-child wait's child.
    Returns (owner address or 0, how it was found)."""
    fn = int(t["wait_owner"])
    if not fn or enum_name("enum task_state", t["state"], "TASK_") != "blocked":
        return 0, None
    obj = int(t["wait_obj"])
    if fn == fn_addr("mutex_owner_of"):
        m = gdb.Value(obj).cast(gdb.lookup_type("struct mutex").pointer())
        return int(m["owner"]), "mutex"
    for sym in gdb.lookup_static_symbols("child_task"):
        if int(sym.value().address) == fn:
            p = gdb.Value(obj).cast(gdb.lookup_type("struct proc").pointer())
            alive = enum_name("enum proc_state", p["state"], "PROC_") == "alive"
            return (int(p["task"]) if alive else 0), "child"
    return 0, "unknown owner function %s" % symbolise(fn)


def waits_text(t):
    what = int(t["wait_what"])
    if enum_name("enum task_state", t["state"], "TASK_") != "blocked" or not what:
        return ""
    text = t["wait_what"].string()
    if int(t["wait_name"]):
        text += " '%s'" % t["wait_name"].string()
    owner, _ = wait_owner(t)
    if owner:
        o = gdb.Value(owner).cast(t.type)
        text += " held by %d" % int(o["id"])
    return text + " (0x%08x)" % int(t["wait_obj"])


class KeelLocks(KeelCommand):
    """Show the kernel's locks and their holders: keel-locks

From sync/lockdep.c: whether the validator is on, its lock classes and the
orders it has seen (A -> B: B was taken while A was held).  Then every task
holding locks, each lock with the call site that took it (lockdep's held
stack, from struct task's ld), and every blocked task with what it waits
for: a mutex and its owner, a pipe, a child (struct task's wait_what,
wait_name, wait_obj and wait_owner).  Last, the task list's spinlock
"tasks" (sched/task.c): free or held, and where it was taken."""

    def __init__(self):
        super().__init__("keel-locks")

    def run(self, arg):
        classes = kvar("lockdep.c", "classes")
        nclasses = int(kvar("lockdep.c", "nclasses"))
        names = {}
        for i in range(nclasses):
            if int(classes[i]["key"]):
                names[i + 1] = classes[i]["name"].string()
        norders = int(kvar("lockdep.c", "norders"))
        orders = kvar("lockdep.c", "orders")
        print("lockdep %s: %d classes, %d orders" % (
            "on" if bool(kvar("lockdep.c", "lockdep_active")) else "off",
            len(names), norders))
        for i in range(norders):
            o = orders[i]
            print("  order '%s' -> '%s' (first by %s)" % (
                names.get(int(o["from"]), "?"), names.get(int(o["to"]), "?"),
                cstring(o["task"])))
        for t in all_tasks():
            depth = int(t["ld"]["depth"])
            for i in range(min(depth, int(t["ld"]["held"].type.range()[1]) + 1)):
                h = t["ld"]["held"][i]
                name = h["map"]["name"].string()
                waiting = (int(t["wait_name"]) and waits_text(t) and
                           name == t["wait_name"].string())
                print("task %d '%s' %s '%s', taken at %s" % (
                    int(t["id"]), cstring(t["name"]),
                    "waits to take" if waiting else "holds",
                    name, symbolise(int(h["site"]))))
            w = waits_text(t)
            if w:
                print("task %d '%s' waits for %s" % (
                    int(t["id"]), cstring(t["name"]), w))
        tl = kvar("task.c", "tasks_lock")
        if int(tl["locked"]):
            print("spinlock 'tasks': held by CPU %d, taken at %s" % (
                int(tl["locked"]) - 1, symbolise(int(tl["owner_pc"]))))
        else:
            print("spinlock 'tasks': free")


class KeelDeadlock(KeelCommand):
    """Find deadlocked tasks: keel-deadlock

Follows each blocked task to the task it waits for (sched/deadlock.h's
wait-for graph: a mutex's owner, the one child a parent waits for) and
prints every cycle, as the console's `deadlock` does, with the four
conditions of deadlock (001, section 2.5): mutual exclusion, hold and wait,
no preemption, circular wait."""

    def __init__(self):
        super().__init__("keel-deadlock")

    def run(self, arg):
        tasks = {int(t): t for t in all_tasks()}
        edge = {a: wait_owner(t)[0] for a, t in tasks.items()}
        done, cycles = set(), []
        for start in sorted(tasks, key=lambda a: int(tasks[a]["id"])):
            path, a = [], start
            while a in tasks and a not in done and a not in path:
                path.append(a)
                a = edge.get(a, 0)
            if a in path:
                cycles.append(path[path.index(a):])
            done.update(path)
        if not cycles:
            print("no deadlock: no cycle in the wait-for graph")
            return
        for c in cycles:
            print("deadlock: %d tasks wait for each other in a cycle:" % len(c))
            for a in c:
                t = tasks[a]
                print("  task %d '%s' waits for %s" % (
                    int(t["id"]), cstring(t["name"]), waits_text(t)))
            print("the four conditions of deadlock, all met:")
            print("  1. mutual exclusion: each of these is held by one task at a time")
            print("  2. hold and wait: each task keeps what it holds while it waits")
            for i, a in enumerate(c):
                # the task before it in the cycle waits for what it holds
                t, before = tasks[a], tasks[c[i - 1]]
                what = before["wait_what"].string()
                if int(before["wait_name"]):
                    what += " '%s'" % before["wait_name"].string()
                print("     task %d holds %s, which task %d waits for, "
                      "while it waits itself" % (
                          int(t["id"]), what, int(before["id"])))
            print("  3. no preemption: only an owner releases; the kernel takes nothing back")
            print("  4. circular wait: %s -> %d" % (
                " -> ".join(str(int(tasks[a]["id"])) for a in c),
                int(tasks[c[0]]["id"])))


class KeelVmstat(KeelCommand):
    """Paging counters: keel-vmstat

The kernel-wide totals (proc/swap.c's totals: minor and major faults,
swap-ins, swap-outs, dirty write-backs, traced hits), the swap area's slots
(mm/swapslot.c), then each process's own counters (struct proc's vmc) and
its resident-set size (proc/resident.c), as the console's ps and mem show
them."""

    EVENTS = ("minor", "major", "swapins", "swapouts", "writebacks", "soft")

    def __init__(self):
        super().__init__("keel-vmstat")

    def run(self, arg):
        totals = kvar("swap.c", "totals")
        print("totals: " + ", ".join("%s %d" % (n, int(totals[i]))
                                     for i, n in enumerate(self.EVENTS)))
        if int(kvar("swap.c", "enabled")):
            print("swap: %d of %d slots in use" % (
                int(kvar("swapslot.c", "nused")),
                int(kvar("swapslot.c", "nslots"))))
        else:
            print("swap: none (no disk)")
        print("  %5s %-16s %s %8s" % ("pid", "name", " ".join(
            "%10s" % n for n in self.EVENTS), "resident"))
        for p in processes():
            c = p["vmc"]["n"]
            rs = int(p["rs"])
            res = int(p["rs"].dereference()["v"]["count"]) if rs else 0
            print("  %5d %-16s %s %8d" % (
                int(p["pid"]), cstring(p["name"]),
                " ".join("%10d" % int(c[i]) for i in range(len(self.EVENTS))),
                res))


class KeelHelp(gdb.Command):
    """List keel's gdb commands: keel-help"""

    def __init__(self):
        super().__init__("keel-help", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        for name in COMMANDS:
            doc = gdb.execute("help " + name, to_string=True)
            print("%-16s %s" % (name, doc.splitlines()[0]))


COMMANDS = ("keel-ps", "keel-mlfq", "keel-vtop", "keel-ptdump", "keel-heap",
            "keel-frames", "keel-trapframe", "keel-locks", "keel-deadlock",
            "keel-vmstat")
for cls in (KeelPs, KeelMlfq, KeelVtop, KeelPtdump, KeelHeap, KeelFrames,
            KeelTrapframe, KeelLocks, KeelDeadlock, KeelVmstat, KeelHelp):
    cls()
print("keel gdb helpers: %s (keel-help; help keel-ps)" % " ".join(COMMANDS))
