/*
 * pit — channel 0 in mode 2 (rate generator), see pit.h.
 */
#include "drivers/pit.h"

#include "arch/x86.h"

#define PIT_CH0_DATA 0x40
#define PIT_COMMAND  0x43
/* Command byte: channel 0, access lobyte then hibyte, mode 2, binary. */
#define PIT_CMD_CH0_LOHI_MODE2 0x34

uint16_t pit_init(uint32_t hz)
{
	uint32_t div = (PIT_BASE_HZ + hz / 2) / hz;
	if (div > 0xFFFF)
		div = 0xFFFF;
	outb(PIT_COMMAND, PIT_CMD_CH0_LOHI_MODE2);
	outb(PIT_CH0_DATA, div & 0xFF);
	outb(PIT_CH0_DATA, div >> 8);
	return (uint16_t)div;
}
