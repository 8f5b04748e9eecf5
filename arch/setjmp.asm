; arch/setjmp.asm — ksetjmp / klongjmp (see arch/setjmp.h).
section .text

; int ksetjmp(kjmp_buf env)
global ksetjmp
ksetjmp:
	mov eax, [esp + 4]
	mov [eax + 0], ebx
	mov [eax + 4], esi
	mov [eax + 8], edi
	mov [eax + 12], ebp
	lea ecx, [esp + 4]                  ; ESP as it will be after `ret`
	mov [eax + 16], ecx
	mov ecx, [esp]                      ; the return address
	mov [eax + 20], ecx
	xor eax, eax
	ret

; void klongjmp(kjmp_buf env, int val): ksetjmp returns again, with val
; (or 1 if val is 0).
global klongjmp
klongjmp:
	mov edx, [esp + 4]
	mov eax, [esp + 8]
	test eax, eax
	jnz .nonzero
	inc eax
.nonzero:
	mov ebx, [edx + 0]
	mov esi, [edx + 4]
	mov edi, [edx + 8]
	mov ebp, [edx + 12]
	mov esp, [edx + 16]
	jmp [edx + 20]
