// SPDX-License-Identifier: GPL-2.0
/* Must be flagged by shdev_atomic.cocci: transfers in atomic context. */
#include <linux/interrupt.h>
#include <linux/shdev-backend.h>
#include <linux/shdev.h>
#include <linux/spinlock.h>

struct bad {
	spinlock_t lock;
	struct shdev *sd;
	struct shdev_peer *peer;
};

static void bad_give(struct bad *bad)
{
	spin_lock(&bad->lock);
	shdev_release(bad->sd, bad->peer);
	spin_unlock(&bad->lock);
}

static irqreturn_t bad_irq(int irq, void *data)
{
	struct bad *bad = data;

	shdev_peer_died(bad->peer);
	return IRQ_HANDLED;
}

static int bad_setup(struct bad *bad, int irq)
{
	bad_give(bad);
	return request_irq(irq, bad_irq, 0, "bad", bad);
}
