/*
 * serial — COM1 driver (see serial.h).  Register offsets and bits are from
 * the 16550 data sheet.
 */
#include "drivers/serial.h"

#include "arch/irq.h"
#include "arch/x86.h"
#include "lib/ringbuf.h"

#define UART_DATA 0 /* RBR (read) / THR (write); DLL when DLAB = 1 */
#define UART_IER  1 /* interrupt enable; DLM when DLAB = 1 */
#define UART_FCR  2 /* FIFO control (write) */
#define UART_LCR  3 /* line control */
#define UART_MCR  4 /* modem control */
#define UART_LSR  5 /* line status */

#define IER_RX_AVAILABLE 0x01
#define FCR_ENABLE	 0x01
#define FCR_CLEAR_RX	 0x02
#define FCR_CLEAR_TX	 0x04
#define FCR_TRIGGER_14	 0xC0 /* interrupt when 14 bytes wait */
#define LCR_8N1		 0x03
#define LCR_DLAB	 0x80 /* divisor latch access */
#define MCR_DTR		 0x01
#define MCR_RTS		 0x02
#define MCR_OUT2	 0x08 /* gates the UART's interrupt line to the PIC */
#define LSR_DATA_READY	 0x01
#define LSR_OVERRUN	 0x02
#define LSR_THR_EMPTY	 0x20

#define UART_CLOCK_DIV_115200 1 /* 1.8432 MHz / 16 / 115200 */
#define UART_FIFO_BYTES	      16

static uint8_t rx_storage[SERIAL_RX_RING];
static struct ringbuf rx_ring;
static uint32_t rx_bytes, rx_overruns;

void serial_init(void)
{
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, LCR_DLAB);
	outb(COM1_PORT + UART_DATA, UART_CLOCK_DIV_115200 & 0xFF);
	outb(COM1_PORT + UART_IER, UART_CLOCK_DIV_115200 >> 8);
	outb(COM1_PORT + UART_LCR, LCR_8N1);
	outb(COM1_PORT + UART_FCR,
	     FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX | FCR_TRIGGER_14);
	outb(COM1_PORT + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	ringbuf_init(&rx_ring, rx_storage, sizeof(rx_storage));
}

static void serial_drain_rx(void)
{
	uint8_t lsr;
	while ((lsr = inb(COM1_PORT + UART_LSR)) & LSR_DATA_READY) {
		if (lsr & LSR_OVERRUN)
			rx_overruns++;
		ringbuf_put(&rx_ring, inb(COM1_PORT + UART_DATA));
		rx_bytes++;
	}
}

static TRAP_CALL void serial_irq(unsigned irq, struct trap_frame *tf)
{
	(void)irq;
	(void)tf;
	serial_drain_rx();
}

static bool host_peer;

bool serial_host_peer(void)
{
	return host_peer;
}

void serial_set_host_peer(bool answers)
{
	host_peer = answers;
}

void serial_enable_rx_irq(void)
{
	irq_register(COM1_IRQ, serial_irq);
	outb(COM1_PORT + UART_IER, IER_RX_AVAILABLE);
	irq_unmask(COM1_IRQ);
}

void serial_putc_polled(char c)
{
	while (!(inb(COM1_PORT + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1_PORT + UART_DATA, (uint8_t)c);
}

/* Wait for an empty FIFO, then fill it: 16 bytes per wait. */
void serial_write(const char *s, size_t n)
{
	while (n > 0) {
		size_t burst = n < UART_FIFO_BYTES ? n : UART_FIFO_BYTES;
		while (!(inb(COM1_PORT + UART_LSR) & LSR_THR_EMPTY))
			;
		for (size_t i = 0; i < burst; i++)
			outb(COM1_PORT + UART_DATA, (uint8_t)s[i]);
		s += burst;
		n -= burst;
	}
}

void serial_putc(char c)
{
	serial_write(&c, 1);
}

int serial_getc(void)
{
	uint8_t c;
	bool on = irq_save();
	bool got = ringbuf_get(&rx_ring, &c);
	irq_restore(on);
	return got ? c : -1;
}

size_t serial_rx_pending(void)
{
	return ringbuf_count(&rx_ring);
}

void serial_stats(struct serial_stats *out)
{
	out->rx_bytes = rx_bytes;
	out->rx_dropped = ringbuf_dropped(&rx_ring);
	out->rx_overruns = rx_overruns;
}
