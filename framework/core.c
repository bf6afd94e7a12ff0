// SPDX-License-Identifier: GPL-2.0
/*
 * shdev core: ownership state machine, hardware gate, sysfs attribute,
 * power and system-sleep interlocks, peer and backend registry.
 *
 * Devices move in units: a unit is the set of devices that change hands
 * together (a display and its touch controller, say); a device described
 * in no unit is a unit of its own.  A transfer is an ordered list of paired
 * steps (shdev_steps[]), each run once for the unit or once per member, in
 * member order.  A release runs the forward halves in order; a failure runs
 * the backward half of every slot already done, in reverse, and leaves the
 * unit local.  A reclaim runs the backward halves in reverse.  u->done
 * counts the slots whose forward half is in effect, so a failed reclaim
 * (state %SHDEV_LOST) is retried from exactly where it stopped.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kref.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/reboot.h>
#include <linux/property.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#define CREATE_TRACE_POINTS
#include <trace/events/shdev.h>

#include "shdev-internal.h"

/* The ``ownership`` attribute, alone in its group. */
struct shdev_attr {
	struct device_attribute attr;
	struct attribute *attrs[2];
	struct attribute_group group;
};

struct shdev {
	struct kref ref;		/* the registry's, and lookups' */
	struct platform_device *pdev;
	const struct shdev_ops *ops;
	void *priv;
	struct shdev_unit *unit;	/* referenced */
	unsigned int index;		/* in unit->members[] */

	/*
	 * The gate: readers in shdev_enter(), under shdev_srcu.  Written
	 * with release and read with acquire ordering, so that a reader
	 * that finds the gate open also sees what the reclaim wrote before
	 * opening it (the backend's and the DMA steps').
	 */
	bool away;

	/* Interrupts the core disables while the device is away. */
	unsigned int nr_irqs;		/* added with shdev_add_irq() */
	unsigned int irqs[SHDEV_IRQS_MAX];
	unsigned int nr_off;		/* disabled by the core, under the lock */
	unsigned int irqs_off[SHDEV_IRQS_MAX * 2];

	/* Under the unit's lock. */
	bool left;			/* the peer has had the resources */
	bool tainted;			/* sanitize before the next resume */
	bool orphan;			/* driver unbinding or gone: no callback */
	bool kept;			/* on record after unbind, for its peer */
	bool granted;			/* its peer offered it (receiving) */
	bool refused;			/* ... without matching resources or evidence */
	bool dma_owned;			/* DMA blocked through ownership */
	struct iommu_domain *dma_blocked; /* or through an empty domain */
	struct list_head consumers;	/* stacked devices, bottom first */

	struct shdev_attr ownership;
	struct list_head node;		/* in shdev_devices */
};

struct shdev_unit {
	struct kref ref;		/* its description's, its members' */
	struct device *dev;		/* referenced; in messages and debugfs */
	const struct shdev_unit_desc *desc;	/* NULL: a device on its own */
	bool desc_gone;			/* firmware unit unregistered */

	/* What ownership_show() reports; written under both locks. */
	spinlock_t state_lock;
	enum shdev_state state;		/* also read with READ_ONCE() */
	char owner[SHDEV_NAME_MAX + 1];	/* the peer's name while away */

	/* Serializes transfers; protects every field below. */
	struct mutex lock;
	struct shdev_peer *peer;	/* holder, unless done == 0 */
	unsigned int done;		/* slots whose forward half holds */
	bool pinned;			/* the peer's backend module */
	bool receiving;			/* owned by a peer since boot */
	struct shdev_stats stats;
	unsigned int nr;		/* members */
	struct shdev *members[SHDEV_UNIT_MAX];
	struct dentry *debugfs;

	/* A unit described by firmware: its own attribute, in shdev_units. */
	struct shdev_attr ownership;
	struct list_head node;
};

/*
 * The registry.  shdev_devices_lock protects the lists below and nothing
 * else; it is never held while waiting for a unit's lock, so that nothing
 * global waits for a transfer.  Lock order: unit lock, then
 * shdev_devices_lock or shdev_peers_lock.
 */
static DEFINE_MUTEX(shdev_devices_lock);
static LIST_HEAD(shdev_devices);
static LIST_HEAD(shdev_units);		/* described by firmware */
static LIST_HEAD(shdev_consumers);	/* every consumer of every device */
static DEFINE_MUTEX(shdev_peers_lock);
static LIST_HEAD(shdev_peers);
static LIST_HEAD(shdev_backends);

/* One SRCU domain for every gate, as DRM has for drm_dev_enter(). */
DEFINE_STATIC_SRCU(shdev_srcu);

static void shdev_put(struct shdev *sd);
static void shdev_leave(struct shdev *sd);

/*
 * With the unit's lock held, the unit back: members kept on record for
 * their peer after their drivers unbound leave, so that they can bind
 * again.  Whoever took the unit back holds a reference to one of its
 * devices or to the unit, so the last reference is not dropped here.
 */
static void shdev_reap(struct shdev_unit *u)
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

/* Units not local, and whether system sleep is under way. */
static DEFINE_MUTEX(shdev_sleep_lock);
static unsigned int shdev_nr_away;
static bool shdev_sleeping;

static struct dentry *shdev_debugfs_root;

static const char * const shdev_state_names[] = {
	[SHDEV_LOCAL]		= "local",
	[SHDEV_RELEASING]	= "releasing",
	[SHDEV_REMOTE]		= "remote",
	[SHDEV_RECLAIMING]	= "reclaiming",
	[SHDEV_LOST]		= "lost",
	[SHDEV_REFUSED]		= "refused",
};

/**
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
EXPORT_SYMBOL_GPL(shdev_state_name);

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
EXPORT_SYMBOL_GPL(shdev_get_drvdata);

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
EXPORT_SYMBOL_GPL(shdev_dev);

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
EXPORT_SYMBOL_GPL(shdev_get_state);

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
EXPORT_SYMBOL_GPL(shdev_is_local);

/**
 * shdev_enter() - enter a section that may touch the hardware
 * @sd: the shared device
 * @idx: cookie to hand to shdev_exit()
 *
 * Opens a section during which the device cannot leave Linux: a release
 * waits, after closing the gate, for every section in flight.  Sections are
 * short, may be taken from any context but NMI, and nest.  Every successful
 * call must be paired with shdev_exit(); a failed one must not.  Lockdep
 * reports a section left open.
 *
 * Return: true if the device is local and the section entered, false if
 * the device is away (or leaving) and the hardware must not be touched.
 */
bool shdev_enter(struct shdev *sd, int *idx)
{
	*idx = srcu_read_lock(&shdev_srcu);
	/* Pairs with smp_store_release() in shdev_gate_set(). */
	if (smp_load_acquire(&sd->away)) {
		srcu_read_unlock(&shdev_srcu, *idx);
		return false;
	}
	/*
	 * Sparse cannot follow a section opened on one condition across
	 * functions; lockdep, through the SRCU read lock, checks the pairing.
	 */
	__release(&shdev_srcu);
	return true;
}
EXPORT_SYMBOL_GPL(shdev_enter);

/**
 * shdev_exit() - leave a section entered with shdev_enter()
 * @sd: the shared device
 * @idx: the cookie shdev_enter() returned
 */
