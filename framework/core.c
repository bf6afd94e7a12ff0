// SPDX-License-Identifier: GPL-2.0
/*
 * shdev core: ownership state machine, hardware gate, sysfs attribute,
 * power and system-sleep interlocks, peer and backend registry.
 *
 * A transfer is an ordered list of paired steps (shdev_steps[]).  A release
 * runs the forward half of each step in order; a failure runs the backward
 * half of every step already done, in reverse, and leaves the device local.
 * A reclaim runs the backward halves in reverse.  sd->done counts the steps
 * whose forward half is in effect, so a failed reclaim (state
 * %SHDEV_LOST) is retried from exactly where it stopped.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <kunit/visibility.h>

#define CREATE_TRACE_POINTS
#include <trace/events/shdev.h>

#include "shdev-internal.h"

struct shdev {
	struct platform_device *pdev;
	const struct shdev_ops *ops;
	void *priv;

	/* The gate: readers in shdev_enter(), closed by the transfer. */
	struct srcu_struct srcu;
	bool away;

	/* What ownership_show() reports; written under both locks. */
	spinlock_t state_lock;
	enum shdev_state state;		/* also read with READ_ONCE() */
	char owner[SHDEV_NAME_MAX + 1];	/* the peer's name while away */

	/* Serializes transfers; protects every field below. */
	struct mutex lock;
	struct shdev_peer *peer;	/* holder, unless done == 0 */
	unsigned int done;		/* steps whose forward half holds */
	bool left;			/* the peer has had the resources */
	bool tainted;			/* sanitize before the next resume */
	bool orphan;			/* driver gone, peer still holds it */
	struct list_head consumers;	/* stacked devices, bottom first */
	struct shdev_stats stats;

	struct device_attribute attr;
	struct attribute *attrs[2];
	struct attribute_group group;
	struct dentry *debugfs;
	struct list_head node;		/* in shdev_devices */
};

/* Lock order: shdev_devices_lock, sd->lock, shdev_peers_lock. */
static DEFINE_MUTEX(shdev_devices_lock);
static LIST_HEAD(shdev_devices);
static DEFINE_MUTEX(shdev_peers_lock);
static LIST_HEAD(shdev_peers);
static LIST_HEAD(shdev_backends);

/* Devices not local, and whether system sleep is under way. */
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
};

/**
 * shdev_state_name() - name of an ownership state
 * @state: the state
 *
 * Return: "local", "releasing", "remote", "reclaiming" or "lost".
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
 * The value may change as soon as it is read; use shdev_enter() to keep
 * the device local for the duration of a hardware access.
 *
 * Return: the state.
 */
enum shdev_state shdev_get_state(const struct shdev *sd)
{
	return READ_ONCE(sd->state);
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
	*idx = srcu_read_lock(&sd->srcu);
	if (READ_ONCE(sd->away)) {
		srcu_read_unlock(&sd->srcu, *idx);
		return false;
	}
	/*
	 * Sparse cannot follow a section opened on one condition across
	 * functions; lockdep, through the SRCU read lock, checks the pairing.
	 */
	__release(&sd->srcu);
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
	__acquire(&sd->srcu);
	srcu_read_unlock(&sd->srcu, idx);
}
EXPORT_SYMBOL_GPL(shdev_exit);

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

/* The steps of a transfer.  Forward halves release, backward halves
 * reclaim; backward halves also undo a failed release.
 */

static int shdev_sleep_block(struct shdev *sd)
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

static int shdev_sleep_unblock(struct shdev *sd)
{
	mutex_lock(&shdev_sleep_lock);
	shdev_nr_away--;
	mutex_unlock(&shdev_sleep_lock);
	return 0;
}

static int shdev_pin(struct shdev *sd)
{
	return try_module_get(sd->peer->backend->owner) ? 0 : -ENODEV;
}

static int shdev_unpin(struct shdev *sd)
{
	module_put(sd->peer->backend->owner);
	return 0;
}

/* Stacked devices stop reaching the device, the topmost first. */
static int shdev_freeze(struct shdev *sd)
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

static int shdev_thaw(struct shdev *sd)
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
static int shdev_power_get(struct shdev *sd)
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

static int shdev_power_put(struct shdev *sd)
{
	pm_runtime_put(&sd->pdev->dev);
	return 0;
}

static int shdev_gate_close(struct shdev *sd)
{
	WRITE_ONCE(sd->away, true);
	synchronize_srcu(&sd->srcu);
	return 0;
}

static int shdev_gate_open(struct shdev *sd)
{
	WRITE_ONCE(sd->away, false);
	return 0;
}

static int shdev_quiesce(struct shdev *sd)
{
	return sd->ops->quiesce(sd);
}

static int shdev_resume(struct shdev *sd)
{
	return sd->orphan ? 0 : sd->ops->resume(sd);
}

/* Nothing of Linux's may reach an untrusted peer. */
static int shdev_sanitize_out(struct shdev *sd)
{
	return sd->peer->untrusted ? sd->ops->sanitize(sd) : 0;
}

/* Nothing of the peer's may reach Linux after it died or if untrusted. */
static int shdev_sanitize_in(struct shdev *sd)
{
	int ret;

	if (!sd->tainted || sd->orphan || !sd->ops->sanitize)
		return 0;
	ret = sd->ops->sanitize(sd);
	if (!ret)
		sd->tainted = false;
	return ret;
}

static int shdev_validate(struct shdev *sd)
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

static int shdev_backend_release(struct shdev *sd)
{
	struct shdev_peer *peer = sd->peer;
	int ret;

	ret = peer->backend->ops->release(peer, sd);
	if (ret)
		return ret;
	sd->left = true;
	sd->tainted = peer->untrusted;
	return 0;
}

static int shdev_backend_reclaim(struct shdev *sd)
{
	struct shdev_peer *peer = sd->peer;

	return peer->backend->ops->reclaim(peer, sd);
}

struct shdev_step {
	const char *name;
	int (*release)(struct shdev *sd);
	int (*reclaim)(struct shdev *sd);
};

static const struct shdev_step shdev_steps[] = {
	{ "sleep",	shdev_sleep_block,	shdev_sleep_unblock },
	{ "pin",	shdev_pin,		shdev_unpin },
	{ "consumers",	shdev_freeze,		shdev_thaw },
	{ "power",	shdev_power_get,	shdev_power_put },
	{ "gate",	shdev_gate_close,	shdev_gate_open },
	{ "quiesce",	shdev_quiesce,		shdev_resume },
	{ "sanitize",	shdev_sanitize_out,	shdev_sanitize_in },
	{ "validate",	NULL,			shdev_validate },
	{ "backend",	shdev_backend_release,	shdev_backend_reclaim },
};

#define SHDEV_NR_STEPS	ARRAY_SIZE(shdev_steps)
#define SHDEV_STEP_CONSUMERS	2	/* index of "consumers" */

static int shdev_run_step(struct shdev *sd, const struct shdev_step *step,
			  bool reclaim)
{
	int (*fn)(struct shdev *sd) = reclaim ? step->reclaim : step->release;
	ktime_t start = ktime_get();
	int ret;

	if (!fn)
		return 0;
	ret = fn(sd);
	trace_shdev_step(&sd->pdev->dev, step->name,
			 reclaim ? "reclaim" : "release", ret,
			 ktime_to_ns(ktime_sub(ktime_get(), start)));
	return ret;
}

/* Run backward halves from sd->done down to 0; stop at the first error. */
static int shdev_unwind(struct shdev *sd)
{
	int ret;

	while (sd->done) {
		const struct shdev_step *step = &shdev_steps[sd->done - 1];

		ret = shdev_run_step(sd, step, true);
		if (ret) {
			dev_err(&sd->pdev->dev, "reclaim step %s failed: %d\n",
				step->name, ret);
			return ret;
		}
		sd->done--;
	}
	return 0;
}

