/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Startup of the demonstration's peer program.  tools/shdev-vmm starts the
 * vCPU in 32-bit protected mode with flat segments (selectors 0x08 and
 * 0x10) at _start, the first byte of the image, loaded at 0x1000; the
 * program loads a GDT of its own with the same selectors, for the
 * interrupt gates, and runs peer_main() on its own stack.
 */
	.code32
	.section .text.start, "ax"
	.globl	_start
_start:
	cli
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	$stack_top, %esp
	call	peer_main
2:	cli
	hlt
	jmp	2b

/* IRQ 1 (vector 0x21): the keyboard's interrupt. */
	.text
	.globl	kbd_isr
kbd_isr:
	pushal
	cld
	call	kbd_irq
	popal
	iretl

/* Every other vector: ignored (only IRQ 1 is unmasked in the PIC). */
	.globl	other_isr
other_isr:
	iretl

	.section .rodata
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, flat, 32-bit */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

	.bss
	.balign	16
	.space	16384
stack_top:
	.section .note.GNU-stack, "", @progbits