void shdev_exit(struct shdev *sd, int idx)
{
	__acquire(&shdev_srcu);
	srcu_read_unlock(&shdev_srcu, idx);
}
EXPORT_SYMBOL_GPL(shdev_exit);

/**
 * shdev_add_irq() - name an interrupt of the device that is not its own
 * @sd: the shared device
 * @irq: a Linux interrupt number the driver requests for the device
 *
 * The core disables the interrupts of the platform device after the
 * driver's quiesce and enables them again before its resume, exactly once
 * each way whatever the driver or userspace do with the lines meanwhile.
 * A driver whose device raises interrupts that are not among its platform
 * device's (a legacy controller at fixed numbers, a GPIO line's interrupt)
 * adds them here, after registration; the core handles them the same way
 * once they are requested.  Adding a number twice adds it once.
 *
 * Context: process context, from the driver's probe.
 * Return: 0, -EINVAL for interrupt 0, -ENOSPC past %SHDEV_IRQS_MAX.
 */
int shdev_add_irq(struct shdev *sd, unsigned int irq)
{
	unsigned int i;
	int ret = 0;

	if (!irq)
		return -EINVAL;
	mutex_lock(&sd->unit->lock);
	for (i = 0; i < sd->nr_irqs; i++)
		if (sd->irqs[i] == irq)
			goto unlock;
	if (sd->nr_irqs == ARRAY_SIZE(sd->irqs))
		ret = -ENOSPC;
	else
		sd->irqs[sd->nr_irqs++] = irq;
unlock:
	mutex_unlock(&sd->unit->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_add_irq);

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
EXPORT_SYMBOL_GPL(shdev_num_resources);

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
EXPORT_SYMBOL_GPL(shdev_get_resource);

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
EXPORT_SYMBOL_GPL(shdev_held_since_boot);

/* Peer names: [a-z0-9_-]{1,SHDEV_NAME_MAX}, never a state name. */
static bool shdev_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > SHDEV_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!(islower(c) || isdigit(c) || c == '-' || c == '_'))
			return false;
	}
	for (i = 0; i < ARRAY_SIZE(shdev_state_names); i++)
		if (strlen(shdev_state_names[i]) == len &&
		    !memcmp(shdev_state_names[i], name, len))
			return false;
	return true;
}

/**
 * shdev_peer_name_valid() - whether a string may name a peer
 * @name: the string
 *
 * Return: true for 1 to %SHDEV_NAME_MAX lower case letters, digits, '-'
 * and '_', other than a state name.
 */
bool shdev_peer_name_valid(const char *name)
{
	return shdev_name_valid(name, strlen(name));
}

static void shdev_peer_release_ref(struct kref *ref)
{
	struct shdev_peer *peer = container_of(ref, struct shdev_peer, ref);

	if (peer->release)
		peer->release(peer);
}

/*
 * Hold @peer, and the module of its backend, which the peer's release and
 * the backend's operations are code of.  Fails while the module goes.
 */
static bool shdev_peer_hold(struct shdev_peer *peer)
{
	if (!try_module_get(peer->backend->owner))
		return false;
	kref_get(&peer->ref);
	return true;
}

static void shdev_peer_drop(struct shdev_peer *peer)
{
	struct module *owner = peer->backend->owner;

	kref_put(&peer->ref, shdev_peer_release_ref);
	module_put(owner);
}

/* The registered peer of that name, held (shdev_peer_drop()), or NULL. */
static struct shdev_peer *shdev_peer_lookup(const char *name, size_t len)
{
	struct shdev_peer *peer, *found = NULL;

	if (!shdev_name_valid(name, len))
		return NULL;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(peer, &shdev_peers, node) {
		if (strlen(peer->name) == len && !memcmp(peer->name, name, len)) {
			if (shdev_peer_hold(peer))
				found = peer;
			break;
		}
	}
	mutex_unlock(&shdev_peers_lock);
	return found;
}

/**
 * shdev_peer_find() - look a peer up by name
 * @name: the peer's name
 *
 * For a backend or a test that keeps the peer registered meanwhile: the
 * pointer carries no reference.  Transfers take their own.
 *
 * Return: the registered peer, or NULL.
 */
struct shdev_peer *shdev_peer_find(const char *name)
{
	struct shdev_peer *peer = shdev_peer_lookup(name, strlen(name));

	if (peer)
		shdev_peer_drop(peer);
	return peer;
}
EXPORT_SYMBOL_GPL(shdev_peer_find);

/*
 * The steps of a transfer.  Forward halves release, backward halves
 * reclaim; backward halves also undo a failed release.  Steps of the whole
 * unit get a NULL member.
 */

static int shdev_sleep_block(struct shdev_unit *u, struct shdev *sd)
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

static int shdev_sleep_unblock(struct shdev_unit *u, struct shdev *sd)
{
	mutex_lock(&shdev_sleep_lock);
	shdev_nr_away--;
	mutex_unlock(&shdev_sleep_lock);
	return 0;
}

/* The unit holds its peer, and the peer's backend, until it is back. */
static int shdev_pin(struct shdev_unit *u, struct shdev *sd)
{
	if (!shdev_peer_hold(u->peer))
		return -ENODEV;
	u->pinned = true;
	return 0;
}

/*
 * The last step of a reclaim that needs the peer: what follows only
 * clears u->peer.  A unit owned by a peer since boot holds it once its
 * name resolves.
 */
static int shdev_unpin(struct shdev_unit *u, struct shdev *sd)
{
	if (u->pinned)
		shdev_peer_drop(u->peer);
	u->pinned = false;
	return 0;
}

/* The unit's clocks and supplies stay on while a peer holds it. */
static int shdev_hold(struct shdev_unit *u, struct shdev *sd)
{
	return u->desc ? u->desc->hold(u->desc) : 0;
}

static int shdev_unhold(struct shdev_unit *u, struct shdev *sd)
{
	if (u->desc)
		u->desc->unhold(u->desc);
	return 0;
}

/* Stacked devices stop reaching the device, the topmost first. */
static int shdev_freeze(struct shdev_unit *u, struct shdev *sd)
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

static int shdev_thaw(struct shdev_unit *u, struct shdev *sd)
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

/* Keep the device powered while away: the peer expects it on. */
static int shdev_power_get(struct shdev_unit *u, struct shdev *sd)
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

static int shdev_power_put(struct shdev_unit *u, struct shdev *sd)
{
	pm_runtime_put(&sd->pdev->dev);
	return 0;
}

/* Open or close one device's gate; readers see it at their next entry. */
static void shdev_gate_set(struct shdev *sd, bool away)
{
	/* Pairs with smp_load_acquire() in shdev_enter(). */
	smp_store_release(&sd->away, away);
}

/* Wait for every section entered before the gates closed. */
static void shdev_gate_sync(struct shdev_unit *u)
{
	/*
	 * Someone is waiting for the unit to move.  An expedited grace
	 * period disturbs no other CPU: it only skips the delays that batch
	 * grace periods, and readers are short sections.
	 */
	synchronize_srcu_expedited(&shdev_srcu);
	u->stats.grace_periods++;
}

/* One grace period for the whole unit, once every member's gate closed. */
static int shdev_gate_wait(struct shdev_unit *u, struct shdev *sd)
{
	shdev_gate_sync(u);
	return 0;
}

