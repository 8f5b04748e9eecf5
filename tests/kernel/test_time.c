/*
 * The timer: ticks advance by themselves with interrupts on, and a wait for
 * N ticks lasts at least N ticks.
 */
#include "arch/irq.h"
#include "arch/x86.h"
#include "drivers/pit.h"
#include "kernel/ktest.h"
#include "kernel/time.h"

KTEST(time, ticks_advance_with_interrupts_on)
{
	uint64_t t0 = time_ticks();
	uint32_t irq0 = irq_count(PIT_IRQ);
	KASSERT_TRUE(irq_enabled());
	/* Spin (no hlt): only the interrupt can move the counter. */
	for (uint32_t spins = 0; time_ticks() < t0 + 3 && spins < 0x7FFFFFFF;
	     spins++)
		__asm__ volatile("pause");
	KEXPECT_GE(time_ticks(), t0 + 3);
	KEXPECT_GE(irq_count(PIT_IRQ) - irq0, 3);
}

KTEST(time, ticks_stand_still_with_interrupts_off)
{
	uint64_t t0, t1;
	cli();
	t0 = time_ticks();
	for (volatile uint32_t i = 0; i < 2000000; i++)
		;
	t1 = time_ticks();
	sti();
	KEXPECT_EQ(t1, t0);
}

KTEST(time, wait_lasts_at_least_n_ticks)
{
	static const uint32_t waits[] = {1, 2, 5, 10};
	for (unsigned i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		uint64_t t0 = time_ticks();
		time_wait_ticks(waits[i]);
		KEXPECT_GE(time_ticks() - t0, waits[i]);
		/* ... and not wildly more: a tick of slack for the boundary. */
		KEXPECT_LE(time_ticks() - t0, waits[i] + 1);
	}
}

KTEST(time, pit_divisor_follows_hz)
{
	/* hz -> divisor is PIT_BASE_HZ / hz rounded; clamped at 16 bits. */
	KEXPECT_EQ(pit_init(100), 11932);
	KEXPECT_EQ(pit_init(1000), 1193);
	KEXPECT_EQ(pit_init(19), 62799);
	KEXPECT_EQ(pit_init(time_hz()),
		   (PIT_BASE_HZ + time_hz() / 2) / time_hz());
}
