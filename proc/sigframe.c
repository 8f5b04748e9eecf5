/*
 * sigframe — building and checking signal frames (sigframe.h).
 */
#include "proc/sigframe.h"

#include <stddef.h>

#include "arch/gdt.h"
#include "arch/x86.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "proc/uaccess.h"
#include "sched/task.h"

#define FPSTATE_UNUSED	624    /* Linux's struct _fpstate_32 */
#define FP_MAGIC_FSAVE	0xffff /* the x87 image alone, no fxsave part */
#define SS_DISABLE	2      /* uc_stack: no alternate stack */
#define NR_SIGRETURN	119
#define NR_RT_SIGRETURN 173
#define DESC_PRESENT	(1ull << 47) /* a GDT descriptor's P bit */

/* The flags a program may set through a frame (Linux's FIX_EFLAGS). */
#define USER_EFLAGS                                                            \
	(EFLAGS_AC | EFLAGS_OF | EFLAGS_DF | EFLAGS_TF | EFLAGS_SF |           \
	 EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF | EFLAGS_CF | EFLAGS_RF)

/* struct sigcontext: the trap frame's order (esp in pusha's slot). */
struct sigcontext32 {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t trapno, err, eip, cs, eflags, esp_at_signal, ss;
	uint32_t fpstate, oldmask, cr2;
};
_Static_assert(sizeof(struct sigcontext32) == 88, "Linux's sigcontext_32");
_Static_assert(offsetof(struct sigcontext32, ss) ==
		   offsetof(struct trap_frame, ss),
	       "the trap frame's order");

struct fpstate32 {
	uint8_t fsave[FPU_STATE_SIZE];
	uint16_t status, magic;
};

struct siginfo32 {
	int32_t signo, errno_, code;
	uint32_t fields[29]; /* pid, uid, status; or addr */
};
_Static_assert(sizeof(struct siginfo32) == 128, "siginfo_t");

struct ucontext32 {
	uint32_t flags, link;
	uint32_t ss_sp, ss_flags, ss_size;
	struct sigcontext32 mc;
	uint32_t sigmask[2];
};

struct plain_frame {
	uint32_t pretcode;
	int32_t sig;
	struct sigcontext32 sc;
	uint8_t fpstate_unused[FPSTATE_UNUSED];
	uint32_t extramask;
	uint8_t retcode[8];
};

struct rt_frame {
	uint32_t pretcode;
	int32_t sig;
	uint32_t pinfo, puc;
	struct siginfo32 info;
	struct ucontext32 uc;
	uint8_t retcode[8];
};
_Static_assert(offsetof(struct rt_frame, uc) == 144, "Linux's rt frame");

/* popl %eax; movl $119, %eax; int $0x80 — and movl $173, %eax; int $0x80:
 * what Linux writes, for debuggers that recognise a signal frame. */
static const uint8_t plain_retcode[8] = {0x58, 0xb8, NR_SIGRETURN, 0,
					 0,    0,    0xcd,	   0x80};
static const uint8_t rt_retcode[8] = {
    0xb8, NR_RT_SIGRETURN, 0, 0, 0, 0xcd, 0x80, 0};

static void save_context(struct sigcontext32 *sc, const struct trap_frame *tf,
			 uint32_t fpstate, uint64_t oldmask,
			 const struct sig_info *info)
{
	memcpy(sc, tf, offsetof(struct sigcontext32, fpstate));
	sc->gs &= 0xFFFF;
	sc->fs &= 0xFFFF;
	sc->es &= 0xFFFF;
	sc->ds &= 0xFFFF;
	sc->cs &= 0xFFFF;
	sc->ss &= 0xFFFF;
	sc->esp = sc->esp_at_signal = tf->esp;
	sc->fpstate = fpstate;
	sc->oldmask = (uint32_t)oldmask;
	sc->cr2 = tf->vector == T_PAGE_FAULT ? info->addr : 0;
}