/* Whether @irq is in @irqs[0..@nr). */
static bool shdev_irq_in(const unsigned int *irqs, unsigned int nr,
			 unsigned int irq)
{
	while (nr--)
		if (irqs[nr] == irq)
			return true;
	return false;
}

/*
 * Disable the device's requested interrupts: the platform device's and
 * those the driver added.  What is disabled is recorded, so that exactly
 * those are enabled again, once, whatever happens to the lines meanwhile
 * (a driver or userspace disabling one of them nests inside ours).
 */
static int shdev_irqs_off(struct shdev *sd)
{
	struct platform_device *pdev = sd->pdev;
	int i, n = max(platform_irq_count(pdev), 0);
	unsigned int nr = 0, irqs[ARRAY_SIZE(sd->irqs_off)];
	int irq;

	for (i = 0; i < n + (int)sd->nr_irqs; i++) {
		if (i < n)
			irq = platform_get_irq_optional(pdev, i);
		else
			irq = sd->irqs[i - n];
		if (irq <= 0 || !irq_has_action(irq) ||
		    shdev_irq_in(irqs, nr, irq))
			continue;
		if (nr == ARRAY_SIZE(irqs)) {
			dev_err(&pdev->dev, "more than %zu interrupts\n",
				ARRAY_SIZE(irqs));
			return -E2BIG;
		}
		irqs[nr++] = irq;
	}
	for (sd->nr_off = 0; sd->nr_off < nr; sd->nr_off++) {
		disable_irq(irqs[sd->nr_off]);
		sd->irqs_off[sd->nr_off] = irqs[sd->nr_off];
	}
	return 0;
}

static void shdev_irqs_on(struct shdev *sd)
{
	while (sd->nr_off)
		enable_irq(sd->irqs_off[--sd->nr_off]);
}

/*
 * The driver stops using the device with its gate open, so that what is
 * in flight completes through its own interrupt; then the core takes the
 * interrupts and closes the gate.  The unit's "gate" step waits once for
 * the sections of every member.
 */
static int shdev_quiesce(struct shdev_unit *u, struct shdev *sd)
{
	int ret = sd->ops->quiesce(sd);

	if (ret)
		return ret;
	ret = shdev_irqs_off(sd);
	if (ret) {
		/* Nothing left behind: the driver takes the device back. */
		if (sd->ops->resume(sd))
			dev_err(&sd->pdev->dev, "resume after a failed quiesce step failed\n");
		return ret;
	}
	shdev_gate_set(sd, true);
	return 0;
}

/*
 * The mirror image.  A driver whose resume fails is shut out again: gate
 * closed, interrupts off, the device lost.  A driver that is going, or
 * gone, gets no callback and keeps its gate closed; its interrupts are
 * its own to free.
 */
static int shdev_resume(struct shdev_unit *u, struct shdev *sd)
{
	int ret;

	if (sd->orphan) {
		sd->nr_off = 0;
		return 0;
	}
	shdev_gate_set(sd, false);
	shdev_irqs_on(sd);
	ret = sd->ops->resume(sd);
	if (ret) {
		/* The same interrupts as at the release: no room is missing. */
		WARN_ON(shdev_irqs_off(sd));
		shdev_gate_set(sd, true);
		shdev_gate_sync(u);
	}
	return ret;
}

/*
 * Block Linux's DMA for the device while away.  A driver that manages its
 * DMA claims the group's ownership, which attaches a blocking domain; a
 * DMA-API driver's device gets an empty paging domain instead.  Without an
 * IOMMU there is nothing to block.
 */
static int shdev_dma_block(struct shdev_unit *u, struct shdev *sd)
{
	struct device *dev = &sd->pdev->dev;
	struct iommu_group *group = iommu_group_get(dev);
	struct iommu_domain *domain;
	int ret;

	if (!group)
		return 0;
	iommu_group_put(group);

	if (to_platform_driver(dev->driver)->driver_managed_dma) {
		ret = iommu_device_claim_dma_owner(dev, u);
		sd->dma_owned = !ret;
		return ret;
	}
	domain = iommu_paging_domain_alloc(dev);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	ret = iommu_attach_device(domain, dev);
	if (ret) {
		iommu_domain_free(domain);
		return ret;
	}
	sd->dma_blocked = domain;
	return 0;
}

static int shdev_dma_unblock(struct shdev_unit *u, struct shdev *sd)
{
	struct device *dev = &sd->pdev->dev;

	if (sd->dma_owned)
		iommu_device_release_dma_owner(dev);
	if (sd->dma_blocked) {
		iommu_detach_device(sd->dma_blocked, dev);
		iommu_domain_free(sd->dma_blocked);
	}
	sd->dma_owned = false;
	sd->dma_blocked = NULL;
	return 0;
}

/* Nothing of Linux's may reach an untrusted peer. */
static int shdev_sanitize_out(struct shdev_unit *u, struct shdev *sd)
{
	return u->peer->untrusted ? sd->ops->sanitize(sd) : 0;
}

/* Nothing of the peer's may reach Linux after it died or if untrusted. */
static int shdev_sanitize_in(struct shdev_unit *u, struct shdev *sd)
{
	int ret;

	if (!sd->tainted || sd->orphan || !sd->ops->sanitize)
		return 0;
	ret = sd->ops->sanitize(sd);
	if (!ret)
		sd->tainted = false;
	return ret;
}

static int shdev_validate(struct shdev_unit *u, struct shdev *sd)
{
	int ret = 0;

	if (!sd->left)
		return 0;
	if (!sd->orphan && sd->ops->validate)
		ret = sd->ops->validate(sd);
	if (!ret)
		sd->left = false;
	return ret;
}

/* A backend answers 0 or a negative error code; anything else is a bug. */
static int shdev_backend_ret(struct shdev *sd, struct shdev_peer *peer,
			     const char *op, int ret)
{
	if (ret <= 0)
		return ret;
	dev_err(&sd->pdev->dev, "backend %s: %s returned %d, not an error code\n",
		peer->backend->name, op, ret);
	return -EPROTO;
}

static int shdev_backend_release(struct shdev_unit *u, struct shdev *sd)
{
	struct shdev_peer *peer = u->peer;
	int ret;

	ret = peer->backend->ops->release(peer, sd);
	ret = shdev_backend_ret(sd, peer, "release", ret);
	if (ret)
		return ret;
	sd->left = true;
	sd->tainted = peer->untrusted;
	return 0;
}

static int shdev_backend_reclaim(struct shdev_unit *u, struct shdev *sd)
{
	struct shdev_peer *peer = u->peer;

	/* A device its peer offered is Linux's already. */
	if (sd->granted)
		return 0;
	return shdev_backend_ret(sd, peer, "reclaim",
				 peer->backend->ops->reclaim(peer, sd));
}

struct shdev_step {
	const char *name;
	bool per_unit;		/* once for the unit, not once per member */
	bool undo_failed;	/* reclaim also undoes a failed release */
	int (*release)(struct shdev_unit *u, struct shdev *sd);
	int (*reclaim)(struct shdev_unit *u, struct shdev *sd);
};

