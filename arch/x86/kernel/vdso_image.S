/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vDSO's image (arch/x86/vdso, built by the Makefile) as read-only
 * bytes of the kernel: managers/processor/vdso.c copies it to pages and
 * maps them into every process.
 */
	.section .rodata, "a"
	.balign 64
	.globl vdso_image
vdso_image:
	.incbin VDSO_IMAGE
	.globl vdso_image_end
vdso_image_end:
