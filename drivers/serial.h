/*
 * serial — the 16550 UART on COM1: 115200 baud, 8 data bits, no parity,
 * 1 stop bit.
 *
 * Transmit is polled, but a FIFO at a time: whenever the transmit holding
 * register is empty the 16-byte FIFO is empty too, so up to 16 bytes go out
 * before the next wait.  Receive is by interrupt (IRQ 4): the handler drains
 * the UART into a ring buffer (lib/ringbuf.h), the only producer; readers
 * (serial_getc and friends) are the only consumer.  Overruns the UART itself
 * reports (LSR.OE) and bytes the full ring had to drop are both counted.
 */
#ifndef KEEL_DRIVERS_SERIAL_H
#define KEEL_DRIVERS_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COM1_PORT      0x3F8 /* boot/defs.inc COM1_PORT */
#define COM1_IRQ       4
#define SERIAL_RX_RING 4096

struct serial_stats {
	uint32_t rx_bytes;    /* taken out of the UART */
	uint32_t rx_dropped;  /* the ring was full */
	uint32_t rx_overruns; /* the UART's own FIFO overflowed */
};

/* Program the UART (polled output works after this). */
void serial_init(void);
/* Hook IRQ 4 and turn on the receive interrupt. */
void serial_enable_rx_irq(void);
/*
 * Whether a program on the host end of COM1 answers the kernel's
 * `# harness: ...` requests: the option `serial.peer`, which tools/harness
 * passes.  A plain QEMU run (or a terminal) answers nothing, so the cases
 * that need an answer skip without it.
 */
bool serial_host_peer(void);
/* kmain sets it from the option (drivers read no options themselves). */
void serial_set_host_peer(bool answers);
void serial_putc(char c);
void serial_write(const char *s, size_t n);
/* Output that bypasses everything but the UART: for a panic in a panic. */
void serial_putc_polled(char c);
/* A received byte, or -1 when none is waiting. */
int serial_getc(void);
/* Bytes waiting in the receive ring. */
size_t serial_rx_pending(void);
void serial_stats(struct serial_stats *out);

#endif