static const struct shdev_step shdev_steps[] = {
	{ "sleep",	true,  false, shdev_sleep_block,  shdev_sleep_unblock },
	{ "pin",	true,  false, shdev_pin,	  shdev_unpin },
	{ "hold",	true,  false, shdev_hold,	  shdev_unhold },
	{ "consumers",	false, false, shdev_freeze,	  shdev_thaw },
	{ "power",	false, false, shdev_power_get,	  shdev_power_put },
	{ "quiesce",	false, false, shdev_quiesce,	  shdev_resume },
	{ "gate",	true,  false, shdev_gate_wait,	  NULL },
	{ "dma",	false, false, shdev_dma_block,	  shdev_dma_unblock },
	{ "sanitize",	false, false, shdev_sanitize_out, shdev_sanitize_in },
	{ "validate",	false, false, NULL,		  shdev_validate },
	/*
	 * A backend that could not undo a failed release gets its reclaim
	 * before the driver resumes: Linux must not touch a device that is
	 * partly the peer's.
	 */
	{ "backend",	false, true,  shdev_backend_release, shdev_backend_reclaim },
};

#define SHDEV_STEP_CONSUMERS	3	/* index of "consumers" */

/* Slots of a transfer of @u: one per unit step, one per member step. */
static unsigned int shdev_slots(const struct shdev_unit *u)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(shdev_steps); i++)
		n += shdev_steps[i].per_unit ? 1 : u->nr;
	return n;
}

/* The slot of step @step for member @m. */
static unsigned int shdev_slot_of(const struct shdev_unit *u,
				  unsigned int step, unsigned int m)
{
	unsigned int i, n = 0;

	for (i = 0; i < step; i++)
		n += shdev_steps[i].per_unit ? 1 : u->nr;
	return shdev_steps[step].per_unit ? n : n + m;
}

/* The step of slot @k, and in @sd its member (NULL for a unit step). */
static const struct shdev_step *shdev_slot(const struct shdev_unit *u,
					   unsigned int k, struct shdev **sd)
{
	const struct shdev_step *step = shdev_steps;

	for (;; step++) {
		unsigned int n = step->per_unit ? 1 : u->nr;

		if (k < n) {
			*sd = step->per_unit ? NULL : u->members[k];
			return step;
		}
		k -= n;
	}
}

static int shdev_run_slot(struct shdev_unit *u, unsigned int k, bool reclaim)
{
	const struct shdev_step *step;
	int (*fn)(struct shdev_unit *u, struct shdev *sd);
	struct shdev *sd;
	ktime_t start;
	int ret;

	step = shdev_slot(u, k, &sd);
	fn = reclaim ? step->reclaim : step->release;
	if (!fn)
		return 0;
	start = ktime_get();
	ret = fn(u, sd);
	trace_shdev_step(sd ? &sd->pdev->dev : u->dev, step->name,
			 reclaim ? "reclaim" : "release", ret,
			 ktime_to_ns(ktime_sub(ktime_get(), start)));
	if (ret)
		dev_err(sd ? &sd->pdev->dev : u->dev, "%s step %s failed: %d\n",
			reclaim ? "reclaim" : "release", step->name, ret);
	return ret;
}

/* Run backward halves from u->done down to 0; stop at the first error. */
static int shdev_unwind(struct shdev_unit *u)
{
	int ret;

	while (u->done) {
		ret = shdev_run_slot(u, u->done - 1, true);
		if (ret)
			return ret;
		u->done--;
	}
	return 0;
}

static void shdev_notify_dev(struct shdev_unit *u, struct device *dev)
{
	char owner[sizeof("SHDEV_OWNER=") + SHDEV_NAME_MAX];
	char state[32];
	char *envp[3];

	snprintf(owner, sizeof(owner), "SHDEV_OWNER=%s",
		 u->state == SHDEV_LOCAL ? "local" : u->owner);
	snprintf(state, sizeof(state), "SHDEV_STATE=%s",
		 shdev_state_name(u->state));
	envp[0] = owner;
	envp[1] = state;
	envp[2] = NULL;
	sysfs_notify(&dev->kobj, NULL, "ownership");
	kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, envp);
}

/* A transition completed: wake pollers and tell udev, for every member. */
static void shdev_notify(struct shdev_unit *u)
{
	unsigned int m;

	if (u->desc)
		shdev_notify_dev(u, u->dev);
	for (m = 0; m < u->nr; m++)
		if (u->members[m] && !u->members[m]->orphan)
			shdev_notify_dev(u, &u->members[m]->pdev->dev);
}

static void shdev_set_state(struct shdev_unit *u, enum shdev_state state)
{
	if (state == SHDEV_LOCAL)
		u->peer = NULL;
	spin_lock(&u->state_lock);
	WRITE_ONCE(u->state, state);
	/* A unit owned since boot knows its peer by name before it resolves. */
	if (u->peer || state == SHDEV_LOCAL)
		strscpy(u->owner, u->peer ? u->peer->name : "");
	spin_unlock(&u->state_lock);
}

static void shdev_account(struct shdev_unit *u, const char *op, int ret,
			  ktime_t start, u64 *counter)
{
	u64 ns = ktime_to_ns(ktime_sub(ktime_get(), start));

	if (ret) {
		u->stats.failures++;
	} else {
		(*counter)++;
		u->stats.last_ns = ns;
		u->stats.worst_ns = max(u->stats.worst_ns, ns);
	}
	trace_shdev_transfer_end(u->dev, op, ret, shdev_state_name(u->state),
				 ns);
}

static bool shdev_peer_registered(struct shdev_peer *peer)
{
	bool registered;

	mutex_lock(&shdev_peers_lock);
	registered = peer->registered;
	mutex_unlock(&shdev_peers_lock);
	return registered;
}

/* A unit described by firmware goes to the peers it names, under their ids. */
static bool shdev_peer_allowed(struct shdev_unit *u, struct shdev_peer *peer)
{
	const struct shdev_unit_desc *desc = u->desc;
	unsigned int i;

	if (!desc)
		return true;
	for (i = 0; i < desc->nr_peers; i++) {
		if (strcmp(desc->peer_names[i], peer->name))
			continue;
		if (desc->peer_ids[i] == peer->id)
			return true;
		dev_err(u->dev, "peer %s has id %llu, not %u as described\n",
			peer->name, peer->id, desc->peer_ids[i]);
		return false;
	}
	dev_err(u->dev, "peer %s may not take this unit\n", peer->name);
	return false;
}

static void shdev_taint(struct shdev_unit *u)
{
	unsigned int m;

	for (m = 0; m < u->nr; m++)
		if (u->members[m])
			u->members[m]->tainted = true;
}

static bool shdev_attestation_required(const struct shdev_unit *u)
{
	return u->desc && u->desc->require_attestation;
}

/*
 * A unit owned by a peer since boot knows its peer by name only, and
 * needs every member's driver before it can be taken.  One that requires
 * attestation is taken only through offers with valid evidence.
 */