static void shdev_notify(struct shdev *sd)
{
	struct device *dev = &sd->pdev->dev;
	char owner[sizeof("SHDEV_OWNER=") + SHDEV_NAME_MAX];
	char state[32];
	char *envp[3];

	snprintf(owner, sizeof(owner), "SHDEV_OWNER=%s",
		 sd->state == SHDEV_LOCAL ? "local" : sd->peer->name);
	snprintf(state, sizeof(state), "SHDEV_STATE=%s",
		 shdev_state_name(sd->state));
	envp[0] = owner;
	envp[1] = state;
	envp[2] = NULL;
	if (!sd->orphan)
		sysfs_notify(&dev->kobj, NULL, "ownership");
	kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, envp);
}

static void shdev_set_state(struct shdev *sd, enum shdev_state state)
{
	if (state == SHDEV_LOCAL)
		sd->peer = NULL;
	spin_lock(&sd->state_lock);
	WRITE_ONCE(sd->state, state);
	strscpy(sd->owner, sd->peer ? sd->peer->name : "");
	spin_unlock(&sd->state_lock);
}

static void shdev_account(struct shdev *sd, const char *op, int ret,
			  ktime_t start, u64 *counter)
{
	u64 ns = ktime_to_ns(ktime_sub(ktime_get(), start));

	if (ret) {
		sd->stats.failures++;
	} else {
		(*counter)++;
		sd->stats.last_ns = ns;
		sd->stats.worst_ns = max(sd->stats.worst_ns, ns);
	}
	trace_shdev_transfer_end(&sd->pdev->dev, op, ret,
				 shdev_state_name(sd->state), ns);
}

static bool shdev_peer_registered(struct shdev_peer *peer)
{
	struct shdev_peer *p;
	bool found = false;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(p, &shdev_peers, node)
		found |= p == peer;
	mutex_unlock(&shdev_peers_lock);
	return found;
}

/* Reclaim with sd->lock held. */
static int __shdev_reclaim(struct shdev *sd)
{
	ktime_t start = ktime_get();
	int ret;

	if (sd->state == SHDEV_LOCAL)
		return 0;
	trace_shdev_transfer_start(&sd->pdev->dev, "reclaim", sd->peer->name);
	shdev_set_state(sd, SHDEV_RECLAIMING);
	ret = shdev_unwind(sd);
	shdev_set_state(sd, ret ? SHDEV_LOST : SHDEV_LOCAL);
	shdev_account(sd, "reclaim", ret, start, &sd->stats.reclaims);
	shdev_notify(sd);
	return ret;
}

/* Release with sd->lock held. */
static int __shdev_release(struct shdev *sd, struct shdev_peer *peer)
{
	struct device *dev = &sd->pdev->dev;
	ktime_t start = ktime_get();
	int ret = 0;

	if (sd->state != SHDEV_LOCAL)
		return sd->state == SHDEV_REMOTE && sd->peer == peer ? 0 : -EBUSY;
	if (!shdev_peer_registered(peer))
		return -EINVAL;
	if (peer->untrusted && !sd->ops->sanitize) {
		dev_err(dev, "no sanitize callback: cannot go to untrusted peer %s\n",
			peer->name);
		return -EPERM;
	}

	trace_shdev_transfer_start(dev, "release", peer->name);
	sd->peer = peer;
	shdev_set_state(sd, SHDEV_RELEASING);
	while (sd->done < SHDEV_NR_STEPS) {
		const struct shdev_step *step = &shdev_steps[sd->done];

		ret = shdev_run_step(sd, step, false);
		if (ret) {
			dev_err(dev, "release to %s failed at %s: %d\n",
				peer->name, step->name, ret);
			break;
		}
		sd->done++;
	}

	if (ret) {
		/* Undo; if that fails too the device is lost, not local. */
		shdev_set_state(sd, shdev_unwind(sd) ? SHDEV_LOST : SHDEV_LOCAL);
	} else {
		shdev_set_state(sd, SHDEV_REMOTE);
	}
	shdev_account(sd, "release", ret, start, &sd->stats.releases);
	if (!ret || sd->state == SHDEV_LOST)
		shdev_notify(sd);
	return ret;
}

