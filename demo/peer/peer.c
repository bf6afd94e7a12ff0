// SPDX-License-Identifier: GPL-2.0
/*
 * The peer program of the demonstration, run by tools/shdev-vmm in a
 * nested VM: freestanding, no C library.  It draws a PIN pad into the
 * framebuffer it was granted, reads the keyboard through its interrupt
 * (IRQ 1, scancodes from port 0x60), and reports to the VMM, through the
 * VMM's log port, "drawn" and then "pin NNNN" once Enter is typed.
 *
 * Then it errs, as a VM that is not told, or does not care, that the
 * devices went back: paced by the VMM, it goes on writing the framebuffer
 * and reading the keyboard's ports.  While it owns them, it writes what is
 * on the screen already and reads only the status; once they are taken
 * back, every such access must fault into the VMM.
 */
#include <stdint.h>

#include "../draw.h"
#include "../../tools/shdev-vmm/shdev-vmm-guest.h"

#define PIC1		0x20
#define PIC2		0xa0
#define IRQ_BASE	0x20
#define KBD_DATA	0x60
#define KBD_STATUS	0x64
#define KBD_OBF		0x01	/* a byte waits in KBD_DATA */
#define KBD_AUX		0x20	/* ... and it comes from the mouse */
#define SC_ENTER	0x1c
#define SC_RELEASE	0x80

void peer_main(void);
void kbd_irq(void);
void kbd_isr(void);
void other_isr(void);

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void say(const char *s)
{
	while (*s)
		outb(SHDEV_VMM_PORT_LOG, *s++);
	outb(SHDEV_VMM_PORT_LOG, '\n');
}

/* Scancodes from the interrupt handler to the main loop. */
static volatile uint8_t ring[64];
static volatile unsigned int ring_head, ring_tail;

void kbd_irq(void)
{
	uint8_t status = inb(KBD_STATUS), sc;

	if (status & KBD_OBF) {
		sc = inb(KBD_DATA);
		/* Bytes from the mouse are not ours. */
		if (!(status & KBD_AUX) && ring_head - ring_tail < sizeof(ring))
			ring[ring_head++ % sizeof(ring)] = sc;
	}
	outb(PIC1, 0x20);	/* end of interrupt */
}

/* Wait for a scancode, halted between interrupts. */
static uint8_t next_scancode(void)
{
	uint8_t sc;

	for (;;) {
		__asm__ volatile("cli");
		if (ring_tail != ring_head)
			break;
		/* sti's shadow: no interrupt slips in before hlt. */
		__asm__ volatile("sti; hlt");
	}
	sc = ring[ring_tail++ % sizeof(ring)];
	__asm__ volatile("sti");
	return sc;
}

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[IRQ_BASE + 16];

static void set_gate(unsigned int v, void (*isr)(void))
{
	uint32_t off = (uint32_t)isr;

	idt[v].off_lo = off;
	idt[v].sel = 0x08;
	idt[v].zero = 0;
	idt[v].type = 0x8e;	/* present, ring 0, 32-bit interrupt gate */
	idt[v].off_hi = off >> 16;
}

static void interrupts_init(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) desc = { sizeof(idt) - 1, (uint32_t)idt };
	unsigned int v;

	for (v = 0; v < sizeof(idt) / sizeof(idt[0]); v++)
		set_gate(v, other_isr);
	set_gate(IRQ_BASE + 1, kbd_isr);
	__asm__ volatile("lidt %0" : : "m"(desc));

	/* The 8259 pair: vectors from IRQ_BASE, only IRQ 1 unmasked. */
	outb(PIC1, 0x11);
	outb(PIC1 + 1, IRQ_BASE);
	outb(PIC1 + 1, 0x04);
	outb(PIC1 + 1, 0x01);
	outb(PIC2, 0x11);
	outb(PIC2 + 1, IRQ_BASE + 8);
	outb(PIC2 + 1, 0x02);
	outb(PIC2 + 1, 0x01);
	outb(PIC1 + 1, 0xfd);
	outb(PIC2 + 1, 0xff);
}

/* Drawing, as the demonstration's application draws. */

/* At SHDEV_VMM_INFO: peer.lds places it. */
extern const struct shdev_vmm_info vmm_info;
static const struct shdev_vmm_info *fb_info = &vmm_info;

static struct canvas screen;

static void fill(unsigned int x, unsigned int y, unsigned int w,
		 unsigned int h, uint32_t rgb)
{
	canvas_fill(&screen, x, y, w, h, rgb);
}

static void text(unsigned int x, unsigned int y, unsigned int scale,
		 uint32_t rgb, const char *s)
{
	canvas_text(&screen, x, y, scale, rgb, s);
}

#define PAD_X	(fb_info->width / 2 - 180)
#define STARS_Y	120

static void draw_stars(int typed)
{
	char stars[5] = "";
	int i;

	for (i = 0; i < 4 && i < typed; i++)
		stars[i] = '*';
	fill(PAD_X, STARS_Y, 360, 80, 0x303030);
	text(PAD_X + 60, STARS_Y + 15, 8, 0xffffff, stars);
}

static void draw_pinpad(void)
{
	static const char keys[] = "123456789*0#";
	unsigned int i, x0 = PAD_X, y0 = 230;
	char digit[2] = "";

	fill(0, 0, fb_info->width, fb_info->height, 0x101010);
	text(x0 - 90, 40, 6, 0x3ddc84, "NESTED KVM VM: PIN");
	draw_stars(0);
	for (i = 0; i < 12; i++) {
		unsigned int x = x0 + (i % 3) * 125, y = y0 + (i / 3) * 125;

		fill(x, y, 110, 110, 0x3ddc84);
		digit[0] = keys[i] == '#' ? 'K' : keys[i];
		text(x + 40, y + 34, 6, 0x101010, digit);
	}
}

void peer_main(void)
{
	char line[16] = "pin ";
	int typed = 0;
	uint8_t sc;

	if (fb_info->magic != SHDEV_VMM_MAGIC) {
		say("no framebuffer");
		return;
	}
	screen = (struct canvas) {
		.px = (volatile uint8_t *)fb_info->fb,
		.w = fb_info->width, .h = fb_info->height,
		.pitch = fb_info->pitch, .bpp = fb_info->bpp,
	};
	interrupts_init();
	draw_pinpad();
	say("drawn");
	__asm__ volatile("sti");

	while ((sc = next_scancode()) != SC_ENTER) {
		if (sc & SC_RELEASE || sc < 0x02 || sc > 0x0b || typed == 4)
			continue;
		line[4 + typed++] = sc == 0x0b ? '0' : '0' + sc - 1;
		draw_stars(typed);
	}
	line[4 + typed] = '\0';
	say(line);

	/*
	 * The erring part: a pixel of the stars' box again, as it is on the
	 * screen, and the keyboard's status, then its data if the status
	 * says a byte waits, which a taken-back device must never let
	 * through.
	 */
	for (;;) {
		inb(SHDEV_VMM_PORT_PACE);
		fill(PAD_X, STARS_Y, 1, 1, 0x303030);
		if (inb(KBD_STATUS) & KBD_OBF)
			inb(KBD_DATA);
	}
}
