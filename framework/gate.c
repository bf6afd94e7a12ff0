// SPDX-License-Identifier: GPL-2.0
/*
 * shdev gate: shdev_enter() and shdev_exit(), the reversible cousin of
 * drm_dev_enter(), and the device's interrupts, which the core disables
 * while the device is away.
 *
 * Every gate shares one SRCU, as every DRM device shares drm_unplug_srcu:
 * a unit closes each member's gate, then waits for one grace period.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/srcu.h>

#include "shdev-internal.h"

/* One SRCU domain for every gate, as DRM has for drm_dev_enter(). */
DEFINE_STATIC_SRCU(shdev_srcu);

/**
 * __shdev_enter() - enter a section that may touch the hardware
 * @sd: the shared device
 * @idx: cookie to hand to shdev_exit()
 *
 * Drivers call shdev_enter(), which tells sparse that a section is open
 * when it returns true; see there.
 *
 * Return: true if the device is local and the section entered.
 */
bool __shdev_enter(struct shdev *sd, int *idx)
{
	*idx = srcu_read_lock(&shdev_srcu);
	/* Pairs with smp_store_release() in shdev_gate_set(). */
	if (smp_load_acquire(&sd->away)) {
		srcu_read_unlock(&shdev_srcu, *idx);
		atomic64_inc(&sd->unit->refused);
		return false;
	}
	/* The caller's context is raised by shdev_enter()'s __cond_lock(). */
	__release(shdev_srcu);
	return true;
}
EXPORT_SYMBOL_NS_GPL(__shdev_enter, SHDEV);

/**
 * shdev_exit() - leave a section entered with shdev_enter()
 * @sd: the shared device
 * @idx: the cookie shdev_enter() returned
 */
void shdev_exit(struct shdev *sd, int idx) __releases(shdev_gate)
{
	srcu_read_unlock(&shdev_srcu, idx);
}
EXPORT_SYMBOL_NS_GPL(shdev_exit, SHDEV);

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
EXPORT_SYMBOL_NS_GPL(shdev_add_irq, SHDEV);

/**
 * shdev_add_resource() - name a resource of the device that is not its own
 * @sd: the shared device
 * @res: an MMIO range (%IORESOURCE_MEM), an I/O port range
 *	(%IORESOURCE_IO) or an interrupt (%IORESOURCE_IRQ, Linux's number)
 *
 * A transfer hands the peer the platform device's resources, its
 * interrupts from firmware, and what the driver adds here: a legacy
 * controller at fixed ports and interrupts (i8042) has no resources of
 * its own.  An interrupt is added as with shdev_add_irq(); a range is
 * copied, and adding the same range twice adds it once.
 *
 * Context: process context, from the driver's probe.
 * Return: 0, -EINVAL for an empty range or another type, -ENOSPC past
 * %SHDEV_RANGES_MAX ranges or %SHDEV_IRQS_MAX interrupts.
 */
int shdev_add_resource(struct shdev *sd, const struct resource *res)
{
	unsigned long type = resource_type(res);
	unsigned int i;
	int ret = 0;

	if (type == IORESOURCE_IRQ)
		return res->start > 0 && res->start <= UINT_MAX ?
			shdev_add_irq(sd, res->start) : -EINVAL;
	if ((type != IORESOURCE_MEM && type != IORESOURCE_IO) ||
	    res->end < res->start)
		return -EINVAL;
	mutex_lock(&sd->unit->lock);
	for (i = 0; i < sd->nr_ranges; i++)
		if (resource_type(&sd->ranges[i]) == type &&
		    sd->ranges[i].start == res->start &&
		    sd->ranges[i].end == res->end)
			goto unlock;
	if (sd->nr_ranges == ARRAY_SIZE(sd->ranges)) {
		ret = -ENOSPC;
	} else {
		sd->ranges[sd->nr_ranges++] =
			DEFINE_RES_NAMED(res->start, resource_size(res),
					 dev_name(&sd->pdev->dev), type);
	}
unlock:
	mutex_unlock(&sd->unit->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(shdev_add_resource, SHDEV);

/* Open or close one device's gate; readers see it at their next entry. */
void shdev_gate_set(struct shdev *sd, bool away)
{
	/* Pairs with smp_load_acquire() in shdev_enter(). */
	smp_store_release(&sd->away, away);
}

/* Wait for every section entered before the gates closed. */
void shdev_gate_sync(struct shdev_unit *u)
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
int shdev_gate_wait(struct shdev_unit *u, struct shdev *sd)
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
int shdev_quiesce(struct shdev_unit *u, struct shdev *sd)
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
int shdev_resume(struct shdev_unit *u, struct shdev *sd)
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
