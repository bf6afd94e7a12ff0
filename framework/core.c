// SPDX-License-Identifier: GPL-2.0
/*
 * shdev core: registration of shared devices, their accessors, the
 * registry, and what happens when a driver unbinds.
 *
 * A driver registers its platform device with devm_shdev_register().  The
 * device joins the unit that firmware describes it in (unit.c), or a unit
 * of its own, and the registry, where stacked devices (consumer.c), the
 * ``ownership`` attribute (sysfs.c) and peers (peer.c) find it.  As
 * drm_dev_unplug() does, a device leaves before its driver's remove():
 * a platform bus notifier takes its unit back at the start of an unbind.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/slab.h>

#define CREATE_TRACE_POINTS
#include <trace/events/shdev.h>
#include <kunit/visibility.h>

#include "shdev-internal.h"

/*
 * The registry.  shdev_devices_lock protects the lists of registered
 * devices, of units described by firmware (unit.c) and of consumers
 * (consumer.c), and nothing else; it is never held while waiting for a
 * unit's lock, so that nothing global waits for a transfer.  Lock order:
 * unit lock, then shdev_devices_lock or shdev_peers_lock.
 */
DEFINE_MUTEX(shdev_devices_lock);
LIST_HEAD(shdev_devices);

static const char * const shdev_state_names[SHDEV_NR_STATES] = {
	[SHDEV_LOCAL]		= "local",
	[SHDEV_RELEASING]	= "releasing",
	[SHDEV_REMOTE]		= "remote",
	[SHDEV_RECLAIMING]	= "reclaiming",
	[SHDEV_LOST]		= "lost",
	[SHDEV_REFUSED]		= "refused",
};

/*
 * shdev_state_name() - name of an ownership state
 * @state: the state
 *
 * Return: "local", "releasing", "remote", "reclaiming", "lost" or
 * "refused".
 */
const char *shdev_state_name(enum shdev_state state)
{
	if (state >= ARRAY_SIZE(shdev_state_names))
		return "invalid";
	return shdev_state_names[state];
}

/**
 * shdev_get_drvdata() - driver data given at registration
 * @sd: the shared device
 *
 * Return: the @priv pointer passed to devm_shdev_register().
 */
void *shdev_get_drvdata(const struct shdev *sd)
{
	return sd->priv;
}
EXPORT_SYMBOL_NS_GPL(shdev_get_drvdata, SHDEV);

/**
 * shdev_dev() - the device behind a shared device
 * @sd: the shared device
 *
 * Return: the platform device's &struct device.
 */
struct device *shdev_dev(const struct shdev *sd)
{
	return &sd->pdev->dev;
}
EXPORT_SYMBOL_NS_GPL(shdev_dev, SHDEV);

/**
 * shdev_get_state() - current ownership state
 * @sd: the shared device
 *
 * The state is its unit's.  It may change as soon as it is read; use
 * shdev_enter() to keep the device local for the duration of a hardware
 * access.
 *
 * Return: the state.
 */
enum shdev_state shdev_get_state(const struct shdev *sd)
{
	return READ_ONCE(sd->unit->state);
}
EXPORT_SYMBOL_NS_GPL(shdev_get_state, SHDEV);

/**
 * shdev_is_local() - whether Linux owns the device right now
 * @sd: the shared device
 *
 * Return: true when the state is %SHDEV_LOCAL.
 */
bool shdev_is_local(const struct shdev *sd)
{
	return shdev_get_state(sd) == SHDEV_LOCAL;
}
EXPORT_SYMBOL_NS_GPL(shdev_is_local, SHDEV);

/**
 * shdev_num_resources() - number of resources a transfer moves
 * @sd: the shared device
 *
 * Return: the number of the platform device's resources.
 */
unsigned int shdev_num_resources(const struct shdev *sd)
{
	return sd->pdev->num_resources;
}
EXPORT_SYMBOL_NS_GPL(shdev_num_resources, SHDEV);

/**
 * shdev_get_resource() - one resource a transfer moves
 * @sd: the shared device
 * @index: 0 to shdev_num_resources() - 1
 *
 * Return: the platform device's resource, or NULL past the last one.
 */
const struct resource *shdev_get_resource(const struct shdev *sd,
					  unsigned int index)
{
	if (index >= sd->pdev->num_resources)
		return NULL;
	return &sd->pdev->resource[index];
}
EXPORT_SYMBOL_NS_GPL(shdev_get_resource, SHDEV);

/* Append @r to @res[*@n], unless an interrupt already there. */
static int shdev_res_add(struct resource *res, unsigned int max,
			 unsigned int *n, const struct resource *r)
{
	unsigned int i;

	if (resource_type(r) == IORESOURCE_IRQ)
		for (i = 0; i < *n; i++)
			if (resource_type(&res[i]) == IORESOURCE_IRQ &&
			    res[i].start == r->start)
				return 0;
	if (*n == max)
		return -E2BIG;
	res[(*n)++] = *r;
	return 0;
}

