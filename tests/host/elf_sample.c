/*
 * The smallest i386 program: mk/pure.mk links it with the cross compiler
 * (no C library) as a static executable, as a static PIE and as a dynamic
 * PIE, and tests/host/test_elf_host.c checks what lib/elf says of each.
 * It is never run.
 */
void _start(void);

static volatile int counter; /* a .bss for the data segment */
int initialised = 42;	     /* a .data */

void _start(void)
{
	for (;;)
		counter += initialised;
}
