// SPDX-License-Identifier: GPL-2.0
/*
 * shdev sysfs: the ``ownership`` attribute of shared devices and of the
 * devices of units described by firmware.  Reading it never waits for a
 * transfer; writing a peer's name, or "local", runs one.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/shdev.h>
#include <linux/sysfs.h>

#include "shdev-internal.h"

static ssize_t shdev_show(struct shdev_unit *u, char *buf)
{
	ssize_t len;

	/* Never waits for a transfer: it shows releasing and reclaiming. */
	spin_lock(&u->state_lock);
	if (u->state == SHDEV_REMOTE)
		len = sysfs_emit(buf, "%s\n", u->owner);
	else
		len = sysfs_emit(buf, "%s\n", shdev_state_name(u->state));
	spin_unlock(&u->state_lock);
	return len;
}

/*
 * A write locks the devices of the unit, so that no driver of the unit
 * binds or unbinds during its transfer: the unit's own device when it is
 * the one written to (a unit described by firmware), then every bound
 * member, in member order.  Every write takes them in that order, and
 * before the unit's lock, as an unbind does (the device's, then, from the
 * bus notifier, the unit's).
 */
struct shdev_locked {
	unsigned int nr;
	struct device *devs[];
};

/* With the unit's lock held: whether member @m's device is one to lock. */
static struct device *shdev_lockable(struct shdev_unit *u, unsigned int m)
{
	struct shdev *sd = u->members[m];

	/* A member kept for its peer after its unbind has no driver to keep. */
	if (!sd || sd->orphan)
		return NULL;
	return &sd->pdev->dev;
}

/*
 * With the unit's lock held: whether a write through @dev locks it before
 * the members, for it is the device of a unit described by firmware.
 */
static bool shdev_unit_own(struct shdev_unit *u, struct device *dev)
{
	unsigned int m;

	if (dev != u->dev)
		return false;
	for (m = 0; m < u->nr; m++)
		if (u->members[m] && &u->members[m]->pdev->dev == dev)
			return false;
	return true;
}

/* With the unit's lock held: the devices to lock, referenced. */
static void shdev_lock_list(struct shdev_unit *u, struct device *dev,
			    struct shdev_locked *l)
{
	struct device *member;
	unsigned int m;

	l->nr = 0;
	if (shdev_unit_own(u, dev))
		l->devs[l->nr++] = get_device(dev);
	for (m = 0; m < u->nr; m++) {
		member = shdev_lockable(u, m);
		if (member)
			l->devs[l->nr++] = get_device(member);
	}
}

/* With the unit's lock held: whether @l is still the list to lock. */
static bool shdev_lock_list_same(struct shdev_unit *u, struct device *dev,
				 const struct shdev_locked *l)
{
	unsigned int m, i = 0;

	if (shdev_unit_own(u, dev))
		i++;
	for (m = 0; m < u->nr; m++)
		if (shdev_lockable(u, m) &&
		    (i >= l->nr || l->devs[i++] != shdev_lockable(u, m)))
			return false;
	return i == l->nr;
}

static void shdev_unlock_devices(struct shdev_locked *l, unsigned int locked)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++) {
		if (i < locked)
			device_unlock(l->devs[i]);
		put_device(l->devs[i]);
	}
	l->nr = 0;
}

/*
 * Lock the unit's devices, then the unit: a transfer in flight, a probe or
 * an unbind of a member is waited for, killably.  A member that joined or
 * left meanwhile makes us start again.
 */
static int shdev_lock_unit(struct shdev_unit *u, struct device *dev,
			   struct shdev_locked *l)
{
	unsigned int i;
	int ret;

	for (;;) {
		ret = mutex_lock_killable(&u->lock);
		if (ret)
			return ret;
		shdev_lock_list(u, dev, l);
		mutex_unlock(&u->lock);

		for (i = 0; i < l->nr; i++) {
			ret = device_lock_interruptible(l->devs[i]);
			if (ret) {
				shdev_unlock_devices(l, i);
				return ret;
			}
		}
		ret = mutex_lock_killable(&u->lock);
		if (ret) {
			shdev_unlock_devices(l, l->nr);
			return ret;
		}
		if (shdev_lock_list_same(u, dev, l))
			return 0;
		mutex_unlock(&u->lock);
		shdev_unlock_devices(l, l->nr);
	}
}

static ssize_t shdev_store(struct shdev_unit *u, struct device *dev,
			   const char *buf, size_t count)
{
	struct shdev_locked *l;
	struct shdev_peer *peer;
	size_t len = count;
	unsigned int m;
	int ret;

	/* One trailing newline, as echo writes it; nothing else. */
	if (len && buf[len - 1] == '\n')
		len--;

	if (len == strlen("local") && !memcmp(buf, "local", len)) {
		peer = NULL;
	} else {
		peer = shdev_peer_lookup(buf, len);
		if (!peer)
			return -EINVAL;
	}

	/* Before a first release, the glue of modular subsystems loads. */
	ret = peer ? shdev_consumer_kinds_load() : 0;
	if (ret)
		goto drop;

	l = kmalloc(struct_size(l, devs, SHDEV_UNIT_MAX + 1), GFP_KERNEL);
	if (!l) {
		ret = -ENOMEM;
		goto drop;
	}
	/* A transfer in flight is waited for, as inhibiting an input is. */
	ret = shdev_lock_unit(u, dev, l);
	if (ret)
		goto free;

	/*
	 * The device written to must be bound and not going; a release needs
	 * every member so, while a reclaim also takes back a member kept for
	 * its peer after its unbind.
	 */
	ret = dev->driver ? 0 : -ENODEV;
	for (m = 0; m < u->nr && !ret; m++) {
		struct shdev *sd = u->members[m];

		if (sd && (peer || &sd->pdev->dev == dev) &&
		    (sd->orphan || !sd->pdev->dev.driver))
			ret = -ENODEV;
	}
	if (!ret)
		ret = peer ? __shdev_release(u, peer) : __shdev_reclaim(u);

	mutex_unlock(&u->lock);
	shdev_unlock_devices(l, l->nr);
free:
	kfree(l);
drop:
	if (peer)
		shdev_peer_drop(peer);
	return ret ? ret : count;
}

static ssize_t ownership_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct shdev_unit *u = shdev_get_unit_by_dev(dev);
	ssize_t ret;

	if (!u)
		return -ENODEV;
	ret = shdev_show(u, buf);
	shdev_unit_put(u);
	return ret;
}

static ssize_t ownership_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct shdev_unit *u = shdev_get_unit_by_dev(dev);
	struct kernfs_node *kn;
	ssize_t ret;

	if (!u)
		return -ENODEV;
	/*
	 * An unbind of the device, which waits for this write to leave its
	 * attribute, may hold a lock the write waits for: the write no
	 * longer holds the attribute, only the device and the unit.
	 */
	kn = sysfs_break_active_protection(&dev->kobj, &attr->attr);
	ret = shdev_store(u, dev, buf, count);
	if (kn)
		sysfs_unbreak_active_protection(kn);
	shdev_unit_put(u);
	return ret;
}
static DEVICE_ATTR_RW(ownership);

static struct attribute *shdev_attrs[] = {
	&dev_attr_ownership.attr,
	NULL
};

static const struct attribute_group shdev_group = {
	.attrs = shdev_attrs,
};

/*
 * The attribute of registered devices (devm_device_add_group()) and of
 * the devices of units described by firmware (their driver's dev_groups).
 */
const struct attribute_group *shdev_groups[] = {
	&shdev_group,
	NULL
};
