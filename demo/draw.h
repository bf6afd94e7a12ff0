/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drawing for the demonstration's screens, into a framebuffer of 3 or 4
 * bytes per pixel (XRGB, little end): the application's and the stand-in's
 * (demo/shdev-demo.c), and the nested VM's (demo/peer, freestanding).
 */
#ifndef SHDEV_DEMO_DRAW_H
#define SHDEV_DEMO_DRAW_H

#include <stdint.h>

#include "font.h"

struct canvas {
	volatile uint8_t *px;
	unsigned int w, h, pitch, bpp;
};

static inline void canvas_fill(const struct canvas *c, unsigned int x,
			       unsigned int y, unsigned int w, unsigned int h,
			       uint32_t rgb)
{
	unsigned int i, j, k;

	for (j = y; j < y + h && j < c->h; j++)
		for (i = x; i < x + w && i < c->w; i++)
			for (k = 0; k < c->bpp && k < 3; k++)
				c->px[j * c->pitch + i * c->bpp + k] = rgb >> (8 * k);
}

/* @s in glyphs of @scale pixels; what the font lacks is a space. */
static inline void canvas_text(const struct canvas *c, unsigned int x,
			       unsigned int y, unsigned int scale, uint32_t rgb,
			       const char *s)
{
	unsigned int g, r, b;

	for (; *s; s++, x += 6 * scale) {
		for (g = 0; g < sizeof(font) / sizeof(font[0]); g++)
			if (font[g].c == *s)
				break;
		if (g == sizeof(font) / sizeof(font[0]))
			continue;
		for (r = 0; r < 7; r++)
			for (b = 0; b < 5; b++)
				if (font[g].rows[r] & (0x10 >> b))
					canvas_fill(c, x + b * scale,
						    y + r * scale, scale,
						    scale, rgb);
	}
}

#endif /* SHDEV_DEMO_DRAW_H */
