// SPDX-License-Identifier: GPL-2.0
/*
 * shdev and DMA: Linux's DMA for a device is blocked in the IOMMU while
 * the device is away, and an IOMMU group moves whole or not at all.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "shdev-internal.h"

/*
 * Block Linux's DMA for the device while away.  A driver that manages its
 * DMA claims the group's ownership, which attaches a blocking domain; a
 * DMA-API driver's device gets an empty paging domain instead.  Without an
 * IOMMU there is nothing to block.
 */
int shdev_dma_block(struct shdev_unit *u, struct shdev *sd)
{
	struct device *dev = &sd->pdev->dev;
	struct iommu_group *group = iommu_group_get(dev);
	struct iommu_domain *domain;
	int ret;

	KUNIT_STATIC_STUB_REDIRECT(shdev_dma_block, u, sd);
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

int shdev_dma_unblock(struct shdev_unit *u, struct shdev *sd)
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
bool shdev_splits_iommu_group(struct device *dev, struct shdev_unit *u)
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
