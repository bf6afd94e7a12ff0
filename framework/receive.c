// SPDX-License-Identifier: GPL-2.0
/*
 * shdev receiving side: a unit that a peer owns at boot is taken when the
 * peer offers every member with the resources they are described with,
 * and, where the unit requires it, with valid evidence.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/ioport.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/string.h>

#include "shdev-internal.h"

void shdev_taint(struct shdev_unit *u)
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
int shdev_receiving_ready(struct shdev_unit *u)
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
EXPORT_SYMBOL_NS_GPL(shdev_grant, SHDEV);
