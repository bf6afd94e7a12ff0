// SPDX-License-Identifier: GPL-2.0
/*
 * shdev serio consumers: the serio ports below a shared device (an i8042
 * with its keyboard and aux ports, say) stay registered, with their child
 * drivers (atkbd, psmouse) bound, while the device is away.
 *
 * Nothing of the stack is torn down.  The input devices at its top freeze
 * on their own (see input.c); the ports themselves freeze too, so that a
 * child driver cannot reach the controller while it is away: writes fail
 * with -EBUSY, a new open is refused, and a close is only recorded and
 * passed on at thaw.  No change to the serio core is needed.
 */

#include <linux/device.h>
#include <linux/init.h>
#include <linux/notifier.h>
#include <linux/serio.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>
#include <linux/slab.h>

struct shdev_serio {
	struct shdev_consumer consumer;
	struct serio *serio;
	/* The port driver's callbacks, while frozen. */
	int (*write)(struct serio *serio, unsigned char data);
	int (*open)(struct serio *serio);
	void (*close)(struct serio *serio);
	bool bound;		/* a child driver had the port at freeze */
};

static int shdev_serio_write_frozen(struct serio *serio, unsigned char data)
{
	return -EBUSY;
}

static int shdev_serio_open_frozen(struct serio *serio)
{
	return -EBUSY;
}

static void shdev_serio_close_frozen(struct serio *serio)
{
}

static int shdev_serio_freeze(struct shdev_consumer *c)
{
	struct shdev_serio *ss = container_of(c, struct shdev_serio, consumer);
	struct serio *serio = ss->serio;

	spin_lock_irq(&serio->lock);
	ss->write = serio->write;
	ss->open = serio->open;
	ss->close = serio->close;
	ss->bound = serio->drv;
	serio->write = shdev_serio_write_frozen;
	serio->open = shdev_serio_open_frozen;
	serio->close = shdev_serio_close_frozen;
	spin_unlock_irq(&serio->lock);
	return 0;
}

/*
 * Give the port driver its callbacks back.  Return whether the child
 * driver that had the port at freeze has let it go since: its close was
 * held back.
 */
static bool shdev_serio_restore(struct shdev_serio *ss)
{
	struct serio *serio = ss->serio;
	bool closed;

	spin_lock_irq(&serio->lock);
	closed = ss->bound && !serio->drv;
	serio->write = ss->write;
	serio->open = ss->open;
	serio->close = ss->close;
	spin_unlock_irq(&serio->lock);
	return closed;
}

static void shdev_serio_thaw(struct shdev_consumer *c)
{
	struct shdev_serio *ss = container_of(c, struct shdev_serio, consumer);
	struct serio *serio = ss->serio;

	if (shdev_serio_restore(ss) && serio->close)
		serio->close(serio);
}

static void shdev_serio_detach(struct shdev_consumer *c)
{
	struct shdev_serio *ss = container_of(c, struct shdev_serio, consumer);

	if (c->frozen)
		shdev_serio_restore(ss);
	put_device(&ss->serio->dev);
	kfree(ss);
}

static const struct shdev_consumer_ops shdev_serio_ops = {
	.name = "serio",
	.freeze = shdev_serio_freeze,
	.thaw = shdev_serio_thaw,
	.detach = shdev_serio_detach,
};

static int shdev_serio_add(struct device *dev, void *unused)
{
	struct shdev_serio *ss;
	int ret;

	ss = kzalloc(sizeof(*ss), GFP_KERNEL);
	if (!ss)
		return -ENOMEM;
	ss->serio = to_serio_port(dev);
	get_device(dev);
	ss->consumer.ops = &shdev_serio_ops;
	ss->consumer.dev = dev;

	ret = shdev_consumer_add_below(&ss->consumer);
	if (ret) {
		put_device(dev);
		kfree(ss);
	}
	/* Not below a shared device: nothing to do. */
	return ret == -ENODEV ? 0 : ret;
}

static int shdev_serio_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	struct device *dev = data;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		if (shdev_serio_add(dev, NULL))
			dev_warn(dev, "not frozen with its shared device\n");
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		shdev_consumer_remove(dev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block shdev_serio_nb = {
	.notifier_call = shdev_serio_notify,
};

static int __init shdev_serio_init(void)
{
	int ret;

	ret = bus_register_notifier(&serio_bus, &shdev_serio_nb);
	if (ret)
		return ret;
	return bus_for_each_dev(&serio_bus, NULL, NULL, shdev_serio_add);
}

/* After the serio bus exists. */
subsys_initcall_sync(shdev_serio_init);
