/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What shdev-vmm gives the program it runs: a flat image loaded and
 * started at SHDEV_VMM_LOAD in 32-bit protected mode (flat segments, code
 * 0x08, data 0x10, no paging), RAM from 0 to SHDEV_VMM_RAM, a description
 * of the framebuffer granted at SHDEV_VMM_INFO, the granted devices' I/O
 * ports and interrupts where the host has them (the in-kernel PIC and
 * IOAPIC route them), and two ports of the VMM's own.
 */
#ifndef SHDEV_VMM_GUEST_H
#define SHDEV_VMM_GUEST_H

#define SHDEV_VMM_RAM		0x200000
#define SHDEV_VMM_LOAD		0x1000
#define SHDEV_VMM_INFO		0x800

/* A byte written here is a character of a line the VMM prints. */
#define SHDEV_VMM_PORT_LOG	0x510
/* A read here returns after a pause of the VMM's choice (10 ms). */
#define SHDEV_VMM_PORT_PACE	0x511

#define SHDEV_VMM_MAGIC		0x6d6d7673	/* "svmm" */

/**
 * struct shdev_vmm_info - the framebuffer, at SHDEV_VMM_INFO
 * @magic: SHDEV_VMM_MAGIC
 * @fb: its guest-physical address
 * @width: pixels per line
 * @height: lines
 * @pitch: bytes per line
 * @bpp: bytes per pixel (XRGB, little end)
 */
struct shdev_vmm_info {
	unsigned int magic;
	unsigned int fb;
	unsigned int width;
	unsigned int height;
	unsigned int pitch;
	unsigned int bpp;
};

#endif /* SHDEV_VMM_GUEST_H */