/**
 * shdev_release() - give a device to a peer
 * @sd: the shared device
 * @peer: a registered peer
 *
 * Runs the whole release: closes the gate, waits for sections in flight,
 * quiesces the driver and has the backend hand the resources over.  On
 * failure every step done is undone in reverse and the device is local
 * again.  This is what a write of a peer's name to ``ownership`` does; it
 * is exported for in-kernel policy.
 *
 * Context: process context; may sleep for the whole transfer.
 * Return: 0 when the peer holds the device (also when it already did),
 * -EBUSY when another transfer is in flight, the device is held by another
 * peer or lost, or system sleep is under way, -EINVAL for an unregistered
 * peer, -EPERM for an untrusted peer and a device without sanitize, or the
 * error of the step that failed.
 */
int shdev_release(struct shdev *sd, struct shdev_peer *peer)
{
	int ret;

	if (!mutex_trylock(&sd->lock))
		return -EBUSY;
	ret = __shdev_release(sd, peer);
	mutex_unlock(&sd->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_release);

/**
 * shdev_reclaim() - take a device back from its peer
 * @sd: the shared device
 *
 * Runs the whole reclaim: the backend takes the resources back, the driver
 * validates, sanitizes (after a peer's death, or from an untrusted peer)
 * and resumes, and the gate opens.  A failure leaves the device
 * %SHDEV_LOST with the gate closed; calling this again retries from the
 * step that failed.
 *
 * Context: process context; may sleep for the whole transfer.
 * Return: 0 when the device is local (also when it already was), -EBUSY
 * when another transfer is in flight, or the error of the step that failed.
 */
int shdev_reclaim(struct shdev *sd)
{
	int ret;

	if (!mutex_trylock(&sd->lock))
		return -EBUSY;
	ret = __shdev_reclaim(sd);
	mutex_unlock(&sd->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_reclaim);

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

static struct shdev_peer *shdev_peer_lookup(const char *name, size_t len)
{
	struct shdev_peer *peer, *found = NULL;

	if (!shdev_name_valid(name, len))
		return NULL;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(peer, &shdev_peers, node) {
		if (strlen(peer->name) == len && !memcmp(peer->name, name, len)) {
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
 * Return: the peer, valid until it is unregistered, or NULL.
 */
struct shdev_peer *shdev_peer_find(const char *name)
{
	return shdev_peer_lookup(name, strlen(name));
}
EXPORT_SYMBOL_GPL(shdev_peer_find);

/* With sd->lock held: a consumer joining a device away starts frozen. */
static int __shdev_consumer_add(struct shdev *sd, struct shdev_consumer *c)
{
	int ret;

	c->frozen = false;
	if (sd->done > SHDEV_STEP_CONSUMERS) {
		ret = c->ops->freeze(c);
		if (ret)
			return ret;
		c->frozen = true;
	}
	list_add_tail(&c->node, &sd->consumers);
	return 0;
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
 * Context: process context; waits for a transfer in flight.
 * Return: 0, or the error of @c's freeze.
 */
int shdev_consumer_add(struct shdev *sd, struct shdev_consumer *c)
{
	int ret;

	mutex_lock(&sd->lock);
	ret = __shdev_consumer_add(sd, c);
	mutex_unlock(&sd->lock);
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
 * Context: process context; waits for a transfer in flight.
 */
void shdev_consumer_del(struct shdev *sd, struct shdev_consumer *c)
{
	mutex_lock(&sd->lock);
	list_del(&c->node);
	c->ops->detach(c);
	mutex_unlock(&sd->lock);
}
EXPORT_SYMBOL_GPL(shdev_consumer_del);

/* The registered shared device at or above @dev, with the list locked. */
static struct shdev *shdev_above(struct device *dev)
{
	struct shdev *sd;

	lockdep_assert_held(&shdev_devices_lock);
	for (; dev; dev = dev->parent)
		list_for_each_entry(sd, &shdev_devices, node)
			if (&sd->pdev->dev == dev && !sd->orphan)
				return sd;
	return NULL;
}

/**
 * shdev_consumer_add_below() - stack a device on the shared device above it
 * @c: the consumer, with @ops and @dev set
 *
 * Like shdev_consumer_add() for the nearest shared device among @c->dev's
 * ancestors.  Consumer kinds use it to attach stacked devices on the
 * driver's behalf (every input device below a shared device, say).
 *
 * Context: process context.
 * Return: 0, -ENODEV when no ancestor is a shared device, or the error of
 * @c's freeze.
 */
int shdev_consumer_add_below(struct shdev_consumer *c)
{
	struct shdev *sd;
	int ret = -ENODEV;

	mutex_lock(&shdev_devices_lock);
	sd = shdev_above(c->dev->parent);
	if (sd) {
		mutex_lock(&sd->lock);
		ret = __shdev_consumer_add(sd, c);
		mutex_unlock(&sd->lock);
	}
	mutex_unlock(&shdev_devices_lock);
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
 * Context: process context; waits for a transfer in flight.
 */
void shdev_consumer_remove(struct device *dev)
{
	struct shdev_consumer *c, *tmp;
	struct shdev *sd;

	mutex_lock(&shdev_devices_lock);
	list_for_each_entry(sd, &shdev_devices, node) {
		mutex_lock(&sd->lock);
		list_for_each_entry_safe(c, tmp, &sd->consumers, node) {
			if (c->dev != dev)
				continue;
			list_del(&c->node);
			c->ops->detach(c);
		}
		mutex_unlock(&sd->lock);
	}
	mutex_unlock(&shdev_devices_lock);
}
EXPORT_SYMBOL_GPL(shdev_consumer_remove);

static void shdev_consumers_detach(struct shdev *sd)
{
	struct shdev_consumer *c, *tmp;

	list_for_each_entry_safe(c, tmp, &sd->consumers, node) {
		list_del(&c->node);
		c->ops->detach(c);
	}
}

static ssize_t ownership_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct shdev *sd = container_of(attr, struct shdev, attr);
	ssize_t len;

	/* Never waits for a transfer: it shows releasing and reclaiming. */
	spin_lock(&sd->state_lock);
	if (sd->state == SHDEV_REMOTE)
		len = sysfs_emit(buf, "%s\n", sd->owner);
	else
		len = sysfs_emit(buf, "%s\n", shdev_state_name(sd->state));
	spin_unlock(&sd->state_lock);
	return len;
}

static ssize_t ownership_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct shdev *sd = container_of(attr, struct shdev, attr);
	struct shdev_peer *peer;
	size_t len = count;
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

	if (!mutex_trylock(&sd->lock))
		return -EBUSY;
	/*
	 * Exclude driver unbind, which removes this attribute and so waits
	 * for us while holding the device lock: trylock and let the write be
	 * restarted, as the "online" attribute does.
	 */
	if (!device_trylock(dev)) {
		mutex_unlock(&sd->lock);
		usleep_range(1000, 5000);
		return restart_syscall();
	}

	if (!dev->driver)
		ret = -ENODEV;
	else if (peer)
		ret = __shdev_release(sd, peer);
	else
		ret = __shdev_reclaim(sd);

	device_unlock(dev);
	mutex_unlock(&sd->lock);
	return ret ? ret : count;
}

static int shdev_stats_show(struct seq_file *s, void *unused)
{
	struct shdev *sd = s->private;

	mutex_lock(&sd->lock);
	seq_printf(s, "state: %s\n", shdev_state_name(sd->state));
	seq_printf(s, "owner: %s\n", sd->peer ? sd->peer->name : "local");
	seq_printf(s, "releases: %llu\n", sd->stats.releases);
	seq_printf(s, "reclaims: %llu\n", sd->stats.reclaims);
	seq_printf(s, "failures: %llu\n", sd->stats.failures);
	seq_printf(s, "last_ns: %llu\n", sd->stats.last_ns);
	seq_printf(s, "worst_ns: %llu\n", sd->stats.worst_ns);
	mutex_unlock(&sd->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shdev_stats);

static void shdev_free(struct shdev *sd)
{
	debugfs_remove_recursive(sd->debugfs);
	cleanup_srcu_struct(&sd->srcu);
	mutex_destroy(&sd->lock);
	put_device(&sd->pdev->dev);
	kfree(sd);
}

static void shdev_unregister(void *data)
{
	struct shdev *sd = data;
	struct device *dev = &sd->pdev->dev;
	int ret;

	sysfs_remove_group(&dev->kobj, &sd->group);

	mutex_lock(&sd->lock);
	ret = __shdev_reclaim(sd);
	if (ret) {
		/*
		 * The driver is going: finish without its callbacks.  That
		 * only fails if the backend could not take the device back.
		 */
		sd->orphan = true;
		ret = __shdev_reclaim(sd);
	}
	/* The stacked devices are going too; a frozen one stays silent. */
	shdev_consumers_detach(sd);
	if (ret) {
		/*
		 * The peer keeps the device and Linux must not believe
		 * otherwise: keep power and the record, so that the peer's
		 * death or a later unregistration of the peer takes it back.
		 */
		dev_crit(dev, "driver unbound while peer %s holds the device: %d; keeping it with the peer\n",
			 sd->peer->name, ret);
	}
	mutex_unlock(&sd->lock);
	if (ret)
		return;

	mutex_lock(&shdev_devices_lock);
	list_del(&sd->node);
	mutex_unlock(&shdev_devices_lock);
	shdev_free(sd);
}

/**
 * devm_shdev_register() - make a platform device transferable
 * @pdev: the platform device, being probed by its driver
 * @ops: the driver's callbacks; @ops->quiesce and @ops->resume are required
 * @priv: driver data, returned by shdev_get_drvdata()
 *
 * Adds the ``ownership`` attribute and the device's debugfs statistics.
 * The device starts local.  When the driver unbinds, a device held by a
 * peer is reclaimed first.
 *
 * Context: process context, from the driver's probe.
 * Return: the shared device or an ERR_PTR(): -EINVAL for missing
 * callbacks, -EBUSY if the device is registered already or still held by
 * a peer since an earlier unbind, -ENOMEM.
 */
struct shdev *devm_shdev_register(struct platform_device *pdev,
				  const struct shdev_ops *ops, void *priv)
{
	struct device *dev = &pdev->dev;
	struct shdev *sd, *other;
	int ret;

	if (!ops || !ops->quiesce || !ops->resume)
		return ERR_PTR(-EINVAL);

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return ERR_PTR(-ENOMEM);

	ret = init_srcu_struct(&sd->srcu);
	if (ret) {
		kfree(sd);
		return ERR_PTR(ret);
	}
	mutex_init(&sd->lock);
	spin_lock_init(&sd->state_lock);
	INIT_LIST_HEAD(&sd->consumers);
	sd->pdev = pdev;
	sd->ops = ops;
	sd->priv = priv;
	get_device(dev);

	sysfs_attr_init(&sd->attr.attr);
	sd->attr.attr.name = "ownership";
	sd->attr.attr.mode = 0644;
	sd->attr.show = ownership_show;
	sd->attr.store = ownership_store;
	sd->attrs[0] = &sd->attr.attr;
	sd->group.attrs = sd->attrs;

	mutex_lock(&shdev_devices_lock);
	list_for_each_entry(other, &shdev_devices, node) {
		if (&other->pdev->dev != dev)
			continue;
		if (other->orphan)
			dev_err(dev, "peer %s still holds the device\n",
				other->peer->name);
		mutex_unlock(&shdev_devices_lock);
		shdev_free(sd);
		return ERR_PTR(-EBUSY);
	}
	list_add_tail(&sd->node, &shdev_devices);
	mutex_unlock(&shdev_devices_lock);

	sd->debugfs = debugfs_create_dir(dev_name(dev), shdev_debugfs_root);
	debugfs_create_file("stats", 0444, sd->debugfs, sd, &shdev_stats_fops);

	ret = sysfs_create_group(&dev->kobj, &sd->group);
	if (!ret)
		ret = devm_add_action(dev, shdev_unregister, sd);
	if (ret) {
		sysfs_remove_group(&dev->kobj, &sd->group);
		mutex_lock(&shdev_devices_lock);
		list_del(&sd->node);
		mutex_unlock(&shdev_devices_lock);
		shdev_free(sd);
		return ERR_PTR(ret);
	}
	return sd;
}
EXPORT_SYMBOL_GPL(devm_shdev_register);

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
		if (!strcmp(p->name, peer->name))
			ret = -EEXIST;
	if (!known)
		ret = -EINVAL;
	if (!ret)
		list_add_tail(&peer->node, &shdev_peers);
	mutex_unlock(&shdev_peers_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(shdev_peer_register);

/**
 * shdev_peer_died() - a peer is gone; take back what it held
 * @peer: the peer
 *
 * Reclaims every device @peer holds, each sanitized before its driver
 * resumes.  Devices whose reclaim fails stay %SHDEV_LOST.  The peer stays
 * registered and may take devices again (a restarted VM).
 *
 * Context: process context; returns when every reclaim has run.
 * Return: the number of devices @peer still holds (whose reclaim failed).
 */
unsigned int shdev_peer_died(struct shdev_peer *peer)
{
	struct shdev *sd, *tmp;
	unsigned int held = 0;

	mutex_lock(&shdev_devices_lock);
	list_for_each_entry_safe(sd, tmp, &shdev_devices, node) {
		bool freed;

		mutex_lock(&sd->lock);
		if (sd->state != SHDEV_LOCAL && sd->peer == peer) {
			dev_warn(&sd->pdev->dev, "peer %s died; reclaiming\n",
				 peer->name);
			/* Sanitize only if the peer had the device. */
			if (sd->done == SHDEV_NR_STEPS)
				sd->tainted = true;
			__shdev_reclaim(sd);
		}
		held += sd->state != SHDEV_LOCAL && sd->peer == peer;
		freed = sd->orphan && sd->state == SHDEV_LOCAL;
		mutex_unlock(&sd->lock);
		if (freed) {
			list_del(&sd->node);
			shdev_free(sd);
		}
	}
	mutex_unlock(&shdev_devices_lock);
	return held;
}
EXPORT_SYMBOL_GPL(shdev_peer_died);

/**
 * shdev_peer_unregister() - remove a peer
 * @peer: the peer
 *
 * Devices @peer holds are reclaimed as after its death.  If that fails for
 * one of them the peer stays registered, since it still holds a device,
 * and may be unregistered again later.
 *
 * Context: process context.
 * Return: 0 when the peer is gone, -EBUSY when it still holds a device.
 */
int shdev_peer_unregister(struct shdev_peer *peer)
{
	mutex_lock(&shdev_peers_lock);
	list_del(&peer->node);
	mutex_unlock(&shdev_peers_lock);
	if (!shdev_peer_died(peer))
		return 0;

	mutex_lock(&shdev_peers_lock);
	list_add_tail(&peer->node, &shdev_peers);
	mutex_unlock(&shdev_peers_lock);
	return -EBUSY;
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
	mutex_lock(&sd->lock);
	*stats = sd->stats;
	mutex_unlock(&sd->lock);
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

static struct notifier_block shdev_pm_nb = {
	.notifier_call = shdev_pm_notify,
};

static int __init shdev_init(void)
{
	shdev_debugfs_root = debugfs_create_dir("shdev", NULL);
	return register_pm_notifier(&shdev_pm_nb);
}
core_initcall(shdev_init);
