// SPDX-License-Identifier: GPL-2.0
/* Must not be flagged by shdev_atomic.cocci. */
#include <linux/interrupt.h>
#include <linux/shdev-backend.h>
#include <linux/shdev.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct good {
	spinlock_t lock;
	bool want;
	struct shdev *sd;
	struct shdev_peer *peer;
	struct work_struct work;
};

static void good_give(struct good *good)
{
	bool want;

	spin_lock(&good->lock);
	want = good->want;
	spin_unlock(&good->lock);
	if (want)
		shdev_release(good->sd, good->peer);
}

static irqreturn_t good_irq(int irq, void *data)
{
	struct good *good = data;
	int idx;

	/* The gate may be entered from an interrupt handler. */
	if (shdev_enter(good->sd, &idx))
		shdev_exit(good->sd, idx);
	schedule_work(&good->work);
	return IRQ_HANDLED;
}

static int good_setup(struct good *good, int irq)
{
	good_give(good);
	return request_irq(irq, good_irq, 0, "good", good);
}
