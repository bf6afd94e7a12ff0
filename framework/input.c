// SPDX-License-Identifier: GPL-2.0
/*
 * shdev input consumers: every input device below a shared device freezes
 * while the device is away.
 *
 * The input core does the work: input_device_freeze() lets go of every
 * key and touch contact held and freezes the device in one critical
 * section, so that nothing stays pressed and the driver's events are
 * dropped; userspace opening, closing or uninhibiting the device meanwhile
 * reaches no driver callback.  The device stays registered and every evdev
 * file stays open.  input_device_thaw() brings the driver back to what its
 * users want and restores LEDs and repeat rate.
 */

#define pr_fmt(fmt) "shdev-input: " fmt

#include <linux/device.h>
#include <linux/init.h>
#include <linux/input.h>
#include <linux/module.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>
#include <linux/slab.h>

struct shdev_input {
	struct shdev_consumer consumer;
	struct input_dev *input;
};

/*
 * A frozen device holds the module: unloaded, nothing would thaw the
 * device when its shared device comes back.
 */
static int shdev_input_freeze(struct shdev_consumer *c)
{
	struct shdev_input *si = container_of(c, struct shdev_input, consumer);

	__module_get(THIS_MODULE);
	input_device_freeze(si->input);
	return 0;
}

static void shdev_input_thaw(struct shdev_consumer *c)
{
	struct shdev_input *si = container_of(c, struct shdev_input, consumer);

	input_device_thaw(si->input);
	module_put(THIS_MODULE);
}

/*
 * The input device is going away, or the shared device is (and is still
 * away): a frozen device stays frozen, since thawing would reach the
 * hardware.
 */
static void shdev_input_detach(struct shdev_consumer *c)
{
	struct shdev_input *si = container_of(c, struct shdev_input, consumer);
	bool frozen = c->frozen;

	input_put_device(si->input);
	kfree(si);
	if (frozen)
		module_put(THIS_MODULE);
}

static const struct shdev_consumer_ops shdev_input_ops = {
	.name = "input",
	.freeze = shdev_input_freeze,
	.thaw = shdev_input_thaw,
	.detach = shdev_input_detach,
};

static int shdev_input_add_dev(struct device *dev)
{
	struct shdev_input *si;
	int ret;

	/*
	 * The class also holds the handlers' character devices (evdev,
	 * mousedev), which have a device number; input devices have none.
	 */
	if (dev->devt)
		return 0;

	si = kzalloc(sizeof(*si), GFP_KERNEL);
	if (!si)
		return -ENOMEM;
	si->input = input_get_device(to_input_dev(dev));
	si->consumer.ops = &shdev_input_ops;
	si->consumer.dev = dev;

	ret = shdev_consumer_add_below(&si->consumer);
	if (ret) {
		input_put_device(si->input);
		kfree(si);
	}
	/* Not below a shared device: nothing to do. */
	return ret == -ENODEV ? 0 : ret;
}

static void shdev_input_remove_dev(struct device *dev)
{
	shdev_consumer_remove(dev);
}

static struct class_interface shdev_input_interface = {
	.class = &input_class,
	.add_dev = shdev_input_add_dev,
	.remove_dev = shdev_input_remove_dev,
};

static struct shdev_consumer_kind shdev_input_kind = {
	.name = "input",
};

static int __init shdev_input_init(void)
{
	int ret;

	/* Attaches the input devices registered so far. */
	ret = class_interface_register(&shdev_input_interface);
	if (ret)
		return ret;
	shdev_consumer_kind_add(&shdev_input_kind);
	return 0;
}

/* After the input class exists. */
subsys_initcall_sync(shdev_input_init);

static void __exit shdev_input_exit(void)
{
	shdev_consumer_kind_del(&shdev_input_kind);
	class_interface_unregister(&shdev_input_interface);
}
module_exit(shdev_input_exit);

MODULE_DESCRIPTION("shdev: input devices below a shared device freeze while it is away");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