static void fill_info(struct siginfo32 *si, int sig, const struct sig_info *in)
{
	memset(si, 0, sizeof(*si));
	si->signo = sig;
	si->code = in->code;
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
		if (in->code != SI_USER && in->code != SI_TKILL) {
			si->fields[0] = in->addr;
			return;
		}
	}
	si->fields[0] = (uint32_t)in->pid; /* si_pid; si_uid 0 */
	si->fields[2] = (uint32_t)in->status;
}

/* Where the frame goes: below the x87 image (if any), aligned so that the
 * handler starts as if called (esp + 4 a multiple of 16).  0 if the stack
 * cannot take it. */
static uint32_t place(uint32_t esp, uint32_t size, bool fpu, uint32_t *fp)
{
	uint32_t sp = esp;
	*fp = 0;
	if (fpu) {
		sp = (sp - sizeof(struct fpstate32)) & ~63u;
		*fp = sp;
	}
	sp = ((sp - size + 4) & ~15u) - 4;
	if (sp > esp || uaccess_check(sp, size, true) < 0)
		return 0;
	if (*fp && uaccess_check(*fp, sizeof(struct fpstate32), true) < 0)
		return 0;
	return sp;
}

static void enter_handler(struct trap_frame *tf, const struct k_sigaction *act,
			  int sig, uint32_t sp)
{
	tf->esp = sp;
	tf->eip = act->handler;
	tf->eax = (uint32_t)sig;
	tf->edx = tf->ecx = 0;
	tf->ds = tf->es = tf->ss = SEL_UDATA;
	tf->cs = SEL_UCODE;
	tf->eflags &= ~(EFLAGS_DF | EFLAGS_RF | EFLAGS_TF);
}

bool sigframe_setup(struct trap_frame *tf, int sig,
		    const struct k_sigaction *act, const struct sig_info *info,
		    uint64_t oldmask)
{
	struct task *t = task_current();
	bool rt = (act->flags & SA_SIGINFO) != 0;
	uint32_t size =
	    rt ? sizeof(struct rt_frame) : sizeof(struct plain_frame);
	uint32_t fp, sp = place(tf->esp, size, t->fpu_used, &fp);
	struct fpstate32 fps;
	union {
		struct plain_frame plain;
		struct rt_frame rt;
	} f;
	int rc;
	if (!sp)
		return false;
	if (fp) {
		memset(&fps, 0, sizeof(fps));
		fpu_take(t, fps.fsave);
		fps.magic = FP_MAGIC_FSAVE;
		if (copy_to_user(fp, &fps, sizeof(fps)) < 0)
			return false;
	}
	if (rt) {
		memset(&f.rt, 0, sizeof(f.rt));
		f.rt.sig = sig;
		f.rt.pinfo = sp + offsetof(struct rt_frame, info);
		f.rt.puc = sp + offsetof(struct rt_frame, uc);
		fill_info(&f.rt.info, sig, info);
		f.rt.uc.ss_flags = SS_DISABLE;
		save_context(&f.rt.uc.mc, tf, fp, oldmask, info);
		f.rt.uc.sigmask[0] = (uint32_t)oldmask;
		f.rt.uc.sigmask[1] = (uint32_t)(oldmask >> 32);
		memcpy(f.rt.retcode, rt_retcode, sizeof(rt_retcode));
		f.rt.pretcode = (act->flags & SA_RESTORER)
				    ? act->restorer
				    : sp + offsetof(struct rt_frame, retcode);
		rc = copy_to_user(sp, &f.rt, sizeof(f.rt));
	} else {
		/* The unused x87 area keeps Linux's layout and is not
		 * written (Linux does not write it either): only the head
		 * and the tail of the frame are. */
		const uint32_t head =
		    offsetof(struct plain_frame, fpstate_unused);
		const uint32_t tail = offsetof(struct plain_frame, extramask);
		f.plain.sig = sig;
		save_context(&f.plain.sc, tf, fp, oldmask, info);
		f.plain.extramask = (uint32_t)(oldmask >> 32);
		memcpy(f.plain.retcode, plain_retcode, sizeof(plain_retcode));
		f.plain.pretcode =
		    (act->flags & SA_RESTORER)
			? act->restorer
			: sp + offsetof(struct plain_frame, retcode);
		rc = copy_to_user(sp, &f.plain, head);
		if (rc == 0)
			rc = copy_to_user(sp + tail, (uint8_t *)&f.plain + tail,
					  sizeof(f.plain) - tail);
	}
	if (rc < 0)
		return false;
	enter_handler(tf, act, sig, sp);
	if (rt) {
		tf->edx = sp + offsetof(struct rt_frame, info);
		tf->ecx = sp + offsetof(struct rt_frame, uc);
	}
	return true;
}