static int shdev_receiving_ready(struct shdev_unit *u)
{
	unsigned int m;

	if (!u->receiving)
		return 0;
	for (m = 0; m < u->nr; m++)
		if (!u->members[m])
			return -EAGAIN;
	for (m = 0; m < u->nr; m++) {
		if (u->members[m]->granted || !shdev_attestation_required(u))
			continue;
		dev_err(u->dev, "requires attestation: taken only when its peer offers every member\n");
		return -EPERM;
	}
	if (!u->peer) {
		/* Held from now on, as a release holds it. */
		u->peer = shdev_peer_lookup(u->owner, strlen(u->owner));
		if (!u->peer)
			return -EAGAIN;
		u->pinned = true;
		/* Taken without an offer: nothing of the peer's may remain. */
		if (u->peer->untrusted)
			shdev_taint(u);
	}
	return 0;
}

/* Reclaim with the unit's lock held. */
static int __shdev_reclaim(struct shdev_unit *u)
{
	ktime_t start = ktime_get();
	int ret;

	if (u->state == SHDEV_LOCAL)
		return 0;
	ret = shdev_receiving_ready(u);
	if (ret)
		return ret;
	trace_shdev_transfer_start(u->dev, "reclaim", u->peer->name);
	shdev_set_state(u, SHDEV_RECLAIMING);
	ret = shdev_unwind(u);
	if (!ret && u->receiving) {
		unsigned int m;

		u->receiving = false;
		for (m = 0; m < u->nr; m++) {
			u->members[m]->granted = false;
			u->members[m]->refused = false;
		}
	}
	shdev_set_state(u, ret ? SHDEV_LOST : SHDEV_LOCAL);
	shdev_account(u, "reclaim", ret, start, &u->stats.reclaims);
	shdev_notify(u);
	if (!ret)
		shdev_reap(u);
	return ret;
}

/* Release with the unit's lock held. */
static int __shdev_release(struct shdev_unit *u, struct shdev_peer *peer)
{
	unsigned int m, slots = shdev_slots(u);
	ktime_t start = ktime_get();
	int ret = 0;

	if (u->state != SHDEV_LOCAL)
		return u->state == SHDEV_REMOTE && u->peer == peer ? 0 : -EBUSY;
	if (!shdev_peer_registered(peer))
		return -EINVAL;
	if (!shdev_peer_allowed(u, peer))
		return -EPERM;
	for (m = 0; m < u->nr; m++) {
		if (!u->members[m]) {
			dev_err(u->dev, "unit incomplete: member %u has not joined\n",
				m);
			return -ENODEV;
		}
		if (u->members[m]->orphan) {
			dev_err(u->dev, "member %s is unbinding\n",
				dev_name(&u->members[m]->pdev->dev));
			return -ENODEV;
		}
		if (peer->untrusted && !u->members[m]->ops->sanitize) {
			dev_err(&u->members[m]->pdev->dev,
				"no sanitize callback: cannot go to untrusted peer %s\n",
				peer->name);
			return -EPERM;
		}
	}

	trace_shdev_transfer_start(u->dev, "release", peer->name);
	u->peer = peer;
	shdev_set_state(u, SHDEV_RELEASING);
	while (u->done < slots) {
		struct shdev *member;

		ret = shdev_run_slot(u, u->done, false);
		if (ret) {
			if (shdev_slot(u, u->done, &member)->undo_failed)
				u->done++;
			break;
		}
		u->done++;
	}

	if (ret) {
		/* Undo; if that fails too the unit is lost, not local. */
		shdev_set_state(u, shdev_unwind(u) ? SHDEV_LOST : SHDEV_LOCAL);
	} else {
		shdev_set_state(u, SHDEV_REMOTE);
	}
	shdev_account(u, "release", ret, start, &u->stats.releases);
	if (!ret || u->state == SHDEV_LOST)
		shdev_notify(u);
	return ret;
}

/**
 * shdev_release() - give a device, and its unit, to a peer
 * @sd: the shared device
 * @peer: a registered peer
 *
 * Runs the whole release of @sd's unit: freezes the stacked devices,
 * closes the gates, waits for sections in flight, quiesces the drivers and
 * has the backend hand the resources over, member after member at every
 * step.  On failure every step done is undone in reverse and the unit is
 * local again.  This is what a write of a peer's name to ``ownership``
 * does; it is exported for in-kernel policy.
 *
 * Context: process context; waits for a transfer of the unit in flight,
 * then may sleep for the whole transfer.
 * Return: 0 when the peer holds the unit (also when it already did),
 * -EINTR when a fatal signal interrupted the wait, -EBUSY when the unit
 * is held by another peer or lost, or system sleep is under way, -EINVAL
 * for an unregistered peer, -ENODEV when a member has no driver or its
 * driver is unbinding, -EPERM for an untrusted peer and a member without
 * sanitize, or the error of the step that failed.
 */
