/*
 * pit — the 8253/8254 programmable interval timer, channel 0 on IRQ 0.
 *
 * The PIT counts down from a divisor at 1,193,182 Hz and raises IRQ 0 each
 * time it wraps, so the tick rate is 1193182 / divisor.  The divisor is 16
 * bits, which bounds the rate from below at about 18.2 Hz; keel accepts
 * PIT_HZ_MIN..PIT_HZ_MAX from the `hz=` option.
 */
#ifndef KEEL_DRIVERS_PIT_H
#define KEEL_DRIVERS_PIT_H

#include <stdint.h>

#define PIT_IRQ	       0
#define PIT_BASE_HZ    1193182u
#define PIT_HZ_MIN     19u
#define PIT_HZ_MAX     1000u
#define PIT_HZ_DEFAULT 100u

/* Program channel 0 as a rate generator at hz; returns the divisor used. */
uint16_t pit_init(uint32_t hz);

#endif