/**
 * shdev_get_resources() - every resource a peer needs to drive the device
 * @sd: the shared device
 * @res: where to copy them
 * @max: room in @res
 *
 * The platform device's resources, then its interrupts that only firmware
 * describes (Devicetree gives a platform device no interrupt resources),
 * then the ranges and interrupts the driver added with
 * shdev_add_resource() and shdev_add_irq().  The first member of a unit
 * also lists the interrupt lines that the unit carries for devices that
 * are not members (a touch controller's, on a GPIO), while they are away
 * with it.  Interrupts are Linux's numbers, each listed once;
 * irq_get_irq_data() gives their hardware line and trigger.
 *
 * Context: a backend operation, with the unit's transfer lock held.
 * Return: the number of resources copied, or -E2BIG when @max is short.
 */
int shdev_get_resources(const struct shdev *sd, struct resource *res,
			unsigned int max)
{
	struct platform_device *pdev = sd->pdev;
	unsigned int i, n = 0, nr_irqs = max(platform_irq_count(pdev), 0);
	int irq, ret = 0;

	lockdep_assert_held(&sd->unit->lock);
	for (i = 0; !ret && i < pdev->num_resources; i++)
		ret = shdev_res_add(res, max, &n, &pdev->resource[i]);
	for (i = 0; !ret && i < nr_irqs; i++) {
		irq = platform_get_irq_optional(pdev, i);
		if (irq > 0)
			ret = shdev_res_add(res, max, &n,
					    &DEFINE_RES_IRQ(irq));
	}
	for (i = 0; !ret && i < sd->nr_ranges; i++)
		ret = shdev_res_add(res, max, &n, &sd->ranges[i]);
	for (i = 0; !ret && i < sd->nr_irqs; i++)
		ret = shdev_res_add(res, max, &n, &DEFINE_RES_IRQ(sd->irqs[i]));
	for (i = 0; !ret && !sd->index && i < sd->unit->nr_lines; i++)
		ret = shdev_res_add(res, max, &n,
				    &DEFINE_RES_IRQ(sd->unit->lines[i]));
	return ret ?: n;
}
EXPORT_SYMBOL_NS_GPL(shdev_get_resources, SHDEV);

/**
 * shdev_held_since_boot() - whether a device is its peer's since boot
 * @sd: the shared device
 *
 * A backend's &shdev_backend_ops.reclaim finds, for a device of a unit
 * that its peer has owned since boot, no record of a release: this tells
 * it that the device is away all the same, as the unit describes it.
 *
 * Context: in a backend operation for @sd (with its transfer lock held).
 * Return: true while @sd's unit has been with its peer since boot, Linux
 * has not taken it yet and the peer has not offered @sd.
 */
bool shdev_held_since_boot(const struct shdev *sd)
{
	return sd->unit->receiving && !sd->granted;
}
EXPORT_SYMBOL_NS_GPL(shdev_held_since_boot, SHDEV);

void shdev_get(struct shdev *sd)
{
	kref_get(&sd->ref);
}

static void shdev_release_ref(struct kref *ref)
{
	struct shdev *sd = container_of(ref, struct shdev, ref);

	if (sd->unit)
		shdev_unit_put(sd->unit);
	put_device(&sd->pdev->dev);
	kfree(sd);
}

void shdev_put(struct shdev *sd)
{
	kref_put(&sd->ref, shdev_release_ref);
}

/*
 * @sd leaves the registry and its unit, whose lock the caller holds: a
 * unit described by firmware keeps its place for the next binding.
 */
void shdev_leave(struct shdev *sd)
{
	struct shdev_unit *u = sd->unit;

	lockdep_assert_held(&u->lock);
	if (u->members[sd->index] == sd)
		u->members[sd->index] = NULL;
	mutex_lock(&shdev_devices_lock);
	list_del_init(&sd->node);
	mutex_unlock(&shdev_devices_lock);
}

/*
 * With the unit's lock held, the unit back: members kept on record for
 * their peer after their drivers unbound leave, so that they can bind
 * again.  Whoever took the unit back holds a reference to one of its
 * devices or to the unit, so the last reference is not dropped here.
 */
void shdev_reap(struct shdev_unit *u)
{
	unsigned int m;

	for (m = 0; m < u->nr; m++) {
		struct shdev *sd = u->members[m];

		if (!sd || !sd->kept)
			continue;
		sd->kept = false;
		shdev_leave(sd);
		shdev_put(sd);
	}
}

/*
 * Unplug first: at the start of an unbind, before the driver's remove()
 * and while its interrupts, clocks and power domain are still there, the
 * device comes back from its peer, or is left lost.  Either way it is
 * marked as going: no transfer starts and no driver callback runs again.
 */
