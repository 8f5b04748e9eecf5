/*
 * time — tick counting on IRQ 0 (see time.h).
 */
#include "kernel/time.h"

#include "arch/irq.h"
#include "arch/x86.h"
#include "drivers/pit.h"
#include "kernel/panic.h"

/* The scheduler, the disk timeout, the resident sets (proc/resident.c),
 * the self-test runner: room to spare for a few more. */
#define TICK_HOOKS_MAX 8

static volatile uint64_t ticks;
static uint32_t tick_hz;
static tick_hook_t hooks[TICK_HOOKS_MAX];
static unsigned nhooks;

/* The timer's interrupt, straight from the trap dispatcher (the one IRQ on
 * the preemptive-switch path: irq_register_trap). */
static TRAP_CALL struct trap_frame *time_trap(struct trap_frame *tf)
{
	uint64_t now = ticks + 1; /* ticks is volatile: read it once */
	irq_ack(PIT_IRQ);
	ticks = now;
	for (unsigned i = 0; i < nhooks; i++)
		hooks[i](now, tf);
	return tf;
}

void time_init(uint32_t hz)
{
	tick_hz = hz;
	pit_init(hz);
	irq_register_trap(PIT_IRQ, time_trap);
	irq_unmask(PIT_IRQ);
}

uint32_t time_hz(void)
{
	return tick_hz;
}

uint64_t time_ticks(void)
{
	bool on = irq_save(); /* a 64-bit read is two loads on a 32-bit CPU */
	uint64_t t = ticks;
	irq_restore(on);
	return t;
}

void time_add_tick_hook(tick_hook_t hook)
{
	if (nhooks == TICK_HOOKS_MAX)
		panic("time: more than %d tick hooks", TICK_HOOKS_MAX);
	hooks[nhooks++] = hook;
}

void time_wait_ticks(uint32_t n)
{
	uint64_t until = time_ticks() + n;
	while (time_ticks() < until)
		sti_hlt();
}
