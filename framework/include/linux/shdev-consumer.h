/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared platform devices: devices stacked on them.
 *
 * For the glue of a subsystem (input, serio, DRM) whose devices sit on a
 * shared device and must freeze while it is away, staying registered
 * with their files open.  Drivers use <linux/shdev.h> only.
 */
#ifndef __LINUX_SHDEV_CONSUMER_H
#define __LINUX_SHDEV_CONSUMER_H

#include <linux/list.h>
#include <linux/types.h>

struct device;
struct shdev;
struct shdev_consumer;

/**
 * struct shdev_consumer_ops - a kind of device stacked on a shared device
 * @name: the kind, for messages ("input", "drm")
 * @freeze: stop the stacked device from reaching the shared one, keeping
 *	it registered and its files open.  Called top-down (the consumer
 *	added last first) before the driver's quiesce, with the device still
 *	local.  On error nothing may have changed; the consumers frozen so far
 *	are thawed.
 * @thaw: undo @freeze.  Called bottom-up after the driver's resume, with
 *	the device local again; cannot fail.
 * @detach: the consumer leaves, because its stacked device or the shared
 *	device goes away: free what the consumer allocated without reaching
 *	the device (a frozen stacked device may stay frozen).  Called whether
 *	frozen or not.
 *
 * All three are called with the shared device's transfer lock held.
 */
struct shdev_consumer_ops {
	const char *name;
	int (*freeze)(struct shdev_consumer *c);
	void (*thaw)(struct shdev_consumer *c);
	void (*detach)(struct shdev_consumer *c);
};

/**
 * struct shdev_consumer - a device stacked on a shared device
 * @ops: what to do with it
 * @dev: the stacked device, for messages and lookups
 * @node: private to the core
 * @all: private to the core
 * @sd: private to the core
 * @frozen: private to the core
 */
struct shdev_consumer {
	const struct shdev_consumer_ops *ops;
	struct device *dev;
	struct list_head node;
	struct list_head all;
	struct shdev *sd;
	bool frozen;
};

/**
 * struct shdev_consumer_kind - the glue of a subsystem, while it is loaded
 * @name: the subsystem ("input"); its glue, built as a module, is named
 *	"shdev-" followed by it
 * @node: in the core's list of loaded kinds
 *
 * Glue built as a module registers its kind for as long as it is loaded,
 * with shdev_consumer_kind_add() and shdev_consumer_kind_del(): the core
 * loads the glue of every modular subsystem before a unit's first release.
 */
struct shdev_consumer_kind {
	const char *name;
	struct list_head node;
};

void shdev_consumer_kind_add(struct shdev_consumer_kind *kind);
void shdev_consumer_kind_del(struct shdev_consumer_kind *kind);
int shdev_consumer_add(struct shdev *sd, struct shdev_consumer *c);
void shdev_consumer_del(struct shdev *sd, struct shdev_consumer *c);
int shdev_consumer_add_below(struct shdev_consumer *c);
void shdev_consumer_remove(struct device *dev);

#endif /* __LINUX_SHDEV_CONSUMER_H */
