// SPDX-License-Identifier: GPL-2.0
/* Must be flagged by shdev_callbacks.cocci: no resume, and NULL ops. */
#include <linux/platform_device.h>
#include <linux/shdev.h>

static int bad_quiesce(struct shdev *sd)
{
	return 0;
}

static const struct shdev_ops bad_ops = {
	.quiesce = bad_quiesce,
};

static int bad_probe(struct platform_device *pdev)
{
	struct shdev *sd = devm_shdev_register(pdev, &bad_ops, NULL);

	if (IS_ERR(sd))
		return PTR_ERR(sd);
	return PTR_ERR_OR_ZERO(devm_shdev_register(pdev, NULL, NULL));
}