/* A data segment selector a program may hold: null, the user data
 * segment, or the TLS segment while it has a present descriptor. */
static bool data_selector_ok(uint32_t sel)
{
	if (sel == SEL_NULL || sel == SEL_UDATA)
		return true;
	return sel == SEL_TLS && (task_current()->tls & DESC_PRESENT);
}

static bool context_ok(const struct sigcontext32 *sc)
{
	return sc->cs == SEL_UCODE && sc->ss == SEL_UDATA &&
	       data_selector_ok(sc->ds) && data_selector_ok(sc->es) &&
	       data_selector_ok(sc->fs) && data_selector_ok(sc->gs);
}

static void load_context(struct trap_frame *tf, const struct sigcontext32 *sc)
{
	uint32_t eflags = tf->eflags;
	tf->gs = sc->gs;
	tf->fs = sc->fs;
	tf->es = sc->es;
	tf->ds = sc->ds;
	tf->edi = sc->edi;
	tf->esi = sc->esi;
	tf->ebp = sc->ebp;
	tf->ebx = sc->ebx;
	tf->edx = sc->edx;
	tf->ecx = sc->ecx;
	tf->eax = sc->eax;
	tf->eip = sc->eip;
	tf->cs = sc->cs;
	tf->eflags = (eflags & ~USER_EFLAGS) | (sc->eflags & USER_EFLAGS);
	tf->esp = sc->esp;
	tf->ss = sc->ss;
	tf->error =
	    SIGFRAME_NO_RESTART; /* what eax holds is not a call to rerun */
}

bool sigframe_restore(struct trap_frame *tf, bool rt, uint64_t *mask)
{
	struct sigcontext32 sc;
	struct fpstate32 fps;
	uint32_t words[2];
	if (rt) {
		/* rt_sigreturn: the handler's ret popped the return address. */
		uint32_t uc = tf->esp - 4 + offsetof(struct rt_frame, uc);
		if (copy_from_user(&sc, uc + offsetof(struct ucontext32, mc),
				   sizeof(sc)) < 0 ||
		    copy_from_user(words,
				   uc + offsetof(struct ucontext32, sigmask),
				   sizeof(words)) < 0)
			return false;
	} else {
		/* sigreturn: the restorer's popl took the signal number too. */
		uint32_t f = tf->esp - 8;
		if (copy_from_user(&sc, f + offsetof(struct plain_frame, sc),
				   sizeof(sc)) < 0 ||
		    copy_from_user(&words[1],
				   f + offsetof(struct plain_frame, extramask),
				   4) < 0)
			return false;
		words[0] = sc.oldmask;
	}
	if (!context_ok(&sc))
		return false;
	if (sc.fpstate && copy_from_user(&fps, sc.fpstate, sizeof(fps)) < 0)
		return false;
	if (!fpu_give(task_current(), sc.fpstate ? fps.fsave : NULL))
		return false;
	load_context(tf, &sc);
	*mask = words[0] | (uint64_t)words[1] << 32;
	return true;
}
