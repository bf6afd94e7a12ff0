// SPDX-License-Identifier: GPL-2.0
/*
 * shdev and power: the device stays powered while away, its unit's
 * resources stay on, system sleep waits for every device to come back,
 * and reboot takes them back first.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/reboot.h>
#include <linux/shdev.h>
#include <linux/suspend.h>
#include <kunit/visibility.h>

#include "shdev-internal.h"

/* Units not local, and whether system sleep is under way. */
static DEFINE_MUTEX(shdev_sleep_lock);
static unsigned int shdev_nr_away;
static bool shdev_sleeping;

int shdev_sleep_block(struct shdev_unit *u, struct shdev *sd)
{
	int ret = 0;

	mutex_lock(&shdev_sleep_lock);
	if (shdev_sleeping)
		ret = -EBUSY;
	else
		shdev_nr_away++;
	mutex_unlock(&shdev_sleep_lock);
	return ret;
}

int shdev_sleep_unblock(struct shdev_unit *u, struct shdev *sd)
{
	mutex_lock(&shdev_sleep_lock);
	shdev_nr_away--;
	mutex_unlock(&shdev_sleep_lock);
	return 0;
}

/* The unit's clocks and supplies stay on while a peer holds it. */
int shdev_hold(struct shdev_unit *u, struct shdev *sd)
{
	return u->desc ? u->desc->hold(u->desc) : 0;
}

int shdev_unhold(struct shdev_unit *u, struct shdev *sd)
{
	if (u->desc)
		u->desc->unhold(u->desc);
	return 0;
}

/* Keep the device powered while away: the peer expects it on. */
int shdev_power_get(struct shdev_unit *u, struct shdev *sd)
{
	struct device *dev = &sd->pdev->dev;
	int ret;

	if (!pm_runtime_enabled(dev)) {
		pm_runtime_get_noresume(dev);
		return 0;
	}
	ret = pm_runtime_resume_and_get(dev);
	return ret < 0 ? ret : 0;
}

int shdev_power_put(struct shdev_unit *u, struct shdev *sd)
{
	pm_runtime_put(&sd->pdev->dev);
	return 0;
}

/*
 * System sleep would have the drivers suspend (and so touch) devices a peer
 * holds, and resume them from a state the peer chose: refuse it while any
 * device is away, and refuse new releases while it is under way.
 */
VISIBLE_IF_KUNIT int shdev_pm_notify(struct notifier_block *nb,
				     unsigned long action, void *data)
{
	int ret = 0;

	mutex_lock(&shdev_sleep_lock);
	switch (action) {
	case PM_HIBERNATION_PREPARE:
	case PM_SUSPEND_PREPARE:
		if (shdev_nr_away) {
			pr_warn("system sleep refused: %u device(s) not local; reclaim them first\n",
				shdev_nr_away);
			ret = -EBUSY;
		} else {
			shdev_sleeping = true;
		}
		break;
	case PM_POST_HIBERNATION:
	case PM_POST_SUSPEND:
		shdev_sleeping = false;
		break;
	}
	mutex_unlock(&shdev_sleep_lock);
	return notifier_from_errno(ret);
}
EXPORT_SYMBOL_IF_KUNIT(shdev_pm_notify);

/*
 * Reboot and kexec: device_shutdown() would have the drivers stop devices
 * that a peer holds.  Take every unit back first; one whose reclaim fails
 * stays lost, its gates closed, so that a gated shutdown path leaves it
 * alone, and the log says that the next kernel must not trust the device.
 */
VISIBLE_IF_KUNIT int shdev_reboot_notify(struct notifier_block *nb,
					 unsigned long action, void *data)
{
	struct shdev **all;
	unsigned int i, n;

	all = shdev_get_all(&n);
	if (IS_ERR(all))
		return NOTIFY_DONE;
	for (i = 0; i < n; i++) {
		struct shdev_unit *u = all[i]->unit;

		mutex_lock(&u->lock);
		if (u->state != SHDEV_LOCAL && !u->receiving &&
		    __shdev_reclaim(u))
			dev_crit(&all[i]->pdev->dev, "still held by %s at shutdown: the next kernel must not use it\n",
				 u->owner);
		mutex_unlock(&u->lock);
	}
	shdev_put_all(all, n);
	return NOTIFY_DONE;
}
EXPORT_SYMBOL_IF_KUNIT(shdev_reboot_notify);

static struct notifier_block shdev_pm_nb = {
	.notifier_call = shdev_pm_notify,
};

static struct notifier_block shdev_reboot_nb = {
	.notifier_call = shdev_reboot_notify,
};

int __init shdev_pm_init(void)
{
	int ret;

	ret = register_reboot_notifier(&shdev_reboot_nb);
	if (ret)
		return ret;
	ret = register_pm_notifier(&shdev_pm_nb);
	if (ret)
		unregister_reboot_notifier(&shdev_reboot_nb);
	return ret;
}
