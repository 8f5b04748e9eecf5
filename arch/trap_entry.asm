; arch/trap_entry.asm — the 256 trap stubs, the common entry and exit.
;
; The stubs are generated from one macro; the list of vectors for which the
; CPU pushes an error code is written once, in HAS_ERROR_CODE below (SDM 3A
; table 6-1: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21,
; #VC 29, #SX 30).  See arch/trap.h for the frame this builds.

%include "boot/defs.inc"

extern trap_dispatch
extern trap_double_fault

%macro HAS_ERROR_CODE 1
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
%define ERRCODE_PUSHED 1
%else
%define ERRCODE_PUSHED 0
%endif
%endmacro

%macro TRAP_STUB 1
trap_stub_%1:
	HAS_ERROR_CODE %1
%if ERRCODE_PUSHED == 0
	push dword 0                        ; dummy error code
%endif
	push dword %1                       ; vector
	jmp trap_common
%endmacro

section .text
align 16
%assign vec 0
%rep 256
	TRAP_STUB vec
%assign vec vec + 1
%endrep

; Save the interrupted context as a struct trap_frame, call the dispatcher
; with it, and resume whichever frame the dispatcher returns.
global trap_common
trap_common:
	pushad
	; The segment registers go in as zero-extended doublewords.  `push ds`
	; with a 32-bit operand size may write only the low 16 bits of its
	; stack slot and leave the upper half as it was (SDM 2B, PUSH: recent
	; Intel CPUs do, and Bochs does too), which left stale stack bytes in
	; trap_frame.ds.  `mov ax, sreg` writes AX alone; EAX (already saved by
	; pushad) was cleared first.  (`mov eax, sreg` zero-extends only from
	; the P6 on: before it the upper half is undefined.)
	xor eax, eax
	mov ax, ds
	push eax
	mov ax, es
	push eax
	mov ax, fs
	push eax
	mov ax, gs
	push eax
	mov ax, KERNEL_DS                   ; the kernel's data segments (FS and
	mov ds, ax                          ; GS are saved and restored, but the
	mov es, ax                          ; kernel itself never uses them)
	cld
	mov eax, esp                        ; trap_dispatch(tf): TRAP_CALL,
	call trap_dispatch                  ; the argument in EAX (arch/x86.h)
	mov esp, eax                        ; the frame to resume
global trap_return
trap_return:
	pop gs
	pop fs
	pop es
	pop ds
	popad
	add esp, 8                          ; vector and error code
	iretd

; void trap_return_to(struct trap_frame *tf): resume tf (on this stack).
global trap_return_to
trap_return_to:
	mov esp, [esp + 4]
	jmp trap_return

; The double-fault task: entered by a task switch through the #DF task gate,
; on the double-fault TSS's own stack, with the error code (always 0) pushed.
global trap_double_fault_task
trap_double_fault_task:
	add esp, 4                          ; drop the error code
	xor ebp, ebp                        ; end of this task's backtrace
	call trap_double_fault
.halt:
	cli
	hlt
	jmp .halt

; void gdt_reload_segments(uint32_t code_sel, uint32_t data_sel)
global gdt_reload_segments
gdt_reload_segments:
	mov eax, [esp + 8]
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	mov eax, [esp + 4]
	push eax
	push .reloaded
	retf                                ; far return loads CS
.reloaded:
	ret

section .rodata
align 4
global trap_stub_table
trap_stub_table:
%assign vec 0
%rep 256
	dd trap_stub_%+vec
%assign vec vec + 1
%endrep