static void shdev_unplug(struct shdev *sd)
{
	struct shdev_unit *u = sd->unit;
	struct device *dev = &sd->pdev->dev;
	int ret;

	mutex_lock(&u->lock);
	if (sd->orphan)
		goto unlock;
	/*
	 * Its peer has had the device since boot and Linux never used it:
	 * the member leaves, the unit stays the peer's.
	 */
	if (u->receiving && !sd->granted && u->done == shdev_slots(u)) {
		sd->orphan = true;
		goto unlock;
	}
	ret = __shdev_reclaim(u);
	sd->orphan = true;
	/* Finish without the driver's callbacks, if its resume failed. */
	if (ret)
		ret = __shdev_reclaim(u);
	if (ret)
		dev_crit(dev, "unbinding while peer %s holds the device: %d; it stays with the peer\n",
			 u->owner, ret);
unlock:
	mutex_unlock(&u->lock);
}

/* The registered device of @dev, referenced, or NULL. */
struct shdev *shdev_get_of(struct device *dev)
{
	struct shdev *sd, *found = NULL;

	mutex_lock(&shdev_devices_lock);
	list_for_each_entry(sd, &shdev_devices, node) {
		if (&sd->pdev->dev == dev) {
			shdev_get(sd);
			found = sd;
			break;
		}
	}
	mutex_unlock(&shdev_devices_lock);
	return found;
}

/*
 * The platform bus says a driver is about to unbind, with the device
 * locked, before remove().  A notifier, not a call each driver puts first
 * in its remove(): no conversion can forget it or put it second, and it
 * also runs for drivers whose remove() is devres alone.
 */
static int shdev_bus_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct shdev *sd;

	if (action != BUS_NOTIFY_UNBIND_DRIVER)
		return NOTIFY_DONE;
	sd = shdev_get_of(data);
	if (!sd)
		return NOTIFY_DONE;
	shdev_unplug(sd);
	shdev_put(sd);
	return NOTIFY_OK;
}

/* The driver is gone, or its probe failed after registering. */
static void shdev_leave_driver(struct shdev *sd)
{
	struct shdev_unit *u = sd->unit;
	bool keep;

	/* A probe that failed after registering had no unbind to announce. */
	shdev_unplug(sd);

	mutex_lock(&u->lock);
	/* The stacked devices are going too; a frozen one stays silent. */
	shdev_consumers_detach(sd);
	/*
	 * A device still away stays on record, power held, so that the
	 * peer's death or a later reclaim takes it back; its driver is not
	 * called again.  Binding again is refused meanwhile.
	 */
	keep = u->state != SHDEV_LOCAL && !(u->receiving && !sd->granted &&
					    u->done == shdev_slots(u));
	sd->kept = keep;
	if (!keep) {
		if (u->receiving)
			shdev_power_put(u, sd);
		shdev_leave(sd);
	}
	mutex_unlock(&u->lock);
	if (!keep)
		shdev_put(sd);
}

static void shdev_unregister(void *data)
{
	shdev_leave_driver(data);
}

/*
 * Put @sd in the unit that names its node, or in a unit of its own, and
 * in the registry.  A Devicetree unit not yet probed defers the member; a
 * unit described otherwise must be added before its members register,
 * which platform code that gives software nodes arranges.
 */
static int shdev_join(struct shdev *sd)
{
	struct device *dev = &sd->pdev->dev;
	struct shdev_unit *u;
	struct shdev *other;
	unsigned int m = 0;
	int ret = 0;

	mutex_lock(&shdev_devices_lock);
	list_for_each_entry(other, &shdev_devices, node) {
		if (&other->pdev->dev != dev)
			continue;
		if (other->orphan)
			dev_err(dev, "peer %s still holds the device\n",
				other->unit->owner);
		mutex_unlock(&shdev_devices_lock);
		return -EBUSY;
	}
	u = shdev_get_unit_of(dev, &m);
	if (!u && dev->of_node)
		ret = shdev_in_dt_unit(dev, dev->of_node);
	if (!ret && shdev_splits_iommu_group(dev, u))
		ret = -EINVAL;
	if (ret || u) {
		mutex_unlock(&shdev_devices_lock);
		if (ret) {
			if (u)
				shdev_unit_put(u);
			return ret;
		}
		goto member;
	}

	/* A unit of its own, whose reference is the device's. */
	u = shdev_unit_alloc(dev);
	if (u) {
		u->nr = 1;
		u->members[0] = sd;
		sd->unit = u;
		list_add_tail(&sd->node, &shdev_devices);
	}
	mutex_unlock(&shdev_devices_lock);
	return u ? 0 : -ENOMEM;

member:
	mutex_lock(&u->lock);
	if (u->desc_gone || u->members[m] ||
	    (u->state != SHDEV_LOCAL && !u->receiving)) {
		ret = -EBUSY;
		goto unlock;
	}
	/*
	 * Its peer has the unit since boot: the driver probes without the
	 * hardware, gate closed, power held; the device is validated when
	 * the peer offers it.
	 */
	if (u->receiving) {
		ret = shdev_power_get(u, sd);
		if (ret)
			goto unlock;
		shdev_gate_set(sd, true);
		sd->left = true;
	}
	/* The unit outlives the binding of its members. */
	if (!device_link_add(dev, u->dev, DL_FLAG_AUTOREMOVE_CONSUMER)) {
		if (u->receiving)
			shdev_power_put(u, sd);
		ret = -EINVAL;
		goto unlock;
	}
	u->members[m] = sd;
	sd->unit = u;
	sd->index = m;
	mutex_lock(&shdev_devices_lock);
	list_add_tail(&sd->node, &shdev_devices);
	mutex_unlock(&shdev_devices_lock);
unlock:
	mutex_unlock(&u->lock);
	if (ret)
		shdev_unit_put(u);
	return ret;
}

