/*
 * kmain — the C entry point, called once by boot/entry.asm.
 */
#ifndef KEEL_INIT_KMAIN_H
#define KEEL_INIT_KMAIN_H

#include <stdint.h>

#include "arch/layout.h"

__attribute__((noreturn)) void kmain(uint32_t magic, uint32_t mbi_phys);

#endif
