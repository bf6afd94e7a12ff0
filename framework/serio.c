// SPDX-License-Identifier: GPL-2.0
/*
 * shdev serio consumers: the serio ports below a shared device (an i8042
 * with its keyboard and aux ports, say) stay registered, with their child
 * drivers (atkbd, psmouse) bound, while the device is away.
 *
 * Nothing of the stack is torn down.  The input devices at its top freeze
 * on their own (see input.c); the ports themselves freeze too, so that a
 * child driver cannot reach the controller while it is away.  The serio
 * core does that: while a port is frozen with serio_freeze(), writes fail
 * with -EBUSY, a new open is refused, and a close is only recorded and
 * passed on to the port driver by serio_thaw().  The port's callbacks are
 * not touched.
 */

#include <linux/device.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/serio.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>
#include <linux/slab.h>

struct shdev_serio {
	struct shdev_consumer consumer;
	struct serio *serio;
};

/*
 * A frozen port holds the module: unloaded, nothing would thaw the port
 * when its shared device comes back.
 */
static int shdev_serio_freeze(struct shdev_consumer *c)
{
	struct shdev_serio *ss = container_of(c, struct shdev_serio, consumer);

	__module_get(THIS_MODULE);
	serio_freeze(ss->serio);
	return 0;
}

static void shdev_serio_thaw(struct shdev_consumer *c)
{
	struct shdev_serio *ss = container_of(c, struct shdev_serio, consumer);

	serio_thaw(ss->serio);
	module_put(THIS_MODULE);
}

/*
 * The port is going away, or the shared device is (and is still away):
 * a frozen port stays frozen, since thawing would let its driver's close
 * reach the hardware.
 */
static void shdev_serio_detach(struct shdev_consumer *c)
{
	struct shdev_serio *ss = container_of(c, struct shdev_serio, consumer);
	bool frozen = c->frozen;

	put_device(&ss->serio->dev);
	kfree(ss);
	if (frozen)
		module_put(THIS_MODULE);
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
	/*
	 * Not below a shared device, or met twice while the module loads
	 * (from the notifier, then from the walk of the bus): nothing to do.
	 */
	return ret == -ENODEV || ret == -EEXIST ? 0 : ret;
}

static int shdev_serio_remove(struct device *dev, void *unused)
{
	shdev_consumer_remove(dev);
	return 0;
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

static void shdev_serio_cleanup(void)
{
	bus_unregister_notifier(&serio_bus, &shdev_serio_nb);
	bus_for_each_dev(&serio_bus, NULL, NULL, shdev_serio_remove);
}

static struct shdev_consumer_kind shdev_serio_kind = {
	.name = "serio",
};

static int __init shdev_serio_init(void)
{
	int ret;

	ret = bus_register_notifier(&serio_bus, &shdev_serio_nb);
	if (ret)
		return ret;
	ret = bus_for_each_dev(&serio_bus, NULL, NULL, shdev_serio_add);
	if (ret) {
		shdev_serio_cleanup();
		return ret;
	}
	shdev_consumer_kind_add(&shdev_serio_kind);
	return 0;
}

/* After the serio bus exists. */
subsys_initcall_sync(shdev_serio_init);

static void __exit shdev_serio_exit(void)
{
	shdev_consumer_kind_del(&shdev_serio_kind);
	shdev_serio_cleanup();
}
module_exit(shdev_serio_exit);

MODULE_DESCRIPTION("shdev: serio ports below a shared device stay bound while it is away");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