int shdev_release(struct shdev *sd, struct shdev_peer *peer)
{
	struct shdev_unit *u = sd->unit;
	int ret;

	ret = mutex_lock_killable(&u->lock);
	if (ret)
		return ret;
	ret = sd->orphan ? -ENODEV : __shdev_release(u, peer);
	mutex_unlock(&u->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_release);

/**
 * shdev_reclaim() - take a device, and its unit, back from its peer
 * @sd: the shared device
 *
 * Runs the whole reclaim of @sd's unit: the backend takes the resources
 * back, the drivers validate, sanitize (after a peer's death, or from an
 * untrusted peer) and resume, the gates open and the stacked devices thaw.
 * A failure leaves the unit %SHDEV_LOST with the gates closed; calling
 * this again retries from the step that failed.
 *
 * Context: process context; waits for a transfer of the unit in flight,
 * then may sleep for the whole transfer.
 * Return: 0 when the unit is local (also when it already was), -EINTR
 * when a fatal signal interrupted the wait, or the error of the step that
 * failed.
 */
int shdev_reclaim(struct shdev *sd)
{
	struct shdev_unit *u = sd->unit;
	int ret;

	ret = mutex_lock_killable(&u->lock);
	if (ret)
		return ret;
	ret = __shdev_reclaim(u);
	mutex_unlock(&u->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_reclaim);

/* A peer's offer must carry the resources the device is described with. */
/*
 * The resources a peer offers must be the device's description, in order:
 * its MMIO ranges ("reg" in Devicetree), then its interrupts, as the
 * driver gets them with platform_get_irq().
 */
static bool shdev_resources_match(struct shdev *sd, const struct resource *res,
				  unsigned int nr)
{
	struct platform_device *pdev = sd->pdev;
	const struct resource *mem;
	unsigned int i = 0, k;
	int irqs, irq;

	for (k = 0; (mem = platform_get_resource(pdev, IORESOURCE_MEM, k));
	     k++, i++) {
		if (i >= nr || resource_type(&res[i]) != IORESOURCE_MEM ||
		    res[i].start != mem->start || res[i].end != mem->end)
			return false;
	}

	irqs = platform_irq_count(pdev);
	if (irqs < 0)
		return false;
	for (k = 0; k < irqs; k++, i++) {
		irq = platform_get_irq_optional(pdev, k);
		if (i >= nr || irq < 0 ||
		    resource_type(&res[i]) != IORESOURCE_IRQ ||
		    res[i].start != irq || res[i].end != irq)
			return false;
	}
	return i == nr;
}

/*
 * Evidence about a device offered by its peer, for a unit that requires
 * it: the backend obtains and checks it.
 */
static int shdev_attest(struct shdev_peer *peer, struct shdev *sd)
{
	const struct shdev_backend_ops *ops = peer->backend->ops;
	int ret;

	if (!shdev_attestation_required(sd->unit))
		return 0;
	if (ops->attest)
		ret = shdev_backend_ret(sd, peer, "attest", ops->attest(peer, sd));
	else
		ret = -EOPNOTSUPP;
	if (ret)
		dev_err(&sd->pdev->dev, "refusing the offer of %s: no valid attestation (backend %s: %d)\n",
			peer->name, peer->backend->name, ret);
	return ret;
}

/**
 * shdev_grant() - a peer offers a device it owned since boot
 * @peer: the peer, owner of @sd's unit since boot
 * @sd: the device
 * @res: the resources the peer hands over
 * @nr: their number
 *
 * The receiving side of a transfer, called by a backend.  The resources
 * are checked against the device's description: its MMIO ranges, then
 * its interrupts, in order (for a device from Devicetree, "reg" and
 * "interrupts").  For a unit that requires attestation, the backend's
 * &shdev_backend_ops.attest then checks evidence about the device.  A
 * mismatch or missing evidence refuses the offer: the peer keeps the
 * device and its unit shows %SHDEV_REFUSED until a correct offer.  Once
 * every member of the unit is offered, the unit is taken: validated,
 * sanitized if the peer is untrusted, resumed, its gates opened.
 *
 * Context: process context.
 * Return: 0 when the offer is accepted (and, for the last member, the
 * unit taken), -EINVAL when @peer does not own the unit since boot or the
 * resources do not match, -EOPNOTSUPP when the unit requires attestation
 * and @peer's backend has none, the error of &shdev_backend_ops.attest, or
 * the error of the step that failed.
 */
int shdev_grant(struct shdev_peer *peer, struct shdev *sd,
		const struct resource *res, unsigned int nr)
{
	struct shdev_unit *u = sd->unit;
	bool complete = true, refused = false, was_refused;
	unsigned int m;
	int ret = 0;

	mutex_lock(&u->lock);
	if (!u->receiving || strcmp(u->owner, peer->name) ||
	    (u->state != SHDEV_REMOTE && u->state != SHDEV_REFUSED)) {
		ret = -EINVAL;
		goto unlock;
	}
	if (!shdev_resources_match(sd, res, nr)) {
		dev_err(&sd->pdev->dev, "refusing the offer of %s: its resources do not match the description\n",
			peer->name);
		ret = -EINVAL;
	} else {
		ret = shdev_attest(peer, sd);
	}
	sd->refused = ret != 0;
	sd->granted = !ret;

	for (m = 0; m < u->nr; m++) {
		complete &= u->members[m] && u->members[m]->granted;
		refused |= u->members[m] && u->members[m]->refused;
	}
	was_refused = u->state == SHDEV_REFUSED;
	if (refused != was_refused) {
		shdev_set_state(u, refused ? SHDEV_REFUSED : SHDEV_REMOTE);
		shdev_notify(u);
	}
	if (ret || !complete)
		goto unlock;

	/* Held from now on, as a release holds it. */
	if (!u->peer) {
		if (!shdev_peer_hold(peer)) {
			ret = -ENODEV;
			goto unlock;
		}
		u->peer = peer;
		u->pinned = true;
	}
	if (peer->untrusted)
		shdev_taint(u);
	ret = __shdev_reclaim(u);
unlock:
	mutex_unlock(&u->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_grant);

static void shdev_get(struct shdev *sd)
{
	kref_get(&sd->ref);
}

/* With the unit's lock held: a consumer joining a device away is frozen. */
static int __shdev_consumer_add(struct shdev *sd, struct shdev_consumer *c)
{
	struct shdev_unit *u = sd->unit;
	int ret;

	c->frozen = false;
	if (u->done > shdev_slot_of(u, SHDEV_STEP_CONSUMERS, sd->index)) {
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
EXPORT_SYMBOL_GPL(shdev_consumer_add);

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
EXPORT_SYMBOL_GPL(shdev_consumer_del);

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

/**
 * shdev_consumer_add_below() - stack a device on the shared device above it
 * @c: the consumer, with @ops and @dev set
 *
 * Like shdev_consumer_add() for the nearest shared device among @c->dev's
 * ancestors.  Consumer kinds use it to attach stacked devices on the
 * driver's behalf (every input device below a shared device, say).
 *
 * Context: process context; waits for a transfer of that device's unit
 * in flight, and for nothing else.
 * Return: 0, -ENODEV when no ancestor is a shared device, or the error of
 * @c's freeze.
 */
int shdev_consumer_add_below(struct shdev_consumer *c)
{
	struct shdev *sd = shdev_get_above(c->dev->parent);
	int ret;

	if (!sd)
		return -ENODEV;
	mutex_lock(&sd->unit->lock);
	/* The driver may have begun to unbind meanwhile. */
	ret = sd->orphan ? -ENODEV : __shdev_consumer_add(sd, c);
	mutex_unlock(&sd->unit->lock);
	shdev_put(sd);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_consumer_add_below);

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
EXPORT_SYMBOL_GPL(shdev_consumer_remove);

static void shdev_consumers_detach(struct shdev *sd)
{
	struct shdev_consumer *c, *tmp;

	list_for_each_entry_safe(c, tmp, &sd->consumers, node)
		__shdev_consumer_del(c);
}

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
	return shdev_show(container_of(attr, struct shdev, ownership.attr)->unit,
			  buf);
}

static ssize_t ownership_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	return shdev_store(container_of(attr, struct shdev, ownership.attr)->unit,
			   dev, buf, count);
}

/* The attribute of a unit's own device. */
static ssize_t unit_ownership_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return shdev_show(container_of(attr, struct shdev_unit, ownership.attr),
			  buf);
}

static ssize_t unit_ownership_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	return shdev_store(container_of(attr, struct shdev_unit, ownership.attr),
			   dev, buf, count);
}

static void shdev_attr_init(struct shdev_attr *a,
			    ssize_t (*show)(struct device *dev,
					    struct device_attribute *attr,
					    char *buf),
			    ssize_t (*store)(struct device *dev,
					     struct device_attribute *attr,
					     const char *buf, size_t count))
{
	sysfs_attr_init(&a->attr.attr);
	a->attr.attr.name = "ownership";
	a->attr.attr.mode = 0644;
	a->attr.show = show;
	a->attr.store = store;
	a->attrs[0] = &a->attr.attr;
	a->group.attrs = a->attrs;
}

static int shdev_stats_show(struct seq_file *s, void *unused)
{
	struct shdev_unit *u = s->private;

	mutex_lock(&u->lock);
	seq_printf(s, "state: %s\n", shdev_state_name(u->state));
	seq_printf(s, "owner: %s\n", u->state == SHDEV_LOCAL ? "local" : u->owner);
	seq_printf(s, "releases: %llu\n", u->stats.releases);
	seq_printf(s, "reclaims: %llu\n", u->stats.reclaims);
	seq_printf(s, "failures: %llu\n", u->stats.failures);
	seq_printf(s, "last_ns: %llu\n", u->stats.last_ns);
	seq_printf(s, "worst_ns: %llu\n", u->stats.worst_ns);
	seq_printf(s, "grace_periods: %llu\n", u->stats.grace_periods);
	mutex_unlock(&u->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shdev_stats);

static struct shdev_unit *shdev_unit_alloc(struct device *dev)
{
	struct shdev_unit *u = kzalloc(sizeof(*u), GFP_KERNEL);

	if (!u)
		return NULL;
	kref_init(&u->ref);
	u->dev = get_device(dev);
	mutex_init(&u->lock);
	spin_lock_init(&u->state_lock);
	INIT_LIST_HEAD(&u->node);
	u->debugfs = debugfs_create_dir(dev_name(dev), shdev_debugfs_root);
	debugfs_create_file("stats", 0444, u->debugfs, u, &shdev_stats_fops);
	return u;
}

static void shdev_unit_release(struct kref *ref)
{
	struct shdev_unit *u = container_of(ref, struct shdev_unit, ref);

	debugfs_remove_recursive(u->debugfs);
	mutex_destroy(&u->lock);
	put_device(u->dev);
	kfree(u);
}

static void shdev_unit_put(struct shdev_unit *u)
{
	kref_put(&u->ref, shdev_unit_release);
}

static void shdev_release_ref(struct kref *ref)
{
	struct shdev *sd = container_of(ref, struct shdev, ref);

	if (sd->unit)
		shdev_unit_put(sd->unit);
	put_device(&sd->pdev->dev);
	kfree(sd);
}

static void shdev_put(struct shdev *sd)
{
	kref_put(&sd->ref, shdev_release_ref);
}

/*
 * @sd leaves the registry and its unit, whose lock the caller holds: a
 * unit described by firmware keeps its place for the next binding.
 */
static void shdev_leave(struct shdev *sd)
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
static struct shdev *shdev_get_of(struct device *dev)
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
	struct shdev *sd = data;

	sysfs_remove_group(&sd->pdev->dev.kobj, &sd->ownership.group);
	shdev_leave_driver(sd);
}

/*
 * Whether an available "linux,shdev-unit" node names @np among its
 * devices: 0 when none does, -EPROBE_DEFER while its unit is not probed,
 * -ENODEV when the unit driver rejected it.
 */
static int shdev_in_dt_unit(struct device *dev, struct device_node *np)
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

/**
 * shdev_same_iommu_group() - whether two devices sit in one IOMMU group
 * @a: a device
 * @b: another
 *
 * Return: true when both have an IOMMU group and it is the same.
 */
VISIBLE_IF_KUNIT bool shdev_same_iommu_group(struct device *a,
					     struct device *b)
{
	struct iommu_group *ga, *gb;
	bool same;

	KUNIT_STATIC_STUB_REDIRECT(shdev_same_iommu_group, a, b);
	ga = iommu_group_get(a);
	if (!ga)
		return false;
	gb = iommu_group_get(b);
	same = ga == gb;
	iommu_group_put(gb);
	iommu_group_put(ga);
	return same;
}
EXPORT_SYMBOL_IF_KUNIT(shdev_same_iommu_group);

/*
 * With shdev_devices_lock held: whether @dev joining @u (NULL for a unit
 * of its own) would split an IOMMU group between units.  DMA is blocked
 * per group, so a group moves whole or not at all.
 */
static bool shdev_splits_iommu_group(struct device *dev, struct shdev_unit *u)
{
	struct shdev *other;

	list_for_each_entry(other, &shdev_devices, node) {
		if (u && other->unit == u)
			continue;
		if (shdev_same_iommu_group(dev, &other->pdev->dev)) {
			dev_err(dev, "shares an IOMMU group with %s, which is in another unit\n",
				dev_name(&other->pdev->dev));
			return true;
		}
	}
	return false;
}

/* Whether @fwnode is @dev's firmware node, primary or secondary. */
static bool shdev_is_node_of(const struct fwnode_handle *fwnode,
			     struct device *dev)
{
	const struct fwnode_handle *own = dev_fwnode(dev);

	return own && (own == fwnode || own->secondary == fwnode);
}

/*
 * With shdev_devices_lock held: the unit described by firmware that names
 * @dev, referenced, with @dev's index in it; or NULL.
 */
static struct shdev_unit *shdev_get_unit_of(struct device *dev,
					    unsigned int *index)
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
	shdev_attr_init(&sd->ownership, ownership_show, ownership_store);

	ret = shdev_join(sd);
	if (ret) {
		kfree(sd);
		return ERR_PTR(ret);
	}
	get_device(dev);

	ret = sysfs_create_group(&dev->kobj, &sd->ownership.group);
	if (ret) {
		shdev_leave_driver(sd);
		return ERR_PTR(ret);
	}
	ret = devm_add_action_or_reset(dev, shdev_unregister, sd);
	if (ret)
		return ERR_PTR(ret);
	return sd;
}
EXPORT_SYMBOL_GPL(devm_shdev_register);

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
	shdev_attr_init(&u->ownership, unit_ownership_show,
			unit_ownership_store);
	ret = sysfs_create_group(&desc->dev->kobj, &u->ownership.group);
	if (ret)
		goto undo;

	mutex_lock(&shdev_devices_lock);
	ret = shdev_unit_check_registered(u);
	if (!ret)
		list_add_tail(&u->node, &shdev_units);
	mutex_unlock(&shdev_devices_lock);
	if (!ret)
		return 0;
	sysfs_remove_group(&desc->dev->kobj, &u->ownership.group);
