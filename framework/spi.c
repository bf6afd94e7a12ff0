// SPDX-License-Identifier: GPL-2.0
/*
 * shdev SPI consumers: an SPI controller below a shared device stays
 * registered, with its devices bound, while the shared device is away.
 *
 * A controller with devices on it is frozen with spi_controller_freeze()
 * before the driver's quiesce, with the device still local and the gate
 * open: the messages queued and in flight, a spi_setup() and the sequence
 * of a spi_bus_lock() holder complete through the controller's own
 * interrupt; then spi_sync(), spi_async() and spi_setup() fail with
 * -ESHUTDOWN.  If the queue does not drain, the freeze fails and changes
 * nothing, and the transfer is rolled back.  spi_controller_thaw(), after
 * the driver's resume, forgets the chip select last set and sets every
 * device up again, so that the next transfer finds the controller
 * programmed for it whatever the other owner left.
 *
 * The controllers are found through their devices, on the SPI bus: a
 * controller without devices has no user to stop.
 */

#include <linux/device.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>

struct shdev_spi {
	struct shdev_consumer consumer;
	struct spi_controller *ctlr;
};

/* A controller with devices, and how many; under shdev_spi_lock. */
struct shdev_spi_ctlr {
	struct list_head node;
	struct spi_controller *ctlr;
	unsigned int devices;
};

static DEFINE_MUTEX(shdev_spi_lock);
static LIST_HEAD(shdev_spi_ctlrs);

/*
 * A frozen controller holds the module: unloaded, nothing would thaw it
 * when its shared device comes back.
 */
static int shdev_spi_freeze(struct shdev_consumer *c)
{
	struct shdev_spi *ss = container_of(c, struct shdev_spi, consumer);
	int ret;

	ret = spi_controller_freeze(ss->ctlr);
	if (ret)
		return ret;
	__module_get(THIS_MODULE);
	return 0;
}

static void shdev_spi_thaw(struct shdev_consumer *c)
{
	struct shdev_spi *ss = container_of(c, struct shdev_spi, consumer);

	spi_controller_thaw(ss->ctlr);
	module_put(THIS_MODULE);
}

/* A frozen controller stays frozen: its hardware is not the kernel's. */
static void shdev_spi_detach(struct shdev_consumer *c)
{
	struct shdev_spi *ss = container_of(c, struct shdev_spi, consumer);
	bool frozen = c->frozen;

	spi_controller_put(ss->ctlr);
	kfree(ss);
	if (frozen)
		module_put(THIS_MODULE);
}

static const struct shdev_consumer_ops shdev_spi_ops = {
	.name = "spi",
	.freeze = shdev_spi_freeze,
	.thaw = shdev_spi_thaw,
	.detach = shdev_spi_detach,
};

static struct shdev_spi_ctlr *shdev_spi_find(struct spi_controller *ctlr)
{
	struct shdev_spi_ctlr *sc;

	list_for_each_entry(sc, &shdev_spi_ctlrs, node)
		if (sc->ctlr == ctlr)
			return sc;
	return NULL;
}

/* With shdev_spi_lock held. */
static int shdev_spi_attach(struct spi_controller *ctlr)
{
	struct shdev_spi *ss;
	int ret;

	ss = kzalloc(sizeof(*ss), GFP_KERNEL);
	if (!ss)
		return -ENOMEM;
	ss->ctlr = spi_controller_get(ctlr);
	ss->consumer.ops = &shdev_spi_ops;
	ss->consumer.dev = &ctlr->dev;

	ret = shdev_consumer_add_below(&ss->consumer);
	if (ret) {
		spi_controller_put(ctlr);
		kfree(ss);
	}
	return ret;
}

/* A device joins its controller: the first one stacks the controller. */
static int shdev_spi_add(struct device *dev, void *unused)
{
	struct spi_controller *ctlr = to_spi_device(dev)->controller;
	struct shdev_spi_ctlr *sc;
	int ret = 0;

	mutex_lock(&shdev_spi_lock);
	sc = shdev_spi_find(ctlr);
	if (!sc) {
		sc = kzalloc(sizeof(*sc), GFP_KERNEL);
		if (!sc) {
			ret = -ENOMEM;
			goto out;
		}
		ret = shdev_spi_attach(ctlr);
		if (ret && ret != -ENODEV) {
			kfree(sc);
			goto out;
		}
		/* Counted below a shared device or not, so that the last leaves. */
		ret = 0;
		sc->ctlr = ctlr;
		list_add(&sc->node, &shdev_spi_ctlrs);
	}
	sc->devices++;
out:
	mutex_unlock(&shdev_spi_lock);
	return ret;
}

/* A device leaves: the last one unstacks its controller. */
static int shdev_spi_remove(struct device *dev, void *unused)
{
	struct spi_controller *ctlr = to_spi_device(dev)->controller;
	struct shdev_spi_ctlr *sc;

	mutex_lock(&shdev_spi_lock);
	sc = shdev_spi_find(ctlr);
	if (sc && !--sc->devices) {
		list_del(&sc->node);
		kfree(sc);
		shdev_consumer_remove(&ctlr->dev);
	}
	mutex_unlock(&shdev_spi_lock);
	return 0;
}

static int shdev_spi_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct device *dev = data;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		if (shdev_spi_add(dev, NULL))
			dev_warn(dev, "controller not frozen with its shared device\n");
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		shdev_spi_remove(dev, NULL);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block shdev_spi_nb = {
	.notifier_call = shdev_spi_notify,
};

static void shdev_spi_cleanup(void)
{
	bus_unregister_notifier(&spi_bus_type, &shdev_spi_nb);
	bus_for_each_dev(&spi_bus_type, NULL, NULL, shdev_spi_remove);
}

static int __init shdev_spi_init(void)
{
	int ret;

	ret = bus_register_notifier(&spi_bus_type, &shdev_spi_nb);
	if (ret)
		return ret;
	ret = bus_for_each_dev(&spi_bus_type, NULL, NULL, shdev_spi_add);
	if (ret)
		shdev_spi_cleanup();
	return ret;
}

/* After the SPI bus exists (postcore), before the controllers. */
arch_initcall(shdev_spi_init);

static void __exit shdev_spi_exit(void)
{
	shdev_spi_cleanup();
}
module_exit(shdev_spi_exit);

MODULE_DESCRIPTION("shdev: SPI controllers below a shared device freeze while it is away");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
