// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: an AMBA driver, which is not a platform
 * driver.  It is left as it is, with its line saying why.
 */
#include <linux/amba/bus.h>
#include <linux/io.h>
#include <linux/module.h>

static int sample_amba_probe(struct amba_device *adev,
			     const struct amba_id *id)
{
	void __iomem *regs = devm_ioremap_resource(&adev->dev, &adev->res);

	return PTR_ERR_OR_ZERO(regs);
}

static const struct amba_id sample_amba_ids[] = {
	{ .id = 0x00041050, .mask = 0x000fffff },
	{ }
};
MODULE_DEVICE_TABLE(amba, sample_amba_ids);

static struct amba_driver sample_amba_driver = {
	.drv = {
		.name = "sample-amba",
	},
	.id_table = sample_amba_ids,
	.probe = sample_amba_probe,
};
module_amba_driver(sample_amba_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: AMBA driver");
MODULE_LICENSE("GPL");
