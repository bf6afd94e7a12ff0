// SPDX-License-Identifier: GPL-2.0
/*
 * shdev unit objects: a unit is the set of devices that change hands
 * together.  A unit described by firmware is added by its driver
 * (unit-fw.c) before its members register; any other device is a unit of
 * its own.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/shdev.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "shdev-internal.h"

/* Units described by firmware, under shdev_devices_lock. */
LIST_HEAD(shdev_units);

struct shdev_unit *shdev_unit_alloc(struct device *dev)
{
	struct shdev_unit *u = kzalloc(sizeof(*u), GFP_KERNEL);

	if (!u)
		return NULL;
	kref_init(&u->ref);
	u->dev = get_device(dev);
	mutex_init(&u->lock);
	spin_lock_init(&u->state_lock);
	INIT_LIST_HEAD(&u->node);
	shdev_debugfs_unit_add(u);
	return u;
}

static void shdev_unit_release(struct kref *ref)
{
	struct shdev_unit *u = container_of(ref, struct shdev_unit, ref);

	shdev_debugfs_unit_del(u);
	mutex_destroy(&u->lock);
	put_device(u->dev);
	kfree(u);
}

void shdev_unit_put(struct shdev_unit *u)
{
	kref_put(&u->ref, shdev_unit_release);
}

/*
 * Whether an available "linux,shdev-unit" node names @np among its
 * devices: 0 when none does, -EPROBE_DEFER while its unit is not probed,
 * -ENODEV when the unit driver rejected it.
 */
int shdev_in_dt_unit(struct device *dev, struct device_node *np)
{
	struct device_node *unit, *member;
	bool found = false;
	int i, ret = 0;

	for_each_compatible_node(unit, NULL, "linux,shdev-unit") {
		/* A disabled unit is none: its members are on their own. */
		if (!of_device_is_available(unit))
			continue;
		for (i = 0; !found; i++) {
			member = of_parse_phandle(unit, "devices", i);
			if (!member)
				break;
			found = member == np;
			of_node_put(member);
		}
		if (found) {
			if (shdev_unit_node_failed(unit))
				ret = dev_err_probe(dev, -ENODEV, "its unit %pOF was rejected\n",
						    unit);
			else
				ret = dev_err_probe(dev, -EPROBE_DEFER, "waiting for its unit\n");
			of_node_put(unit);
			break;
		}
	}
	return ret;
}

/* Whether @fwnode is @dev's firmware node, primary or secondary. */
bool shdev_is_node_of(const struct fwnode_handle *fwnode, struct device *dev)
{
	const struct fwnode_handle *own = dev_fwnode(dev);

	return own && (own == fwnode || own->secondary == fwnode);
}

/*
 * With shdev_devices_lock held: the unit described by firmware that names
 * @dev, referenced, with @dev's index in it; or NULL.
 */
struct shdev_unit *shdev_get_unit_of(struct device *dev, unsigned int *index)
{
	struct shdev_unit *u;
	unsigned int m;

	list_for_each_entry(u, &shdev_units, node) {
		for (m = 0; m < u->desc->nr; m++) {
			if (shdev_is_node_of(u->desc->members[m], dev)) {
				kref_get(&u->ref);
				*index = m;
				return u;
			}
		}
	}
	return NULL;
}

/*
 * The unit whose ``ownership`` attribute @dev shows, referenced: that of
 * the registered device @dev, or of the unit described by firmware whose
 * device @dev is; or NULL.
 */
struct shdev_unit *shdev_get_unit_by_dev(struct device *dev)
{
	struct shdev_unit *u, *found = NULL;
	struct shdev *sd;

	mutex_lock(&shdev_devices_lock);
	list_for_each_entry(sd, &shdev_devices, node)
		if (&sd->pdev->dev == dev && !sd->orphan)
			found = sd->unit;
	list_for_each_entry(u, &shdev_units, node)
		if (!found && u->dev == dev)
			found = u;
	if (found)
		kref_get(&found->ref);
	mutex_unlock(&shdev_devices_lock);
	return found;
}

/*
 * With shdev_devices_lock held: members whose drivers registered before
 * the unit stay units of their own, driven by Linux, until they bind
 * again.  A unit its peer owns since boot cannot have such a member.
 */
static int shdev_unit_check_registered(struct shdev_unit *u)
{
	const struct shdev_unit_desc *desc = u->desc;
	struct shdev *sd;
	unsigned int m;
	int ret = 0;

	list_for_each_entry(sd, &shdev_devices, node) {
		for (m = 0; m < desc->nr; m++) {
			if (!shdev_is_node_of(desc->members[m], &sd->pdev->dev))
				continue;
			if (u->receiving) {
				dev_err(desc->dev, "member %s is driven by Linux already: the unit cannot be %s's since boot\n",
					dev_name(&sd->pdev->dev), desc->initial_peer);
				ret = -EBUSY;
			} else {
				dev_warn(desc->dev, "member %s registered before its unit: it joins when its driver binds again\n",
					 dev_name(&sd->pdev->dev));
			}
		}
	}
	return ret;
}

/*
 * A carried line that no driver had requested is requested by the core
 * while away, disabled, so that no driver can request it and get the
 * peer's interrupts; a backend can divert it as it diverts a line whose
 * driver requested it.  Its handler never runs: the line stays disabled
 * in Linux.
 */
static irqreturn_t shdev_line_away(int irq, void *data)
{
	return IRQ_NONE;
}

