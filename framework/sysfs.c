// SPDX-License-Identifier: GPL-2.0
/*
 * shdev sysfs: the ``ownership`` attribute of shared devices and of the
 * devices of units described by firmware.  Reading it never waits for a
 * transfer; writing a peer's name, or "local", runs one.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/sched/signal.h>
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
 * The device of member @m that a write through @dev locks: a bound one,
 * other than @dev.  A member kept for its peer after its unbind has no
 * driver to keep, and may leave during the transfer.
 */
static struct device *shdev_lockable(struct shdev_unit *u, unsigned int m,
				     struct device *dev)
{
	struct shdev *sd = u->members[m];

	if (!sd || sd->orphan || &sd->pdev->dev == dev)
		return NULL;
	return &sd->pdev->dev;
}

static void shdev_unlock_devices(struct shdev_unit *u, struct device *dev,
				 unsigned int locked)
{
	struct device *member;
	unsigned int m;

	for (m = 0; m < locked; m++) {
		member = shdev_lockable(u, m, dev);
		if (member)
			device_unlock(member);
	}
	device_unlock(dev);
}

/*
 * Lock @dev, whose attribute is written, and every member, so that no
 * driver of the unit unbinds during the transfer.  Unbind removes the
 * attribute and so waits for us while holding its device lock: only
 * trylock, as the "online" attribute does.
 */
static bool shdev_trylock_devices(struct shdev_unit *u, struct device *dev)
{
	struct device *member;
	unsigned int m;

	if (!device_trylock(dev))
		return false;
	for (m = 0; m < u->nr; m++) {
		member = shdev_lockable(u, m, dev);
		if (!member || device_trylock(member))
			continue;
		shdev_unlock_devices(u, dev, m);
		return false;
	}
	return true;
}

static ssize_t shdev_store(struct shdev_unit *u, struct device *dev,
			   const char *buf, size_t count)
{
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

	/* A transfer in flight is waited for, as inhibiting an input is. */
	ret = mutex_lock_killable(&u->lock);
	if (ret)
		goto drop;
	if (!shdev_trylock_devices(u, dev)) {
		mutex_unlock(&u->lock);
		usleep_range(1000, 5000);
		ret = restart_syscall();
		goto drop;
	}

	/* A member kept for its peer after its unbind is taken back too. */
	ret = dev->driver ? 0 : -ENODEV;
	for (m = 0; m < u->nr && !ret && peer; m++)
		if (u->members[m] && (u->members[m]->orphan ||
				      !u->members[m]->pdev->dev.driver))
			ret = -ENODEV;
	if (!ret)
		ret = peer ? __shdev_release(u, peer) : __shdev_reclaim(u);

	shdev_unlock_devices(u, dev, u->nr);
	mutex_unlock(&u->lock);
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
	ssize_t ret;

	if (!u)
		return -ENODEV;
	ret = shdev_store(u, dev, buf, count);
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
