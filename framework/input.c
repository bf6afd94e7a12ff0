// SPDX-License-Identifier: GPL-2.0
/*
 * shdev input consumers: every input device below a shared device freezes
 * while the device is away, with no change to the input core.
 *
 * Freezing lets go of every key and touch contact held (their release
 * events reach the handlers, so nothing stays pressed), then marks the
 * device inhibited: the input core drops its events, and opens and closes
 * from userspace only count users.  The device stays registered and every
 * evdev file stays open.  Userspace could still undo an inhibit (writing 0
 * to "inhibited" calls the driver's open() and sets the LEDs), so while
 * frozen the device's open() and event() are diverted: open() fails with
 * -EBUSY and events to the device are dropped.  Thawing puts the driver
 * back in the state its users now want (opening or closing it once),
 * lifts the inhibit and restores LEDs and repeat rate.
 */

#define pr_fmt(fmt) "shdev-input: " fmt

#include <linux/device.h>
#include <linux/init.h>
#include <linux/input.h>
#include <linux/input/mt.h>
#include <linux/shdev.h>
#include <linux/slab.h>

struct shdev_input {
	struct shdev_consumer consumer;
	struct input_dev *input;
	/* The driver's callbacks, while frozen. */
	int (*open)(struct input_dev *dev);
	int (*event)(struct input_dev *dev, unsigned int type,
		     unsigned int code, int value);
	bool was_open;		/* the driver's open() held at freeze */
	bool inhibited;		/* we inhibited it, not the user */
};

/* Installed only while frozen: the device is away, its driver stays off. */
static int shdev_input_open_frozen(struct input_dev *dev)
{
	return -EBUSY;
}

static int shdev_input_event_frozen(struct input_dev *dev, unsigned int type,
				    unsigned int code, int value)
{
	return 0;
}

/* Send the release of every touch contact and key held, then a sync. */
static void shdev_input_let_go(struct input_dev *dev)
{
	struct input_mt *mt = dev->mt;
	int i;

	if (mt) {
		for (i = 0; i < mt->num_slots; i++) {
			if (!input_mt_is_active(&mt->slots[i]))
				continue;
			input_mt_slot(dev, i);
			input_mt_report_slot_inactive(dev);
		}
		if (test_bit(ABS_PRESSURE, dev->absbit))
			input_event(dev, EV_ABS, ABS_PRESSURE, 0);
		input_sync(dev);
	}
	/* Key releases and a sync; the LED refresh goes nowhere (frozen). */
	input_reset_device(dev);
}

static int shdev_input_freeze(struct shdev_consumer *c)
{
	struct shdev_input *si = container_of(c, struct shdev_input, consumer);
	struct input_dev *dev = si->input;

	mutex_lock(&dev->mutex);
	if (dev->poller) {
		/* Its poller would read the hardware and is not ours to stop. */
		mutex_unlock(&dev->mutex);
		return -EOPNOTSUPP;
	}
	si->was_open = dev->users && !dev->inhibited;
	spin_lock_irq(&dev->event_lock);
	si->open = dev->open;
	si->event = dev->event;
	dev->open = shdev_input_open_frozen;
	if (dev->event)
		dev->event = shdev_input_event_frozen;
	spin_unlock_irq(&dev->event_lock);
	mutex_unlock(&dev->mutex);

	shdev_input_let_go(dev);

	mutex_lock(&dev->mutex);
	spin_lock_irq(&dev->event_lock);
	si->inhibited = !dev->inhibited;
	dev->inhibited = true;
	spin_unlock_irq(&dev->event_lock);
	mutex_unlock(&dev->mutex);
	return 0;
}

/* Give the driver its callbacks back; with dev->mutex held. */
static void shdev_input_restore(struct shdev_input *si)
{
	struct input_dev *dev = si->input;

	spin_lock_irq(&dev->event_lock);
	dev->open = si->open;
	if (si->event)
		dev->event = si->event;
	if (si->inhibited)
		dev->inhibited = false;
	spin_unlock_irq(&dev->event_lock);
}

static void shdev_input_thaw(struct shdev_consumer *c)
{
	struct shdev_input *si = container_of(c, struct shdev_input, consumer);
	struct input_dev *dev = si->input;
	bool want;
	int ret;

	mutex_lock(&dev->mutex);
	/* An inhibit of the user's own stays, and so do its open/close rules. */
	want = dev->users && si->inhibited;
	if (want && !si->was_open && si->open) {
		ret = si->open(dev);
		if (ret)
			dev_warn(&dev->dev, "open after thaw failed: %d\n", ret);
	} else if (!want && si->was_open && si->inhibited && dev->close) {
		dev->close(dev);
	}
	shdev_input_restore(si);
	mutex_unlock(&dev->mutex);

	/* LEDs, sound and repeat rate back in the hardware. */
	input_reset_device(dev);
}

static void shdev_input_detach(struct shdev_consumer *c)
{
	struct shdev_input *si = container_of(c, struct shdev_input, consumer);
	struct input_dev *dev = si->input;

	if (c->frozen) {
		mutex_lock(&dev->mutex);
		shdev_input_restore(si);
		mutex_unlock(&dev->mutex);
	}
	input_put_device(dev);
	kfree(si);
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

static int __init shdev_input_init(void)
{
	return class_interface_register(&shdev_input_interface);
}

/* After the input class exists. */
subsys_initcall_sync(shdev_input_init);
