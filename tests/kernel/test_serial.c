/*
 * Serial receive: a burst from the host harness arrives whole.
 *
 * The case asks the harness for a burst by printing
 * `# harness: send-burst N SEED`; tools/harness answers with N bytes of the
 * pattern below on QEMU's standard input, which is COM1's receive line.
 * Every byte must arrive, in order, with no ring drops and no UART overrun.
 *
 * Only a host program can answer, so the harness says it is there with the
 * option `serial.peer`.  Without it (`test` at the console, a plain
 * `qemu -append test`) the case skips and says why; with it, a burst that
 * does not arrive whole fails, even when no byte at all comes: the
 * handshake is the option, never the bytes, so losing them cannot turn a
 * failure into a skip.
 */
#include "arch/x86.h"
#include "drivers/serial.h"
#include "kernel/ktest.h"
#include "kernel/time.h"

#define BURST_BYTES	   3000 /* less than the ring: the reader may fall behind */
#define BURST_SEED	   91
#define BURST_WAIT_SECONDS 10

static uint8_t burst_byte(uint32_t i)
{
	return (uint8_t)(BURST_SEED + i * 7 + (i >> 8));
}

KTEST(serial, rx_burst_from_host_arrives_whole)
{
	struct serial_stats before, after;
	uint32_t got = 0, mismatches = 0;
	uint64_t deadline =
	    time_ticks() + (uint64_t)BURST_WAIT_SECONDS * time_hz();

	if (!serial_host_peer())
		ktest_skip("no host peer answers on COM1 (tools/harness boots "
			   "with serial.peer)");
	while (serial_getc() >= 0) /* nothing stale */
		;
	serial_stats(&before);
	ktest_diag("harness: send-burst %u %u", BURST_BYTES, BURST_SEED);
	while (got < BURST_BYTES && time_ticks() < deadline) {
		int c = serial_getc();
		if (c < 0) {
			sti_hlt();
			continue;
		}
		mismatches += (uint8_t)c != burst_byte(got);
		got++;
	}
	serial_stats(&after);
	KEXPECT_EQ(got, BURST_BYTES);
	KEXPECT_EQ(mismatches, 0);
	KEXPECT_EQ(after.rx_dropped - before.rx_dropped, 0);
	KEXPECT_EQ(after.rx_overruns - before.rx_overruns, 0);
	KEXPECT_GE(after.rx_bytes - before.rx_bytes, BURST_BYTES);
}
