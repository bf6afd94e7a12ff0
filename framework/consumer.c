// SPDX-License-Identifier: GPL-2.0
/*
 * shdev consumers: devices stacked on a shared device (input devices,
 * serio ports, a DRM device) freeze while it is away and thaw when it is
 * back, staying registered with their files open.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/device.h>
#include <linux/kmod.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>

#include "shdev-internal.h"

/* Every consumer of every device, under shdev_devices_lock. */
static LIST_HEAD(shdev_consumers);

/*
 * The subsystems whose glue this kernel builds as a module.  No driver
 * calls into that glue, so nothing would load it with its subsystem; a
 * release without it would leave, say, the input devices below a keyboard
 * reaching a device Linux gave away.
 */
static const char * const shdev_modular_kinds[] = {
#if IS_MODULE(CONFIG_SHDEV_INPUT)
	"input",
#endif
#if IS_MODULE(CONFIG_SHDEV_SERIO)
	"serio",
#endif
	NULL
};

/* The kinds whose glue is loaded. */
static DEFINE_MUTEX(shdev_kinds_lock);
static LIST_HEAD(shdev_kinds);

/**
 * shdev_consumer_kind_add() - the glue of a subsystem is loaded
 * @kind: its kind, with @name set
 *
 * Called by the glue's module_init(), before it attaches any consumer.
 *
 * Context: process context.
 */
void shdev_consumer_kind_add(struct shdev_consumer_kind *kind)
{
	mutex_lock(&shdev_kinds_lock);
	list_add_tail(&kind->node, &shdev_kinds);
	mutex_unlock(&shdev_kinds_lock);
}
EXPORT_SYMBOL_NS_GPL(shdev_consumer_kind_add, SHDEV);

/**
 * shdev_consumer_kind_del() - the glue of a subsystem is unloaded
 * @kind: as given to shdev_consumer_kind_add()
 *
 * Context: process context.
 */
void shdev_consumer_kind_del(struct shdev_consumer_kind *kind)
{
	mutex_lock(&shdev_kinds_lock);
	list_del(&kind->node);
	mutex_unlock(&shdev_kinds_lock);
}
EXPORT_SYMBOL_NS_GPL(shdev_consumer_kind_del, SHDEV);

static bool shdev_consumer_kind_loaded(const char *name)
{
	struct shdev_consumer_kind *kind;
	bool found = false;

	mutex_lock(&shdev_kinds_lock);
	list_for_each_entry(kind, &shdev_kinds, node)
		found |= !strcmp(kind->name, name);
	mutex_unlock(&shdev_kinds_lock);
	return found;
}

/*
 * Before a release, with no lock held: load the glue of every modular
 * subsystem that is not loaded yet, or refuse the release.
 */
int shdev_consumer_kinds_load(void)
{
	const char * const *name;

	for (name = shdev_modular_kinds; *name; name++) {
		if (shdev_consumer_kind_loaded(*name))
			continue;
		request_module("shdev-%s", *name);
		if (!shdev_consumer_kind_loaded(*name)) {
			pr_err("cannot load shdev-%s: %s devices below a shared device would not freeze\n",
			       *name, *name);
			return -ENOPKG;
		}
	}
	return 0;
}

/* Stacked devices stop reaching the device, the topmost first. */
int shdev_freeze(struct shdev_unit *u, struct shdev *sd)
{
	struct shdev_consumer *c;
	int ret;

	list_for_each_entry_reverse(c, &sd->consumers, node) {
		ret = c->ops->freeze(c);
		if (ret) {
			dev_err(&sd->pdev->dev, "cannot freeze %s %s: %d\n",
				c->ops->name, dev_name(c->dev), ret);
			goto thaw;
		}
		c->frozen = true;
	}
	return 0;

thaw:
	list_for_each_entry_continue(c, &sd->consumers, node) {
		c->ops->thaw(c);
		c->frozen = false;
	}
	return ret;
}

int shdev_thaw(struct shdev_unit *u, struct shdev *sd)
{
	struct shdev_consumer *c;

	/* Without a driver the consumers are only detached, still frozen. */
	if (sd->orphan)
		return 0;
	list_for_each_entry(c, &sd->consumers, node) {
		if (c->frozen)
			c->ops->thaw(c);
		c->frozen = false;
	}
	return 0;
}

/* With the unit's lock held: a consumer joining a device away is frozen. */
static int __shdev_consumer_add(struct shdev *sd, struct shdev_consumer *c)
{
	struct shdev_unit *u = sd->unit;
	int ret;

	c->frozen = false;
	if (shdev_consumers_frozen(u, sd)) {
		ret = c->ops->freeze(c);
		if (ret)
			return ret;
		c->frozen = true;
	}
	c->sd = sd;
	list_add_tail(&c->node, &sd->consumers);
	mutex_lock(&shdev_devices_lock);
	list_add_tail(&c->all, &shdev_consumers);
	mutex_unlock(&shdev_devices_lock);
	return 0;
}

/* With the unit's lock held: @c leaves, silently if frozen. */
static void __shdev_consumer_del(struct shdev_consumer *c)
{
	mutex_lock(&shdev_devices_lock);
	list_del(&c->all);
	mutex_unlock(&shdev_devices_lock);
	list_del(&c->node);
	c->sd = NULL;
	c->ops->detach(c);
}