undo:
	if (u->receiving) {
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

	sysfs_remove_group(&desc->dev->kobj, &found->ownership.group);
	mutex_lock(&found->lock);
	for (m = 0; m < found->nr; m++)
		left += !!found->members[m];
	/* A unit its peer never offered lets its resources go. */
	if (found->receiving && !left) {
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

/**
 * shdev_debugfs_dir() - the shdev directory in debugfs
 *
 * Backends put their own files in a subdirectory named after them.
 *
 * Return: the directory's dentry (an error pointer without debugfs).
 */
struct dentry *shdev_debugfs_dir(void)
{
	return shdev_debugfs_root;
}
EXPORT_SYMBOL_GPL(shdev_debugfs_dir);

/**
 * shdev_backend_register() - make a backend available
 * @backend: the backend, with @name and @ops set
 *
 * Return: 0, -EINVAL for an invalid name or missing ops, -EEXIST when the
 * name is taken.
 */
int shdev_backend_register(struct shdev_backend *backend)
{
	struct shdev_backend *b;
	int ret = 0;

	if (!backend->name || !backend->ops || !backend->ops->release ||
	    !backend->ops->reclaim ||
	    !shdev_name_valid(backend->name, strlen(backend->name)))
		return -EINVAL;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(b, &shdev_backends, node)
		if (!strcmp(b->name, backend->name))
			ret = -EEXIST;
	if (!ret)
		list_add_tail(&backend->node, &shdev_backends);
	mutex_unlock(&shdev_peers_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_backend_register);

/**
 * shdev_backend_unregister() - remove a backend
 * @backend: a backend whose peers are all unregistered
 */
void shdev_backend_unregister(struct shdev_backend *backend)
{
	struct shdev_peer *peer;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(peer, &shdev_peers, node)
		WARN(peer->backend == backend, "shdev: peer %s still registered\n",
		     peer->name);
	list_del(&backend->node);
	mutex_unlock(&shdev_peers_lock);
}
EXPORT_SYMBOL_GPL(shdev_backend_unregister);

/**
 * shdev_peer_register() - make a peer available to take devices
 * @peer: the peer, with @name and @backend set; @backend registered
 *
 * Return: 0, -EINVAL for an invalid name or backend, -EEXIST when the
 * name is taken.
 */
int shdev_peer_register(struct shdev_peer *peer)
{
	struct shdev_backend *b;
	struct shdev_peer *p;
	bool known = false;
	int ret = 0;

	if (!peer->name || !shdev_name_valid(peer->name, strlen(peer->name)))
		return -EINVAL;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(b, &shdev_backends, node)
		known |= b == peer->backend;
	list_for_each_entry(p, &shdev_peers, node)
		if (!strcmp(p->name, peer->name) || p == peer)
			ret = -EEXIST;
	if (!known)
		ret = -EINVAL;
	if (!ret) {
		kref_init(&peer->ref);
		peer->registered = true;
		list_add_tail(&peer->node, &shdev_peers);
	}
	mutex_unlock(&shdev_peers_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_peer_register);

/*
 * Every registered device, referenced, so that walkers take each unit's
 * lock without holding the registry's.
 */
static struct shdev **shdev_get_all(unsigned int *nr)
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

static void shdev_put_all(struct shdev **all, unsigned int n)
{
	while (n--)
		shdev_put(all[n]);
	kfree(all);
}

/**
 * shdev_peer_walk() - walk the devices a peer holds
 * @peer: the peer
 * @fn: called for each device @peer holds (its unit releasing, remote,
 *	reclaiming or lost), with the unit locked: it must not start a
 *	transfer
 * @data: passed to @fn
 *
 * Lets a backend know exactly what a peer has, for instance before it
 * tears the peer down.
 *
 * Context: process context.
 * Return: 0, or the first non-zero value @fn returned, which stops the walk.
 */
int shdev_peer_walk(struct shdev_peer *peer, shdev_device_fn fn, void *data)
{
	struct shdev **all;
	unsigned int i, n;
	int ret = 0;

	all = shdev_get_all(&n);
	if (IS_ERR(all))
		return PTR_ERR(all);
	for (i = 0; i < n; i++) {
		struct shdev_unit *u = all[i]->unit;

		mutex_lock(&u->lock);
		if (!ret && u->peer == peer && !list_empty(&all[i]->node))
			ret = fn(all[i], data);
		mutex_unlock(&u->lock);
	}
	shdev_put_all(all, n);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_peer_walk);

/* debugfs "holdings": which peer holds which device, one per line. */
static int shdev_holdings_show(struct seq_file *s, void *unused)
{
	struct shdev_peer *peer;
	struct shdev *sd;

	mutex_lock(&shdev_devices_lock);
	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(peer, &shdev_peers, node) {
		unsigned int n = 0;

		list_for_each_entry(sd, &shdev_devices, node) {
			struct shdev_unit *u = sd->unit;

			if (READ_ONCE(u->peer) != peer)
				continue;
			seq_printf(s, "%s %s %s %s\n", peer->name,
				   peer->backend->name, dev_name(&sd->pdev->dev),
				   shdev_state_name(READ_ONCE(u->state)));
			n++;
		}
		if (!n)
			seq_printf(s, "%s %s -\n", peer->name, peer->backend->name);
	}
	mutex_unlock(&shdev_peers_lock);
	mutex_unlock(&shdev_devices_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shdev_holdings);

/**
 * shdev_peer_died() - a peer is gone; take back what it held
 * @peer: the peer
 *
 * Reclaims every unit @peer holds, each member sanitized before its driver
 * resumes.  Units whose reclaim fails stay %SHDEV_LOST.  The peer stays
 * registered and may take devices again (a restarted VM).
 *
 * Context: process context; returns when every reclaim has run.
 * Return: the number of devices @peer still holds (whose reclaim failed).
 */
unsigned int shdev_peer_died(struct shdev_peer *peer)
{
	struct shdev **all;
	unsigned int i, n, held = 0;

	all = shdev_get_all(&n);
	if (IS_ERR(all))
		return UINT_MAX;
	for (i = 0; i < n; i++) {
		struct shdev *sd = all[i];
		struct shdev_unit *u = sd->unit;

		mutex_lock(&u->lock);
		if (u->state != SHDEV_LOCAL && u->peer == peer) {
			dev_warn(&sd->pdev->dev, "peer %s died; reclaiming\n",
				 peer->name);
			/* Sanitize only if the peer had the devices. */
			if (u->done == shdev_slots(u))
				shdev_taint(u);
			__shdev_reclaim(u);
		}
		held += u->state != SHDEV_LOCAL && u->peer == peer;
		mutex_unlock(&u->lock);
	}
	shdev_put_all(all, n);
	return held;
}
EXPORT_SYMBOL_GPL(shdev_peer_died);

/**
 * shdev_peer_unregister() - remove a peer
 * @peer: the peer
 *
 * The peer can no longer be found nor given a device, and what it holds
 * is reclaimed as after its death.  A unit whose reclaim fails stays
 * %SHDEV_LOST and keeps the peer, and its backend's module, until a later
 * reclaim succeeds; &shdev_peer.release frees the peer after that.
 *
 * Context: process context.
 */
void shdev_peer_unregister(struct shdev_peer *peer)
{
	unsigned int held;

	mutex_lock(&shdev_peers_lock);
	list_del(&peer->node);
	peer->registered = false;
	mutex_unlock(&shdev_peers_lock);

	held = shdev_peer_died(peer);
	if (held)
		pr_warn("peer %s unregistered while it holds %u device(s): lost until reclaimed\n",
			peer->name, held);
	kref_put(&peer->ref, shdev_peer_release_ref);
}
EXPORT_SYMBOL_GPL(shdev_peer_unregister);

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

#if IS_ENABLED(CONFIG_KUNIT)
void shdev_get_stats(struct shdev *sd, struct shdev_stats *stats)
{
	mutex_lock(&sd->unit->lock);
	*stats = sd->unit->stats;
	mutex_unlock(&sd->unit->lock);
}
EXPORT_SYMBOL_IF_KUNIT(shdev_get_stats);

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

static struct notifier_block shdev_bus_nb = {
	.notifier_call = shdev_bus_notify,
};

static struct notifier_block shdev_reboot_nb = {
	.notifier_call = shdev_reboot_notify,
};

static int __init shdev_init(void)
{
	int ret;

	shdev_debugfs_root = debugfs_create_dir("shdev", NULL);
	debugfs_create_file("holdings", 0444, shdev_debugfs_root, NULL,
			    &shdev_holdings_fops);
	ret = bus_register_notifier(&platform_bus_type, &shdev_bus_nb);
	if (ret)
		return ret;
	ret = register_reboot_notifier(&shdev_reboot_nb);
	if (ret)
		goto bus;
	ret = register_pm_notifier(&shdev_pm_nb);
	if (ret)
		goto reboot;
	return 0;

reboot:
	unregister_reboot_notifier(&shdev_reboot_nb);
bus:
	bus_unregister_notifier(&platform_bus_type, &shdev_bus_nb);
	return ret;
}
core_initcall(shdev_init);
