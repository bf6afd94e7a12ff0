// SPDX-License-Identifier: GPL-2.0
/* Must not be flagged by shdev_callbacks.cocci. */
#include <linux/platform_device.h>
#include <linux/shdev.h>

static int good_quiesce(struct shdev *sd)
{
	return 0;
}

static int good_resume(struct shdev *sd)
{
	return 0;
}

static const struct shdev_ops good_ops = {
	.quiesce = good_quiesce,
	.resume = good_resume,
};

static int good_probe(struct platform_device *pdev)
{
	return PTR_ERR_OR_ZERO(devm_shdev_register(pdev, &good_ops, NULL));
}
