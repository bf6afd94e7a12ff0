// SPDX-License-Identifier: GPL-2.0
/*
 * shdev transfer engine: the step table, release, reclaim and rollback.
 *
 * A transfer is an ordered list of paired steps (shdev_steps[]), each run
 * once for the unit or once per member, in member order.  A release runs
 * the forward halves in order; a failure runs the backward half of every
 * slot already done, in reverse, and leaves the unit local.  A reclaim
 * runs the backward halves in reverse.  u->done counts the slots whose
 * forward half is in effect, so a failed reclaim (state %SHDEV_LOST) is
 * retried from exactly where it stopped.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <trace/events/shdev.h>

#include "shdev-internal.h"

/*
 * The steps of a transfer.  Forward halves release, backward halves
 * reclaim; backward halves also undo a failed release.  Steps of the whole
 * unit get a NULL member.
 */

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
int shdev_backend_ret(struct shdev *sd, struct shdev_peer *peer,
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
	/*
	 * Lines of devices that are not members leave before any member is
	 * touched: a touch controller's handler, which talks over a member
	 * bus, does not run once the bus begins to freeze.
	 */
	{ "lines",	true,  false, shdev_lines_take,	  shdev_lines_give },
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

#define SHDEV_STEP_CONSUMERS	4	/* index of "consumers" */

/* Slots of a transfer of @u: one per unit step, one per member step. */
unsigned int shdev_slots(const struct shdev_unit *u)
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

/* Whether @sd's consumers are frozen, or freezing, in a transfer of @u. */
bool shdev_consumers_frozen(const struct shdev_unit *u, const struct shdev *sd)
{
	return u->done > shdev_slot_of(u, SHDEV_STEP_CONSUMERS, sd->index);
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
void shdev_notify(struct shdev_unit *u)
{
	unsigned int m;

	if (u->desc)
		shdev_notify_dev(u, u->dev);
	for (m = 0; m < u->nr; m++)
		if (u->members[m] && !u->members[m]->orphan)
			shdev_notify_dev(u, &u->members[m]->pdev->dev);
}

void shdev_set_state(struct shdev_unit *u, enum shdev_state state)
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

/* Reclaim with the unit's lock held. */
int __shdev_reclaim(struct shdev_unit *u)
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
int __shdev_release(struct shdev_unit *u, struct shdev_peer *peer)
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

/*
 * The transfers behind the ``ownership`` attribute, for the KUnit suites
 * and the benchmark.  In-kernel policy would call them too; they are
 * exported when it comes.
 */
#if IS_ENABLED(CONFIG_KUNIT)
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
 * does.
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
EXPORT_SYMBOL_IF_KUNIT(shdev_release);

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
EXPORT_SYMBOL_IF_KUNIT(shdev_reclaim);
#endif
