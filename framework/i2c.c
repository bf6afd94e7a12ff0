// SPDX-License-Identifier: GPL-2.0
/*
 * shdev I2C consumers: an I2C adapter below a shared device (its
 * controller) stays registered, with its clients bound, while the device
 * is away.
 *
 * The adapter is frozen with i2c_freeze_adapter() before the driver's
 * quiesce, with the device still local and the gate open: the transfer
 * in flight, and a client's sequence under the bus lock, complete through
 * the controller's own interrupt; then the I2C core refuses every
 * transfer, SMBus ones and those through muxes below included, with
 * -ESHUTDOWN, until the adapter is thawed after the driver's resume.
 * Unlike i2c_mark_adapter_suspended(), a refused transfer is expected and
 * leaves no one-time warning behind for a real suspend.
 */

#include <linux/device.h>
#include <linux/i2c.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>
#include <linux/slab.h>

struct shdev_i2c {
	struct shdev_consumer consumer;
	struct i2c_adapter *adap;
};

/*
 * A frozen adapter holds the module: unloaded, nothing would thaw it
 * when its shared device comes back.
 */
static int shdev_i2c_freeze(struct shdev_consumer *c)
{
	struct shdev_i2c *si = container_of(c, struct shdev_i2c, consumer);

	__module_get(THIS_MODULE);
	i2c_freeze_adapter(si->adap);
	return 0;
}

static void shdev_i2c_thaw(struct shdev_consumer *c)
{
	struct shdev_i2c *si = container_of(c, struct shdev_i2c, consumer);

	i2c_thaw_adapter(si->adap);
	module_put(THIS_MODULE);
}

/* A frozen adapter stays frozen: its hardware is not the kernel's. */
static void shdev_i2c_detach(struct shdev_consumer *c)
{
	struct shdev_i2c *si = container_of(c, struct shdev_i2c, consumer);
	bool frozen = c->frozen;

	put_device(&si->adap->dev);
	kfree(si);
	if (frozen)
		module_put(THIS_MODULE);
}

static const struct shdev_consumer_ops shdev_i2c_ops = {
	.name = "i2c",
	.freeze = shdev_i2c_freeze,
	.thaw = shdev_i2c_thaw,
	.detach = shdev_i2c_detach,
};

static int shdev_i2c_add(struct device *dev, void *unused)
{
	struct i2c_adapter *adap = i2c_verify_adapter(dev);
	struct shdev_i2c *si;
	int ret;

	/*
	 * Clients are not consumers, and an adapter muxed below another
	 * reaches the hardware through its root, which is frozen.
	 */
	if (!adap || i2c_parent_is_i2c_adapter(adap))
		return 0;

	si = kzalloc(sizeof(*si), GFP_KERNEL);
	if (!si)
		return -ENOMEM;
	si->adap = adap;
	get_device(dev);
	si->consumer.ops = &shdev_i2c_ops;
	si->consumer.dev = dev;

	ret = shdev_consumer_add_below(&si->consumer);
	if (ret) {
		put_device(dev);
		kfree(si);
	}
	/*
	 * Not below a shared device, or met twice while the module loads
	 * (from the notifier, then from the walk of the bus): nothing to do.
	 */
	return ret == -ENODEV || ret == -EEXIST ? 0 : ret;
}

static int shdev_i2c_remove(struct device *dev, void *unused)
{
	if (i2c_verify_adapter(dev))
		shdev_consumer_remove(dev);
	return 0;
}

static int shdev_i2c_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct device *dev = data;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		if (shdev_i2c_add(dev, NULL))
			dev_warn(dev, "not frozen with its shared device\n");
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		shdev_i2c_remove(dev, NULL);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block shdev_i2c_nb = {
	.notifier_call = shdev_i2c_notify,
};

static void shdev_i2c_cleanup(void)
{
	bus_unregister_notifier(&i2c_bus_type, &shdev_i2c_nb);
	i2c_for_each_dev(NULL, shdev_i2c_remove);
}

static struct shdev_consumer_kind shdev_i2c_kind = {
	.name = "i2c",
};

static int __init shdev_i2c_init(void)
{
	int ret;

	ret = bus_register_notifier(&i2c_bus_type, &shdev_i2c_nb);
	if (ret)
		return ret;
	ret = i2c_for_each_dev(NULL, shdev_i2c_add);
	if (ret) {
		shdev_i2c_cleanup();
		return ret;
	}
	shdev_consumer_kind_add(&shdev_i2c_kind);
	return 0;
}

/* After the I2C bus exists (postcore), before the adapters (subsys on). */
arch_initcall(shdev_i2c_init);

static void __exit shdev_i2c_exit(void)
{
	shdev_consumer_kind_del(&shdev_i2c_kind);
	shdev_i2c_cleanup();
}
module_exit(shdev_i2c_exit);

MODULE_DESCRIPTION("shdev: I2C adapters below a shared device freeze while it is away");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