/**
 * devm_shdev_register() - make a platform device transferable
 * @pdev: the platform device, being probed by its driver
 * @ops: the driver's callbacks; @ops->quiesce and @ops->resume are required
 * @priv: driver data, returned by shdev_get_drvdata()
 *
 * Adds the ``ownership`` attribute and the debugfs statistics.  A device
 * that a unit names joins that unit (and waits for a unit of Devicetree
 * to probe); any other device is a unit of its own.  It starts local.
 * When the driver begins to unbind, before its remove() runs, a unit held
 * by a peer is reclaimed, and the device takes part in no transfer again.
 *
 * Context: process context, from the driver's probe.
 * Return: the shared device or an ERR_PTR(): -EINVAL for missing
 * callbacks, -EBUSY if the device is registered already or still held by
 * a peer since an earlier unbind, -EPROBE_DEFER while its Devicetree
 * unit is not probed, -ENOMEM.
 */
struct shdev *devm_shdev_register(struct platform_device *pdev,
				  const struct shdev_ops *ops, void *priv)
{
	struct device *dev = &pdev->dev;
	struct shdev *sd;
	int ret;

	if (!ops || !ops->quiesce || !ops->resume)
		return ERR_PTR(-EINVAL);

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return ERR_PTR(-ENOMEM);
	kref_init(&sd->ref);
	INIT_LIST_HEAD(&sd->consumers);
	INIT_LIST_HEAD(&sd->node);
	sd->pdev = pdev;
	sd->ops = ops;
	sd->priv = priv;

	ret = shdev_join(sd);
	if (ret) {
		kfree(sd);
		return ERR_PTR(ret);
	}
	get_device(dev);

	ret = devm_add_action_or_reset(dev, shdev_unregister, sd);
	if (ret)
		return ERR_PTR(ret);
	/* Removed first at unbind: no write starts a transfer after it. */
	ret = devm_device_add_group(dev, shdev_groups[0]);
	if (ret)
		return ERR_PTR(ret);
	return sd;
}
EXPORT_SYMBOL_NS_GPL(devm_shdev_register, SHDEV);

/*
 * Every registered device, referenced, so that walkers take each unit's
 * lock without holding the registry's.
 */
struct shdev **shdev_get_all(unsigned int *nr)
{
	struct shdev **all, *sd;
	unsigned int i = 0;

	mutex_lock(&shdev_devices_lock);
	all = kmalloc_array(list_count_nodes(&shdev_devices) + 1, sizeof(*all),
			    GFP_KERNEL);
	if (all) {
		list_for_each_entry(sd, &shdev_devices, node) {
			shdev_get(sd);
			all[i++] = sd;
		}
	}
	mutex_unlock(&shdev_devices_lock);
	*nr = i;
	return all ?: ERR_PTR(-ENOMEM);
}

void shdev_put_all(struct shdev **all, unsigned int n)
{
	while (n--)
		shdev_put(all[n]);
	kfree(all);
}

#if IS_ENABLED(CONFIG_KUNIT)
unsigned int shdev_nr_devices(void)
{
	unsigned int n;

	mutex_lock(&shdev_devices_lock);
	n = list_count_nodes(&shdev_devices);
	mutex_unlock(&shdev_devices_lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(shdev_nr_devices);
#endif

static struct notifier_block shdev_bus_nb = {
	.notifier_call = shdev_bus_notify,
};

static int __init shdev_init(void)
{
	int ret;

	shdev_debugfs_init();
	ret = bus_register_notifier(&platform_bus_type, &shdev_bus_nb);
	if (ret)
		return ret;
	ret = shdev_pm_init();
	if (ret)
		bus_unregister_notifier(&platform_bus_type, &shdev_bus_nb);
	return ret;
}
core_initcall(shdev_init);
