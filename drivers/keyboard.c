/*
 * keyboard — PS/2 keyboard and 8042 controller (see keyboard.h).  Ports,
 * status bits and commands are those of the IBM PC/AT 8042 interface.
 */
#include "drivers/keyboard.h"

#include "arch/irq.h"
#include "arch/x86.h"
#include "lib/ringbuf.h"
#include "lib/scancode.h"

#define I8042_DATA    0x60
#define I8042_STATUS  0x64 /* read */
#define I8042_COMMAND 0x64 /* write */

#define STATUS_OUT_FULL 0x01 /* a byte waits for us at I8042_DATA */
#define STATUS_IN_FULL	0x02 /* the controller has not taken our last byte */
#define STATUS_AUX	0x20 /* the waiting byte comes from the mouse port */

#define CMD_READ_CONFIG	 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_PULSE_RESET	 0xFE /* pulse output-port bit 0: the CPU's RESET */

#define CONFIG_KBD_IRQ	     0x01 /* interrupt on IRQ 1 for keyboard bytes */
#define CONFIG_KBD_CLOCK_OFF 0x10 /* keyboard port disabled */
#define CONFIG_TRANSLATE     0x40 /* set 2 -> set 1 translation */

/*
 * Polls before we give up on the controller.  A status read is an I/O
 * access of about 1 µs on real hardware, so this is tens of milliseconds:
 * far longer than any working controller needs.
 */
#define I8042_SPINS 100000
/* Bytes taken out per interrupt at most (the controller holds one). */
#define IRQ_DRAIN_MAX 16

static uint8_t ring_storage[KBD_RING];
static struct ringbuf ring;
static struct scancode_state keys;
static uint32_t scancodes;
static bool initialised, present;

static bool wait_status(uint8_t bit, bool set)
{
	for (int i = 0; i < I8042_SPINS; i++)
		if (((inb(I8042_STATUS) & bit) != 0) == set)
			return true;
	return false;
}

static bool write_port(uint16_t port, uint8_t v)
{
	if (!wait_status(STATUS_IN_FULL, false))
		return false;
	outb(port, v);
	return true;
}

/* Throw away whatever the controller holds (keys pressed during boot). */
static void drain(void)
{
	for (int i = 0;
	     i < IRQ_DRAIN_MAX && (inb(I8042_STATUS) & STATUS_OUT_FULL); i++)
		(void)inb(I8042_DATA);
}

static bool configure(void)
{
	uint8_t config;
	drain();
	if (!write_port(I8042_COMMAND, CMD_READ_CONFIG) ||
	    !wait_status(STATUS_OUT_FULL, true))
		return false;
	config = inb(I8042_DATA);
	config |= CONFIG_KBD_IRQ | CONFIG_TRANSLATE;
	config &= (uint8_t)~CONFIG_KBD_CLOCK_OFF;
	return write_port(I8042_COMMAND, CMD_WRITE_CONFIG) &&
	       write_port(I8042_DATA, config);
}

static TRAP_CALL void keyboard_irq(unsigned irq, struct trap_frame *tf)
{
	uint8_t status;
	(void)irq;
	(void)tf;
	for (int i = 0; i < IRQ_DRAIN_MAX &&
			((status = inb(I8042_STATUS)) & STATUS_OUT_FULL);
	     i++) {
		char out[SCANCODE_OUT_MAX];
		uint8_t code = inb(I8042_DATA);
		if (status & STATUS_AUX)
			continue; /* a mouse byte: not ours */
		scancodes++;
		ringbuf_write(&ring, out,
			      (uint32_t)scancode_feed(&keys, code, out));
	}
}

bool keyboard_init(void)
{
	if (initialised)
		return present;
	initialised = true;
	ringbuf_init(&ring, ring_storage, sizeof(ring_storage));
	scancode_init(&keys);
	/* IRQ 1 is still masked: the controller's answers come to us. */
	present = configure();
	if (!present)
		return false;
	irq_register(KBD_IRQ, keyboard_irq);
	drain();
	irq_unmask(KBD_IRQ);
	return true;
}

int keyboard_getc(void)
{
	uint8_t c;
	bool on = irq_save();
	bool got = present && ringbuf_get(&ring, &c);
	irq_restore(on);
	return got ? c : -1;
}

uint32_t keyboard_pending(void)
{
	return present ? ringbuf_count(&ring) : 0;
}

uint32_t keyboard_scancodes(void)
{
	return scancodes;
}

uint32_t keyboard_dropped(void)
{
	return present ? ringbuf_dropped(&ring) : 0;
}

void keyboard_reset_machine(void)
{
	bool on = irq_save();
	if (write_port(I8042_COMMAND, CMD_PULSE_RESET)) {
		/* The reset takes effect within microseconds; give it time
		 * before the caller concludes it did not happen. */
		for (int i = 0; i < I8042_SPINS; i++)
			io_wait();
	}
	irq_restore(on);
}
