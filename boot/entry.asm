; boot/entry.asm — from the boot loader to kmain, in the higher half.
;
; GRUB and `qemu -kernel` enter _start in 32-bit protected mode with paging
; off, EAX = the multiboot boot magic and EBX = the physical address of the
; multiboot information (Multiboot 0.6.96, section 3.2).  _start itself is in
; .boot, linked at its physical address (see linker.ld); everything else is
; linked at 0xC0100000 and up but sits at physical 0x00100000 and up, so
; until paging is on every other address must be turned physical by
; subtracting KERNEL_VMA.
;
; What this file guarantees when kmain(magic, mbi_phys) starts:
;   - paging is on with boot_page_directory: physical 0..BOOT_MAPPED_BYTES is
;     mapped both at 0 (identity, so this code survives the switch) and at
;     KERNEL_VMA (the higher half), 4 KiB pages, no PSE (a 486 has none);
;   - page 0 is not mapped (a NULL dereference faults), the boot stack's guard
;     page is not mapped (a stack overflow faults), and kernel text and
;     read-only data are mapped read-only with CR0.WP set, so even ring 0
;     cannot write them;
;   - .bss is zero; ESP is boot_stack_top; EBP is 0, which ends backtraces.

%include "boot/defs.inc"

MB_HEADER_MAGIC equ 0x1BADB002
MB_FLAG_PAGE_ALIGN equ 1 << 0       ; modules on page boundaries
MB_FLAG_MEMORY_INFO equ 1 << 1      ; mem_lower/mem_upper and the memory map
MB_HEADER_FLAGS equ MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO
MB_BOOT_MAGIC equ 0x2BADB002        ; what the loader leaves in EAX

BOOT_PT_COUNT equ BOOT_MAPPED_BYTES / (1024 * PAGE_SIZE)
PDE_INDEX_HIGH equ KERNEL_VMA >> 22

section .multiboot
align 4
	dd MB_HEADER_MAGIC
	dd MB_HEADER_FLAGS
	dd -(MB_HEADER_MAGIC + MB_HEADER_FLAGS)

section .bss
align PAGE_SIZE
global boot_page_directory, boot_page_tables
boot_page_directory:
	resb PAGE_SIZE
boot_page_tables:
	resb PAGE_SIZE * BOOT_PT_COUNT
; The boot stack: one unmapped guard page, then KSTACK_SIZE bytes.
global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
	resb PAGE_SIZE
boot_stack_bottom:
	resb KSTACK_SIZE
boot_stack_top:

section .boot.text progbits alloc exec nowrite align=16
extern kmain
extern __bss_start, __bss_end, __text_start, __rodata_end
global _start
_start:
	cli
	cld
	cmp eax, MB_BOOT_MAGIC
	jne bad_magic
	mov esi, ebx                        ; keep the multiboot info pointer

	; Zero .bss (the loader should have, but a page table must start clean).
	mov edi, __bss_start - KERNEL_VMA
	mov ecx, __bss_end - KERNEL_VMA
	sub ecx, edi
	shr ecx, 2
	xor eax, eax
	rep stosd

	; One PTE per 4 KiB page of 0..BOOT_MAPPED_BYTES, present + writable.
	mov edi, boot_page_tables - KERNEL_VMA
	mov ecx, BOOT_PT_COUNT * 1024
	mov eax, PTE_PRESENT | PTE_WRITABLE
.fill:
	stosd
	add eax, PAGE_SIZE
	loop .fill

	; Holes: page 0 (NULL) and the boot stack's guard page.
	mov ebx, boot_page_tables - KERNEL_VMA
	mov dword [ebx], 0
	mov eax, boot_stack_guard - KERNEL_VMA
	shr eax, PAGE_SHIFT
	mov dword [ebx + eax * 4], 0

	; Text and read-only data: clear the writable bit.
	mov eax, __text_start - KERNEL_VMA
	shr eax, PAGE_SHIFT
	mov ecx, __rodata_end - KERNEL_VMA + PAGE_SIZE - 1
	shr ecx, PAGE_SHIFT
.readonly:
	and dword [ebx + eax * 4], ~PTE_WRITABLE
	inc eax
	cmp eax, ecx
	jb .readonly

	; The same page tables serve the identity map and the higher half.
	mov edi, boot_page_directory - KERNEL_VMA
	mov eax, (boot_page_tables - KERNEL_VMA) + (PTE_PRESENT | PTE_WRITABLE)
	xor ecx, ecx
.pde:
	mov [edi + ecx * 4], eax
	mov [edi + (PDE_INDEX_HIGH * 4) + ecx * 4], eax
	add eax, PAGE_SIZE
	inc ecx
	cmp ecx, BOOT_PT_COUNT
	jb .pde

	mov eax, boot_page_directory - KERNEL_VMA
	mov cr3, eax
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	mov cr0, eax

	mov eax, higher_half                ; an absolute, virtual address
	jmp eax

; A wrong magic means we were not started by a multiboot loader: say so on
; COM1 (polled: no interrupts, no stack needed) and halt.
bad_magic:
	mov esi, bad_magic_msg - KERNEL_VMA
.next:
	mov al, [esi]
	test al, al
	jz .halt
	mov dx, COM1_PORT + UART_LSR
.wait:
	in al, dx
	test al, UART_LSR_THR_EMPTY
	jz .wait
	mov al, [esi]
	mov dx, COM1_PORT
	out dx, al
	inc esi
	jmp .next
.halt:
	cli
	hlt
	jmp .halt

; From here on we run at the addresses we were linked at.
section .text
higher_half:
	mov esp, boot_stack_top
	xor ebp, ebp
	push esi                            ; kmain(magic, mbi_phys)
	push MB_BOOT_MAGIC
	call kmain
.halt:
	cli
	hlt
	jmp .halt

section .rodata
bad_magic_msg:
	db "keel: not started by a multiboot loader (bad magic in EAX); halting", 13, 10, 0
