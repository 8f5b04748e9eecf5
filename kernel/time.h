/*
 * time — the kernel's clock: a monotonic count of timer ticks.
 *
 * The PIT interrupts `hz` times a second (the `hz=` option, default 100);
 * each interrupt adds one to the tick count and then runs the tick hooks in
 * the order they were added (the self-test watchdog, the scheduler).  This
 * is the timer interrupt of limited direct execution: however a task
 * behaves, the kernel gets the CPU back every tick
 * (000_4ce0ed622454299e.txt).
 */
#ifndef KEEL_KERNEL_TIME_H
#define KEEL_KERNEL_TIME_H

#include <stdint.h>

#include "arch/x86.h"

struct trap_frame;
/* Runs on every tick; tf is the context the timer interrupted. */
typedef TRAP_CALL void (*tick_hook_t)(uint64_t now, struct trap_frame *tf);

void time_init(uint32_t hz);
uint32_t time_hz(void);
/* Ticks since time_init; safe with interrupts on or off. */
uint64_t time_ticks(void);
/* Called on every tick, with interrupts off, after the count moved. */
void time_add_tick_hook(tick_hook_t hook);
/*
 * Wait until at least n more ticks have passed (halting between them).
 * Needs interrupts on; it turns them on if they are off.
 */
void time_wait_ticks(uint32_t n);

#endif