/**
 * shdev_consumer_add() - stack a device on a shared device
 * @sd: the shared device
 * @c: the consumer, with @ops and @dev set
 *
 * From now on @c is frozen and thawed with @sd's transfers.  Stack
 * consumers bottom first: they freeze in the reverse order.  A consumer
 * added while @sd is away is frozen at once.  It stays until
 * shdev_consumer_remove() is called for its device or @sd is unregistered.
 *
 * Context: process context; waits for a transfer of @sd's unit in flight.
 * Return: 0, or the error of @c's freeze.
 */
int shdev_consumer_add(struct shdev *sd, struct shdev_consumer *c)
{
	int ret;

	mutex_lock(&sd->unit->lock);
	ret = __shdev_consumer_add(sd, c);
	mutex_unlock(&sd->unit->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(shdev_consumer_add, SHDEV);

/**
 * shdev_consumer_del() - unstack a consumer added with shdev_consumer_add()
 * @sd: the shared device, still registered
 * @c: the consumer
 *
 * Detaches @c: a frozen consumer is released without reaching the device.
 *
 * Context: process context; waits for a transfer of @sd's unit in flight.
 */
void shdev_consumer_del(struct shdev *sd, struct shdev_consumer *c)
{
	mutex_lock(&sd->unit->lock);
	if (c->sd == sd)
		__shdev_consumer_del(c);
	mutex_unlock(&sd->unit->lock);
}
EXPORT_SYMBOL_NS_GPL(shdev_consumer_del, SHDEV);

/* The registered shared device at or above @dev, referenced. */
static struct shdev *shdev_get_above(struct device *dev)
{
	struct shdev *sd, *found = NULL;

	mutex_lock(&shdev_devices_lock);
	for (; dev && !found; dev = dev->parent)
		list_for_each_entry(sd, &shdev_devices, node)
			if (&sd->pdev->dev == dev && !sd->orphan) {
				shdev_get(sd);
				found = sd;
				break;
			}
	mutex_unlock(&shdev_devices_lock);
	return found;
}

/* With the unit's lock held: @dev's consumer of kind @ops on @sd. */
static struct shdev_consumer *
shdev_consumer_find(struct shdev *sd, struct device *dev,
		    const struct shdev_consumer_ops *ops)
{
	struct shdev_consumer *c;

	list_for_each_entry(c, &sd->consumers, node)
		if (c->dev == dev && c->ops == ops)
			return c;
	return NULL;
}

/**
 * shdev_consumer_add_below() - stack a device on the shared device above it
 * @c: the consumer, with @ops and @dev set
 *
 * Like shdev_consumer_add() for the nearest shared device among @c->dev's
 * ancestors.  Consumer kinds use it to attach stacked devices on the
 * driver's behalf (every input device below a shared device, say), once
 * each: a device that already has a consumer of @c's kind is refused, so
 * a kind that attaches from a bus notifier and from a walk of the bus may
 * meet a device twice.
 *
 * Context: process context; waits for a transfer of that device's unit
 * in flight, and for nothing else.
 * Return: 0, -ENODEV when no ancestor is a shared device, -EEXIST when
 * @c->dev already has a consumer with @c->ops, or the error of @c's freeze.
 */
int shdev_consumer_add_below(struct shdev_consumer *c)
{
	struct shdev *sd = shdev_get_above(c->dev->parent);
	int ret;

	if (!sd)
		return -ENODEV;
	mutex_lock(&sd->unit->lock);
	/* The driver may have begun to unbind meanwhile. */
	if (sd->orphan)
		ret = -ENODEV;
	else if (shdev_consumer_find(sd, c->dev, c->ops))
		ret = -EEXIST;
	else
		ret = __shdev_consumer_add(sd, c);
	mutex_unlock(&sd->unit->lock);
	shdev_put(sd);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(shdev_consumer_add_below, SHDEV);

/**
 * shdev_consumer_remove() - unstack a device
 * @dev: the stacked device, as in &shdev_consumer.dev
 *
 * Detaches the consumer of @dev, if any, from its shared device: a frozen
 * consumer is released without reaching the device.  Call it before @dev
 * goes away.
 *
 * Context: process context; waits for a transfer of the unit @dev is
 * stacked on, if any; a device stacked on none never waits.
 */
void shdev_consumer_remove(struct device *dev)
{
	struct shdev_consumer *c;
	struct shdev *sd;

	for (;;) {
		sd = NULL;
		mutex_lock(&shdev_devices_lock);
		list_for_each_entry(c, &shdev_consumers, all) {
			if (c->dev == dev) {
				sd = c->sd;
				shdev_get(sd);
				break;
			}
		}
		mutex_unlock(&shdev_devices_lock);
		if (!sd)
			return;

		mutex_lock(&sd->unit->lock);
		list_for_each_entry(c, &sd->consumers, node) {
			if (c->dev == dev) {
				__shdev_consumer_del(c);
				break;
			}
		}
		mutex_unlock(&sd->unit->lock);
		shdev_put(sd);
	}
}
EXPORT_SYMBOL_NS_GPL(shdev_consumer_remove, SHDEV);

void shdev_consumers_detach(struct shdev *sd)
{
	struct shdev_consumer *c, *tmp;

	list_for_each_entry_safe(c, tmp, &sd->consumers, node)
		__shdev_consumer_del(c);
}