/* Give back the first @n lines taken, last first. */
static void shdev_lines_undo(struct shdev_unit *u, unsigned int n)
{
	unsigned int irq;

	while (n--) {
		irq = u->lines[n];
		if (u->line_requested[n]) {
			free_irq(irq, u);
			continue;
		}
		/*
		 * A driver that freed the line while away left it shut
		 * down, and one that requested it again left it enabled:
		 * either way the disable of the release is gone with it.
		 */
		if (irq_has_action(irq) && irqd_irq_disabled(irq_get_irq_data(irq)))
			enable_irq(irq);
	}
	u->nr_lines = 0;
}

/*
 * The "lines" step of a release: the unit's carried interrupt lines, which
 * belong to devices that are not members (a touch controller's, on a
 * GPIO), leave Linux before any member is touched.  A line some driver
 * requested is disabled, which waits for its handler in progress, its
 * thread included; a line nobody requested is requested by the core,
 * disabled.  All or nothing.
 */
int shdev_lines_take(struct shdev_unit *u, struct shdev *sd)
{
	const struct shdev_unit_desc *desc = u->desc;
	unsigned int i, irq;
	int ret;

	if (!desc || u->nr_lines)
		return 0;
	for (i = 0; i < desc->nr_lines; i++) {
		irq = desc->lines[i];
		u->lines[i] = irq;
		u->line_requested[i] = !irq_has_action(irq);
		if (!u->line_requested[i]) {
			disable_irq(irq);
			continue;
		}
		ret = request_irq(irq, shdev_line_away, IRQF_NO_AUTOEN,
				  dev_name(u->dev), u);
		if (ret) {
			dev_err(u->dev, "interrupt %s: line %u not taken: %d\n",
				desc->line_names[i], irq, ret);
			shdev_lines_undo(u, i);
			return ret;
		}
	}
	u->nr_lines = i;
	return 0;
}

/* The mirror image: each line back as it was before the release. */
int shdev_lines_give(struct shdev_unit *u, struct shdev *sd)
{
	shdev_lines_undo(u, u->nr_lines);
	return 0;
}

/**
 * shdev_unit_add() - register a unit described by firmware
 * @desc: the unit, parsed; it stays valid until shdev_unit_del()
 *
 * Members join as their drivers register with shdev; one registered
 * already stays a unit of its own, and this unit incomplete, until its
 * driver binds again.  A unit a peer owns at boot starts %SHDEV_REMOTE:
 * its members probe with their gates closed, until the backend reports
 * the peer's offer with shdev_grant().
 *
 * Return: 0, -EBUSY during system sleep or for a unit a peer owns at boot
 * whose member Linux drives already, the error of holding the unit's
 * resources, -ENOMEM.
 */
int shdev_unit_add(struct shdev_unit_desc *desc)
{
	struct shdev_unit *u;
	int ret;

	u = shdev_unit_alloc(desc->dev);
	if (!u)
		return -ENOMEM;
	u->desc = desc;
	u->nr = desc->nr;
	if (desc->initial_peer) {
		/*
		 * Owned by a peer since boot: as if released to it, but
		 * without a step that would touch the members.  Sleep stays
		 * refused and the unit's resources on until it is taken.
		 */
		ret = shdev_sleep_block(u, NULL);
		if (!ret) {
			ret = desc->hold(desc);
			if (!ret) {
				ret = shdev_lines_take(u, NULL);
				if (ret)
					desc->unhold(desc);
			}
			if (ret)
				shdev_sleep_unblock(u, NULL);
		}
		if (ret) {
			shdev_unit_put(u);
			return ret;
		}
		u->receiving = true;
		u->done = shdev_slots(u);
		strscpy(u->owner, desc->initial_peer);
		u->state = SHDEV_REMOTE;
	}

	mutex_lock(&shdev_devices_lock);
	ret = shdev_unit_check_registered(u);
	if (!ret)
		list_add_tail(&u->node, &shdev_units);
	mutex_unlock(&shdev_devices_lock);
	if (!ret)
		return 0;
	if (u->receiving) {
		shdev_lines_give(u, NULL);
		desc->unhold(desc);
		shdev_sleep_unblock(u, NULL);
	}
	shdev_unit_put(u);
	return ret;
}

/**
 * shdev_unit_del() - unregister a unit added with shdev_unit_add()
 * @desc: the unit
 *
 * Its members' drivers, consumers of the unit in device links, have
 * unbound already.  A member a peer kept (its reclaim failed when its
 * driver unbound) keeps the unit on record until the peer gives it back,
 * without @desc, which the caller may free on return: the unit's
 * resources then stay on, since the peer still uses the device.
 */
void shdev_unit_del(struct shdev_unit_desc *desc)
{
	struct shdev_unit *u, *found = NULL;
	unsigned int m, left = 0;

	mutex_lock(&shdev_devices_lock);
	list_for_each_entry(u, &shdev_units, node)
		if (u->desc == desc)
			found = u;
	if (found)
		list_del_init(&found->node);
	mutex_unlock(&shdev_devices_lock);
	if (!found)
		return;

	mutex_lock(&found->lock);
	for (m = 0; m < found->nr; m++)
		left += !!found->members[m];
	/* A unit its peer never offered lets its resources go. */
	if (found->receiving && !left) {
		shdev_lines_give(found, NULL);
		desc->unhold(desc);
		shdev_sleep_unblock(found, NULL);
	} else if (left) {
		dev_warn(found->dev, "unregistered while its peer holds %u member(s): its resources stay on\n",
			 left);
	}
	found->desc = NULL;
	found->desc_gone = true;
	mutex_unlock(&found->lock);
	shdev_unit_put(found);
}
